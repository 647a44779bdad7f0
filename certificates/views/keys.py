"""The public keys that verify our certificates and Open Badges credentials."""

from django.core.exceptions import ImproperlyConfigured
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from certificates import signing


@require_GET
def jwks(request):
    """``/.well-known/jwks.json``: the current public key and the retired ones. Without a
    configured signing key, only the retired keys (nothing new can be signed anyway)."""
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
    response["Cache-Control"] = "public, max-age=3600"
    # Public keys, meant for verifiers running anywhere.
    response["Access-Control-Allow-Origin"] = "*"
    return response
