"""After a pass: the results page leads with the outcome, then the certificate ("being
prepared" until it is stored, then its downloads), then what to do next; My learning and the
module page link to the certificate; the holder gets an email with the link."""

import re

import pytest
from django.core import mail
from django.utils import translation

from certificates import services
from certificates.models import Certificate
from courses.models import QuizPage
from learning.models import Enrolment
from learning.services import attempt_start, attempt_submit
from tests.certificates.completions import complete, issued, learner_of, seeded_module
from tests.learning.conftest import wrong_answers

pytestmark = pytest.mark.django_db


def results_url(enrolment, language="en") -> str:
    attempt = enrolment.attempts.filter(kind="final", passed=True).latest("number")
    return f"/{language}/my-learning/attempts/{attempt.pk}/results/"


def positions(html: str, *needles: str) -> list[int]:
    return [html.index(needle) for needle in needles]


def test_results_of_a_pass_lead_with_the_outcome_then_the_certificate_then_next_steps(client):
    certificate = issued()
    client.force_login(certificate.holder)

    html = client.get(results_url(certificate.enrolment)).content.decode()

    download = f"/en/certificates/{certificate.code}/download.pdf"
    outcome, panel, link, next_steps, review = positions(
        html, "You passed.", "Your certificate", download, "What to do next", "<details"
    )
    assert outcome < panel < link < next_steps < review
    assert certificate.display_code in html
    assert "data-poll-url" not in html


def test_results_before_the_certificate_is_stored_say_it_is_being_prepared(client):
    user = learner_of()
    enrolment = complete(user, seeded_module())  # no worker ran: nothing issued yet
    client.force_login(user)

    html = client.get(results_url(enrolment)).content.decode()

    assert "Your certificate is being prepared." in html
    status_url = f"/en/certificates/module/{enrolment.pk}/status/"
    assert f'data-poll-url="{status_url}"' in html
    assert "certificate_status.js" in html
    assert "/download.pdf" not in html


def test_the_status_block_shows_the_downloads_once_the_certificate_is_stored(client):
    user = learner_of()
    enrolment = complete(user, seeded_module())
    client.force_login(user)
    status_url = f"/fr/certificates/module/{enrolment.pk}/status/"
    pending = client.get(status_url)

    certificate = services.certificate_issue(enrolment_id=enrolment.pk)
    ready = client.get(status_url)

    assert pending.status_code == ready.status_code == 200
    assert pending["Cache-Control"] == "no-store"
    assert "data-poll-url" in pending.content.decode()
    html = ready.content.decode()
    assert "data-poll-url" not in html and "<html" not in html
    assert f"/fr/certificates/{certificate.code}/download.pdf" in html
    assert "Télécharger l'attestation (PDF)" in html


def test_someone_elses_certificate_status_is_not_found(client):
    certificate = issued()
    client.force_login(learner_of())

    for path in ("", "status/"):
        response = client.get(f"/en/certificates/module/{certificate.enrolment_id}/{path}")
        assert response.status_code == 404


def test_an_old_failed_result_does_not_contradict_the_later_pass(client):
    user = learner_of()
    module = seeded_module()
    quiz = QuizPage.objects.child_of(module).live().get()
    failed = attempt_start(user=user, quiz=quiz, language="en", statement_confirmed=True)
    attempt_submit(user=user, attempt_id=failed.pk, data=wrong_answers(failed))
    enrolment = complete(user, module)
    client.force_login(user)

    for language, passed_line in (("en", "You have completed the module."),
                                  ("fr", "Vous avez terminé le module.")):  # fmt: skip
        html = client.get(f"/{language}/my-learning/attempts/{failed.pk}/results/").content.decode()
        assert passed_line not in html
        assert f"/{language}/certificates/module/{enrolment.pk}/" in html
    with translation.override("en"):
        assert (
            "You passed a later attempt and completed the module."
            in client.get(f"/en/my-learning/attempts/{failed.pk}/results/").content.decode()
        )


def test_my_learning_links_each_completed_module_to_its_certificate(client):
    certificate = issued()
    client.force_login(certificate.holder)

    html = client.get("/fr/my-learning/").content.decode()
    page = client.get(f"/fr/certificates/module/{certificate.enrolment_id}/").content.decode()

    assert f'href="/fr/certificates/module/{certificate.enrolment_id}/"' in html
    assert f"/fr/certificates/{certificate.code}/download.pdf" in page
    assert "Chaque province décide des formations qu'elle accepte" in page


def test_the_certificate_email_carries_the_links_in_the_holders_language(
    settings, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://127.0.0.1:8765"
    user = learner_of(preferred_language="fr")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        certificate = issued(user)

    (message,) = [m for m in mail.outbox if certificate.display_code in m.body]
    assert message.to == [user.email]
    assert "est prête" in message.subject
    assert (
        f"http://127.0.0.1:8765/fr/certificates/module/{certificate.enrolment_id}/" in message.body
    )
    assert f"http://127.0.0.1:8765/fr/verify/{certificate.code}/" in message.body
    assert Certificate.objects.filter(enrolment__user=user).count() == 1
    assert Enrolment.objects.get(user=user).completed_at is not None
    assert re.search(r"/en/", message.body) is None
