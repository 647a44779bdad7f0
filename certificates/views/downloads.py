"""Learners' "My certificates" page and certificate downloads: the stored PDF and the Open
Badges 3.0 credential (decoded JSON or the signed VC-JWT).

Downloads are open to the holder, to the administrators of the employer, and to the staff of
an SPO in an active partnership with it (``certificates.selectors``); anyone else gets 404.
Every download is recorded as an audit event.
"""

import json

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.generic import TemplateView

from certificates import openbadges, selectors, services
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
        now, language = timezone.now(), get_language()
        context["rows"] = [
            {
                "certificate": certificate,
                "title": certificate.snapshot.get(f"title_{language}")
                or certificate.snapshot["title_en"],
                "status": certificate.status_at(now),
                "status_label": Certificate.Status(certificate.status_at(now)).label,
            }
            for certificate in selectors.holder_certificates(user=self.request.user)
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
