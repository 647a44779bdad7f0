"""Scheduled learning jobs, run by Celery beat (``CELERY_BEAT_SCHEDULE``). Each calls one
service, which is idempotent: a retried, repeated or overlapping run sends nothing twice."""

import logging
from dataclasses import asdict

from celery import shared_task
from django.db import OperationalError

from learning.services import reminders

logger = logging.getLogger(__name__)


@shared_task(
    name="learning.reminders_send",
    autoretry_for=(OperationalError,),
    retry_backoff=60,
    max_retries=5,
)
def reminders_send() -> dict:
    """Queue the day's due-soon and overdue reminders and the employer digests; returns how
    many of each."""
    report = reminders.reminders_send()
    return asdict(report)
