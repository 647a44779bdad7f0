"""Writes for authored content: importing modules from data files, translating quiz questions,
and the editorial groups."""

import datetime
import uuid
from collections.abc import Iterable

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
)
from wagtail_localize.models import Translation
from wagtail_localize.operations import TranslationCreator

from cms.services import TranslationImportError, block_id, stream_data, translation_import
from courses.models import (
    Choice,
    LessonPage,
    MatchingPair,
    MatchingQuestion,
    ModuleIndexPage,
    ModulePage,
    MultipleChoiceQuestion,
    OrderingItem,
    OrderingQuestion,
    Question,
    QuizPage,
    SingleChoiceQuestion,
    Source,
    TrueFalseQuestion,
)
from courses.models.questions import QUESTION_TYPES

# -- Publishing -----------------------------------------------------------------------------


def revision_publish(obj, *, user=None):
    """Save a revision of ``obj`` and publish it, as the admin's "Publish" button does."""
    revision = obj.save_revision(user=user)
    revision.publish(user=user)
    obj.refresh_from_db()
    return obj


# -- Importing modules from data files ------------------------------------------------------


def _module_fields(data: dict, *, key: str) -> dict:
    return {
        "title": data["title"],
        "slug": data["slug"],
        "summary": data["summary"].strip(),
        "audience": data["audience"].strip(),
        "learning_objectives": stream_data(
            [{"type": "objective", "value": text.strip()} for text in data["learning_objectives"]],
            key=f"{key}/objectives",
        ),
        "estimated_minutes": data["estimated_minutes"],
        "certificate_validity_months": data["certificate_validity_months"],
        "pass_mark": data["pass_mark"],
        "content_last_reviewed": _date(data["content_last_reviewed"]),
        "version": data["version"],
    }


def _date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(value)


def _lesson_fields(data: dict, *, key: str, sources: dict[str, Source]) -> dict:
    return {
        "title": data["title"],
        "slug": data["slug"],
        "summary": data.get("summary", "").strip(),
        "estimated_minutes": data["estimated_minutes"],
        "body": stream_data(_with_source_ids(data["body"], sources=sources), key=key),
    }


def _with_source_ids(body: list[dict], *, sources: dict[str, Source]) -> list[dict]:
    """The lesson body with each ``sources`` block's keys replaced by the sources' ids."""
    resolved = []
    for block in body:
        if block["type"] == "sources":
            unknown = [key for key in block["value"] if key not in sources]
            if unknown:
                raise TranslationImportError(f"unknown sources cited: {', '.join(unknown)}")
            block = {**block, "value": [sources[key].pk for key in block["value"]]}
        resolved.append(block)
    return resolved


def _source_translation_key(key: str) -> uuid.UUID:
    return uuid.UUID(block_id("source", key))


@transaction.atomic
def sources_import(*, entries: list[dict], locale: Locale) -> dict[str, Source]:
    """Create the sources of a data file's ``sources:`` list that ``locale`` lacks; returns
    every listed source of ``locale`` by key.

    The rows of one source in every language share a translation key derived from its ``key``,
    so that a lesson's translation cites the same sources in its own language. Existing rows
    are left as they are (editors maintain them in the admin).

    Raises ValidationError when an entry breaks a rule (a tracking parameter in its address...).
    """
    found = {
        s.key: s for s in Source.objects.filter(locale=locale, key__in=[e["key"] for e in entries])
    }
    for entry in entries:
        if entry["key"] in found:
            continue
        source = Source(
            key=entry["key"],
            locale=locale,
            translation_key=_source_translation_key(entry["key"]),
            title=entry["title"].strip(),
            publisher=entry["publisher"].strip(),
            year=entry["year"],
            url=entry["url"].strip(),
            language=entry["language"],
            checked=_date(entry["checked"]),
        )
        source.full_clean()
        source.save()
        found[source.key] = source
    return found


QUIZ_SLUGS = {"en": "assessment", "fr": "evaluation"}


