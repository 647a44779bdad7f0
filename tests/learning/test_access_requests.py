"""Requesting access without an invitation, and an SPO manager approving or declining it."""

import re

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from learning.models import AccessRequest, Invitation, Membership
from tests.factories.learning import EmployerFactory, SpoFactory, member

pytestmark = pytest.mark.django_db

FORM = {
    "organization_name": "Tidal Boatworks",
    "province": "NS",
    "size": "5-19",
    "contact_name": "Morgan Lee",
    "contact_email": "morgan@tidal.example.com",
    "spo_name": "",
    "language": "fr",
    "website": "",
}


@pytest.fixture(autouse=True)
def _counting_cache(settings):
    """Limits are counted in a real cache (the test settings' dummy cache counts nothing)."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def nova_scotia_spo():
    spo = SpoFactory(legal_name="Halifax Newcomer Services", province="NS")
    manager = member(spo, Membership.Role.SPO_MANAGER, email="manager@hns.example.com")
    staff = member(spo, Membership.Role.SPO_STAFF, email="staff@hns.example.com")
    return spo, manager, staff


def submit(client, data, language="en"):
    with translation.override(language):
        url = reverse("access:request")
    return client.post(url, data)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_request_form_offers_each_language_with_the_page_language_chosen(client, language):
    response = client.get(f"/{language}/request-access/")

    radios = re.findall(r'<input type="radio" name="language" value="(\w*)"[^>]*>', response.text)
    checked = re.findall(r'name="language" value="(\w+)"[^>]*checked', response.text)
    assert (radios, checked) == (["en", "fr"], [language])


def test_request_reaches_managers_of_the_province_only(
    client, nova_scotia_spo, mailoutbox, django_capture_on_commit_callbacks
):
    spo, manager, staff = nova_scotia_spo
    other = SpoFactory(province="NB")
    member(other, Membership.Role.SPO_MANAGER, email="nb@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, FORM)

    assert response.status_code == 302
    assert AccessRequest.objects.filter(organization_name="Tidal Boatworks").count() == 1
    recipients = {e.to[0]: e for e in mailoutbox}
    assert manager.email in recipients
    assert "nb@example.com" not in recipients and staff.email not in recipients
    assert f"/spo/{spo.pk}/access-requests/" in recipients[manager.email].body


def test_response_is_the_same_for_an_existing_organization_and_address(client, nova_scotia_spo):
    EmployerFactory(legal_name="Tidal Boatworks", province="NS")
    member(EmployerFactory(), email="taken@example.com")
    fresh = submit(client, {**FORM, "organization_name": "Brand New Ltd."})
    known = submit(
        client,
        {**FORM, "organization_name": "Tidal Boatworks", "contact_email": "taken@example.com"},
    )

    assert (fresh.status_code, fresh["Location"]) == (known.status_code, known["Location"])
    sent_fresh = client.get(fresh["Location"]).content
    sent_known = client.get(known["Location"]).content
    assert sent_fresh == sent_known


def test_honeypot_is_answered_as_accepted_and_dropped(client, nova_scotia_spo, mailoutbox):
    response = submit(client, {**FORM, "website": "http://spam.example.com"})

    assert response.status_code == 302
    assert not AccessRequest.objects.filter(organization_name="Tidal Boatworks").exists()
    assert mailoutbox == []


def test_requests_are_limited_per_client(client, nova_scotia_spo, settings):
    settings.ACCESS_REQUEST_RATE = "2/h"
    statuses = [
        submit(client, {**FORM, "organization_name": f"Org {n}"}).status_code for n in range(3)
    ]

    assert statuses == [302, 302, 429]
    assert AccessRequest.objects.filter(organization_name__startswith="Org ").count() == 2


def test_invalid_request_shows_errors_in_french(client):
    response = submit(client, {**FORM, "contact_email": "not an address"}, language="fr")

    assert response.status_code == 200
    assert "courriel" in response.content.decode().lower()
    assert not AccessRequest.objects.exists()


def test_manager_approves_into_an_employer_invitation(
    client, nova_scotia_spo, mailoutbox, django_capture_on_commit_callbacks
):
    spo, manager, staff = nova_scotia_spo
    submit(client, FORM)
    request = AccessRequest.objects.get()
    client.force_login(manager)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("spo:access_request_approve", args=[spo.pk, request.pk]))

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.APPROVED
    invitation = Invitation.objects.get(pk=request.invitation_id)
    assert (invitation.email, invitation.organization_id, invitation.language) == (
        "morgan@tidal.example.com",
        spo.pk,
        "fr",
    )
    assert [e.to for e in mailoutbox] == [["morgan@tidal.example.com"]]
    assert "/fr/invitations/" in mailoutbox[0].body


def test_manager_declines_with_a_reason_sent_in_the_requesters_language(
    client, nova_scotia_spo, mailoutbox, django_capture_on_commit_callbacks
):
    spo, manager, staff = nova_scotia_spo
    submit(client, FORM)
    request = AccessRequest.objects.get()
    client.force_login(manager)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("spo:access_request_decline", args=[spo.pk, request.pk]),
            {"reason": "Nous ne desservons pas votre région."},
        )

    request.refresh_from_db()
    assert request.status == AccessRequest.Status.DECLINED
    [email] = mailoutbox
    assert "Nous ne desservons pas votre région." in email.body
    assert "/fr/request-access/" in email.body


def test_decline_without_a_reason_changes_nothing(client, nova_scotia_spo):
    spo, manager, staff = nova_scotia_spo
    submit(client, FORM)
    request = AccessRequest.objects.get()
    client.force_login(manager)

    client.post(reverse("spo:access_request_decline", args=[spo.pk, request.pk]), {"reason": " "})

    request.refresh_from_db()
    assert request.status == AccessRequest.Status.PENDING


def test_staff_and_other_provinces_cannot_review(client, nova_scotia_spo):
    spo, manager, staff = nova_scotia_spo
    submit(client, FORM)
    request = AccessRequest.objects.get()
    elsewhere = SpoFactory(province="NB")
    other_manager = member(elsewhere, Membership.Role.SPO_MANAGER)

    client.force_login(staff)
    staff_list = client.get(reverse("spo:access_requests", args=[spo.pk]))
    client.force_login(other_manager)
    other_approve = client.post(
        reverse("spo:access_request_approve", args=[elsewhere.pk, request.pk])
    )
    other_list = client.get(reverse("spo:access_requests", args=[elsewhere.pk]))

    assert staff_list.status_code == 404
    assert other_approve.status_code == 404
    assert "Tidal Boatworks" not in other_list.content.decode()
    request.refresh_from_db()
    assert request.status == AccessRequest.Status.PENDING


def test_review_page_lists_the_request(client, nova_scotia_spo):
    spo, manager, staff = nova_scotia_spo
    submit(client, FORM)
    client.force_login(manager)

    response = client.get(reverse("spo:access_requests", args=[spo.pk]))

    assert "Tidal Boatworks" in response.content.decode()
    assert "Approve and invite Tidal Boatworks" in response.content.decode()
