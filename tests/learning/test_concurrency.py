"""Concurrent submissions of one attempt, on PostgreSQL: exactly one graded attempt."""

import threading

import pytest
from django.db import connection, connections
from wagtail.models import Locale, Page

from cms.models import HomePage
from learning import services
from learning.models import AttemptQuestion, QuizAttempt
from tests.factories.courses import (
    QUESTION_FACTORIES,
    LessonPageFactory,
    ModuleIndexPageFactory,
    ModulePageFactory,
    QuizPageFactory,
)
from tests.factories.learning import UserFactory
from tests.learning.conftest import right_answers

pytestmark = pytest.mark.postgres


@pytest.fixture
def quiz(transactional_db, postgres):
    """A module with a quiz of every question type, built from scratch: transactional tests
    start from an emptied database."""
    english, _created = Locale.objects.get_or_create(language_code="en")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=english)
    )
    home = root.add_child(instance=HomePage(title="Home", slug="home-concurrency", locale=english))
    catalogue = ModuleIndexPageFactory(parent=home)
    module = ModulePageFactory(parent=catalogue)
    LessonPageFactory(parent=module)
    quiz = QuizPageFactory(parent=module)
    for factory in QUESTION_FACTORIES:
        factory(quiz=quiz)
    return quiz


def run_together(count, target):
    """Run ``target(index)`` in ``count`` threads released at the same moment."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def worker(index):
        try:
            barrier.wait()
            results[index] = target(index)
        except Exception as error:  # noqa: BLE001 - reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def test_concurrent_identical_submissions_grade_once(quiz):
    learner = UserFactory()
    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en"
    )
    data = right_answers(attempt)

    results, errors = run_together(
        4, lambda _i: services.attempt_submit(user=learner, attempt_id=attempt.pk, data=data)
    )

    attempt.refresh_from_db()
    assert errors == []
    assert {result[0].submitted_at for result in results} == {attempt.submitted_at}
    assert QuizAttempt.objects.filter(enrolment=attempt.enrolment).count() == 1
    assert attempt.status == "submitted" and attempt.passed is True
    assert AttemptQuestion.objects.filter(attempt=attempt, response__isnull=True).count() == 0


def test_concurrent_different_submissions_grade_one_and_reject_the_rest(quiz):
    learner = UserFactory()
    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en"
    )
    right = right_answers(attempt)
    from tests.learning.conftest import wrong_answers

    wrong = wrong_answers(attempt)

    def submit(index):
        data = right if index % 2 == 0 else wrong
        try:
            return services.attempt_submit(user=learner, attempt_id=attempt.pk, data=data)
        except services.SubmissionRejected:
            return "rejected"

    results, errors = run_together(4, submit)

    attempt.refresh_from_db()
    graded = [r for r in results if r != "rejected"]
    assert errors == []
    assert len({r[0].submitted_at for r in graded}) == 1
    # Whichever came first was graded; submissions with other answers were refused.
    expected_passed = attempt.passed
    assert all(r[0].passed is expected_passed for r in graded)
    assert results.count("rejected") == 2


def test_concurrent_starts_open_one_attempt(quiz):
    learner = UserFactory()

    results, errors = run_together(
        4,
        lambda _i: (
            services.attempt_start(
                statement_confirmed=True, user=learner, quiz=quiz, language="en"
            ).pk
        ),
    )

    assert errors == []
    assert len(set(results)) == 1
    assert QuizAttempt.objects.filter(enrolment__user=learner).count() == 1
    assert connection.vendor == "postgresql"
