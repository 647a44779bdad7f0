"""Deleting or unpublishing content learners have records on is refused or confirmed, never
silent; translations follow their source."""

import datetime

import pytest
from wagtail.models import Locale, Page
from wagtail_localize.operations import TranslationCreator

from cms.models import HomePage
from courses.models import LessonPage, Question
from learning.models import Assignment, AttemptQuestion, Enrolment, LessonProgress, QuizAttempt
from tests.factories.courses import (
    LessonPageFactory,
    ModuleIndexPageFactory,
    ModulePageFactory,
    QuizPageFactory,
    SingleChoiceQuestionFactory,
)
from tests.factories.learning import EmployerFactory, EnrolmentFactory, QuizAttemptFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def moderator(django_user_model):
    return django_user_model.objects.get(email="moderator@example.com")


@pytest.fixture
def module():
    home = HomePage.objects.get(locale__language_code="en")
    catalogue = ModuleIndexPageFactory(parent=home, slug="guard-catalogue")
    module = ModulePageFactory(parent=catalogue, title="Guarded module")
    LessonPageFactory(parent=module, title="Guarded lesson")
    QuizPageFactory(parent=module)
    return module


def lesson_of(module) -> LessonPage:
    return LessonPage.objects.child_of(module).get()


def test_deleting_a_lesson_with_learner_progress_is_refused_with_counts(client, moderator, module):
    lesson = lesson_of(module)
    for _ in range(2):
        LessonProgress.objects.create(enrolment=EnrolmentFactory(module=module), lesson=lesson)
    client.force_login(moderator)

    response = client.post(f"/admin/pages/{lesson.pk}/delete/", follow=True)

    assert response.status_code == 200
    assert "learners have 2 completed lesson records on it" in (response.content.decode())
    assert LessonPage.objects.filter(pk=lesson.pk).exists()
    assert LessonProgress.objects.filter(lesson=lesson).count() == 2


def test_deleting_a_question_used_in_an_attempt_is_refused_without_an_error_page(
    client, moderator, module
):
    quiz = Page.objects.child_of(module).exclude(pk=lesson_of(module).pk).get().specific
    question = SingleChoiceQuestionFactory(quiz=quiz, prompt="Asked once?")
    attempt = QuizAttemptFactory(enrolment=EnrolmentFactory(module=module), quiz=quiz)
    AttemptQuestion.objects.create(attempt=attempt, question=question, position=1)
    client.force_login(moderator)
    url = f"/admin/snippets/courses/singlechoicequestion/delete/{question.pk}/"

    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert "learners have 1 quiz attempt on it" in response.content.decode()
    assert Question.objects.filter(pk=question.pk).exists()


def test_unpublishing_a_module_with_assignments_asks_and_keeps_every_record(
    client, moderator, module
):
    employer = EmployerFactory()
    Assignment.objects.create(
        employer=employer,
        assigned_by_organization=employer,
        module=module,
        due_on=datetime.date(2030, 1, 1),
    )
    enrolment = EnrolmentFactory(module=module)
    QuizAttemptFactory(enrolment=enrolment)
    client.force_login(moderator)
    url = f"/admin/pages/{module.pk}/unpublish/"

    asked = client.post(url, {"include_descendants": "on"})
    module.refresh_from_db()
    assert module.live is True
    html = asked.content.decode()
    assert "1 enrolment, 1 quiz attempt, 1 assignment" in html
    assert 'name="confirm_learner_records"' in html

    client.post(url, {"include_descendants": "on", "confirm_learner_records": "1"})

    module.refresh_from_db()
    assert module.live is False
    assert Assignment.objects.filter(module=module).count() == 1
    assert Enrolment.objects.filter(module=module).count() == 1
    assert QuizAttempt.objects.filter(enrolment=enrolment).count() == 1


def test_unpublishing_a_source_page_unpublishes_its_translations(client, moderator, module):
    french = Locale.objects.get(language_code="fr")
    TranslationCreator(moderator, [french]).create_translations(module.get_parent())
    TranslationCreator(moderator, [french]).create_translations(module)
    french_module = module.get_translation(french)
    french_module.save_revision().publish()
    client.force_login(moderator)

    client.post(f"/admin/pages/{module.pk}/unpublish/", {"include_descendants": "on"})

    french_module.refresh_from_db()
    assert french_module.live is False


def test_deleting_a_source_page_deletes_its_translations(client, moderator, module):
    french = Locale.objects.get(language_code="fr")
    lesson = lesson_of(module)
    for page in (module.get_parent(), module, lesson):
        TranslationCreator(moderator, [french]).create_translations(page)
    french_lesson = lesson.get_translation(french)
    client.force_login(moderator)

    client.post(f"/admin/pages/{lesson.pk}/delete/")

    assert not Page.objects.filter(pk__in=[lesson.pk, french_lesson.pk]).exists()
