"""Admin integration: question and source snippets, the translation report, and the rule that a
translation with untranslated text is never published."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.models import Page
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet, SnippetViewSetGroup

from courses import admin_views
from courses.models import CertificationPolicy, QuizPage, Source
from courses.models.questions import QUESTION_TYPES
from courses.selectors import TranslationState, source_locale, translation_statuses
from courses.services import translation_publish_blockers


class QuestionCreateView(CreateView):
    """Adding a question from a quiz's bank panel starts with that quiz chosen."""

    def get_initial_form_instance(self):
        instance = super().get_initial_form_instance() or self.model()
        quiz = QuizPage.objects.filter(pk=self.request.GET.get("quiz") or 0).first()
        if quiz is not None:
            instance.quiz = quiz
            instance.locale_id = quiz.locale_id
        return instance


def _question_viewset(question_model):
    return type(
        f"{question_model.__name__}ViewSet",
        (SnippetViewSet,),
        {
            "model": question_model,
            "add_view_class": QuestionCreateView,
            "list_display": ["__str__", "quiz", "points", "live"],
            "list_filter": ["quiz"],
            "search_fields": ["prompt"],
            "ordering": ["quiz", "sort_order"],
            "icon": "help",
        },
    )


class QuestionViewSetGroup(SnippetViewSetGroup):
    items = [_question_viewset(model) for model in QUESTION_TYPES]
    menu_label = gettext_lazy("Quiz questions")
    menu_icon = "help"
    menu_name = "quiz-questions"
    menu_order = 250


register_snippet(QuestionViewSetGroup)


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
        )
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
    if request.method == "POST" and request.POST.get("action") == "publish":
        blockers = translation_publish_blockers(instance=instance, locale=instance.locale)
        if blockers:
            messages.error(
                request,
                _("This translation cannot be published yet: %(reasons)s")
                % {"reasons": " ".join(blockers)},
            )
            return redirect(request.get_full_path())
    elif request.method == "GET":
        source = instance.get_translation_or_none(source_locale())
        if source is not None and source.pk != instance.pk:
            source = source.specific if isinstance(source, Page) else source
            status = translation_statuses([source], locales=[instance.locale])[0]
            if status.state == TranslationState.OUTDATED:
                messages.warning(
                    request,
                    _(
                        "The source has changed since this translation was last synced. Sync "
                        "the translations from the source to see what changed."
                    ),
                )
    return None


# Runs before wagtail-localize's own hook, which turns these views into its editor.
hooks.register("before_edit_page", _guard_translation_publish, order=-10)
hooks.register("before_edit_snippet", _guard_translation_publish, order=-10)
