"""Reads of authored content: the catalogue, module outlines, and translation status."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale, Page, TranslatableMixin
from wagtail_localize.models import StringSegment, StringTranslation, TranslationSource
from wagtail_localize.segments.extract import extract_segments

from courses.models import (
    LessonPage,
    ModuleIndexPage,
    ModulePage,
    ProgramModule,
    ProgramPage,
    Question,
    QuizPage,
)

# -- Catalogue and outlines ---------------------------------------------------------------


def _child_count(model, *, live: bool = True) -> Subquery:
    """A subquery counting ``model`` pages directly below the outer page."""
    children = model.objects.filter(path__startswith=OuterRef("path"), depth=OuterRef("depth") + 1)
    if live:
        children = children.filter(live=True)
    counted = children.order_by().values("depth").annotate(count=Count("pk")).values("count")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def catalogue_modules(*, index: ModuleIndexPage) -> QuerySet[ModulePage]:
    """Live, public modules in the catalogue ``index``, in editorial order, each annotated
    with ``lesson_count``. One query."""
    return (
        ModulePage.objects.live()
        .public()
        .child_of(index)
        .select_related("cover_image", "locale")
        .annotate(lesson_count=_child_count(LessonPage))
        .order_by("path")
    )


def catalogue_programs(*, index: ModuleIndexPage) -> QuerySet[ProgramPage]:
    return (
        ProgramPage.objects.live()
        .public()
        .child_of(index)
        .annotate(module_count=Count("program_modules"))
        .order_by("path")
    )


def module_catalogue(*, locale: Locale) -> ModuleIndexPage | None:
    """The live catalogue page of ``locale``."""
    return ModuleIndexPage.objects.live().filter(locale=locale).first()


@dataclass
class ModuleOutline:
    """A module, its live lessons in order, its quiz, and where ``current`` sits among them."""

    module: ModulePage
    lessons: list[LessonPage]
    quiz: QuizPage | None
    current: Page | None = None
    steps: list[Page] = field(default_factory=list)

    @property
    def position(self) -> int | None:
        for index, step in enumerate(self.steps):
            if self.current is not None and step.pk == self.current.pk:
                return index
        return None

    @property
    def previous(self) -> Page | None:
        index = self.position
        return self.steps[index - 1] if index else None

    @property
    def next(self) -> Page | None:
        index = self.position
        if index is None:
            return self.steps[0] if self.steps else None
        return self.steps[index + 1] if index + 1 < len(self.steps) else None

    @property
    def estimated_minutes(self) -> int:
        return sum(lesson.estimated_minutes for lesson in self.lessons)


def module_outline(*, page: Page) -> ModuleOutline:
    """The outline of the module ``page`` is, or belongs to. One query for a page that was
    routed to (its module came with it and already holds its steps), three at most else."""
    module = page if isinstance(page, ModulePage) else page.get_parent().specific
    lessons = [step for step in module.live_steps if isinstance(step, LessonPage)]
    quiz = next((step for step in module.live_steps if isinstance(step, QuizPage)), None)
    steps = [*lessons, *([quiz] if quiz else [])]
    current = None if page is module else page
    return ModuleOutline(module=module, lessons=lessons, quiz=quiz, current=current, steps=steps)


def program_modules(*, program: ProgramPage) -> list[ModulePage]:
    """The live modules of ``program`` in its own language, in the program's order."""
    keys = list(
        ProgramModule.objects.filter(program=program)
        .order_by("sort_order")
        .values_list("module__translation_key", flat=True)
    )
    modules = {
        module.translation_key: module
        for module in ModulePage.objects.live().filter(
            translation_key__in=keys, locale_id=program.locale_id
        )
    }
    return [modules[key] for key in keys if key in modules]


def quiz_questions(*, quiz: QuizPage) -> list[Question]:
    """The live questions in ``quiz``'s bank, with what they need to show and grade
    themselves: one query per question type and per answer relation."""
    return Question.load_children(
        Question.objects.filter(quiz=quiz, live=True).order_by("sort_order", "pk")
    )


# -- Translation status -------------------------------------------------------------------


