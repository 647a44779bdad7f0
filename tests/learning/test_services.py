"""Enrolment, progress, attempts and completion, through the services."""

import datetime
import random
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import QueryDict
from django.utils import timezone

from courses.models import LessonPage, ModulePage
from learning import services
from learning.models import Enrolment, LessonProgress, QuizAttempt, SurveyResponse
from learning.signals import module_completed
from tests.learning.conftest import right_answers, wrong_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def completions():
    """Enrolments announced as completed, in order."""
    received = []

    def receiver(sender, enrolment, **kwargs):
        received.append(enrolment.pk)

    module_completed.connect(receiver)
    yield received
    module_completed.disconnect(receiver)


def submit(learner, attempt, data):
    return services.attempt_submit(user=learner, attempt_id=attempt.pk, data=data)


# -- Enrolment and lessons ------------------------------------------------------------------


def test_self_enrolment_is_idempotent(learner, module):
    first = services.self_enrol(user=learner, module=module)
    second = services.self_enrol(user=learner, module=module)

    assert first.pk == second.pk
    assert first.source == Enrolment.Source.SELF


def test_self_enrolment_in_a_closed_module_is_refused(learner, module):
    module.self_enrolment = False
    module.save_revision().publish()

    with pytest.raises(PermissionDenied):
        services.self_enrol(user=learner, module=module)


def test_enrolling_in_the_french_module_enrols_in_the_module(learner, module, french):
    enrolment = services.self_enrol(user=learner, module=module.get_translation(french))

    assert enrolment.module_id == module.pk


def test_lesson_done_in_french_counts_in_english(learner, lessons, french):
    services.lesson_complete(user=learner, lesson=lessons[0].get_translation(french))
    services.lesson_complete(user=learner, lesson=lessons[0])

    progress = LessonProgress.objects.get(enrolment__user=learner)
    assert progress.lesson_id == lessons[0].pk
    assert progress.enrolment.started_at is not None


# -- Attempts: drawing and layout -------------------------------------------------------------


def test_starting_an_attempt_fixes_questions_and_order(learner, quiz):
    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en", rng=random.Random(4)
    )
    again = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="fr", rng=random.Random(9)
    )

    items = list(attempt.items.order_by("position").values_list("question_id", "layout"))
    assert again.pk == attempt.pk  # a refresh or another device resumes it
    assert list(again.items.order_by("position").values_list("question_id", "layout")) == items
    assert attempt.max_points == sum(i.question.points for i in attempt.items.all())


def test_questions_to_draw_limits_the_attempt(learner, quiz):
    quiz.questions_to_draw = 4
    quiz.save_revision().publish()

    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en"
    )

    assert attempt.items.count() == 4


def test_unshuffled_quiz_keeps_bank_order(learner, quiz):
    quiz.shuffle_questions = False
    quiz.save_revision().publish()

    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en"
    )

    orders = [item.question.sort_order for item in attempt.items.order_by("position")]
    assert orders == sorted(orders)


# -- Grading and completion -----------------------------------------------------------------


def test_right_answers_pass_with_full_marks(learner, quiz):
    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en"
    )

    attempt, missing = submit(learner, attempt, right_answers(attempt))

    assert missing == {}
    assert (attempt.status, attempt.score, attempt.passed) == ("submitted", Decimal("100.00"), True)


def test_wrong_answers_fail(learner, quiz):
    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en"
    )

    attempt, _missing = submit(learner, attempt, wrong_answers(attempt))

    assert (attempt.score, attempt.passed) == (Decimal("0.00"), False)


def test_score_is_points_over_maximum(learner, quiz):
    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en"
    )
    data = right_answers(attempt)
    first = attempt.items.order_by("position").first()
    wrong = first.question.get_real_instance()
    for name in [
        k for k in data if k == f"q{first.position}" or k.startswith(f"q{first.position}-")
    ]:
        del data[name]
    for name, values in wrong.form_data(wrong.wrong_answer(), name=f"q{first.position}").items():
        data.setlist(name, values)

    attempt, _missing = submit(learner, attempt, data)

    expected = (Decimal(attempt.max_points - wrong.points) * 100 / attempt.max_points).quantize(
        Decimal("0.01")
    )
    assert attempt.score == expected


