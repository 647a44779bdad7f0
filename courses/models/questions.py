"""Quiz questions: one polymorphic bank per quiz, one subtype per question type.

Each subtype owns its behaviour: how a new attempt lays it out (``new_layout``), how it is
shown (``template_name`` and ``form_context``), how a submitted form is read (``parse``) and how
a response is graded (``grade``). Code that uses questions calls these and never asks which
type it holds.

What a learner's browser receives identifies options only by random keys (``key``,
``right_key``), never by database ids, position or correctness: ids follow authoring order,
which for an ordering question is the answer.
"""

import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import prefetch_related_objects
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from polymorphic.models import PolymorphicModel
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.models import (
    DraftStateMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    TranslatableMixin,
)
from wagtail_localize.fields import SynchronizedField, TranslatableField

from courses.forms import QuestionForm

# Submitted form data: a QueryDict, or a plain mapping of field names to lists of values.
FormData = Mapping[str, Sequence[str]]


def _values(data: FormData, name: str) -> list[str]:
    """Every value submitted for ``name``."""
    if hasattr(data, "getlist"):
        return data.getlist(name)
    return list(data.get(name, []))


class InvalidResponse(ValueError):
    """The submission cannot come from the form we sent (unknown or foreign keys, wrong shape).

    Views answer it with 400 and change nothing.
    """


class MissingResponse(ValueError):
    """The learner left the question unanswered or incomplete; shown next to the question.

    ``partial`` holds what was answered, in the shape ``form_context`` accepts, so the form can
    be shown again without losing it.
    """

    def __init__(self, message, *, partial: dict | None = None):
        super().__init__(message)
        self.message = message
        self.partial = partial


@dataclass(frozen=True)
class FeedbackRow:
    """One option in the results, self-describing so results pages need not know the type.

    ``chosen``: the learner picked this option (or, for ordering and matching, got this row
    right). ``correct``: the option is part of the correct answer. ``answer``: where the option
    belongs, for types where that is not the option itself. ``outcome``: what the learner did
    with it, for those types. Everything except ``text`` and ``outcome`` reveals the answer.
    """

    text: str
    chosen: bool
    correct: bool
    feedback: str
    answer: str = ""
    outcome: str = ""


@dataclass(frozen=True)
class Grade:
    """The outcome for one question. ``fraction`` is between 0 and 1."""

    fraction: Decimal
    points_possible: int
    rows: list[FeedbackRow] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return (self.fraction * self.points_possible).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    @property
    def correct(self) -> bool:
        return self.fraction == 1


def _fraction(numerator: int, denominator: int) -> Decimal:
    if denominator <= 0:
        return Decimal(0)
    value = Decimal(max(0, numerator)) / Decimal(denominator)
    return min(Decimal(1), value).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