class TranslationState:
    UP_TO_DATE = "up_to_date"
    OUTDATED = "outdated"
    INCOMPLETE = "incomplete"
    DRAFT = "draft"
    UNPUBLISHED_CHANGES = "unpublished_changes"
    MISSING = "missing"
    ALIAS = "alias"

    LABELS = {
        UP_TO_DATE: _("Up to date"),
        OUTDATED: _("Out of date: the source changed"),
        INCOMPLETE: _("Untranslated text"),
        DRAFT: _("Not published"),
        UNPUBLISHED_CHANGES: _("Translation updated but not yet published"),
        MISSING: _("Not translated"),
        ALIAS: _("Alias: the source language's text is live"),
    }


@dataclass(frozen=True)
class TranslationStatus:
    """Where one object stands in one target language."""

    source: TranslatableMixin
    locale: Locale
    state: str
    target: TranslatableMixin | None = None
    untranslated: int = 0

    @property
    def label(self):
        return TranslationState.LABELS[self.state]

    @property
    def ok(self) -> bool:
        return self.state == TranslationState.UP_TO_DATE


def _published_at(obj):
    return getattr(obj, "last_published_at", None)


def _is_live(obj) -> bool:
    return getattr(obj, "live", True)


def translation_statuses(
    objects: list[TranslatableMixin], *, locales: list[Locale] | None = None
) -> list[TranslationStatus]:
    """The status of each source object in each other site language.

    A translation is up to date when it is live, its text is fully translated, and it was
    published after the latest sync from a source that has not changed since. Objects of one
    model class per call. Three queries.
    """
    if not objects:
        return []
    model = type(objects[0])
    if locales is None:
        locales = list(Locale.objects.filter(language_code__in=dict(settings.LANGUAGES)))
    keys = [obj.translation_key for obj in objects]
    base = model._meta.concrete_model if not issubclass(model, Page) else Page
    manager = (
        base.objects.non_polymorphic() if hasattr(base.objects, "non_polymorphic") else base.objects
    )
    targets = {
        (t.translation_key, t.locale_id): t
        for t in manager.filter(translation_key__in=keys).exclude(
            pk__in=[obj.pk for obj in objects]
        )
    }
    sources = {
        (s.object_id, s.locale_id): s for s in TranslationSource.objects.filter(object_id__in=keys)
    }
    untranslated = _untranslated_counts(list(sources.values()), locales)
    changed = _changed_since_sync(objects, sources)

    statuses = []
    for obj in objects:
        source = sources.get((obj.translation_key, obj.locale_id))
        for locale in locales:
            if locale.pk == obj.locale_id:
                continue
            target = targets.get((obj.translation_key, locale.pk))
            missing = untranslated.get((source.pk, locale.pk), 0) if source else 0
            statuses.append(
                TranslationStatus(
                    source=obj,
                    locale=locale,
                    target=target,
                    untranslated=missing,
                    state=_state(obj, source, target, missing, changed=obj.pk in changed),
                )
            )
    return statuses


def _changed_since_sync(objects, sources) -> set[int]:
    """Ids of the objects whose translatable text differs from what their translations were
    last synced with (compared text by text, not by dates: publishing unchanged text, or
    syncing a draft before its first publication, changes nothing)."""
    synced: dict[int, set] = defaultdict(set)
    source_ids = [source.pk for source in sources.values()]
    for source_id, path, text in StringSegment.objects.filter(source_id__in=source_ids).values_list(
        "source_id", "context__path", "string__data"
    ):
        synced[source_id].add((path, text))
    pages = [obj.pk for obj in objects if isinstance(obj, Page)]
    specific = {page.pk: page for page in Page.objects.filter(pk__in=pages).specific()}
    changed = set()
    for obj in objects:
        source = sources.get((obj.translation_key, obj.locale_id))
        if source is None:
            continue
        instance = specific.get(obj.pk) if isinstance(obj, Page) else _real_instance(obj)
        current = {
            (segment.path, segment.string.data)
            for segment in extract_segments(instance)
            if hasattr(segment, "string")
        }
        if current != synced[source.pk]:
            changed.add(obj.pk)
    return changed


def _real_instance(obj):
    return obj.get_real_instance() if hasattr(obj, "get_real_instance") else obj


def _state(obj, source, target, untranslated: int, *, changed: bool = False) -> str:
    if target is None:
        return TranslationState.MISSING
    if getattr(target, "alias_of_id", None):
        return TranslationState.ALIAS
    if source is not None:
        if changed:
            return TranslationState.OUTDATED
        if untranslated:
            return TranslationState.INCOMPLETE
    if not _is_live(target):
        return TranslationState.DRAFT
    synced = source.last_updated_at if source is not None else _published_at(obj)
    target_published = _published_at(target)
    # A sync that brought no change leaves no draft behind: nothing is waiting then.
    waiting = getattr(target, "has_unpublished_changes", True)
    if synced and target_published and target_published < synced and waiting:
        return TranslationState.UNPUBLISHED_CHANGES
    return TranslationState.UP_TO_DATE


