"""Learner views: "My learning", enrolment, lesson progress, quiz attempts, the survey."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.models import Locale

from courses.models import LessonPage, ModulePage, QuizPage
from learning import selectors, services
from learning.models import QuizAttempt


def _locale() -> Locale:
    return Locale.objects.get(language_code=get_language())


def _localized(page):
    """``page`` in the active language when it has a live translation there."""
    translated = page.get_translation_or_none(_locale())
    return translated if translated is not None and translated.live else page


class MyLearningView(LoginRequiredMixin, TemplateView):
    template_name = "learning/my_learning.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = selectors.learner_modules(user=self.request.user, locale=_locale())
        context["groups"] = [
            (gettext_lazy("Not started"), [r for r in rows if r.state == "not_started"]),
            (gettext_lazy("In progress"), [r for r in rows if r.state == "in_progress"]),
            (gettext_lazy("Completed"), [r for r in rows if r.state == "completed"]),
        ]
        context["has_modules"] = bool(rows)
        return context


@login_required
@require_POST
def module_enrol(request, module_id: int):
    module = get_object_or_404(ModulePage.objects.live(), pk=module_id)
    try:
        services.self_enrol(user=request.user, module=module)
    except PermissionDenied as error:
        messages.error(request, str(error))
        return redirect(module.url)
    outline = module.get_context(request)["outline"]
    return redirect(outline.next.url if outline.next else module.url)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@login_required
@require_POST
def lesson_complete(request, lesson_id: int):
    """Mark a lesson done. Answers 204 to the page's script, else continues to ``next``."""
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    try:
        services.lesson_complete(user=request.user, lesson=lesson)
    except PermissionDenied as error:
        if request.headers.get("X-Requested-With") == "fetch":
            return HttpResponse(status=403)
        messages.error(request, str(error))
        return redirect(lesson.url)
    if request.headers.get("X-Requested-With") == "fetch":
        return HttpResponse(status=204)
    return redirect(_safe_next(request, lesson.url))


@login_required
@require_POST
def attempt_start(request, quiz_id: int):
    quiz = get_object_or_404(QuizPage.objects.live(), pk=quiz_id)
    kind = request.POST.get("kind", QuizAttempt.Kind.FINAL)
    if kind not in QuizAttempt.Kind.values:
        return render(request, "learning/submission_rejected.html", status=400)
    try:
        attempt = services.attempt_start(
            user=request.user,
            quiz=quiz,
            kind=kind,
            language=get_language(),
            statement_confirmed=request.POST.get("statement") == "confirmed",
        )
    except (services.AttemptRefused, PermissionDenied) as error:
        messages.error(request, getattr(error, "message", str(error)))
        return redirect(quiz.url)
    return redirect("learning:attempt", attempt_id=attempt.pk)


def _quiz_page(attempt: QuizAttempt) -> QuizPage:
    return _localized(attempt.quiz)


@method_decorator(login_required, name="dispatch")
class AttemptView(View):
    """Take an attempt (GET shows it, POST submits it). The same attempt, questions and order
    come back after a refresh or on another device."""

    def get(self, request, attempt_id: int):
        attempt = selectors.learner_attempt(user=request.user, attempt_id=attempt_id)
        if attempt is None:
            raise Http404
        if not attempt.is_open:
            return redirect("learning:attempt_results", attempt_id=attempt.pk)
        return self.render_form(request, attempt)

    def post(self, request, attempt_id: int):
        if selectors.learner_attempt(user=request.user, attempt_id=attempt_id) is None:
            raise Http404
        try:
            attempt, missing = services.attempt_submit(
                user=request.user, attempt_id=attempt_id, data=request.POST
            )
        except services.SubmissionRejected:
            return render(request, "learning/submission_rejected.html", status=400)
        if missing:
            return self.render_form(request, attempt, missing=missing, data=request.POST)
        return redirect("learning:attempt_results", attempt_id=attempt.pk)

    def render_form(self, request, attempt, *, missing=None, data=None):
        missing = missing or {}
        questions = []
        for item, question in selectors.attempt_display(attempt=attempt, locale=_locale()):
            name = services.field_name(item)
            error = missing.get(item.position)
            response = None
            if data is not None:
                if error is not None:
                    response = error.partial
                else:
                    response = question.parse(data, name=name, layout=item.layout)
            questions.append(
                {
                    "position": item.position,
                    "name": name,
                    "error": error.message if error else None,
                    "html": question.render(
                        layout=item.layout,
                        name=name,
                        response=response,
                        error=error.message if error else None,
                        request=request,
                    ),
                }
            )
        return render(
            request,
            "learning/attempt.html",
            {
                "attempt": attempt,
                "quiz_page": _quiz_page(attempt),
                "questions": questions,
                "errors": [q for q in questions if q["error"]],
                "seconds_left": selectors.seconds_left(attempt),
                "can_extend": attempt.deadline is not None
                and attempt.extensions < services.MAX_EXTENSIONS,
            },
        )


