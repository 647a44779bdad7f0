"""Translation workflow: status, the publish rule, question translations, check_translations."""

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from wagtail.models import Locale
from wagtail_localize.models import StringTranslation, TranslationSource
from wagtail_localize.operations import TranslationCreator

from cms.services import TranslationImportError
from courses.demo import load
from courses.models import LessonPage, ModulePage, Question, QuizPage
from courses.selectors import (
    TranslationState,
    live_translation_problems,
    module_translation_reports,
    quiz_questions,
    translation_statuses,
)
from courses.services import (
    module_import,
    quiz_questions_translation_create,
    translation_publish_blockers,
)
from tests.factories.courses import LessonPageFactory, SingleChoiceQuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def french():
    return Locale.objects.get(language_code="fr")


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.get(email="admin@example.com")


def seeded_lesson() -> LessonPage:
    module = ModulePage.objects.get(slug="intercultural-competency-at-work")
    return LessonPage.objects.child_of(module).order_by("path").first()


def test_check_translations_passes_on_the_seeded_site(capsys):
    call_command("check_translations")

    assert "up-to-date translation" in capsys.readouterr().out


def test_check_translations_fails_when_the_source_changed_since_the_translation(capsys):
    lesson = seeded_lesson()
    lesson.summary = "A new summary the French page does not have."
    lesson.save_revision().publish()

    with pytest.raises(CommandError), translation.override("en"):
        call_command("check_translations")

    err = capsys.readouterr().err
    assert f"fr: lesson “{lesson.title}”" in err
    assert "Out of date" in err


def test_check_translations_fails_for_a_live_page_never_translated(module, capsys):
    lesson = LessonPageFactory(parent=module, title="Untranslated lesson")

    with pytest.raises(CommandError):
        call_command("check_translations")

    assert "Untranslated lesson" in capsys.readouterr().err
    assert lesson.pk in {s.source.pk for s in live_translation_problems()}


def test_status_is_up_to_date_for_seeded_modules(french):
    reports = module_translation_reports()

    assert len(reports) == 3
    assert {report.state(french) for report in reports} == {TranslationState.UP_TO_DATE}


def test_status_shows_untranslated_text_after_a_sync(french):
    lesson = seeded_lesson()
    lesson.summary = "Brand new words."
    lesson.save_revision().publish()
    TranslationSource.update_or_create_from_instance(lesson)  # "Sync translations"

    status = translation_statuses([lesson], locales=[french])[0]

    assert status.state == TranslationState.INCOMPLETE
    assert status.untranslated == 1


def start_translation(page, locale, user=None):
    TranslationCreator(user, [locale]).create_translations(page)
    return page.get_translation(locale)


def test_new_translations_start_as_unpublished_drafts(module, french):
    french_module = start_translation(module, french)  # the module's catalogue is seeded

    assert french_module.live is False


def test_publishing_a_translation_with_untranslated_text_is_refused(client, superuser, french):
    english = seeded_lesson().get_parent().get_parent().specific  # the seeded catalogue
    lesson_module = ModulePage.objects.child_of(english).first()
    new_lesson = LessonPageFactory(parent=lesson_module, title="Brand new lesson")
    french_lesson = start_translation(new_lesson, french, superuser)
    client.force_login(superuser)

    response = client.post(
        f"/admin/pages/{french_lesson.pk}/edit/", {"action": "publish"}, follow=True
    )

    french_lesson.refresh_from_db()
    assert french_lesson.live is False
    assert "cannot be published yet" in response.content.decode()


def test_publishing_a_fully_translated_page_goes_through(
    client, superuser, french, django_capture_on_commit_callbacks
):
    module = ModulePage.objects.get(slug="intercultural-competency-at-work")
    new_lesson = LessonPageFactory(parent=module, title="Short lesson", summary="")
    french_lesson = start_translation(new_lesson, french, superuser)
    source = TranslationSource.objects.get_for_instance(new_lesson)
    for segment in source.stringsegment_set.select_related("string", "context"):
        StringTranslation.objects.create(
            translation_of=segment.string,
            context=segment.context,
            locale=french,
            data=f"FR {segment.string.data}",
        )
    client.force_login(superuser)

    with django_capture_on_commit_callbacks(execute=True):  # wagtail-localize publishes then
        client.post(f"/admin/pages/{french_lesson.pk}/edit/", {"action": "publish"})

    french_lesson.refresh_from_db()
    assert translation_publish_blockers(instance=french_lesson, locale=french) == []
    assert french_lesson.live is True
    assert french_lesson.title == "FR Short lesson"


