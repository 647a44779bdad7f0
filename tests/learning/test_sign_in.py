"""Signing in lands on the person's own start page, in the language of the sign-in page;
signing out and resetting a password keep that language too. Anonymous readers of a module or
a lesson are told that progress and certificates need an account, and how to get one."""

import re
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from learning.models import Membership
from tests.factories.learning import EmployerFactory, SpoFactory, UserFactory, member

pytestmark = pytest.mark.django_db

PASSWORD = "harbour lights at dawn 2026"


def sign_in(client, user, language: str, next_url: str | None = None):
    data = {"username": user.email, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(f"/{language}/accounts/login/", data)


def with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.mark.parametrize("language", ["en", "fr"])
@pytest.mark.parametrize(
    "role,start",
    [
        (None, "learning:my_learning"),
        (Membership.Role.EMPLOYER_LEARNER, "learning:my_learning"),
        (Membership.Role.EMPLOYER_ADMIN, "employer:home"),
        (Membership.Role.SPO_STAFF, "spo:home"),
        (Membership.Role.SPO_MANAGER, "spo:home"),
    ],
)
def test_signing_in_lands_on_the_start_page_in_the_page_language(client, role, start, language):
    if role is None:
        user = UserFactory()
    else:
        organization = SpoFactory() if role in Membership.SPO_ROLES else EmployerFactory()
        user = member(organization, role)
    with_password(user)

    response = sign_in(client, user, language)

    with translation.override(language):
        expected = reverse(start)
    assert response.status_code == 302
    assert response["Location"] == expected
    assert expected.startswith(f"/{language}/")


def test_signing_in_goes_to_next_when_given(client):
    user = with_password(UserFactory())

    response = sign_in(client, user, "fr", next_url="/fr/certificates/")

    assert response["Location"] == "/fr/certificates/"


def test_signing_in_refuses_a_next_on_another_site(client):
    user = with_password(UserFactory())

    response = sign_in(client, user, "fr", next_url="https://example.com/")

    assert response["Location"] == "/fr/my-learning/"


def test_signing_out_keeps_the_language(client):
    client.force_login(UserFactory())

    response = client.post("/fr/accounts/logout/")

    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_password_reset_keeps_the_language(client, django_capture_on_commit_callbacks):
    user = UserFactory(preferred_language="en")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/fr/accounts/password/reset/", {"email": user.email})

    assert response["Location"] == "/fr/accounts/password/reset/sent/"
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", message.body).group(0)
    assert "/fr/accounts/password/reset/" in link
    confirm = client.get(link.split("127.0.0.1:8000", 1)[-1], follow=True)
    assert confirm.status_code == 200
    assert confirm.redirect_chain[-1][0].startswith("/fr/accounts/password/reset/")
    done = client.post(
        confirm.redirect_chain[-1][0],
        {"new_password1": "new harbour lights 2027", "new_password2": "new harbour lights 2027"},
    )
    assert done["Location"] == "/fr/accounts/password/reset/complete/"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_anonymous_module_and_lesson_pages_say_progress_needs_an_account(client, language):
    from courses.models import LessonPage, ModulePage

    module = ModulePage.objects.live().filter(locale__language_code=language).first()
    lesson = LessonPage.objects.child_of(module).live().first()
    with translation.override(language):
        heading = translation.gettext("Progress and certificates need an account")
        invitation = translation.gettext(
            "Accounts are by invitation: ask your employer, or the settlement organization that "
            "works with your business, to invite you. The invitation comes by email."
        )

    for page in (module, lesson):
        html = client.get(page.url).content.decode()
        assert heading in html
        assert invitation in unescape(html)
        assert f'href="/{language}/accounts/login/?next={page.url}"' in html


def test_signed_in_readers_do_not_see_the_account_notice(client):
    from courses.models import LessonPage

    client.force_login(UserFactory())
    lesson = LessonPage.objects.live().filter(locale__language_code="en").first()

    html = client.get(lesson.url).content.decode()

    assert "Progress and certificates need an account" not in html
