"""A holder's certificates in their personal data, and what deleting the account does to
them: they stay verifiable unless the holder also asks to revoke them."""

import json

import pytest

from certificates.models import AuditEvent, Certificate
from learning.models import User
from tests.certificates.completions import issued, learner_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(db):
    return learner_of(first_name="Amara", last_name="Okafor")


@pytest.fixture
def certificate(holder):
    return issued(holder)


def api_status(client, certificate) -> str:
    return client.get(f"/api/v1/certificates/{certificate.code}").json()["status"]


def test_the_data_download_lists_the_holders_certificates(client, holder, certificate):
    client.force_login(holder)

    data = json.loads(client.post("/en/accounts/my-data/download/").content)

    [listed] = data["certificates"]
    assert listed["code"] == certificate.display_code
    assert listed["status"] == "valid"
    assert listed["printed"]["holder_name"] == "Amara Okafor"
    assert listed["verify_url"].endswith(f"/verify/{certificate.code}/")


def test_after_deleting_the_account_the_certificate_still_verifies(client, holder, certificate):
    client.force_login(holder)

    client.post("/en/accounts/delete/", {"password": "a long enough password"})

    certificate.refresh_from_db()
    assert not User.objects.filter(pk=holder.pk).exists()
    assert certificate.holder_id is None
    assert certificate.snapshot["holder_name"] == "Amara Okafor"  # printed as issued
    assert api_status(client, certificate) == "valid"


def test_deleting_the_account_can_also_revoke_its_certificates(client, holder, certificate):
    client.force_login(holder)

    client.post(
        "/en/accounts/delete/",
        {"password": "a long enough password", "revoke_certificates": "on"},
    )

    certificate.refresh_from_db()
    assert certificate.revocation_reason == Certificate.RevocationReason.HOLDER_REQUEST
    assert api_status(client, certificate) == "revoked"
    assert AuditEvent.objects.filter(
        certificate=certificate, action=AuditEvent.Action.REVOKED, channel="account"
    ).exists()
