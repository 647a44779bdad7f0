# ruff: noqa: F811 (the fixtures imported from test_organizations are used as arguments)
"""The organization pages: inviting employers and staff (one at a time and from CSV files),
accepting invitations, assigning modules, ending partnerships. In English and French; other
organizations' ids answer 404."""

import datetime
import re

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from learning.models import Assignment, Invitation, Membership, Organization, Partnership, User
from learning.services import organizations as services
from tests.factories.learning import UserFactory
from tests.learning.test_organizations import (  # noqa: F401 (fixtures)
    EMPLOYER_DETAILS,
    LINK,
    french_date,
    grace,
    halifax,
    harbourview,
    islandcare,
    manager,
    modules,
    moncton,
    moncton_manager,
    new_employer,
    program,
    soon,
    spo_staff,
    token_from,
)

pytestmark = pytest.mark.django_db

PASSWORD = "harbour lights at dawn"


def url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(name, kwargs=kwargs)


def html_of(response) -> str:
    return response.content.decode()


def signed_in_as(client, user):
    client.force_login(user)
    return client


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def employer_invitation(capture, mailoutbox, manager, spo, *, email, language="en"):
    """Invite an employer through the service; returns the link's path and token."""
    with capture(execute=True):
        services.employer_invite(
            spo=spo, invited_by=manager, email=email, employer_name="NewCo", language=language
        )
    match = LINK.search(mailoutbox[-1].body)
    return f"/{match.group(1)}/invitations/{match.group(2)}/", match.group(2)


def staff_invitation(capture, mailoutbox, admin, employer, *, email, language="en"):
    with capture(execute=True):
        services.staff_invite(
            employer=employer, invited_by=admin, email=email, first_name="Nour", language=language
        )
    match = LINK.search(mailoutbox[-1].body)
    return f"/{match.group(1)}/invitations/{match.group(2)}/", match.group(2)


ACCOUNT = {
    "first_name": "Olu",
    "last_name": "Adeyemi",
    "password1": PASSWORD,
    "password2": PASSWORD,
}
DETAILS = {f"employer-{name}": value for name, value in EMPLOYER_DETAILS.items()}


# -- Inviting an employer --------------------------------------------------------------------


def test_employer_invite_needs_sign_in(client, halifax):
    response = client.get(url("spo:invite", spo_id=halifax.pk))

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


@pytest.mark.parametrize("who", ["spo_staff", "moncton_manager", "grace"])
def test_employer_invite_is_404_for_anyone_but_the_spos_managers(client, halifax, who, request):
    signed_in_as(client, request.getfixturevalue(who))

    assert client.get(url("spo:invite", spo_id=halifax.pk)).status_code == 404
    response = client.post(
        url("spo:invite", spo_id=halifax.pk),
        {"email": "x@example.com", "employer_name": "X", "language": "en"},
    )
    assert response.status_code == 404
    assert not Invitation.objects.filter(email="x@example.com").exists()


def test_employer_invite_is_404_for_an_unknown_spo(client, manager):
    signed_in_as(client, manager)

    assert client.get(url("spo:invite", spo_id=999999)).status_code == 404


def test_employer_invite_page_shows_an_accessible_form(client, manager, halifax):
    response = signed_in_as(client, manager).get(url("spo:invite", spo_id=halifax.pk))

    html = html_of(response)
    assert response.status_code == 200
    assert '<label for="id_email">' in html
    assert "<legend>Language of the invitation email</legend>" in html
    assert 'aria-describedby="id_email_helptext"' in html
    assert "style=" not in html
    # Only the site-wide menu script, no inline script: the page works without it.
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


def test_employer_invite_sends_the_email_in_the_chosen_language_and_lists_it(
    client, manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in_as(client, manager)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("spo:invite", spo_id=halifax.pk),
            {
                "email": "patron@boulangerie.example.com",
                "employer_name": "Chez Léa",
                "language": "fr",
            },
        )

    assert response.status_code == 302
    assert response["Location"] == url("spo:invite", spo_id=halifax.pk)
    assert [m.to for m in mailoutbox] == [["patron@boulangerie.example.com"]]
    assert LINK.search(mailoutbox[0].body).group(1) == "fr"
    assert mailoutbox[0].body.startswith("Bonjour,")
    page = html_of(client.get(response["Location"]))
    assert "Invitation sent to patron@boulangerie.example.com" in page
    assert "<td>Chez Léa</td>" in page


