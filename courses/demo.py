"""The demo catalogue: the four modules and the AIP program, in English and French, imported
from the data files in ``courses/content``."""

from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from wagtail.models import Locale

from cms.models import HomePage
from cms.services import locales_ensure, translation_import
from courses.models import (
    CertificationPolicy,
    ModuleIndexPage,
    ModulePage,
    ProgramModule,
    ProgramPage,
)
from courses.services import module_import, revision_publish

CONTENT_DIR = Path(__file__).resolve().parent / "content"
# Questions drawn per certification attempt in the demo program's policy. Every module's bank
# must hold at least twice as many (today: 12 to 14 questions). Raise it to 12 once every bank
# holds 24 questions or more.
CERTIFICATION_DRAW = 12
MODULE_KEYS = [
    "intercultural-competency",
    "anti-racism-anti-discrimination",
    "atlantic-immigration-program",
    "racism-in-atlantic-canada",
]


def load(name: str, language: str) -> dict:
    with open(CONTENT_DIR / f"{name}.{language}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@transaction.atomic
def seed_catalogue(*, user=None) -> ModuleIndexPage:
    """Create the catalogue, modules and program once; later runs change nothing."""
    locales = locales_ensure()
    source = locales[settings.LANGUAGE_CODE]
    targets = [locale for code, locale in locales.items() if code != settings.LANGUAGE_CODE]
    home = HomePage.objects.get(locale=source)
    data = {code: load("catalogue", code) for code in locales}

    index = ModuleIndexPage.objects.child_of(home).filter(locale=source).first()
    if index is None:
        catalogue = data[source.language_code]["catalogue"]
        index = home.add_child(
            instance=ModuleIndexPage(
                locale=source,
                title=catalogue["title"],
                slug=catalogue["slug"],
                intro=catalogue["intro"],
            )
        )
        revision_publish(index, user=user)
    for locale in targets:
        if not index.has_translation(locale):
            catalogue = data[locale.language_code]["catalogue"]
            translation_import(
                source=index,
                translated=ModuleIndexPage(
                    title=catalogue["title"], slug=catalogue["slug"], intro=catalogue["intro"]
                ),
                locale=locale,
                user=user,
            )

    modules = {}
    for key in MODULE_KEYS:
        modules[key] = module_import(
            index=index,
            source=load(key, source.language_code),
            translations={locale: load(key, locale.language_code) for locale in targets},
            user=user,
        )
    _seed_program(index, data, modules, source=source, targets=targets, user=user)
    return index


def _program_fields(program: dict) -> dict:
    return {
        "title": program["title"],
        "slug": program["slug"],
        "summary": program["summary"].strip(),
        "body": program["body"].strip(),
    }


def _demo_policy() -> CertificationPolicy:
    """The demo program's certification policy: the safe defaults, with the demo's draw."""
    policy, _created = CertificationPolicy.objects.get_or_create(
        name="Atlantic Immigration Program certificate",
        defaults={"questions_to_draw": CERTIFICATION_DRAW},
    )
    return policy


def _seed_program(index, data, modules: dict[str, ModulePage], *, source: Locale, targets, user):
    program_data = data[source.language_code]["program"]
    program = ProgramPage.objects.child_of(index).filter(slug=program_data["slug"]).first()
    if program is None:
        program = ProgramPage(locale=source, **_program_fields(program_data))
        program.program_modules = [
            ProgramModule(module=modules[key], sort_order=position)
            for position, key in enumerate(program_data["modules"])
        ]
        program.certification_policy = _demo_policy()
        index.add_child(instance=program)
        revision_publish(program, user=user)
    for locale in targets:
        if not program.has_translation(locale):
            translated = ProgramPage(**_program_fields(data[locale.language_code]["program"]))
            translation_import(source=program, translated=translated, locale=locale, user=user)
