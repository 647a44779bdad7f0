"""Offline verification of a certificate PDF: ``manage.py verify_certificate``, which reads the
JWS attached to the PDF and checks it against published keys, without the database."""

import base64
import datetime
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from joserfc.jwk import OKPKey
from pypdf import PdfWriter

from certificates import signing
from certificates.codes import code_generate
from certificates.management.commands.verify_certificate import (
    EXIT_EXPIRED,
    EXIT_INVALID,
    EXIT_NO_SIGNATURE,
    EXIT_UNREADABLE,
    EXIT_VALID,
)
from tests.factories.certificates import retired_key, sign_with

BASE_DIR = Path(__file__).resolve().parents[2]
ISSUED = datetime.datetime(2026, 11, 20, 14, 3, 15, tzinfo=datetime.UTC)
SNAPSHOT = {
    "type": "module",
    "code": code_generate(),
    "holder_name": "Joséphine Cormier",
    "employer_legal_name": "Boulangerie Acadienne inc.",
    "employer_province": "NB",
    "title_en": "Intercultural competency at work",
    "title_fr": "Les compétences interculturelles au travail",
    "version": 1,
    "completed_at": "2026-11-20T14:03:11Z",
    "score": "92.50",
    "issued_at": "2026-11-20T14:03:15Z",
    "expires_at": "2028-11-20T14:03:15Z",
    "language": "fr",
    "issuer": "https://formation.example.ca",
}


def pdf_with(tmp_path, attachments: dict[str, bytes], name="certificate.pdf") -> Path:
    writer = PdfWriter()
    writer.add_blank_page(width=792, height=612)
    for filename, data in attachments.items():
        writer.add_attachment(filename, data)
    path = tmp_path / name
    with open(path, "wb") as out:
        writer.write(out)
    return path


def certificate_pdf(tmp_path, token: str) -> Path:
    return pdf_with(tmp_path, {"certificate.jws.txt": token.encode()})


