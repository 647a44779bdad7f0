"""Requesting access (public, for employers nobody invited) and reviewing the requests (an
SPO's managers).

The public form answers the same way whatever organization or address is typed, so it cannot
be used to learn who is registered; it is limited per client address
(``ACCESS_REQUEST_RATE``) and carries a trap field for robots, whose submissions are answered
as if accepted and dropped.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from cms.ratelimit import client_address
from learning.forms import AccessDeclineForm, AccessRequestForm
from learning.models import AccessRequest
from learning.selectors.access_requests import spo_access_requests
from learning.selectors.organizations import is_spo_manager, spo_for
from learning.services import access_requests as services


def access_request(request):
    form = AccessRequestForm(request.POST or None, initial={"language": get_language()[:2]})
    if request.method == "POST":
        if is_ratelimited(
            request,
            group="learning.access_request",
            key=client_address,
            rate=settings.ACCESS_REQUEST_RATE,
            increment=True,
        ):
            form.add_error(None, _("Too many requests from your network. Please try again later."))
            return render(
                request,
                "learning/access/request.html",
                {"form": form, "forms": [form], "has_errors": True},
                status=429,
            )
        if form.is_valid():
            if not form.cleaned_data.get("website"):
                data = {k: v for k, v in form.cleaned_data.items() if k != "website"}
                services.access_request_submit(**data)
            return redirect("access:sent")
    return render(
        request,
        "learning/access/request.html",
        {"form": form, "forms": [form], "has_errors": bool(form.errors)},
    )


def access_request_sent(request):
    return render(request, "learning/access/sent.html")


def _managed(request, spo_id: int):
    spo = spo_for(user=request.user, spo_id=spo_id)
    if spo is None or not is_spo_manager(user=request.user, spo=spo):
        raise Http404
    return spo


@login_required
def access_requests(request, spo_id: int):
    spo = _managed(request, spo_id)
    return render(
        request,
        "learning/access/review.html",
        {
            "spo": spo,
            "requests": spo_access_requests(spo=spo)[:100],
            "decline_form": AccessDeclineForm(),
        },
    )


@login_required
@require_POST
def access_request_approve(request, spo_id: int, request_id: int):
    spo = _managed(request, spo_id)
    try:
        approved = services.access_request_approve(by=request.user, spo=spo, request_id=request_id)
    except (AccessRequest.DoesNotExist, PermissionDenied) as error:
        raise Http404 from error
    messages.success(
        request,
        _("Invitation sent to %(email)s for %(organization)s.")
        % {"email": approved.contact_email, "organization": approved.organization_name},
    )
    return redirect(reverse("spo:access_requests", args=[spo.pk]))


@login_required
@require_POST
def access_request_decline(request, spo_id: int, request_id: int):
    spo = _managed(request, spo_id)
    form = AccessDeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why, so that the employer knows what to do."))
        return redirect(reverse("spo:access_requests", args=[spo.pk]))
    try:
        declined = services.access_request_decline(
            by=request.user, spo=spo, request_id=request_id, reason=form.cleaned_data["reason"]
        )
    except (AccessRequest.DoesNotExist, PermissionDenied) as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(reverse("spo:access_requests", args=[spo.pk]))
    messages.success(
        request,
        _("Request from %(organization)s declined; the reason was sent to them.")
        % {"organization": declined.organization_name},
    )
    return redirect(reverse("spo:access_requests", args=[spo.pk]))