def test_module_completes_only_with_all_lessons_and_a_pass(
    learner, lessons, quiz, completions, django_capture_on_commit_callbacks
):
    for lesson in lessons[:-1]:
        services.lesson_complete(user=learner, lesson=lesson)
    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en"
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit(learner, attempt, right_answers(attempt))
    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.completed_at is None  # one lesson missing
    assert completions == []

    with django_capture_on_commit_callbacks(execute=True):
        services.lesson_complete(user=learner, lesson=lessons[-1])
        services.lesson_complete(user=learner, lesson=lessons[-1])  # again: nothing new

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert enrolment.completed_version == quiz.get_parent().specific.version
    assert completions == [enrolment.pk]


def test_a_failed_quiz_never_completes_the_module(learner, lessons, quiz, completions):
    for lesson in lessons:
        services.lesson_complete(user=learner, lesson=lesson)
    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en"
    )

    submit(learner, attempt, wrong_answers(attempt))

    assert Enrolment.objects.get(user=learner).completed_at is None
    assert completions == []


def test_completion_waits_for_the_transaction(learner, lessons, quiz, completions):
    """module_completed is scheduled with on_commit: nothing is announced before commit."""
    for lesson in lessons:
        services.lesson_complete(user=learner, lesson=lesson)
    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en"
    )

    submit(learner, attempt, right_answers(attempt))

    assert Enrolment.objects.get(user=learner).completed_at is not None
    assert completions == []  # the test's transaction never commits


# -- Attempt rules --------------------------------------------------------------------------


def test_a_passed_quiz_cannot_be_retaken(learner, quiz):
    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en"
    )
    submit(learner, attempt, right_answers(attempt))

    with pytest.raises(services.AttemptRefused):
        services.attempt_start(statement_confirmed=True, user=learner, quiz=quiz, language="en")


def test_maximum_attempts(learner, quiz):
    quiz.max_attempts = 2
    quiz.save_revision().publish()
    for _ in range(2):
        attempt = services.attempt_start(
            statement_confirmed=True, user=learner, quiz=quiz, language="en"
        )
        submit(learner, attempt, wrong_answers(attempt))

    with pytest.raises(services.AttemptRefused) as refused:
        services.attempt_start(statement_confirmed=True, user=learner, quiz=quiz, language="en")

    assert "all your attempts" in refused.value.message


def test_cooldown_between_attempts(learner, quiz):
    quiz.cooldown_minutes = 30
    quiz.save_revision().publish()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attempt = services.attempt_start(
            statement_confirmed=True, user=learner, quiz=quiz, language="en"
        )
        submit(learner, attempt, wrong_answers(attempt))
    with time_machine.travel(start + datetime.timedelta(minutes=29), tick=False):
        with pytest.raises(services.AttemptRefused):
            services.attempt_start(statement_confirmed=True, user=learner, quiz=quiz, language="en")
    with time_machine.travel(start + datetime.timedelta(minutes=31), tick=False):
        retake = services.attempt_start(
            statement_confirmed=True, user=learner, quiz=quiz, language="en"
        )

    assert retake.number == 2


# -- Time limit -----------------------------------------------------------------------------


@pytest.fixture
def timed_quiz(quiz):
    quiz.time_limit_minutes = 10
    quiz.save_revision().publish()
    return quiz


def test_submission_before_the_deadline_is_graded(learner, timed_quiz):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attempt = services.attempt_start(
            statement_confirmed=True, user=learner, quiz=timed_quiz, language="en"
        )
    with time_machine.travel(start + datetime.timedelta(minutes=10, seconds=20), tick=False):
        attempt, _missing = submit(learner, attempt, right_answers(attempt))

    assert (attempt.status, attempt.passed) == ("submitted", True)


