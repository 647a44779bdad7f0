"""Factories for authored content: pages through wagtail_factories, one per question type."""

import datetime

import factory
import wagtail_factories
from factory.django import DjangoModelFactory
from wagtail.models import Locale

from courses.models import (
    CertificationPolicy,
    Choice,
    LessonPage,
    MatchingPair,
    MatchingQuestion,
    ModuleIndexPage,
    ModulePage,
    MultipleChoiceQuestion,
    OrderingItem,
    OrderingQuestion,
    ProgramPage,
    QuizPage,
    SingleChoiceQuestion,
    Source,
    TrueFalseQuestion,
)


def english():
    return Locale.objects.get(language_code="en")


class ModuleIndexPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Catalogue {n}")
    locale = factory.LazyFunction(english)

    class Meta:
        model = ModuleIndexPage


class ModulePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Module {n}")
    locale = factory.LazyAttribute(lambda o: o.parent.locale if o.parent else english())
    summary = "What this module teaches."
    learning_objectives = factory.LazyFunction(lambda: [("objective", "Plan an onboarding.")])
    audience = "Owners and managers."
    estimated_minutes = 30
    content_last_reviewed = datetime.date(2026, 11, 1)

    class Meta:
        model = ModulePage


class LessonPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Lesson {n}")
    locale = factory.LazyAttribute(lambda o: o.parent.locale)
    summary = "One idea."
    estimated_minutes = 7
    body = factory.LazyFunction(lambda: [("paragraph", "<p>Welcome the whole family.</p>")])

    class Meta:
        model = LessonPage


class QuizPageFactory(wagtail_factories.PageFactory):
    title = "Final quiz"
    slug = "quiz"
    locale = factory.LazyAttribute(lambda o: o.parent.locale)

    class Meta:
        model = QuizPage


class ProgramPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Program {n}")
    locale = factory.LazyAttribute(lambda o: o.parent.locale)
    summary = "Modules together."

    class Meta:
        model = ProgramPage


class QuestionFactory(DjangoModelFactory):
    """Published questions in ``quiz``'s language."""

    quiz = factory.SubFactory(QuizPageFactory)
    locale_id = factory.LazyAttribute(lambda o: o.quiz.locale_id)
    prompt = factory.Sequence(lambda n: f"Question {n}?")
    explanation = "Because."
    points = 1
    live = True

    class Meta:
        abstract = True
        skip_postgeneration_save = True


class SingleChoiceQuestionFactory(QuestionFactory):
    class Meta:
        model = SingleChoiceQuestion
        skip_postgeneration_save = True

    @factory.post_generation
    def choices(obj, create, extracted, **kwargs):
        specs = extracted or [("Right", True), ("Wrong", False), ("Also wrong", False)]
        for position, (text, correct) in enumerate(specs):
            Choice.objects.create(
                question=obj,
                locale_id=obj.locale_id,
                text=text,
                is_correct=correct,
                feedback=f"{text}: because.",
                sort_order=position,
            )


class MultipleChoiceQuestionFactory(SingleChoiceQuestionFactory):
    points = 2

    class Meta:
        model = MultipleChoiceQuestion
        skip_postgeneration_save = True

    @factory.post_generation
    def choices(obj, create, extracted, **kwargs):
        specs = extracted or [("A", True), ("B", True), ("C", False), ("D", False)]
        SingleChoiceQuestionFactory.choices.function(obj, create, specs)


class TrueFalseQuestionFactory(QuestionFactory):
    correct_answer = True
    feedback_true = "Yes: it is true."
    feedback_false = "No: it is true."

    class Meta:
        model = TrueFalseQuestion


class OrderingQuestionFactory(QuestionFactory):
    points = 2

    class Meta:
        model = OrderingQuestion
        skip_postgeneration_save = True

    @factory.post_generation
    def items(obj, create, extracted, **kwargs):
        for position, text in enumerate(extracted or ["First", "Second", "Third", "Fourth"]):
            OrderingItem.objects.create(
                question=obj,
                locale_id=obj.locale_id,
                text=text,
                feedback=f"{text} comes here.",
                sort_order=position,
            )


class MatchingQuestionFactory(QuestionFactory):
    points = 2

    class Meta:
        model = MatchingQuestion
        skip_postgeneration_save = True

    @factory.post_generation
    def pairs(obj, create, extracted, **kwargs):
        specs = extracted or [
            ("Buddy", "Shows the ropes"),
            ("SPO", "Settlement plan"),
            ("Province", "Designation"),
        ]
        for position, (left, right) in enumerate(specs):
            MatchingPair.objects.create(
                question=obj,
                locale_id=obj.locale_id,
                left=left,
                right=right,
                feedback=f"{left} goes with {right}.",
                sort_order=position,
            )


QUESTION_FACTORIES = [
    SingleChoiceQuestionFactory,
    MultipleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
    OrderingQuestionFactory,
    MatchingQuestionFactory,
]


class SourceFactory(DjangoModelFactory):
    key = factory.Sequence(lambda n: f"source-{n}")
    locale = factory.LazyFunction(english)
    title = factory.Sequence(lambda n: f"Guide {n}")
    publisher = "Nova Scotia Human Rights Commission"
    year = 2024
    url = factory.Sequence(lambda n: f"https://example.org/guide-{n}")
    language = factory.LazyAttribute(lambda source: source.locale.language_code)
    checked = datetime.date(2026, 11, 30)

    class Meta:
        model = Source


class CertificationPolicyFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Policy {n}")
    questions_to_draw = 6

    class Meta:
        model = CertificationPolicy
