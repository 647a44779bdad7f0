"""Production hardening: the deployment checklist, HTTPS-only cookies and HSTS, the Content
Security Policy, and password rules."""

import json
import os
import secrets
import subprocess
import sys

import pytest
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError

from cms.models import HomePage
from learning.models import User
from tests.conftest import BASE_DIR

PRODUCTION_PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({name: getattr(settings, name) for name in (
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SECURE", "CSRF_COOKIE_SAMESITE",
    "LANGUAGE_COOKIE_SECURE", "LANGUAGE_COOKIE_SAMESITE", "X_FRAME_OPTIONS",
    "SECURE_CONTENT_TYPE_NOSNIFF", "CONTENT_SECURITY_POLICY",
)}))
"""


def production(*args: str, **environ: str) -> subprocess.CompletedProcess:
    """Run ``python *args`` with the production settings and only the environment given (plus
    a fresh SECRET_KEY, which production requires)."""
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "cms.settings.production",
        # A developer's .env must not leak into what is tested.
        "DJANGO_READ_DOT_ENV": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "learn.example.ca",
        **environ,
    }
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )


def test_deploy_check_finds_nothing_in_production():
    completed = production("manage.py", "check", "--deploy", "--fail-level", "DEBUG")

    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "System check identified no issues (0 silenced)."


def test_production_cookies_are_secure_httponly_and_same_site():
    completed = production("-c", PRODUCTION_PROBE)
    loaded = json.loads(completed.stdout)

    assert loaded["DEBUG"] is False
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["SECURE_HSTS_SECONDS"] == 31_536_000
    assert loaded["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert loaded["SECURE_HSTS_PRELOAD"] is True
    assert loaded["SESSION_COOKIE_SECURE"] is True
    assert loaded["SESSION_COOKIE_HTTPONLY"] is True
    assert loaded["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert loaded["CSRF_COOKIE_SECURE"] is True
    assert loaded["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert loaded["LANGUAGE_COOKIE_SECURE"] is True
    assert loaded["LANGUAGE_COOKIE_SAMESITE"] == "Lax"
    assert loaded["X_FRAME_OPTIONS"] == "DENY"
    assert loaded["SECURE_CONTENT_TYPE_NOSNIFF"] is True


def test_production_policy_allows_images_from_the_media_bucket():
    completed = production(
        "-c",
        PRODUCTION_PROBE,
        AWS_STORAGE_BUCKET_NAME="welcoming-media",
        AWS_S3_CUSTOM_DOMAIN="media.learn.example.ca",
    )
    directives = json.loads(completed.stdout)["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]

    assert directives["img-src"] == ["'self'", "https://media.learn.example.ca"]
    assert directives["media-src"] == ["'self'", "https://media.learn.example.ca"]
    assert directives["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_production_answers_with_hsts_and_secure_cookies(client, settings):
    """The production values, applied here: HTTPS answers carry HSTS and secure cookies, and
    plain HTTP is redirected to HTTPS."""
    loaded = json.loads(production("-c", PRODUCTION_PROBE).stdout)
    for name in (
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_HSTS_PRELOAD",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "LANGUAGE_COOKIE_SECURE",
    ):
        setattr(settings, name, loaded[name])
    user = User.objects.get(email="learner@example.com")

    plain = client.get("/en/accounts/login/")
    login_page = client.get("/en/accounts/login/", secure=True)
    signed_in = client.post(
        "/en/accounts/login/",
        {"username": user.email, "password": "demo-learner-2026-welcome"},
        secure=True,
    )

    assert (plain.status_code, plain["Location"]) == (
        301,
        "https://testserver/en/accounts/login/",
    )
    assert login_page["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )
    csrf = login_page.cookies["csrftoken"]
    assert (csrf["secure"], csrf["samesite"]) == (True, "Lax")
    session = signed_in.cookies["sessionid"]
    assert signed_in.status_code == 302
    assert (session["secure"], session["httponly"], session["samesite"]) == (True, True, "Lax")


def directives(header: str) -> dict[str, str]:
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
        for part in (piece.strip() for piece in header.split(";"))
        if part
    }


@pytest.mark.django_db
def test_public_pages_carry_the_strict_policy(client):
    response = client.get("/en/")

    policy = directives(response["Content-Security-Policy"])
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_admin_pages_allow_inline_code_but_nothing_from_elsewhere(client):
    client.force_login(User.objects.get(email="editor@example.com"))

    response = client.get("/admin/")

    policy = directives(response["Content-Security-Policy"])
    assert response.status_code == 200
    assert policy["script-src"] == "'self' 'unsafe-inline'"
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


@pytest.mark.django_db
def test_admin_preview_may_be_framed_by_the_admin_only(client):
    """Wagtail renders the preview by passing the page's own request through the middleware:
    the admin's policy, which lets the editor frame it, replaces the site's."""
    client.force_login(User.objects.get(email="admin@example.com"))
    home = HomePage.objects.get(locale__language_code="en")
    preview_url = f"/admin/pages/{home.pk}/edit/preview/"
    form = {"title": "Preview of the home page", "slug": home.slug, "intro": "", "body-count": "0"}
    assert client.post(preview_url, form).json() == {"is_valid": True, "is_available": True}

    response = client.get(preview_url)

    policy = directives(response["Content-Security-Policy"])
    assert "Preview of the home page" in response.content.decode()
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert policy["frame-ancestors"] == "'self'"
    assert policy["script-src"] == "'self' 'unsafe-inline'"
    assert policy["object-src"] == "'none'"


def test_passwords_need_twelve_characters():
    with pytest.raises(ValidationError) as error:
        password_validation.validate_password("Vx7#kq2!Lm9")  # 11 characters

    assert [e.code for e in error.value.error_list] == ["password_too_short"]
    password_validation.validate_password("Vx7#kq2!Lm9z")  # 12


def test_common_passwords_are_refused_even_when_long_enough():
    with pytest.raises(ValidationError) as error:
        password_validation.validate_password("password1234")

    assert [e.code for e in error.value.error_list] == ["password_too_common"]
