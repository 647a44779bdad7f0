"""Learners' "My certificates" page and certificate downloads: the stored PDF and the Open
Badges 3.0 credential (decoded JSON or the signed VC-JWT).

Downloads are open to the holder, to the administrators of the employer, and to the staff of
an SPO in an active partnership with it (``certificates.selectors``); anyone else gets 404.
A holder may share a certificate with another employer they belong to, and stop sharing it.
Every download is recorded as an audit event.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from certificates import openbadges, selectors, services, sharing
from certificates.codes import InvalidCode, code_normalize
from certificates.models import Certificate
from learning import selectors as learning_selectors

FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "json": ("application/json", "openbadges"),
    "jwt": ("application/vc+jwt", "openbadges"),
}


class CertificateListView(LoginRequiredMixin, TemplateView):
    """The learner's certificates: status, code, expiry and downloads."""

    template_name = "certificates/my_certificates.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now, language, user = timezone.now(), get_language(), self.request.user
        employers = selectors.shareable_employers(user=user)
        shared = selectors.active_shares(user=user)
        context["rows"] = [
            {
                "certificate": certificate,
                "title": certificate.snapshot.get(f"title_{language}")
                or certificate.snapshot["title_en"],
                "status": certificate.status_at(now),
                "status_label": Certificate.Status(certificate.status_at(now)).label,
                # Employers that see it only if the holder shares it, with whether it is.
                "sharing": [
                    (employer, (certificate.pk, employer.pk) in shared)
                    for employer in employers
                    if employer.pk != certificate.employer_id
                ],
            }
            for certificate in selectors.holder_certificates(user=user)
        ]
        return context


class EnrolmentCertificateView(LoginRequiredMixin, TemplateView):
    """The certificate of one of the learner's completed modules: "being prepared" until the
    worker has stored it, then its downloads. ``partial`` answers only the status block, which
    the results page's script fetches until the certificate is ready. Anyone else's
    enrolment, or one not completed, is 404."""

    template_name = "certificates/enrolment_certificate.html"
    partial = False

    def get_template_names(self):
        if self.partial:
            return ["certificates/includes/certificate_panel.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, enrolment_id = self.request.user, self.kwargs["enrolment_id"]
        enrolment = learning_selectors.learner_completed_enrolment(
            user=user, enrolment_id=enrolment_id
        )
        if enrolment is None:
            raise Http404
        context.update(certificate_panel(user=user, enrolment=enrolment))
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        response["Cache-Control"] = "no-store"
        return response


def certificate_panel(*, user, enrolment) -> dict:
    """What the certificate block of a completed module shows (one query)."""
    certificate = selectors.enrolment_certificate(user=user, enrolment_id=enrolment.pk)
    language = get_language()
    status = certificate.status_at(timezone.now()) if certificate else None
    return {
        "enrolment": enrolment,
        "certificate": certificate,
        "certificate_title": (
            certificate.snapshot.get(f"title_{language}") or certificate.snapshot["title_en"]
        )
        if certificate
        else "",
        "certificate_status": status,
        "certificate_status_label": Certificate.Status(status).label if status else "",
    }


@login_required
@require_POST
def certificate_share(request, code: str):
    """The holder shares their certificate ``code`` with one of their employers
    (``employer``, ``share`` = "1") or stops sharing it ("0"), then goes back to ``next``
    (a page of this site; "My certificates" otherwise)."""
    certificate = selectors.holder_certificates(user=request.user).filter(code=code).first()
    employer_id = request.POST.get("employer", "")
    if certificate is None or not employer_id.isdigit():
        raise Http404
    shared = request.POST.get("share") == "1"
    try:
        sharing.certificate_share_set(
            user=request.user,
            certificate_id=certificate.pk,
            employer_id=int(employer_id),
            shared=shared,
        )
    except PermissionDenied:
        raise Http404 from None
    messages.success(
        request,
        _("The certificate is now shared.")
        if shared
        else _("The certificate is no longer shared."),
    )
    back = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("certificates:my_certificates")


@login_required
def certificate_download(request, code: str, fmt: str):
    """The certificate ``code`` (typed in any accepted form) as ``fmt``: pdf, json or jwt."""
    if fmt not in FORMATS:
        raise Http404
    try:
        canonical = code_normalize(code)
    except InvalidCode:
        raise Http404 from None
    certificate = selectors.downloadable_certificate(user=request.user, code=canonical)
    if certificate is None:
        raise Http404
    content_type, channel = FORMATS[fmt]
    services.certificate_download(certificate=certificate, actor=request.user, channel=channel)
    filename = f"certificate-{certificate.display_code}"
    if fmt == "pdf":
        return FileResponse(
            certificate.pdf.open("rb"),
            as_attachment=True,
            filename=f"{filename}.pdf",
            content_type=content_type,
        )
    if fmt == "json":
        body = json.dumps(openbadges.credential_secured(certificate), ensure_ascii=False, indent=2)
        filename = f"{filename}.openbadges.json"
    else:
        body = openbadges.credential_jwt(certificate)
        filename = f"{filename}.openbadges.jwt"
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
