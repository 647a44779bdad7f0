"""Certification policies at run time, through the learner's, SPO's, employer's and editors'
pages: rounds of attempts and the wait, what a failed attempt reveals, stable and balanced
draws, the statement, the attempt record, resets, accommodations, item analysis and
knowledge gain."""

import datetime
import random
import re
from collections import Counter
from html import escape
from types import SimpleNamespace

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation
from hypothesis import given, settings
from hypothesis import strategies as st
from wagtail.models import Locale, ModelLogEntry

from cms.templatetags.typography import typography
from courses.certification import quiz_policy
from courses.demo import CERTIFICATION_DRAW
from courses.models import LessonPage, Question
from courses.selectors import quiz_questions
from learning import selectors, services
from learning.models import Enrolment, QuizAttempt
from tests.factories.courses import (
    LessonPageFactory,
    ModuleIndexPageFactory,
    ModulePageFactory,
    QuizPageFactory,
    SingleChoiceQuestionFactory,
)
from tests.factories.learning import (
    AttemptQuestionFactory,
    EmployerFactory,
    EnrolmentFactory,
    PartnershipFactory,
    QuizAttemptFactory,
    SpoFactory,
    member,
)
from tests.learning.conftest import right_answers, wrong_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiz(certified_quiz):
    """Here the seeded quiz keeps the demo program's certification policy."""
    return certified_quiz


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def start(client, quiz, *, language="en", statement=True):
    with translation.override(language):
        url = reverse("learning:attempt_start", args=[quiz.pk])
    data = {"kind": "final", **({"statement": "confirmed"} if statement else {})}
    return client.post(url, data)


def open_attempt(learner) -> QuizAttempt:
    return QuizAttempt.objects.get(enrolment__user=learner, status="in_progress")


def submit(client, learner, *, correct=False) -> QuizAttempt:
    attempt = open_attempt(learner)
    data = right_answers(attempt) if correct else wrong_answers(attempt)
    client.post(reverse("learning:attempt", args=[attempt.pk]), dict(data.lists()))
    attempt.refresh_from_db()
    return attempt


def finals(learner) -> int:
    return QuizAttempt.objects.filter(enrolment__user=learner, kind="final").count()


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# -- The policy applies to the demo's certificate-bearing quizzes -------------------------


def test_seeded_quiz_follows_the_demo_policy(quiz):
    policy = quiz_policy(quiz=quiz)

    assert policy.questions_to_draw == CERTIFICATION_DRAW
    assert (policy.attempts_per_round, policy.wait_hours, policy.time_limit_minutes) == (
        3,
        24,
        None,
    )


# -- Rounds of attempts -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "You have used your 3 attempts. You can start the next 3 on "),
        ("fr", "Vous avez utilisé vos 3 tentatives. Vous pourrez commencer les 3 suivantes le "),
    ],
)
def test_fourth_attempt_inside_the_wait_is_refused_with_no_attempt_row(
    signed_in, learner, quiz, language, expected
):
    for _number in range(3):
        start(signed_in, quiz)
        assert submit(signed_in, learner).passed is False

    response = start(signed_in, quiz, language=language)

    assert response.status_code == 302
    [message] = messages_of(response)
    assert message.startswith(expected)
    assert finals(learner) == 3


def test_after_the_wait_the_next_round_starts(signed_in, learner, quiz):
    for _number in range(3):
        start(signed_in, quiz)
        submit(signed_in, learner)
    last = QuizAttempt.objects.filter(enrolment__user=learner).latest("submitted_at")

    with time_machine.travel(last.submitted_at + datetime.timedelta(hours=23, minutes=59)):
        start(signed_in, quiz)
        assert finals(learner) == 3
    with time_machine.travel(last.submitted_at + datetime.timedelta(hours=24, seconds=1)):
        response = start(signed_in, quiz)

    attempt = open_attempt(learner)
    assert response["Location"] == reverse("learning:attempt", args=[attempt.pk])
    assert attempt.number == 4


def test_starting_without_the_statement_is_refused(signed_in, learner, quiz):
    response = start(signed_in, quiz, statement=False)

    assert messages_of(response) == [
        "Confirm that you are taking the assessment yourself, without help."
    ]
    assert finals(learner) == 0


