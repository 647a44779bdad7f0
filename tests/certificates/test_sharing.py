"""A learner's records stay with the employer they were earned under: an employer the learner
joins later (and its SPO) sees neither the earlier certificates nor the earlier enrolments,
unless the learner shares a certificate with it, which they can also withdraw."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from certificates.models import CertificateShare
from learning.models import Enrolment, Membership
from learning.services.organizations import staff_invite
from tests.certificates.completions import complete, issued, seeded_module
from tests.factories.learning import (
    EmployerFactory,
    MembershipFactory,
    PartnershipFactory,
    SpoFactory,
    UserFactory,
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


def test_stopping_is_only_for_the_holder(client, moved):
    certificate, cove = moved["certificate"], moved["cove"]
    share_url = reverse("certificates:share", args=[certificate.code])
    client.force_login(moved["learner"])
    client.post(share_url, {"employer": cove.pk, "share": "1"})

    client.force_login(moved["cove_admin"])
    stopped_by_another = client.post(share_url, {"employer": cove.pk, "share": "0"})

    assert stopped_by_another.status_code == 404
    assert CertificateShare.objects.get(certificate=certificate).withdrawn_at is None


def test_a_learner_who_left_the_employer_can_still_stop_sharing(client, moved):
    certificate, cove = moved["certificate"], moved["cove"]
    share_url = reverse("certificates:share", args=[certificate.code])
    client.force_login(moved["learner"])
    client.post(share_url, {"employer": cove.pk, "share": "1"})
    Membership.objects.filter(user=moved["learner"], organization=cove).delete()

    stopped = client.post(share_url, {"employer": cove.pk, "share": "0"})
    shared_again = client.post(share_url, {"employer": cove.pk, "share": "1"})

    assert (stopped.status_code, shared_again.status_code) == (302, 404)
    assert CertificateShare.objects.get(certificate=certificate).withdrawn_at is not None


def test_sharing_goes_back_only_to_a_page_of_this_site(client, moved):
    certificate, cove = moved["certificate"], moved["cove"]
    share_url = reverse("certificates:share", args=[certificate.code])
    client.force_login(moved["learner"])

    here = client.post(
        share_url, {"employer": cove.pk, "share": "1", "next": reverse("accounts:my_data")}
    )
    away = client.post(
        share_url, {"employer": cove.pk, "share": "0", "next": "https://elsewhere.example/"}
    )

    assert here["Location"] == reverse("accounts:my_data")
    assert away["Location"] == reverse("certificates:my_certificates")


# -- Choosing at acceptance --------------------------------------------------------------------

INVITATION_LINK = re.compile(r"/(?:en|fr)/invitations/([\w-]+)/")


@pytest.fixture
def invited(django_capture_on_commit_callbacks, mailoutbox):
    """A learner who earned a certificate at Bayview, invited by Cove's administrator (Cove
    is a partner of an SPO); the invitation's token."""
    bayview = EmployerFactory(legal_name="Bayview Ltd.")
    cove = EmployerFactory(legal_name="Cove Inc.")
    spo = SpoFactory()
    PartnershipFactory(spo=spo, employer=cove)
    learner = member(bayview, first_name="Mira", last_name="Leblanc", email="mira@example.com")
    certificate = issued(learner, seeded_module())
    cove_admin = member(cove, Membership.Role.EMPLOYER_ADMIN)
    with django_capture_on_commit_callbacks(execute=True):
        staff_invite(employer=cove, invited_by=cove_admin, email="mira@example.com")
    token = INVITATION_LINK.search(mailoutbox[-1].body).group(1)
    return {
        "learner": learner,
        "certificate": certificate,
        "cove": cove,
        "cove_admin": cove_admin,
        "cove_spo_staff": member(spo),
        "token": token,
        "email": mailoutbox[-1].body,
    }


def accept_url(invited, language: str = "en") -> str:
    with translation.override(language):
        return reverse("invitations:accept", args=[invited["token"]])


def checkbox(certificate) -> str:
    return f'name="share-certificates" value="{certificate.pk}"'


@pytest.mark.parametrize(
    ("language", "says"),
    [
        ("en", "Your earlier records stay with the organization you earned them under."),
        ("fr", "Vos dossiers antérieurs restent auprès de l'organisation"),
    ],
)
def test_the_acceptance_page_says_earlier_records_stay_and_offers_them_unticked(
    client, invited, language, says
):
    client.force_login(invited["learner"])

    html = client.get(accept_url(invited, language)).content.decode()

    assert f'<html lang="{language}' in html
    assert says in html
    tag = html[html.index(checkbox(invited["certificate"])) - 80 :]
    tag = tag[tag.index("<input") : tag.index(">", tag.index("<input")) + 1]
    assert "checked" not in tag


def test_accepting_without_sharing_keeps_earlier_certificates_from_the_new_employer(
    client, invited
):
    certificate = invited["certificate"]
    client.force_login(invited["learner"])

    accepted = client.post(accept_url(invited))

    assert accepted["Location"] == reverse("learning:my_learning")
    assert Membership.objects.filter(user=invited["learner"], organization=invited["cove"]).exists()
    assert not CertificateShare.objects.exists()
    assert download(client, invited["cove_admin"], certificate).status_code == 404
    assert download(client, invited["cove_spo_staff"], certificate).status_code == 404