@login_required
@require_POST
def attempt_extend(request, attempt_id: int):
    if selectors.learner_attempt(user=request.user, attempt_id=attempt_id) is None:
        raise Http404
    try:
        attempt = services.attempt_extend(user=request.user, attempt_id=attempt_id)
    except services.AttemptRefused as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("You have more time. Your attempt now ends at %(time)s.")
            % {"time": timezone.localtime(attempt.deadline).strftime("%H:%M")},
        )
    return redirect("learning:attempt", attempt_id=attempt_id)


@login_required
def attempt_results(request, attempt_id: int):
    attempt = selectors.learner_attempt(user=request.user, attempt_id=attempt_id)
    if attempt is None:
        raise Http404
    if attempt.is_open:
        return redirect("learning:attempt", attempt_id=attempt.pk)
    quiz = attempt.quiz
    mode = quiz.feedback_mode
    is_final = attempt.kind == QuizAttempt.Kind.FINAL
    # Under a certification policy a failed attempt reveals no answer, only what was missed
    # and which lesson to review; a pass shows everything.
    certification = bool(attempt.policy)
    show_answers = is_final and (
        attempt.passed
        if certification
        else mode == QuizPage.FeedbackMode.ALWAYS
        or (mode == QuizPage.FeedbackMode.AFTER_PASS and attempt.passed)
    )
    rows = []
    if attempt.status == QuizAttempt.Status.SUBMITTED:
        lessons = selectors.review_lessons(attempt=attempt, locale=_locale())
        for item, question in selectors.attempt_display(attempt=attempt, locale=_locale()):
            rows.append(
                {
                    "item": item,
                    "question": question,
                    "grade": question.grade(item.response) if show_answers else None,
                    "review_lesson": lessons.get(item.pk) if certification else None,
                }
            )
    enrolment = attempt.enrolment
    quiz_page = _quiz_page(attempt)
    return render(
        request,
        "learning/attempt_results.html",
        {
            "attempt": attempt,
            "quiz_page": quiz_page,
            "module_page": _localized(enrolment.module),
            "rows": rows,
            "show_answers": show_answers,
            "enrolment": enrolment,
            "can_retake": is_final
            and not attempt.passed
            and services.attempt_refusal(quiz, enrolment, attempt.submitted_at) is None,
        },
    )


class SurveyForm(forms.Form):
    SCALE = [(n, str(n)) for n in range(1, 11)]

    satisfaction = forms.TypedChoiceField(
        label=gettext_lazy("How satisfied are you with this module?"),
        help_text=gettext_lazy("1 means not at all, 10 means completely."),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    usefulness = forms.TypedChoiceField(
        label=gettext_lazy("How useful will it be in your work?"),
        help_text=gettext_lazy("1 means not at all, 10 means very useful."),
        choices=SCALE,
        coerce=int,
        widget=forms.RadioSelect,
    )
    change_at_work = forms.CharField(
        label=gettext_lazy("What will you change at work?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@method_decorator(login_required, name="dispatch")
class SurveyView(View):
    """The optional, anonymous reaction survey after a completed module."""

    template_name = "learning/survey.html"

    def get_enrolment(self, request, enrolment_id):
        enrolment = request.user.enrolments.select_related("module").filter(pk=enrolment_id).first()
        if enrolment is None or not enrolment.is_complete:
            raise Http404
        return enrolment

    def get(self, request, enrolment_id: int):
        enrolment = self.get_enrolment(request, enrolment_id)
        return render(request, self.template_name, self.context(enrolment, SurveyForm()))

    def post(self, request, enrolment_id: int):
        enrolment = self.get_enrolment(request, enrolment_id)
        if enrolment.survey_done:
            messages.info(request, _("You have already answered this survey. Thank you."))
            return redirect("learning:my_learning")
        if request.POST.get("action") == "skip":
            services.survey_submit(
                user=request.user, enrolment_id=enrolment.pk, satisfaction=None,
                usefulness=None, change_at_work="", language=get_language(),
            )  # fmt: skip
            return redirect("learning:my_learning")
        form = SurveyForm(request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self.context(enrolment, form))
        try:
            services.survey_submit(
                user=request.user,
                enrolment_id=enrolment.pk,
                language=get_language(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, self.template_name, self.context(enrolment, form))
        messages.success(request, _("Thank you. Your answers help improve the training."))
        return redirect("learning:my_learning")

    def context(self, enrolment, form):
        return {"enrolment": enrolment, "module_page": _localized(enrolment.module), "form": form}
