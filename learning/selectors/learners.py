"""One learner as their employer (and its SPO) sees them: modules, attempts, reminders and
the assignments that apply, on the learner page; and module links for emails."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils import timezone

from courses.models import LessonPage, ModulePage
from learning.models import Assignment, Enrolment, Organization, QuizAttempt, ReminderSent, User
from learning.selectors.dashboards import Status, enrolment_status, module_titles
from learning.selectors.organizations import employer_learner

# The reminders shown on a learner page, newest first.
REMINDERS_SHOWN = 20


class ModuleLink(NamedTuple):
    title: str
    url: str


def module_links(
    modules: Iterable[ModulePage], languages: Iterable[str]
) -> dict[tuple[int, str], ModuleLink]:
    """Each source module's title and absolute URL in each of ``languages`` (its live
    translation's, else the module's own), by (module id, language). One query, whatever the
    number of modules and languages."""
    modules, languages = list(modules), set(languages)
    translated = {
        (page.translation_key, page.locale.language_code): page
        for page in ModulePage.objects.live()
        .filter(
            translation_key__in={module.translation_key for module in modules},
            locale__language_code__in=languages,
        )
        .select_related("locale")
    }
    links = {}
    for module in modules:
        for language in languages:
            page = translated.get((module.translation_key, language), module)
            links[module.pk, language] = ModuleLink(
                page.title, settings.SITE_URL + (page.get_url() or "")
            )
    return links


@dataclass
class ModuleRecord:
    """One enrolment on the learner page."""

    enrolment: Enrolment
    title: str
    status: Status
    lessons_done: int
    lessons_total: int
    attempts: list[QuizAttempt] = field(default_factory=list)
    extra: list = field(default_factory=list)

    @property
    def best_score(self) -> Decimal | None:
        scores = [a.score for a in self.attempts if a.score is not None]
        return max(scores) if scores else None


@dataclass
class LearnerRecord:
    learner: User
    modules: list[ModuleRecord]
    assignments: list[Assignment]
    reminders: list[ReminderSent]

    @property
    def overdue(self) -> int:
        return sum(1 for module in self.modules if module.status == Status.OVERDUE)


def _lesson_totals(modules: list[ModulePage]) -> dict[int, int]:
    """Live lessons of each module, by module id. One query."""
    paths = {module.path: module.pk for module in modules}
    totals = dict.fromkeys(paths.values(), 0)
    if not paths:
        return totals
    condition = Q()
    for path in paths:
        condition |= Q(path__startswith=path)
    for path in LessonPage.objects.live().filter(condition).values_list("path", flat=True):
        module_id = paths.get(path[: -LessonPage.steplen])
        if module_id is not None:
            totals[module_id] += 1
    return totals


def learner_record(
    *, employer: Organization, user_id: int, language: str, today: datetime.date | None = None
) -> LearnerRecord | None:
    """The learner ``user_id`` of ``employer`` with their modules (in catalogue order, titled
    in ``language``), final attempts, the last ``REMINDERS_SHOWN`` reminders and the
    employer's assignments that apply to them; None when they are not the employer's
    learner. Seven queries."""
    learner = employer_learner(employer=employer, user_id=user_id)
    if learner is None:
        return None
    today = today or timezone.localdate()
    titles = module_titles(language=language)
    enrolments = list(
        Enrolment.objects.filter(user=learner)
        .select_related("module", "assignment__assigned_by_organization")
        .annotate(
            done=Count(
                "lessons_done",
                filter=Q(restarted_at__isnull=True)
                | Q(lessons_done__completed_at__gte=F("restarted_at")),
            )
        )
        .order_by("module__path")
    )
    totals = _lesson_totals([e.module for e in enrolments])
    attempts: dict[int, list[QuizAttempt]] = {}
    for attempt in QuizAttempt.objects.filter(
        enrolment__in=enrolments, kind=QuizAttempt.Kind.FINAL
    ).order_by("started_at", "pk"):
        attempts.setdefault(attempt.enrolment_id, []).append(attempt)
    modules = [
        ModuleRecord(
            enrolment=e,
            title=titles[e.module_id].title if e.module_id in titles else e.module.title,
            status=enrolment_status(
                completed_at=e.completed_at,
                due_on=e.due_on,
                started_at=e.started_at,
                today=today,
            ),
            lessons_done=e.done,
            lessons_total=totals.get(e.module_id, 0),
            attempts=attempts.get(e.pk, []),
        )
        for e in enrolments
    ]
    assignments = list(
        Assignment.objects.filter(employer=employer)
        .filter(Q(all_learners=True) | Q(learners=learner))
        .select_related("assigned_by_organization", "assigned_by", "module")
        .order_by("-created_at", "-pk")
        .distinct()
    )
    for assignment in assignments:
        module = titles.get(assignment.module_id)
        assignment.title = module.title if module else assignment.module.title
    reminders = list(
        ReminderSent.objects.filter(recipient=learner).order_by("-sent_at", "-pk")[:REMINDERS_SHOWN]
    )
    return LearnerRecord(
        learner=learner, modules=modules, assignments=assignments, reminders=reminders
    )