def test_statement_is_stored_with_its_time_and_language(signed_in, learner, quiz):
    start(signed_in, quiz, language="fr")

    attempt = open_attempt(learner)
    assert attempt.statement_language == "fr"
    assert attempt.statement_text.startswith("Je confirme que je fais cette évaluation moi-même")
    assert abs((timezone.now() - attempt.statement_at).total_seconds()) < 60
    assert attempt.policy["questions_to_draw"] == CERTIFICATION_DRAW
    assert attempt.policy["bank_size"] == len(quiz_questions(quiz=quiz)) > CERTIFICATION_DRAW


def test_quiz_page_asks_for_the_statement_and_states_the_rules(signed_in, learner, quiz):
    html = signed_in.get(quiz.url).content.decode()

    assert 'name="statement" value="confirmed"' in html
    assert f"You will answer {CERTIFICATION_DRAW} questions drawn from a larger bank." in html
    assert "There is no time limit." in html


# -- What results reveal ----------------------------------------------------------------


def revealing_texts(question: Question) -> list[str]:
    """Texts that give away the right answer to ``question``."""
    grade = question.grade(question.model_answer())
    texts = [question.explanation]
    for row in grade.rows:
        texts += [row.feedback, row.answer]
        if row.correct and len(row.text) > 15:
            texts.append(row.text)
    return [text for text in texts if text]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_failed_attempt_reveals_no_correct_answer(signed_in, learner, quiz, language):
    start(signed_in, quiz)
    attempt = submit(signed_in, learner)

    with translation.override(language):
        url = reverse("learning:attempt_results", args=[attempt.pk])
    html = signed_in.get(url).content.decode()

    locale = Locale.objects.get(language_code=language)
    shown = [
        question for _item, question in selectors.attempt_display(attempt=attempt, locale=locale)
    ]
    assert not attempt.passed
    with translation.override(language):
        for question in Question.load_children(shown):
            for text in revealing_texts(question):
                assert typography(text) not in html, text
    assert html.count('class="review-lesson"') == attempt.items.filter(fraction__lt=1).count()


def test_failed_attempt_names_the_lesson_to_review(signed_in, learner, quiz):
    start(signed_in, quiz)
    attempt = submit(signed_in, learner)

    html = signed_in.get(reverse("learning:attempt_results", args=[attempt.pk])).content.decode()

    missed = attempt.items.filter(fraction__lt=1).select_related("question__lesson")
    for item in missed:
        assert f'href="{item.question.lesson.url}"' in html


def test_passed_attempt_shows_full_feedback(signed_in, learner, quiz):
    start(signed_in, quiz)
    attempt = submit(signed_in, learner, correct=True)

    html = signed_in.get(reverse("learning:attempt_results", args=[attempt.pk])).content.decode()

    assert attempt.passed
    for item in services.attempt_items(attempt):
        assert escape(item.question.explanation) in html
        for text in revealing_texts(item.question):
            assert escape(text) in html


# -- Draws ------------------------------------------------------------------------------


def bank(sizes: list[int]) -> list[SimpleNamespace]:
    """A bank with ``sizes[i]`` questions tagged with lesson i."""
    questions, pk = [], 0
    for lesson, size in enumerate(sizes):
        for _n in range(size):
            pk += 1
            questions.append(SimpleNamespace(pk=pk, lesson_id=lesson + 1))
    return questions


@settings(max_examples=1000, deadline=None, database=None)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=8), min_size=1, max_size=7),
    count=st.integers(min_value=1, max_value=20),
    excluded=st.sets(st.integers(min_value=1, max_value=56), max_size=6),
    seed=st.integers(),
)
def test_draws_are_balanced_across_lessons_and_never_repeat(sizes, count, excluded, seed):
    questions = bank(sizes)

    drawn = services.balanced_draw(questions, count, random.Random(seed), exclude=excluded)

    pks = [question.pk for question in drawn]
    available = Counter(q.lesson_id for q in questions if q.pk not in excluded)
    taken = Counter(question.lesson_id for question in drawn)
    assert len(pks) == len(set(pks)) == min(count, sum(available.values()))
    assert not set(pks) & excluded
    for lesson in available:
        for other in available:
            # a lesson trails another by more than one question only when it has run out
            assert taken[lesson] >= min(available[lesson], taken[other] - 1)


