"""Verify a certificate PDF offline: ``manage.py verify_certificate file.pdf [--jwks keys.json]
[--language fr] [--online]``.

Checks, without the database:

1. the PDF's document signature (PAdES): intact, covering every byte of the file (nothing
   appended, no incremental update), made with a certificate bound to a published key;
2. the signed data attached to the PDF (compact JWS): its signature against the published
   keys (this site's settings by default, or a JWKS file or address, e.g. a saved copy of
   ``/.well-known/jwks.json``, so it works on a machine that has only the public keys);
3. the expiry date.

Then prints the signed fields in the chosen language. Offline it cannot know whether the
certificate was revoked or replaced since: it says so. With ``--online`` it fetches the
issuer's revocation status list and looks the certificate up in it.

PDFs issued before certificates were signed as a whole carry only the signed data: they are
checked as before, with a warning that changes to the printed page cannot be seen offline.

Exit status:
  0  genuine and unexpired (and, with --online, not revoked)
  1  genuine but expired
  2  altered or not ours: the PDF signature or the signed data does not verify
  3  no signed data found: not a certificate we issued
  4  the file or the keys cannot be read
  5  with --online: revoked
  6  with --online: the status list could not be fetched or does not verify
"""

import hashlib
import io
import json
import re
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from certificates import pdf_signature, signing, statuslist
from certificates.presentation import parse_time, printed_fields
from certificates.verification import published_keys, verify_url

EXIT_VALID, EXIT_EXPIRED, EXIT_INVALID, EXIT_NO_SIGNATURE, EXIT_UNREADABLE = 0, 1, 2, 3, 4
EXIT_REVOKED, EXIT_STATUS_UNKNOWN = 5, 6
# The issuance side attaches the JWS under this name (certificates.pdf.JWS_ATTACHMENT); any
# other attachment that is a compact JWS is tried after it.
PREFERRED_ATTACHMENT = "certificate.jws.txt"
OPENBADGES_ATTACHMENT = "openbadges-credential.jwt.txt"
COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
SNAPSHOT_KEYS = {"code", "holder_name", "title_en", "title_fr", "expires_at", "completed_at"}

PROBLEMS = {
    "damaged": gettext_lazy(
        "The file is damaged or was edited: it cannot be read as the PDF that was issued."
    ),
    "several": gettext_lazy(
        "The PDF carries more than one signature: something was signed into it after issuance."
    ),
    "broken": gettext_lazy(
        "The PDF's digital signature does not match its content: the file was changed after "
        "it was signed (the page, the attachments or any other byte)."
    ),
    "not_whole": gettext_lazy(
        "The PDF's digital signature does not cover the whole file: content was added after "
        "it was signed (an incremental update or appended bytes)."
    ),
    "padding": gettext_lazy(
        "The PDF's digital signature holds extra data: the file was changed after it was signed."
    ),
    "unknown_signer": gettext_lazy(
        "The PDF was signed with a certificate that none of the published keys issued: it "
        "was not signed by us."
    ),
    "removed": gettext_lazy(
        "The PDF's digital signature was removed: this certificate's PDF was issued signed. "
        "The file was changed."
    ),
}


class Unreadable(Exception):
    pass


