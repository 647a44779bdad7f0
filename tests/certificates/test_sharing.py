"""A learner's records stay with the employer they were earned under: an employer the learner
joins later (and its SPO) sees neither the earlier certificates nor the earlier enrolments,
unless the learner shares a certificate with it, which they can also withdraw."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from certificates.models import CertificateShare
from learning.models import Enrolment, Membership
from tests.certificates.completions import complete, issued, seeded_module
from tests.factories.learning import (
    EmployerFactory,
    MembershipFactory,
    PartnershipFactory,
    SpoFactory,
    member,
)

pytestmark = pytest.mark.django_db

TITLE = "Intercultural competency at work"


@pytest.fixture
def moved():
    """A learner who earned a certificate at Bayview, then joined Cove (a partner of an SPO)
    a month later."""
    bayview = EmployerFactory(legal_name="Bayview Ltd.")
    cove = EmployerFactory(legal_name="Cove Inc.")
    spo = SpoFactory()
    PartnershipFactory(spo=spo, employer=cove)
    learner = member(bayview, first_name="Mira", last_name="Leblanc")
    certificate = issued(learner, seeded_module())
    Membership.objects.filter(user=learner).update(
        created_at=timezone.now() - datetime.timedelta(days=60)
    )
    Enrolment.objects.filter(user=learner).update(
        created_at=timezone.now() - datetime.timedelta(days=40)
    )
    MembershipFactory(
        user=learner,
        organization=cove,
        role=Membership.Role.EMPLOYER_LEARNER,
        created_at=timezone.now() - datetime.timedelta(days=10),
    )
    return {
        "learner": learner,
        "certificate": certificate,
        "bayview": bayview,
        "cove": cove,
        "bayview_admin": member(bayview, Membership.Role.EMPLOYER_ADMIN),
        "cove_admin": member(cove, Membership.Role.EMPLOYER_ADMIN),
        "cove_spo_staff": member(spo),
        "spo": spo,
    }


def download(client, user, certificate):
    client.force_login(user)
    return client.get(reverse("certificates:download", args=[certificate.code, "pdf"]))


def export(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_the_new_employer_and_its_spo_cannot_download_an_earlier_certificate(client, moved):
    certificate = moved["certificate"]

    assert certificate.employer == moved["bayview"]
    assert download(client, moved["cove_admin"], certificate).status_code == 404
    assert download(client, moved["cove_spo_staff"], certificate).status_code == 404
    assert download(client, moved["bayview_admin"], certificate).status_code == 200


def test_the_new_employers_grid_and_exports_leave_out_earlier_enrolments(client, moved):
    cove, spo = moved["cove"], moved["spo"]

    cove_csv = export(
        client, moved["cove_admin"], reverse("employer:export", args=[cove.pk, "csv"])
    )
    spo_csv = export(
        client,
        moved["cove_spo_staff"],
        reverse("spo:employer_export", args=[spo.pk, cove.pk, "csv"]),
    )
    dashboard = client.get(reverse("spo:employer", args=[spo.pk, cove.pk])).content.decode()
    bayview_csv = export(
        client,
        moved["bayview_admin"],
        reverse("employer:export", args=[moved["bayview"].pk, "csv"]),
    )

    assert "Mira Leblanc" in cove_csv and TITLE not in cove_csv
    assert "Mira Leblanc" in spo_csv and TITLE not in spo_csv
    grid = dashboard[dashboard.index('<caption id="grid-caption"') :]
    assert "Mira Leblanc" in grid and TITLE not in grid
    assert "Mira Leblanc" in bayview_csv and TITLE in bayview_csv


def test_a_module_started_after_joining_shows_to_the_new_employer(client, moved):
    complete(moved["learner"], seeded_module("anti-racism-and-anti-discrimination"))

    cove_csv = export(
        client, moved["cove_admin"], reverse("employer:export", args=[moved["cove"].pk, "csv"])
    )

    assert "Anti-racism" in cove_csv and TITLE not in cove_csv


def test_the_learner_shares_a_certificate_and_withdraws_it(client, moved):
    learner, certificate, cove = moved["learner"], moved["certificate"], moved["cove"]
    client.force_login(learner)
    page = client.get(reverse("certificates:my_certificates")).content.decode()
    share_url = reverse("certificates:share", args=[certificate.code])

    client.post(share_url, {"employer": cove.pk, "share": "1"})
    while_shared = download(client, moved["cove_spo_staff"], certificate).status_code
    client.force_login(learner)
    client.post(share_url, {"employer": cove.pk, "share": "0"})
    after = download(client, moved["cove_admin"], certificate).status_code

    assert "Share with Cove Inc." in page
    assert (while_shared, after) == (200, 404)
    share = CertificateShare.objects.get(certificate=certificate, employer=cove)
    assert share.withdrawn_at is not None  # the choice and its withdrawal are kept


def test_only_the_holder_shares_and_only_with_their_own_employers(client, moved):
    certificate, other = moved["certificate"], EmployerFactory()
    share_url = reverse("certificates:share", args=[certificate.code])

    client.force_login(moved["cove_admin"])
    not_holder = client.post(share_url, {"employer": moved["cove"].pk, "share": "1"})
    client.force_login(moved["learner"])
    not_theirs = client.post(share_url, {"employer": other.pk, "share": "1"})

    assert (not_holder.status_code, not_theirs.status_code) == (404, 404)
    assert not CertificateShare.objects.exists()
