"""Wagtail admin views of the learning side: item analysis and knowledge gain for editors.

Editors see aggregates only, never a learner."""

import csv

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from courses.models import ModulePage, QuizPage
from learning import selectors
from learning.services import source_locale


class EvaluationView(WagtailAdminTemplateMixin, TemplateView):
    """Per module: knowledge gain, then item analysis of its quiz, with a CSV export."""

    template_name = "learning/admin/evaluation.html"
    page_title = gettext_lazy("Quiz evaluation")
    header_icon = "list-ol"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("wagtailadmin.access_admin"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, *args, **kwargs):
        self.modules = list(ModulePage.objects.filter(locale=source_locale()).order_by("path"))
        module_id = request.GET.get("module")
        self.module = (
            get_object_or_404(ModulePage, pk=module_id, locale=source_locale())
            if module_id
            else next(iter(self.modules), None)
        )
        self.quiz = QuizPage.objects.child_of(self.module).first() if self.module else None
        self.analysis = selectors.quiz_item_analysis(quiz=self.quiz) if self.quiz else None
        if request.GET.get("export") == "csv" and self.analysis:
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            modules=self.modules,
            module=self.module,
            analysis=self.analysis,
            gains=[selectors.knowledge_gain(module=module) for module in self.modules],
            lesson_gains=(
                selectors.knowledge_gain_by_lesson(module=self.module) if self.module else []
            ),
            min_learners=selectors.MIN_LEARNERS,
        )
        return context

    def csv_response(self):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="item-analysis-{self.module.slug}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(
            [
                _("Question"),
                _("Type"),
                _("Answered"),
                _("Correct (%)"),
                _("Discrimination index"),
                _("Most chosen wrong answer"),
                _("Times chosen"),
            ]
        )
        for row in self.analysis.questions:
            writer.writerow(
                [
                    row.question.prompt,
                    row.question.type_name,
                    row.answered,
                    "" if row.percent_correct is None else row.percent_correct,
                    "" if row.discrimination is None else row.discrimination,
                    row.wrong_choice,
                    row.wrong_choice_count or "",
                ]
            )
        return response
