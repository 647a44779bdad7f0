"""Verify a certificate PDF offline: ``manage.py verify_certificate file.pdf [--jwks keys.json]``.

Reads the signed data (compact JWS) attached to the PDF, checks its signature against the
published keys (this site's settings by default, or a JWKS file, e.g. a saved copy of
``/.well-known/jwks.json``, so it works on a machine that has only the public keys), and
prints the status and the signed fields. It never touches the database, so it cannot know
whether the certificate was revoked or replaced since: it says so.

Exit status: 0 genuine and unexpired; 1 genuine but expired; 2 invalid signature (altered
or not ours); 3 no signature found; 4 the file or the keys cannot be read.
"""

import hashlib
import json
import re
import sys
from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils import timezone
from django.utils.translation import gettext as _
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from certificates import signing
from certificates.presentation import parse_time, printed_fields
from certificates.verification import published_keys, verify_url

EXIT_VALID, EXIT_EXPIRED, EXIT_INVALID, EXIT_NO_SIGNATURE, EXIT_UNREADABLE = 0, 1, 2, 3, 4
# The issuance side attaches the JWS under this name (certificates.pdf.JWS_ATTACHMENT); any
# other attachment that is a compact JWS is tried after it.
PREFERRED_ATTACHMENT = "certificate.jws.txt"
COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
SNAPSHOT_KEYS = {"code", "holder_name", "title_en", "title_fr", "expires_at", "completed_at"}


class Unreadable(Exception):
    pass


def pdf_attachments(path: Path) -> list[tuple[str, bytes]]:
    """Every file attached to the PDF, as (name, content), the preferred JWS name first."""
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(path)
        found = [
            (name, content) for name, contents in reader.attachments.items() for content in contents
        ]
    except (OSError, PyPdfError, ValueError, KeyError) as error:
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


def key_set_from(source: str) -> KeySet:
    """A JWKS from a file, or from an http(s) address."""
    try:
        if source.startswith(("https://", "http://")):
            from urllib.request import urlopen

            with urlopen(source, timeout=10) as response:  # noqa: S310 - an address the user gave
                data = json.loads(response.read())
        else:
            data = json.loads(Path(source).read_text())
        return KeySet.import_key_set(
            {"keys": [{k: v for k, v in key.items() if k != "d"} for key in data["keys"]]}
        )
    except (OSError, ValueError, KeyError, TypeError, JoseError) as error:
        raise Unreadable(_("The key set cannot be read: %(error)s") % {"error": error}) from None


class Command(BaseCommand):
    help = (
        "Verify a certificate PDF offline: check the signature of the data attached to it "
        "against the published keys and print what it certifies."
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

    def handle(self, *args, **options):
        status = self.verify(Path(options["pdf"]), options.get("jwks"))
        sys.exit(status)

    def verify(self, path: Path, jwks: str | None) -> int:
        write = self.stdout.write
        try:
            data = path.read_bytes()
            keys = key_set_from(jwks) if jwks else published_keys()
            attachments = pdf_attachments(path)
        except (OSError, Unreadable) as error:
            self.stderr.write(_("Cannot read: %(error)s") % {"error": error})
            return EXIT_UNREADABLE
        write(_("File: %(name)s") % {"name": path.name})
        write(_("SHA-256 of the file: %(hash)s") % {"hash": hashlib.sha256(data).hexdigest()})

        tokens = candidate_tokens(attachments)
        if not tokens:
            write(self.style.ERROR(_("NO SIGNATURE FOUND")))
            write(
                _("The PDF carries no signed certificate data: it is not a certificate we issued.")
            )
            return EXIT_NO_SIGNATURE

        payload = None
        for token in tokens:
            try:
                candidate = signing.verify(token, key_set=keys)
            except signing.SignatureInvalid:
                continue
            if SNAPSHOT_KEYS <= set(candidate):
                payload = candidate
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
        language = payload.get("language", "en")
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
        write(
            _(
                "Offline verification cannot know whether the certificate was revoked or "
                "replaced since it was issued. Check its current status at: %(url)s"
            )
            % {"url": self._url(payload)}
        )
        return result

    def _url(self, payload: dict) -> str:
        issuer = payload.get("issuer") or ""
        language = payload.get("language", "en")
        if issuer:
            return f"{issuer.rstrip('/')}/{language}/verify/{payload['code']}/"
        return verify_url(payload["code"], language)
