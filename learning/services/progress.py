"""Writes of the learning side: enrolment, lesson progress, quiz attempts, completion, surveys.

Pages and questions are stored in their source-language (canonical) version; a learner may
switch language at any time without losing anything.
"""

import datetime
import logging
import random
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from courses.certification import quiz_policy
from courses.models import (
    CertificationPolicy,
    InvalidResponse,
    LessonPage,
    MissingResponse,
    ModulePage,
    Question,
    QuizPage,
)
from courses.selectors import quiz_questions
from learning.models import AttemptQuestion, Enrolment, LessonProgress, QuizAttempt, SurveyResponse
from learning.services import assessment
from learning.signals import module_completed as module_completed_signal

logger = logging.getLogger(__name__)

# Submissions this late after the deadline still count: network and clock slack.
DEADLINE_GRACE = datetime.timedelta(seconds=30)
# WCAG 2.2.1: a learner may extend a time limit at least ten times with a simple action.
MAX_EXTENSIONS = 10
PRE_CHECK_QUESTIONS = 5
# Fields a quiz form may carry besides the answers.
FORM_FIELDS = {"csrfmiddlewaretoken", "action"}


class AttemptRefused(Exception):
    """A new attempt cannot start now; ``message`` says why, in the learner's language."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class SubmissionRejected(Exception):
    """A submission that our form cannot have produced (tampering, replay with other answers,
    someone else's attempt). Views answer 400 and nothing changes."""


# -- Canonical pages ------------------------------------------------------------------------


def source_locale() -> Locale:
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)


def canonical(page: Page) -> Page:
    """The source-language version of ``page`` (itself if it is one)."""
    locale = source_locale()
    if page.locale_id == locale.pk:
        return page
    return type(page).objects.get(translation_key=page.translation_key, locale=locale)


def module_of(page: Page) -> ModulePage:
    """The module a lesson or quiz page belongs to, in the page's language."""
    return ModulePage.objects.get(path=page.path[: -ModulePage.steplen])


# -- Enrolment ------------------------------------------------------------------------------


def enrolment_ensure(*, user, module: ModulePage, source: str = Enrolment.Source.SELF) -> Enrolment:
    """The learner's enrolment in ``module`` (any language), created if needed. Safe against
    concurrent calls: the unique constraint decides."""
    module = canonical(module)
    try:
        with transaction.atomic():
            enrolment, _created = Enrolment.objects.get_or_create(
                user=user, module=module, defaults={"source": source}
            )
    except IntegrityError:
        enrolment = Enrolment.objects.get(user=user, module=module)
    return enrolment


def self_enrol(*, user, module: ModulePage) -> Enrolment:
    """Enrol ``user`` in an open module. Raises PermissionDenied when the module is only
    available by assignment and the learner has none."""
    existing = Enrolment.objects.filter(user=user, module=canonical(module)).first()
    if existing is not None:
        return existing
    if not module.live or not module.self_enrolment:
        raise PermissionDenied(_("This module is available by assignment only."))
    return enrolment_ensure(user=user, module=module, source=Enrolment.Source.SELF)


def _enrolment_for(*, user, page: Page) -> Enrolment:
    """The enrolment covering a lesson or quiz page; self-enrols in open modules."""
    return self_enrol(user=user, module=module_of(page))


# -- Lessons --------------------------------------------------------------------------------


@transaction.atomic
def lesson_complete(*, user, lesson: LessonPage) -> LessonProgress:
    """Record that ``user`` finished ``lesson`` (idempotent), and complete the module if that
    was the last thing missing."""
    enrolment = _enrolment_for(user=user, page=lesson)
    progress, _created = LessonProgress.objects.get_or_create(
        enrolment=enrolment, lesson=canonical(lesson)
    )
    _mark_started(enrolment)
    _completion_check(enrolment)
    return progress


def _mark_started(enrolment: Enrolment) -> None:
    if enrolment.started_at is None:
        enrolment.started_at = timezone.now()
        enrolment.save(update_fields=["started_at"])


# -- Completion -----------------------------------------------------------------------------


