"""The translation workflow: syncs write drafts, translations go live through moderation
only, and alias conversion is for those who may publish."""

import pytest
from django.contrib.contenttypes.models import ContentType
from wagtail.models import Locale, WorkflowState
from wagtail_localize.models import StringTranslation, TranslationSource

from courses.models import LessonPage, ModulePage
from courses.selectors import TranslationState, translation_statuses

pytestmark = pytest.mark.django_db


@pytest.fixture
def french():
    return Locale.objects.get(language_code="fr")


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.get(email="editor@example.com")


@pytest.fixture
def moderator(django_user_model):
    return django_user_model.objects.get(email="moderator@example.com")


def seeded_lesson() -> LessonPage:
    module = ModulePage.objects.get(slug="intercultural-competency-at-work")
    return LessonPage.objects.child_of(module).order_by("path").first()


def edit_and_sync(client, user, lesson, *, summary, publish_immediately):
    lesson.summary = summary
    lesson.save_revision(user=user).publish()
    source = TranslationSource.objects.get_for_instance(lesson)
    data = {"publish_translations": "on"} if publish_immediately else {}
    client.force_login(user)
    return client.post(f"/admin/localize/update/{source.pk}/", data, follow=True)


@pytest.mark.parametrize("publish_immediately", [True, False])
def test_sync_leaves_the_live_french_page_unchanged_while_untranslated(
    client, moderator, french, publish_immediately, django_capture_on_commit_callbacks
):
    lesson = seeded_lesson()
    french_lesson = lesson.get_translation(french).specific
    live_summary, live_revision = french_lesson.summary, french_lesson.live_revision_id

    with django_capture_on_commit_callbacks(execute=True):
        response = edit_and_sync(
            client,
            moderator,
            lesson,
            summary="Brand new English words.",
            publish_immediately=publish_immediately,
        )

    french_lesson.refresh_from_db()
    assert response.status_code == 200
    assert french_lesson.summary == live_summary
    assert french_lesson.live_revision_id == live_revision
    assert french_lesson.has_unpublished_changes is True
    draft = french_lesson.get_latest_revision_as_object()
    assert draft.summary == "Brand new English words."  # a draft, for the translator to see


def test_sync_form_offers_no_publishing(client, moderator):
    source = TranslationSource.objects.get_for_instance(seeded_lesson())
    client.force_login(moderator)

    html = client.get(f"/admin/localize/update/{source.pk}/").content.decode()

    assert 'name="publish_translations"' not in html


def test_publishing_lists_the_untranslated_text(client, moderator, french):
    lesson = seeded_lesson()
    edit_and_sync(
        client, moderator, lesson, summary="Words to translate.", publish_immediately=False
    )
    french_lesson = lesson.get_translation(french)

    response = client.post(
        f"/admin/pages/{french_lesson.pk}/edit/", {"action": "publish"}, follow=True
    )

    html = response.content.decode()
    assert "cannot be published yet" in html
    assert "Still to translate: “Words to translate.”" in html
    french_lesson.refresh_from_db()
    assert french_lesson.summary != "Words to translate."


def translate_everything(source, locale):
    for segment in source.stringsegment_set.select_related("string", "context"):
        StringTranslation.objects.get_or_create(
            translation_of=segment.string,
            context=segment.context,
            locale=locale,
            defaults={"data": f"FR {segment.string.data}"},
        )


def submit_url_of(instance) -> str:
    content_type = ContentType.objects.get_for_model(instance)
    return f"/admin/courses/translations/{content_type.pk}/{instance.pk}/submit/"


def test_editor_submits_a_translation_and_the_moderator_approval_publishes_it(
    client, editor, moderator, french, django_capture_on_commit_callbacks
):
    lesson = seeded_lesson()
    edit_and_sync(client, moderator, lesson, summary="New words.", publish_immediately=False)
    source = TranslationSource.objects.get_for_instance(lesson)
    french_lesson = lesson.get_translation(french).specific
    client.force_login(editor)

    submit_url = submit_url_of(french_lesson)
    refused = client.post(submit_url, follow=True)
    translate_everything(source, french)
    client.post(submit_url)

    assert "cannot be submitted yet" in refused.content.decode()
    state = WorkflowState.objects.get(
        base_content_type__model="page", object_id=str(french_lesson.pk)
    )
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    french_lesson.refresh_from_db()
    assert french_lesson.summary != "FR New words."  # still the live text until approved

    client.force_login(moderator)
    task_state = state.current_task_state
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/admin/pages/workflow/action/{french_lesson.pk}/approve/{task_state.pk}/",
            {"comment": ""},
        )

    french_lesson.refresh_from_db()
    assert french_lesson.summary == "FR New words."
    status = translation_statuses([lesson], locales=[french])[0]
    assert status.state == TranslationState.UP_TO_DATE


