"""Authoring in the Wagtail admin: groups, question snippets, the quiz's question bank."""

import pytest
from django.contrib.auth.models import Group

from courses.models import QuizPage, SingleChoiceQuestion
from courses.services import CONTENT_EDITORS, MODERATORS
from tests.factories.courses import SingleChoiceQuestionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.get(email="editor@example.com")


def test_editorial_groups_hold_nothing_of_learner_or_organization_data():
    for name in (CONTENT_EDITORS, MODERATORS):
        apps = set(
            Group.objects.get(name=name).permissions.values_list(
                "content_type__app_label", flat=True
            )
        )
        assert not apps & {"learning", "certificates", "auth", "axes"}, name
        assert "courses" in apps


def test_only_moderators_publish_pages():
    editors = Group.objects.get(name=CONTENT_EDITORS)
    moderators = Group.objects.get(name=MODERATORS)

    assert not editors.page_permissions.filter(permission__codename="publish_page").exists()
    assert moderators.page_permissions.filter(permission__codename="publish_page").exists()


def test_editor_adds_a_question_from_the_quiz_with_the_quiz_chosen(client, editor):
    quiz = QuizPage.objects.filter(locale__language_code="en").first()
    client.force_login(editor)

    response = client.get(
        f"/admin/snippets/courses/singlechoicequestion/add/?quiz={quiz.pk}&locale=en"
    )

    assert response.status_code == 200
    assert f'name="quiz" value="{quiz.pk}"' in response.content.decode()


def choice_form(quiz, correct: list[bool]):
    data = {
        "quiz": quiz.pk,
        "prompt": "Which is right?",
        "explanation": "",
        "points": 1,
        "sort_order": 0,
        "choices-TOTAL_FORMS": len(correct),
        "choices-INITIAL_FORMS": 0,
        "choices-MIN_NUM_FORMS": 0,
        "choices-MAX_NUM_FORMS": 1000,
        "action-publish": "publish",
    }
    for index, is_correct in enumerate(correct):
        data.update(
            {
                f"choices-{index}-text": f"Answer {index}",
                f"choices-{index}-feedback": "Why.",
                f"choices-{index}-ORDER": index + 1,
                f"choices-{index}-DELETE": "",
                f"choices-{index}-id": "",
            }
        )
        if is_correct:
            data[f"choices-{index}-is_correct"] = "on"
    return data


def test_single_choice_with_two_correct_answers_is_refused(client, editor):
    quiz = QuizPage.objects.filter(locale__language_code="en").first()
    before = SingleChoiceQuestion.objects.count()
    client.force_login(editor)

    response = client.post(
        "/admin/snippets/courses/singlechoicequestion/add/?locale=en",
        choice_form(quiz, [True, True, False]),
    )

    assert response.status_code == 200
    assert "Mark exactly one answer as correct." in response.content.decode()
    assert SingleChoiceQuestion.objects.count() == before


def test_editor_submits_a_new_question_for_moderation(client, editor):
    quiz = QuizPage.objects.filter(locale__language_code="en").first()
    data = choice_form(quiz, [False, True, False])
    del data["action-publish"]
    data["action-submit"] = "submit"
    client.force_login(editor)

    response = client.post("/admin/snippets/courses/singlechoicequestion/add/?locale=en", data)

    question = SingleChoiceQuestion.objects.get(prompt="Which is right?")
    assert response.status_code == 302
    assert not question.live and question.quiz_id == quiz.pk
    assert question.workflow_in_progress
    assert [c.is_correct for c in question.choices.all()] == [False, True, False]


def test_an_editor_cannot_publish_a_question(client, editor):
    quiz = QuizPage.objects.filter(locale__language_code="en").first()
    client.force_login(editor)

    client.post(
        "/admin/snippets/courses/singlechoicequestion/add/?locale=en",
        choice_form(quiz, [False, True, False]),
    )

    assert not SingleChoiceQuestion.objects.filter(prompt="Which is right?", live=True).exists()


def test_a_moderator_publishes_a_single_choice_question(client, django_user_model):
    quiz = QuizPage.objects.filter(locale__language_code="en").first()
    client.force_login(django_user_model.objects.get(email="moderator@example.com"))

    response = client.post(
        "/admin/snippets/courses/singlechoicequestion/add/?locale=en",
        choice_form(quiz, [False, True, False]),
    )

    question = SingleChoiceQuestion.objects.get(prompt="Which is right?")
    assert response.status_code == 302
    assert question.live and question.quiz_id == quiz.pk


def test_quiz_editor_lists_its_question_bank(client, editor):
    quiz = QuizPage.objects.filter(locale__language_code="en").first()
    client.force_login(editor)

    html = client.get(f"/admin/pages/{quiz.pk}/edit/").content.decode()

    assert "Question bank" in html
    assert html.count("/admin/snippets/courses/") >= 10
    assert f"add/?quiz={quiz.pk}&amp;locale=en" in html


@pytest.mark.parametrize("mode", ["", "answers"])
def test_question_preview_renders_in_both_modes(client, editor, mode):
    quiz = QuizPage.objects.filter(locale__language_code="en").first()
    question = SingleChoiceQuestionFactory(quiz=quiz, prompt="Preview me?")
    client.force_login(editor)
    url = f"/admin/snippets/courses/singlechoicequestion/preview/{question.pk}/"

    data = choice_form(quiz, [True, False, False])
    data["prompt"] = "Preview me?"
    del data["action-publish"]
    client.post(url + f"?mode={mode}", data)
    response = client.get(url + f"?mode={mode}")

    html = response.content.decode()
    assert "Preview me?" in html
    assert ("Correct answer" in html) is (mode == "answers")