def _quiz_fields(data: dict, *, language: str) -> dict:
    return {
        "title": data["title"],
        "slug": data.get("slug") or QUIZ_SLUGS.get(language, "quiz"),
        "intro": data.get("intro", "").strip(),
        "pass_mark": data.get("pass_mark"),
    }


def _question(data: dict, *, source: Question | None = None) -> Question:
    """An unsaved question (with its answers in memory) built from one data-file entry.

    With ``source``, the answers take the translation keys of the source's answers so the two
    pair up for translation.
    """
    common = {
        "prompt": data["prompt"].strip(),
        "explanation": data.get("explanation", "").strip(),
        "points": data.get("points", 1),
    }
    kind = data["type"]
    if kind in ("single_choice", "multiple_choice"):
        model = SingleChoiceQuestion if kind == "single_choice" else MultipleChoiceQuestion
        question = model(**common)
        question.choices = [
            Choice(text=c["text"].strip(), is_correct=bool(c["correct"]), feedback=c["feedback"])
            for c in data["choices"]
        ]
    elif kind == "true_false":
        question = TrueFalseQuestion(
            **common,
            correct_answer=bool(data["correct"]),
            feedback_true=data["feedback_true"].strip(),
            feedback_false=data["feedback_false"].strip(),
        )
    elif kind == "ordering":
        question = OrderingQuestion(**common)
        question.items = [
            OrderingItem(text=i["text"].strip(), feedback=i["feedback"].strip())
            for i in data["items"]
        ]
    elif kind == "matching":
        question = MatchingQuestion(**common)
        question.pairs = [
            MatchingPair(
                left=p["left"].strip(), right=p["right"].strip(), feedback=p["feedback"].strip()
            )
            for p in data["pairs"]
        ]
    else:
        raise TranslationImportError(f"unknown question type {kind!r}")
    if source is not None:
        question.quiz_id = source.quiz_id
        question.lesson_id = source.lesson_id
        relation = source.answer_relation
        if relation:
            mine, theirs = getattr(question, relation).all(), getattr(source, relation).all()
            if len(mine) != len(theirs):
                raise TranslationImportError(f"{source}: answers differ in number")
            for child, source_child in zip(mine, theirs, strict=True):
                child.translation_key = source_child.translation_key
                for name in ("key", "right_key"):
                    if hasattr(child, name):
                        setattr(child, name, getattr(source_child, name))
    return question


def _lesson_of(entry: dict, *, lessons: dict[str, LessonPage], module) -> LessonPage | None:
    """The lesson a data-file question assesses, from its ``lesson`` key (a lesson slug of the
    source-language file); None when the entry has no such key."""
    slug = entry.get("lesson")
    if slug is None:
        return None
    if slug not in lessons:
        raise TranslationImportError(
            f"{module}: no lesson {slug!r} for question {entry['prompt']!r}"
        )
    return lessons[slug]


@transaction.atomic
def question_create(*, quiz: QuizPage, question: Question, sort_order: int, user=None):
    """Add ``question`` (unsaved, answers in memory) to ``quiz``'s bank and publish it.

    Raises ValidationError when the question or its answers break a rule.
    """
    question.quiz = quiz
    question.locale_id = quiz.locale_id
    question.sort_order = sort_order
    if question.answer_relation:
        for answer in getattr(question, question.answer_relation).all():
            answer.locale_id = quiz.locale_id
    question.full_clean()
    question.validate_answers()
    question.save()
    return revision_publish(question, user=user)


