"""Scheduled reminder emails about due dates, and unsubscribing from the optional ones.

Once only: every reminder is recorded in ``ReminderSent`` (``kind``, ``recipient``,
``subject`` naming what it is about, ``period`` naming the occasion) inside the transaction
that queues its email with ``transaction.on_commit``. The database's unique constraint
decides which run sends it: a second or concurrent run finds the row (or fails to insert it)
and sends nothing. Any kind of reminder (certificates' too) records itself through
``reminder_record``.

Kinds sent here, every day by ``learning.reminders_send``:

- ``enrolment_due_soon`` (optional): to the learner, for each uncompleted enrolment due
  within ``DUE_SOON_DAYS`` (today included); once per enrolment and due date, so a new due
  date may bring a new reminder. Not sent to people who opted out of optional reminders.
- ``enrolment_overdue`` (an obligation, sent even to people who opted out): to the learner,
  for each uncompleted enrolment past its due date, once per ISO week.
- ``enrolment_overdue_digest`` (an obligation): to each administrator of an employer whose
  learners (as on the employer dashboard: its ``employer_learner`` and ``employer_admin``
  members) have overdue enrolments, once per employer and ISO week; one email lists every
  employer not yet reported to that administrator that week.

Recipients are active accounts with an email address; emails and module titles are in the
recipient's ``preferred_language`` (the module's live translation in that language, else
its source title). Overdue lists leave out deactivated accounts.
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from cms.services import email_queue
from learning.models import Enrolment, Membership, Organization, ReminderSent, User
from learning.selectors.learners import module_links
from learning.selectors.organizations import LEARNER_ROLES

logger = logging.getLogger(__name__)

DUE_SOON_KIND = "enrolment_due_soon"
OVERDUE_KIND = "enrolment_overdue"
OVERDUE_DIGEST_KIND = "enrolment_overdue_digest"
# Reminded when the due date is today or at most this many days away.
DUE_SOON_DAYS = 7
UNSUBSCRIBE_SALT = "learning.reminders.unsubscribe"


@dataclass
class ReminderReport:
    """How many emails one run queued, by kind."""

    due_soon: int = 0
    overdue: int = 0
    digests: int = 0


class UnsubscribeTokenInvalid(Exception):
    """The unsubscribe token is malformed, tampered with, or names nobody (``unknown``)."""

    def __init__(self, message: str = "invalid token", *, unknown: bool = False):
        super().__init__(message)
        self.unknown = unknown


# -- Recording ------------------------------------------------------------------------------


def reminder_record(*, kind: str, recipient: User, subject: str, period: str) -> bool:
    """Record that the reminder ``kind`` about ``subject`` for ``period`` goes to
    ``recipient``. Returns True the first time only: False when it is already recorded, by
    an earlier run or a concurrent one (the ``reminder_once`` unique constraint decides).

    Call it inside the transaction that queues the email (with ``transaction.on_commit``),
    so that the record and the email stand or fall together.
    """
    try:
        with transaction.atomic():
            _reminder, created = ReminderSent.objects.get_or_create(
                kind=kind, recipient=recipient, subject=subject, period=period
            )
    except IntegrityError:
        return False
    return created


def _week(day: datetime.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _email_queue(*, recipient: User, template: str, context: dict) -> None:
    """Queue ``learning/emails/<template>`` to ``recipient``, in their language."""
    email_queue(
        to=recipient.email,
        language=recipient.preferred_language,
        template=f"learning/emails/{template}",
        context={**context, "recipient": recipient},
    )


def _open_enrolments():
    """Uncompleted enrolments with a due date, of active accounts with an address, with
    their learner and module."""
    return (
        Enrolment.objects.filter(
            completed_at__isnull=True,
            due_on__isnull=False,
            user__isnull=False,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user", "module")
        .order_by("due_on", "pk")
    )


# -- Due soon and overdue, to the learner ---------------------------------------------------


def _recorded(kind: str, periods: list[str]) -> set[tuple[int, str, str]]:
    """The reminders of ``kind`` already recorded for ``periods``, as (recipient id,
    subject, period): skipped without a query each. One query. Only a shortcut: the unique
    constraint still decides for the others (``reminder_record``)."""
    return set(
        ReminderSent.objects.filter(kind=kind, period__in=periods).values_list(
            "recipient_id", "subject", "period"
        )
    )


def _due_soon_send(today: datetime.date) -> int:
    enrolments = list(
        _open_enrolments().filter(
            due_on__gte=today,
            due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS),
            user__reminders_opt_out=False,
        )
    )
    days = [(today + datetime.timedelta(days=n)).isoformat() for n in range(DUE_SOON_DAYS + 1)]
    recorded = _recorded(DUE_SOON_KIND, days)
    fresh = [
        e
        for e in enrolments
        if (e.user_id, f"enrolment:{e.pk}", e.due_on.isoformat()) not in recorded
    ]
    titles = module_links([e.module for e in fresh], {e.user.preferred_language for e in fresh})
    sent = 0
    for enrolment in fresh:
        learner = enrolment.user
        with transaction.atomic():
            if not reminder_record(
                kind=DUE_SOON_KIND,
                recipient=learner,
                subject=f"enrolment:{enrolment.pk}",
                period=enrolment.due_on.isoformat(),
            ):
                continue
            _email_queue(
                recipient=learner,
                template="reminder_due_soon",
                context={
                    "title": titles[enrolment.module_id, learner.preferred_language].title,
                    "due_on": enrolment.due_on,
                    "due_today": enrolment.due_on == today,
                    "unsubscribe_token": unsubscribe_token(user=learner),
                },
            )
        sent += 1
    return sent


def _overdue_send(enrolments: list[Enrolment], week: str) -> int:
    recorded = _recorded(OVERDUE_KIND, [week])
    fresh = [e for e in enrolments if (e.user_id, f"enrolment:{e.pk}", week) not in recorded]
    titles = module_links([e.module for e in fresh], {e.user.preferred_language for e in fresh})
    sent = 0
    for enrolment in fresh:
        learner = enrolment.user
        with transaction.atomic():
            if not reminder_record(
                kind=OVERDUE_KIND,
                recipient=learner,
                subject=f"enrolment:{enrolment.pk}",
                period=week,
            ):
                continue
            _email_queue(
                recipient=learner,
                template="reminder_overdue",
                context={
                    "title": titles[enrolment.module_id, learner.preferred_language].title,
                    "due_on": enrolment.due_on,
                },
            )
        sent += 1
    return sent


# -- Overdue, to employer administrators ----------------------------------------------------


def _digest_rows(enrolments: list[Enrolment], titles: dict, language: str) -> list[dict]:
    enrolments = sorted(
        enrolments,
        key=lambda e: (e.user.last_name.lower(), e.user.first_name.lower(), e.user.email, e.due_on),
    )
    return [
        {
            "name": e.user.get_full_name() or e.user.email,
            "email": e.user.email,
            "title": titles[e.module_id, language].title,
            "due_on": e.due_on,
        }
        for e in enrolments
    ]


def _digests_send(enrolments: list[Enrolment], overdue: QuerySet[Enrolment], week: str) -> int:
    """``enrolments``: ``overdue`` evaluated (the queryset serves as a subquery)."""
    by_user: dict[int, list[Enrolment]] = defaultdict(list)
    for enrolment in enrolments:
        by_user[enrolment.user_id].append(enrolment)
    # The employers each overdue learner learns at (a person may work at two).
    overdue_at: dict[int, list[Enrolment]] = defaultdict(list)
    for employer_id, user_id in Membership.objects.filter(
        user_id__in=overdue.values("user_id"),
        role__in=LEARNER_ROLES,
        organization__kind=Organization.Kind.EMPLOYER,
    ).values_list("organization_id", "user_id"):
        overdue_at[employer_id].extend(by_user.get(user_id, []))

    recorded = _recorded(OVERDUE_DIGEST_KIND, [week])
    to_report: dict[int, list[Membership]] = defaultdict(list)
    for membership in (
        Membership.objects.filter(
            organization_id__in=overdue_at,
            role=Membership.Role.EMPLOYER_ADMIN,
            user__is_active=True,
        )
        .exclude(user__email="")
        .select_related("user", "organization")
        # Every run takes the records in the same order, so concurrent runs wait for each
        # other instead of deadlocking.
        .order_by("user_id", "organization_id")
    ):
        subject = f"employer:{membership.organization_id}"
        if (membership.user_id, subject, week) not in recorded:
            to_report[membership.user_id].append(membership)
    titles = module_links(
        [e.module for e in enrolments],
        {memberships[0].user.preferred_language for memberships in to_report.values()},
    )

    sent = 0
    for memberships in to_report.values():
        admin = memberships[0].user
        with transaction.atomic():
            sections = [
                {
                    "employer": membership.organization,
                    "rows": _digest_rows(
                        overdue_at[membership.organization_id], titles, admin.preferred_language
                    ),
                }
                for membership in memberships
                if reminder_record(
                    kind=OVERDUE_DIGEST_KIND,
                    recipient=admin,
                    subject=f"employer:{membership.organization_id}",
                    period=week,
                )
            ]
            if not sections:
                continue
            _email_queue(
                recipient=admin,
                template="reminder_overdue_digest",
                context={
                    "sections": sections,
                    "employers": ", ".join(str(s["employer"]) for s in sections),
                },
            )
        sent += 1
    return sent


def reminders_send(*, today: datetime.date | None = None) -> ReminderReport:
    """Queue the day's due-date reminders (see the module docstring for who gets what and
    how often). Idempotent: running it again the same day, or concurrently, sends nothing
    more. ``today`` defaults to the date in the site's time zone."""
    today = today or timezone.localdate()
    report = ReminderReport()
    report.due_soon = _due_soon_send(today)
    overdue = _open_enrolments().filter(due_on__lt=today)
    week = _week(today)
    enrolments = list(overdue)
    report.overdue = _overdue_send(enrolments, week)
    report.digests = _digests_send(enrolments, overdue, week)
    logger.info(
        "reminders queued",
        extra={"due_soon": report.due_soon, "overdue": report.overdue, "digests": report.digests},
    )
    return report


