"""The learner's pages: My learning, lessons, quizzes, results, the survey."""

import datetime
import re
from html import escape

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cms.models import HomePage
from cms.typography import french_html
from courses.models import Question, QuizPage
from learning import services
from learning.models import Enrolment, QuizAttempt
from tests.factories.courses import (
    LessonPageFactory,
    ModuleIndexPageFactory,
    ModulePageFactory,
    QuizPageFactory,
    SingleChoiceQuestionFactory,
)
from tests.factories.learning import UserFactory
from tests.learning.conftest import right_answers, wrong_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def test_my_learning_needs_sign_in(client):
    response = client.get("/en/my-learning/")

    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/")


def test_my_learning_shows_progress_and_resume_link(signed_in, learner, lessons):
    services.lesson_complete(user=learner, lesson=lessons[0])

    html = signed_in.get("/en/my-learning/").content.decode()

    assert "In progress" in html
    assert "1 of 5 lessons done" in html
    assert 'value="20"' in html  # the progress bar
    assert f'href="{lessons[1].url}"' in html  # resume at the first unfinished lesson


def test_my_learning_in_french_shows_french_pages(signed_in, learner, lessons, french):
    services.lesson_complete(user=learner, lesson=lessons[0])

    html = signed_in.get("/fr/my-learning/").content.decode()

    assert "Mon apprentissage" in html
    assert f'href="{lessons[1].get_translation(french).url}"' in html


def enrolled_modules(learner, count):
    home = HomePage.objects.get(locale__language_code="en")
    catalogue = ModuleIndexPageFactory(parent=home, slug="more-modules")
    modules = []
    for _ in range(count):
        module = ModulePageFactory(parent=catalogue)
        lesson = LessonPageFactory(parent=module)
        LessonPageFactory(parent=module)
        QuizPageFactory(parent=module)
        services.lesson_complete(user=learner, lesson=lesson)
        modules.append(module)
    return modules


@pytest.mark.parametrize("count", [1, 5])
def test_my_learning_query_count_is_constant(signed_in, learner, count, django_assert_num_queries):
    enrolled_modules(learner, count)
    signed_in.get("/en/my-learning/")

    # session, user with the navigation's dashboard roles, locale; enrolments, their modules
    # in this language, lessons, quizzes, lessons done, open attempts; page links: site, site
    # root paths, home page.
    with django_assert_num_queries(12):
        response = signed_in.get("/en/my-learning/")

    assert response.content.decode().count('<li class="card">') == count


@pytest.mark.parametrize("count", [1, 5])
def test_lesson_page_query_count_for_a_learner_is_constant(
    signed_in, learner, count, django_assert_num_queries
):
    modules = enrolled_modules(learner, count)
    lesson = modules[0].get_children().first()
    signed_in.get(lesson.url)

    # Page serving and the module outline as for visitors (10), session, user with the
    # navigation's dashboard roles, the learner's enrolment with its lessons done (tests run
    # without the site-root cache; tests/learning/test_lesson_queries.py counts with it).
    with django_assert_num_queries(13):
        response = signed_in.get(lesson.url)

    assert "You have finished this lesson." in response.content.decode()


def test_marking_a_lesson_done_continues_to_the_next(signed_in, learner, lessons):
    response = signed_in.post(
        reverse("learning:lesson_complete", args=[lessons[0].pk]), {"next": lessons[1].url}
    )

    assert response.status_code == 302
    assert response["Location"] == lessons[1].url
    assert Enrolment.objects.get(user=learner).lessons_done.count() == 1


def test_marking_a_lesson_done_from_the_page_script(signed_in, learner, lessons):
    response = signed_in.post(
        reverse("learning:lesson_complete", args=[lessons[0].pk]),
        headers={"X-Requested-With": "fetch"},
    )

    assert response.status_code == 204


def test_lesson_done_redirect_never_leaves_the_site(signed_in, lessons):
    response = signed_in.post(
        reverse("learning:lesson_complete", args=[lessons[0].pk]),
        {"next": "https://evil.example.com/"},
    )

    assert response["Location"] == lessons[0].url


def form(data) -> dict[str, list[str]]:
    """Form data for the test client, which would keep only the last of repeated values of a
    QueryDict (select-all answers)."""
    return dict(data.lists())


def start(client, quiz, language="en"):
    response = client.post(f"/{language}/my-learning/quizzes/{quiz.pk}/start/", {"kind": "final"})
    attempt = QuizAttempt.objects.latest("pk")
    assert response["Location"] == f"/{language}/my-learning/attempts/{attempt.pk}/"
    return attempt


def test_quiz_page_offers_to_start(signed_in, quiz):
    html = signed_in.get(quiz.url).content.decode()

    assert "Start the quiz" in html


