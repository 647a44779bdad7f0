import re

import pytest
from django.core.management import call_command

from learning.models import User


@pytest.fixture
def seeded(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))


def test_root_redirects_by_accept_language(seeded, client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9")
    assert response.status_code == 302
    assert response["Location"] == "/fr/"


def test_root_falls_back_to_english(seeded, client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="de")
    assert response["Location"] == "/en/"


@pytest.mark.parametrize(
    "lang,other",
    [
        ("en", "fr"),
        ("fr", "en"),
    ],
)
def test_home_has_lang_and_switcher_to_other_language(seeded, client, lang, other):
    response = client.get(f"/{lang}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{lang}-CA">' in html
    switch = re.search(r'<nav class="language-switcher".*?href="([^"]+)"', html, re.S).group(1)
    assert switch == f"/{other}/"
    assert client.get(switch).status_code == 200
    assert f'hreflang="{other}-CA"' in html


def test_switcher_on_content_page_lands_on_translation(seeded, client):
    html = client.get("/en/about/").content.decode()
    switch = re.search(r'<nav class="language-switcher".*?href="([^"]+)"', html, re.S).group(1)
    assert switch == "/fr/a-propos/"


def test_login_page_in_both_languages(seeded, client):
    assert "Sign in" in client.get("/en/accounts/login/").content.decode()
    assert client.get("/fr/accounts/login/").status_code == 200


def test_seed_demo_is_idempotent(seeded, capsys):
    from wagtail.models import Page

    pages, users = Page.objects.count(), User.objects.count()
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert Page.objects.count() == pages
    assert User.objects.count() == users
    assert "DEMO editor editor@example.com" in out
    assert "DEMO superuser admin@example.com" in out


def test_login_with_email(seeded, client):
    response = client.post(
        "/en/accounts/login/",
        {"username": "EDITOR@example.com", "password": "demo-editor-2026-welcome"},
    )
    assert response.status_code == 302


def test_lockout_after_repeated_failures(seeded, client):
    # Mixed case counts towards the same account, as sign-in itself is case-insensitive.
    for attempt in range(5):
        email = "Editor@Example.com" if attempt % 2 else "editor@example.com"
        client.post("/en/accounts/login/", {"username": email, "password": "wrong password"})

    response = client.post(
        "/en/accounts/login/",
        {"username": "editor@example.com", "password": "demo-editor-2026-welcome"},
    )

    assert response.status_code == 429
    assert "Too many sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_lockout_does_not_lock_the_owner_out_from_another_address(seeded, client):
    for _ in range(5):
        client.post(
            "/fr/accounts/login/",
            {"username": "editor@example.com", "password": "wrong password"},
            REMOTE_ADDR="203.0.113.9",
        )
    locked = client.post(
        "/fr/accounts/login/",
        {"username": "editor@example.com", "password": "demo-editor-2026-welcome"},
        REMOTE_ADDR="203.0.113.9",
    )

    owner = client.post(
        "/fr/accounts/login/",
        {"username": "editor@example.com", "password": "demo-editor-2026-welcome"},
        REMOTE_ADDR="198.51.100.20",
    )

    assert locked.status_code == 429
    assert "Trop de tentatives de connexion" in locked.content.decode()
    assert owner.status_code == 302


def test_switcher_falls_back_to_home_when_page_is_untranslated(seeded, client):
    from wagtail.models import Locale

    from cms.models import ContentPage, HomePage

    home = HomePage.objects.get(locale__language_code="en")
    home.add_child(
        instance=ContentPage(
            title="Help", slug="help", locale=Locale.objects.get(language_code="en")
        )
    )

    html = client.get("/en/help/").content.decode()

    switch = re.search(r'<nav class="language-switcher".*?href="([^"]+)"', html, re.S).group(1)
    assert switch == "/fr/"


def test_content_page_query_count(seeded, client, django_assert_num_queries):
    client.get("/en/about/")
    # site, locale, page route (3 ancestors), alias check, view restrictions, specific page,
    # site root paths, and one query for the language alternates.
    with django_assert_num_queries(10):
        response = client.get("/en/about/")
    assert response.status_code == 200