class Question(
    DraftStateMixin,
    RevisionMixin,
    PreviewableMixin,
    TranslatableMixin,
    ClusterableModel,
    PolymorphicModel,
):
    """A question in a quiz's bank. Subtypes implement the behaviour."""

    # A page key (not QuizPage) so that wagtail-localize, which resolves translated pages as
    # plain pages, can point each translation at its own language's quiz. ``clean`` checks
    # the type.
    quiz = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("quiz"),
        on_delete=models.CASCADE,
        related_name="quiz_questions",
    )
    prompt = models.TextField(_("question"))
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown with the results, after grading.")
    )
    points = models.PositiveSmallIntegerField(
        _("points"), default=1, validators=[MinValueValidator(1)]
    )
    sort_order = models.IntegerField(
        _("order"), default=0, help_text=_("Position in the bank when questions are not shuffled.")
    )
    # The lesson this question assesses: draws are balanced across lessons and a missed
    # question points the learner to it. A page key for the same reason as ``quiz``, so each
    # translation points at the lesson of its own language. Deleting a lesson leaves its
    # questions untagged (SET_NULL) rather than deleting them or blocking the deletion; a
    # certificate-bearing quiz with an untagged question then cannot be published until an
    # editor tags it again.
    lesson = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("lesson assessed"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessing_questions",
        help_text=_("The lesson of this module that the question assesses."),
    )

    # Each translation belongs to the quiz page, and assesses the lesson, of its own language.
    override_translatable_fields = [
        TranslatableField("quiz"),
        TranslatableField("lesson"),
        SynchronizedField("sort_order"),
    ]

    template_name = ""  # set by each subtype
    # Relations a subtype needs to show and grade itself, loaded once per subtype.
    child_relations: tuple[str, ...] = ()
    # The inline relation holding the answers that ``answer_errors`` checks, if any.
    answer_relation = ""
    base_form_class = QuestionForm

    common_panels = [
        PageChooserPanel("quiz", page_type="courses.QuizPage"),
        PageChooserPanel("lesson", page_type="courses.LessonPage"),
        FieldPanel("prompt"),
        FieldPanel("explanation"),
        FieldRowPanel([FieldPanel("points"), FieldPanel("sort_order")]),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["sort_order", "pk"]
        indexes = [models.Index(fields=["quiz", "live"], name="question_quiz_live")]

    def clean(self):
        super().clean()
        from courses.models.pages import QuizPage

        if self.quiz_id and not QuizPage.objects.filter(pk=self.quiz_id).exists():
            raise ValidationError({"quiz": _("Choose a quiz page.")})
        if self.quiz_id and self.locale_id and self.quiz.locale_id != self.locale_id:
            raise ValidationError(
                {"quiz": _("Choose the quiz in the same language as the question.")}
            )
        if self.lesson_id and self.quiz_id:
            from courses.models.pages import LessonPage

            module = self.quiz.get_parent()
            if not LessonPage.objects.child_of(module).filter(pk=self.lesson_id).exists():
                raise ValidationError({"lesson": _("Choose a lesson of this quiz's module.")})

    def __str__(self):
        prompt = " ".join(self.prompt.split())
        return prompt if len(prompt) <= 80 else prompt[:79] + "…"

    # Behaviour every subtype provides ----------------------------------------------------

    def new_layout(self, rng: random.Random, *, shuffle: bool) -> dict:
        """The presentation fixed on an attempt (e.g. the order of answers), JSON-serializable."""
        raise NotImplementedError

    def form_context(self, *, layout: dict, response: dict | None) -> dict:
        """What ``template_name`` needs to show the question, answered with ``response``."""
        raise NotImplementedError

    def parse(self, data: FormData, *, name: str, layout: dict) -> dict:
        """Read this question's answer from submitted form data.

        Returns the normalized response (JSON-serializable). Raises MissingResponse when the
        learner did not answer fully, InvalidResponse when the data cannot come from our form.
        """
        raise NotImplementedError

    def grade(self, response: dict) -> Grade:
        """Grade a response returned by ``parse``."""
        raise NotImplementedError

    # Shared ------------------------------------------------------------------------------

    def render(self, *, layout: dict, name: str, response=None, error=None, request=None) -> str:
        """The question as a form fragment whose fields are named after ``name``."""
        context = {
            "question": self,
            "name": name,
            "error": error,
            **self.form_context(layout=layout, response=response),
        }
        return render_to_string(self.template_name, context, request=request)

    @classmethod
    def load_children(cls, questions: Sequence["Question"]) -> list["Question"]:
        """Load the relations each question needs, one query per relation and subtype."""
        questions = list(questions)
        by_type: dict[type, list[Question]] = {}
        for question in questions:
            by_type.setdefault(type(question), []).append(question)
        for subtype, group in by_type.items():
            if subtype.child_relations:
                prefetch_related_objects(group, *subtype.child_relations)
        return questions

    def get_preview_template(self, request, mode_name):
        return "courses/questions/preview.html"

    def get_preview_context(self, request, mode_name):
        context = super().get_preview_context(request, mode_name)
        layout = self.new_layout(random.Random(0), shuffle=False)
        context["question_html"] = self.render(layout=layout, name="preview", request=request)
        if mode_name == "answers":
            context["answer_key"] = self.grade(self.model_answer())
        return context

    @property
    def preview_modes(self):
        return [("", _("As learners see it")), ("answers", _("With answers and feedback"))]

    def model_answer(self) -> dict:
        """A response that earns full marks, for previews and tests."""
        raise NotImplementedError

    def wrong_answer(self) -> dict:
        """A complete response that earns no marks, for demo data and tests."""
        raise NotImplementedError

    def form_data(self, response: dict, *, name: str) -> dict[str, list[str]]:
        """The form fields a learner fills in to give ``response`` (the inverse of ``parse``),
        for demo data and tests."""
        raise NotImplementedError

    def answer_errors(self, answers: list[dict]) -> list[str]:
        """What is wrong with this set of answers (field values of ``answer_relation``) as a
        whole; empty when it is fine. The admin form and data imports both call it."""
        return []

    def validate_answers(self) -> None:
        """Raise ValidationError if the answers attached to this question (saved or still in
        memory) break ``answer_errors``."""
        if not self.answer_relation:
            return
        answers = [
            {f.name: f.value_from_object(child) for f in child._meta.concrete_fields}
            for child in getattr(self, self.answer_relation).all()
        ]
        errors = self.answer_errors(answers)
        if errors:
            raise ValidationError(errors)

    @property
    def type_name(self) -> str:
        return str(self._meta.verbose_name)


class Choice(TranslatableMixin, Orderable):
    """An answer of a single-choice or select-all question, with the reason it is right or
    wrong."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    text = models.CharField(_("answer"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    feedback = models.TextField(_("feedback"), help_text=_("Why this answer is right or wrong."))

    panels = [FieldPanel("text"), FieldPanel("is_correct"), FieldPanel("feedback")]
    override_translatable_fields = [SynchronizedField("key")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return self.text


class ChoiceBehaviour:
    """Layout and display shared by the questions answered by picking among ``choices``."""

    template_name = "courses/questions/choice_question.html"
    child_relations = ("choices",)
    answer_relation = "choices"
    input_type = "radio"

    def answer_errors(self, answers):
        errors = []
        if len(answers) < 2:
            errors.append(_("Give at least two answers."))
        correct = sum(1 for answer in answers if answer.get("is_correct"))
        if self.exactly_one_correct and correct != 1:
            errors.append(_("Mark exactly one answer as correct."))
        elif correct < 1:
            errors.append(_("Mark at least one answer as correct."))
        return errors

    def new_layout(self, rng, *, shuffle):
        keys = [str(choice.key) for choice in self.choices.all()]
        if shuffle:
            rng.shuffle(keys)
        return {"order": keys}

    def _choices_by_key(self) -> dict[str, Choice]:
        return {str(choice.key): choice for choice in self.choices.all()}

    def form_context(self, *, layout, response):
        by_key = self._choices_by_key()
        chosen = set(self._chosen_keys(response))
        return {
            "input_type": self.input_type,
            "options": [
                {"key": key, "text": by_key[key].text, "checked": key in chosen}
                for key in layout.get("order", [])
                if key in by_key
            ],
        }

    def _chosen_keys(self, response) -> list[str]:
        raise NotImplementedError

    def _rows(self, chosen: set[str]) -> list[FeedbackRow]:
        return [
            FeedbackRow(
                text=choice.text,
                chosen=str(choice.key) in chosen,
                correct=choice.is_correct,
                feedback=choice.feedback,
            )
            for choice in self.choices.all()
        ]

    def _read_keys(self, data: FormData, name: str) -> list[str]:
        values = _values(data, name)
        known = self._choices_by_key()
        if any(value not in known for value in values):
            raise InvalidResponse(f"unknown answer for question {self.pk}")
        if len(set(values)) != len(values):
            raise InvalidResponse(f"repeated answer for question {self.pk}")
        return values


class SingleChoiceQuestion(ChoiceBehaviour, Question):
    """Exactly one answer is correct; all or nothing."""

    exactly_one_correct = True

    panels = [
        *Question.common_panels,
        InlinePanel("choices", label=_("Answers"), min_num=2),
    ]

    class Meta:
        verbose_name = _("single-choice question")
        verbose_name_plural = _("single-choice questions")

    def _chosen_keys(self, response):
        return [response["choice"]] if response and response.get("choice") else []

    def parse(self, data, *, name, layout):
        keys = self._read_keys(data, name)
        if len(keys) > 1:
            raise InvalidResponse(f"several answers for single-choice question {self.pk}")
        if not keys:
            raise MissingResponse(_("Choose an answer."))
        return {"choice": keys[0]}

    def grade(self, response):
        chosen = response.get("choice")
        correct = any(c.is_correct and str(c.key) == chosen for c in self.choices.all())
        return Grade(
            fraction=Decimal(1 if correct else 0),
            points_possible=self.points,
            rows=self._rows({chosen}),
        )

    def model_answer(self):
        return {"choice": next(str(c.key) for c in self.choices.all() if c.is_correct)}

    def wrong_answer(self):
        return {"choice": next(str(c.key) for c in self.choices.all() if not c.is_correct)}

    def form_data(self, response, *, name):
        return {name: [response["choice"]]}


class MultipleChoiceQuestion(ChoiceBehaviour, Question):
    """Select all that apply. Partial credit: (correct answers chosen − wrong answers chosen)
    ÷ number of correct answers, never below zero. Choosing everything therefore earns
    nothing unless every answer is correct."""

    input_type = "checkbox"
    exactly_one_correct = False
    panels = [
        *Question.common_panels,
        InlinePanel("choices", label=_("Answers"), min_num=2),
    ]

    class Meta:
        verbose_name = _("select-all-that-apply question")
        verbose_name_plural = _("select-all-that-apply questions")

    def _chosen_keys(self, response):
        return list(response.get("choices", [])) if response else []

    def parse(self, data, *, name, layout):
        keys = self._read_keys(data, name)
        if not keys:
            raise MissingResponse(_("Choose at least one answer."))
        return {"choices": sorted(keys)}

    def grade(self, response):
        chosen = set(response.get("choices", []))
        choices = list(self.choices.all())
        right = sum(1 for c in choices if c.is_correct and str(c.key) in chosen)
        wrong = sum(1 for c in choices if not c.is_correct and str(c.key) in chosen)
        total = sum(1 for c in choices if c.is_correct)
        return Grade(
            fraction=_fraction(right - wrong, total),
            points_possible=self.points,
            rows=self._rows(chosen),
        )

    def model_answer(self):
        return {"choices": sorted(str(c.key) for c in self.choices.all() if c.is_correct)}

    def wrong_answer(self):
        return {"choices": sorted(str(c.key) for c in self.choices.all() if not c.is_correct)}

    def form_data(self, response, *, name):
        return {name: list(response["choices"])}


class TrueFalseQuestion(Question):
    """A statement that is true or false, with feedback for each answer; all or nothing."""

    correct_answer = models.BooleanField(_("the statement is true"), default=True)
    feedback_true = models.TextField(_('feedback for "True"'))
    feedback_false = models.TextField(_('feedback for "False"'))

    template_name = "courses/questions/true_false_question.html"
    panels = [
        *Question.common_panels,
        MultiFieldPanel(
            [
                FieldPanel("correct_answer"),
                FieldPanel("feedback_true"),
                FieldPanel("feedback_false"),
            ],
            heading=_("Answer"),
        ),
    ]

    class Meta:
        verbose_name = _("true or false question")
        verbose_name_plural = _("true or false questions")

    def new_layout(self, rng, *, shuffle):
        return {}

    def form_context(self, *, layout, response):
        value = response.get("value") if response else None
        return {
            "options": [
                {"key": "true", "text": _("True"), "checked": value is True},
                {"key": "false", "text": _("False"), "checked": value is False},
            ]
        }

    def parse(self, data, *, name, layout):
        values = _values(data, name)
        if not values:
            raise MissingResponse(_("Choose True or False."))
        if len(values) > 1 or values[0] not in ("true", "false"):
            raise InvalidResponse(f"bad true/false answer for question {self.pk}")
        return {"value": values[0] == "true"}

    def grade(self, response):
        value = response.get("value")
        return Grade(
            fraction=Decimal(1 if value is self.correct_answer else 0),
            points_possible=self.points,
            rows=[
                FeedbackRow(
                    text=str(_("True")),
                    chosen=value is True,
                    correct=self.correct_answer,
                    feedback=self.feedback_true,
                ),
                FeedbackRow(
                    text=str(_("False")),
                    chosen=value is False,
                    correct=not self.correct_answer,
                    feedback=self.feedback_false,
                ),
            ],
        )

    def model_answer(self):
        return {"value": self.correct_answer}

    def wrong_answer(self):
        return {"value": not self.correct_answer}

    def form_data(self, response, *, name):
        return {name: ["true" if response["value"] else "false"]}


class OrderingQuestion(Question):
    """Put items in order. The author lists them in the correct order; learners see them
    shuffled and give each a position. Partial credit: the share of items in their correct
    position."""

    template_name = "courses/questions/ordering_question.html"
    child_relations = ("items",)
    answer_relation = "items"
    panels = [
        *Question.common_panels,
        InlinePanel(
            "items",
            label=_("Items, in the correct order"),
            min_num=2,
            help_text=_("Learners see them shuffled."),
        ),
    ]

    class Meta:
        verbose_name = _("ordering question")
        verbose_name_plural = _("ordering questions")

    def answer_errors(self, answers):
        if len(answers) < 2:
            return [_("Give at least two items to put in order.")]
        return []

    def _keys_in_order(self) -> list[str]:
        return [str(item.key) for item in self.items.all()]

    def new_layout(self, rng, *, shuffle):
        keys = self._keys_in_order()
        # Always shuffled: shown in authoring order, the question would answer itself.
        shuffled = keys[:]
        for _attempt in range(10):
            rng.shuffle(shuffled)
            if shuffled != keys or len(keys) < 2:
                break
        return {"order": shuffled}

    def form_context(self, *, layout, response):
        by_key = {str(item.key): item for item in self.items.all()}
        response = response or {}
        positions = dict(response.get("positions", {}))
        positions.update({key: index + 1 for index, key in enumerate(response.get("order", []))})
        return {
            "positions": list(range(1, len(by_key) + 1)),
            "options": [
                {"key": key, "text": by_key[key].text, "position": positions.get(key)}
                for key in layout.get("order", [])
                if key in by_key
            ],
        }

    def parse(self, data, *, name, layout):
        keys = self._keys_in_order()
        count = len(keys)
        positions: dict[str, int] = {}
        for key in keys:
            values = _values(data, f"{name}-{key}")
            if len(values) > 1:
                raise InvalidResponse(f"several positions for one item of question {self.pk}")
            if not values or values[0] == "":
                continue
            try:
                position = int(values[0])
            except ValueError:
                raise InvalidResponse(f"bad position for question {self.pk}") from None
            if not 1 <= position <= count:
                raise InvalidResponse(f"position out of range for question {self.pk}")
            positions[key] = position
        foreign = [k for k in data if k.startswith(f"{name}-") and k[len(name) + 1 :] not in keys]
        if foreign:
            raise InvalidResponse(f"unknown item for question {self.pk}")
        if len(positions) != count:
            raise MissingResponse(
                _("Give every item a position."), partial={"positions": positions}
            )
        if len(set(positions.values())) != count:
            raise MissingResponse(
                _("Give each item a different position."), partial={"positions": positions}
            )
        return {"order": sorted(positions, key=positions.__getitem__)}

    def grade(self, response):
        order = list(response.get("order", []))
        items = list(self.items.all())
        placed_at = {key: index for index, key in enumerate(order)}
        rows = []
        for index, item in enumerate(items):
            placed = placed_at.get(str(item.key))
            rows.append(
                FeedbackRow(
                    text=item.text,
                    chosen=placed == index,
                    correct=True,
                    feedback=item.feedback,
                    answer=_("Position %(position)s") % {"position": index + 1},
                    outcome=_("You put it at position %(position)s")
                    % {"position": placed + 1 if placed is not None else "—"},
                )
            )
        return Grade(
            fraction=_fraction(sum(1 for row in rows if row.chosen), len(items)),
            points_possible=self.points,
            rows=rows,
        )

    def model_answer(self):
        return {"order": self._keys_in_order()}

    def wrong_answer(self):
        keys = self._keys_in_order()
        return {"order": keys[1:] + keys[:1]}  # every item one place off

    def form_data(self, response, *, name):
        return {
            f"{name}-{key}": [str(position)]
            for position, key in enumerate(response["order"], start=1)
        }


class OrderingItem(TranslatableMixin, Orderable):
    question = ParentalKey(OrderingQuestion, on_delete=models.CASCADE, related_name="items")
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    text = models.CharField(_("item"), max_length=500)
    feedback = models.TextField(_("feedback"), help_text=_("Why it belongs at this position."))

    panels = [FieldPanel("text"), FieldPanel("feedback")]
    override_translatable_fields = [SynchronizedField("key")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("item")
        verbose_name_plural = _("items")

    def __str__(self):
        return self.text


class MatchingQuestion(Question):
    """Match each left-hand item with its right-hand partner. The author enters the pairs;
    learners see the right-hand sides shuffled. Partial credit: the share of correct matches."""

    template_name = "courses/questions/matching_question.html"
    child_relations = ("pairs",)
    answer_relation = "pairs"
    panels = [
        *Question.common_panels,
        InlinePanel(
            "pairs",
            label=_("Pairs"),
            min_num=2,
            help_text=_("Learners see the right-hand sides shuffled."),
        ),
    ]

    class Meta:
        verbose_name = _("matching question")
        verbose_name_plural = _("matching questions")

    def answer_errors(self, answers):
        errors = []
        if len(answers) < 2:
            errors.append(_("Give at least two pairs."))
        rights = [str(answer.get("right", "")).strip().casefold() for answer in answers]
        if len(set(rights)) != len(rights):
            errors.append(_("Each item needs a different match."))
        return errors

    def new_layout(self, rng, *, shuffle):
        pairs = list(self.pairs.all())
        left = [str(pair.key) for pair in pairs]
        right = [str(pair.right_key) for pair in pairs]
        if shuffle:
            rng.shuffle(left)
        shuffled = right[:]
        for _attempt in range(10):
            rng.shuffle(shuffled)
            if len(right) < 2 or all(a != b for a, b in zip(shuffled, right, strict=True)):
                break
        return {"left": left, "right": shuffled}

    def form_context(self, *, layout, response):
        pairs = list(self.pairs.all())
        left = {str(pair.key): pair for pair in pairs}
        right = {str(pair.right_key): pair for pair in pairs}
        matches = response.get("matches", {}) if response else {}
        return {
            "right_options": [
                {"key": key, "text": right[key].right} for key in layout.get("right", [])
            ],
            "options": [
                {"key": key, "text": left[key].left, "selected": matches.get(key)}
                for key in layout.get("left", [])
                if key in left
            ],
        }

    def parse(self, data, *, name, layout):
        pairs = list(self.pairs.all())
        right_keys = {str(pair.right_key) for pair in pairs}
        left_keys = {str(pair.key) for pair in pairs}
        matches = {}
        for key in left_keys:
            values = _values(data, f"{name}-{key}")
            if len(values) > 1:
                raise InvalidResponse(f"several matches for one item of question {self.pk}")
            if not values or values[0] == "":
                raise MissingResponse(_("Match every item."))
            if values[0] not in right_keys:
                raise InvalidResponse(f"unknown match for question {self.pk}")
            matches[key] = values[0]
        foreign = [
            k for k in data if k.startswith(f"{name}-") and k[len(name) + 1 :] not in left_keys
        ]
        if foreign:
            raise InvalidResponse(f"unknown item for question {self.pk}")
        return {"matches": dict(sorted(matches.items()))}

    def grade(self, response):
        matches = response.get("matches", {})
        pairs = list(self.pairs.all())
        right_text = {str(pair.right_key): pair.right for pair in pairs}
        rows = [
            FeedbackRow(
                text=pair.left,
                chosen=matches.get(str(pair.key)) == str(pair.right_key),
                correct=True,
                feedback=pair.feedback,
                answer=pair.right,
                outcome=_("You matched it with: %(match)s")
                % {"match": right_text.get(matches.get(str(pair.key)), "—")},
            )
            for pair in pairs
        ]
        return Grade(
            fraction=_fraction(sum(1 for row in rows if row.chosen), len(pairs)),
            points_possible=self.points,
            rows=rows,
        )

    def model_answer(self):
        return {"matches": {str(p.key): str(p.right_key) for p in self.pairs.all()}}

    def wrong_answer(self):
        pairs = list(self.pairs.all())
        rights = [str(p.right_key) for p in pairs]
        rotated = rights[1:] + rights[:1]
        return {"matches": {str(p.key): right for p, right in zip(pairs, rotated, strict=True)}}

    def form_data(self, response, *, name):
        return {f"{name}-{left}": [right] for left, right in response["matches"].items()}


class MatchingPair(TranslatableMixin, Orderable):
    question = ParentalKey(MatchingQuestion, on_delete=models.CASCADE, related_name="pairs")
    key = models.UUIDField(default=uuid.uuid4, editable=False)
    right_key = models.UUIDField(default=uuid.uuid4, editable=False)
    left = models.CharField(_("item"), max_length=300)
    right = models.CharField(_("its match"), max_length=300)
    feedback = models.TextField(_("feedback"), help_text=_("Why they belong together."))

    panels = [FieldRowPanel([FieldPanel("left"), FieldPanel("right")]), FieldPanel("feedback")]
    override_translatable_fields = [SynchronizedField("key"), SynchronizedField("right_key")]

    class Meta(TranslatableMixin.Meta, Orderable.Meta):
        verbose_name = _("pair")
        verbose_name_plural = _("pairs")

    def __str__(self):
        return f"{self.left} → {self.right}"

    def clean(self):
        super().clean()
        if self.left.strip().casefold() == self.right.strip().casefold():
            raise ValidationError(_("An item cannot match itself."))


# Every concrete question type, in the order editors are offered them.
QUESTION_TYPES = (
    SingleChoiceQuestion,
    MultipleChoiceQuestion,
    TrueFalseQuestion,
    OrderingQuestion,
    MatchingQuestion,
)