def test_attempt_page_shows_no_answer_key(signed_in, quiz):
    attempt = start(signed_in, quiz)

    html = signed_in.get(f"/en/my-learning/attempts/{attempt.pk}/").content.decode()

    questions = [item.question.get_real_instance() for item in attempt.items.all()]
    assert all(escape(q.prompt.split("\n")[0][:40]) in html for q in questions)
    secrets = [q.explanation for q in questions if q.explanation]
    for question in questions:
        for relation in ("choices", "items", "pairs"):
            if hasattr(question, relation) and question.answer_relation == relation:
                secrets += [child.feedback for child in getattr(question, relation).all()]
        secrets += [getattr(question, name, "") for name in ("feedback_true", "feedback_false")]
    leaked = [s for s in secrets if s and escape(s[:60]) in html]
    assert leaked == []
    assert not re.search(r"is_correct|correct_answer|data-correct", html)


def test_refreshing_shows_the_same_attempt(signed_in, quiz):
    attempt = start(signed_in, quiz)
    first = signed_in.get(f"/en/my-learning/attempts/{attempt.pk}/").content.decode()

    again = start(signed_in, quiz)
    second = signed_in.get(f"/en/my-learning/attempts/{again.pk}/").content.decode()

    assert again.pk == attempt.pk
    assert re.findall(r'name="(q\d+[^"]*)"', first) == re.findall(r'name="(q\d+[^"]*)"', second)


def test_module_page_resume_button_reads_as_one_sentence_in_french(
    signed_in, learner, module, lessons, french
):
    services.lesson_complete(user=learner, lesson=lessons[0])

    html = signed_in.get(module.get_translation(french).url).content.decode()

    title = escape(lessons[1].get_translation(french).title)
    assert f"Reprendre\u00a0: {title}</a>" in html  # French spacing before the colon


def test_missing_answers_show_errors_and_keep_the_others(signed_in, quiz):
    attempt = start(signed_in, quiz)
    data = right_answers(attempt)
    for name in [k for k in data if k == "q1" or k.startswith("q1-")]:
        del data[name]
    kept_name = next(k for k in data if k == "q2" or k.startswith("q2-"))
    kept_value = data.getlist(kept_name)[0]

    response = signed_in.post(f"/en/my-learning/attempts/{attempt.pk}/", form(data))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and "Question 1" in html
    chosen = re.search(
        rf'(value="{re.escape(kept_value)}"[^>]*(checked|selected))', html
    ) or re.search(rf'name="{re.escape(kept_name)}"', html)
    assert chosen
    assert re.search(rf'value="{re.escape(kept_value)}"\s*(checked|selected)', html)


@pytest.mark.parametrize("language,text", [("en", "We could not accept"), ("fr", "Nous n")])
def test_tampered_submission_gets_a_400_page_in_the_learners_language(
    signed_in, quiz, language, text
):
    attempt = start(signed_in, quiz, language)
    data = right_answers(attempt)
    data["score"] = "100"

    response = signed_in.post(f"/{language}/my-learning/attempts/{attempt.pk}/", form(data))

    attempt.refresh_from_db()
    assert response.status_code == 400
    assert text in response.content.decode()
    assert attempt.is_open


def test_someone_elses_attempt_is_not_found(client, quiz, learner):
    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en"
    )
    client.force_login(UserFactory())

    assert client.get(f"/en/my-learning/attempts/{attempt.pk}/").status_code == 404
    assert client.get(f"/en/my-learning/attempts/{attempt.pk}/results/").status_code == 404
    response = client.post(f"/en/my-learning/attempts/{attempt.pk}/", form(right_answers(attempt)))
    assert response.status_code == 404
    assert client.post(f"/en/my-learning/attempts/{attempt.pk}/more-time/").status_code == 404


def test_double_submission_grades_once(signed_in, quiz):
    attempt = start(signed_in, quiz)
    data = right_answers(attempt)

    first = signed_in.post(f"/en/my-learning/attempts/{attempt.pk}/", form(data))
    second = signed_in.post(f"/en/my-learning/attempts/{attempt.pk}/", form(data))

    assert (
        first["Location"] == second["Location"] == f"/en/my-learning/attempts/{attempt.pk}/results/"
    )
    assert attempt.enrolment.attempts.filter(status="submitted").count() == 1


@pytest.mark.parametrize(
    "mode,passed,shown",
    [
        (QuizPage.FeedbackMode.ALWAYS, False, True),
        (QuizPage.FeedbackMode.AFTER_PASS, False, False),
        (QuizPage.FeedbackMode.AFTER_PASS, True, True),
        (QuizPage.FeedbackMode.NEVER, True, False),
    ],
)
def test_results_reveal_answers_as_the_editor_chose(signed_in, quiz, mode, passed, shown):
    quiz.feedback_mode = mode
    quiz.save_revision().publish()
    attempt = start(signed_in, quiz)
    data = right_answers(attempt) if passed else wrong_answers(attempt)
    signed_in.post(f"/en/my-learning/attempts/{attempt.pk}/", form(data))

    html = signed_in.get(f"/en/my-learning/attempts/{attempt.pk}/results/").content.decode()

    assert ("Correct answer" in html) is shown
    assert ("You passed." in html) is passed
    assert "Your score" in html


def test_failed_results_offer_a_retake(signed_in, quiz):
    attempt = start(signed_in, quiz)
    signed_in.post(f"/en/my-learning/attempts/{attempt.pk}/", form(wrong_answers(attempt)))

    html = signed_in.get(f"/en/my-learning/attempts/{attempt.pk}/results/").content.decode()
    retake = start(signed_in, quiz)

    assert "Retake the quiz" in html
    assert retake.number == 2


