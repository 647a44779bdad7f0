"""The verification API (/api/v1/certificates/<code>) and its OpenAPI 3.1 document."""

import base64
import datetime
import json
from pathlib import Path

import jsonschema
import pytest
from django.core.cache import cache
from django.utils import timezone

from certificates import signing
from certificates.codes import code_display, code_generate
from certificates.verification import certificate_check
from tests.certificates.completions import issued
from tests.factories.certificates import CertificateFactory, retired_key

pytestmark = pytest.mark.django_db

OPENAPI = json.loads(
    (Path(__file__).resolve().parents[2] / "certificates" / "openapi.json").read_text()
)


def validate(instance, component: str) -> None:
    """Validate ``instance`` against ``#/components/schemas/<component>`` (JSON Schema
    2020-12, the dialect of OpenAPI 3.1)."""
    schema = {"$ref": f"#/components/schemas/{component}", "components": OPENAPI["components"]}
    jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    ).validate(instance)


def api(client, code, **extra):
    return client.get(f"/api/v1/certificates/{code}", **extra)


@pytest.fixture
def certificate():
    return CertificateFactory(pdf_sha256="cd" * 32)


def test_valid_certificate_answer(client, certificate):
    response = api(client, code_display(certificate.code).lower())

    data = response.json()
    assert response.status_code == 200
    assert data["status"] == "valid"
    assert data["code"] == certificate.code
    assert data["holder_name"] == certificate.snapshot["holder_name"]
    assert data["title"] == {
        "en": "Intercultural competency at work",
        "fr": "Les compétences interculturelles au travail",
    }
    assert [field["key"] for field in data["fields"]] == [
        "holder_name",
        "employer",
        "title",
        "version",
        "completed_at",
        "expires_at",
        "code",
    ]
    assert data["issued_at"] == certificate.snapshot["issued_at"]
    assert data["expires_at"] == certificate.snapshot["expires_at"]
    assert data["pdf_sha256"] == "cd" * 32
    assert data["jws"] == certificate.jws
    assert signing.verify(data["jws"]) == certificate.snapshot
    assert (data["revoked_at"], data["revocation_reason"], data["superseded_by"]) == (
        None,
        None,
        None,
    )
    assert data["status_list"]["index"] == certificate.status_index
    assert "score" not in data and "email" not in json.dumps(data)
    validate(data, "CertificateStatus")
    validate(data, "Certificate")


def test_fields_carry_both_languages(client, certificate):
    fields = {field["key"]: field for field in api(client, certificate.code).json()["fields"]}

    assert fields["holder_name"]["label"] == {
        "en": "Awarded to",
        "fr": fields["holder_name"]["label"]["fr"],
    }
    assert fields["title"]["value"]["fr"] == "Les compétences interculturelles au travail"


def test_revoked_answer(client, certificate):
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = "identity"
    certificate.save()

    data = api(client, certificate.code).json()

    assert data["status"] == "revoked"
    assert data["revocation_reason"] == "identity"
    assert data["revocation_reason_label"]["en"] == "Wrong holder or identity"
    assert data["revoked_at"].endswith("Z")
    validate(data, "Certificate")


def test_superseded_answer_names_the_new_code(client, certificate):
    newer = CertificateFactory()
    certificate.superseded_by = newer
    certificate.save()

    data = api(client, certificate.code).json()

    assert (data["status"], data["superseded_by"]) == ("superseded", newer.code)
    validate(data, "Certificate")


def test_expired_answer(client, certificate):
    with time_machine_after(certificate.expires_at):
        data = api(client, certificate.code).json()

    assert data["status"] == "expired"
    validate(data, "Certificate")


def time_machine_after(moment):
    import time_machine

    return time_machine.travel(moment + datetime.timedelta(days=1), tick=False)


def test_unknown_and_malformed_codes_get_the_same_404(client):
    unknown = api(client, code_generate())
    malformed = api(client, "not-a-code")

    assert unknown.status_code == malformed.status_code == 404
    assert unknown.content == malformed.content
    assert unknown.json()["status"] == "not_found"
    validate(unknown.json(), "NotFound")


def test_cors_is_open_for_reading(client, certificate):
    response = api(client, certificate.code, HTTP_ORIGIN="https://officer.example.gc.ca")
    preflight = client.options(
        f"/api/v1/certificates/{certificate.code}", HTTP_ORIGIN="https://x.example"
    )

    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert client.post(f"/api/v1/certificates/{certificate.code}").status_code == 405


