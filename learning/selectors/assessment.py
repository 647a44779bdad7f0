"""Reads for certification: lessons to review after a failed attempt, the attempt record
auditors and SPO managers read, and knowledge gain per lesson."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet
from wagtail.models import Locale, Page

from courses.models import LessonPage, ModulePage
from learning.models import AttemptQuestion, Enrolment, Organization, QuizAttempt, User
from learning.selectors.organizations import is_spo_manager, partner_employer

# Below this many learners a per-lesson figure could point at a person: it is not shown.
MIN_LEARNERS = 5


def _localized_pages(pages: list[Page], locale: Locale) -> dict[int, Page]:
    """Each page's live translation in ``locale`` (itself when there is none), by pk."""
    translated = {
        page.translation_key: page
        for page in LessonPage.objects.live().filter(
            locale=locale, translation_key__in=[page.translation_key for page in pages]
        )
    }
    return {page.pk: translated.get(page.translation_key, page) for page in pages}


def review_lessons(*, attempt: QuizAttempt, locale: Locale) -> dict[int, LessonPage]:
    """For each graded question of ``attempt`` that did not earn full marks (by item pk), the
    lesson to review, in ``locale`` where it is translated."""
    items = list(
        attempt.items.filter(fraction__lt=1, question__lesson__isnull=False).values_list(
            "pk", "question__lesson_id"
        )
    )
    lessons = {page.pk: page for page in LessonPage.objects.filter(pk__in={pk for _i, pk in items})}
    localized = _localized_pages(list(lessons.values()), locale)
    return {item: localized[lesson] for item, lesson in items if lesson in localized}


# -- The attempt record ---------------------------------------------------------------------


def partner_learner(*, user, spo: Organization, employer_id: int, learner_id: int) -> User | None:
    """A learner of one of ``spo``'s active partner employers, for a manager of ``spo``;
    None for anyone else (the view answers 404)."""
    if not is_spo_manager(user=user, spo=spo):
        return None
    employer = partner_employer(spo=spo, employer_id=employer_id)
    if employer is None:
        return None
    from learning.selectors.organizations import employer_learner

    return employer_learner(employer=employer, user_id=learner_id)


def attempt_records(*, learner: User) -> QuerySet[QuizAttempt]:
    """Every final attempt of ``learner`` with what an auditor needs: the questions drawn in
    order with the answers and grades, the policy in force, the times, the score and the
    statement. The caller has already checked that it may see ``learner``."""
    return (
        QuizAttempt.objects.filter(enrolment__user=learner, kind=QuizAttempt.Kind.FINAL)
        .select_related("enrolment__module", "quiz")
        .order_by("enrolment__module__path", "number")
    )


def learner_enrolments(*, learner: User) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(user=learner).select_related("module").order_by("module__path")


# -- Knowledge gain per lesson --------------------------------------------------------------


@dataclass
class LessonGain:
    """Pre-check and first final scores (percent of points) on one lesson's questions, for
    the learners who met that lesson in both. Figures are None below MIN_LEARNERS."""

    lesson: LessonPage
    learners: int
    pre_check: float | None = None
    final: float | None = None

    @property
    def hidden(self) -> bool:
        return self.learners < MIN_LEARNERS

    @property
    def gain(self) -> float | None:
        if self.pre_check is None or self.final is None:
            return None
        return round(self.final - self.pre_check, 1)


def knowledge_gain_by_lesson(*, module: ModulePage) -> list[LessonGain]:
    """Per lesson of ``module`` (source language): the average share of points on its
    questions in each learner's pre-check and first graded final attempt, over the learners
    whose two attempts both asked about it. Three queries."""
    attempts = (
        QuizAttempt.objects.filter(enrolment__module=module, status=QuizAttempt.Status.SUBMITTED)
        .order_by("enrolment_id", "kind", "number")
        .values_list("pk", "enrolment_id", "kind")
    )
    first: dict[tuple[int, str], int] = {}
    for pk, enrolment_id, kind in attempts:
        first.setdefault((enrolment_id, kind), pk)
    kinds = {pk: (enrolment, kind) for (enrolment, kind), pk in first.items()}
    # points earned and possible, per (enrolment, lesson, kind)
    totals: dict[tuple[int, int, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    rows = AttemptQuestion.objects.filter(
        attempt_id__in=list(kinds), question__lesson__isnull=False
    ).values_list("attempt_id", "question__lesson_id", "points", "question__points")
    for attempt_id, lesson_id, points, possible in rows:
        enrolment, kind = kinds[attempt_id]
        total = totals[(enrolment, lesson_id, kind)]
        total[0] += float(points or 0)
        total[1] += possible
    per_lesson: dict[int, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for (enrolment, lesson_id, kind), (earned, possible) in list(totals.items()):
        final = totals.get((enrolment, lesson_id, QuizAttempt.Kind.FINAL))
        if kind != QuizAttempt.Kind.PRE_CHECK or final is None or not possible or not final[1]:
            continue
        per_lesson[lesson_id]["pre"].append(100 * earned / possible)
        per_lesson[lesson_id]["final"].append(100 * final[0] / final[1])
    gains = []
    for lesson in LessonPage.objects.child_of(module).order_by("path"):
        scores = per_lesson.get(lesson.pk, {"pre": [], "final": []})
        gain = LessonGain(lesson=lesson, learners=len(scores["pre"]))
        if not gain.hidden:
            gain.pre_check = round(sum(scores["pre"]) / gain.learners, 1)
            gain.final = round(sum(scores["final"]) / gain.learners, 1)
        gains.append(gain)
    return gains