def test_two_learners_rarely_get_the_same_set(quiz):
    questions = list(Question.objects.filter(quiz=quiz, live=True))
    rng = random.Random(2026)

    same = sum(
        {q.pk for q in services.balanced_draw(questions, 6, rng)}
        == {q.pk for q in services.balanced_draw(questions, 6, rng)}
        for _pair in range(1000)
    )

    assert same < 50  # fewer than 5 % of pairs of learners


def test_pre_check_never_shares_a_question_with_the_certification_draw(signed_in, learner, quiz):
    pre = services.attempt_start(
        user=learner, quiz=quiz, kind=QuizAttempt.Kind.PRE_CHECK, language="en"
    )
    services.attempt_submit(user=learner, attempt_id=pre.pk, data=wrong_answers(pre))
    start(signed_in, quiz)

    final = open_attempt(learner)
    pre_questions = set(pre.items.values_list("question_id", flat=True))
    final_questions = set(final.items.values_list("question_id", flat=True))
    assert len(pre_questions) == 5
    assert len(final_questions) == CERTIFICATION_DRAW
    assert not pre_questions & final_questions


def attempt_view_keys(client, attempt, language) -> tuple[list[str], list[str]]:
    """The questions' field names and the answer keys, in page order."""
    with translation.override(language):
        url = reverse("learning:attempt", args=[attempt.pk])
    html = client.get(url).content.decode()
    return re.findall(r'id="(q\d+)"', html), re.findall(r'value="([0-9a-f-]{36})"', html)


def test_reload_and_language_switch_keep_questions_and_order(signed_in, learner, quiz, french):
    start(signed_in, quiz)
    attempt = open_attempt(learner)

    first = attempt_view_keys(signed_in, attempt, "en")
    reloaded = attempt_view_keys(signed_in, attempt, "en")
    switched = attempt_view_keys(signed_in, attempt, "fr")

    assert first[1] and first == reloaded == switched
    french_html = signed_in.get(f"/fr/my-learning/attempts/{attempt.pk}/").content.decode()
    for item in attempt.items.select_related("question"):
        translated = item.question.get_translation(french)
        with translation.override("fr"):
            assert typography(translated.prompt) in french_html


# -- Item analysis over attempts that drew each question ----------------------------------


def test_item_analysis_counts_only_the_attempts_that_drew_a_question(catalogue_quiz):
    quiz, (a, b, never) = catalogue_quiz
    # Two disjoint draws: attempts 1 and 3 drew A only, attempts 2 and 4 drew B only.
    for score, question, fraction in ((90, a, 1), (80, b, 0), (10, a, 0), (20, b, 1)):
        attempt = QuizAttemptFactory(enrolment=EnrolmentFactory(module=quiz.get_parent().specific),
                                     quiz=quiz, score=score)  # fmt: skip
        AttemptQuestionFactory(attempt=attempt, question=question, fraction=fraction)

    rows = {row.question.pk: row for row in selectors.quiz_item_analysis(quiz=quiz).questions}

    assert (rows[a.pk].answered, rows[a.pk].correct, rows[a.pk].discrimination) == (2, 1, 1.0)
    assert (rows[b.pk].answered, rows[b.pk].correct, rows[b.pk].discrimination) == (2, 1, -1.0)
    assert (rows[never.pk].answered, rows[never.pk].percent_correct) == (0, None)
    assert rows[never.pk].discrimination is None


@pytest.fixture
def catalogue_quiz(db):
    from cms.models import HomePage

    home = HomePage.objects.get(locale__language_code="en")
    module = ModulePageFactory(parent=ModuleIndexPageFactory(parent=home, slug="analysis"))
    LessonPageFactory(parent=module)
    quiz = QuizPageFactory(parent=module)
    return quiz, [SingleChoiceQuestionFactory(quiz=quiz) for _n in range(3)]


def test_item_analysis_page_shows_per_question_figures(client, catalogue_quiz):
    quiz, (a, _b, _never) = catalogue_quiz
    enrolment = EnrolmentFactory(module=quiz.get_parent().specific)
    attempt = QuizAttemptFactory(enrolment=enrolment, quiz=quiz)
    AttemptQuestionFactory(attempt=attempt, question=a, fraction=1)
    client.force_login(get_user_model().objects.get(email="admin@example.com"))

    html = client.get(f"/admin/evaluation/?module={quiz.get_parent().pk}").content.decode()

    assert "1 graded attempt." in html