def test_timed_attempt_offers_more_time(signed_in, quiz):
    quiz.time_limit_minutes = 5
    quiz.save_revision().publish()
    attempt = start(signed_in, quiz)

    html = signed_in.get(f"/en/my-learning/attempts/{attempt.pk}/").content.decode()
    response = signed_in.post(f"/en/my-learning/attempts/{attempt.pk}/more-time/")

    attempt.refresh_from_db()
    assert "I need more time" in html and "data-seconds-left" in html
    assert response.status_code == 302
    assert attempt.extensions == 1


def test_more_time_asked_after_the_deadline_closes_the_attempt_as_expired(signed_in, quiz):
    quiz.time_limit_minutes = 1
    quiz.save_revision().publish()
    begin = timezone.now()
    with time_machine.travel(begin, tick=False):
        attempt = start(signed_in, quiz)
    with time_machine.travel(begin + datetime.timedelta(minutes=1, seconds=41), tick=False):
        extend = signed_in.post(f"/en/my-learning/attempts/{attempt.pk}/more-time/", follow=True)
        submit = signed_in.post(
            f"/en/my-learning/attempts/{attempt.pk}/", form(right_answers(attempt))
        )

    attempt.refresh_from_db()
    assert (attempt.status, attempt.score, attempt.passed, attempt.extensions) == (
        "expired",
        0,
        False,
        0,
    )
    assert "Your time ran out" in extend.content.decode()
    assert submit.status_code == 400  # new answers to a closed attempt


def test_more_time_within_the_grace_after_the_deadline_is_granted(signed_in, quiz):
    quiz.time_limit_minutes = 1
    quiz.save_revision().publish()
    begin = timezone.now()
    with time_machine.travel(begin, tick=False):
        attempt = start(signed_in, quiz)
    with time_machine.travel(begin + datetime.timedelta(minutes=1, seconds=20), tick=False):
        signed_in.post(f"/en/my-learning/attempts/{attempt.pk}/more-time/")
        signed_in.post(f"/en/my-learning/attempts/{attempt.pk}/", form(right_answers(attempt)))

    attempt.refresh_from_db()
    assert (attempt.status, attempt.passed, attempt.extensions) == ("submitted", True, 1)


def test_pre_check_is_offered_before_the_first_lesson(signed_in, learner, module, quiz):
    services.self_enrol(user=learner, module=module)

    html = signed_in.get(module.url).content.decode()
    signed_in.post(f"/en/my-learning/quizzes/{quiz.pk}/start/", {"kind": "pre_check"})

    attempt = QuizAttempt.objects.get(kind="pre_check", enrolment__user=learner)
    assert "Take the short pre-check" in html
    assert attempt.items.count() == services.PRE_CHECK_QUESTIONS


def test_survey_after_completion(signed_in, learner, lessons, quiz):
    for lesson in lessons:
        services.lesson_complete(user=learner, lesson=lesson)
    attempt = start(signed_in, quiz)
    signed_in.post(f"/en/my-learning/attempts/{attempt.pk}/", form(right_answers(attempt)))
    enrolment = Enrolment.objects.get(user=learner)

    page = signed_in.get(f"/en/my-learning/survey/{enrolment.pk}/").content.decode()
    bad = signed_in.post(f"/en/my-learning/survey/{enrolment.pk}/", {"satisfaction": "11"})
    good = signed_in.post(
        f"/en/my-learning/survey/{enrolment.pk}/",
        {"satisfaction": "8", "usefulness": "9", "change_at_work": "Buddies."},
    )

    assert "What will you change at work?" in page
    assert bad.status_code == 200 and "Please correct the errors below." in bad.content.decode()
    assert good.status_code == 302


def test_survey_for_an_unfinished_module_is_not_found(signed_in, learner, lessons):
    services.lesson_complete(user=learner, lesson=lessons[0])
    enrolment = Enrolment.objects.get(user=learner)

    assert signed_in.get(f"/en/my-learning/survey/{enrolment.pk}/").status_code == 404


def test_questions_show_in_the_page_language(signed_in, quiz):
    attempt = start(signed_in, quiz)

    html = signed_in.get(f"/fr/my-learning/attempts/{attempt.pk}/").content.decode()

    french = Question.objects.filter(
        translation_key__in=[i.question.translation_key for i in attempt.items.all()],
        locale__language_code="fr",
    )
    # French pages set French spacing (cms.typography), inside the prompts too.
    assert all(french_html(escape(q.prompt[:30])) in html for q in french)


def test_new_question_without_translation_shows_the_original(signed_in, quiz):
    SingleChoiceQuestionFactory(quiz=quiz, prompt="Brand new English question?")
    quiz.questions_to_draw = None
    quiz.save_revision().publish()
    attempt = start(signed_in, quiz, "fr")

    html = signed_in.get(f"/fr/my-learning/attempts/{attempt.pk}/").content.decode()

    assert "Brand new English question?" in html
