"""What learners have on authored content: the records that make deleting or unpublishing a
lesson, quiz, module or question a decision, not a click."""

from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import ngettext
from wagtail.models import Page

from learning.models import (
    Assignment,
    Enrolment,
    LessonProgress,
    QuizAttempt,
    SurveyResponse,
)


@dataclass(frozen=True)
class LearnerRecords:
    """Counts of learner records on some content, in every language."""

    enrolments: int = 0
    progress: int = 0
    attempts: int = 0
    assignments: int = 0
    certificates: int = 0
    survey_responses: int = 0

    def __bool__(self) -> bool:
        return any(
            (
                self.enrolments,
                self.progress,
                self.attempts,
                self.assignments,
                self.certificates,
                self.survey_responses,
            )
        )

    def phrases(self) -> list[str]:
        """Each non-zero count as words, e.g. "2 assignments"."""
        counts = [
            (self.enrolments, ngettext("%(n)s enrolment", "%(n)s enrolments", self.enrolments)),
            (
                self.progress,
                ngettext(
                    "%(n)s completed lesson record",
                    "%(n)s completed lesson records",
                    self.progress,
                ),
            ),
            (self.attempts, ngettext("%(n)s quiz attempt", "%(n)s quiz attempts", self.attempts)),
            (
                self.assignments,
                ngettext("%(n)s assignment", "%(n)s assignments", self.assignments),
            ),
            (
                self.certificates,
                ngettext("%(n)s certificate", "%(n)s certificates", self.certificates),
            ),
            (
                self.survey_responses,
                ngettext("%(n)s survey response", "%(n)s survey responses", self.survey_responses),
            ),
        ]
        return [phrase % {"n": count} for count, phrase in counts if count]


def _with_translations(pages) -> list[int]:
    return list(
        Page.objects.filter(translation_key__in=pages.values("translation_key")).values_list(
            "pk", flat=True
        )
    )


def page_learner_records(*, page: Page, descendants: bool = True) -> LearnerRecords:
    """Learner records on ``page`` (and, with ``descendants``, the pages below it), in every
    language: what deleting it would destroy, or unpublishing it would hide. Seven queries."""
    pages = (
        Page.objects.descendant_of(page, inclusive=True)
        if descendants
        else Page.objects.filter(pk=page.pk)
    )
    ids = _with_translations(pages)
    enrolments = Enrolment.objects.filter(module_id__in=ids).aggregate(
        enrolments=Count("pk", distinct=True), certificates=Count("certificates", distinct=True)
    )
    return LearnerRecords(
        enrolments=enrolments["enrolments"],
        certificates=enrolments["certificates"],
        progress=LessonProgress.objects.filter(lesson_id__in=ids).count(),
        attempts=QuizAttempt.objects.filter(quiz_id__in=ids).count(),
        assignments=Assignment.objects.filter(module_id__in=ids).count(),
        survey_responses=SurveyResponse.objects.filter(module_id__in=ids).count(),
    )


def question_learner_records(*, questions) -> LearnerRecords:
    """Learner records on ``questions`` in every language: the attempts that asked them."""
    keys = [question.translation_key for question in questions]
    return LearnerRecords(
        attempts=QuizAttempt.objects.filter(items__question__translation_key__in=keys)
        .distinct()
        .count()
    )
