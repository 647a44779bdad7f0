"""The Bitstring Status List credential (W3C VC Bitstring Status List v1.0) of revocations."""

import base64
import gzip
import json

import pytest
from django.core.cache import cache

from certificates import signing, statuslist
from certificates.lifecycle import certificate_revoke
from tests.factories.certificates import CertificateFactory
from tests.factories.learning import UserFactory

pytestmark = pytest.mark.django_db


def jwt_payload(token: str) -> dict:
    return signing.verify(token)


def test_bitstring_sets_bits_left_to_right():
    bits = statuslist.bitstring([0, 9, 131_071])

    assert len(bits) * 8 == 131_072
    assert bits[0] == 0b1000_0000
    assert bits[1] == 0b0100_0000
    assert bits[-1] == 0b0000_0001
    assert sum(bin(byte).count("1") for byte in bits) == 3


def test_bitstring_is_at_least_131072_bits_and_grows_in_blocks():
    assert len(statuslist.bitstring([])) * 8 == 131_072
    assert len(statuslist.bitstring([131_072])) * 8 == 2 * 131_072


def test_encoded_list_is_multibase_base64url_of_gzip():
    encoded = statuslist.encode(statuslist.bitstring([3]))

    assert encoded.startswith("u")
    assert "=" not in encoded and "+" not in encoded and "/" not in encoded
    raw = base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4))
    bits = gzip.decompress(raw)
    assert statuslist.is_set(bits, 3) and not statuslist.is_set(bits, 2)
    assert statuslist.decode(encoded) == bits


def test_credential_shape():
    document = statuslist.credential()

    assert document["@context"] == ["https://www.w3.org/ns/credentials/v2"]
    assert document["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
    assert document["id"].endswith("/certificates/status-list.json")
    subject = document["credentialSubject"]
    assert subject["type"] == "BitstringStatusList"
    assert subject["statusPurpose"] == "revocation"
    assert subject["id"] == document["id"] + "#list"


def test_served_jwt_is_signed_and_lists_revocations(client):
    revoked = CertificateFactory(revocation_reason="other")
    revoked.revoked_at = revoked.issued_at
    revoked.save()
    valid = CertificateFactory()

    response = client.get("/certificates/status-list.jwt")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, no-cache"
    payload = jwt_payload(response.content.decode())
    assert payload["iss"] == payload["issuer"]
    assert payload["exp"] > payload["nbf"]
    bits = statuslist.decode(payload["credentialSubject"]["encodedList"])
    assert statuslist.is_set(bits, revoked.status_index)
    assert not statuslist.is_set(bits, valid.status_index)


def test_served_json_is_the_same_credential(client):
    response = client.get("/certificates/status-list.json")

    document = json.loads(response.content)
    assert document["type"][1] == "BitstringStatusListCredential"


def test_openbadges_credentials_point_at_this_list(client):
    from certificates import openbadges

    certificate = CertificateFactory()

    status = openbadges.credential(certificate)["credentialStatus"]

    assert status["statusListCredential"] == statuslist.status_list_url()
    assert status["statusListIndex"] == str(certificate.status_index)


def test_the_list_is_cached_and_a_revocation_clears_it(
    settings, django_capture_on_commit_callbacks
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    quietly, certificate = CertificateFactory(), CertificateFactory()
    first = statuslist.status_list()
    quietly.revoked_at, quietly.revocation_reason = quietly.issued_at, "other"
    quietly.save()  # behind the service's back: the cached list does not know
    assert statuslist.status_list() == first

    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(
            certificate=certificate, by=UserFactory(is_superuser=True), reason="other", note="x"
        )

    bits = statuslist.decode(
        jwt_payload(statuslist.status_list()[1])["credentialSubject"]["encodedList"]
    )
    assert statuslist.is_set(bits, certificate.status_index)
    assert statuslist.is_set(bits, quietly.status_index)
    cache.clear()
