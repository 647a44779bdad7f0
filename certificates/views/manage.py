"""Managing certificates, under /<lang>/verify/manage/: SPO managers for their active partner
employers' people, site administrators for everyone (``lifecycle.certificates_manageable``).
Anyone else gets 404. Revoking and reissuing each ask for a confirmation first.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views import View

from certificates import lifecycle
from certificates.codes import InvalidCode, code_normalize
from certificates.models import Certificate
from learning.models import Membership

PAGE_SIZE = 50


def _may_manage(user) -> bool:
    return (
        user.is_superuser
        or Membership.objects.filter(user=user, role=Membership.Role.SPO_MANAGER).exists()
    )


class ManageMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not _may_manage(request.user):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def certificate(self, code: str) -> Certificate:
        try:
            canonical = code_normalize(code)
        except InvalidCode:
            raise Http404 from None
        certificate = lifecycle.certificate_manageable(user=self.request.user, code=canonical)
        if certificate is None:
            raise Http404
        return certificate


def _row(certificate: Certificate, now, language: str) -> dict:
    snapshot = certificate.snapshot
    status = certificate.status_at(now)
    return {
        "certificate": certificate,
        "holder_name": snapshot["holder_name"],
        "employer": snapshot.get("employer_legal_name", ""),
        "title": snapshot.get(f"title_{language}") or snapshot["title_en"],
        "status": status,
        "status_label": Certificate.Status(status).label,
        "can_change": certificate.revoked_at is None and certificate.superseded_by_id is None,
    }


class CertificateManageListView(ManageMixin, View):
    """The certificates one may manage, newest first, searchable by name or code."""

    def get(self, request):
        certificates = lifecycle.certificates_manageable(user=request.user).order_by(
            "-issued_at", "-pk"
        )
        query = request.GET.get("q", "").strip()[:100]
        if query:
            condition = Q(snapshot__holder_name__icontains=query) | Q(
                snapshot__employer_legal_name__icontains=query
            )
            try:
                condition |= Q(code=code_normalize(query))
            except InvalidCode:
                pass
            certificates = certificates.filter(condition)
        page = Paginator(certificates, PAGE_SIZE).get_page(request.GET.get("page"))
        now, language = timezone.now(), get_language()
        context = {
            "page_obj": page,
            "rows": [_row(certificate, now, language) for certificate in page.object_list],
            "query": query,
        }
        return render(request, "certificates/manage/list.html", context)


class RevokeForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Choose a reason")), *Certificate.RevocationReason.choices],
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What happened and who asked, for the record. It is not shown on the public "
            "verification page."
        ),
    )


class ReissueForm(forms.Form):
    holder_name = forms.CharField(
        label=_("Holder's name as it should be printed"),
        max_length=200,
    )


class _ConfirmedActionView(ManageMixin, View):
    """GET: the form. POST without ``confirm``: the form checked, and a summary to confirm.
    POST with ``confirm``: the action."""

    form_class: type[forms.Form]
    template_name: str

    def context(self, certificate, form, *, confirming: bool) -> dict:
        return {
            "form": form,
            "confirming": confirming,
            **_row(certificate, timezone.now(), get_language()),
        }

    def get(self, request, code: str):
        certificate = self.certificate(code)
        form = self.form_class(initial=self.initial(certificate))
        return render(
            request, self.template_name, self.context(certificate, form, confirming=False)
        )

    def initial(self, certificate) -> dict:
        return {}

    def post(self, request, code: str):
        certificate = self.certificate(code)
        form = self.form_class(request.POST)
        confirming = form.is_valid() and "confirm" not in request.POST
        if not form.is_valid() or confirming:
            return render(
                request, self.template_name, self.context(certificate, form, confirming=confirming)
            )
        try:
            message = self.act(certificate, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return render(
                request, self.template_name, self.context(certificate, form, confirming=False)
            )
        messages.success(request, message)
        return redirect("verify:manage")


class CertificateRevokeView(_ConfirmedActionView):
    form_class = RevokeForm
    template_name = "certificates/manage/revoke.html"

    def context(self, certificate, form, *, confirming):
        context = super().context(certificate, form, confirming=confirming)
        if confirming:
            context["reason_label"] = Certificate.RevocationReason(
                form.cleaned_data["reason"]
            ).label
        return context

    def act(self, certificate, data) -> str:
        lifecycle.certificate_revoke(
            certificate=certificate, by=self.request.user, reason=data["reason"], note=data["note"]
        )
        return gettext("Certificate %(code)s is revoked.") % {"code": certificate.display_code}


class CertificateReissueView(_ConfirmedActionView):
    form_class = ReissueForm
    template_name = "certificates/manage/reissue.html"

    def initial(self, certificate) -> dict:
        return {"holder_name": certificate.snapshot["holder_name"]}

    def act(self, certificate, data) -> str:
        new = lifecycle.certificate_reissue(
            certificate=certificate, by=self.request.user, holder_name=data["holder_name"]
        )
        return gettext("Certificate %(old)s is replaced by the new certificate %(new)s.") % {
            "old": certificate.display_code,
            "new": new.display_code,
        }