@transaction.atomic
def module_import(
    *,
    index: ModuleIndexPage,
    source: dict,
    translations: dict[Locale, dict],
    user=None,
) -> ModulePage:
    """Create and publish a module from its source-language data file, then its translations.

    ``translations`` maps each target locale to that language's data file. Runs the same
    steps as editors in the admin: pages are added and published, questions are added to the
    quiz's bank, and every translation goes through wagtail-localize (see
    ``cms.services.translation_import``). Idempotent: what already exists is left as it is.
    """
    key = source["key"]
    for data in translations.values():
        if [e["key"] for e in data.get("sources", [])] != [
            e["key"] for e in source.get("sources", [])
        ]:
            raise TranslationImportError(f"{key}: sources differ from the source file's")
    sources = sources_import(entries=source.get("sources", []), locale=index.locale)
    module = ModulePage.objects.child_of(index).filter(slug=source["slug"]).first()
    if module is None:
        module = index.add_child(
            instance=ModulePage(locale_id=index.locale_id, **_module_fields(source, key=key))
        )
        revision_publish(module, user=user)
        for position, lesson in enumerate(source["lessons"]):
            page = module.add_child(
                instance=LessonPage(
                    locale_id=index.locale_id,
                    **_lesson_fields(lesson, key=f"{key}/lesson/{position}", sources=sources),
                )
            )
            revision_publish(page, user=user)
        quiz = module.add_child(
            instance=QuizPage(
                locale_id=index.locale_id,
                **_quiz_fields(source["quiz"], language=source["language"]),
            )
        )
        revision_publish(quiz, user=user)
        lessons = {page.slug: page for page in LessonPage.objects.child_of(module)}
        for position, entry in enumerate(source["quiz"]["questions"]):
            question = _question(entry)
            question.lesson = _lesson_of(entry, lessons=lessons, module=module)
            question_create(quiz=quiz, question=question, sort_order=position, user=user)

    for locale, data in translations.items():
        _module_translation_import(module, data, locale=locale, user=user)
    return module


def _module_translation_import(module: ModulePage, data: dict, *, locale: Locale, user=None):
    key = data["key"]
    sources = sources_import(entries=data.get("sources", []), locale=locale)
    if not module.has_translation(locale):
        translation_import(
            source=module,
            translated=ModulePage(**_module_fields(data, key=key)),
            locale=locale,
            user=user,
        )
    lessons = list(LessonPage.objects.child_of(module).order_by("path"))
    if len(lessons) != len(data["lessons"]):
        raise TranslationImportError(f"{module}: lessons differ in number")
    for position, (lesson, lesson_data) in enumerate(zip(lessons, data["lessons"], strict=True)):
        if not lesson.has_translation(locale):
            translation_import(
                source=lesson,
                translated=LessonPage(
                    **_lesson_fields(lesson_data, key=f"{key}/lesson/{position}", sources=sources)
                ),
                locale=locale,
                user=user,
            )
    quiz = QuizPage.objects.child_of(module).get()
    if not quiz.has_translation(locale):
        translation_import(
            source=quiz,
            translated=QuizPage(**_quiz_fields(data["quiz"], language=data["language"])),
            locale=locale,
            user=user,
        )
    questions = list(
        Question.objects.filter(quiz=quiz).select_related("lesson").order_by("sort_order", "pk")
    )
    if len(questions) != len(data["quiz"]["questions"]):
        raise TranslationImportError(f"{module}: questions differ in number")
    for question, entry in zip(questions, data["quiz"]["questions"], strict=True):
        # ``lesson`` names the source-language lesson in both files; wagtail-localize points
        # the translation at that lesson's translation.
        if entry.get("lesson") != (question.lesson.slug if question.lesson else None):
            raise TranslationImportError(
                f"{module}: question {entry['prompt']!r} names lesson {entry.get('lesson')!r}, "
                f"the source question assesses {question.lesson}"
            )
        if not question.has_translation(locale):
            translation_import(
                source=question,
                translated=_question(entry, source=question),
                locale=locale,
                user=user,
            )


# -- Translating a quiz's questions ---------------------------------------------------------