def _completion_check(enrolment: Enrolment) -> bool:
    """Complete ``enrolment`` when every live lesson is done and a final attempt passed.

    A failed quiz never completes a module. Completion is recorded once; ``module_completed``
    runs after the transaction commits.
    """
    if enrolment.completed_at is not None:
        return True
    module = enrolment.module
    lessons = set(LessonPage.objects.child_of(module).live().values_list("pk", flat=True))
    done = set(enrolment.lessons_done.values_list("lesson_id", flat=True))
    passed = cycle_attempts(enrolment).filter(kind=QuizAttempt.Kind.FINAL, passed=True).exists()
    if not passed or not lessons <= done:
        return False
    updated = Enrolment.objects.filter(pk=enrolment.pk, completed_at__isnull=True).update(
        completed_at=timezone.now(), completed_version=module.version
    )
    enrolment.refresh_from_db()
    if updated:
        transaction.on_commit(lambda: module_completed(enrolment_id=enrolment.pk))
    return True


def module_completed(*, enrolment_id: int) -> None:
    """Runs once a module completion has committed: tells the parts of the platform that act
    on completions (certificates issue one). Receivers schedule their own work."""
    enrolment = Enrolment.objects.select_related("module", "user").get(pk=enrolment_id)
    logger.info("module completed", extra={"enrolment": enrolment_id})
    module_completed_signal.send(sender=Enrolment, enrolment=enrolment)


# -- Quiz attempts --------------------------------------------------------------------------


def cycle_attempts(enrolment: Enrolment):
    """The enrolment's attempts that count now: all of them, or since it was restarted."""
    if enrolment.restarted_at is None:
        return enrolment.attempts.all()
    return enrolment.attempts.filter(started_at__gte=enrolment.restarted_at)


def attempt_refusal(
    quiz: QuizPage, enrolment: Enrolment, now, *, policy: CertificationPolicy | None = None
) -> str | None:
    """Why a new final attempt at ``quiz`` (canonical) cannot start at ``now``, or None.
    Under a certification ``policy`` its rounds and wait apply; otherwise the quiz's own
    ``max_attempts`` and ``cooldown_minutes``."""
    closed = (
        cycle_attempts(enrolment)
        .filter(kind=QuizAttempt.Kind.FINAL)
        .exclude(status=QuizAttempt.Status.IN_PROGRESS)
    )
    if closed.filter(passed=True).exists():
        return _("You have already passed this quiz.")
    policy = policy if policy is not None else quiz_policy(quiz=quiz)
    if policy is not None:
        return assessment.policy_refusal(policy=policy, enrolment=enrolment, closed=closed, now=now)
    if quiz.max_attempts and closed.count() >= quiz.max_attempts:
        return _("You have used all your attempts at this quiz.")
    last = closed.order_by("-submitted_at").first()
    if last and quiz.cooldown_minutes:
        ready = last.submitted_at + datetime.timedelta(minutes=quiz.cooldown_minutes)
        if now < ready:
            return _("You can start another attempt at %(time)s.") % {
                "time": timezone.localtime(ready).strftime("%H:%M")
            }
    return None


