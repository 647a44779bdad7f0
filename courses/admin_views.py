"""Wagtail admin views for courses: the translation status and lesson review reports, and
question translation."""

import csv

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.models import Locale
from wagtail_localize.views.update_translations import UpdateTranslationsView

from courses.content_review import LESSON_WORDS, lesson_reviews
from courses.models import QuizPage
from courses.selectors import TranslationState, module_translation_reports, source_locale
from courses.services import quiz_questions_translation_create, translation_publish_blockers


class AdminReportView(WagtailAdminTemplateMixin, TemplateView):
    """A report page in the Wagtail admin, for users who may use the admin."""

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

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
                            "problems": [s for s in report.for_locale(locale) if not s.ok],
                        }
                        for locale in locales
                    ],
                }
            )
        return locales, rows

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["locales"], context["rows"] = self.rows()
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
    """wagtail-localize's "Sync translations", except that "Publish immediately" publishes
    only the translations with nothing left to translate; the others are saved as drafts."""

    def form_valid(self, form):
        if not form.cleaned_data.get("publish_translations"):
            return super().form_valid(form)
        form.cleaned_data["publish_translations"] = False
        response = super().form_valid(form)
        for translation in self.object.translations.filter(enabled=True).select_related(
            "target_locale"
        ):
            target = translation.get_target_instance()
            if translation_publish_blockers(instance=target, locale=translation.target_locale):
                translation.save_target(user=self.request.user, publish=False)
                messages.warning(
                    self.request,
                    _(
                        "The %(language)s translation has new text to translate: it was saved "
                        "as a draft and stays unpublished until it is translated."
                    )
                    % {"language": translation.target_locale.get_display_name()},
                )
            else:
                translation.save_target(user=self.request.user, publish=True)
        return response
