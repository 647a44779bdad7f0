"""Admin integration: question and source snippets, the translation report, and the rule that a
translation with untranslated text is never published."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.html import strip_tags
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin import messages as admin_messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, LiveStatusTagColumn
from wagtail.models import Page, TranslatableMixin
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, EditView, SnippetViewSet
from wagtail_localize.models import TranslationSource

from courses import admin_views
from courses.models import CertificationPolicy, QuizPage, Source
from courses.models.questions import QUESTION_TYPES
from courses.selectors import (
    TranslationState,
    live_translation_problems,
    source_locale,
    translation_statuses,
)
from courses.services import translation_publish_blockers
from courses.translation_workflow import translation_untranslated_summary


class QuestionCreateView(CreateView):
    """Adding a question from a quiz's bank panel starts with that quiz chosen; saving it
    returns to the quiz."""

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or self.model()
        quiz = QuizPage.objects.filter(pk=self.request.GET.get("quiz") or 0).first()
        if quiz is not None:
            instance.quiz = quiz
            instance.locale_id = quiz.locale_id
        return instance

    def get_success_url(self):
        return _quiz_edit_url(self.object) or super().get_success_url()


class QuestionEditView(EditView):
    """Publishing a question returns to its quiz."""

    def get_success_url(self):
        return _quiz_edit_url(self.object) or super().get_success_url()


def _quiz_edit_url(question) -> str | None:
    if question is None or not question.quiz_id:
        return None
    return reverse("wagtailadmin_pages:edit", args=[question.quiz_id]) + "#tab-content"


def _language(question) -> str:
    return question.locale.get_display_name()


def _question_viewset(question_model):
    return type(
        f"{question_model.__name__}ViewSet",
        (SnippetViewSet,),
        {
            "model": question_model,
            "add_view_class": QuestionCreateView,
            "edit_view_class": QuestionEditView,
            "list_display": [
                "__str__",
                "quiz",
                "points",
                LiveStatusTagColumn(),
                Column("locale", label=gettext_lazy("Language"), accessor=_language),
            ],
            "list_filter": ["quiz", "locale"],
            "search_fields": ["prompt"],
            "ordering": ["quiz", "sort_order"],
            "icon": "help",
            "add_to_admin_menu": False,
        },
    )


QUESTION_VIEWSETS = [_question_viewset(model) for model in QUESTION_TYPES]
for _viewset in QUESTION_VIEWSETS:
    register_snippet(_viewset)


@hooks.register("register_admin_menu_item")
def register_questions_menu_item():
    """One "Questions" entry; its page lets the author choose the type of question."""
    return MenuItem(
        gettext_lazy("Questions"),
        reverse("courses_admin:question_types"),
        name="questions",
        icon_name="help",
        order=250,
    )


class SourceViewSet(SnippetViewSet):
    model = Source
    list_display = ["title", "publisher", "year", "language", "checked"]
    list_filter = ["language", "publisher"]
    search_fields = ["title", "publisher"]
    ordering = ["key"]
    icon = "link-external"
    menu_label = gettext_lazy("Sources")
    menu_order = 270
    add_to_admin_menu = True


register_snippet(SourceViewSet)


class CertificationPolicyViewSet(SnippetViewSet):
    model = CertificationPolicy
    icon = "doc-full-inverse"
    menu_label = gettext_lazy("Certification policies")
    menu_name = "certification-policies"
    menu_order = 260
    add_to_admin_menu = True
    list_display = ["name", "questions_to_draw", "attempts_per_round", "wait_hours"]


register_snippet(CertificationPolicyViewSet)


@hooks.register("register_admin_urls", order=-10)
def register_localize_update_override():
    """Replace wagtail-localize's "Sync translations" view (same address, registered first)
    with one that never publishes untranslated text."""
    return [
        path(
            "localize/update/<int:translation_source_id>/",
            admin_views.TranslationsUpdateView.as_view(),
        ),
        path(
            "localize/page/<int:page_id>/convert_to_alias/",
            admin_views.translation_convert_to_alias,
        ),
    ]


@hooks.register("register_admin_urls")
def register_courses_admin_urls():
    urls = [
        path(
            "translations/",
            admin_views.TranslationStatusReportView.as_view(),
            name="translation_status",
        ),
        path(
            "lesson-review/",
            admin_views.LessonReviewReportView.as_view(),
            name="lesson_review",
        ),
        path(
            "quiz/<int:quiz_id>/translate-questions/",
            admin_views.quiz_questions_translate,
            name="quiz_questions_translate",
        ),
        path("questions/", admin_views.QuestionTypesView.as_view(), name="question_types"),
        path(
            "translations/<int:content_type_id>/<str:object_id>/submit/",
            admin_views.translation_submit_view,
            name="translation_submit",
        ),
    ]
    return [path("courses/", include((urls, "courses_admin"), namespace="courses_admin"))]


@hooks.register("register_reports_menu_item")
def register_translation_report_menu_item():
    return MenuItem(
        gettext_lazy("Module translations"),
        reverse("courses_admin:translation_status"),
        name="module-translations",
        icon_name="globe",
        order=650,
    )


@hooks.register("register_reports_menu_item")
def register_lesson_review_menu_item():
    return MenuItem(
        gettext_lazy("Lesson review"),
        reverse("courses_admin:lesson_review"),
        name="lesson-review",
        icon_name="doc-full",
        order=660,
    )


def _guard_translation_publish(request, instance):
    """Refuse to publish a translation that still has untranslated text, and say why; on other
    visits, say when the source has changed since the translation was last synced."""
    if not isinstance(instance, TranslatableMixin):
        return None
    if request.method == "POST" and request.POST.get("action") == "publish":
        blockers = translation_publish_blockers(instance=instance, locale=instance.locale)
        if blockers:
            messages.error(
                request,
                _("This translation cannot be published yet: %(reasons)s")
                % {"reasons": " ".join(blockers)},
            )
            texts = translation_untranslated_summary(instance=instance)
            if texts:
                messages.warning(
                    request,
                    _("Still to translate: %(texts)s")
                    % {"texts": "; ".join(f"“{strip_tags(text)[:80]}”" for text in texts)},
                )
            return redirect(request.get_full_path())
    elif request.method == "GET":
        _warn_when_out_of_date(request, instance)
    return None


def _sync_url(source_object, request) -> str | None:
    translation_source = TranslationSource.objects.get_for_instance_or_none(source_object)
    if translation_source is None:
        return None
    url = reverse("wagtail_localize:update_translations", args=[translation_source.pk])
    return f"{url}?{urlencode({'next': request.get_full_path()})}"


def _warn_when_out_of_date(request, instance):
    """On a source page, or one of its translations, say which translations the source has
    changed since, with a button to sync them."""
    source = instance.get_translation_or_none(source_locale())
    if source is None:
        return
    source = source.specific if isinstance(source, Page) else source
    locales = None if source.pk == instance.pk else [instance.locale]
    outdated = [
        status
        for status in translation_statuses([source], locales=locales)
        if status.state == TranslationState.OUTDATED
    ]
    if not outdated:
        return
    url = _sync_url(source, request)
    buttons = [admin_messages.button(url, _("Sync translated pages"))] if url else []
    admin_messages.warning(
        request,
        _(
            "The source has changed since these translations were last synced: "
            "%(languages)s. Sync them so the new text can be translated."
        )
        % {"languages": ", ".join(status.locale.get_display_name() for status in outdated)},
        buttons=buttons,
    )


# Runs before wagtail-localize's own hook, which turns these views into its editor.
hooks.register("before_edit_page", _guard_translation_publish, order=-10)
hooks.register("before_edit_snippet", _guard_translation_publish, order=-10)


@hooks.register("construct_translated_pages_to_cascade_actions")
def cascade_to_translations(pages: list[Page], action: str):
    """Unpublishing or deleting a source-language page does the same to its translations
    (and aliases), so none is left live without its source."""
    if action not in ("unpublish", "delete"):
        return None
    source = source_locale()
    cascaded = {}
    for page in pages:
        if page.locale_id != source.pk:
            continue
        translations = Page.objects.translation_of(page, inclusive=False)
        if action == "unpublish":
            translations = translations.live()
        cascaded[page] = list(translations)
    return cascaded


@hooks.register("after_delete_snippet")
def delete_question_translations(request, instances):
    """Deleting a source-language question deletes its translations with it."""
    from courses.models import Question

    source = source_locale()
    for instance in instances:
        if isinstance(instance, Question) and instance.locale_id == source.pk:
            for translation in Question.objects.filter(
                translation_key=instance.translation_key
            ).exclude(locale_id=source.pk):
                translation.delete()


class OutdatedTranslationsPanel(Component):
    """The dashboard's list of source pages changed since their translations were synced,
    each with a link to sync them."""

    name = "outdated_translations"
    order = 150
    template_name = "courses/admin/outdated_translations_panel.html"

    def __init__(self, request):
        self.request = request

    def get_context_data(self, parent_context=None):
        rows = []
        for status in live_translation_problems():
            if status.state != TranslationState.OUTDATED or not isinstance(status.source, Page):
                continue
            rows.append(
                {
                    "status": status,
                    "edit_url": reverse("wagtailadmin_pages:edit", args=[status.source.pk]),
                    "sync_url": _sync_url(status.source, self.request),
                }
            )
        return {"rows": rows}


@hooks.register("construct_homepage_panels")
def add_outdated_translations_panel(request, panels):
    if request.user.has_perm("wagtail_localize.submit_translation"):
        panels.append(OutdatedTranslationsPanel(request))
