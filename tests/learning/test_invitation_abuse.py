# ruff: noqa: F811 (the fixtures imported from test_organizations are used as arguments)
"""Invitations cannot be turned into a mail relay: names stay on one line, plain-text emails
are not HTML-escaped, each organization sends a limited number a day, and broken CSV files
are refused line by line."""

import pytest
from django.test import override_settings

from learning.models import Invitation, Organization, User
from tests.learning.test_organization_views import (
    ACCOUNT,
    DETAILS,
    csv_file,
    employer_invitation,
    html_of,
    signed_in_as,
    staff_invitation,
    url,
)
from tests.learning.test_organizations import (  # noqa: F401 (fixtures)
    grace,
    halifax,
    harbourview,
    manager,
)

pytestmark = pytest.mark.django_db

INJECTED = "Nour\r\n\r\nURGENT: your payroll account is locked. Unlock it at https://evil.example/"


def invite(client, employer, data, capture, language="en"):
    with capture(execute=True):
        return client.post(url("employer:invite", language, employer_id=employer.pk), data)


def upload(client, employer, text, capture, language="en"):
    with capture(execute=True):
        return client.post(
            url("employer:invite_csv", language, employer_id=employer.pk), {"file": csv_file(text)}
        )


def test_line_breaks_in_a_first_name_are_refused_and_nothing_is_sent(
    client, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in_as(client, grace)

    response = invite(
        client, harbourview,
        {"email": "nour@example.com", "first_name": INJECTED, "language": "en"},
        django_capture_on_commit_callbacks,
    )  # fmt: skip

    assert response.status_code == 200
    assert "Enter this on one line" in html_of(response)
    assert mailoutbox == []
    assert not Invitation.objects.filter(email="nour@example.com").exists()


def test_line_breaks_in_a_csv_name_are_refused_by_line_and_nothing_is_sent(
    client, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in_as(client, grace)
    text = 'email,first_name\nok@example.com,Ok\nnour@example.com,"' + INJECTED + '"\n'

    response = upload(client, harbourview, text, django_capture_on_commit_callbacks)

    html = html_of(response)
    assert '<tr><th scope="row">3</th><td>first_name: Enter this on one line' in html
    assert mailoutbox == []


@pytest.mark.parametrize("character", ["\x00", "\t", "\u2028", "\x1b"])
def test_control_characters_in_a_csv_last_name_are_refused(
    client, grace, harbourview, character, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in_as(client, grace)
    text = f"email,last_name\nnour@example.com,Ha{character}ddad\n"

    response = upload(client, harbourview, text, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert "Nobody was invited" in html_of(response)
    assert mailoutbox == []


def test_control_characters_in_a_new_account_name_are_refused(
    client, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    path, _token = staff_invitation(
        django_capture_on_commit_callbacks, mailoutbox, grace, harbourview,
        email="nour@example.com",
    )  # fmt: skip

    response = client.post(path, {**ACCOUNT, "last_name": "Adeyemi\r\nBcc: x@example.com"})

    assert "Enter this on one line" in html_of(response)
    assert not User.objects.filter(email="nour@example.com").exists()


def test_a_new_employer_name_with_a_line_break_is_refused(
    client, manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    path, _token = employer_invitation(
        django_capture_on_commit_callbacks, mailoutbox, manager, halifax,
        email="owner@newco.example.com",
    )  # fmt: skip

    response = client.post(
        path, {**ACCOUNT, **DETAILS, "employer-operating_name": "NewCo\nClick here"}
    )

    assert "Enter this on one line" in html_of(response)
    assert not Organization.objects.filter(legal_name="NewCo Manufacturing Inc.").exists()


def test_plain_text_invitation_shows_ampersands_as_they_are(
    client, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    harbourview.operating_name = "Smith & Sons"
    harbourview.save()
    signed_in_as(client, grace)

    invite(
        client, harbourview,
        {"email": "nour@example.com", "first_name": "O'Neil", "language": "en"},
        django_capture_on_commit_callbacks,
    )  # fmt: skip

    body = mailoutbox[0].body
    assert "Hello O'Neil," in body
    assert "Smith & Sons (Harbourview Fabrication Ltd.) invites you" in body
    assert "&amp;" not in body and "&#x27;" not in body


@override_settings(INVITATIONS_PER_DAY=3)
def test_invitations_stop_at_the_daily_limit_with_a_clear_message(
    client, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in_as(client, grace)
    for number in range(3):
        invite(
            client, harbourview,
            {"email": f"p{number}@example.com", "language": "en"},
            django_capture_on_commit_callbacks,
        )  # fmt: skip

    refused = invite(
        client, harbourview, {"email": "p3@example.com", "language": "fr"},
        django_capture_on_commit_callbacks, language="fr",
    )  # fmt: skip

    assert len(mailoutbox) == 3
    assert refused.status_code == 200
    assert "Au plus 3 invitations peuvent être envoyées en 24 heures" in html_of(refused)


@override_settings(INVITATIONS_PER_DAY=4)
def test_a_csv_file_above_the_daily_limit_is_refused_whole(
    client, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in_as(client, grace)
    upload(
        client,
        harbourview,
        "email\na@example.com\nb@example.com\n",
        django_capture_on_commit_callbacks,
    )
    text = "email\nc@example.com\nd@example.com\ne@example.com\n"

    response = upload(client, harbourview, text, django_capture_on_commit_callbacks)

    assert "and 2 more can go out now; this would send 3. Nothing was sent" in html_of(response)
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.com", "b@example.com"]
    assert not Invitation.objects.filter(email="c@example.com").exists()


@override_settings(INVITATIONS_PER_DAY=1)
def test_employer_invitations_of_an_spo_have_their_own_daily_limit(
    client, manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in_as(client, manager)
    data = {"email": "owner@newco.example.com", "employer_name": "NewCo", "language": "en"}
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("spo:invite", spo_id=halifax.pk), data)
        refused = client.post(
            url("spo:invite", spo_id=halifax.pk), {**data, "email": "second@newco.example.com"}
        )

    assert "At most 1 invitation can be sent in 24 hours" in html_of(refused)
    assert [m.to[0] for m in mailoutbox] == ["owner@newco.example.com"]


def test_a_line_too_long_for_the_csv_module_is_a_line_numbered_error(
    client, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in_as(client, grace)
    text = 'email,first_name\nok@example.com,Ok\nx@example.com,"' + "A" * 140_000 + '"\n'

    response = upload(client, harbourview, text, django_capture_on_commit_callbacks, "fr")

    html = html_of(response)
    assert response.status_code == 200
    assert '<tr><th scope="row">3</th><td>Une valeur de cette ligne dépasse' in html
    assert mailoutbox == []


def test_a_nul_byte_is_a_line_numbered_error(
    client, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in_as(client, grace)
    text = "email,first_name\nok@example.com,Ok\nx@exam\x00ple.com,X\n"

    response = upload(client, harbourview, text, django_capture_on_commit_callbacks)

    assert response.status_code == 200
    assert '<tr><th scope="row">3</th><td>This line holds a NUL character' in html_of(response)
    assert not Invitation.objects.filter(email="ok@example.com").exists()


def test_doubled_quotes_read_as_one_quote_as_rfc_4180_says(
    client, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in_as(client, grace)
    text = 'email,first_name,last_name\nnour@example.com,"Nour ""Nono""","Haddad, Jr"\n'

    upload(client, harbourview, text, django_capture_on_commit_callbacks)

    invitation = Invitation.objects.get(email="nour@example.com")
    assert (invitation.first_name, invitation.last_name) == ('Nour "Nono"', "Haddad, Jr")


def test_a_semicolon_file_is_still_read(
    client, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in_as(client, grace)

    upload(
        client,
        harbourview,
        "email;first_name\nnour@example.com;Nour\n",
        django_capture_on_commit_callbacks,
    )

    assert Invitation.objects.get(email="nour@example.com").first_name == "Nour"
