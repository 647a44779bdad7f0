"""Issuing certificates in a worker. Each task takes ids, calls one service, and owns its
retries: rendering failures (OSError, WeasyPrint errors) and a lost database connection are
retried with backoff. ``acks_late`` with ``reject_on_worker_lost`` redelivers a task whose
worker died mid-way; the services' unique completion key makes the second run return the
certificate the first one issued, if it got that far."""

import logging

from celery import shared_task
from django.db import OperationalError

from certificates import services
from certificates.pdf import RenderError

logger = logging.getLogger(__name__)

RETRY_ON = (OSError, RenderError, OperationalError)
OPTIONS = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": RETRY_ON,
    "retry_backoff": 30,
    "retry_backoff_max": 60 * 30,
    "retry_jitter": True,
    "max_retries": 8,
}


@shared_task(name="certificates.issue", **OPTIONS)
def certificate_issue(*, enrolment_id: int) -> str | None:
    """Issue the certificate for a completed enrolment; returns its code."""
    try:
        certificate = services.certificate_issue(enrolment_id=enrolment_id)
    except services.NotIssuable as reason:
        logger.warning("no certificate issued: %s", reason, extra={"enrolment": enrolment_id})
        return None
    return certificate.code


@shared_task(name="certificates.issue_program", **OPTIONS)
def program_certificate_issue(*, user_id: int, program_id: int) -> str | None:
    """Issue the program certificate if the learner has completed the whole program."""
    certificate = services.program_certificate_issue(user_id=user_id, program_id=program_id)
    return certificate.code if certificate is not None else None
