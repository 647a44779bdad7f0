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