def test_quiz_translation_waits_for_its_questions(superuser, french):
    quiz = QuizPage.objects.filter(locale__language_code="en").first()
    SingleChoiceQuestionFactory(quiz=quiz, prompt="A new question only in English?")
    french_quiz = quiz.get_translation(french)

    blockers = translation_publish_blockers(instance=french_quiz, locale=french)

    assert blockers == ["The question “A new question only in English?” is not fully translated."]


def test_starting_question_translations_attaches_them_to_the_french_quiz(superuser, french):
    quiz = QuizPage.objects.filter(locale__language_code="en").first()
    question = SingleChoiceQuestionFactory(quiz=quiz, prompt="Brand new?")

    started = quiz_questions_translation_create(quiz=quiz, locale=french, user=superuser)

    copy = Question.objects.get(translation_key=question.translation_key, locale=french)
    assert started == 1
    assert copy.quiz_id == quiz.get_translation(french).pk
    assert copy.live is False  # a draft until translated and published
    assert [str(c.key) for c in copy.choices.all()] == [str(c.key) for c in question.choices.all()]
    assert quiz_questions_translation_create(quiz=quiz, locale=french, user=superuser) == 0


def test_questions_cannot_be_translated_before_their_quiz(module, quiz, superuser, french):
    from django.core.exceptions import ValidationError

    SingleChoiceQuestionFactory(quiz=quiz)

    with pytest.raises(ValidationError):
        quiz_questions_translation_create(quiz=quiz, locale=french, user=superuser)


def test_french_quiz_draws_its_french_questions(french):
    quiz = QuizPage.objects.filter(locale__language_code="en").first()
    french_quiz = quiz.get_translation(french)

    english, french_questions = quiz_questions(quiz=quiz), quiz_questions(quiz=french_quiz)

    assert len(english) == len(french_questions) >= 10
    assert {q.locale_id for q in french_questions} == {french.pk}
    assert [q.translation_key for q in english] == [q.translation_key for q in french_questions]
    assert english[0].prompt != french_questions[0].prompt


def test_translation_report_lists_modules_and_exports_csv(client, superuser):
    client.force_login(superuser)

    html = client.get("/admin/courses/translations/").content.decode()
    csv = client.get("/admin/courses/translations/?export=csv").content.decode()

    assert "Intercultural competency at work" in html
    assert html.count("Up to date") >= 3
    assert csv.splitlines()[0] == "Module,Version,Status in Français"
    assert len(csv.splitlines()) == 4


def test_translation_report_is_for_admin_users_only(client, django_user_model):
    user = django_user_model.objects.create_user(email="no-admin@example.com", password="x" * 12)
    client.force_login(user)

    response = client.get("/admin/courses/translations/")

    assert response.status_code in (302, 403)


def test_seeded_questions_assess_a_lesson_of_their_own_language_and_module(french):
    questions = Question.objects.non_polymorphic().select_related("lesson", "quiz", "locale")

    assert questions.count() >= 80
    for question in questions:
        assert question.lesson is not None, question
        assert question.lesson.locale_id == question.locale_id
        assert question.lesson.get_parent().pk == question.quiz.get_parent().pk
        assert question.lesson.specific_class is LessonPage


def test_french_question_assesses_the_translation_of_the_english_lesson(french):
    question = (
        Question.objects.filter(locale__language_code="en", lesson__isnull=False)
        .select_related("lesson")
        .first()
    )

    translated = question.get_translation(french)

    assert translated.lesson_id == question.lesson.get_translation(french).pk


def test_import_refuses_a_translation_naming_another_lesson(catalogue, french):

    source, translation = (
        load("intercultural-competency", "en"),
        load("intercultural-competency", "fr"),
    )
    source["slug"] = translation["slug"] = "lesson-tag-test"
    translation["quiz"]["questions"][0]["lesson"] = source["lessons"][1]["slug"]

    with pytest.raises(TranslationImportError, match="names lesson"):
        module_import(index=catalogue, source=source, translations={french: translation})


def test_import_refuses_an_unknown_lesson(catalogue):

    source = load("intercultural-competency", "en")
    source["slug"] = "lesson-tag-test"
    source["quiz"]["questions"][0]["lesson"] = "no-such-lesson"

    with pytest.raises(TranslationImportError, match="no-such-lesson"):
        module_import(index=catalogue, source=source, translations={})
