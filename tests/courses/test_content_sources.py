"""The module data files: sources are cited as the content conventions require."""

from collections import defaultdict
from urllib.parse import urlsplit

import pytest

from courses.content_review import word_count
from courses.demo import MODULE_KEYS, load
from courses.validators import tracking_parameters

# Governments, their agencies and the human-rights and language commissions.
OFFICIAL_DOMAINS = (
    "canada.ca",
    "gc.ca",
    "novascotia.ca",
    "gnb.ca",
    "princeedwardisland.ca",
    "gov.nl.ca",
    "officiallanguages.nb.ca",
    "nshrc.novascotia.ca",
    "humanrights.novascotia.ca",
    "peihumanrights.ca",
    "thinkhumanrights.ca",
    "scc-csc.ca",
)
LANGUAGES = ("en", "fr")


def is_official(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    return any(host == domain or host.endswith(f".{domain}") for domain in OFFICIAL_DOMAINS)


def module_files():
    return [(key, language) for key in MODULE_KEYS for language in LANGUAGES]


@pytest.mark.parametrize(("key", "language"), module_files())
def test_every_lesson_ends_citing_two_listed_sources_one_official(key, language):
    data = load(key, language)
    sources = {entry["key"]: entry for entry in data.get("sources", [])}

    problems = []
    for lesson in data["lessons"]:
        last = lesson["body"][-1]
        cited = last["value"] if last["type"] == "sources" else []
        unknown = [k for k in cited if k not in sources]
        if last["type"] != "sources":
            problems.append(f"{lesson['slug']}: does not end with a sources block")
        elif len(set(cited)) < 2 or unknown:
            problems.append(f"{lesson['slug']}: cites {cited}, unknown {unknown}")
        elif not any(is_official(sources[k]["url"]) for k in cited):
            problems.append(f"{lesson['slug']}: cites no official source")

    assert problems == []


@pytest.mark.parametrize(("key", "language"), module_files())
def test_source_entries_are_complete_and_free_of_tracking(key, language):
    entries = load(key, language).get("sources", [])

    problems = [
        entry.get("key")
        for entry in entries
        if set(entry) != {"key", "title", "publisher", "year", "url", "language", "checked"}
        or entry["language"] not in LANGUAGES
        or not isinstance(entry["year"], int)
        or tracking_parameters(entry["url"])
        or not entry["url"].startswith("https://")
    ]

    assert problems == []


def test_a_source_key_names_the_same_entry_in_every_file_of_a_language():
    seen = defaultdict(dict)
    conflicts = []
    for key, language in module_files():
        for entry in load(key, language).get("sources", []):
            first = seen[language].setdefault(entry["key"], (key, entry))
            if first[1] != entry:
                conflicts.append(f"{language} {entry['key']}: {first[0]} and {key} differ")

    assert conflicts == []


def _feedback_missing(question: dict) -> bool:
    kind = question["type"]
    if kind in ("single_choice", "multiple_choice"):
        return any(not str(c.get("feedback", "")).strip() for c in question["choices"])
    if kind == "true_false":
        return not (question.get("feedback_true") and question.get("feedback_false"))
    if kind == "ordering":
        return any(not str(i.get("feedback", "")).strip() for i in question["items"])
    return any(not str(p.get("feedback", "")).strip() for p in question["pairs"])


@pytest.mark.parametrize(("key", "language"), module_files())
def test_bank_holds_thirty_questions_of_four_types_tagged_by_lesson_with_feedback(key, language):
    data = load(key, language)
    english_slugs = {lesson["slug"] for lesson in load(key, "en")["lessons"]}
    questions = data["quiz"]["questions"]

    untagged = [q["prompt"][:40] for q in questions if q.get("lesson") not in english_slugs]
    without_feedback = [q["prompt"][:40] for q in questions if _feedback_missing(q)]

    assert len(questions) >= 30
    assert len({q["type"] for q in questions}) >= 4
    assert (untagged, without_feedback) == ([], [])


@pytest.mark.parametrize(("key", "language"), module_files())
def test_lessons_hold_400_to_900_words(key, language):
    lengths = {
        lesson["slug"]: word_count(lesson["body"]) for lesson in load(key, language)["lessons"]
    }

    assert len(lengths) >= 4
    assert {slug: n for slug, n in lengths.items() if not 400 <= n <= 900} == {}
