"""Each question type lays itself out, renders, parses and grades on its own."""

import random
import re
from decimal import Decimal

import pytest
from django.http import QueryDict

from courses.models import InvalidResponse, MissingResponse, Question
from courses.selectors import quiz_questions
from tests.factories.courses import (
    QUESTION_FACTORIES,
    MatchingQuestionFactory,
    MultipleChoiceQuestionFactory,
    OrderingQuestionFactory,
    SingleChoiceQuestionFactory,
    TrueFalseQuestionFactory,
)


def form(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in fields.items():
        data.setlist(name.replace("__", "-"), values if isinstance(values, list) else [values])
    return data


def keys(question, relation):
    return [str(child.key) for child in getattr(question, relation).all()]


# -- Single choice -------------------------------------------------------------------------


def test_single_choice_grades_the_correct_answer_full_marks(quiz):
    question = SingleChoiceQuestionFactory(quiz=quiz)
    right, wrong, _other = keys(question, "choices")

    grade = question.grade(question.parse(form(q=right), name="q", layout={}))

    assert (grade.fraction, grade.points, grade.correct) == (Decimal(1), Decimal("1.00"), True)
    assert [row.chosen for row in grade.rows] == [True, False, False]


def test_single_choice_grades_a_wrong_answer_zero(quiz):
    question = SingleChoiceQuestionFactory(quiz=quiz)
    _right, wrong, _other = keys(question, "choices")

    grade = question.grade(question.parse(form(q=wrong), name="q", layout={}))

    assert (grade.fraction, grade.correct) == (Decimal(0), False)


@pytest.mark.parametrize(
    "data",
    [
        {"q": "not-a-key"},
        {"q": "00000000-0000-0000-0000-000000000000"},
    ],
)
def test_single_choice_rejects_unknown_answers(quiz, data):
    question = SingleChoiceQuestionFactory(quiz=quiz)

    with pytest.raises(InvalidResponse):
        question.parse(form(**data), name="q", layout={})


def test_single_choice_rejects_two_answers(quiz):
    question = SingleChoiceQuestionFactory(quiz=quiz)
    right, wrong, _other = keys(question, "choices")

    with pytest.raises(InvalidResponse):
        question.parse(form(q=[right, wrong]), name="q", layout={})


def test_single_choice_rejects_an_answer_of_another_question(quiz):
    question = SingleChoiceQuestionFactory(quiz=quiz)
    other = SingleChoiceQuestionFactory(quiz=quiz)

    with pytest.raises(InvalidResponse):
        question.parse(form(q=keys(other, "choices")[0]), name="q", layout={})


def test_single_choice_unanswered_is_missing_not_invalid(quiz):
    question = SingleChoiceQuestionFactory(quiz=quiz)

    with pytest.raises(MissingResponse):
        question.parse(form(), name="q", layout={})


# -- Select all that apply -----------------------------------------------------------------


@pytest.mark.parametrize(
    "chosen,expected",
    [
        (["A", "B"], Decimal(1)),  # both correct answers
        (["A"], Decimal("0.5")),  # one of two
        (["A", "C"], Decimal(0)),  # one right, one wrong: 1 - 1 = 0
        (["A", "B", "C"], Decimal("0.5")),  # 2 - 1 over 2
        (["A", "B", "C", "D"], Decimal(0)),  # choosing everything earns nothing
        (["C"], Decimal(0)),  # never below zero
    ],
)
def test_select_all_gives_partial_credit_right_minus_wrong(quiz, chosen, expected):
    question = MultipleChoiceQuestionFactory(quiz=quiz)
    by_text = {c.text: str(c.key) for c in question.choices.all()}

    response = question.parse(form(q=[by_text[t] for t in chosen]), name="q", layout={})
    grade = question.grade(response)

    assert grade.fraction == expected
    assert grade.points == (expected * 2).quantize(Decimal("0.01"))


def test_select_all_rejects_repeated_answers(quiz):
    question = MultipleChoiceQuestionFactory(quiz=quiz)
    first = keys(question, "choices")[0]

    with pytest.raises(InvalidResponse):
        question.parse(form(q=[first, first]), name="q", layout={})


def test_select_all_with_nothing_chosen_is_missing(quiz):
    question = MultipleChoiceQuestionFactory(quiz=quiz)

    with pytest.raises(MissingResponse):
        question.parse(form(), name="q", layout={})


# -- True or false -------------------------------------------------------------------------


@pytest.mark.parametrize("answer,fraction", [("true", Decimal(1)), ("false", Decimal(0))])
def test_true_false_grades_the_statement(quiz, answer, fraction):
    question = TrueFalseQuestionFactory(quiz=quiz, correct_answer=True)

    grade = question.grade(question.parse(form(q=answer), name="q", layout={}))

    assert grade.fraction == fraction


@pytest.mark.parametrize("data", [{"q": "yes"}, {"q": ["true", "false"]}, {"q": ""}])
def test_true_false_rejects_anything_but_true_or_false(quiz, data):
    question = TrueFalseQuestionFactory(quiz=quiz)

    with pytest.raises(InvalidResponse):
        question.parse(form(**data), name="q", layout={})


# -- Ordering ------------------------------------------------------------------------------


def ordering_form(question, order):
    by_text = {item.text: str(item.key) for item in question.items.all()}
    return form(**{f"q__{by_text[text]}": str(position) for text, position in order.items()})


def test_ordering_in_the_right_order_earns_full_marks(quiz):
    question = OrderingQuestionFactory(quiz=quiz)
    data = ordering_form(question, {"First": 1, "Second": 2, "Third": 3, "Fourth": 4})

    grade = question.grade(question.parse(data, name="q", layout={}))

    assert grade.fraction == Decimal(1)


def test_ordering_gives_credit_for_each_item_in_its_place(quiz):
    question = OrderingQuestionFactory(quiz=quiz)
    # First and Fourth in place; Second and Third swapped.
    data = ordering_form(question, {"First": 1, "Third": 2, "Second": 3, "Fourth": 4})

    grade = question.grade(question.parse(data, name="q", layout={}))

    assert grade.fraction == Decimal("0.5")
    assert [row.chosen for row in grade.rows] == [True, False, False, True]


def test_ordering_with_a_repeated_position_is_missing(quiz):
    question = OrderingQuestionFactory(quiz=quiz)
    data = ordering_form(question, {"First": 1, "Second": 1, "Third": 3, "Fourth": 4})

    with pytest.raises(MissingResponse):
        question.parse(data, name="q", layout={})


@pytest.mark.parametrize("bad", ["0", "5", "two", "-1"])
def test_ordering_rejects_positions_out_of_range(quiz, bad):
    question = OrderingQuestionFactory(quiz=quiz)
    data = ordering_form(question, {"First": 1, "Second": 2, "Third": 3, "Fourth": 4})
    first_key = keys(question, "items")[0]
    data.setlist(f"q-{first_key}", [bad])

    with pytest.raises(InvalidResponse):
        question.parse(data, name="q", layout={})


def test_ordering_rejects_an_item_of_another_question(quiz):
    question = OrderingQuestionFactory(quiz=quiz)
    other = OrderingQuestionFactory(quiz=quiz)
    data = ordering_form(question, {"First": 1, "Second": 2, "Third": 3, "Fourth": 4})
    data.setlist(f"q-{keys(other, 'items')[0]}", ["1"])

    with pytest.raises(InvalidResponse):
        question.parse(data, name="q", layout={})


def test_ordering_with_an_item_left_out_is_missing(quiz):
    question = OrderingQuestionFactory(quiz=quiz)
    data = ordering_form(question, {"First": 1, "Second": 2, "Third": 3})

    with pytest.raises(MissingResponse):
        question.parse(data, name="q", layout={})


def test_ordering_layout_is_never_the_answer(quiz):
    question = OrderingQuestionFactory(quiz=quiz)

    layouts = [question.new_layout(random.Random(seed), shuffle=False) for seed in range(20)]

    assert all(layout["order"] != keys(question, "items") for layout in layouts)


# -- Matching ------------------------------------------------------------------------------


def matching_form(question, matches):
    pairs = {pair.left: pair for pair in question.pairs.all()}
    return form(
        **{f"q__{pairs[left].key}": str(pairs[right].right_key) for left, right in matches.items()}
    )


def test_matching_all_pairs_earn_full_marks(quiz):
    question = MatchingQuestionFactory(quiz=quiz)
    data = matching_form(question, {"Buddy": "Buddy", "SPO": "SPO", "Province": "Province"})

    grade = question.grade(question.parse(data, name="q", layout={}))

    assert grade.fraction == Decimal(1)


def test_matching_gives_credit_per_correct_pair(quiz):
    question = MatchingQuestionFactory(quiz=quiz)
    data = matching_form(question, {"Buddy": "Buddy", "SPO": "Province", "Province": "SPO"})

    grade = question.grade(question.parse(data, name="q", layout={}))

    assert grade.fraction == Decimal("0.3333")
    assert grade.points == Decimal("0.67")


def test_matching_rejects_a_right_side_of_another_question(quiz):
    question = MatchingQuestionFactory(quiz=quiz)
    other = MatchingQuestionFactory(quiz=quiz)
    data = matching_form(question, {"Buddy": "Buddy", "SPO": "SPO", "Province": "Province"})
    first = question.pairs.first()
    data.setlist(f"q-{first.key}", [str(other.pairs.first().right_key)])

    with pytest.raises(InvalidResponse):
        question.parse(data, name="q", layout={})


def test_matching_with_an_item_unmatched_is_missing(quiz):
    question = MatchingQuestionFactory(quiz=quiz)
    data = matching_form(question, {"Buddy": "Buddy", "SPO": "SPO"})

    with pytest.raises(MissingResponse):
        question.parse(data, name="q", layout={})


# -- Every type ----------------------------------------------------------------------------


@pytest.mark.parametrize("factory", QUESTION_FACTORIES, ids=lambda f: f._meta.model.__name__)
def test_model_answer_earns_full_marks(quiz, factory):
    question = factory(quiz=quiz)

    assert question.grade(question.model_answer()).fraction == Decimal(1)


@pytest.mark.parametrize("factory", QUESTION_FACTORIES, ids=lambda f: f._meta.model.__name__)
def test_rendered_question_reveals_no_answer(quiz, factory):
    question = factory(quiz=quiz)
    layout = question.new_layout(random.Random(1), shuffle=True)

    html = question.render(layout=layout, name="q-1")

    assert question.prompt in html
    for secret in ("correct", "is_correct", "feedback", "because", "comes here", "goes with"):
        assert secret not in html.lower()
    # No database ids: only the random keys identify options.
    ids = {str(pk) for pk in question.__class__.objects.values_list("pk", flat=True)}
    assert not set(re.findall(r'value="(\d+)"', html)) & (ids - {"1", "2", "3", "4"})


@pytest.mark.parametrize("factory", QUESTION_FACTORIES, ids=lambda f: f._meta.model.__name__)
def test_rendered_form_parses_back_its_own_fields(quiz, factory):
    """What the form names is what parse reads: answering every field yields a response."""
    question = factory(quiz=quiz)
    layout = question.new_layout(random.Random(2), shuffle=True)
    html = question.render(layout=layout, name="q-7")
    data = QueryDict(mutable=True)
    for name, value in re.findall(
        r'<input type="(?:radio|checkbox)" name="([^"]+)"[^>]*value="([^"]+)"', html
    )[:1]:
        data.setlist(name, [value])
    for select in re.findall(r'<select name="([^"]+)"', html):
        options = re.findall(rf'<select name="{re.escape(select)}".*?</select>', html, re.S)[0]
        values = [v for v in re.findall(r'<option value="([^"]*)"', options) if v]
        data.setlist(select, [values[len(data) % len(values)]])

    try:
        response = question.parse(data, name="q-7", layout=layout)
    except MissingResponse:
        response = None  # ordering with a repeated position; still parsed, not rejected

    assert response is None or question.grade(response).points_possible == question.points


def test_loading_a_bank_costs_one_query_per_type_and_relation(quiz, django_assert_num_queries):
    for factory in QUESTION_FACTORIES:
        factory(quiz=quiz)
        factory(quiz=quiz)

    # 1 base rows + 5 subtype rows + choices (shared by 2 types, loaded per type: 2) +
    # ordering items + matching pairs = 10, whatever the number of questions.
    with django_assert_num_queries(10):
        questions = quiz_questions(quiz=quiz)
        for question in questions:
            question.grade(question.model_answer())

    assert len(questions) == 10
    assert {type(q).__name__ for q in questions} == {
        f._meta.model.__name__ for f in QUESTION_FACTORIES
    }


def test_base_question_has_no_behaviour(quiz):
    question = Question(quiz=quiz)

    with pytest.raises(NotImplementedError):
        question.grade({})


@pytest.mark.parametrize("factory", QUESTION_FACTORIES, ids=lambda f: f._meta.model.__name__)
def test_form_data_round_trips_through_parse(quiz, factory):
    question = factory(quiz=quiz)
    data = QueryDict(mutable=True)
    for name, values in question.form_data(question.model_answer(), name="q3").items():
        data.setlist(name, values)

    response = question.parse(data, name="q3", layout={})

    assert question.grade(response).fraction == Decimal(1)


@pytest.mark.parametrize("factory", QUESTION_FACTORIES, ids=lambda f: f._meta.model.__name__)
def test_wrong_answer_earns_nothing(quiz, factory):
    question = factory(quiz=quiz)

    assert question.grade(question.wrong_answer()).fraction == Decimal(0)