def test_submission_after_the_deadline_is_closed_ungraded(learner, timed_quiz):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attempt = services.attempt_start(
            statement_confirmed=True, user=learner, quiz=timed_quiz, language="en"
        )
    with time_machine.travel(start + datetime.timedelta(minutes=10, seconds=31), tick=False):
        attempt, _missing = submit(learner, attempt, right_answers(attempt))

    assert (attempt.status, attempt.score, attempt.passed) == ("expired", Decimal(0), False)
    assert not attempt.items.filter(response__isnull=False).exists()


def test_asking_for_more_time_extends_the_deadline(learner, timed_quiz):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        attempt = services.attempt_start(
            statement_confirmed=True, user=learner, quiz=timed_quiz, language="en"
        )
    with time_machine.travel(start + datetime.timedelta(minutes=9), tick=False):
        extended = services.attempt_extend(user=learner, attempt_id=attempt.pk)
    with time_machine.travel(start + datetime.timedelta(minutes=15), tick=False):
        attempt, _missing = submit(learner, attempt, right_answers(attempt))

    assert extended.deadline == start + datetime.timedelta(minutes=20)
    assert attempt.status == "submitted"


def test_time_can_be_extended_ten_times(learner, timed_quiz):
    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=timed_quiz, language="en"
    )
    for _ in range(services.MAX_EXTENSIONS):
        services.attempt_extend(user=learner, attempt_id=attempt.pk)

    with pytest.raises(services.AttemptRefused):
        services.attempt_extend(user=learner, attempt_id=attempt.pk)


# -- Tampering ------------------------------------------------------------------------------


def tamper(data: QueryDict, **changes) -> QueryDict:
    data = data.copy()
    for name, value in changes.items():
        data.setlist(name, value if isinstance(value, list) else [value])
    return data


@pytest.fixture
def attempt(learner, quiz):
    return services.attempt_start(statement_confirmed=True, user=learner, quiz=quiz, language="en")


def single_choice_item(attempt):
    return next(
        i
        for i in attempt.items.all()
        if i.question.get_real_instance().answer_relation == "choices"
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"q999": "00000000-0000-0000-0000-000000000000"},  # unknown question
        {"score": "100"},  # injected score
        {"passed": "true"},
        {"points": "20"},
    ],
    ids=["unknown-question", "score", "passed", "points"],
)
def test_tampered_fields_are_rejected_and_change_nothing(learner, attempt, changes):
    data = tamper(right_answers(attempt), **changes)

    with pytest.raises(services.SubmissionRejected):
        submit(learner, attempt, data)

    attempt.refresh_from_db()
    assert attempt.status == QuizAttempt.Status.IN_PROGRESS
    assert not attempt.items.filter(response__isnull=False).exists()


def test_unknown_choice_is_rejected(learner, attempt):
    item = single_choice_item(attempt)
    data = tamper(right_answers(attempt), **{f"q{item.position}": "not-a-choice"})

    with pytest.raises(services.SubmissionRejected):
        submit(learner, attempt, data)


def test_choice_of_another_question_is_rejected(learner, attempt):
    items = [
        i
        for i in attempt.items.all()
        if i.question.get_real_instance().answer_relation == "choices"
    ]
    first, other = items[0], items[1]
    foreign = str(other.question.get_real_instance().choices.first().key)
    data = tamper(right_answers(attempt), **{f"q{first.position}": foreign})

    with pytest.raises(services.SubmissionRejected):
        submit(learner, attempt, data)


def test_someone_elses_attempt_is_rejected(attempt):
    from tests.factories.learning import UserFactory

    intruder = UserFactory()

    with pytest.raises(services.SubmissionRejected):
        services.attempt_submit(user=intruder, attempt_id=attempt.pk, data=right_answers(attempt))

    attempt.refresh_from_db()
    assert attempt.is_open


