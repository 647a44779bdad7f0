"""PIPEDA: people can download what we hold about them and delete their account."""

import json

import pytest

from learning import services
from learning.models import Enrolment, LessonProgress, Membership, QuizAttempt, User
from tests.factories.learning import EmployerFactory, MembershipFactory
from tests.learning.conftest import right_answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def active_learner(learner, lessons, quiz):
    MembershipFactory(user=learner, organization=EmployerFactory(legal_name="Fundy Boats Ltd."))
    services.lesson_complete(user=learner, lesson=lessons[0])
    attempt = services.attempt_start(
        statement_confirmed=True, user=learner, quiz=quiz, language="en"
    )
    services.attempt_submit(user=learner, attempt_id=attempt.pk, data=right_answers(attempt))
    return learner


def test_download_holds_account_organizations_progress_and_answers(client, active_learner):
    client.force_login(active_learner)

    response = client.post("/en/accounts/my-data/download/")

    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    assert data["account"]["email"] == active_learner.email
    assert data["organizations"][0]["organization"] == "Fundy Boats Ltd."
    module = data["modules"][0]
    assert len(module["lessons_done"]) == 1
    attempt = module["quiz_attempts"][0]
    assert attempt["passed"] is True
    assert all(answer["answer"] for answer in attempt["answers"])


def test_download_needs_sign_in_and_a_post(client, active_learner):
    assert client.post("/en/accounts/my-data/download/").status_code == 302
    client.force_login(active_learner)
    assert client.get("/en/accounts/my-data/download/").status_code == 405


def test_the_privacy_page_says_what_verification_reveals(client, active_learner):
    client.force_login(active_learner)

    html = client.get("/fr/accounts/my-data/").content.decode()

    assert "Vos données" in html
    assert "page de vérification publique" in html


def test_deleting_the_account_anonymizes_progress_and_answers(client, active_learner):
    enrolment = Enrolment.objects.get(user=active_learner)
    client.force_login(active_learner)

    response = client.post("/en/accounts/delete/", {"password": "a long enough password"})

    enrolment.refresh_from_db()
    assert response.status_code == 302
    assert not User.objects.filter(pk=active_learner.pk).exists()
    assert enrolment.user_id is None
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == 1
    assert QuizAttempt.objects.filter(enrolment=enrolment, passed=True).exists()
    assert not Membership.objects.filter(user_id=active_learner.pk).exists()
    assert "_auth_user_id" not in client.session


def test_deleting_needs_the_password(client, active_learner):
    client.force_login(active_learner)

    response = client.post("/en/accounts/delete/", {"password": "wrong"})

    assert response.status_code == 200
    assert "That password is not correct." in response.content.decode()
    assert User.objects.filter(pk=active_learner.pk).exists()
