"""Wagtail admin views for courses: the translation status and lesson review reports, and
question translation."""

import contextlib
import csv

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Locale, Page
from wagtail_localize.machine_translators import get_machine_translator
from wagtail_localize.views.convert import convert_to_alias
from wagtail_localize.views.edit_translation import apply_machine_translation
from wagtail_localize.views.update_translations import UpdateTranslationsView

from cms.admin_views import TitledAdminViewMixin
from courses.content_review import LESSON_WORDS, lesson_reviews
from courses.models import Question, QuizPage
from courses.selectors import (
    TranslationState,
    module_translation_reports,
    orphaned_translations,
    source_locale,
)
from courses.services import quiz_questions_translation_create
from courses.translation_workflow import (
    translation_draft_save,
    translation_submit,
    translation_untranslated_summary,
)


class AdminReportView(TitledAdminViewMixin, WagtailAdminTemplateMixin, TemplateView):
    """A report page in the Wagtail admin, titled with its own name, for users who may use
    the admin."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("wagtailadmin.access_admin"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TranslationStatusReportView(AdminReportView):
    """Every module with the translation status of its pages and questions per language."""

    template_name = "courses/admin/translation_status_report.html"
    page_title = gettext_lazy("Module translations")
    header_icon = "globe"

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def rows(self):
        locales = list(Locale.objects.exclude(pk=source_locale().pk))
        finder = AdminURLFinder(self.request.user)
        rows = []
        for report in module_translation_reports():
            rows.append(
                {
                    "module": report.module,
                    "edit_url": finder.get_edit_url(report.module),
                    "languages": [
                        {
                            "locale": locale,
                            "state": report.state(locale),
                            "label": TranslationState.LABELS[report.state(locale)],
                            "problems": [
                                {
                                    "status": status,
                                    "url": finder.get_edit_url(status.target or status.source),
                                }
                                for status in report.for_locale(locale)
                                if not status.ok
                            ],
                        }
                        for locale in locales
                    ],
                }
            )
        return locales, rows

    def orphans(self):
        finder = AdminURLFinder(self.request.user)
        return [
            {"object": obj, "url": finder.get_edit_url(obj), "live": obj.live}
            for obj in (
                orphan.get_real_instance() if isinstance(orphan, Question) else orphan
                for orphan in orphaned_translations()
            )
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["locales"], context["rows"] = self.rows()
        context["orphans"] = self.orphans()
        return context

    def csv_response(self):
        locales, rows = self.rows()
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="module-translations.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [_("Module"), _("Version")]
            + [
                _("Status in %(language)s") % {"language": loc.get_display_name()}
                for loc in locales
            ]
        )
        for row in rows:
            writer.writerow(
                [row["module"].title, row["module"].version]
                + [str(language["label"]) for language in row["languages"]]
            )
        return response


class QuestionTypesView(AdminReportView):
    """The question bank's entry: each type of question, how many there are, and links to
    list them or add one."""

    template_name = "courses/admin/question_types.html"
    page_title = gettext_lazy("Questions")
    header_icon = "help"

    def get_context_data(self, **kwargs):
        from django.db.models import Count

        from courses.models.questions import QUESTION_TYPES, Question

        counts = dict(
            Question.objects.non_polymorphic()
            .values_list("polymorphic_ctype__model")
            .annotate(count=Count("pk"))
        )
        context = super().get_context_data(**kwargs)
        context["types"] = [
            {
                "label": model._meta.verbose_name,
                "plural": model._meta.verbose_name_plural,
                "count": counts.get(model._meta.model_name, 0),
                "list_url": reverse(model.snippet_viewset.get_url_name("list")),
                "add_url": reverse(model.snippet_viewset.get_url_name("add")),
            }
            for model in QUESTION_TYPES
        ]
        return context


class LessonReviewReportView(AdminReportView):
    """Every lesson in every language with its length, reading ease and sources, so editors
    see thin, dense or stale lessons at a glance."""

    template_name = "courses/admin/lesson_review_report.html"
    page_title = gettext_lazy("Lesson review")
    header_icon = "doc-full"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        context["rows"] = [
            {
                "review": review,
                "edit_url": reverse("wagtailadmin_pages:edit", args=[review.lesson.pk]),
                "length_ok": LESSON_WORDS[0] <= review.words <= LESSON_WORDS[1],
                "check_due": review.check_due(today=today),
            }
            for review in lesson_reviews()
        ]
        context["min_words"], context["max_words"] = LESSON_WORDS
        return context


@require_POST
def quiz_questions_translate(request, quiz_id: int):
    """Start translating a quiz's questions into one language, then return to the quiz."""
    quiz = get_object_or_404(QuizPage, pk=quiz_id)
    if not quiz.permissions_for_user(request.user).can_edit():
        raise PermissionDenied
    locale = get_object_or_404(Locale, language_code=request.GET.get("locale", ""))
    try:
        started = quiz_questions_translation_create(quiz=quiz, locale=locale, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Started translating %(count)s questions into %(language)s.")
            % {"count": started, "language": locale.get_display_name()},
        )
    return redirect("wagtailadmin_pages:edit", quiz.pk)


