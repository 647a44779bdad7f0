"""The certificate as a PDF: English and French on one landscape Letter page, tagged for
accessibility (PDF/UA-1), with the signed data attached.

What is printed comes from the frozen snapshot through ``presentation.printed_fields``, the
same fields the verification pages show. A QR code points at the verification page in the
certificate's language; each language's verification line points at the page in its own.
Two files are attached: ``certificate.jws.txt`` (the compact JWS over the snapshot) and
``openbadges-credential.jwt.txt`` (the Open Badges 3.0 VC-JWT).

Rendering fetches nothing from the network: ``LocalFetcher`` serves only ``data:`` URIs and
files inside ``certificates/static/certificates/`` (fonts and the stylesheet), and refuses
anything else, which fails the rendering.
"""

import functools
import mimetypes
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from certificates import openbadges, pdf_signature
from certificates.presentation import parse_time, printed_fields
from certificates.verification import verify_url

STATIC_ROOT = Path(__file__).resolve().parent / "static" / "certificates"
TEMPLATE = "certificates/certificate_pdf.html"
STYLESHEET = STATIC_ROOT / "css" / "certificate.css"
PDF_VARIANT = "pdf/ua-1"
JWS_ATTACHMENT = "certificate.jws.txt"
OPENBADGES_ATTACHMENT = "openbadges-credential.jwt.txt"


class ResourceRefused(ValueError):
    """The certificate template asked for something outside the allowed local files."""


class RenderError(Exception):
    """WeasyPrint failed to render a certificate (worth retrying: fonts, memory, files)."""


class LocalFetcher(URLFetcher):
    """Serves ``data:`` URIs and files under ``roots``; refuses everything else (and keeps
    the refused URLs in ``refused``). No handler that could open a socket is ever used."""

    def __init__(self, roots=(STATIC_ROOT,)):
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.roots = [Path(root).resolve() for root in roots]
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if path.is_file() and any(path.is_relative_to(root) for root in self.roots):
                content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(
                    path.as_uri(), path.read_bytes(), {"Content-Type": content_type}
                )
        self.refused.append(url)
        raise ResourceRefused(f"not fetched while rendering a certificate: {url}")


TEXTS = {
    "heading": _("Certificate of completion"),
    "lead_module": _("This certifies that the person named below completed the module"),
    "lead_program": _("This certifies that the person named below completed the program"),
    "status": _("Check current status at %(url)s"),
    "qr_alt": _("QR code linking to the verification page %(url)s"),
    "attachments": _(
        "The signed certificate data (JWS) and an Open Badges 3.0 credential are attached "
        "to this PDF."
    ),
    "jws_description": _("Signed certificate data: compact JWS (EdDSA) over RFC 8785 JSON"),
    "openbadges_description": _("Open Badges 3.0 credential (VC-JWT)"),
}


def _bilingual(text) -> str:
    parts = []
    for language in ("en", "fr"):
        with translation.override(language):
            parts.append(str(text))
    return parts[0] if parts[0] == parts[1] else " / ".join(parts)


def _texts(language: str, *, kind: str, url: str) -> dict:
    with translation.override(language):
        return {
            "language": language,
            # Canadian English and French: screen readers pick their rules from it.
            "lang": f"{language}-CA",
            "site_name": str(settings.WAGTAIL_SITE_NAME),
            "heading": str(TEXTS["heading"]),
            "lead": str(TEXTS[f"lead_{kind}"]),
            "status": str(TEXTS["status"]) % {"url": url},
            "qr_alt": str(TEXTS["qr_alt"]) % {"url": url},
            "attachments": str(TEXTS["attachments"]),
        }