def test_replaying_the_same_submission_returns_the_graded_attempt(learner, attempt):
    data = right_answers(attempt)
    first, _missing = submit(learner, attempt, data)

    again, missing = submit(learner, attempt, data)

    assert (again.pk, again.submitted_at, missing) == (first.pk, first.submitted_at, {})
    assert QuizAttempt.objects.filter(enrolment=attempt.enrolment, status="submitted").count() == 1


def test_new_answers_after_completion_are_rejected(learner, attempt):
    submit(learner, attempt, right_answers(attempt))

    with pytest.raises(services.SubmissionRejected):
        submit(learner, attempt, wrong_answers(attempt))

    attempt.refresh_from_db()
    assert attempt.score == Decimal("100.00")


def test_unanswered_questions_keep_the_attempt_open(learner, attempt):
    data = right_answers(attempt)
    item = single_choice_item(attempt)
    del data[f"q{item.position}"]

    attempt, missing = submit(learner, attempt, data)

    assert list(missing) == [item.position]
    assert attempt.is_open


# -- Pre-check and survey -------------------------------------------------------------------


def test_pre_check_draws_five_and_is_offered_once(learner, quiz):
    pre = services.attempt_start(
        user=learner, quiz=quiz, kind=QuizAttempt.Kind.PRE_CHECK, language="en"
    )
    submit(learner, pre, wrong_answers(pre))

    with pytest.raises(services.AttemptRefused):
        services.attempt_start(
            user=learner, quiz=quiz, kind=QuizAttempt.Kind.PRE_CHECK, language="en"
        )
    final = services.attempt_start(statement_confirmed=True, user=learner, quiz=quiz, language="en")

    assert pre.items.count() == services.PRE_CHECK_QUESTIONS
    assert (final.kind, final.number) == ("final", 1)
    assert Enrolment.objects.get(user=learner).completed_at is None


@pytest.fixture
def completed(learner, lessons, quiz):
    for lesson in lessons:
        services.lesson_complete(user=learner, lesson=lesson)
    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en"
    )
    submit(learner, attempt, right_answers(attempt))
    return Enrolment.objects.get(user=learner)


def test_survey_is_anonymous_and_answered_once(learner, completed):
    response = services.survey_submit(
        user=learner, enrolment_id=completed.pk, satisfaction=9, usefulness=8,
        change_at_work="A buddy for every new hire.", language="fr",
    )  # fmt: skip

    assert [f.name for f in SurveyResponse._meta.fields if f.is_relation] == ["module"]
    assert (response.satisfaction, response.usefulness, response.language) == (9, 8, "fr")
    with pytest.raises(PermissionDenied):
        services.survey_submit(
            user=learner, enrolment_id=completed.pk, satisfaction=1, usefulness=1,
            change_at_work="", language="en",
        )  # fmt: skip


def test_declining_the_survey_stores_nothing(learner, completed):
    services.survey_submit(
        user=learner, enrolment_id=completed.pk, satisfaction=None, usefulness=None,
        change_at_work="", language="en",
    )  # fmt: skip

    completed.refresh_from_db()
    assert completed.survey_done is True
    assert SurveyResponse.objects.count() == 0


def test_survey_needs_a_completed_module(learner, lessons):
    services.lesson_complete(user=learner, lesson=lessons[0])
    enrolment = Enrolment.objects.get(user=learner)

    with pytest.raises(PermissionDenied):
        services.survey_submit(
            user=learner, enrolment_id=enrolment.pk, satisfaction=5, usefulness=5,
            change_at_work="", language="en",
        )  # fmt: skip


def test_lesson_pages_of_another_module_do_not_complete_this_one(learner, lessons, quiz):
    other = ModulePage.objects.get(slug="anti-racism-and-anti-discrimination")
    for lesson in LessonPage.objects.child_of(other).live():
        services.lesson_complete(user=learner, lesson=lesson)
    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en"
    )

    submit(learner, attempt, right_answers(attempt))

    assert (
        Enrolment.objects.get(user=learner, module__slug=quiz.get_parent().slug).completed_at
        is None
    )
