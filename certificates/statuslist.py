"""The revocation list every Open Badges credential points at: a W3C Bitstring Status List
v1.0 ``BitstringStatusListCredential``.

Bit ``status_index`` of the list is 1 when that certificate is revoked. The bitstring is at
least 131,072 bits (16 KiB, the spec's minimum, for group privacy), GZIP-compressed,
base64url-encoded without padding and multibase-prefixed with ``u``. Index 0 is the left-most
(most significant) bit of the first byte.

The credential is served as JSON-LD with an embedded ``eddsa-rdfc-2022`` Data Integrity
proof (``certificates.dataintegrity``), and as a VC-JWT signed with the certificate signing
key (the JWT payload is the credential with ``iss``, ``jti``, ``nbf`` and ``exp`` beside it, as
in ``certificates.openbadges``). It is cached briefly; a revocation clears the cache once it
commits.

Credentials name the JSON-LD address (``STATUS_LIST_PATH``): status checkers such as
``checkStatus`` of ``@digitalbazaar/vc-bitstring-status-list`` read the list there as a
credential, while a client asking for ``application/vc+jwt`` gets the VC-JWT. The VC-JWT
address (``/certificates/status-list.jwt``) stays served for credentials issued when it was the one
they named.
"""

import base64
import datetime
import gzip

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from certificates import signing
from certificates.models import Certificate
from certificates.presentation import format_time

MIN_BITS = 131_072
CACHE_KEY = "certificates:status-list:v1"
# How long a served list may be reused, by us and by verifiers (the credential's ``ttl``).
CACHE_SECONDS = 300
# A signed list is valid for a day: an old copy cannot hide a revocation for longer.
VALID_FOR = datetime.timedelta(days=1)
STATUS_LIST_PATH = "/certificates/status-list.json"
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"


def status_list_url() -> str:
    return f"{settings.SITE_URL}{STATUS_LIST_PATH}"


def bitstring(indices, *, minimum: int = MIN_BITS) -> bytes:
    """The bits, index 0 first (most significant bit of byte 0), at least ``minimum`` bits and
    a whole number of ``minimum``-bit blocks long."""
    indices = list(indices)
    needed = max(indices, default=-1) + 1
    length = max(minimum, -(-needed // minimum) * minimum)
    bits = bytearray(length // 8)
    for index in indices:
        bits[index // 8] |= 0x80 >> (index % 8)
    return bytes(bits)


def encode(bits: bytes) -> str:
    """``u`` + base64url (no padding) of the GZIP-compressed bits."""
    compressed = gzip.compress(bits, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode()


def decode(encoded_list: str) -> bytes:
    """The bits of an ``encodedList`` (for verifiers and tests)."""
    if not encoded_list.startswith("u"):
        raise ValueError("not a base64url multibase string")
    data = encoded_list[1:]
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def is_set(bits: bytes, index: int) -> bool:
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def revoked_indices(*, moment: datetime.datetime | None = None) -> list[int]:
    moment = moment or timezone.now()
    return list(
        Certificate.objects.filter(revoked_at__lte=moment).values_list("status_index", flat=True)
    )


def credential(*, moment: datetime.datetime | None = None) -> dict:
    """The BitstringStatusListCredential as of ``moment`` (unsigned JSON)."""
    moment = moment or timezone.now()
    indices = revoked_indices(moment=moment)
    moment = moment.replace(microsecond=0)
    url = status_list_url()
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": settings.SITE_URL,
        "validFrom": format_time(moment),
        "validUntil": format_time(moment + VALID_FOR),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": encode(bitstring(indices)),
            "ttl": CACHE_SECONDS * 1000,
        },
    }


def credential_jwt(document: dict) -> str:
    """``document`` as a compact VC-JWT signed with the current certificate key."""
    moment = datetime.datetime.fromisoformat(document["validFrom"].replace("Z", "+00:00"))
    until = datetime.datetime.fromisoformat(document["validUntil"].replace("Z", "+00:00"))
    return signing.sign(
        {
            **document,
            "iss": document["issuer"],
            "jti": document["id"],
            "nbf": int(moment.timestamp()),
            "exp": int(until.timestamp()),
        },
        typ="vc+jwt",
    )


def status_list() -> tuple[dict, str]:
    """The current credential (secured with an embedded ``eddsa-rdfc-2022`` proof) and its
    VC-JWT, from the cache when fresh enough."""
    from certificates import dataintegrity

    cached = cache.get(CACHE_KEY)
    if cached is None:
        document = credential()
        secured = dataintegrity.proof_add(document, created=document["validFrom"])
        cached = (secured, credential_jwt(document))
        cache.set(CACHE_KEY, cached, CACHE_SECONDS)
    return cached


def cache_clear() -> None:
    cache.delete(CACHE_KEY)