def attempt_start(
    *,
    user,
    quiz: QuizPage,
    kind: str = QuizAttempt.Kind.FINAL,
    language: str,
    statement_confirmed: bool = False,
    rng: random.Random | None = None,
) -> QuizAttempt:
    """Start an attempt, or return the one already open, with its questions drawn and laid
    out for good.

    Under a certification policy (see ``courses.certification.quiz_policy``) a final attempt
    needs the learner's statement (``statement_confirmed``), draws the policy's number of
    questions balanced over the lessons and never one the learner met in the pre-check, and
    records the policy in force; the pre-check leaves enough of the bank for that draw.
    Raises AttemptRefused when the rules forbid a new attempt now."""
    rng = rng or random.SystemRandom()
    source_quiz = canonical(quiz)
    with transaction.atomic():
        enrolment = _enrolment_for(user=user, page=quiz)
        # Serializes attempt numbering for this learner.
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        open_attempt = enrolment.attempts.filter(kind=kind, status=QuizAttempt.Status.IN_PROGRESS)
        if existing := open_attempt.first():
            return existing
        now = timezone.now()
        policy = quiz_policy(quiz=source_quiz)
        final = kind == QuizAttempt.Kind.FINAL
        if not final:
            if enrolment.attempts.exists():
                raise AttemptRefused(_("The pre-check is only offered before the quiz."))
        elif reason := attempt_refusal(source_quiz, enrolment, now, policy=policy):
            raise AttemptRefused(reason)
        if final and policy is not None and not statement_confirmed:
            raise AttemptRefused(
                _("Confirm that you are taking the assessment yourself, without help.")
            )

        questions = quiz_questions(quiz=source_quiz)
        if not questions:
            raise AttemptRefused(_("This quiz has no questions yet."))
        count, exclude = len(questions), set()
        if not final:
            count = assessment.pre_check_size(
                bank=len(questions), policy=policy, default=PRE_CHECK_QUESTIONS
            )
        elif policy is not None:
            count = policy.questions_to_draw
            exclude = assessment.pre_check_questions(enrolment)
        elif source_quiz.questions_to_draw:
            count = min(source_quiz.questions_to_draw, count)
        if not count:
            raise AttemptRefused(_("This quiz has no questions yet."))
        if policy is not None:
            drawn = assessment.balanced_draw(questions, count, rng, exclude=exclude)
        else:
            drawn = rng.sample(questions, count) if count < len(questions) else list(questions)
        if source_quiz.shuffle_questions or policy is not None:
            rng.shuffle(drawn)
        else:
            drawn.sort(key=lambda q: (q.sort_order, q.pk))

        time_limit, record = None, {}
        if final:
            base = policy.time_limit_minutes if policy else source_quiz.time_limit_minutes
            factor = assessment.time_factor(user) if base else Decimal(1)
            time_limit = float(base * factor) if base else None
            if policy is not None:
                record = {
                    **policy.snapshot,
                    "bank_size": len(questions),
                    "time_factor": str(factor),
                    "time_limit_applied_minutes": time_limit,
                    "excluded_pre_check_questions": sorted(exclude),
                }
        statement = final and policy is not None
        attempt = QuizAttempt.objects.create(
            enrolment=enrolment,
            quiz=source_quiz,
            kind=kind,
            number=enrolment.attempts.filter(kind=kind).count() + 1,
            language=language,
            started_at=now,
            deadline=now + datetime.timedelta(minutes=time_limit) if time_limit else None,
            pass_mark=source_quiz.effective_pass_mark,
            max_points=sum(q.points for q in drawn),
            policy=record,
            statement_at=now if statement else None,
            statement_language=language if statement else "",
            statement_text=assessment.statement_text(language) if statement else "",
        )
        AttemptQuestion.objects.bulk_create(
            AttemptQuestion(
                attempt=attempt,
                question=question,
                position=position,
                layout=question.new_layout(
                    rng, shuffle=source_quiz.shuffle_choices or policy is not None
                ),
            )
            for position, question in enumerate(drawn, start=1)
        )
        _mark_started(enrolment)
    return attempt


def field_name(item: AttemptQuestion) -> str:
    """The form field (prefix) of an attempt's question: its position, nothing else."""
    return f"q{item.position}"


def attempt_items(attempt: QuizAttempt) -> list[AttemptQuestion]:
    """The attempt's questions in order, each with its (canonical) question ready to grade."""
    items = list(attempt.items.order_by("position"))
    loaded = Question.load_children(Question.objects.filter(pk__in=[i.question_id for i in items]))
    questions = {question.pk: question for question in loaded}
    for item in items:
        item.question = questions[item.question_id]
    return items


def _check_field_names(items: list[AttemptQuestion], data) -> None:
    names = {field_name(item) for item in items}
    for key in data:
        if key in FORM_FIELDS or key in names:
            continue
        prefix = key.split("-", 1)[0]
        if "-" in key and prefix in names:
            continue
        raise SubmissionRejected(f"unexpected field {key!r}")


