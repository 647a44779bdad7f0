"""Admin panels for course pages."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import Panel
from wagtail.models import Locale


class QuestionBankPanel(Panel):
    """The questions in a quiz's bank, with links to edit them, add more, and translate them.

    Questions are snippets of their own type (they cannot be edited inline: each type has
    different answers), so the quiz editor lists them here.
    """

    class BoundPanel(Panel.BoundPanel):
        template_name = "courses/admin/question_bank_panel.html"

        def get_context_data(self, parent_context=None):
            from courses.models.questions import QUESTION_TYPES, Question
            from courses.selectors import translation_statuses

            context = super().get_context_data(parent_context)
            quiz = self.instance
            context["saved"] = bool(quiz.pk)
            if not quiz.pk:
                return context
            questions = list(Question.objects.filter(quiz=quiz).order_by("sort_order", "pk"))
            other_locales = list(Locale.objects.exclude(pk=quiz.locale_id))
            by_question = {}
            for status in translation_statuses(
                list(Question.objects.non_polymorphic().filter(quiz=quiz)), locales=other_locales
            ):
                by_question.setdefault(status.source.pk, []).append(
                    {
                        "locale": status.locale,
                        "label": status.label,
                        "ok": status.ok,
                        "edit_url": reverse(
                            question_edit_url_name(status.target), args=[status.target.pk]
                        )
                        if status.target is not None
                        else None,
                    }
                )
            context["questions"] = [
                {
                    "question": question,
                    "edit_url": reverse(
                        question.snippet_viewset.get_url_name("edit"), args=[question.pk]
                    ),
                    "translations": by_question.get(question.pk, []),
                }
                for question in questions
            ]
            context["add_links"] = [
                {
                    "label": model._meta.verbose_name,
                    "url": reverse(model.snippet_viewset.get_url_name("add"))
                    + f"?quiz={quiz.pk}&locale={quiz.locale.language_code}",
                }
                for model in QUESTION_TYPES
            ]
            statuses = translation_statuses(
                list(Question.objects.non_polymorphic().filter(quiz=quiz)),
                locales=other_locales,
            )
            context["translations"] = [
                {
                    "locale": locale,
                    "quiz_translated": quiz.has_translation(locale),
                    "missing": sum(
                        1 for s in statuses if s.locale.pk == locale.pk and s.target is None
                    ),
                    "unfinished": sum(
                        1 for s in statuses if s.locale.pk == locale.pk and s.target and not s.ok
                    ),
                    "action": reverse("courses_admin:quiz_questions_translate", args=[quiz.pk])
                    + f"?locale={locale.language_code}",
                }
                for locale in other_locales
            ]
            context["heading"] = _("Question bank")
            return context


def question_edit_url_name(question) -> str:
    """The admin edit URL name of ``question``'s own type (it may be a base-class row)."""
    from django.contrib.contenttypes.models import ContentType

    model = ContentType.objects.get_for_id(question.polymorphic_ctype_id).model_class()
    return model.snippet_viewset.get_url_name("edit")