def test_accepting_with_sharing_lets_the_new_employer_and_its_spo_download_it(client, invited):
    certificate, cove = invited["certificate"], invited["cove"]
    client.force_login(invited["learner"])

    accepted = client.post(accept_url(invited), {"share-certificates": [certificate.pk]})

    assert accepted["Location"] == reverse("learning:my_learning")
    share = CertificateShare.objects.get()
    assert (share.certificate, share.employer, share.withdrawn_at) == (certificate, cove, None)
    assert download(client, invited["cove_admin"], certificate).status_code == 200
    assert download(client, invited["cove_spo_staff"], certificate).status_code == 200


def test_accepting_cannot_share_someone_elses_certificate(client, invited):
    others = issued(member(invited["cove"]), seeded_module())
    client.force_login(invited["learner"])

    response = client.post(accept_url(invited), {"share-certificates": [others.pk]})

    assert response.status_code == 200  # the page again, with the error
    assert "Select a valid choice." in response.content.decode()
    assert not Membership.objects.filter(
        user=invited["learner"], organization=invited["cove"]
    ).exists()
    assert not CertificateShare.objects.exists()


def test_the_acceptance_page_says_nothing_of_the_invitees_certificates_to_anyone_else(
    client, invited
):
    signed_out = client.get(accept_url(invited)).content.decode()
    client.force_login(member(invited["cove"], email="someone@example.com"))
    someone_else = client.get(accept_url(invited))

    assert "Create your account" in signed_out
    assert someone_else.status_code == 403
    for html in (signed_out, someone_else.content.decode()):
        assert TITLE not in html
        assert "share-certificates" not in html
        assert "Bayview" not in html


def test_the_acceptance_page_offers_nothing_without_earlier_certificates(
    client, invited, django_capture_on_commit_callbacks, mailoutbox
):
    newcomer = UserFactory(email="newcomer@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        staff_invite(
            employer=invited["cove"], invited_by=invited["cove_admin"], email=newcomer.email
        )
    token = INVITATION_LINK.search(mailoutbox[-1].body).group(1)
    client.force_login(newcomer)

    html = client.get(reverse("invitations:accept", args=[token])).content.decode()

    assert "Accept the invitation" in html
    assert "share-certificates" not in html
    assert "Your certificates from other employers" not in html


# -- Reviewing on "Your data" ------------------------------------------------------------------


def test_the_privacy_page_lists_shares_and_stops_one(client, moved):
    learner, certificate, cove = moved["learner"], moved["certificate"], moved["cove"]
    share_url = reverse("certificates:share", args=[certificate.code])
    client.force_login(learner)
    client.post(share_url, {"employer": cove.pk, "share": "1"})

    page = client.get(reverse("accounts:my_data")).content.decode()
    stopped = client.post(
        share_url, {"employer": cove.pk, "share": "0", "next": reverse("accounts:my_data")}
    )
    after = client.get(stopped["Location"]).content.decode()

    assert "Shared with Cove Inc. since" in page
    assert f'<form method="post" action="{share_url}">' in page
    assert stopped["Location"] == reverse("accounts:my_data")
    assert "The certificate is no longer shared." in after
    assert "You do not share any certificates with other employers." in after
    assert download(client, moved["cove_admin"], certificate).status_code == 404


def test_the_privacy_page_in_french(client, moved):
    client.force_login(moved["learner"])
    client.post(
        reverse("certificates:share", args=[moved["certificate"].code]),
        {"employer": moved["cove"].pk, "share": "1"},
    )

    with translation.override("fr"):
        html = client.get(reverse("accounts:my_data")).content.decode()

    assert '<html lang="fr' in html
    assert "Attestations que vous partagez" in html
    assert "Partagée avec Cove Inc. depuis le" in html
    assert "Cesser le partage avec Cove Inc." in html


def test_the_privacy_page_leaves_out_sharing_for_someone_without_certificates(client):
    client.force_login(member(EmployerFactory()))

    html = client.get(reverse("accounts:my_data")).content.decode()

    assert "Certificates you share" not in html


@pytest.mark.parametrize("employers", [1, 3])
def test_the_privacy_page_query_count_is_constant(
    client, moved, employers, django_assert_num_queries
):
    learner, certificate = moved["learner"], moved["certificate"]
    more = [moved["cove"]] + [EmployerFactory() for _ in range(employers - 1)]
    for employer in more[1:]:
        MembershipFactory(user=learner, organization=employer)
    for employer in more:
        CertificateShare.objects.create(certificate=certificate, employer=employer)
    client.force_login(learner)

    # session, user, the shares with their certificates and employers
    with django_assert_num_queries(3):
        response = client.get(reverse("accounts:my_data"))

    assert response.content.decode().count("Stop sharing with") == employers


def test_the_data_download_records_each_share_and_its_withdrawal(client, moved):
    certificate, cove = moved["certificate"], moved["cove"]
    share_url = reverse("certificates:share", args=[certificate.code])
    client.force_login(moved["learner"])
    client.post(share_url, {"employer": cove.pk, "share": "1"})
    client.post(share_url, {"employer": cove.pk, "share": "0"})
    client.post(share_url, {"employer": cove.pk, "share": "1"})

    data = json.loads(client.post(reverse("accounts:my_data_download")).content)

    [listed] = data["certificates"]
    shares = listed["shared_with"]
    assert [share["employer"] for share in shares] == ["Cove Inc.", "Cove Inc."]
    assert shares[0]["withdrawn_at"] is not None
    assert shares[1]["withdrawn_at"] is None


def test_the_invitation_email_says_earlier_records_stay(invited):
    assert (
        "If you already have an account, your earlier records stay with the organization you "
        "earned them under: Cove Inc. sees only the training it assigns you, and the earlier "
        "certificates you choose to share."
    ) in " ".join(invited["email"].split())
