"""The public verification API (``/api/v1/…``, described by ``certificates/openapi.json``) and
the Bitstring Status List credential (``/certificates/status-list.jwt`` and ``.json``).

Anyone may call them from anywhere: GET is open to every origin (CORS ``*``), no cookies are
read. Requests are limited per address (``CERTIFICATE_API_RATE``); past the limit the answer
is 429 with a JSON error and ``Retry-After``. Unknown and malformed codes get the same 404.
"""

import functools
import hashlib
import json
from pathlib import Path

from django.http import HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from certificates import statuslist
from certificates.models import Certificate
from certificates.presentation import format_time
from certificates.ratelimit import rate_limit
from certificates.verification import Channel, Outcome, Verification, code_verify, verify_url

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "openapi.json"
ALLOWED_METHODS = "GET, HEAD, OPTIONS"


def public(response):
    """Open to every origin, kept out of search engines."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Allow-Methods"] = ALLOWED_METHODS
    response["Access-Control-Max-Age"] = "86400"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def error(status: int, code: str, detail: str, **headers) -> JsonResponse:
    response = JsonResponse({"error": code, "detail": detail}, status=status)
    for name, value in headers.items():
        response[name] = value
    return public(response)


def rate_limited_json(request, retry_after: int):
    return error(
        429,
        "rate_limited",
        gettext("Too many requests from your address. Try again in a minute."),
        **{"Retry-After": str(retry_after)},
    )


def read_only(view):
    """GET, HEAD and OPTIONS only: any other method gets a 405 JSON error naming the allowed
    ones (not the CSRF page: nothing here reads cookies or changes anything)."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            _keep_404(request)
            return error(
                405,
                "method_not_allowed",
                gettext("This address only answers GET, HEAD and OPTIONS requests."),
                Allow=ALLOWED_METHODS,
            )
        return view(request, *args, **kwargs)

    return wrapped


limited = rate_limit(
    group="certificates.api", rate_setting="CERTIFICATE_API_RATE", respond=rate_limited_json
)


def _keep_404(request) -> None:
    """Keep a 404 a 404. Outside the language prefix, LocaleMiddleware answers any 404 with a
    redirect to ``/en/<path>/`` when that address exists, and Wagtail's catch-all makes nearly
    every address exist. Both it and CommonMiddleware (APPEND_SLASH) read the request's
    URLconf: this one has no language prefixes and no address ending with a slash."""
    request.urlconf = "certificates.urls_api"


def _preflight():
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Headers"] = "Accept, Accept-Language"
    return public(response)


def _both(label) -> dict:
    values = {}
    for language in ("en", "fr"):
        with translation.override(language):
            values[language] = str(label)
    return values


def certificate_document(verification: Verification) -> dict:
    """The API's answer for a certificate that was found (``Certificate`` in the schema)."""
    certificate, payload = verification.certificate, verification.payload
    document = {
        "status": verification.outcome,
        "code": verification.code,
        "checked_at": format_time(verification.checked_at),
    }
    if not verification.found:  # the record failed its integrity check
        document["detail"] = gettext(
            "This certificate's record does not match its signature. Do not rely on it."
        )
        return document
    reason = certificate.revocation_reason or None
    document.update(
        {
            "display_code": certificate.display_code,
            "kind": payload["type"],
            # Every certificate attests a pass; the score itself stays private.
            "result": "passed",
            "fields": [
                {
                    "key": field.key,
                    "label": {"en": field.label_en, "fr": field.label_fr},
                    "value": {"en": field.value_en, "fr": field.value_fr},
                }
                for field in verification.fields
            ],
            "holder_name": payload["holder_name"],
            "title": {"en": payload["title_en"], "fr": payload["title_fr"]},
            "version": payload["version"],
            "completed_at": payload["completed_at"],
            "issued_at": payload["issued_at"],
            "expires_at": payload["expires_at"],
            "revoked_at": format_time(certificate.revoked_at) if certificate.revoked_at else None,
            "revocation_reason": reason,
            "revocation_reason_label": (
                _both(Certificate.RevocationReason(reason).label) if reason else None
            ),
            "superseded_by": certificate.successor_code,
            "pdf_sha256": certificate.pdf_sha256 or None,
            "jws": certificate.jws,
            "kid": certificate.kid,
            "status_list": {
                "url": statuslist.status_list_url(),
                "index": certificate.status_index,
            },
            "verification_url": {
                language: verify_url(certificate.code, language) for language in ("en", "fr")
            },
        }
    )
    return document


@never_cache
@read_only
@limited
def certificate_detail(request, code: str):
    """GET /api/v1/certificates/<code>: the certificate's status and signed fields."""
    if request.method == "OPTIONS":
        return _preflight()
    verification = code_verify(text=code, channel=Channel.API, actor=request.user)
    if verification.certificate is None:
        _keep_404(request)
        response = JsonResponse(
            {"status": Outcome.NOT_FOUND, "detail": gettext("No certificate has this code.")},
            status=404,
        )
        return public(response)
    document = certificate_document(verification)
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    return public(response)


@functools.cache
def _openapi() -> bytes:
    return OPENAPI_PATH.read_bytes()


@read_only
def openapi_schema(request):
    """The OpenAPI 3.1 description of this API."""
    if request.method == "OPTIONS":
        return _preflight()
    response = HttpResponse(_openapi(), content_type="application/json")
    response["Cache-Control"] = "public, max-age=3600"
    return public(response)


def _status_list_response(request, body: str, content_type: str) -> HttpResponse:
    """The list with a strong ETag; verifiers revalidate every time (``no-cache``), so a
    revocation shows in the first request after it commits, and an unchanged list costs a
    304."""
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body, content_type=content_type)
    response["ETag"] = etag
    response["Cache-Control"] = "public, no-cache"
    patch_vary_headers(response, ["Accept"])
    return public(response)


def _wants_jwt(request) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/vc+jwt" in accept or "application/jwt" in accept


# Not limited per client: verifiers fetch the list for every credential they check, and it
# is served from a cache (statuslist.CACHE_SECONDS) that a revocation clears.
@read_only
def status_list_jwt(request):
    """The revocation status list as a signed VC-JWT (the address credentials issued before
    the secured JSON list name; a client asking for JSON-LD gets that list instead)."""
    if request.method == "OPTIONS":
        return _preflight()
    document, token = statuslist.status_list()
    accept = request.headers.get("Accept", "")
    if not _wants_jwt(request) and ("ld+json" in accept or "application/json" in accept):
        return _status_list_response(request, json.dumps(document, indent=2), "application/vc")
    return _status_list_response(request, token, "application/vc+jwt")


@read_only
def status_list_json(request):
    """The revocation status list as a JSON-LD ``BitstringStatusListCredential`` (the
    ``statusListCredential`` of credentials); as a VC-JWT to a client that asks for one."""
    if request.method == "OPTIONS":
        return _preflight()
    document, token = statuslist.status_list()
    if _wants_jwt(request):
        return _status_list_response(request, token, "application/vc+jwt")
    return _status_list_response(request, json.dumps(document, indent=2), "application/vc")