# -- Unsubscribing from optional reminders --------------------------------------------------


def unsubscribe_token(*, user: User) -> str:
    """A signed token that lets ``user`` turn optional reminders off without signing in.
    It does not expire: every optional reminder carries one."""
    return signing.dumps({"user": user.pk}, salt=UNSUBSCRIBE_SALT)


def unsubscribe_user(*, token: str) -> User:
    """The person ``token`` was made for. Raises ``UnsubscribeTokenInvalid`` for a malformed
    or tampered token, or one whose account no longer exists (``unknown``)."""
    try:
        payload = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature as error:
        raise UnsubscribeTokenInvalid("bad signature") from error
    user_id = payload.get("user") if isinstance(payload, dict) else None
    if not isinstance(user_id, int):
        raise UnsubscribeTokenInvalid("no user in token")
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        raise UnsubscribeTokenInvalid("unknown user", unknown=True)
    return user


@transaction.atomic
def reminders_unsubscribe(*, token: str) -> User:
    """Turn optional reminders (due dates, expiring certificates) off for the person
    ``token`` was made for; idempotent. Overdue notices still go out. Raises
    ``UnsubscribeTokenInvalid`` like ``unsubscribe_user``."""
    user = unsubscribe_user(token=token)
    if not user.reminders_opt_out:
        user.reminders_opt_out = True
        user.save(update_fields=["reminders_opt_out"])
    return user