def test_employer_invite_keeps_what_was_entered_and_summarises_errors(client, manager, halifax):
    response = signed_in_as(client, manager).post(
        url("spo:invite", spo_id=halifax.pk), {"email": "not an address", "employer_name": "X"}
    )

    html = html_of(response)
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert 'href="#id_email"' in html
    assert 'href="#id_language_0"' in html  # the first option of the group
    assert 'value="not an address"' in html
    assert 'aria-invalid="true"' in html
    assert "<title>Error:" in html
    assert not Invitation.objects.filter(organization=halifax).exists()


def test_employer_invite_errors_are_in_french_on_the_french_page(client, manager, halifax):
    response = signed_in_as(client, manager).post(
        url("spo:invite", "fr", spo_id=halifax.pk), {"email": "pas une adresse"}
    )

    html = html_of(response)
    assert '<html lang="fr' in html
    assert "Saisissez une adresse de courriel valide." in html
    assert "Champ requis." in html


@pytest.mark.parametrize("count", [1, 4])
def test_employer_invite_page_query_count_is_constant(
    client, manager, halifax, count, django_assert_num_queries
):
    for number in range(count):
        services.employer_invite(
            spo=halifax, invited_by=manager, email=f"p{number}@example.com", employer_name="E",
            language="en",
        )  # fmt: skip
    signed_in_as(client, manager)

    # session, user with the navigation's dashboard roles; the SPO, the manager's role;
    # pending invitations.
    with django_assert_num_queries(5):
        response = client.get(url("spo:invite", spo_id=halifax.pk))

    assert html_of(response).count("@example.com</td>") == count


# -- Accepting an employer invitation --------------------------------------------------------


