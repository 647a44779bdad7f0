"""Serving course pages to signed-in learners with their progress.

Course pages (owned by ``courses``) know nothing of learners. For a signed-in visitor this
hook serves them as usual, then adds the learner's progress to the context and swaps in a
template (in ``learning/templates``) that extends the page's own.
"""

from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from courses.certification import quiz_policy
from courses.models import LessonPage, ModulePage, QuizPage
from learning import selectors, services
from learning.admin_views import EvaluationView
from learning.models import QuizAttempt


def _module_context(request, page, context):
    outline = context["outline"]
    enrolment, done = selectors.learner_progress(user=request.user, outline=outline)
    context.update(enrolment=enrolment, done_pages=done)
    if enrolment is not None:
        context["can_pre_check"] = not enrolment.attempts.exists() and outline.quiz is not None
        context["pre_check"] = selectors.learner_attempts(
            enrolment=enrolment, kind=QuizAttempt.Kind.PRE_CHECK
        ).first()
        context["resume"] = next((step for step in outline.steps if step.pk not in done), None)
    return "learning/module_page.html"


def _lesson_context(request, page, context):
    outline = context["outline"]
    enrolment, done = selectors.learner_progress(user=request.user, outline=outline)
    context.update(enrolment=enrolment, done_pages=done, lesson_done=page.pk in done)
    return "learning/lesson_page.html"


def _quiz_context(request, page, context):
    outline = context["outline"]
    enrolment, done = selectors.learner_progress(user=request.user, outline=outline)
    attempts = list(selectors.learner_attempts(enrolment=enrolment))
    context.update(
        enrolment=enrolment,
        done_pages=done,
        attempts=attempts,
        open_attempt=next((a for a in attempts if a.is_open), None),
    )
    source = services.canonical(page)
    policy = quiz_policy(quiz=source)
    context.update(policy=policy, statement=services.STATEMENT)
    if enrolment is not None and context["open_attempt"] is None:
        context["refusal"] = services.attempt_refusal(
            source, enrolment, timezone.now(), policy=policy
        )
    return "learning/quiz_page.html"


CONTEXT = {ModulePage: _module_context, LessonPage: _lesson_context, QuizPage: _quiz_context}


# Late, so that it wraps ``page.serve`` itself, inside Wagtail's own checks (privacy: view
# restrictions). A response that is not the page's own (a password form) stays as it is.
@hooks.register("on_serve_page", order=100)
def serve_with_progress(next_serve_page):
    def serve(page, request, serve_args, serve_kwargs):
        response = next_serve_page(page, request, serve_args, serve_kwargs)
        add_context = CONTEXT.get(type(page))
        if (
            add_context is None
            or not request.user.is_authenticated
            or not isinstance(response, TemplateResponse)
        ):
            return response
        response.template_name = add_context(request, page, response.context_data)
        return response

    return serve


@hooks.register("register_admin_urls")
def register_learning_admin_urls():
    return [path("evaluation/", EvaluationView.as_view(), name="learning_evaluation")]


@hooks.register("register_reports_menu_item")
def register_evaluation_menu_item():
    return MenuItem(
        gettext_lazy("Quiz evaluation"),
        reverse("learning_evaluation"),
        name="quiz-evaluation",
        icon_name="list-ol",
        order=660,
    )


@hooks.register("register_log_actions")
def register_learning_log_actions(actions):
    from wagtail.log_actions import LogFormatter

    from learning.services.assessment import ACCOMMODATION_ACTION, RESET_ACTION

    @actions.register_action(RESET_ACTION)
    class AttemptsResetFormatter(LogFormatter):
        label = gettext_lazy("Reset quiz attempts")

        def format_message(self, log_entry):
            return gettext_lazy("Reset quiz attempts")

        def format_comment(self, log_entry):
            return log_entry.data.get("reason", "")

    actions.register_action(
        ACCOMMODATION_ACTION,
        gettext_lazy("Time accommodation"),
        gettext_lazy("Changed a learner's time accommodation"),
    )