# -- Time accommodations ----------------------------------------------------------------


def test_accommodation_extends_the_time_limit_for_one_learner_only(client, quiz):
    policy = quiz_policy(quiz=quiz)
    policy.time_limit_minutes = 20
    policy.save()
    employer = EmployerFactory()
    admin = member(employer, role="employer_admin")
    accommodated, colleague = member(employer), member(employer)
    client.force_login(admin)

    response = client.post(
        reverse("employer:time_accommodations", args=[employer.pk]),
        {"learner": accommodated.pk, "time_factor": "1.5"},
    )
    deadlines = {}
    for person in (accommodated, colleague):
        client.force_login(person)
        start(client, quiz)
        attempt = open_attempt(person)
        deadlines[person] = attempt.deadline - attempt.started_at

    assert response.status_code == 302
    assert deadlines[accommodated] == datetime.timedelta(minutes=30)
    assert deadlines[colleague] == datetime.timedelta(minutes=20)
    assert open_attempt(accommodated).policy["time_factor"] == "1.50"


def test_only_the_learners_employer_admin_grants_an_accommodation(client):
    employer, other = EmployerFactory(), EmployerFactory()
    learner = member(employer)
    client.force_login(member(other, role="employer_admin"))

    foreign = client.post(
        reverse("employer:time_accommodations", args=[employer.pk]),
        {"learner": learner.pk, "time_factor": "2"},
    )
    outsider = client.post(
        reverse("employer:time_accommodations", args=[other.pk]),
        {"learner": learner.pk, "time_factor": "2"},
    )

    assert (foreign.status_code, outsider.status_code) == (404, 404)
    assert not learner.time_accommodations.exists()


# -- The attempt record and resets ------------------------------------------------------


@pytest.fixture
def partner(db):
    """An SPO in partnership with an employer whose learner used a round of attempts."""
    spo, employer = SpoFactory(), EmployerFactory()
    PartnershipFactory(spo=spo, employer=employer)
    return SimpleNamespace(
        spo=spo,
        employer=employer,
        manager=member(spo, role="spo_manager"),
        staff=member(spo, role="spo_staff"),
        learner=member(employer),
    )


def record_url(partner):
    return reverse(
        "spo:attempt_record", args=[partner.spo.pk, partner.employer.pk, partner.learner.pk]
    )


def use_a_round(client, learner, quiz):
    client.force_login(learner)
    for _number in range(3):
        start(client, quiz)
        submit(client, learner)


def test_spo_manager_reads_the_attempt_record(client, partner, quiz):
    use_a_round(client, partner.learner, quiz)
    client.force_login(partner.manager)

    html = client.get(record_url(partner)).content.decode()

    attempt = QuizAttempt.objects.filter(enrolment__user=partner.learner).first()
    assert html.count("<details>") == 3
    assert escape(attempt.statement_text) in html
    bank = Question.objects.filter(quiz=quiz, live=True).count()
    assert f"{CERTIFICATION_DRAW} questions drawn from {bank}" in html
    for item in services.attempt_items(attempt):
        assert escape(item.question.prompt) in html


def test_attempt_record_is_for_the_partner_spo_managers_only(client, partner, quiz):
    other_manager = member(SpoFactory(), role="spo_manager")
    admin = member(partner.employer, role="employer_admin")

    statuses = []
    for person in (partner.staff, other_manager, admin, partner.learner):
        client.force_login(person)
        statuses.append(client.get(record_url(partner)).status_code)

    assert statuses == [404, 404, 404, 404]


def test_reset_by_the_spo_manager_needs_a_reason_and_goes_to_the_audit_log(client, partner, quiz):
    use_a_round(client, partner.learner, quiz)
    enrolment = Enrolment.objects.get(user=partner.learner)
    client.force_login(partner.manager)

    client.post(record_url(partner), {"enrolment": enrolment.pk, "reason": "  "})
    refused = start_as(client, partner.learner, quiz)
    client.force_login(partner.manager)
    client.post(
        record_url(partner),
        {"enrolment": enrolment.pk, "reason": "The page froze during attempt 3."},
    )
    allowed = start_as(client, partner.learner, quiz)

    assert (refused, allowed) == (3, 4)
    [entry] = ModelLogEntry.objects.filter(action="learning.attempts_reset")
    assert entry.user == partner.manager
    assert entry.data["reason"] == "The page froze during attempt 3."
    assert entry.object_id == str(enrolment.pk)


