"""A person's own data: what we keep, download it as JSON, delete the account.

Other apps add sections to "Your data" through the Wagtail hook ``personal_data_sections``:
``fn(request) -> str``, the section's HTML (a ``<section>`` with an ``<h2>``), or "" for
none. It shows only the signed-in person's own data.
"""

import json

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail import hooks

from learning import services

SECTIONS_HOOK = "personal_data_sections"


def _my_data_page(request, form):
    sections = [section(request) for section in hooks.get_hooks(SECTIONS_HOOK)]
    context = {"form": form, "sections": [section for section in sections if section]}
    return render(request, "learning/privacy/my_data.html", context)


@login_required
def my_data(request):
    """What we hold and why, the other apps' sections (what the person shares, for
    example), with the download and deletion actions."""
    return _my_data_page(request, AccountDeleteForm())


@login_required
@require_POST
def my_data_download(request):
    data = services.personal_data(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.json"'
    return response


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Your password, to confirm"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    revoke_certificates = forms.BooleanField(
        label=gettext_lazy("Also revoke my certificates"),
        required=False,
        help_text=gettext_lazy(
            "Without this, certificates already issued stay verifiable by their code, "
            "because employers may have attached them to applications."
        ),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("That password is not correct."))
        return password


@login_required
@require_POST
def account_delete(request):
    form = AccountDeleteForm(request.POST, user=request.user)
    if not form.is_valid():
        return _my_data_page(request, form)
    user = request.user
    logout(request)
    services.account_delete(user=user, revoke_certificates=form.cleaned_data["revoke_certificates"])
    messages.success(request, _("Your account has been deleted."))
    return redirect("wagtail_serve", "")