class TranslationsUpdateView(UpdateTranslationsView):
    """wagtail-localize's "Sync translations", except that it never publishes: the new source
    text is added for translation and each translation gets a draft revision; the live
    translations stay as they are until each is published from its own page, through the
    workflow, once nothing is left to translate."""

    def get_form(self):
        form = super().get_form()
        form.fields.pop("publish_translations", None)
        return form

    @transaction.atomic
    def form_valid(self, form):
        synced_content = self.object.content_json
        self.object.update_from_db()
        changed = self.object.content_json != synced_content
        enabled = list(
            self.object.translations.filter(enabled=True).select_related("source", "target_locale")
        )
        if form.cleaned_data.get("use_machine_translation"):
            translator = get_machine_translator()
            for translation in enabled:
                apply_machine_translation(translation.id, self.request.user, translator)
        for translation in enabled:
            if changed:
                translation_draft_save(translation=translation, user=self.request.user)
            with contextlib.suppress(ValidationError):
                translation.source.update_target_view_restrictions(translation.target_locale)
        self.components.save(self.object, sources_and_translations={self.object: enabled})
        messages.success(
            self.request,
            _(
                "Synced the translations of “%(object)s”. New text is ready to translate; each "
                "translation stays as it is live until it is submitted and published."
            )
            % {"object": self.object.object_repr},
        )
        return redirect(self.get_success_url() or self.get_default_success_url())


def translation_convert_to_alias(request, page_id: int):
    """wagtail-localize's "Convert to alias page", for those who may publish the page only:
    it replaces a translation with the source language's content, live at once."""
    page = get_object_or_404(Page, pk=page_id)
    if not page.permissions_for_user(request.user).can_publish():
        messages.error(
            request,
            _(
                "Only a moderator can convert a translation into an alias of its source page: "
                "it replaces the translated text with the source language, live at once."
            ),
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return convert_to_alias(request, page_id)


@require_POST
def translation_submit_view(request, content_type_id: int, object_id: str):
    """Submit a translated page or question for moderation, or say what is left to
    translate."""
    model = get_object_or_404(ContentType, pk=content_type_id).model_class()
    if model is None or not (issubclass(model, Page) or issubclass(model, Question)):
        raise Http404
    instance = get_object_or_404(model, pk=object_id)
    edit_url = AdminURLFinder(request.user).get_edit_url(instance) or reverse("wagtailadmin_home")
    try:
        translation_submit(instance=instance, user=request.user)
    except ValidationError as error:
        texts = translation_untranslated_summary(instance=instance)
        messages.error(
            request,
            _("This translation cannot be submitted yet: %(reasons)s")
            % {"reasons": " ".join(error.messages)},
        )
        if texts:
            messages.warning(
                request,
                _("Still to translate: %(texts)s")
                % {"texts": "; ".join(f"“{strip_tags(text)[:80]}”" for text in texts)},
            )
    else:
        messages.success(
            request, _("“%(object)s” was submitted for moderation.") % {"object": instance}
        )
    return redirect(edit_url)
