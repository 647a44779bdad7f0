"""Counts agree with their number: no "1 of 1 points" or « 0 sur 1 points » on a results
page, and no catalog entry whose singular or plural disagrees with the count it is used for."""

import re
from html import unescape
from pathlib import Path

import polib
import pytest

from learning import services
from learning.models import QuizAttempt
from tests.factories.learning import UserFactory
from tests.learning.conftest import wrong_answers

BASE = Path(__file__).resolve().parent.parent.parent
CATALOGS = sorted(BASE.glob("*/locale/fr/LC_MESSAGES/django.po"))
# The number just before the word, in either language ("1 point", "0,5 sur 1 point").
COUNTED = re.compile(r"(\d+(?:[.,]\d+)?)\s+(points?)\b")


def disagreements(text: str, language: str) -> list[str]:
    """Counts whose noun does not agree: English "1 points" or "2 point", French "1 points"
    or "2 point" (French takes the singular for 0 and 1)."""
    wrong = []
    for number, word in COUNTED.findall(text):
        value = float(number.replace(",", "."))
        singular = value == 1 if language == "en" else value <= 1
        if (word == "point") != singular:
            wrong.append(f"{number} {word}")
    return wrong


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fr"])
def test_results_counts_agree_with_their_number(client, quiz, language):
    learner = UserFactory()
    client.force_login(learner)
    attempt = services.attempt_start(
        user=learner, quiz=quiz, language=language, statement_confirmed=True
    )
    services.attempt_submit(user=learner, attempt_id=attempt.pk, data=wrong_answers(attempt))

    html = client.get(f"/{language}/my-learning/attempts/{attempt.pk}/results/").content.decode()

    text = visible_text(html)
    one_point = [row for row in COUNTED.findall(text) if row[0] == "1"]
    assert one_point, "the quiz has one-point questions: their counts must be on the page"
    assert disagreements(text, language) == []
    assert QuizAttempt.objects.get(pk=attempt.pk).passed is False


def test_the_check_itself_catches_the_old_wording():
    assert disagreements("Not correct · 0 of 1 points", "en") == ["1 points"]
    assert disagreements("Incorrect · 0 sur 1 points", "fr") == ["1 points"]
    assert disagreements("0,5 sur 2 points · 1 sur 1 point", "fr") == []


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: path.parts[-5])
def test_plural_entries_agree_with_their_count(catalog):
    entries = [e for e in polib.pofile(str(catalog)) if e.msgid_plural and not e.obsolete]

    counted_wrong = []
    for entry in entries:
        for language, (singular, plural) in (
            ("en", (entry.msgid, entry.msgid_plural)),
            ("fr", (entry.msgstr_plural[0], entry.msgstr_plural[1])),
        ):
            for count, text in ((1, singular), (2, plural)):
                filled = re.sub(r"%\((\w+)\)s", lambda m, c=count: str(c), text)
                counted_wrong += [f"{language}: {filled}" for _ in disagreements(filled, language)]
    assert counted_wrong == []


@pytest.mark.parametrize("catalog", CATALOGS, ids=lambda path: path.parts[-5])
def test_counted_points_go_through_plural_entries(catalog):
    """A number placed before "point(s)" in a message without plural forms reads "1 points"
    for one of its values."""
    counted = re.compile(r"%\(\w+\)s\s+points?\b")

    singular_only = [
        entry.msgid
        for entry in polib.pofile(str(catalog))
        if not entry.msgid_plural
        and not entry.obsolete
        and (counted.search(entry.msgid) or counted.search(entry.msgstr))
    ]

    assert singular_only == []


def test_catalog_plural_forms_are_the_french_ones():
    for catalog in CATALOGS:
        assert polib.pofile(str(catalog)).metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
