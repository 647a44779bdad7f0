"""Reminders a manager sends by hand, from the employer dashboard or a learner's page.

At most one per learner per day, whoever asks and however often: each is recorded with
``reminder_record`` (kind ``MANUAL_KIND``, period the day), whose unique constraint decides.
The email lists the learner's uncompleted modules with a due date at this employer, each with
its link and due date, in the learner's language, and names the employer that sent it.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.services import email_queue
from learning.models import Enrolment, Membership, Organization, ReminderSent, User
from learning.selectors.learners import module_links
from learning.selectors.organizations import employer_learners
from learning.services.organizations import has_role
from learning.services.reminders import reminder_record

MANUAL_KIND = "manager_reminder"


@dataclass
class NudgeReport:
    """Who was reminded, who already had a reminder today, who had nothing due."""

    sent: list[User] = field(default_factory=list)
    already_today: list[User] = field(default_factory=list)
    nothing_due: list[User] = field(default_factory=list)


def learners_remind(
    *,
    by: User,
    employer: Organization,
    user_ids: Iterable[int] | None = None,
    overdue_only: bool = False,
    today: datetime.date | None = None,
) -> NudgeReport:
    """Remind the employer's learners ``user_ids`` (None: every learner) of their
    uncompleted modules with a due date (``overdue_only``: past due only). Ids of people
    who are not the employer's learners are ignored.

    Raises PermissionDenied unless ``by`` administers ``employer``.
    """
    if not has_role(by, employer, Membership.Role.EMPLOYER_ADMIN):
        raise PermissionDenied(_("You do not have the role needed to do this."))
    today = today or timezone.localdate()
    learners = employer_learners(employer=employer).filter(is_active=True).exclude(email="")
    if user_ids is not None:
        learners = learners.filter(pk__in=list(user_ids))
    learners = list(learners)
    open_enrolments = Enrolment.objects.filter(
        user__in=learners, completed_at__isnull=True, due_on__isnull=False
    ).select_related("module")
    if overdue_only:
        open_enrolments = open_enrolments.filter(due_on__lt=today)
    by_learner: dict[int, list[Enrolment]] = {}
    for enrolment in open_enrolments.order_by("due_on", "pk"):
        by_learner.setdefault(enrolment.user_id, []).append(enrolment)

    links = module_links(
        [e.module for enrolments in by_learner.values() for e in enrolments],
        {learner.preferred_language for learner in learners},
    )
    report = NudgeReport()
    for learner in learners:
        enrolments = by_learner.get(learner.pk)
        if not enrolments:
            report.nothing_due.append(learner)
            continue
        with transaction.atomic():
            if not reminder_record(
                kind=MANUAL_KIND, recipient=learner, subject="learner", period=today.isoformat()
            ):
                report.already_today.append(learner)
                continue
            email_queue(
                to=learner.email,
                language=learner.preferred_language,
                template="learning/emails/reminder_manager",
                context={
                    "recipient": learner,
                    "employer": employer.display_name,
                    "modules": [
                        {
                            "title": links[e.module_id, learner.preferred_language].title,
                            "url": links[e.module_id, learner.preferred_language].url,
                            "due_on": e.due_on,
                            "overdue": e.due_on < today,
                        }
                        for e in enrolments
                    ],
                },
            )
        report.sent.append(learner)
    return report


def last_reminded(*, user_ids: Iterable[int]) -> dict[int, datetime.datetime]:
    """When each of ``user_ids`` was last reminded by a manager. One query."""
    rows = (
        ReminderSent.objects.filter(kind=MANUAL_KIND, recipient_id__in=list(user_ids))
        .order_by("recipient_id", "sent_at")
        .values_list("recipient_id", "sent_at")
    )
    return dict(rows)
