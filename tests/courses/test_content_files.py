"""The module data files meet the content brief: lesson length, sources, bank size and terms."""

import re
from urllib.parse import urlsplit

import pytest

from courses.demo import load

MODULES = ["anti-racism-anti-discrimination", "atlantic-immigration-program"]
LANGUAGES = ["en", "fr"]
# Governments and human rights commissions: the sources a lesson must cite at least one of.
OFFICIAL_HOSTS = (
    "canada.ca",
    "gc.ca",
    "gnb.ca",
    "novascotia.ca",
    "princeedwardisland.ca",
    "gov.nl.ca",
    "thinkhumanrights.ca",
    "albertahumanrights.ab.ca",
)
TERMS = {
    "anti-racism-anti-discrimination": {
        "en": [
            "systemic racism",
            "anti-Black racism",
            "racialized",
            "bona fide occupational requirement",
            "Meiorin",
        ],
        "fr": [
            "racisme systémique",
            "racisme envers les Noirs",
            "racisées",
            "exigence professionnelle justifiée",
            "Meiorin",
        ],
    },
    "atlantic-immigration-program": {
        "en": ["TEER", "IMM 0157", "at least two years", "onboarding training"],
        "fr": ["FEER", "TEER", "IMM 0157", "au moins deux ans", "formation d'intégration"],
    },
}
NOT_TEXT = {"type", "kind", "level", "correct"}


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in NOT_TEXT:
                yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _words(blocks) -> int:
    prose = [block["value"] for block in blocks if block["type"] != "sources"]
    return len(re.sub(r"<[^>]+>", " ", " ".join(_texts(prose))).split())


def _official(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return any(host == domain or host.endswith("." + domain) for domain in OFFICIAL_HOSTS)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("module", MODULES)
def test_every_lesson_has_400_to_900_words(module, language):
    lessons = load(module, language)["lessons"]

    counts = {lesson["slug"]: _words(lesson["body"]) for lesson in lessons}

    assert len(lessons) >= 4
    assert {slug: n for slug, n in counts.items() if not 400 <= n <= 900} == {}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("module", MODULES)
def test_every_lesson_ends_with_two_sources_one_of_them_official(module, language):
    data = load(module, language)
    urls = {source["key"]: source["url"] for source in data["sources"]}

    for lesson in data["lessons"]:
        last = lesson["body"][-1]
        assert last["type"] == "sources", lesson["slug"]
        assert len(last["value"]) >= 2, lesson["slug"]
        assert any(_official(urls[key]) for key in last["value"]), lesson["slug"]


@pytest.mark.parametrize("module", MODULES)
def test_every_listed_source_is_cited_by_a_lesson(module):
    data = load(module, "en")
    cited = {key for lesson in data["lessons"] for key in lesson["body"][-1]["value"]}

    assert {source["key"] for source in data["sources"]} - cited == set()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("module", MODULES)
def test_bank_holds_thirty_questions_of_four_types_tagged_by_lesson(module, language):
    english_slugs = {lesson["slug"] for lesson in load(module, "en")["lessons"]}
    questions = load(module, language)["quiz"]["questions"]

    assert len(questions) >= 30
    assert len({question["type"] for question in questions}) >= 4
    assert {question["lesson"] for question in questions} == english_slugs


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("module", MODULES)
def test_every_answer_carries_feedback(module, language):
    for question in load(module, language)["quiz"]["questions"]:
        if question["type"] == "true_false":
            answers = [question["feedback_true"], question["feedback_false"]]
        else:
            items = question.get("choices") or question.get("items") or question.get("pairs")
            answers = [item["feedback"] for item in items]
        assert all(answer.strip() for answer in answers), question["prompt"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("module", MODULES)
def test_lessons_use_the_key_terms(module, language):
    text = " ".join(_texts(load(module, language)["lessons"])).lower()

    assert [term for term in TERMS[module][language] if term.lower() not in text] == []
