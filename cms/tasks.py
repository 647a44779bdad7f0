import logging

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command

logger = logging.getLogger(__name__)


@shared_task(
    name="cms.email_send",
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def email_send(*, subject: str, body: str, to: list[str], html: str = "", sender: str = "") -> None:
    """Send one email: plain text, with ``html`` as its alternative part when given, from
    ``sender`` (else ``DEFAULT_FROM_EMAIL``). Rendered (and translated) by the caller, sent by
    a worker."""
    message = EmailMultiAlternatives(subject=subject, body=body, to=to, from_email=sender or None)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
    logger.info("email sent", extra={"recipients": len(to)})


@shared_task(name="cms.publish_scheduled")
def publish_scheduled() -> None:
    """Publish pages and snippets whose scheduled time has come, and unpublish expired ones.

    Beat runs it every minute (CELERY_BEAT_SCHEDULE); it is Wagtail's own command, so a
    second run at the same time finds nothing left to do.
    """
    call_command("publish_scheduled", verbosity=0)
