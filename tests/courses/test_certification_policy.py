"""Publishing a certificate-bearing quiz in the Wagtail editor: its bank must serve the
certification policy of its program."""

import pytest
from wagtail.models import Revision

from courses.certification import quiz_policy
from courses.models import Question, QuizPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.get(email="admin@example.com"))
    return client


@pytest.fixture
def quiz():
    """The seeded English quiz of "Intercultural competency at work": 12 questions."""
    return QuizPage.objects.get(
        locale__language_code="en", path__startswith=_module_path("intercultural-competency")
    )


def _module_path(slug_start):
    from courses.models import ModulePage

    return ModulePage.objects.get(slug__startswith=slug_start, locale__language_code="en").path


def publish(client, quiz, **changes):
    data = {
        "title": quiz.title,
        "slug": quiz.slug,
        "intro": quiz.intro,
        "pass_mark": "",
        "questions_to_draw": "",
        "shuffle_questions": "on",
        "shuffle_choices": "on",
        "max_attempts": 0,
        "cooldown_minutes": 0,
        "time_limit_minutes": "",
        "feedback_mode": "always",
        "seo_title": "",
        "search_description": "",
        "go_live_at": "",
        "expire_at": "",
        "comments-TOTAL_FORMS": 0,
        "comments-INITIAL_FORMS": 0,
        "comments-MIN_NUM_FORMS": 0,
        "comments-MAX_NUM_FORMS": 1000,
        "action-publish": "action-publish",
        **changes,
    }
    return client.post(f"/admin/pages/{quiz.pk}/edit/", data)


def test_publishing_with_a_bank_smaller_than_twice_the_draw_is_refused(admin_client, quiz):
    policy = quiz_policy(quiz=quiz)
    bank = Question.objects.filter(quiz=quiz, live=True).count()
    policy.questions_to_draw = bank // 2 + 1
    policy.save()
    revision = quiz.live_revision_id

    response = publish(admin_client, quiz, title="Renamed")

    html = response.content.decode()
    assert response.status_code == 200
    assert (
        f"The question bank has {bank} live questions; the certification policy "
        f"“{policy.name}” draws {bank // 2 + 1} per attempt, so the bank needs at least "
        f"{2 * (bank // 2 + 1)}."
    ) in html
    quiz.refresh_from_db()
    assert (quiz.live_revision_id, quiz.title) == (revision, quiz.title)
    assert quiz.title != "Renamed"


def test_publishing_with_an_untagged_question_is_refused(admin_client, quiz):
    question = Question.objects.filter(quiz=quiz).first()
    Question.objects.filter(pk=question.pk).update(lesson=None)

    response = publish(admin_client, quiz)

    assert response.status_code == 200
    assert "Tag these questions with the lesson they assess" in response.content.decode()


def test_publishing_a_bank_that_serves_the_policy_goes_through(admin_client, quiz):
    response = publish(admin_client, quiz, title="Renamed")

    assert response.status_code == 302
    quiz.refresh_from_db()
    assert quiz.title == "Renamed"


def test_saving_a_draft_is_allowed_even_when_the_bank_is_too_small(admin_client, quiz):
    policy = quiz_policy(quiz=quiz)
    policy.questions_to_draw = 7
    policy.save()
    data = {"title": "Draft title"}

    response = publish(admin_client, quiz, **data, **{"action-publish": ""})

    assert response.status_code == 302
    latest = Revision.objects.filter(object_id=str(quiz.pk)).order_by("-pk").first()
    assert latest.content["title"] == "Draft title"
    assert latest != quiz.live_revision


def test_translation_check_covers_every_question_of_the_bank(quiz):
    from wagtail.models import Locale

    from courses.services import translation_publish_blockers

    french_quiz = quiz.get_translation(Locale.objects.get(language_code="fr"))
    untranslated = Question.objects.filter(quiz=quiz).last()
    untranslated.get_translation(french_quiz.locale).delete()

    blockers = translation_publish_blockers(instance=french_quiz, locale=french_quiz.locale)

    assert blockers == [f"The question “{untranslated}” is not fully translated."]