def qr_data_uri(url: str) -> str:
    """The QR code for ``url`` as an SVG data URI."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=4, nl=False)


def certificate_html(certificate) -> str:
    """The HTML that becomes the PDF (with ``STYLESHEET``), in both languages (the
    certificate's first)."""
    snapshot = certificate.snapshot
    url = openbadges.verify_url(certificate)
    first = certificate.language
    languages = [first, *[code for code, _name in settings.LANGUAGES if code != first]]
    columns = [
        {
            **_texts(language, kind=snapshot["type"], url=verify_url(certificate.code, language)),
            "fields": [
                {
                    "key": field.key,
                    "label": getattr(field, f"label_{language}"),
                    "value": getattr(field, f"value_{language}"),
                }
                for field in printed_fields(snapshot)
            ],
        }
        for language in languages
    ]
    title = " / ".join(dict.fromkeys(column["heading"] for column in columns))
    return render_to_string(
        TEMPLATE,
        {
            "language": first,
            "title": f"{title} – {snapshot['holder_name']} – {certificate.display_code}",
            "description": f"{snapshot['title_en']} / {snapshot['title_fr']}",
            "issued_at": snapshot["issued_at"],
            "holder_name": snapshot["holder_name"],
            "columns": columns,
            "verify_url": url,
            "qr": qr_data_uri(url),
            "display_code": certificate.display_code,
        },
    )


@functools.cache
def stylesheet() -> tuple[CSS, FontConfiguration]:
    """The certificate stylesheet, parsed once per process with its fonts loaded (reading and
    registering the fonts is otherwise a quarter of every render). Raises ResourceRefused
    when it asks for anything outside STATIC_ROOT."""
    font_config = FontConfiguration()
    fetcher = LocalFetcher()
    css = CSS(filename=str(STYLESHEET), font_config=font_config, url_fetcher=fetcher)
    if fetcher.refused:
        raise ResourceRefused(f"refused: {', '.join(fetcher.refused)}")
    return css, font_config


def render(html: str, *, attachments=(), identifier: bytes | None = None) -> bytes:
    """A PDF/UA-1 document from ``html`` styled by the certificate stylesheet, with nothing
    fetched from outside STATIC_ROOT.

    Raises ResourceRefused when the HTML or its stylesheets ask for anything else, OSError or
    RenderError when WeasyPrint fails.
    """
    fetcher = LocalFetcher()
    try:
        css, font_config = stylesheet()
        data = HTML(
            string=html, base_url=STATIC_ROOT.as_uri() + "/", url_fetcher=fetcher
        ).write_pdf(
            stylesheets=[css],
            font_config=font_config,
            pdf_variant=PDF_VARIANT,
            attachments=list(attachments),
            pdf_identifier=identifier,
        )
    except (OSError, ResourceRefused):
        raise
    except Exception as error:
        raise RenderError(f"{type(error).__name__}: {error}") from error
    if fetcher.refused:
        raise ResourceRefused(f"refused: {', '.join(fetcher.refused)}")
    return data


def certificate_attachments(certificate, *, openbadges_jwt: str | None = None) -> list:
    """The signed JWS and the Open Badges VC-JWT, dated like the certificate."""
    issued = parse_time(certificate.snapshot["issued_at"]).replace(tzinfo=None)
    jwt = openbadges_jwt or openbadges.credential_jwt(certificate)
    return [
        Attachment(
            string=certificate.jws,
            name=JWS_ATTACHMENT,
            description=_bilingual(TEXTS["jws_description"]),
            created=issued,
            modified=issued,
            relationship="Data",
            url_fetcher=LocalFetcher(),
        ),
        Attachment(
            string=jwt,
            name=OPENBADGES_ATTACHMENT,
            description=_bilingual(TEXTS["openbadges_description"]),
            created=issued,
            modified=issued,
            relationship="Data",
            url_fetcher=LocalFetcher(),
        ),
    ]


def certificate_pdf_unsigned(certificate) -> bytes:
    """The certificate's PDF before its document signature (what the signature covers, less
    the signature's own revision)."""
    return render(
        certificate_html(certificate),
        attachments=certificate_attachments(certificate),
        identifier=certificate.code.encode(),
    )


def certificate_pdf(certificate) -> bytes:
    """The certificate's PDF, signed as a whole (``pdf_signature``) and dated like the
    certificate. The same certificate renders to the same document."""
    return pdf_signature.pdf_sign(
        certificate_pdf_unsigned(certificate),
        signed_at=parse_time(certificate.snapshot["issued_at"]),
    )
