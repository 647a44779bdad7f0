"""Reads of the learning side, scoped to the requesting learner."""

from collections import Counter
from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Avg, Count, F, OuterRef, Q, Subquery
from django.utils import timezone
from wagtail.models import Locale, Page

from courses.models import LessonPage, ModulePage, Question, QuizPage
from courses.selectors import ModuleOutline
from learning.models import AttemptQuestion, Enrolment, LessonProgress, QuizAttempt


@dataclass
class ModuleProgress:
    """One module on a learner's "My learning" page, in the page's language."""

    enrolment: Enrolment
    module: ModulePage
    lessons: list[LessonPage]
    quiz: QuizPage | None
    done_keys: set = field(default_factory=set)
    open_attempt: bool = False

    @property
    def lessons_done(self) -> int:
        return sum(1 for lesson in self.lessons if lesson.translation_key in self.done_keys)

    @property
    def percent(self) -> int:
        if not self.lessons:
            return 100 if self.enrolment.is_complete else 0
        return round(100 * self.lessons_done / len(self.lessons))

    @property
    def next_step(self) -> Page | None:
        """The first unfinished lesson, else the quiz while the module is not complete."""
        for lesson in self.lessons:
            if lesson.translation_key not in self.done_keys:
                return lesson
        return None if self.enrolment.is_complete else self.quiz

    @property
    def state(self) -> str:
        if self.enrolment.is_complete:
            return "completed"
        if self.enrolment.started_at or self.done_keys or self.open_attempt:
            return "in_progress"
        return "not_started"


def _localized_modules(keys, locale: Locale) -> dict:
    return {
        module.translation_key: module
        for module in ModulePage.objects.live().filter(translation_key__in=keys, locale=locale)
    }


def _children_by_parent(model, parents, locale: Locale) -> dict[str, list]:
    """Live ``model`` pages directly below each of ``parents``, by the parent's path."""
    if not parents:
        return {}
    below = reduce(or_, (Q(path__startswith=parent.path) for parent in parents))
    depth = parents[0].depth + 1
    children: dict[str, list] = {parent.path: [] for parent in parents}
    for child in model.objects.live().filter(below, depth=depth, locale=locale).order_by("path"):
        children[child.path[: -Page.steplen]].append(child)
    return children


def learner_modules(*, user, locale: Locale) -> list[ModuleProgress]:
    """The learner's modules with progress, next step and state, in ``locale``. Modules
    without a live page in that language are left out. Six queries, however many modules."""
    enrolments = list(
        Enrolment.objects.filter(user=user).select_related("module").order_by("created_at")
    )
    modules = _localized_modules([e.module.translation_key for e in enrolments], locale)
    lessons = _children_by_parent(LessonPage, list(modules.values()), locale)
    quizzes = _children_by_parent(QuizPage, list(modules.values()), locale)
    done: dict[int, set] = {}
    for enrolment_id, key in LessonProgress.objects.filter(enrolment__user=user).values_list(
        "enrolment_id", "lesson__translation_key"
    ):
        done.setdefault(enrolment_id, set()).add(key)
    open_attempts = set(
        QuizAttempt.objects.filter(
            enrolment__user=user, status=QuizAttempt.Status.IN_PROGRESS
        ).values_list("enrolment_id", flat=True)
    )
    rows = []
    for enrolment in enrolments:
        module = modules.get(enrolment.module.translation_key)
        if module is None:
            continue
        rows.append(
            ModuleProgress(
                enrolment=enrolment,
                module=module,
                lessons=lessons.get(module.path, []),
                quiz=next(iter(quizzes.get(module.path, [])), None),
                done_keys=done.get(enrolment.pk, set()),
                open_attempt=enrolment.pk in open_attempts,
            )
        )
    return rows


def learner_enrolment(*, user, module: ModulePage) -> Enrolment | None:
    """The learner's enrolment in ``module`` (any language of it)."""
    return Enrolment.objects.filter(
        user=user, module__translation_key=module.translation_key
    ).first()


def done_pages(*, enrolment: Enrolment | None, outline: ModuleOutline) -> set[int]:
    """Ids of the outline's pages the learner has finished (lessons done, quiz passed)."""
    if enrolment is None:
        return set()
    keys = set(enrolment.lessons_done.values_list("lesson__translation_key", flat=True))
    return _done_in_outline(outline, enrolment, keys)


def learner_progress(*, user, outline: ModuleOutline) -> tuple[Enrolment | None, set[int]]:
    """The learner's enrolment in the outline's module (any language of it), or None, and the
    ids of the outline's pages they have finished, as ``done_pages`` counts them. One query:
    the enrolment comes once per lesson done."""
    rows = list(
        Enrolment.objects.filter(user=user, module__translation_key=outline.module.translation_key)
        .annotate(done_key=F("lessons_done__lesson__translation_key"))
        .order_by("pk")
    )
    if not rows:
        return None, set()
    enrolment = rows[0]
    keys = {row.done_key for row in rows if row.pk == enrolment.pk and row.done_key}
    return enrolment, _done_in_outline(outline, enrolment, keys)


def _done_in_outline(outline: ModuleOutline, enrolment: Enrolment, keys: set) -> set[int]:
    done = {lesson.pk for lesson in outline.lessons if lesson.translation_key in keys}
    if outline.quiz and enrolment.is_complete:
        done.add(outline.quiz.pk)
    return done


def learner_attempts(*, enrolment: Enrolment | None, kind: str = QuizAttempt.Kind.FINAL):
    if enrolment is None:
        return QuizAttempt.objects.none()
    return enrolment.attempts.filter(kind=kind).order_by("-number")


