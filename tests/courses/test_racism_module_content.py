"""The racism in Atlantic Canada data files: complete, sourced and set in Canadian French."""

import re
from urllib.parse import urlparse

import pytest

from courses.demo import MODULE_KEYS, load

KEY = "racism-in-atlantic-canada"
LANGUAGES = ["en", "fr"]
# Hosts of governments, public commissions, public archives and the Supreme Court of Canada.
OFFICIAL_HOSTS = (
    "gc.ca",
    "canada.ca",
    "novascotia.ca",
    "gov.nl.ca",
    "halifax.ca",
    "historicplaces.ca",
    "scc-csc.lexum.com",
)
TERMS = {
    "en": [
        "systemic racism",
        "anti-Black racism",
        "racialized",
        "Mi'kmaq",
        "Wolastoqiyik",
        "Peskotomuhkati",
        "Innu",
        "Inuit",
        "Peace and Friendship Treaties",
        "Africville",
        "Black Loyalists",
        "African Nova Scotian",
    ],
    "fr": [
        "racisme systémique",
        "racisme envers les Noirs",
        "racisées",
        "Mi'kmaq",
        "Wolastoqiyik",
        "Peskotomuhkati",
        "Innus",
        "Inuits",
        "traités de paix et d'amitié",
        "Africville",
        "Loyalistes noirs",
        "Afro-Néo-Écossais",
    ],
}


def strings(value):
    """Every string inside a data value, markup removed."""
    if isinstance(value, str):
        yield re.sub(r"<[^>]+>", " ", value)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key not in ("kind", "level"):
                yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def words(lesson: dict) -> int:
    prose = [block["value"] for block in lesson["body"] if block["type"] != "sources"]
    return len(re.findall(r"\w+(?:['’-]\w+)*", " ".join(strings(prose))))


def test_the_module_is_seeded():
    assert KEY in MODULE_KEYS


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_lesson_holds_400_to_900_words(language):
    lessons = load(KEY, language)["lessons"]

    assert len(lessons) >= 4
    assert all(400 <= words(lesson) <= 900 for lesson in lessons), [
        (lesson["slug"], words(lesson)) for lesson in lessons
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_lesson_ends_with_two_listed_sources_one_official(language):
    data = load(KEY, language)
    hosts = {source["key"]: urlparse(source["url"]).hostname for source in data["sources"]}

    for lesson in data["lessons"]:
        last = lesson["body"][-1]
        assert last["type"] == "sources", lesson["slug"]
        assert len(last["value"]) >= 2 and set(last["value"]) <= set(hosts), lesson["slug"]
        assert any(hosts[key].endswith(OFFICIAL_HOSTS) for key in last["value"]), lesson["slug"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_terms_of_the_brief_appear_in_the_lessons(language):
    text = " ".join(strings(load(KEY, language)["lessons"]))

    assert [term for term in TERMS[language] if term not in text] == []


def test_the_bank_holds_36_questions_of_4_types_tagged_by_lesson():
    data = load(KEY, "en")
    questions = data["quiz"]["questions"]
    slugs = {lesson["slug"] for lesson in data["lessons"]}

    assert len(questions) >= 36
    assert len({question["type"] for question in questions}) >= 4
    assert {question["lesson"] for question in questions} == slugs
    assert data["quiz"]["pass_mark"] == 80


def test_the_french_bank_tags_the_same_lessons_in_the_same_order():
    english, french = (load(KEY, language)["quiz"]["questions"] for language in LANGUAGES)

    assert [q["lesson"] for q in french] == [q["lesson"] for q in english]
    assert [q["type"] for q in french] == [q["type"] for q in english]


def test_every_choice_has_feedback_in_both_languages():
    for language in LANGUAGES:
        for question in load(KEY, language)["quiz"]["questions"]:
            if question["type"] == "true_false":
                assert question["feedback_true"] and question["feedback_false"]
            for part in ("choices", "items", "pairs"):
                assert all(item["feedback"] for item in question.get(part, [])), question["prompt"]


def test_french_text_follows_canadian_spacing():
    text = " ".join(strings(load(KEY, "fr")))
    text = re.sub(r"https?://\S+", "", text)

    assert re.findall(r"[^\u00a0]:(?=\s)", text) == []
    assert re.findall(r"«[^\u00a0]|[^\u00a0]»", text) == []
    assert re.findall(r"\s[;!?]", text) == []
