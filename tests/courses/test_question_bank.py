"""The question bank in the admin: one entry, status and language in listings, back to the
quiz after saving, translation state in the quiz's bank panel."""

import pytest
from wagtail.models import Locale

from courses.models import QuizPage, SingleChoiceQuestion
from tests.courses.test_admin import choice_form

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.get(email="editor@example.com")


def english_quiz() -> QuizPage:
    return QuizPage.objects.filter(locale__language_code="en").first()


def test_one_questions_entry_offers_each_type(client, editor):
    client.force_login(editor)

    menu_html = client.get("/admin/").content.decode()
    html = client.get("/admin/courses/questions/").content.decode()

    assert menu_html.count("/admin/courses/questions/") >= 1
    assert "Quiz questions" not in menu_html
    for path in ("singlechoicequestion", "multiplechoicequestion", "truefalsequestion"):
        assert f"/admin/snippets/courses/{path}/add/" in html
    assert "<title>Questions" in html


def test_question_listing_shows_a_status_tag_and_the_language(client, editor):
    client.force_login(editor)

    html = client.get("/admin/snippets/courses/singlechoicequestion/").content.decode()

    assert "True</td>" not in html
    assert "w-status--primary" in html or "w-status" in html
    assert "Français" in html and "English" in html


def test_saving_a_question_returns_to_its_quiz(client, django_user_model):
    quiz = english_quiz()
    client.force_login(django_user_model.objects.get(email="moderator@example.com"))

    response = client.post(
        "/admin/snippets/courses/singlechoicequestion/add/?locale=en",
        choice_form(quiz, [False, True]),
    )

    assert response.status_code == 302
    assert response["Location"] == f"/admin/pages/{quiz.pk}/edit/#tab-content"
    assert SingleChoiceQuestion.objects.filter(prompt="Which is right?").exists()


def test_bank_panel_links_each_questions_french_translation(client, editor):
    quiz = english_quiz()
    french = Locale.objects.get(language_code="fr")
    question = SingleChoiceQuestion.objects.filter(quiz=quiz).first()
    french_copy = question.get_translation(french)
    client.force_login(editor)

    html = client.get(f"/admin/pages/{quiz.pk}/edit/").content.decode()

    assert f"/admin/snippets/courses/singlechoicequestion/edit/{french_copy.pk}/" in html
    assert "Français:" in html
