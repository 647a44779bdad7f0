"""Verification events buffered in Redis and written in batches (certificates.verification_log):
a lookup costs one query, and every event reaches the database."""

import datetime
import hashlib
import uuid

import pytest
import time_machine
from django.conf import settings
from django.db import DataError, transaction

from certificates import verification_log
from certificates.codes import code_generate
from certificates.lifecycle_tasks import verification_events_flush
from certificates.models import AuditEvent
from learning.models import Membership
from tests.conftest import need, redis_available
from tests.factories.certificates import CertificateFactory
from tests.factories.learning import SpoFactory, member

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def buffered(settings, monkeypatch):
    """The broker's Redis as the buffer, under a key of this test's own."""
    need("Redis broker (CELERY_BROKER_URL)", redis_available())
    settings.VERIFICATION_LOG_BUFFER = settings.CELERY_BROKER_URL
    monkeypatch.setattr(verification_log, "KEY", f"test:verification-events:{uuid.uuid4().hex}")
    client = verification_log.buffer()
    yield client
    client.delete(verification_log.KEY)


def verified():
    return AuditEvent.objects.filter(action=AuditEvent.Action.VERIFIED)


@time_machine.travel(datetime.datetime(2027, 3, 1, 9, 30, tzinfo=UTC), tick=False)
def test_an_api_lookup_takes_one_query_and_its_event_arrives_with_the_flush(
    client, buffered, django_assert_num_queries
):
    certificate = CertificateFactory()

    with django_assert_num_queries(1):  # the certificate, by the index on its code
        response = client.get(f"/api/v1/certificates/{certificate.code}")

    assert response.json()["status"] == "valid"
    assert buffered.llen(verification_log.KEY) == 1
    assert not verified().exists()

    assert verification_events_flush.delay().get() == 1

    event = verified().get()
    assert event.certificate == certificate
    assert event.code_hash == hashlib.sha256(certificate.code.encode()).hexdigest()
    assert (event.channel, event.outcome) == ("api", "valid")
    assert event.created_at == datetime.datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
    assert buffered.llen(verification_log.KEY) == 0


def test_a_page_lookup_takes_one_query_too(client, buffered, django_assert_num_queries):
    certificate = CertificateFactory()

    with django_assert_num_queries(1):
        response = client.get(f"/fr/verify/{certificate.code}/")

    assert response.status_code == 200
    assert buffered.llen(verification_log.KEY) == 1


def test_unknown_codes_and_bulk_checks_keep_their_outcome_and_actor(client, buffered):
    staff = member(SpoFactory(), Membership.Role.SPO_STAFF)
    client.force_login(staff)
    known = CertificateFactory()

    client.post("/en/verify/bulk/", {"codes": f"{known.code}\n{code_generate()}\nnonsense"})
    client.logout()
    client.get("/api/v1/certificates/nonsense")
    verification_log.events_flush()

    rows = list(verified().order_by("pk").values_list("channel", "outcome", "actor", "certificate"))
    assert rows == [
        ("bulk", "valid", staff.pk, known.pk),
        ("bulk", "not_found", staff.pk, None),
        ("bulk", "not_found", staff.pk, None),
        ("api", "not_found", None, None),
    ]


def test_a_flush_writes_every_batch_in_order(client, buffered):
    certificates = [CertificateFactory() for _ in range(5)]
    for certificate in certificates:
        client.get(f"/api/v1/certificates/{certificate.code}")

    assert verification_log.events_flush(batch=2) == 5

    assert list(verified().order_by("pk").values_list("certificate", flat=True)) == [
        certificate.pk for certificate in certificates
    ]
    assert verification_log.events_flush() == 0


def test_a_batch_the_database_refuses_stays_in_the_buffer(postgres, client, buffered):
    certificate = CertificateFactory()
    client.get(f"/api/v1/certificates/{certificate.code}")
    broken = verification_log._encode(AuditEvent(action="verified", channel="x" * 500))
    buffered.rpush(verification_log.KEY, broken)
    before = buffered.lrange(verification_log.KEY, 0, -1)

    with pytest.raises(DataError), transaction.atomic():
        verification_log.events_flush()

    assert buffered.lrange(verification_log.KEY, 0, -1) == before  # nothing lost, same order
    assert not verified().exists()


def test_without_redis_the_event_is_written_at_once(client, settings):
    settings.VERIFICATION_LOG_BUFFER = "redis://127.0.0.1:1/0"  # nothing listens there
    certificate = CertificateFactory()

    response = client.get(f"/api/v1/certificates/{certificate.code}")

    assert response.status_code == 200
    assert verified().get().certificate == certificate


def test_without_a_buffer_events_are_written_at_once(client):
    assert settings.VERIFICATION_LOG_BUFFER == ""
    certificate = CertificateFactory()

    client.get(f"/api/v1/certificates/{certificate.code}")

    assert verified().count() == 1
    assert verification_log.events_flush() == 0
