"""Signing certificates: Ed25519 keys, compact JWS over RFC 8785 canonical JSON, and the
published key set.

Keys come from the environment (never from files in the repository):

- ``CERTIFICATE_SIGNING_KEY``: the current private key, PEM (PKCS#8), with ``\\n`` allowed
  for newlines.
- ``CERTIFICATE_SIGNING_KEY_ID``: its ``kid``.
- ``CERTIFICATE_RETIRED_KEYS``: a JSON Web Key Set (``{"keys": [...]}``) of public keys no
  longer used for signing, so certificates they signed still verify.

``make demo`` writes a development key into ``.env``.
"""

import functools
import json
import warnings

import rfc8785
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OKPKey
from joserfc.jws import JWSRegistry
from joserfc.registry import HeaderParameter

ALGORITHM = "EdDSA"

# joserfc flags "EdDSA" (RFC 9864 prefers "Ed25519"); verifiers in the field, Open Badges
# 3.0 VC-JWT among them, expect "EdDSA".
warnings.filterwarnings("ignore", message="EdDSA is deprecated", module="joserfc")


# Our own protected header parameters (``certificates.pdf_signature.JWS_HEADER``).
REGISTRY = JWSRegistry(
    header_registry={"pdfsig": HeaderParameter("The PDF is signed as a whole", "str")},
    algorithms=[ALGORITHM],
)


class SignatureInvalid(Exception):
    """The JWS does not verify against any published key."""


def canonical_json(data) -> bytes:
    """RFC 8785 (JCS) serialization: the exact bytes that are signed."""
    return rfc8785.dumps(data)


@functools.cache
def signing_key() -> OKPKey:
    """The current private key, with its kid. Raises ImproperlyConfigured when missing."""
    pem = getattr(settings, "CERTIFICATE_SIGNING_KEY", "")
    kid = getattr(settings, "CERTIFICATE_SIGNING_KEY_ID", "")
    if not pem or not kid:
        raise ImproperlyConfigured(
            "CERTIFICATE_SIGNING_KEY and CERTIFICATE_SIGNING_KEY_ID must be set to issue "
            "certificates (make demo writes a development key into .env)."
        )
    key = OKPKey.import_key(pem.replace("\\n", "\n"), parameters={"kid": kid})
    if key.curve_name != "Ed25519":
        raise ImproperlyConfigured("CERTIFICATE_SIGNING_KEY must be an Ed25519 key.")
    return key


def public_key_set(*, include_current: bool = True) -> KeySet:
    """Every key a verifier may need: the current one and the retired ones (public parts)."""
    keys = []
    if include_current:
        current = signing_key()
        keys.append(OKPKey.import_key(current.as_dict(private=False)))
    retired = getattr(settings, "CERTIFICATE_RETIRED_KEYS", "") or '{"keys": []}'
    for entry in json.loads(retired).get("keys", []):
        keys.append(OKPKey.import_key({k: v for k, v in entry.items() if k != "d"}))
    return KeySet(keys)


def jwks() -> dict:
    """The public key set as published at ``/.well-known/jwks.json``. The current key carries
    its X.509 issuer certificate (``x5c``, the one PDF signatures chain to); retired keys carry
    theirs when it was kept in ``CERTIFICATE_RETIRED_KEYS``."""
    import base64

    from certificates import pdf_signature

    retired = json.loads(getattr(settings, "CERTIFICATE_RETIRED_KEYS", "") or '{"keys": []}')
    chains = {entry.get("kid"): entry["x5c"] for entry in retired["keys"] if "x5c" in entry}
    chains[signing_key().kid] = [base64.b64encode(pdf_signature.issuer_certificate_der()).decode()]
    return {
        "keys": [
            {
                **key.as_dict(private=False),
                "alg": ALGORITHM,
                "use": "sig",
                **({"x5c": chains[key.kid]} if key.kid in chains else {}),
            }
            for key in public_key_set().keys
        ]
    }


def sign(payload: dict, *, typ: str = "JWT", header: dict | None = None) -> str:
    """A compact JWS (EdDSA, with ``kid`` and ``typ``, plus ``header``) over the canonical
    JSON of ``payload``."""
    key = signing_key()
    header = {**(header or {}), "alg": ALGORITHM, "kid": key.kid, "typ": typ}
    return jws.serialize_compact(header, canonical_json(payload), key, registry=REGISTRY)


def header(token: str) -> dict:
    """The protected header of a compact JWS (not verified: read it after ``verify``)."""
    try:
        return jws.extract_compact(token.encode()).headers()
    except (JoseError, ValueError) as error:
        raise SignatureInvalid(str(error)) from None


def verify(token: str, *, key_set: KeySet | None = None) -> dict:
    """The payload of a compact JWS signed by one of our keys, chosen by its ``kid``.

    Raises SignatureInvalid for a bad signature, an unknown ``kid``, another algorithm, or
    a payload that is not the canonical JSON it claims to be.
    """
    key_set = key_set or public_key_set()
    try:
        header = jws.extract_compact(token.encode()).headers()
        if header.get("alg") != ALGORITHM:
            raise SignatureInvalid("unexpected algorithm")
        key = key_set.get_by_kid(header.get("kid"))
        result = jws.deserialize_compact(token, key, registry=REGISTRY)
    except (JoseError, ValueError) as error:
        raise SignatureInvalid(str(error)) from None
    payload = json.loads(result.payload)
    if canonical_json(payload) != result.payload:
        raise SignatureInvalid("payload is not canonical JSON")
    return payload
