"""Verification events, written in batches off the request.

A verification is answered after its one indexed query. Its audit event goes to a Redis list
(``VERIFICATION_LOG_BUFFER``, the Celery broker's Redis by default) and the beat task
``certificates.verification_events_flush`` moves what is there into ``AuditEvent`` every few
seconds, one INSERT per batch. With no buffer (the embedded default, where tasks run eagerly)
or when Redis cannot take an event, the event is written to the database at once: nothing is
dropped.

Batches are popped atomically (``LPOP`` with a count, Redis 6.2 or later), so two flushes
never write the same event. A batch the database refuses goes back to the head of the list
for the next flush.
"""

import datetime
import functools
import json
import logging

import redis
from django.conf import settings

from certificates.models import AuditEvent

logger = logging.getLogger(__name__)

KEY = "certificates:verification-events"
BATCH = 1000
FIELDS = ("action", "certificate_id", "code_hash", "actor_id", "channel", "outcome")


@functools.cache
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)


def buffer() -> redis.Redis | None:
    url = getattr(settings, "VERIFICATION_LOG_BUFFER", "")
    return _client(url) if url else None


def _encode(event: AuditEvent) -> str:
    document = {name: getattr(event, name) for name in FIELDS}
    document["created_at"] = event.created_at.isoformat()
    return json.dumps(document)


def _decode(item: bytes) -> AuditEvent:
    document = json.loads(item)
    document["created_at"] = datetime.datetime.fromisoformat(document["created_at"])
    return AuditEvent(**document)


def _write(events: list[AuditEvent]) -> None:
    if len(events) == 1:
        events[0].save(force_insert=True)  # one statement, outside any transaction
    else:
        AuditEvent.objects.bulk_create(events)


def events_record(events: list[AuditEvent]) -> None:
    """Record verification events: into the buffer when there is one, else (or when Redis
    fails) straight into the database."""
    client = buffer()
    if client is not None:
        try:
            client.rpush(KEY, *[_encode(event) for event in events])
            return
        except redis.RedisError:
            logger.warning("verification log buffer unavailable: events written directly")
    _write(events)


def events_flush(*, batch: int = BATCH) -> int:
    """Move every buffered event into the database; returns how many were written."""
    client = buffer()
    if client is None:
        return 0
    written = 0
    while True:
        items = client.lpop(KEY, batch)
        if not items:
            return written
        try:
            AuditEvent.objects.bulk_create([_decode(item) for item in items])
        except Exception:
            client.lpush(KEY, *reversed(items))  # back at the head, in their order
            raise
        written += len(items)
        if len(items) < batch:
            return written
