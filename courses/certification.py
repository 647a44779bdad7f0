"""Reads for certification policies: which policy a quiz follows, and whether its bank can
serve it."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail.models import Page

from courses.models import (
    MIN_BANK_RATIO,
    CertificationPolicy,
    ModulePage,
    ProgramModule,
    Question,
    QuizPage,
)


def module_policy(*, module: Page) -> CertificationPolicy | None:
    """The certification policy ``module`` (in any language) follows: the one of the first
    program, in catalogue order, that contains it and names a policy. None when no program
    does; the quiz's own settings then apply."""
    link = (
        ProgramModule.objects.filter(
            module__translation_key=module.translation_key,
            program__certification_policy__isnull=False,
        )
        .select_related("program__certification_policy")
        .order_by("program__path")
        .first()
    )
    return link.program.certification_policy if link else None


def quiz_policy(*, quiz: QuizPage) -> CertificationPolicy | None:
    """The certification policy ``quiz`` follows, through its module."""
    return module_policy(module=quiz.get_parent())


def bank_problems(
    *, quiz: QuizPage, policy: CertificationPolicy | None, module: Page | None = None
) -> list[str]:
    """Why ``quiz``'s live question bank cannot serve ``policy``: too few questions for the
    draw (fewer than MIN_BANK_RATIO times it), or questions without a lesson tag. Empty when it
    can, or when there is no policy. ``module`` is the quiz's parent, for a quiz not yet
    saved."""
    if policy is None:
        return []
    problems = []
    questions = (
        list(Question.objects.non_polymorphic().filter(quiz=quiz, live=True)) if quiz.pk else []
    )
    needed = MIN_BANK_RATIO * policy.questions_to_draw
    if len(questions) < needed:
        problems.append(
            ngettext(
                "The question bank has %(count)s live question; the certification policy "
                "“%(policy)s” draws %(draw)s per attempt, so the bank needs at least %(needed)s.",
                "The question bank has %(count)s live questions; the certification policy "
                "“%(policy)s” draws %(draw)s per attempt, so the bank needs at least %(needed)s.",
                len(questions),
            )
            % {
                "count": len(questions),
                "policy": policy.name,
                "draw": policy.questions_to_draw,
                "needed": needed,
            }
        )
    untagged = [question for question in questions if question.lesson_id is None]
    if untagged:
        problems.append(
            _("Tag these questions with the lesson they assess: %(questions)s")
            % {"questions": "; ".join(f"“{question}”" for question in untagged)}
        )
    return problems


def program_problems(*, modules: list[ModulePage], policy: CertificationPolicy | None) -> list[str]:
    """``bank_problems`` for the quiz of each of ``modules``, each prefixed with the module."""
    problems = []
    for module in modules:
        quiz = QuizPage.objects.child_of(module).first()
        if quiz is None:
            continue
        for problem in bank_problems(quiz=quiz, policy=policy):
            problems.append(f"{module.title}: {problem}")
    return problems