def attempt_submit(*, user, attempt_id: int, data) -> tuple[QuizAttempt, dict[int, object]]:
    """Grade a submitted attempt, exactly once.

    Returns the attempt and, when answers are missing, ``{position: MissingResponse}`` with the
    attempt left open. The row is locked while grading, so concurrent or repeated submissions
    wait; a replay of the same answers after grading returns the graded attempt. Raises
    SubmissionRejected for data our form cannot produce, another person's attempt, or new
    answers to a closed attempt. A submission after the deadline closes the attempt as
    expired, ungraded.
    """
    with transaction.atomic():
        attempt = (
            QuizAttempt.objects.select_for_update()
            .filter(pk=attempt_id, enrolment__user=user)
            .first()
        )
        if attempt is None:
            raise SubmissionRejected("no such attempt for this learner")
        items = attempt_items(attempt)
        _check_field_names(items, data)
        responses, missing = {}, {}
        for item in items:
            try:
                responses[item.pk] = item.question.parse(
                    data, name=field_name(item), layout=item.layout
                )
            except InvalidResponse as error:
                raise SubmissionRejected(str(error)) from error
            except MissingResponse as error:
                missing[item.position] = error

        if not attempt.is_open:
            if not missing and all(responses[i.pk] == i.response for i in items):
                return attempt, {}  # the same submission again: already graded
            raise SubmissionRejected("the attempt is already closed")

        now = timezone.now()
        if attempt.deadline and now > attempt.deadline + DEADLINE_GRACE:
            attempt.status = QuizAttempt.Status.EXPIRED
            attempt.submitted_at = now
            attempt.points, attempt.score, attempt.passed = Decimal(0), Decimal(0), False
            attempt.save()
            return attempt, {}
        if missing:
            return attempt, missing

        total = Decimal(0)
        for item in items:
            grade = item.question.grade(responses[item.pk])
            item.response = responses[item.pk]
            item.fraction, item.points = grade.fraction, grade.points
            total += grade.points
        AttemptQuestion.objects.bulk_update(items, ["response", "fraction", "points"])
        attempt.points = total
        attempt.score = (
            (total * 100 / attempt.max_points).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
            if attempt.max_points
            else Decimal(0)
        )
        attempt.passed = attempt.score >= attempt.pass_mark
        attempt.status = QuizAttempt.Status.SUBMITTED
        attempt.submitted_at = now
        attempt.save()
        if attempt.kind == QuizAttempt.Kind.FINAL and attempt.passed:
            _completion_check(attempt.enrolment)
    return attempt, {}


def attempt_extend(*, user, attempt_id: int) -> QuizAttempt:
    """Give more time on an open, timed attempt: another full time limit from now or from the
    deadline, whichever is later. Raises AttemptRefused once the extensions are used up."""
    with transaction.atomic():
        attempt = (
            QuizAttempt.objects.select_for_update()
            .select_related("quiz")
            .filter(pk=attempt_id, enrolment__user=user)
            .first()
        )
        if attempt is None or not attempt.is_open or attempt.deadline is None:
            raise AttemptRefused(_("This attempt has no time limit to extend."))
        if attempt.extensions >= MAX_EXTENSIONS:
            raise AttemptRefused(_("You have used every extension for this attempt."))
        limit = datetime.timedelta(minutes=attempt.quiz.time_limit_minutes or 10)
        attempt.deadline = max(attempt.deadline, timezone.now()) + limit
        attempt.extensions += 1
        attempt.save(update_fields=["deadline", "extensions"])
    return attempt


# -- Survey ---------------------------------------------------------------------------------


@transaction.atomic
def survey_submit(
    *,
    user,
    enrolment_id: int,
    satisfaction: int | None,
    usefulness: int | None,
    change_at_work: str,
    language: str,
) -> SurveyResponse | None:
    """Record a completed module's reaction survey, anonymously, once per enrolment.

    With no scores the learner declines and nothing is stored. Raises ValidationError for
    scores outside 1-10, PermissionDenied when the module is not complete or already answered.
    """
    enrolment = Enrolment.objects.select_for_update().filter(pk=enrolment_id, user=user).first()
    if enrolment is None or not enrolment.is_complete or enrolment.survey_done:
        raise PermissionDenied(_("This survey is not available."))
    enrolment.survey_done = True
    enrolment.save(update_fields=["survey_done"])
    if satisfaction is None and usefulness is None and not change_at_work.strip():
        return None
    response = SurveyResponse(
        module_id=enrolment.module_id,
        satisfaction=satisfaction,
        usefulness=usefulness,
        change_at_work=change_at_work.strip(),
        language=language,
    )
    response.full_clean()
    response.save()
    return response