def test_an_editor_cannot_convert_a_translation_into_an_alias(client, editor, french):
    french_lesson = seeded_lesson().get_translation(french).specific
    client.force_login(editor)

    response = client.post(
        f"/admin/localize/page/{french_lesson.pk}/convert_to_alias/", follow=True
    )

    french_lesson.refresh_from_db()
    assert french_lesson.alias_of_id is None
    assert "Only a moderator can convert" in response.content.decode()


def test_the_translation_editor_offers_no_alias_conversion_to_an_editor(client, editor, french):
    french_lesson = seeded_lesson().get_translation(french)
    client.force_login(editor)

    html = client.get(f"/admin/pages/{french_lesson.pk}/edit/").content.decode()

    assert "convert_to_alias" not in html
    assert "js-translation-editor" in html


def test_the_translation_editor_keeps_alias_conversion_for_a_moderator(client, moderator, french):
    french_lesson = seeded_lesson().get_translation(french)
    client.force_login(moderator)

    html = client.get(f"/admin/pages/{french_lesson.pk}/edit/").content.decode()

    assert "convert_to_alias" in html


def test_saving_a_lesson_with_unchanged_text_keeps_its_translation_up_to_date(french, moderator):
    """The admin's rich text editor rewrites what it loads (e.g. ``<strong>`` as ``<b>``);
    stored text is already in its form, so a save changes no translatable string."""
    from wagtail.admin.rich_text.converters.contentstate import ContentstateConverter
    from wagtail.blocks import RichTextBlock, StreamValue, StructValue
    from wagtail.rich_text import RichText

    def as_the_editor_saves(block, value):
        if isinstance(block, RichTextBlock):
            converter = ContentstateConverter(block.features)
            return RichText(
                converter.to_database_format(converter.from_database_format(value.source))
            )
        if isinstance(value, StructValue):
            for name, child in block.child_blocks.items():
                value[name] = as_the_editor_saves(child, value[name])
        return value

    lesson = seeded_lesson()
    assert any("<b>" in str(child.value) for child in lesson.body)  # the seed has bold text
    for child in lesson.body:
        child.value = as_the_editor_saves(child.block, child.value)
    lesson.body = StreamValue(lesson.body.stream_block, list(lesson.body), is_lazy=False)
    lesson.save_revision(user=moderator).publish()
    TranslationSource.update_or_create_from_instance(lesson)  # "Sync translations"

    status = translation_statuses([lesson], locales=[french])[0]
    assert (status.state, status.untranslated) == (TranslationState.UP_TO_DATE, 0)


def test_source_page_and_dashboard_link_an_out_of_date_translation_to_the_sync(client, moderator):
    lesson = seeded_lesson()
    lesson.summary = "A changed summary."
    lesson.save_revision(user=moderator).publish()
    source = TranslationSource.objects.get_for_instance(lesson)
    client.force_login(moderator)

    editor_html = client.get(f"/admin/pages/{lesson.pk}/edit/").content.decode()
    dashboard_html = client.get("/admin/").content.decode()

    sync_url = f"/admin/localize/update/{source.pk}/"
    assert "since these translations were last synced: Français" in editor_html
    assert sync_url in editor_html
    assert "Translations out of date" in dashboard_html
    assert sync_url in dashboard_html


def test_a_question_translation_in_moderation_opens_without_an_error(client, editor, french):
    from courses.models import Question

    french_question = Question.objects.filter(locale=french, live=True).first()
    source = TranslationSource.objects.get(object_id=french_question.translation_key)
    translate_everything(source, french)
    client.force_login(editor)

    response = client.post(submit_url_of(french_question), follow=True)

    french_question.refresh_from_db()
    assert response.status_code == 200
    assert french_question.workflow_in_progress
    assert "awaiting moderation" in response.content.decode()


def test_the_report_shows_a_translation_turned_into_an_alias(client, moderator, french):
    lesson = seeded_lesson()
    french_lesson = lesson.get_translation(french)
    client.force_login(moderator)
    client.post(f"/admin/localize/page/{french_lesson.pk}/convert_to_alias/")
    french_lesson.refresh_from_db()
    assert french_lesson.alias_of_id == lesson.pk

    status = translation_statuses([lesson], locales=[french])[0]
    html = client.get("/admin/courses/translations/").content.decode()

    assert status.state == TranslationState.ALIAS
    assert "Alias: the source language&#x27;s text is live" in html


def test_the_report_lists_a_translation_whose_source_was_deleted(client, moderator, french):
    module = seeded_lesson().get_parent()
    lesson = module.add_child(
        instance=LessonPage(title="A lesson deleted later", slug="a-lesson-deleted-later")
    )
    french_lesson = lesson.copy_for_translation(french)
    lesson.delete()
    client.force_login(moderator)

    html = client.get("/admin/courses/translations/").content.decode()

    assert "Translations without a source" in html
    assert f'href="/admin/pages/{french_lesson.pk}/edit/"' in html
    assert "A lesson deleted later</a> (Français, not live)" in html