def test_api_verifications_are_logged_with_the_api_channel(client, certificate):
    from certificates.models import AuditEvent

    api(client, certificate.code)

    event = AuditEvent.objects.filter(action="verified").latest("pk")
    assert (event.channel, event.outcome, event.certificate) == ("api", "valid", certificate)


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_changing_any_byte_of_the_stored_jws_payload_is_reported_invalid(client, certificate):
    header, payload, signature = certificate.jws.split(".")
    raw = base64.urlsafe_b64decode(payload + "==")

    for index in range(len(raw)):
        changed = bytearray(raw)
        changed[index] ^= 0x01
        certificate.jws = ".".join([header, b64(bytes(changed)), signature])
        assert certificate_check(certificate).outcome == "invalid", index

    certificate.save()
    data = api(client, certificate.code).json()
    assert data["status"] == "invalid"
    assert "holder_name" not in data
    validate(data, "CertificateStatus")
    validate(data, "InvalidCertificate")


@pytest.mark.parametrize(
    "key",
    [
        "type",
        "code",
        "holder_name",
        "employer_legal_name",
        "employer_province",
        "title_en",
        "title_fr",
        "version",
        "completed_at",
        "issued_at",
        "expires_at",
        "language",
        "issuer",
    ],
)
def test_changing_any_stored_field_is_reported_invalid(client, certificate, key):
    value = certificate.snapshot[key]
    certificate.snapshot = {
        **certificate.snapshot,
        key: value + 1 if isinstance(value, int) else value + "x",
    }
    certificate.save()

    assert api(client, certificate.code).json()["status"] == "invalid"


def test_changing_the_stored_expiry_is_reported_invalid(client, certificate):
    certificate.expires_at += datetime.timedelta(days=365)
    certificate.save()

    assert api(client, certificate.code).json()["status"] == "invalid"


def test_retired_key_still_verifies(client):
    certificate = CertificateFactory(signing_key=retired_key())

    data = api(client, certificate.code).json()

    assert (data["status"], data["kid"]) == ("valid", "test-retired")


def test_rate_limit_answers_429_json(client, settings, certificate):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.CERTIFICATE_API_RATE = "2/m"
    cache.clear()
    try:
        assert api(client, certificate.code).status_code == 200
        assert api(client, certificate.code).status_code == 200
        response = api(client, certificate.code, HTTP_ACCEPT_LANGUAGE="fr")
    finally:
        cache.clear()

    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response.json()["error"] == "rate_limited"
    validate(response.json(), "Error")


def test_openapi_document_is_served(client):
    response = client.get("/api/v1/openapi.json")

    document = response.json()
    assert response["Access-Control-Allow-Origin"] == "*"
    assert document == OPENAPI
    assert document["openapi"].startswith("3.1")
    assert "/api/v1/certificates/{code}" in document["paths"]
    # Every component schema is itself a valid JSON Schema 2020-12.
    for schema in document["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_schema_rejects_what_the_api_must_not_say(client, certificate):
    data = api(client, certificate.code).json()

    with pytest.raises(jsonschema.ValidationError):
        validate({**data, "email": "x@example.com"}, "Certificate")
    with pytest.raises(jsonschema.ValidationError):
        validate({**data, "status": "maybe"}, "Certificate")


@pytest.mark.parametrize("code", ["not-a-code", "ABC", "7K3M-Q9TD"])
def test_not_found_is_never_redirected(client, code):
    response = api(client, code)

    assert response.status_code == 404
    assert response.json()["status"] == "not_found"


# -- The score stays private ---------------------------------------------------------------


def test_a_new_certificate_publishes_passed_and_no_score(client, db):
    certificate = issued()

    data = api(client, certificate.code).json()
    page = client.get(f"/en/verify/{certificate.code}/").content.decode()

    assert data["result"] == "passed"
    assert "score" not in signing.verify(data["jws"])
    assert certificate.score == "100.00"  # kept in the private record
    assert "100.00" not in json.dumps(data)
    assert "Result: passed. The score is not published." in page
    validate(data, "Certificate")


def test_a_certificate_issued_with_the_score_in_its_snapshot_still_verifies(client, db):
    certificate = CertificateFactory(snapshot_changes={"score": "92.50"})

    data = api(client, certificate.code).json()

    assert (data["status"], data["result"]) == ("valid", "passed")
    assert signing.verify(data["jws"])["score"] == "92.50"