def verify(path, *args) -> tuple[int, str]:
    """Run the command in-process (the test has no database access: pytest-django blocks
    it, so any query would fail the test)."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("verify_certificate", str(path), *args, stdout=out, stderr=err)
    return exit_info.value.code, out.getvalue() + err.getvalue()


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@pytest.fixture
def now():
    with time_machine.travel(datetime.datetime(2027, 3, 1, tzinfo=datetime.UTC), tick=False):
        yield


def test_genuine_unexpired_certificate_exits_0(tmp_path, now):
    status, output = verify(certificate_pdf(tmp_path, signing.sign(SNAPSHOT)))

    assert status == EXIT_VALID
    assert "VALID SIGNATURE, NOT EXPIRED" in output
    assert "Joséphine Cormier" in output
    assert "Les compétences interculturelles au travail" in output
    assert "cannot know whether the certificate was revoked" in output
    assert f"https://formation.example.ca/fr/verify/{SNAPSHOT['code']}/" in output
    assert "92.50" not in output  # the score is signed but not a printed field


def test_expired_certificate_says_since_when_and_exits_1(tmp_path):
    path = certificate_pdf(tmp_path, signing.sign(SNAPSHOT))

    with time_machine.travel(datetime.datetime(2028, 11, 20, 14, 3, 15, tzinfo=datetime.UTC)):
        status, output = verify(path)

    assert status == EXIT_EXPIRED
    assert "EXPIRED on 2028-11-20 10:03 AST" in output


def test_one_second_before_expiry_is_still_valid(tmp_path):
    path = certificate_pdf(tmp_path, signing.sign(SNAPSHOT))

    with time_machine.travel(datetime.datetime(2028, 11, 20, 14, 3, 14, tzinfo=datetime.UTC)):
        assert verify(path)[0] == EXIT_VALID


def test_changing_any_byte_of_the_signed_payload_is_invalid(tmp_path, now):
    header, payload, signature = signing.sign(SNAPSHOT).split(".")
    raw = base64.urlsafe_b64decode(payload + "==")

    for index in range(len(raw)):
        changed = bytearray(raw)
        changed[index] ^= 0x01
        token = ".".join([header, b64(bytes(changed)), signature])
        status, output = verify(certificate_pdf(tmp_path, token))
        assert status == EXIT_INVALID, index
        assert "INVALID SIGNATURE" in output


@pytest.mark.parametrize("key", sorted(SNAPSHOT))
def test_changing_any_field_is_invalid(tmp_path, now, key):
    """The forger edits a field and re-encodes the payload, keeping our signature."""
    header, _payload, signature = signing.sign(SNAPSHOT).split(".")
    value = SNAPSHOT[key]
    edited = {**SNAPSHOT, key: value + 1 if isinstance(value, int) else value + "x"}
    token = ".".join([header, b64(signing.canonical_json(edited)), signature])

    assert verify(certificate_pdf(tmp_path, token))[0] == EXIT_INVALID


def test_attackers_key_with_our_kid_is_rejected(tmp_path, now):
    attacker = OKPKey.generate_key(
        "Ed25519", parameters={"kid": settings.CERTIFICATE_SIGNING_KEY_ID}
    )

    status, output = verify(certificate_pdf(tmp_path, sign_with(attacker, SNAPSHOT)))

    assert status == EXIT_INVALID
    assert "Joséphine" not in output


def test_retired_key_still_verifies(tmp_path, now):
    status, _output = verify(certificate_pdf(tmp_path, sign_with(retired_key(), SNAPSHOT)))

    assert status == EXIT_VALID


def test_pdf_without_signature(tmp_path, now):
    status, output = verify(pdf_with(tmp_path, {"notes.txt": b"hello"}))

    assert status == EXIT_NO_SIGNATURE
    assert "NO SIGNATURE FOUND" in output


def test_the_open_badges_attachment_alone_is_not_taken_for_the_certificate(tmp_path, now):
    badge = signing.sign({"type": ["VerifiableCredential"], "iss": "x"})

    path = pdf_with(tmp_path, {"openbadges-credential.jwt.txt": badge.encode()})

    assert verify(path)[0] == EXIT_INVALID


def test_not_a_pdf(tmp_path, now):
    path = tmp_path / "x.pdf"
    path.write_bytes(b"not a pdf")

    assert verify(path)[0] == EXIT_UNREADABLE


def test_a_jwks_file_replaces_the_configured_keys(tmp_path, now):
    path = certificate_pdf(tmp_path, signing.sign(SNAPSHOT))
    published = tmp_path / "jwks.json"
    published.write_text(json.dumps(signing.jwks()))
    stranger = tmp_path / "stranger.json"
    stranger.write_text(
        json.dumps(
            {
                "keys": [
                    OKPKey.generate_key(
                        "Ed25519", parameters={"kid": settings.CERTIFICATE_SIGNING_KEY_ID}
                    ).as_dict(private=False)
                ]
            }
        )
    )

    assert verify(path, "--jwks", str(published))[0] == EXIT_VALID
    assert verify(path, "--jwks", str(stranger))[0] == EXIT_INVALID
    assert verify(path, "--jwks", str(tmp_path / "missing.json"))[0] == EXIT_UNREADABLE


def test_runs_without_a_database_and_with_only_public_keys(tmp_path):
    """A separate process whose database cannot be reached and which has no private key: only
    the published key set, as on an officer's laptop."""
    path = certificate_pdf(
        tmp_path, signing.sign({**SNAPSHOT, "expires_at": "2099-01-01T00:00:00Z"})
    )
    keys = tmp_path / "jwks.json"
    keys.write_text(json.dumps(signing.jwks()))
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("CERTIFICATE_")},
        # The base settings: no test keys, nothing read from a local .env file.
        "DJANGO_SETTINGS_MODULE": "cms.settings.base",
        "DJANGO_READ_DOT_ENV": "0",
        "SECRET_KEY": "offline-verification-test",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/nowhere",
    }

    result = subprocess.run(
        [sys.executable, "manage.py", "verify_certificate", str(path), "--jwks", str(keys)],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == EXIT_VALID, result.stdout + result.stderr
    assert "VALID SIGNATURE, NOT EXPIRED" in result.stdout


@pytest.mark.django_db
def test_verifies_a_pdf_rendered_by_the_issuance_side(tmp_path, now):
    from certificates import pdf
    from tests.factories.certificates import CertificateFactory

    certificate = CertificateFactory(
        issued_at=ISSUED, expires_at=ISSUED + datetime.timedelta(days=730)
    )
    path = tmp_path / "rendered.pdf"
    path.write_bytes(pdf.certificate_pdf(certificate))

    from django.db import connection

    with connection.execute_wrapper(_refuse_queries):
        status, output = verify(path)

    assert status == EXIT_VALID
    assert certificate.snapshot["holder_name"] in output


def _refuse_queries(execute, sql, params, many, context):
    raise AssertionError(f"the command queried the database: {sql}")