@transaction.atomic
def quiz_questions_translation_create(*, quiz: QuizPage, locale: Locale, user=None) -> int:
    """Start the translation of every question in ``quiz``'s bank that has none in ``locale``.

    Each gets a draft copy in ``locale``, attached to the quiz's translation, for translators
    to work on in wagtail-localize. Returns how many were started.

    Raises ValidationError when the quiz itself has no translation in ``locale`` yet.
    """
    if not quiz.has_translation(locale):
        raise ValidationError(
            _("Translate the quiz page into %(language)s first.")
            % {"language": locale.get_display_name()}
        )
    creator = TranslationCreator(user, [locale])
    started = 0
    for question in Question.objects.filter(quiz=quiz, locale_id=quiz.locale_id):
        if not question.has_translation(locale):
            creator.create_translations(question, include_related_objects=False)
            started += 1
    return started


def translation_publish_blockers(*, instance, locale: Locale) -> list[str]:
    """Why the translation of ``instance`` (the target-language object) cannot be published:
    untranslated text, and for a quiz, questions whose translations are missing or
    incomplete. Empty when it can be published."""
    from courses.selectors import translation_statuses

    source = _source_of(instance)
    if source is None:
        return []
    blockers = []
    status = translation_statuses([source], locales=[locale])[0]
    if status.untranslated:
        blockers.append(
            _("%(count)s text segments are not translated yet.") % {"count": status.untranslated}
        )
    if isinstance(source, QuizPage):
        questions = list(Question.objects.non_polymorphic().filter(quiz=source, live=True))
        for question_status in translation_statuses(questions, locales=[locale]):
            if question_status.target is None or question_status.untranslated:
                blockers.append(
                    _("The question “%(question)s” is not fully translated.")
                    % {"question": question_status.source}
                )
    return blockers


def _source_of(instance):
    """The source object ``instance`` is a wagtail-localize translation of, if any."""
    translation = (
        Translation.objects.filter(
            source__object_id=instance.translation_key,
            target_locale_id=instance.locale_id,
            enabled=True,
        )
        .select_related("source")
        .first()
    )
    if translation is None:
        return None
    source = translation.source.get_source_instance()
    return source.specific if isinstance(source, Page) else source


# -- Editorial groups -----------------------------------------------------------------------

CONTENT_EDITORS = "Content editors"
MODERATORS = "Moderators"


def _permissions(codenames: Iterable[tuple[str, str]]) -> list[Permission]:
    wanted = list(codenames)
    found = {
        (p.content_type.app_label, p.codename): p
        for p in Permission.objects.filter(
            content_type__app_label__in={app for app, _c in wanted}
        ).select_related("content_type")
    }
    return [found[item] for item in wanted if item in found]


def editorial_groups_ensure() -> dict[str, Group]:
    """Make sure the "Content editors" and "Moderators" groups exist with what they need to
    author, translate and (moderators) publish the courses, and nothing of learner,
    organization or certificate data. Idempotent."""
    question_models = [ContentType.objects.get_for_model(m) for m in QUESTION_TYPES]
    authoring = [("wagtailadmin", "access_admin"), ("wagtail_localize", "submit_translation")]
    for content_type in question_models:
        model = content_type.model
        authoring += [
            ("courses", f"add_{model}"),
            ("courses", f"change_{model}"),
            ("courses", f"delete_{model}"),
            ("courses", f"publish_{model}"),
        ]
    groups = {}
    root = Page.get_first_root_node()
    collection = Collection.get_first_root_node()
    page_perms = {
        CONTENT_EDITORS: ["add_page", "change_page"],
        MODERATORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    }
    for name in (CONTENT_EDITORS, MODERATORS):
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(authoring))
        # A flushed database (between transactional tests) has no page tree yet.
        for codename in page_perms[name] if root is not None else []:
            GroupPagePermission.objects.get_or_create(
                group=group,
                page=root,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        for app, model in (("wagtailimages", "image"), ("wagtaildocs", "document")):
            if collection is None:
                break
            for action in ("add", "change", "choose"):
                permission = Permission.objects.filter(
                    content_type__app_label=app, codename=f"{action}_{model}"
                ).first()
                if permission:
                    GroupCollectionPermission.objects.get_or_create(
                        group=group, collection=collection, permission=permission
                    )
        groups[name] = group
    return groups