def learner_attempt(*, user, attempt_id: int) -> QuizAttempt | None:
    """One of the learner's own attempts; None for anyone else's."""
    return (
        QuizAttempt.objects.select_related("enrolment", "quiz")
        .filter(pk=attempt_id, enrolment__user=user)
        .first()
    )


def attempt_display(
    *, attempt: QuizAttempt, locale: Locale
) -> list[tuple[AttemptQuestion, Question]]:
    """The attempt's questions in order, each paired with the version to show in ``locale``
    (its live translation, else the original). Answer keys are shared by every translation,
    so layouts and responses apply to either. Graded items carry the grade of the shown
    version, for its feedback text."""
    items = list(attempt.items.order_by("position").select_related("question"))
    keys = [item.question.translation_key for item in items]
    translated = {
        q.translation_key: q
        for q in Question.load_children(
            Question.objects.filter(translation_key__in=keys, locale=locale, live=True)
        )
    }
    originals = {
        q.pk: q
        for q in Question.load_children(
            Question.objects.filter(pk__in=[item.question_id for item in items])
        )
    }
    return [
        (item, translated.get(item.question.translation_key) or originals[item.question_id])
        for item in items
    ]


def seconds_left(attempt: QuizAttempt) -> int | None:
    if attempt.deadline is None:
        return None
    return max(0, int((attempt.deadline - timezone.now()).total_seconds()))


# -- Evaluation (editors) -------------------------------------------------------------------

# Upper and lower groups for the discrimination index: the classic 27% of attempts.
DISCRIMINATION_GROUP = 0.27


@dataclass
class QuestionAnalysis:
    question: Question
    answered: int = 0
    correct: int = 0
    discrimination: float | None = None
    wrong_choice: str = ""
    wrong_choice_count: int = 0

    @property
    def percent_correct(self) -> float | None:
        return round(100 * self.correct / self.answered, 1) if self.answered else None


@dataclass
class QuizAnalysis:
    quiz: QuizPage
    attempts: int
    questions: list[QuestionAnalysis]


def quiz_item_analysis(*, quiz: QuizPage) -> QuizAnalysis:
    """Item analysis of a quiz's graded final attempts. Each attempt may draw a different
    subset of the bank, so every figure of a question is computed over the attempts that drew
    it: how many answered, the share with full marks (facility), the discrimination index
    (share correct in the top 27% of those attempts by score minus the share in their bottom
    27%), and the wrong answer chosen most often."""
    scores = dict(
        QuizAttempt.objects.filter(
            quiz=quiz, kind=QuizAttempt.Kind.FINAL, status=QuizAttempt.Status.SUBMITTED
        ).values_list("pk", "score")
    )
    questions = {
        q.pk: QuestionAnalysis(question=q)
        for q in Question.load_children(Question.objects.filter(quiz=quiz).order_by("sort_order"))
    }
    drawn: dict[int, list[tuple[int, bool]]] = {pk: [] for pk in questions}
    wrong: dict[int, Counter] = {pk: Counter() for pk in questions}
    rows = AttemptQuestion.objects.filter(attempt_id__in=list(scores)).values_list(
        "attempt_id", "question_id", "fraction", "response"
    )
    for attempt_id, question_id, fraction, response in rows.iterator(chunk_size=2000):
        analysis = questions.get(question_id)
        if analysis is None:
            continue
        full = fraction == 1
        analysis.answered += 1
        analysis.correct += full
        drawn[question_id].append((attempt_id, full))
        if response is not None and not full:
            for row in analysis.question.grade(response).rows:
                if row.chosen and not row.correct:
                    wrong[question_id][row.text] += 1
    for pk, analysis in questions.items():
        answers = sorted(drawn[pk], key=lambda pair: (-scores[pair[0]], pair[0]))
        if answers:
            group = max(1, round(len(answers) * DISCRIMINATION_GROUP))
            upper, lower = answers[:group], answers[-group:]
            analysis.discrimination = round(
                sum(full for _a, full in upper) / len(upper)
                - sum(full for _a, full in lower) / len(lower),
                2,
            )
        if wrong[pk]:
            analysis.wrong_choice, analysis.wrong_choice_count = wrong[pk].most_common(1)[0]
    return QuizAnalysis(quiz=quiz, attempts=len(scores), questions=list(questions.values()))


@dataclass
class KnowledgeGain:
    module: ModulePage
    learners: int
    pre_check: float | None
    final: float | None

    @property
    def gain(self) -> float | None:
        if self.pre_check is None or self.final is None:
            return None
        return round(self.final - self.pre_check, 1)


def knowledge_gain(*, module: ModulePage) -> KnowledgeGain:
    """Average score before the lessons (pre-check) and on the first graded final attempt, for
    the learners who took both."""
    submitted = QuizAttempt.objects.filter(
        enrolment=OuterRef("pk"), status=QuizAttempt.Status.SUBMITTED
    )
    pre = submitted.filter(kind=QuizAttempt.Kind.PRE_CHECK).order_by("number").values("score")[:1]
    final = submitted.filter(kind=QuizAttempt.Kind.FINAL).order_by("number").values("score")[:1]
    both = (
        Enrolment.objects.filter(module=module)
        .annotate(pre=Subquery(pre), final=Subquery(final))
        .filter(pre__isnull=False, final__isnull=False)
    )
    totals = both.aggregate(learners=Count("pk"), pre_avg=Avg("pre"), final_avg=Avg("final"))
    return KnowledgeGain(
        module=module,
        learners=totals["learners"],
        pre_check=round(float(totals["pre_avg"]), 1) if totals["pre_avg"] is not None else None,
        final=round(float(totals["final_avg"]), 1) if totals["final_avg"] is not None else None,
    )