def start_as(client, learner, quiz) -> int:
    client.force_login(learner)
    start(client, quiz)
    return finals(learner)


def test_site_admin_may_reset_attempts(partner, quiz, django_user_model):
    enrolment = EnrolmentFactory(user=partner.learner, module=quiz.get_parent().specific)
    admin = django_user_model.objects.get(email="admin@example.com")

    services.attempts_reset(by=admin, enrolment_id=enrolment.pk, reason="Server outage")

    enrolment.refresh_from_db()
    assert enrolment.attempts_reset_at is not None


# -- Knowledge gain per lesson ----------------------------------------------------------


def test_knowledge_gain_by_lesson_shows_figures_from_five_learners(client, module):
    client.force_login(
        __import__("django.contrib.auth")
        .contrib.auth.get_user_model()
        .objects.get(email="admin@example.com")
    )

    gains = selectors.knowledge_gain_by_lesson(module=module)
    html = client.get(f"/admin/evaluation/?module={module.pk}").content.decode()

    shown = [gain for gain in gains if not gain.hidden]
    assert len(shown) >= 1 and all(gain.learners >= 5 for gain in shown)
    assert all(gain.pre_check is None for gain in gains if gain.hidden)
    assert "Knowledge gain by lesson" in html
    assert html.count("Too few learners to show") == len(gains) - len(shown)


@pytest.mark.parametrize(("learners", "shown"), [(4, False), (5, True)])
def test_knowledge_gain_by_lesson_is_hidden_below_five_learners(catalogue_quiz, learners, shown):
    quiz, (question, _b, _c) = catalogue_quiz
    module = quiz.get_parent()
    lesson = module.get_children().type(LessonPage).first()
    Question.objects.filter(pk=question.pk).update(lesson=lesson)
    for _n in range(learners):
        enrolment = EnrolmentFactory(module=module)
        for kind, fraction in (("pre_check", 0), ("final", 1)):
            attempt = QuizAttemptFactory(enrolment=enrolment, quiz=quiz, kind=kind)
            AttemptQuestionFactory(attempt=attempt, question=question, fraction=fraction)

    [gain] = selectors.knowledge_gain_by_lesson(module=module)

    assert gain.learners == learners
    assert (gain.pre_check, gain.final, gain.gain) == (
        (0.0, 100.0, 100.0) if shown else (None,) * 3
    )


def test_site_admin_resets_attempts_in_the_admin_with_a_reason(client, partner, quiz):
    use_a_round(client, partner.learner, quiz)
    enrolment = Enrolment.objects.get(user=partner.learner)
    admin = get_user_model().objects.get(email="admin@example.com")
    client.force_login(admin)

    listing = client.get(f"/admin/attempts-reset/?email={partner.learner.email}")
    client.post("/admin/attempts-reset/", {"enrolment": enrolment.pk, "reason": "Outage"})
    allowed = start_as(client, partner.learner, quiz)

    assert enrolment.module.title in listing.content.decode()
    assert allowed == 4
    [entry] = ModelLogEntry.objects.filter(action="learning.attempts_reset")
    assert (entry.user, entry.data["reason"]) == (admin, "Outage")


@pytest.mark.parametrize("attempts", [1, 4])
def test_attempt_record_query_count_is_constant(
    client, partner, catalogue_quiz, attempts, django_assert_num_queries
):
    quiz, questions = catalogue_quiz
    enrolment = EnrolmentFactory(user=partner.learner, module=quiz.get_parent().specific)
    for _n in range(attempts):
        attempt = QuizAttemptFactory(enrolment=enrolment, quiz=quiz)
        for question in questions:
            AttemptQuestionFactory(attempt=attempt, question=question, response=None)
    client.force_login(partner.manager)

    # session, user, SPO with the role, manager check, partner employer, learner, attempts,
    # their items, the questions (base rows, then single-choice rows), choices, enrolments
    with django_assert_num_queries(RECORD_QUERIES):
        response = client.get(record_url(partner))

    assert response.content.decode().count("<details>") == attempts


RECORD_QUERIES = 12
