"""Certification rules at run time: balanced draws, rounds of attempts with a wait, the
learner's statement, time accommodations and resets of attempts.

Which policy applies and whether a bank can serve it are read in ``courses.certification``;
everything here acts on attempts.
"""

import datetime
import random
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from wagtail.log_actions import log

from courses.models import CertificationPolicy, Question
from learning.models import (
    AttemptQuestion,
    Enrolment,
    Membership,
    Organization,
    QuizAttempt,
    TimeAccommodation,
    User,
)
from learning.selectors.organizations import LEARNER_ROLES

STATEMENT = gettext_lazy(
    "I confirm that I am taking this assessment myself, without help from anyone, and that "
    "the answers I give are my own."
)
RESET_ACTION = "learning.attempts_reset"
ACCOMMODATION_ACTION = "learning.time_accommodation"


# -- Draws ----------------------------------------------------------------------------------


def balanced_draw(
    questions: Sequence[Question], count: int, rng: random.Random, *, exclude: Iterable[int] = ()
) -> list[Question]:
    """``count`` distinct questions from ``questions`` (fewer if the bank runs out), spread
    over their lessons: lessons take turns in a random order, each giving a random question
    of its own, so any two lessons' shares differ by at most one unless a lesson has no
    question left. Questions whose pk is in ``exclude`` are never drawn."""
    excluded = set(exclude)
    by_lesson: dict[int | None, list[Question]] = {}
    for question in questions:
        if question.pk not in excluded:
            by_lesson.setdefault(question.lesson_id, []).append(question)
    lessons = sorted(by_lesson, key=lambda lesson: (lesson is None, lesson or 0))
    rng.shuffle(lessons)
    for lesson in lessons:
        rng.shuffle(by_lesson[lesson])
    drawn: list[Question] = []
    while len(drawn) < count and any(by_lesson.values()):
        for lesson in lessons:
            if by_lesson[lesson] and len(drawn) < count:
                drawn.append(by_lesson[lesson].pop())
    rng.shuffle(drawn)
    return drawn


def pre_check_size(*, bank: int, policy: CertificationPolicy | None, default: int) -> int:
    """How many questions the pre-check asks: ``default``, but never so many that the
    certification draw, which avoids them, could not be made from the rest of the bank."""
    if policy is None:
        return min(default, bank)
    return max(0, min(default, bank - policy.questions_to_draw))


def pre_check_questions(enrolment: Enrolment) -> set[int]:
    """The questions the learner met in their pre-check, which certification draws avoid."""
    return set(
        AttemptQuestion.objects.filter(
            attempt__enrolment=enrolment, attempt__kind=QuizAttempt.Kind.PRE_CHECK
        ).values_list("question_id", flat=True)
    )


# -- Rounds of attempts ---------------------------------------------------------------------


def counted_attempts(enrolment: Enrolment, attempts):
    """Of ``attempts`` (the current cycle's), those that count towards the limit: the ones
    started since the last reset of attempts."""
    if enrolment.attempts_reset_at is None:
        return attempts
    return attempts.filter(started_at__gte=enrolment.attempts_reset_at)


def policy_refusal(*, policy: CertificationPolicy, enrolment: Enrolment, closed, now) -> str | None:
    """Why a new final attempt cannot start under ``policy``, or None. ``closed`` are the
    closed final attempts of the current cycle. After each round of ``attempts_per_round``
    attempts without a pass the learner waits ``wait_hours`` from the last one."""
    counted = counted_attempts(enrolment, closed)
    used = counted.count()
    if not used or used % policy.attempts_per_round:
        return None
    last = counted.order_by("-submitted_at").first()
    ready = last.submitted_at + datetime.timedelta(hours=policy.wait_hours)
    if now >= ready:
        return None
    local = timezone.localtime(ready)
    return ngettext(
        "You have used your %(count)s attempt. You can start the next one on %(date)s at %(time)s.",
        "You have used your %(count)s attempts. You can start the next %(count)s on %(date)s "
        "at %(time)s.",
        policy.attempts_per_round,
    ) % {
        "count": policy.attempts_per_round,
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": formats.time_format(local, "TIME_FORMAT"),
    }


