"""Certificate jobs scheduled by Celery beat (``CELERY_BEAT_SCHEDULE``). Each calls one
service; each is idempotent, so a repeated or overlapping run does no harm."""

import logging

from celery import shared_task
from django.db import OperationalError

from certificates import lifecycle, verification_log

logger = logging.getLogger(__name__)


@shared_task(
    name="certificates.expiry_daily",
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=5,
)
def certificates_expiry_daily() -> dict:
    """Reminders 30 days before expiry, employer digests and recertification assignments."""
    report = lifecycle.certificates_expiring_run()
    return {
        "reminders": report.reminders,
        "digests": report.digests,
        "recertifications": report.recertifications,
    }


@shared_task(name="certificates.verification_events_purge")
def verification_events_purge() -> int:
    """Delete verification events older than twelve months."""
    deleted = lifecycle.verification_events_purge()
    logger.info("verification events purged", extra={"deleted": deleted})
    return deleted


@shared_task(
    name="certificates.verification_events_flush",
    autoretry_for=(OperationalError,),
    retry_backoff=5,
    max_retries=5,
)
def verification_events_flush() -> int:
    """Write the buffered verification events to the database."""
    return verification_log.events_flush()
