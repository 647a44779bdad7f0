"""Privacy: what a sign-up tells learners about the verification page, and verifications that
leave no client address behind (only the rate limiter holds it, hashed, for its window)."""

import logging
import os
import re
import subprocess
import sys
import uuid

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import translation

from certificates.codes import code_display, code_generate
from certificates.models import AuditEvent
from learning.models import Membership, Organization, User
from learning.services import organizations as services
from tests.conftest import BASE_DIR, need, redis_available
from tests.factories.certificates import CertificateFactory
from tests.factories.learning import SpoFactory, member

LINK = re.compile(r"https?://\S+?/(en|fr)/invitations/([\w-]+)/")
# Documentation addresses (RFC 5737, RFC 3849), each in its own notation.
IPV4 = "198.51.100.73"
IPV6 = "2001:db8:85a3:4d2::8a2e:370"
IPV6_NETWORK = "2001:db8:85a3:4d2::"

NOTICE = [
    "Your personal information",
    "When you complete a module you receive a certificate. Anyone who has its code or scans its "
    "QR code (for example the settlement organizations working with your employer, or a "
    "provincial officer reviewing your employer's application) can check it on a public "
    "verification page. That page shows your name, your employer and its province, the module "
    "and its version, the completion and expiry dates, and whether the certificate is valid, "
    "expired, revoked (with the reason) or replaced. It never shows your email address.",
    "Verification software that checks the certificate's signature with the same code also "
    "receives the signed record, which contains your score on the final quiz.",
]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_sign_up_says_what_the_verification_page_shows_and_to_whom(
    client, django_capture_on_commit_callbacks, mailoutbox, language
):
    employer = Organization.objects.get(legal_name="Harbourview Fabrication Ltd.")
    admin = employer.memberships.get(role=Membership.Role.EMPLOYER_ADMIN).user
    with django_capture_on_commit_callbacks(execute=True):
        services.staff_invite(
            employer=employer, invited_by=admin, email="new.hire@example.com", language=language
        )
    link_language, token = LINK.search(mailoutbox[-1].body).groups()

    response = client.get(f"/{link_language}/invitations/{token}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{language}-CA">' in html
    with translation.override(language):
        for message in NOTICE:
            text = translation.gettext(message)
            assert text in html
            assert (text != message) == (language == "fr")


def verification_requests(client, *, address: str) -> None:
    """Every way to verify a certificate, from ``address``: the form, a valid and an unknown
    code, bulk verification and the API."""
    certificate = CertificateFactory()
    unknown = code_generate()
    meta = {"REMOTE_ADDR": address}
    assert client.get("/en/verify/", {"code": certificate.code}, **meta).status_code == 302
    assert client.get(f"/en/verify/{certificate.code}/", **meta).status_code == 200
    assert client.get(f"/fr/verify/{unknown}/", **meta).status_code == 404
    assert client.get(f"/api/v1/certificates/{certificate.code}", **meta).status_code == 200
    assert client.get(f"/api/v1/certificates/{unknown}", **meta).status_code == 404
    client.force_login(member(SpoFactory(), Membership.Role.SPO_STAFF))
    pasted = f"{code_display(certificate.code)}\n{unknown}\nnot-a-code"
    assert client.post("/en/verify/bulk/", {"codes": pasted}, **meta).status_code == 200


def rows_containing(texts: list[str]) -> dict[str, int]:
    """Rows of every table whose text (every column, as PostgreSQL writes the row) contains
    one of ``texts``."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            conditions = " OR ".join([f"{quoted}::text ILIKE %s"] * len(texts))
            cursor.execute(
                f"SELECT count(*) FROM {quoted} WHERE {conditions}",
                [f"%{text}%" for text in texts],
            )
            count = cursor.fetchone()[0]
            if count:
                found[table] = count
    return found


@pytest.mark.parametrize("address", [IPV4, IPV6])
def test_verifications_store_no_client_address(postgres, client, caplog, address):
    caplog.set_level(logging.DEBUG)
    before = AuditEvent.objects.filter(action=AuditEvent.Action.VERIFIED).count()

    verification_requests(client, address=address)

    logged = AuditEvent.objects.filter(action=AuditEvent.Action.VERIFIED).count() - before
    assert logged == 7  # two pages, two API answers, three bulk rows (the form redirects)
    assert rows_containing([address, IPV6_NETWORK, IPV4]) == {}
    for record in caplog.records:
        text = f"{record.getMessage()} {record.__dict__}"
        assert address not in text and IPV6_NETWORK not in text


@pytest.fixture
def redis_cache(settings):
    """The default cache on Redis, as in production, under a key prefix of its own."""
    need("Redis", redis_available())
    prefix = f"security-{uuid.uuid4().hex[:12]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": settings.CELERY_BROKER_URL,
            "KEY_PREFIX": prefix,
        }
    }
    client = caches["default"]._cache.get_client()
    yield client, prefix
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


@pytest.mark.django_db
@pytest.mark.parametrize("address", [IPV4, IPV6])
def test_rate_limiter_keeps_addresses_only_hashed_and_for_its_window(client, redis_cache, address):
    redis, prefix = redis_cache
    window = max(
        int(rate.split("/")[1].rstrip("smhd") or 1)
        * {"s": 1, "m": 60, "h": 3600, "d": 86400}[rate[-1]]
        for rate in (settings.CERTIFICATE_VERIFY_RATE, settings.CERTIFICATE_API_RATE)
    )

    verification_requests(client, address=address)

    keys = list(redis.scan_iter(f"{prefix}:*"))
    counters = [key for key in keys if b":rl:" in key]
    assert len(counters) >= 2  # pages and API, counted apart
    for key in keys:
        stored = key + (redis.get(key) or b"")
        assert address.encode() not in stored and IPV6_NETWORK.encode() not in stored
    for key in counters:
        # django-ratelimit keeps each counter five seconds past its window.
        assert 0 < redis.ttl(key) <= window + 5


def test_no_user_field_stores_an_address():
    """No model has a field for client addresses (django-axes' sign-in lockout records are
    not about verifications)."""
    from django.apps import apps
    from django.db.models import GenericIPAddressField

    fields = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in {"cms", "courses", "learning", "certificates"}
        for field in model._meta.get_fields()
        if isinstance(field, GenericIPAddressField) or "ip" in field.name.split("_")
    ]

    assert fields == []
    assert User  # the custom user model is among those checked


def test_web_server_access_log_leaves_out_client_addresses():
    """gunicorn, started in the project's directory as the deployment guide says, reads
    gunicorn.conf.py: its access log format has no client address (``h``), forwarded address,
    user agent (``a``) or referrer (``f``)."""
    completed = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--print-config", "cms.wsgi:application"],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"]},
        capture_output=True,
        text=True,
    )
    settings_shown = dict(
        re.match(r"(\w+)\s+= ?(.*)", line).groups()
        for line in completed.stdout.splitlines()
        if re.match(r"\w+\s+=", line)
    )

    log_format = settings_shown["access_log_format"]
    assert log_format == '%(t)s "%(r)s" %(s)s %(b)s %(M)sms'
    for field in ("%(h)s", "%(a)s", "%(f)s", "forwarded"):
        assert field not in log_format.lower()