def test_employer_invitation_page_says_who_invites_and_until_when(
    client, manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    path, _token = employer_invitation(
        django_capture_on_commit_callbacks, mailoutbox, manager, halifax,
        email="owner@newco.example.com",
    )  # fmt: skip
    invitation = Invitation.objects.get(email="owner@newco.example.com")

    response = client.get(path)

    html = html_of(response)
    assert response.status_code == 200
    assert "Newcomer Services (Halifax Newcomer Services Association) invites your business" in html
    expires = timezone.localtime(invitation.expires_at)
    assert f"Valid until {expires:%B} {expires.day}, {expires.year}" in html
    assert 'value="owner@newco.example.com"' in html and "disabled" in html
    login = url("accounts:login") + "?next=" + path.replace("/", "%2F")
    assert f'href="{login}"' in html
    assert 'name="employer-business_number"' in html
    assert 'value="NewCo"' in html  # the name the SPO gave, to confirm
    assert response["Cache-Control"].startswith("max-age=0")


def test_employer_invitation_page_in_french(
    client, manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    path, _token = employer_invitation(
        django_capture_on_commit_callbacks, mailoutbox, manager, halifax,
        email="owner@newco.example.com", language="fr",
    )  # fmt: skip
    invitation = Invitation.objects.get(email="owner@newco.example.com")

    html = html_of(client.get(path))

    assert path.startswith("/fr/")
    assert '<html lang="fr' in html
    assert french_date(invitation.expires_at) in html
    assert '<option value="NS" selected>' in html  # the SPO's province, to confirm
    assert re.search(r'value="fr"[^>]*id="id_employer-preferred_language_1" checked', html)


def test_employer_invitation_accepted_with_a_new_account(
    client, manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    path, token = employer_invitation(
        django_capture_on_commit_callbacks, mailoutbox, manager, halifax,
        email="owner@newco.example.com",
    )  # fmt: skip

    response = client.post(
        path, {**ACCOUNT, **DETAILS, "employer-business_number": "123 456 789", "email": "x@x.ca"}
    )

    employer = Organization.objects.get(legal_name="NewCo Manufacturing Inc.")
    user = User.objects.get(email="owner@newco.example.com")  # not the address posted
    assert response.status_code == 302
    assert response["Location"] == url("employer:dashboard", employer_id=employer.pk)
    assert signed_in_user_id(client) == str(user.pk)
    assert employer.business_number == "123456789"
    assert Membership.objects.get(user=user).role == Membership.Role.EMPLOYER_ADMIN
    assert Partnership.objects.get(spo=halifax, employer=employer).status == "active"
    assert not User.objects.filter(email="x@x.ca").exists()
    # The link works once.
    client.logout()
    again = client.get(path)
    assert again.status_code == 410
    assert "already been used" in html_of(again)


def test_employer_invitation_with_errors_keeps_what_was_entered(
    client, manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    path, _token = employer_invitation(
        django_capture_on_commit_callbacks, mailoutbox, manager, halifax,
        email="owner@newco.example.com",
    )  # fmt: skip

    response = client.post(
        path,
        {**ACCOUNT, "password1": "short", "password2": "short", **DETAILS,
         "employer-business_number": "12345"},
    )  # fmt: skip

    html = html_of(response)
    assert response.status_code == 200
    assert "This password is too short. It must contain at least 12 characters." in html
    assert "A business number has nine digits." in html
    assert 'href="#id_password1"' in html
    assert 'href="#id_employer-business_number"' in html
    assert 'value="Olu"' in html
    assert 'value="NewCo Manufacturing Inc."' in html
    assert not User.objects.filter(email="owner@newco.example.com").exists()
    assert signed_in_user_id(client) is None


def test_employer_invitation_password_errors_in_french(
    client, manager, halifax, mailoutbox, django_capture_on_commit_callbacks
):
    path, _token = employer_invitation(
        django_capture_on_commit_callbacks, mailoutbox, manager, halifax,
        email="owner@newco.example.com", language="fr",
    )  # fmt: skip

    html = html_of(client.post(path, {**ACCOUNT, "password1": "court", "password2": "court"}))

    assert "Ce mot de passe est trop court. Il doit contenir au minimum 12 caractères." in html


def test_employer_invitation_for_an_existing_account_says_to_sign_in(
    client, manager, halifax, grace, mailoutbox, django_capture_on_commit_callbacks
):
    path, _token = employer_invitation(
        django_capture_on_commit_callbacks, mailoutbox, manager, halifax, email=grace.email
    )

    response = client.post(path, {**ACCOUNT, **DETAILS})

    html = html_of(response)
    assert response.status_code == 200
    assert "An account already uses this address." in html
    assert "Sign in to accept the invitation" in html
    assert not Organization.objects.filter(legal_name="NewCo Manufacturing Inc.").exists()


def test_employer_invitation_accepted_when_signed_in_for_an_existing_employer(
    client, moncton_manager, moncton, grace, harbourview, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    path, _token = employer_invitation(
        django_capture_on_commit_callbacks, mailoutbox, moncton_manager, moncton,
        email=grace.email,
    )  # fmt: skip
    signed_in_as(client, grace)
    page = html_of(client.get(path))
    assert "You are signed in as admin@harbourview.example.com." in page
    assert "<legend>Which employer is invited?</legend>" in page

    response = client.post(path, {"employer": str(harbourview.pk)})

    assert response.status_code == 302
    assert response["Location"] == url("employer:dashboard", employer_id=harbourview.pk)
    assert Partnership.objects.get(spo=moncton, employer=harbourview).status == "active"


def test_employer_invitation_accepted_when_signed_in_for_a_new_employer(
    client, moncton_manager, moncton, grace, mailoutbox, django_capture_on_commit_callbacks
):
    path, _token = employer_invitation(
        django_capture_on_commit_callbacks, mailoutbox, moncton_manager, moncton,
        email=grace.email,
    )  # fmt: skip
    signed_in_as(client, grace)

    missing = client.post(path, {"employer": "new"})
    response = client.post(path, {"employer": "new", **DETAILS})

    assert missing.status_code == 200
    assert 'href="#id_employer-legal_name"' in html_of(missing)
    employer = Organization.objects.get(legal_name="NewCo Manufacturing Inc.")
    assert response["Location"] == url("employer:dashboard", employer_id=employer.pk)
    assert Partnership.objects.get(spo=moncton, employer=employer).status == "active"


# -- Links that cannot be used ---------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr"])
def test_unknown_invitation_link_is_a_404_page_in_the_users_language(client, language):
    response = client.get(url("invitations:accept", language, token="not-a-real-token"))

    html = html_of(response)
    assert response.status_code == 404
    assert f'<html lang="{language}' in html
    assert "@" not in html.split('<main id="main"')[1].split("</main>")[0]


def test_unknown_invitation_link_post_is_a_404_page_and_creates_nothing(client):
    users = User.objects.count()

    response = client.post(url("invitations:accept", token="not-a-real-token"), ACCOUNT)

    assert response.status_code == 404
    assert User.objects.count() == users


def test_used_invitation_link_says_so_without_naming_anyone(
    client, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    path, token = staff_invitation(
        django_capture_on_commit_callbacks, mailoutbox, grace, harbourview,
        email="nour@example.com",
    )  # fmt: skip
    client.post(path, ACCOUNT)
    client.logout()

    response = client.get(path)
    posted = client.post(path, {**ACCOUNT, "first_name": "Other"})

    main = html_of(response).split('<main id="main"')[1].split("</main>")[0]
    assert (response.status_code, posted.status_code) == (410, 410)
    assert "nour@example.com" not in main
    assert "Harbourview" not in main
    assert User.objects.filter(first_name="Other").count() == 0


def test_expired_invitation_link_says_whom_to_ask(
    client, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    path, _token = staff_invitation(
        django_capture_on_commit_callbacks, mailoutbox, grace, harbourview,
        email="nour@example.com",
    )  # fmt: skip

    with time_machine.travel(timezone.now() + datetime.timedelta(days=15)):
        response = client.get(path)
        posted = client.post(path, ACCOUNT)

    assert (response.status_code, posted.status_code) == (410, 410)
    assert "This invitation has expired" in html_of(response)
    assert "Ask Harbourview Fabrication (Harbourview Fabrication Ltd.)" in html_of(response)
    assert not User.objects.filter(email="nour@example.com").exists()


def test_invitation_for_another_address_is_refused_to_the_signed_in_person(
    client, grace, harbourview, spo_staff, mailoutbox, django_capture_on_commit_callbacks
):
    path, _token = staff_invitation(
        django_capture_on_commit_callbacks, mailoutbox, grace, harbourview,
        email="nour@example.com",
    )  # fmt: skip
    signed_in_as(client, spo_staff)

    response = client.get(path)
    posted = client.post(path)

    html = html_of(response)
    assert (response.status_code, posted.status_code) == (403, 403)
    assert "This invitation was sent to another email address." in html
    assert "nour@example.com" not in html
    assert f'name="next" value="{path}"' in html  # sign out, then back here
    assert not Membership.objects.filter(user=spo_staff, organization=harbourview).exists()


# -- Staff invitations -----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "fr"])
def test_staff_invitation_full_flow_in_each_language(
    client, grace, harbourview, language, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in_as(client, grace)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("employer:invite", language, employer_id=harbourview.pk),
            {"email": "nour@example.com", "first_name": "Nour", "language": language},
        )
    assert response.status_code == 302
    email = mailoutbox[0]
    match = LINK.search(email.body)
    assert match.group(1) == language
    invitation = Invitation.objects.get(email="nour@example.com")
    expected_date = french_date(invitation.expires_at)
    assert (expected_date in email.body) == (language == "fr")
    client.logout()

    path = f"/{language}/invitations/{match.group(2)}/"
    page = client.get(path)
    accepted = client.post(path, {**ACCOUNT, "first_name": "Nour"})

    assert page.status_code == 200
    assert f'<html lang="{language}' in html_of(page)
    user = User.objects.get(email="nour@example.com")
    assert accepted["Location"] == url("learning:my_learning", language)
    assert signed_in_user_id(client) == str(user.pk)
    assert user.preferred_language == language
    assert user.enrolments.exists()  # Harbourview's assignments to everyone
    assert client.get(path).status_code == 410


@pytest.mark.parametrize("who", ["spo_staff", "manager", "employee", "other_admin"])
def test_staff_invite_pages_are_404_for_anyone_but_the_employers_admins(
    client, harbourview, islandcare, who, request
):
    users = {
        "employee": lambda: (
            Membership.objects.filter(
                organization=harbourview, role=Membership.Role.EMPLOYER_LEARNER
            )
            .first()
            .user
        ),
        "other_admin": lambda: User.objects.get(email="admin@islandcare.example.com"),
    }
    user = users[who]() if who in users else request.getfixturevalue(who)
    signed_in_as(client, user)

    assert client.get(url("employer:invite", employer_id=harbourview.pk)).status_code == 404
    assert client.get(url("employer:invite_csv", employer_id=harbourview.pk)).status_code == 404
    response = client.post(
        url("employer:invite", employer_id=harbourview.pk),
        {"email": "x@example.com", "language": "en"},
    )
    assert response.status_code == 404


def test_staff_invite_page_lists_pending_invitations(client, grace, harbourview):
    services.staff_invite(
        employer=harbourview, invited_by=grace, email="waiting@example.com", first_name="Wai",
        last_name="Ting", language="fr",
    )  # fmt: skip

    html = html_of(
        signed_in_as(client, grace).get(url("employer:invite", employer_id=harbourview.pk))
    )

    assert "<td>waiting@example.com</td>" in html
    assert "<td>Wai Ting</td>" in html
    assert 'href="{}"'.format(url("employer:invite_csv", employer_id=harbourview.pk)) in html


def test_staff_invite_of_a_member_shows_the_error(client, grace, harbourview):
    response = signed_in_as(client, grace).post(
        url("employer:invite", employer_id=harbourview.pk),
        {"email": "samuel.okafor@harbourview.example.com", "language": "en"},
    )

    assert response.status_code == 200
    assert "is already a member of this employer." in html_of(response)


@pytest.mark.parametrize("count", [1, 4])
def test_staff_invite_page_query_count_is_constant(
    client, grace, harbourview, count, django_assert_num_queries
):
    for number in range(count):
        services.staff_invite(
            employer=harbourview, invited_by=grace, email=f"p{number}@example.com", language="en"
        )
    signed_in_as(client, grace)

    # session, user with the navigation's dashboard roles; the employer; pending invitations.
    with django_assert_num_queries(4):
        client.get(url("employer:invite", employer_id=harbourview.pk))


# -- Staff invitations from a CSV file -------------------------------------------------------


def csv_file(text: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


def test_staff_invite_csv_page_describes_the_columns_and_offers_a_sample(
    client, grace, harbourview
):
    html = html_of(
        signed_in_as(client, grace).get(url("employer:invite_csv", employer_id=harbourview.pk))
    )

    for column in ("email", "first_name", "last_name", "language"):
        assert f"<code>{column}</code>" in html
    assert 'href="/static/learning/staff-invitations-sample.csv"' in html
    assert 'enctype="multipart/form-data"' in html
    sample = finders.find("learning/staff-invitations-sample.csv")
    with open(sample, encoding="utf-8") as handle:
        assert handle.readline().strip() == "email,first_name,last_name,language"


def test_staff_invite_csv_sample_file_imports_cleanly(grace, harbourview):
    with open(finders.find("learning/staff-invitations-sample.csv"), "rb") as handle:
        invitations = services.staff_invite_csv(
            employer=harbourview, invited_by=grace, data=handle.read()
        )

    assert len(invitations) == 3


def test_staff_invite_csv_upload_invites_everyone(
    client, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in_as(client, grace)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("employer:invite_csv", employer_id=harbourview.pk),
            {"file": csv_file("email,first_name\na@example.com,A\nb@example.com,B\n")},
        )

    assert response.status_code == 302
    assert response["Location"] == url("employer:invite", employer_id=harbourview.pk)
    assert sorted(m.to[0] for m in mailoutbox) == ["a@example.com", "b@example.com"]
    assert "2 invitations sent." in html_of(client.get(response["Location"]))


def test_staff_invite_csv_with_bad_rows_lists_them_by_line_and_imports_nothing(
    client, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    signed_in_as(client, grace)
    before = Invitation.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("employer:invite_csv", employer_id=harbourview.pk),
            {"file": csv_file("email,language\nok@example.com,en\nnope,en\nx@example.com,es\n")},
        )

    html = html_of(response)
    assert response.status_code == 200
    assert "Nobody was invited: 2 lines have problems" in html
    rows = re.findall(r'<tr><th scope="row">(\d+)</th><td>([^<]+)</td></tr>', html)
    assert [line for line, _message in rows] == ["3", "4"]
    assert rows[1][1] == "The language must be en or fr."
    assert 'href="#csv-errors"' in html
    assert Invitation.objects.count() == before
    assert mailoutbox == []


def test_staff_invite_csv_refuses_a_file_over_one_megabyte(client, grace, harbourview):
    big = "email\n" + "someone.with.a.long.address@example.com\n" * 30000

    response = signed_in_as(client, grace).post(
        url("employer:invite_csv", employer_id=harbourview.pk), {"file": csv_file(big)}
    )

    html = html_of(response)
    assert response.status_code == 200
    assert "The file is too large" in html and "It must be 1 MB or less." in html
    assert 'href="#id_file"' in html
    assert not Invitation.objects.filter(email__startswith="someone.with").exists()


def test_staff_invite_csv_refuses_another_kind_of_file(client, grace, harbourview):
    response = signed_in_as(client, grace).post(
        url("employer:invite_csv", employer_id=harbourview.pk),
        {"file": csv_file("email\na@example.com\n", name="people.xlsx")},
    )

    assert "Choose a .csv file" in html_of(response)
    assert not Invitation.objects.filter(email="a@example.com").exists()


def test_staff_invite_csv_without_a_file_says_so(client, grace, harbourview):
    response = signed_in_as(client, grace).post(
        url("employer:invite_csv", "fr", employer_id=harbourview.pk), {}
    )

    assert "Champ requis." in html_of(response)


# -- Assignments -----------------------------------------------------------------------------


def assign_url(spo, employer, language="en"):
    return url("spo:assign", language, spo_id=spo.pk, employer_id=employer.pk)


@pytest.mark.parametrize(
    ("language", "title", "no_program"),
    [
        ("en", "Intercultural competency at work", "No program"),
        ("fr", "La compétence interculturelle au travail", "Aucun programme"),
    ],
)
def test_spo_assign_page_lists_modules_in_the_page_language(
    client, spo_staff, halifax, new_employer, modules, language, title, no_program
):
    html = html_of(
        signed_in_as(client, spo_staff).get(assign_url(halifax, new_employer.org, language))
    )

    # The canonical module, titled in the page's language.
    assert re.search(rf'value="{modules[0].pk}" id="id_modules_0">\s*{title}</label>', html)
    assert re.search(rf'value="" id="id_program_0" checked>\s*{no_program}</label>', html)
    assert '<input type="date"' in html
    assert f'min="{timezone.localdate().isoformat()}"' in html
    assert "first@seafoods.example.com" in html  # the people to choose from
    assert html.count("<fieldset") >= 4


def test_spo_assign_to_everyone_redirects_to_the_employer_page(
    client, spo_staff, halifax, new_employer, modules
):
    response = signed_in_as(client, spo_staff).post(
        assign_url(halifax, new_employer.org),
        {"modules": [modules[0].pk, modules[1].pk], "program": "", "due_on": soon().isoformat(),
         "audience": "all"},
    )  # fmt: skip

    assert response.status_code == 302
    assert response["Location"] == url(
        "spo:employer", spo_id=halifax.pk, employer_id=new_employer.org.pk
    )
    assignments = Assignment.objects.filter(employer=new_employer.org)
    assert sorted(a.module_id for a in assignments) == [modules[0].pk, modules[1].pk]
    assert {(a.all_learners, a.due_on, a.assigned_by_organization_id) for a in assignments} == {
        (True, soon(), halifax.pk)
    }


def test_spo_assign_again_says_it_was_merged(client, spo_staff, halifax, new_employer, modules):
    signed_in_as(client, spo_staff)
    data = {"modules": [modules[0].pk], "due_on": soon().isoformat(), "audience": "all"}
    client.post(assign_url(halifax, new_employer.org), data)

    response = client.post(
        assign_url(halifax, new_employer.org),
        {**data, "modules": [modules[0].pk, modules[1].pk], "due_on": soon(45).isoformat()},
    )

    shown = [str(m) for m in response.wsgi_request._messages]
    assert shown[-2].startswith("1 module assigned to ")
    assert shown[-1].startswith("1 module was already assigned to the same people")
    assert Assignment.objects.get(employer=new_employer.org, module=modules[0]).due_on == soon(45)


def test_spo_assign_to_named_people(client, spo_staff, halifax, new_employer, modules):
    first, second = new_employer.people

    signed_in_as(client, spo_staff).post(
        assign_url(halifax, new_employer.org),
        {"modules": [modules[2].pk], "due_on": soon().isoformat(), "audience": "named",
         "learners": [first.pk]},
    )  # fmt: skip

    assignment = Assignment.objects.get(employer=new_employer.org)
    assert not assignment.all_learners
    assert list(assignment.learners.all()) == [first]
    assert first.enrolments.filter(module=modules[2]).exists()
    assert not second.enrolments.filter(module=modules[2]).exists()


def test_spo_assign_a_program(client, spo_staff, halifax, new_employer, program):
    response = signed_in_as(client, spo_staff).post(
        assign_url(halifax, new_employer.org),
        {"program": program.pk, "due_on": soon().isoformat(), "audience": "all"},
    )

    assert response.status_code == 302
    assert {a.program_id for a in Assignment.objects.filter(employer=new_employer.org)} == {
        program.pk
    }


def test_spo_assign_with_errors_keeps_what_was_entered(
    client, spo_staff, halifax, new_employer, modules
):
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()

    response = signed_in_as(client, spo_staff).post(
        assign_url(halifax, new_employer.org),
        {"modules": [modules[1].pk], "due_on": yesterday, "audience": "named"},
    )

    html = html_of(response)
    assert response.status_code == 200
    assert "The due date cannot be in the past." in html
    assert "Choose at least one person, or everyone." in html
    assert 'href="#id_due_on"' in html and 'href="#id_learners_0"' in html
    assert f'value="{yesterday}"' in html
    assert re.search(rf'value="{modules[1].pk}"[^>]*checked', html)
    assert not Assignment.objects.filter(employer=new_employer.org).exists()


def test_spo_assign_with_nothing_chosen(client, spo_staff, halifax, new_employer):
    response = signed_in_as(client, spo_staff).post(
        assign_url(halifax, new_employer.org), {"due_on": soon().isoformat(), "audience": "all"}
    )

    assert "Choose at least one module, or a program." in html_of(response)


def test_spo_assign_refuses_people_of_another_employer(
    client, spo_staff, halifax, harbourview, new_employer, modules
):
    outsider = Membership.objects.filter(organization=harbourview).first().user

    response = signed_in_as(client, spo_staff).post(
        assign_url(halifax, new_employer.org),
        {"modules": [modules[0].pk], "due_on": soon().isoformat(), "audience": "named",
         "learners": [outsider.pk]},
    )  # fmt: skip

    assert response.status_code == 200
    assert not Assignment.objects.filter(employer=new_employer.org).exists()


@pytest.mark.parametrize(
    "case", ["non_partner_employer", "other_spo", "ended_partnership", "employer_admin"]
)
def test_spo_assign_is_404_outside_active_partnerships(
    client, case, halifax, moncton, spo_staff, grace, islandcare, harbourview, manager
):
    spo, employer, user = halifax, harbourview, spo_staff
    if case == "non_partner_employer":
        employer = islandcare
    elif case == "other_spo":
        spo = moncton
    elif case == "ended_partnership":
        services.partnership_end(spo=halifax, employer=harbourview, by=manager)
    else:
        user = grace
    signed_in_as(client, user)

    assert client.get(assign_url(spo, employer)).status_code == 404
    response = client.post(
        assign_url(spo, employer), {"modules": [1], "due_on": soon().isoformat(), "audience": "all"}
    )
    assert response.status_code == 404


def test_employer_assign_to_own_staff_redirects_to_the_dashboard(client, new_employer, modules):
    signed_in_as(client, new_employer.admin)
    page = client.get(url("employer:assign", "fr", employer_id=new_employer.org.pk))

    response = client.post(
        url("employer:assign", "fr", employer_id=new_employer.org.pk),
        {"modules": [modules[0].pk], "due_on": soon().isoformat(), "audience": "all"},
    )

    assert "La compétence interculturelle au travail" in html_of(page)
    assert response["Location"] == url("employer:dashboard", "fr", employer_id=new_employer.org.pk)
    assignment = Assignment.objects.get(employer=new_employer.org)
    assert assignment.assigned_by_organization == new_employer.org


@pytest.mark.parametrize("who", ["grace", "employee", "spo_staff"])
def test_employer_assign_is_404_for_anyone_but_its_admins(client, new_employer, who, request):
    user = new_employer.people[0] if who == "employee" else request.getfixturevalue(who)
    signed_in_as(client, user)

    assert client.get(url("employer:assign", employer_id=new_employer.org.pk)).status_code == 404


# -- Ending a partnership --------------------------------------------------------------------


def end_url(spo, employer, language="en"):
    return url("spo:partnership_end", language, spo_id=spo.pk, employer_id=employer.pk)


def test_partnership_end_asks_for_confirmation(client, manager, halifax, harbourview):
    response = signed_in_as(client, manager).get(end_url(halifax, harbourview))

    html = html_of(response)
    assert response.status_code == 200
    assert "End the partnership with Harbourview Fabrication" in html
    assert '<form method="post"' in html
    assert Partnership.objects.get(spo=halifax, employer=harbourview).status == "active"


def test_partnership_end_then_the_spo_no_longer_sees_the_employer(
    client, manager, halifax, harbourview
):
    signed_in_as(client, manager)

    response = client.post(end_url(halifax, harbourview))

    assert response["Location"] == url("spo:dashboard", spo_id=halifax.pk)
    assert Partnership.objects.get(spo=halifax, employer=harbourview).status == "ended"
    assert client.get(end_url(halifax, harbourview)).status_code == 404
    assert client.get(assign_url(halifax, harbourview)).status_code == 404


@pytest.mark.parametrize("who", ["spo_staff", "moncton_manager", "grace"])
def test_partnership_end_is_404_for_anyone_but_the_spos_managers(
    client, halifax, harbourview, who, request
):
    signed_in_as(client, request.getfixturevalue(who))

    assert client.get(end_url(halifax, harbourview)).status_code == 404
    assert client.post(end_url(halifax, harbourview)).status_code == 404
    assert Partnership.objects.get(spo=halifax, employer=harbourview).status == "active"


def test_partnership_end_for_another_spos_partner_is_404(client, manager, halifax, islandcare):
    signed_in_as(client, manager)

    assert client.post(end_url(halifax, islandcare)).status_code == 404


def test_partnership_end_needs_sign_in(client, halifax, harbourview):
    response = client.post(end_url(halifax, harbourview))

    assert response.status_code == 302
    assert Partnership.objects.get(spo=halifax, employer=harbourview).status == "active"


# -- Signing in instead, and the pages' markup -----------------------------------------------


def test_staff_invitation_accepted_by_signing_in_first(
    client, grace, harbourview, mailoutbox, django_capture_on_commit_callbacks
):
    path, _token = staff_invitation(
        django_capture_on_commit_callbacks, mailoutbox, grace, harbourview,
        email="existing@example.com",
    )  # fmt: skip
    person = UserFactory(email="existing@example.com")
    login_link = re.search(r'href="([^"]+)">Sign in to accept', html_of(client.get(path)))

    signed_in = client.post(
        login_link.group(1).replace("&amp;", "&"),
        {"username": "existing@example.com", "password": "a long enough password"},
    )
    page = client.get(signed_in["Location"])
    accepted = client.post(path)

    assert signed_in["Location"] == path
    assert "You are signed in as existing@example.com." in html_of(page)
    assert 'name="password1"' not in html_of(page)
    assert accepted["Location"] == url("learning:my_learning")
    assert Membership.objects.get(user=person).organization == harbourview


def all_pages(spo, employer, path):
    return [
        url("spo:invite", spo_id=spo.pk),
        url("spo:assign", spo_id=spo.pk, employer_id=employer.pk),
        url("spo:partnership_end", spo_id=spo.pk, employer_id=employer.pk),
        url("employer:invite", employer_id=employer.pk),
        url("employer:invite_csv", employer_id=employer.pk),
        url("employer:assign", employer_id=employer.pk),
        path,
    ]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_organization_pages_have_no_inline_styles_or_scripts(
    client, manager, grace, halifax, harbourview, language, mailoutbox,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    path, _token = employer_invitation(
        django_capture_on_commit_callbacks, mailoutbox, manager, halifax,
        email="owner@newco.example.com", language=language,
    )  # fmt: skip
    # The manager also administers Harbourview here, to open every page as one person.
    Membership.objects.create(
        user=manager, organization=harbourview, role=Membership.Role.EMPLOYER_ADMIN
    )
    signed_in_as(client, manager)

    for page in all_pages(halifax, harbourview, path):
        page = page.replace("/en/", f"/{language}/", 1)
        if page == path:
            client.logout()
        response = client.get(page)
        html = html_of(response)
        assert response.status_code == 200, page
        assert f'<html lang="{language}' in html, page
        assert "style=" not in html, page
        # Only the site-wide menu script, no inline script: the page works without it.
        assert re.search(r"<script(?![^>]*\bsrc=)", html) is None, page
        assert 'href="/static/learning/css/organizations.css"' in html, page
