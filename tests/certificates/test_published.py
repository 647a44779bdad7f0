"""What verifiers fetch: the key set with the issuer certificate, the status list (cached by
ETag, not rate limited, fresh after a revocation), and JSON answers to other methods."""

import base64
import json

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from django.core.cache import cache
from django.test import Client
from openapi_spec_validator import validate as validate_openapi

from certificates import pdf_signature, signing, statuslist
from certificates.lifecycle import certificate_revoke
from tests.factories.certificates import CertificateFactory
from tests.factories.learning import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def locmem(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


def test_the_key_set_carries_the_issuer_certificate_of_the_current_key(client):
    keys = client.get("/.well-known/jwks.json").json()["keys"]
    current = next(key for key in keys if key["kid"] == "test-2026")

    issuer = x509.load_der_x509_certificate(base64.b64decode(current["x5c"][0]))
    raw = issuer.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    assert base64.urlsafe_b64encode(raw).rstrip(b"=").decode() == current["x"]
    assert any(key["kid"] == "test-retired" for key in keys)


def test_the_issuer_certificate_is_published_as_pem(client):
    response = client.get("/.well-known/certificate-issuer.pem")

    assert response.status_code == 200
    assert response.content == pdf_signature.issuer_certificate_pem()
    issuer = x509.load_pem_x509_certificate(response.content)
    assert issuer.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_head_on_the_key_set_answers_like_get(client):
    response = client.head("/.well-known/jwks.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/jwk-set+json"


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/certificates/7K3MQ9TD2BXNH4RCV",
        "/api/v1/openapi.json",
        "/certificates/status-list.jwt",
        "/certificates/status-list.json",
    ],
)
@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_other_methods_get_a_405_json_error(path, method):
    client = Client(enforce_csrf_checks=True)

    response = getattr(client, method)(path)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response.json()["error"] == "method_not_allowed"


def test_the_status_list_revalidates_by_etag(client, locmem):
    first = client.get("/certificates/status-list.json")

    again = client.get("/certificates/status-list.json", HTTP_IF_NONE_MATCH=first["ETag"])

    assert first.status_code == 200
    assert first["Cache-Control"] == "public, no-cache"
    assert again.status_code == 304
    assert again["ETag"] == first["ETag"]


def test_the_status_list_is_not_counted_against_the_api_limit(client, locmem, settings):
    settings.CERTIFICATE_API_RATE = "2/m"

    statuses = {client.get("/certificates/status-list.jwt").status_code for _ in range(5)}

    assert statuses == {200}


def test_the_status_list_address_answers_json_ld_to_a_json_ld_client(client):
    response = client.get("/certificates/status-list.jwt", HTTP_ACCEPT="application/ld+json")

    document = json.loads(response.content)
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    jwt = client.get("/certificates/status-list.jwt", HTTP_ACCEPT="application/vc+jwt")
    assert jwt["Content-Type"] == "application/vc+jwt"
    assert signing.verify(jwt.content.decode())["id"] == document["id"]


def test_a_revocation_shows_in_the_first_request_after_it_commits(
    client, locmem, django_capture_on_commit_callbacks
):
    certificate = CertificateFactory()
    before = client.get("/certificates/status-list.json")

    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(
            certificate=certificate, by=UserFactory(is_superuser=True), reason="other", note="x"
        )
    after = client.get("/certificates/status-list.json", HTTP_IF_NONE_MATCH=before["ETag"])

    assert after.status_code == 200
    bits = statuslist.decode(json.loads(after.content)["credentialSubject"]["encodedList"])
    assert statuslist.is_set(bits, certificate.status_index)


def test_the_openapi_document_is_valid_and_lists_the_status_list(client):
    document = client.get("/api/v1/openapi.json").json()

    validate_openapi(document)
    for path in ("/certificates/status-list.jwt", "/certificates/status-list.json"):
        assert set(document["paths"][path]["get"]["responses"]) == {"200", "304", "405"}


def test_vc_jwts_say_vc_jwt_in_their_header(db):
    document, token = statuslist.status_list()

    assert signing.header(token)["typ"] == "vc+jwt"


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "How to verify a certificate"), ("fr", "Comment vérifier une attestation")],
)
def test_the_verification_guide_is_linked_from_the_verify_page(client, language, heading):
    form = client.get(f"/{language}/verify/").content.decode()
    assert f'href="/{language}/verify/guide/"' in form

    guide = client.get(f"/{language}/verify/guide/").content.decode()

    assert heading in guide
    assert "<code>python manage.py verify_certificate</code>" in guide
    assert 'href="/.well-known/certificate-issuer.pem"' in guide


def test_the_served_status_list_carries_a_data_integrity_proof(client):
    from certificates import dataintegrity

    document = json.loads(client.get("/certificates/status-list.json").content)

    assert document["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert dataintegrity.proof_verify(document)["type"][1] == "BitstringStatusListCredential"
