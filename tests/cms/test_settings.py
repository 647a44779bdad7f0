"""Every setting that differs between machines comes from the environment."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import BASE_DIR

PROBE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER, "broker": settings.CELERY_BROKER_URL,
    "hosts": settings.ALLOWED_HOSTS, "email": settings.EMAIL_BACKEND,
    "email_host": getattr(settings, "EMAIL_HOST", ""), "site_url": settings.SITE_URL,
    "media_root": str(settings.MEDIA_ROOT), "storage": settings.STORAGES["default"]["BACKEND"],
    "secret": settings.SECRET_KEY, "debug": settings.DEBUG,
    "db_options": db.get("OPTIONS", {}),
    "verification_log_buffer": settings.VERIFICATION_LOG_BUFFER,
}))
"""


def settings_for(module: str, probe: str = PROBE, **environ: str) -> dict:
    """Load a settings module in a fresh interpreter with exactly this environment, and
    return what ``probe`` prints."""
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": f"cms.settings.{module}"}
    env.update(environ)
    # A developer's .env must not leak into what is tested.
    env["DJANGO_READ_DOT_ENV"] = "0"
    completed = subprocess.run(
        [sys.executable, "-c", probe], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    if completed.returncode != 0:
        return {"error": completed.stderr}
    return json.loads(completed.stdout)


def test_dev_settings_default_to_embedded_services():
    loaded = settings_for("dev")

    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["name"] == str(BASE_DIR / "db.sqlite3")
    assert loaded["eager"] is True
    assert loaded["email"] == "django.core.mail.backends.console.EmailBackend"
    assert loaded["site_url"] == "http://127.0.0.1:8000"
    assert loaded["debug"] is True
    assert len(loaded["secret"]) >= 50


def test_settings_read_services_from_environment():
    loaded = settings_for(
        "dev",
        DATABASE_URL="postgres://app:pw@db.internal:5432/welcoming",
        CELERY_BROKER_URL="redis://cache.internal:6379/0",
        ALLOWED_HOSTS="learn.example.ca,www.learn.example.ca",
        EMAIL_URL="smtp+tls://mailer:pw@smtp.example.ca:587",
        SITE_URL="https://learn.example.ca/",
        MEDIA_ROOT="/srv/media",
    )

    assert loaded["engine"] == "django.db.backends.postgresql"
    assert (loaded["name"], loaded["host"]) == ("welcoming", "db.internal")
    assert loaded["eager"] is False
    assert loaded["broker"] == "redis://cache.internal:6379/0"
    assert loaded["hosts"] == ["learn.example.ca", "www.learn.example.ca"]
    assert loaded["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert loaded["email_host"] == "smtp.example.ca"
    assert loaded["site_url"] == "https://learn.example.ca"
    assert loaded["media_root"] == "/srv/media"
    assert loaded["db_options"] == {"server_side_binding": True, "prepare_threshold": 5}
    assert loaded["verification_log_buffer"] == "redis://cache.internal:6379/0"


def test_prepared_statements_can_be_turned_off_for_transaction_poolers():
    loaded = settings_for(
        "dev",
        DATABASE_URL="postgres://app:pw@pgbouncer.internal:6432/welcoming",
        DATABASE_PREPARED_STATEMENTS="0",
        VERIFICATION_LOG_BUFFER="",
        CELERY_BROKER_URL="redis://cache.internal:6379/0",
    )

    assert loaded["db_options"] == {}
    assert loaded["verification_log_buffer"] == ""  # events written during the request


def test_repeated_queries_are_prepared_on_postgresql(postgres):
    from django.db import connection

    from certificates.models import Certificate

    for _ in range(6):  # psycopg prepares a query on its sixth run on a connection
        list(Certificate.objects.filter(code="0000000000000000X"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]

    assert any('FROM "certificates_certificate"' in statement for statement in prepared)


def test_production_requires_secret_key():
    loaded = settings_for("production")

    assert "SECRET_KEY" in loaded["error"]


def test_production_puts_media_on_object_storage_when_a_bucket_is_set():
    loaded = settings_for(
        "production",
        SECRET_KEY="x" * 60,
        AWS_STORAGE_BUCKET_NAME="welcoming-media",
        AWS_S3_ENDPOINT_URL="https://objects.example.ca",
    )

    assert loaded["storage"] == "storages.backends.s3.S3Storage"
    assert loaded["debug"] is False


@pytest.mark.parametrize("module", ["dev", "production"])
def test_secret_key_comes_from_environment(module):
    assert settings_for(module, SECRET_KEY="k" * 60)["secret"] == "k" * 60
