"""Reads for the editors' content review: sources due for a check, and per-lesson figures."""

import calendar
import datetime
from dataclasses import dataclass
from html import unescape

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
from textstat.textstat import textstatistics

from courses.models import LessonPage, ModulePage, Source

CHECK_INTERVAL_MONTHS = 12
# The length a lesson aims for, in words of prose.
LESSON_WORDS = (400, 900)


def _months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    # A day the earlier month lacks (the 31st...) falls back to that month's last day.
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def sources_to_check(
    *, today: datetime.date | None = None, months: int = CHECK_INTERVAL_MONTHS
) -> QuerySet[Source]:
    """Sources (every language's row) last checked ``months`` months or more before ``today``,
    the oldest check first."""
    today = today or timezone.localdate()
    return (
        Source.objects.filter(checked__lte=_months_before(today, months))
        .select_related("locale")
        .order_by("checked", "key", "locale__language_code")
    )


# -- Lesson figures ---------------------------------------------------------------------------

# Struct fields that hold settings, not prose.
_NOT_PROSE = frozenset({"kind", "level", "correct"})


def _readability(language: str) -> textstatistics:
    scorer = textstatistics()
    scorer.set_lang(language)
    return scorer


_SCORERS = {language: _readability(language) for language in ("en", "fr")}


def _prose(value, *, block_type: str = "") -> list[str]:
    """The text of a StreamField value in raw form (markup removed), in document order."""
    if block_type == "sources":
        return []
    if isinstance(value, str):
        return [unescape(strip_tags(value))]
    if isinstance(value, dict):
        if "type" in value and "value" in value:
            return _prose(value["value"], block_type=value["type"])
        return [
            text
            for name, child in value.items()
            if name not in _NOT_PROSE
            for text in _prose(child)
        ]
    if isinstance(value, list):
        return [text for child in value for text in _prose(child)]
    return []


def word_count(raw_body: list[dict]) -> int:
    """Words of prose in a StreamField body in raw (or data-file) form: every text, markup
    removed, settings and cited sources left out."""
    return len(" ".join(_prose(raw_body)).split())


def _source_ids(raw_body: list[dict]) -> list[int]:
    return [
        item["value"] if isinstance(item, dict) else item
        for block in raw_body
        if block["type"] == "sources"
        for item in block["value"]
    ]


@dataclass(frozen=True)
class LessonReview:
    """A lesson in one language, with the figures editors review it by."""

    lesson: LessonPage
    module_title: str
    words: int
    reading_ease: float | None  # Flesch reading ease for the lesson's language (0-100)
    sources: int
    oldest_check: datetime.date | None

    @property
    def language(self) -> str:
        return self.lesson.locale.language_code

    def check_due(self, *, today: datetime.date) -> bool:
        return self.oldest_check is not None and self.oldest_check <= _months_before(
            today, CHECK_INTERVAL_MONTHS
        )


def lesson_reviews() -> list[LessonReview]:
    """Every lesson in every language with its word count, reading ease (textstat's Flesch
    reading ease, with its French constants for French), the number of sources it cites and
    the date of the oldest check among them; a lesson and its translations side by side, in
    the order of the source-language tree. Three queries."""
    lessons = list(LessonPage.objects.select_related("locale").order_by("path"))
    modules = {
        module.path: module.title
        for module in ModulePage.objects.filter(
            path__in={lesson.path[: -LessonPage.steplen] for lesson in lessons}
        ).only("path", "title")
    }
    raw_bodies = {lesson.pk: list(lesson.body.raw_data) for lesson in lessons}
    cited = {pk: _source_ids(body) for pk, body in raw_bodies.items()}
    checked = dict(
        Source.objects.filter(pk__in={pk for ids in cited.values() for pk in ids}).values_list(
            "pk", "checked"
        )
    )
    source_order = {}
    for lesson in lessons:
        source_order.setdefault(lesson.translation_key, len(source_order))
    reviews = []
    for lesson in lessons:
        text = "\n".join(_prose(raw_bodies[lesson.pk]))
        language = lesson.locale.language_code
        scorer = _SCORERS.get(language)
        checks = [checked[pk] for pk in cited[lesson.pk] if pk in checked]
        reviews.append(
            LessonReview(
                lesson=lesson,
                module_title=modules.get(lesson.path[: -LessonPage.steplen], ""),
                words=word_count(raw_bodies[lesson.pk]),
                reading_ease=round(scorer.flesch_reading_ease(text), 1)
                if scorer and text.strip()
                else None,
                sources=len(checks),
                oldest_check=min(checks, default=None),
            )
        )
    reviews.sort(key=lambda r: (source_order[r.lesson.translation_key], r.language))
    return reviews
