import pytest
from django.http import QueryDict

from courses.models import LessonPage, ModulePage, ProgramPage, QuizPage
from learning.demo import answers_for
from tests.factories.learning import UserFactory


@pytest.fixture
def learner(db):
    return UserFactory()


@pytest.fixture
def module(db) -> ModulePage:
    """The seeded English "Intercultural competency at work" module."""
    return ModulePage.objects.get(slug="intercultural-competency-at-work")


@pytest.fixture
def lessons(module) -> list[LessonPage]:
    return list(LessonPage.objects.child_of(module).live().order_by("path"))


@pytest.fixture
def quiz(module) -> QuizPage:
    """The seeded module's quiz under its own settings: the demo program's certification
    policy is detached. Tests of the policy use ``certified_quiz``."""
    ProgramPage.objects.update(certification_policy=None)
    return QuizPage.objects.child_of(module).live().get()


@pytest.fixture
def certified_quiz(module) -> QuizPage:
    """The seeded module's quiz, under the demo program's certification policy."""
    return QuizPage.objects.child_of(module).live().get()


@pytest.fixture
def french(module):
    from wagtail.models import Locale

    return Locale.objects.get(language_code="fr")


def right_answers(attempt) -> QueryDict:
    return answers_for(attempt, correct=True)


def wrong_answers(attempt) -> QueryDict:
    return answers_for(attempt, correct=False)