def _untranslated_counts(sources, locales) -> dict[tuple[int, int], int]:
    """Untranslated string segments per (translation source, locale), in one query."""
    if not sources:
        return {}
    counts = defaultdict(int)
    for locale in locales:
        rows = (
            StringSegment.objects.filter(source__in=sources)
            .exclude(source__locale=locale)
            .annotate(
                done=Exists(
                    StringTranslation.objects.filter(
                        translation_of_id=OuterRef("string_id"),
                        context_id=OuterRef("context_id"),
                        locale=locale,
                        has_error=False,
                    )
                )
            )
            .filter(done=False)
            .values("source_id")
            .annotate(missing=Count("pk"))
        )
        for row in rows:
            counts[(row["source_id"], locale.pk)] += row["missing"]
    return dict(counts)


@dataclass
class ModuleTranslationReport:
    """One module's translation status: its own pages and its quiz questions."""

    module: ModulePage
    statuses: list[TranslationStatus]

    def for_locale(self, locale: Locale) -> list[TranslationStatus]:
        return [status for status in self.statuses if status.locale.pk == locale.pk]

    def state(self, locale: Locale) -> str:
        """The worst state among the module's pages and questions in ``locale``."""
        order = [
            TranslationState.MISSING,
            TranslationState.ALIAS,
            TranslationState.OUTDATED,
            TranslationState.INCOMPLETE,
            TranslationState.DRAFT,
            TranslationState.UNPUBLISHED_CHANGES,
            TranslationState.UP_TO_DATE,
        ]
        states = {status.state for status in self.for_locale(locale)}
        return next((state for state in order if state in states), TranslationState.UP_TO_DATE)


def source_locale() -> Locale:
    return Locale.objects.get(language_code=settings.LANGUAGE_CODE)


def module_translation_reports() -> list[ModuleTranslationReport]:
    """Every module in the source language, with the status of its pages and questions."""
    source = source_locale()
    modules = list(ModulePage.objects.filter(locale=source).order_by("path"))
    if not modules:
        return []
    below = Q(*[Q(path__startswith=m.path) for m in modules], _connector=Q.OR)
    pages = list(Page.objects.filter(below, locale=source))
    quiz_below = Q(*[Q(quiz__path__startswith=m.path) for m in modules], _connector=Q.OR)
    questions = list(
        Question.objects.non_polymorphic().filter(quiz_below, locale=source).select_related("quiz")
    )
    statuses = translation_statuses(pages) + translation_statuses(questions)
    reports = []
    for module in modules:
        own = [status for status in statuses if _module_path(status.source).startswith(module.path)]
        reports.append(ModuleTranslationReport(module=module, statuses=own))
    return reports


def _module_path(obj) -> str:
    if isinstance(obj, Page):
        return obj.path
    return obj.quiz.path


def orphaned_translations() -> list[TranslatableMixin]:
    """Pages and questions in another language whose source-language page or question no
    longer exists: nothing syncs them any more. Two queries."""
    source = source_locale()
    pages = (
        Page.objects.filter(depth__gt=1)
        .exclude(locale=source)
        .exclude(translation_key__in=Page.objects.filter(locale=source).values("translation_key"))
        .select_related("locale")
        .order_by("path")
    )
    questions = (
        Question.objects.non_polymorphic()
        .exclude(locale=source)
        .exclude(
            translation_key__in=Question.objects.filter(locale=source).values("translation_key")
        )
        .select_related("locale")
        .order_by("pk")
    )
    return [*pages, *questions]


def live_translation_problems() -> list[TranslationStatus]:
    """Every live page (and live quiz question) in the source language whose translation
    into another site language is not live and up to date."""
    source = source_locale()
    pages = list(Page.objects.live().filter(locale=source, depth__gt=1).specific())
    questions = list(
        Question.objects.non_polymorphic()
        .filter(live=True, locale=source, quiz__live=True)
        .select_related("quiz")
    )
    return [
        status
        for status in translation_statuses(pages) + translation_statuses(questions)
        if not status.ok
    ]
