import pytest

from cms.models import HomePage
from tests.factories.courses import (
    LessonPageFactory,
    ModuleIndexPageFactory,
    ModulePageFactory,
    QuizPageFactory,
)


@pytest.fixture
def catalogue(db):
    """An empty English catalogue under the seeded home page."""
    home = HomePage.objects.get(locale__language_code="en")
    return ModuleIndexPageFactory(parent=home, slug="test-catalogue")


@pytest.fixture
def module(catalogue):
    module = ModulePageFactory(parent=catalogue)
    LessonPageFactory(parent=module, title="First lesson")
    LessonPageFactory(parent=module, title="Second lesson")
    return module


@pytest.fixture
def quiz(module):
    return QuizPageFactory(parent=module)