def pdf_attachments(data: bytes) -> list[tuple[str, bytes]]:
    """Every file attached to the PDF, as (name, content), the preferred JWS name first."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        found = [
            (name, content) for name, contents in reader.attachments.items() for content in contents
        ]
    except Exception as error:  # noqa: BLE001 - whatever a damaged or forged file raises
        raise Unreadable(str(error)) from None
    return sorted(found, key=lambda item: item[0] != PREFERRED_ATTACHMENT)


def candidate_tokens(attachments) -> list[str]:
    tokens = []
    for _name, content in attachments:
        try:
            text = content.decode("ascii").strip()
        except UnicodeDecodeError:
            continue
        if COMPACT_JWS.match(text):
            tokens.append(text)
    return tokens


def _read(source: str, *, accept: str = "application/json") -> bytes:
    if source.startswith(("https://", "http://")):
        from urllib.request import Request, urlopen

        request = Request(source, headers={"Accept": accept})
        with urlopen(request, timeout=10) as response:  # noqa: S310 - an address given or signed
            return response.read()
    return Path(source).read_bytes()


def key_set_from(source: str) -> KeySet:
    """A JWKS from a file, or from an http(s) address."""
    try:
        data = json.loads(_read(source))
        return KeySet.import_key_set(
            {"keys": [{k: v for k, v in key.items() if k != "d"} for key in data["keys"]]}
        )
    except (OSError, ValueError, KeyError, TypeError, JoseError) as error:
        raise Unreadable(_("The key set cannot be read: %(error)s") % {"error": error}) from None


class Command(BaseCommand):
    help = (
        "Verify a certificate PDF offline: check the PDF's digital signature and the signed "
        "data attached to it against the published keys, and print what it certifies. "
        "Exit status: 0 valid, 1 expired, 2 altered or not ours, 3 no signed data, "
        "4 unreadable, 5 revoked (--online), 6 status unknown (--online)."
    )
    # No database, no checks that could need one.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("pdf", help="the certificate PDF")
        parser.add_argument(
            "--jwks",
            help="a JSON Web Key Set file (or http(s) address) of the issuer's public keys; "
            "by default this site's configured keys",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="the language of the report",
        )
        parser.add_argument(
            "--online",
            action="store_true",
            help="also ask the issuer's revocation status list (needs a network connection)",
        )

    def handle(self, *args, **options):
        with translation.override(options["language"]):
            status = self.verify(
                Path(options["pdf"]), options.get("jwks"), online=options.get("online", False)
            )
        sys.exit(status)

    def verify(self, path: Path, jwks: str | None, *, online: bool = False) -> int:
        write = self.stdout.write
        try:
            data = path.read_bytes()
            keys = key_set_from(jwks) if jwks else published_keys()
        except (OSError, Unreadable) as error:
            self.stderr.write(_("Cannot read: %(error)s") % {"error": error})
            return EXIT_UNREADABLE
        if not data.lstrip()[:5] == b"%PDF-":
            self.stderr.write(_("Cannot read: %(error)s") % {"error": _("not a PDF file")})
            return EXIT_UNREADABLE
        write(_("File: %(name)s") % {"name": path.name})
        write(_("SHA-256 of the file: %(hash)s") % {"hash": hashlib.sha256(data).hexdigest()})

        try:
            document = pdf_signature.pdf_signature_check(data, key_set=keys)
            attachments = pdf_attachments(data)
        except pdf_signature.PdfSignatureProblem as problem:
            return self._altered(problem.code)
        except Unreadable:
            return self._altered("damaged")

        tokens = candidate_tokens(attachments)
        if not tokens:
            write(self.style.ERROR(_("NO SIGNATURE FOUND")))
            write(
                _("The PDF carries no signed certificate data: it is not a certificate we issued.")
            )
            return EXIT_NO_SIGNATURE

        payload, token = None, None
        for candidate_token in tokens:
            try:
                candidate = signing.verify(candidate_token, key_set=keys)
            except signing.SignatureInvalid:
                continue
            if SNAPSHOT_KEYS <= set(candidate):
                payload, token = candidate, candidate_token
                break
        if payload is None:
            write(self.style.ERROR(_("INVALID SIGNATURE")))
            write(
                _(
                    "The signed data attached to this PDF does not verify with the published "
                    "keys: it was altered, or not signed by us. Do not rely on it."
                )
            )
            return EXIT_INVALID

        issued_signed = (
            signing.header(token).get(pdf_signature.JWS_HEADER) == pdf_signature.JWS_HEADER_VALUE
        )
        if document.signed:
            write(
                _(
                    "PDF signature: intact, covers the whole file, made with the issuer key "
                    "“%(kid)s”."
                )
                % {"kid": document.kid}
            )
        elif issued_signed:
            return self._altered("removed")
        else:
            write(
                self.style.WARNING(
                    _(
                        "This PDF was issued before certificates were signed as a whole: the "
                        "attached data is genuine, but changes to the printed page cannot be "
                        "detected offline. Compare the file's SHA-256 above with the one the "
                        "verification page shows."
                    )
                )
            )

        expires = parse_time(payload["expires_at"])
        now = timezone.now()
        if now >= expires:
            local = timezone.localtime(expires)
            write(
                self.style.WARNING(
                    _("EXPIRED on %(date)s") % {"date": local.strftime("%Y-%m-%d %H:%M %Z")}
                )
            )
            write(_("The signature is genuine, but the certificate is no longer valid."))
            result = EXIT_EXPIRED
        else:
            write(self.style.SUCCESS(_("VALID SIGNATURE, NOT EXPIRED")))
            result = EXIT_VALID

        write("")
        write(_("Signed fields:"))
        language = translation.get_language()
        for field in printed_fields(payload):
            label = field.label_fr if language == "fr" else field.label_en
            value = field.value_fr if language == "fr" else field.value_en
            write(f"  {label}: {value}")
            if field.key == "title" and field.value_en != field.value_fr:
                other = field.value_en if language == "fr" else field.value_fr
                write(f"  {' ' * len(label)}  {other}")
        write("  " + _("Issued (UTC): %(time)s") % {"time": payload["issued_at"]})
        write("  " + _("Issuer: %(issuer)s") % {"issuer": payload.get("issuer", "")})
        write("")
        if online:
            return self._online(payload, attachments, keys) or result
        write(
            _(
                "Offline verification cannot know whether the certificate was revoked or "
                "replaced since it was issued. Check its current status at: %(url)s "
                "(or run this command again with --online)."
            )
            % {"url": self._url(payload)}
        )
        return result

    def _altered(self, code: str) -> int:
        self.stdout.write(self.style.ERROR(_("ALTERED OR NOT OURS: DO NOT RELY ON THIS PDF")))
        self.stdout.write(str(PROBLEMS[code]))
        return EXIT_INVALID

    def _online(self, payload: dict, attachments, keys: KeySet) -> int:
        """Look the certificate up in the issuer's status list (the one its Open Badges
        credential names). Returns EXIT_REVOKED, EXIT_STATUS_UNKNOWN or 0."""
        write = self.stdout.write
        entry = None
        for name, content in attachments:
            if name != OPENBADGES_ATTACHMENT:
                continue
            try:
                credential = signing.verify(content.decode("ascii").strip(), key_set=keys)
            except (signing.SignatureInvalid, UnicodeDecodeError):
                continue
            if credential.get("id", "").rstrip("/").endswith(payload["code"]):
                entry = credential.get("credentialStatus")
        if not entry:
            write(
                self.style.WARNING(
                    _("This PDF names no status list entry: check the current status at %(url)s")
                    % {"url": self._url(payload)}
                )
            )
            return EXIT_STATUS_UNKNOWN
        url = entry["statusListCredential"]
        try:
            token = _read(url, accept="application/vc+jwt").decode("ascii").strip()
            document = signing.verify(token, key_set=keys)
            subject = document["credentialSubject"]
            bits = statuslist.decode(subject["encodedList"])
            revoked = statuslist.is_set(bits, int(entry["statusListIndex"]))
            expired = timezone.now() >= parse_time(document["validUntil"])
        except (OSError, ValueError, KeyError, TypeError, IndexError, signing.SignatureInvalid):
            write(
                self.style.WARNING(
                    _("The status list at %(url)s could not be fetched or does not verify.")
                    % {"url": url}
                )
            )
            return EXIT_STATUS_UNKNOWN
        if expired:
            write(
                self.style.WARNING(_("The status list at %(url)s is out of date.") % {"url": url})
            )
            return EXIT_STATUS_UNKNOWN
        if revoked:
            write(self.style.ERROR(_("REVOKED: the issuer's status list marks it as revoked.")))
            return EXIT_REVOKED
        write(
            _(
                "Not revoked, according to the issuer's status list (%(url)s). Whether it was "
                "replaced by a newer certificate is shown at %(verify)s"
            )
            % {"url": url, "verify": self._url(payload)}
        )
        return 0

    def _url(self, payload: dict) -> str:
        issuer = payload.get("issuer") or ""
        language = payload.get("language", "en")
        if issuer:
            return f"{issuer.rstrip('/')}/{language}/verify/{payload['code']}/"
        return verify_url(payload["code"], language)
