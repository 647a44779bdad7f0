"""Signing in starts a new session, and neither sign-in nor password reset tells whether an
account exists."""

import re

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from learning.forms import EmailAuthenticationForm
from tests.factories.learning import UserFactory

PASSWORD = "a long enough password"
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def form_token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def without_token(response, *typed: str) -> str:
    """The page without its CSRF token and without what the visitor typed."""
    body = CSRF_INPUT.sub("", response.content.decode())
    for text in typed:
        body = body.replace(text, "TYPED")
    return body


def post_form(client: Client, url: str, data: dict):
    """Open the form, then send it with its CSRF token, as a browser does."""
    token = form_token(client.get(url))
    return client.post(url, {**data, "csrfmiddlewaretoken": token})


@pytest.mark.django_db
def test_signing_in_starts_a_new_session_and_csrf_token():
    user = UserFactory()
    client = csrf_client()
    before = SessionStore()
    before["visited"] = True
    before.create()
    client.cookies[settings.SESSION_COOKIE_NAME] = before.session_key
    client.get("/en/accounts/login/")
    csrf_before = client.cookies[settings.CSRF_COOKIE_NAME].value

    response = post_form(
        client, "/en/accounts/login/", {"username": user.email, "password": PASSWORD}
    )

    session_after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert response.status_code == 302
    assert session_after != before.session_key
    assert not SessionStore().exists(before.session_key)
    assert SessionStore(session_after)["_auth_user_id"] == str(user.pk)
    assert client.cookies[settings.CSRF_COOKIE_NAME].value != csrf_before


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_sign_in_answers_the_same_for_unknown_address_and_wrong_password(language):
    user = UserFactory(email="known.person@example.com")
    url = f"/{language}/accounts/login/"

    unknown = post_form(
        csrf_client(), url, {"username": "nobody.here@example.com", "password": "wrong-guess-1"}
    )
    wrong = post_form(csrf_client(), url, {"username": user.email, "password": "wrong-guess-1"})

    assert unknown.status_code == wrong.status_code == 200
    assert sorted(unknown.headers) == sorted(wrong.headers)
    assert without_token(unknown, "nobody.here@example.com") == without_token(wrong, user.email)
    with translation.override(language):
        message = escape(str(EmailAuthenticationForm.error_messages["invalid_login"]))
    assert message in unknown.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "fr"])
def test_password_reset_answers_the_same_whether_or_not_the_account_exists(language):
    """The reset email goes out on commit: a transactional test sees whether one was sent."""
    user = UserFactory(email="known.person@example.com")
    url = f"/{language}/accounts/password/reset/"

    unknown = post_form(csrf_client(), url, {"email": "nobody.here@example.com"})
    sent_for_unknown = len(mail.outbox)
    known = post_form(csrf_client(), url, {"email": user.email})

    assert unknown.status_code == known.status_code == 302
    assert unknown["Location"] == known["Location"] == f"/{language}/accounts/password/reset/sent/"
    assert sorted(unknown.headers) == sorted(known.headers)
    assert without_token(unknown) == without_token(known)
    assert (sent_for_unknown, len(mail.outbox)) == (0, 1)
    assert mail.outbox[0].to == [user.email]


# -- Limits on guessing and mail flooding -----------------------------------------------------


@pytest.fixture
def counting_cache(settings):
    """A real cache for django-ratelimit's counters (the test settings use a dummy one)."""
    from django.core.cache import cache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield settings
    cache.clear()


@pytest.mark.django_db
def test_password_reset_sends_at_most_the_address_limit_and_answers_the_same(
    counting_cache, django_capture_on_commit_callbacks, mailoutbox
):
    counting_cache.PASSWORD_RESET_ADDRESS_RATE = "3/h"
    user = UserFactory(email="known.person@example.com")
    client = Client()

    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post("/en/accounts/password/reset/", {"email": user.email}) for _ in range(20)
        ]

    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, "/en/accounts/password/reset/sent/")
    }
    assert len(mailoutbox) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_password_reset_requests_from_one_client_are_capped(
    counting_cache, django_capture_on_commit_callbacks, mailoutbox, language
):
    counting_cache.PASSWORD_RESET_CLIENT_RATE = "5/h"
    url = f"/{language}/accounts/password/reset/"
    client, elsewhere = Client(REMOTE_ADDR="203.0.113.9"), Client(REMOTE_ADDR="198.51.100.4")
    for number in range(5):
        UserFactory(email=f"p{number}@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        answers = [client.post(url, {"email": f"p{number}@example.com"}) for number in range(6)]
        other = elsewhere.post(url, {"email": "p0@example.com"})

    assert [a.status_code for a in answers] == [302] * 5 + [429]
    assert answers[-1]["Retry-After"] == "3600"
    with translation.override(language):
        assert str(translation.gettext("Too many password reset requests")) in (
            answers[-1].content.decode()
        )
    assert other.status_code == 302
    assert len(mailoutbox) == 6


@pytest.mark.django_db
def test_one_password_tried_on_many_accounts_from_one_address_is_stopped(counting_cache):
    counting_cache.SIGN_IN_CLIENT_FAILURE_RATE = "10/h"
    victims = [UserFactory(email=f"victim{number}@example.com") for number in range(12)]
    sprayer = Client(REMOTE_ADDR="203.0.113.9")

    answers = [
        sprayer.post(
            "/en/accounts/login/", {"username": victim.email, "password": "Winter2026!"}
        ).status_code
        for victim in victims
    ]
    victim = Client(REMOTE_ADDR="198.51.100.4").post(
        "/en/accounts/login/", {"username": victims[0].email, "password": PASSWORD}
    )

    assert answers == [200] * 10 + [429, 429]
    assert victim.status_code == 302  # the owner, elsewhere, signs in as usual
