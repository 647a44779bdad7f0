"""Open Badges 3.0: every certificate is an OpenBadgeCredential secured as a VC-JWT. Checked
with an independent implementation (openbadgeslib, and PyJWT for the published key set), not
only with our own code."""

import base64
import datetime
import json

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.conf import settings
from django.utils import timezone
from openbadgeslib.ob3 import OB3VerificationError, OB3Verifier

from certificates import openbadges, signing
from certificates.models import Certificate
from tests.certificates.completions import issued, learner_of
from tests.factories.learning import EmployerFactory

SITE = "http://127.0.0.1:8000"


@pytest.fixture
def certificate(db):
    employer = EmployerFactory(legal_name="Harbourview Fabrication Ltd.", province="NS")
    return issued(learner_of(employer, first_name="Samuel", last_name="Okafor"))


def published_key(client, token: str):
    """The public key the token's ``kid`` names, read from our JWKS endpoint with PyJWT."""
    key_set = jwt.PyJWKSet.from_dict(client.get("/.well-known/jwks.json").json())
    kid = jwt.get_unverified_header(token)["kid"]
    return next(key for key in key_set.keys if key.key_id == kid).key


def segment(part: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def test_openbadgeslib_verifies_our_credential_with_the_published_key(client, certificate):
    token = openbadges.credential_jwt(certificate)

    credential = OB3Verifier(pubkey_pem=published_key(client, token)).verify(token)

    assert credential.id == f"{SITE}/en/verify/{certificate.code}/"
    assert credential.issuer.id == SITE
    assert credential.achievement.name == (
        "Intercultural competency at work / La compétence interculturelle au travail"
    )
    assert credential.achievement.achievement_type == "CertificateOfCompletion"
    assert credential.recipient_id == openbadges.subject_id(certificate)
    assert credential.issuance_date == certificate.issued_at
    assert credential.expiration_date == certificate.expires_at
    assert credential.credential_status == [
        {
            "id": f"{SITE}/certificates/status-list.json#{certificate.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(certificate.status_index),
            "statusListCredential": f"{SITE}/certificates/status-list.json",
        }
    ]
    assert credential.raw["credentialSubject"]["identifier"] == [
        {
            "type": "IdentityObject",
            "identityHash": "Samuel Okafor",
            "identityType": "name",
            "hashed": False,
        }
    ]


def test_the_jwt_carries_the_registered_claims_and_our_kid(certificate):
    header, payload, _signature = openbadges.credential_jwt(certificate).split(".")

    assert segment(header) == {
        "alg": "EdDSA",
        "kid": settings.CERTIFICATE_SIGNING_KEY_ID,
        "typ": "vc+jwt",
    }
    claims = segment(payload)
    assert claims["iss"] == claims["issuer"]["id"] == SITE
    assert claims["sub"] == claims["credentialSubject"]["id"]
    assert claims["jti"] == claims["id"]
    assert claims["nbf"] == int(certificate.issued_at.timestamp())
    assert claims["exp"] == int(certificate.expires_at.timestamp())
    assert claims["@context"][:2] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["validFrom"] == certificate.snapshot["issued_at"]
    assert claims["validUntil"] == certificate.snapshot["expires_at"]


def test_the_credential_is_the_same_whenever_it_is_built(certificate):
    first = openbadges.credential_jwt(certificate)

    again = openbadges.credential_jwt(Certificate.objects.get(pk=certificate.pk))

    assert again == first


def test_openbadgeslib_rejects_a_tampered_credential(client, certificate):
    header, payload, signature = openbadges.credential_jwt(certificate).split(".")
    claims = segment(payload)
    claims["credentialSubject"]["identifier"][0]["identityHash"] = "Someone Else"
    forged_payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    forged = f"{header}.{forged_payload}.{signature}"

    with pytest.raises(OB3VerificationError, match="Invalid signature"):
        OB3Verifier(pubkey_pem=published_key(client, forged)).verify(forged)


def test_openbadgeslib_rejects_our_credential_with_another_key(certificate):
    token = openbadges.credential_jwt(certificate)

    with pytest.raises(OB3VerificationError, match="Invalid signature"):
        OB3Verifier(pubkey_pem=Ed25519PrivateKey.generate().public_key()).verify(token)


def test_openbadgeslib_rejects_an_expired_credential(client, db):
    long_ago = timezone.now() - datetime.timedelta(days=3 * 366)
    certificate = issued(now=long_ago)
    token = openbadges.credential_jwt(certificate)

    with pytest.raises(OB3VerificationError, match="expired"):
        OB3Verifier(pubkey_pem=published_key(client, token)).verify(token)


@pytest.mark.parametrize("accept", ["application/vc+jwt", "*/*"])
def test_openbadgeslib_reads_revocation_from_the_status_list(client, certificate, accept):
    """Asked for the VC-JWT, the list's own signature is checked too; fetched plainly, the
    list comes as JSON-LD (what Bitstring Status List checkers read), which openbadgeslib
    reads as well."""
    token = openbadges.credential_jwt(certificate)
    verifier = OB3Verifier(pubkey_pem=published_key(client, token))
    signed = accept == "application/vc+jwt"
    served = []

    def download(url):
        served.append(url)
        return client.get(url.removeprefix(SITE), HTTP_ACCEPT=accept).content

    verifier.verify(token, check_status=True, verify_status_list=signed, download=download)
    Certificate.objects.filter(pk=certificate.pk).update(
        revoked_at=timezone.now() - datetime.timedelta(seconds=1),
        revocation_reason=Certificate.RevocationReason.ISSUED_IN_ERROR,
    )

    with pytest.raises(OB3VerificationError, match="revocation"):
        verifier.verify(token, check_status=True, verify_status_list=signed, download=download)
    assert served == [f"{SITE}/certificates/status-list.json"] * 2


def test_our_own_verifier_agrees(certificate):
    claims = signing.verify(openbadges.credential_jwt(certificate))

    assert claims == openbadges.credential_claims(certificate)
    assert claims["credentialSubject"]["achievement"]["id"] == (
        f"urn:uuid:{certificate.module.translation_key}"
    )