def statement_text(language: str) -> str:
    """The learner's statement in ``language``, as it is shown and stored."""
    with translation.override(language):
        return str(STATEMENT)


# -- Time accommodations --------------------------------------------------------------------


def time_factor(user) -> Decimal:
    """How much of the time limit ``user`` gets: the largest accommodation granted to them,
    else 1."""
    factors = TimeAccommodation.objects.filter(learner=user).values_list("time_factor", flat=True)
    return max(factors, default=Decimal(1))


@transaction.atomic
def time_accommodation_set(
    *, by: User, employer: Organization, learner_id: int, time_factor: Decimal | None
) -> TimeAccommodation | None:
    """Give (or with ``time_factor`` None, withdraw) more time on timed quizzes to one of
    ``employer``'s learners. ``by`` must administer ``employer``. Applies to attempts started
    afterwards. Raises PermissionDenied for anyone else or a learner outside the employer,
    ValidationError for a factor out of range."""
    if not Membership.objects.filter(
        user=by, organization=employer, role=Membership.Role.EMPLOYER_ADMIN
    ).exists():
        raise PermissionDenied(_("Only the employer's administrators can do this."))
    learner = User.objects.filter(
        pk=learner_id, memberships__organization=employer, memberships__role__in=LEARNER_ROLES
    ).first()
    if learner is None:
        raise PermissionDenied(_("This person is not one of your learners."))
    if time_factor is None:
        TimeAccommodation.objects.filter(employer=employer, learner=learner).delete()
        log(instance=employer, action=ACCOMMODATION_ACTION, user=by, data={"learner": learner.pk})
        return None
    accommodation = TimeAccommodation.objects.filter(
        employer=employer, learner=learner
    ).first() or TimeAccommodation(employer=employer, learner=learner)
    accommodation.time_factor = time_factor
    accommodation.granted_by = by
    accommodation.granted_at = timezone.now()
    accommodation.full_clean()
    accommodation.save()
    log(
        instance=employer,
        action=ACCOMMODATION_ACTION,
        user=by,
        data={"learner": learner.pk, "time_factor": str(time_factor)},
    )
    return accommodation


# -- Resets ---------------------------------------------------------------------------------


def can_reset_attempts(*, user, enrolment: Enrolment) -> bool:
    """Site administrators, and managers of an SPO in an active partnership with an employer
    the learner belongs to, may reset a learner's attempts."""
    if user.is_superuser:
        return True
    from learning.models import Partnership

    employers = Membership.objects.filter(user_id=enrolment.user_id, role__in=LEARNER_ROLES).values(
        "organization"
    )
    return Partnership.objects.filter(
        employer__in=employers,
        status=Partnership.Status.ACTIVE,
        spo__memberships__user=user,
        spo__memberships__role=Membership.Role.SPO_MANAGER,
    ).exists()


@transaction.atomic
def attempts_reset(*, by: User, enrolment_id: int, reason: str) -> Enrolment:
    """Give a learner a fresh round of attempts (after a technical fault, say): attempts so
    far stop counting towards the limit and the wait; they stay on record. The reason goes to
    the audit log with who did it. Raises PermissionDenied unless ``can_reset_attempts``,
    ValidationError without a reason."""
    enrolment = Enrolment.objects.select_for_update().filter(pk=enrolment_id).first()
    if enrolment is None or not can_reset_attempts(user=by, enrolment=enrolment):
        raise PermissionDenied(_("You cannot reset this learner's attempts."))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for the reset; it is kept in the audit log."))
    enrolment.attempts_reset_at = timezone.now()
    enrolment.save(update_fields=["attempts_reset_at"])
    log(
        instance=enrolment,
        action=RESET_ACTION,
        user=by,
        data={"reason": reason, "learner": enrolment.user_id, "module": enrolment.module_id},
    )
    return enrolment
