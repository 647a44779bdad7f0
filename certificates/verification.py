"""What a certificate code says now: found or not, genuine or altered, and its status.

A certificate is checked, not merely looked up: the signature stored with it must verify
against the published keys, and what it signed must be exactly the stored snapshot, code and
expiry. What people are shown comes from the signed payload. Revocation and supersession are
run-time states and come from the database.

Every verification is logged (``AuditEvent``, action ``verified``) by the SHA-256 of the code
asked about (of the raw input when it is not a well-formed code), never by the address of the
person asking. The events are written in batches, off the request (``verification_log``).
"""

import datetime
import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F, TextChoices
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from joserfc.jwk import KeySet

from certificates import signing, verification_log
from certificates.codes import InvalidCode, code_normalize
from certificates.models import AuditEvent, Certificate
from certificates.presentation import PrintedField, format_time, printed_fields


class Outcome(TextChoices):
    """The answer to a verification: a certificate's status, or why there is none."""

    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")
    SUPERSEDED = "superseded", _("Superseded")
    NOT_FOUND = "not_found", _("Not found")
    # A record whose signature does not verify, or signed data that differs from the stored
    # one: something changed it after issuance.
    INVALID = "invalid", _("Failed the integrity check")


class Channel(TextChoices):
    PAGE = "page", _("Verification page")
    API = "api", _("API")
    BULK = "bulk", _("Bulk verification")


@dataclass(frozen=True)
class Verification:
    """One code checked at ``checked_at``. ``certificate`` is None when the code was not
    found; ``payload`` (the verified, signed snapshot, the only thing to show) is None unless
    the record is genuine."""

    outcome: str
    code: str = ""  # canonical, "" when the input was not a well-formed code
    certificate: Certificate | None = None
    payload: dict | None = None
    checked_at: datetime.datetime = field(default_factory=timezone.now)

    @property
    def found(self) -> bool:
        return self.payload is not None

    @property
    def fields(self) -> list[PrintedField]:
        return printed_fields(self.payload) if self.payload else []


def published_keys() -> KeySet:
    """Every public key certificates may be signed with (current and retired). Without a
    current signing key (a machine that only verifies), the retired ones."""
    try:
        return signing.public_key_set()
    except ImproperlyConfigured:
        return signing.public_key_set(include_current=False)


URL_CODE_PARAMETER = "code"


def code_extract(text: str) -> str:
    """The code part of what someone typed or pasted: the code itself, or a verification
    address (``https://…/en/verify/7K3M…/`` or ``…/verify/?code=…``) it ends a path of."""
    text = (text or "").strip()
    if "/" not in text:
        return text
    parts = urlsplit(text)
    query = parse_qs(parts.query).get(URL_CODE_PARAMETER)
    if query:
        return query[0].strip()
    segments = [segment for segment in parts.path.split("/") if segment]
    return segments[-1] if segments else ""


def code_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def certificate_check(
    certificate: Certificate, *, moment: datetime.datetime | None = None, key_set=None
) -> Verification:
    """The status of a stored certificate at ``moment`` (now by default), after checking its
    signature and that the signed payload is exactly the stored snapshot, code and expiry.
    Raises nothing: an altered record is ``Outcome.INVALID``."""
    moment = moment or timezone.now()
    try:
        payload = signing.verify(certificate.jws, key_set=key_set or published_keys())
    except signing.SignatureInvalid:
        return Verification(Outcome.INVALID, certificate.code, certificate, checked_at=moment)
    genuine = (
        payload == certificate.snapshot
        and payload.get("code") == certificate.code
        and payload.get("expires_at") == format_time(certificate.expires_at)
    )
    if not genuine:
        return Verification(Outcome.INVALID, certificate.code, certificate, checked_at=moment)
    return Verification(
        certificate.status_at(moment), certificate.code, certificate, payload, checked_at=moment
    )


def _certificates():
    """Certificates with their successor's code (``successor_code``, None if there is none)."""
    return Certificate.objects.annotate(successor_code=F("superseded_by__code"))


def _log(verifications: list[tuple[str, Verification]], *, channel: str, actor=None) -> None:
    events = [
        AuditEvent(
            action=AuditEvent.Action.VERIFIED,
            certificate=verification.certificate,
            code_hash=code_hash(verification.code or raw),
            actor=actor if actor is not None and actor.is_authenticated else None,
            channel=channel,
            outcome=verification.outcome,
            created_at=verification.checked_at,
        )
        for raw, verification in verifications
    ]
    verification_log.events_record(events)


def code_verify(*, text: str, channel: str, actor=None) -> Verification:
    """Verify one typed or pasted code (or verification address) and log it. A malformed code
    is answered exactly like an unknown one, without a database lookup."""
    moment = timezone.now()
    raw = code_extract(text)
    try:
        code = code_normalize(raw)
    except InvalidCode:
        verification = Verification(Outcome.NOT_FOUND, checked_at=moment)
    else:
        try:
            certificate = _certificates().get(code=code)
        except Certificate.DoesNotExist:
            certificate = None
        if certificate is None:
            verification = Verification(Outcome.NOT_FOUND, code, checked_at=moment)
        else:
            verification = certificate_check(certificate, moment=moment)
    _log([(raw, verification)], channel=channel, actor=actor)
    return verification


def codes_verify(*, texts: list[str], channel: str, actor=None) -> list[Verification]:
    """Verify many codes at once (bulk verification), in order, with one query for the
    certificates, and log each."""
    moment = timezone.now()
    raws = [code_extract(text) for text in texts]
    codes = []
    for raw in raws:
        try:
            codes.append(code_normalize(raw))
        except InvalidCode:
            codes.append("")
    found = {c.code: c for c in _certificates().filter(code__in={c for c in codes if c})}
    keys = published_keys()
    results = []
    for code in codes:
        if code in found:
            results.append(certificate_check(found[code], moment=moment, key_set=keys))
        else:
            results.append(Verification(Outcome.NOT_FOUND, code, checked_at=moment))
    _log(list(zip(raws, results, strict=True)), channel=channel, actor=actor)
    return results


SPLIT = re.compile(r"[\r\n,;\t]+")


def codes_split(text: str) -> list[str]:
    """The codes in pasted text: one per line, or separated by commas, semicolons or spaces.
    A piece with spaces inside is one code when it reads as one (``7K3M Q9TD …``)."""
    codes = []
    for piece in SPLIT.split(text or ""):
        piece = piece.strip()
        if not piece:
            continue
        try:
            code_normalize(code_extract(piece))
        except InvalidCode:
            codes.extend(piece.split())
        else:
            codes.append(piece)
    return codes


def verify_path(code: str, language: str) -> str:
    return f"/{language}/verify/{code}/"


def verify_url(code: str, language: str) -> str:
    """The public verification address of a code, in ``language``."""
    return f"{settings.SITE_URL}{verify_path(code, language)}"
