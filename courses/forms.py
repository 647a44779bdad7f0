"""Admin forms for quiz questions."""

from wagtail.admin.forms import WagtailAdminModelForm


class QuestionForm(WagtailAdminModelForm):
    """Checks a question's answers as a whole (e.g. exactly one correct), with the rule the
    question type itself states in ``answer_errors``."""

    def kept_answers(self, relation: str) -> list[dict]:
        """Cleaned data of the inline forms for ``relation`` that are filled in and kept."""
        formset = self.formsets.get(relation)
        if formset is None:
            return []
        return [
            form.cleaned_data
            for form in formset.forms
            if form.is_valid() and form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self):
        cleaned = super().clean()
        relation = self.instance.answer_relation
        if relation:
            for message in self.instance.answer_errors(self.kept_answers(relation)):
                self.add_error(None, message)
        return cleaned
