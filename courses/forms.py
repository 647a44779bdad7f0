"""Admin forms for quiz questions."""

from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm


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


class QuizPageForm(WagtailAdminPageForm):
    """Refuses to publish a quiz whose bank cannot serve the certification policy it follows
    (too small for the draw, or questions without a lesson). Drafts may still be saved."""

    def clean(self):
        from courses.certification import bank_problems, module_policy

        cleaned = super().clean()
        if self.data.get("action-publish"):
            module = self.parent_page if self.instance.pk is None else self.instance.get_parent()
            policy = module_policy(module=module)
            for problem in bank_problems(quiz=self.instance, policy=policy, module=module):
                self.add_error(None, problem)
        return cleaned


class ProgramPageForm(WagtailAdminPageForm):
    """Refuses to publish a program whose certification policy one of its modules' quizzes
    cannot serve."""

    def clean(self):
        from courses.certification import program_problems

        cleaned = super().clean()
        policy = cleaned.get("certification_policy")
        if self.data.get("action-publish") and policy is not None:
            formset = self.formsets.get("program_modules")
            modules = [
                form.cleaned_data["module"]
                for form in (formset.forms if formset else [])
                if form.is_valid()
                and form.cleaned_data.get("module")
                and not form.cleaned_data.get("DELETE")
            ]
            for problem in program_problems(modules=modules, policy=policy):
                self.add_error(None, problem)
        return cleaned
