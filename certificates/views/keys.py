"""The public keys that verify our certificates and Open Badges credentials, and the X.509
certificate of the issuer key that PDF signatures chain to."""

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_http_methods

from certificates import pdf_signature, signing


def _public(response, *, max_age: int = 3600):
    response["Cache-Control"] = f"public, max-age={max_age}"
    # Public keys, meant for verifiers running anywhere.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_http_methods(["GET", "HEAD"])
def jwks(request):
    """``/.well-known/jwks.json``: the current public key (with its issuer certificate in
    ``x5c``) and the retired ones. Without a configured signing key, only the retired keys
    (nothing new can be signed anyway)."""
    try:
        key_set = signing.jwks()
    except ImproperlyConfigured:
        key_set = {
            "keys": [
                {**key.as_dict(private=False), "alg": signing.ALGORITHM, "use": "sig"}
                for key in signing.public_key_set(include_current=False).keys
            ]
        }
    response = JsonResponse(key_set, content_type="application/jwk-set+json")
    return _public(response)


@require_http_methods(["GET", "HEAD"])
def issuer_certificate(request):
    """``/.well-known/certificate-issuer.pem``: the X.509 certificate of the current
    certificate-signing key, which issues the certificate every PDF signature is made with
    (``certificates.pdf_signature``). 404 on a machine without a signing key."""
    try:
        pem = pdf_signature.issuer_certificate_pem()
    except ImproperlyConfigured:
        return HttpResponse(status=404)
    response = HttpResponse(pem, content_type="application/x-pem-file")
    return _public(response)
