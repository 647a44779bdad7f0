"""Helpers for certificate tests: real completions through the learning services, and a
minimal catalogue for transactional tests (which start from the migrated database)."""

import datetime
import json

import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from wagtail.models import Locale, Page

from certificates import services
from certificates.models import Certificate
from courses.models import ModulePage
from learning.demo import module_progress_make
from learning.models import Enrolment
from tests.factories.courses import ModuleIndexPageFactory, ModulePageFactory
from tests.factories.learning import EmployerFactory, member

SEEDED_MODULES = (
    "intercultural-competency-at-work",
    "anti-racism-and-anti-discrimination",
)


def seeded_module(slug: str = SEEDED_MODULES[0]) -> ModulePage:
    """A seeded English module (the demo catalogue)."""
    return ModulePage.objects.get(slug=slug, locale__language_code="en")


def seeded_modules() -> list[ModulePage]:
    return list(ModulePage.objects.filter(locale__language_code="en").live().order_by("path"))


def complete(user, module: ModulePage, *, language: str = "en") -> Enrolment:
    """``user`` completes ``module`` as a learner does: every lesson, then the final quiz,
    answered right."""
    module_progress_make(user=user, module=module, passed=True, language=language)
    enrolment = Enrolment.objects.get(user=user, module=module)
    assert enrolment.completed_at is not None
    return enrolment


def learner_of(employer=None, **fields):
    """A new learner, employee of ``employer`` (a new one by default)."""
    return member(employer or EmployerFactory(), **fields)


def issued(user=None, module: ModulePage | None = None, **issue) -> Certificate:
    """A certificate issued by the service for a real completion."""
    user = user or learner_of()
    enrolment = complete(user, module or seeded_module())
    return services.certificate_issue(enrolment_id=enrolment.pk, **issue)


def _page_root() -> Page:
    """Wagtail's root page, made again if an earlier transactional test flushed it."""
    english, _created = Locale.objects.get_or_create(language_code="en")
    Locale.objects.get_or_create(language_code="fr")
    root = Page.objects.filter(depth=1).first()
    return root or Page.add_root(instance=Page(title="Root", slug="root", locale=english))


def minimal_completion(*, title: str = "Intercultural competency at work") -> Enrolment:
    """A completed enrolment in a module built from factories, for transactional tests: they
    cannot rely on the seeded demo (an earlier transactional test may have flushed it)."""
    index = ModuleIndexPageFactory(parent=_page_root())
    module = ModulePageFactory(parent=index, title=title)
    user = learner_of(first_name="Ana", last_name="Pereira")
    return Enrolment.objects.create(
        user=user,
        module=module,
        source=Enrolment.Source.SELF,
        completed_at=timezone.now() - datetime.timedelta(minutes=1),
        completed_version=module.version,
    )


@pytest.fixture(scope="module")
def migrated_database(django_db_setup, django_db_blocker):
    """An empty database for transactional tests with ``serialized_rollback``, which reload
    the migrated state before each test and flush without ``post_migrate`` after it.

    The seeded demo would collide with the reloaded rows, so the database is flushed first
    (pytest-django runs transactional tests after the others: nothing needs the demo any
    more). The reload goes app by app and Wagtail's workflow tasks look up content types as
    they are built, so content types go first. Sequences keep their values. (The same
    preparation as tests/e2e's ``migrated_state``.)
    """
    with django_db_blocker.unblock():
        for connection in connections.all():
            if hasattr(connection, "_test_serialized_contents"):
                objects = json.loads(connection._test_serialized_contents)
                objects.sort(key=lambda obj: not obj["model"].startswith("contenttypes."))
                connection._test_serialized_contents = json.dumps(objects)
        call_command(
            "flush", interactive=False, inhibit_post_migrate=True, reset_sequences=False,
            verbosity=0,
        )  # fmt: skip
