"""Every email has a plain-text and an HTML part, from the site's name in the recipient's
language, and goes out through one path (``cms.services.email_queue`` /
``email_send_on_commit``)."""

import datetime
import re
from email.utils import parseaddr
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from learning.models import Membership
from learning.services import organizations as org_services
from learning.services.access_requests import access_request_decline, access_request_submit
from learning.services.nudges import learners_remind
from tests.factories.learning import EmployerFactory, SpoFactory, member

pytestmark = pytest.mark.django_db

SENDER = {"en": "Welcoming Workplaces", "fr": "Milieux de travail accueillants"}
ROOT = Path(__file__).resolve().parents[2]


def check(email, language: str) -> None:
    name, _address = parseaddr(email.from_email)
    assert name == SENDER[language]
    [(html, mimetype)] = email.alternatives
    assert mimetype == "text/html"
    assert f'<html lang="{language}">' in html
    # The text's first link is a link in the HTML too.
    link = re.search(r"https?://\S+", email.body)
    if link:
        assert f'href="{link.group(0)}"' in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_staff_invitation(language, mailoutbox, django_capture_on_commit_callbacks):
    employer = EmployerFactory()
    admin = member(employer, Membership.Role.EMPLOYER_ADMIN)

    with django_capture_on_commit_callbacks(execute=True):
        org_services.staff_invite(
            employer=employer, invited_by=admin, email="new@example.com", language=language
        )

    check(mailoutbox[-1], language)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_assignment_and_manager_reminder(language, mailoutbox, django_capture_on_commit_callbacks):
    from courses.models import ModulePage

    module = ModulePage.objects.filter(locale__language_code="en").live().first()
    employer = EmployerFactory()
    admin = member(employer, Membership.Role.EMPLOYER_ADMIN, preferred_language=language)
    learner = member(employer, preferred_language=language)

    with django_capture_on_commit_callbacks(execute=True):
        org_services.assignment_create(
            assigned_by=admin, by_organization=employer, employer=employer,
            due_on=datetime.date.today() + datetime.timedelta(days=3), modules=[module],
        )  # fmt: skip
    assigned = [e for e in mailoutbox if e.to == [learner.email]]
    with django_capture_on_commit_callbacks(execute=True):
        learners_remind(by=admin, employer=employer, user_ids=[learner.pk])
    reminded = [e for e in mailoutbox if e.to == [learner.email]][len(assigned) :]

    assert employer.display_name in assigned[0].subject
    check(assigned[0], language)
    check(reminded[0], language)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_access_request_emails(language, mailoutbox, django_capture_on_commit_callbacks):
    spo = SpoFactory(province="PE")
    manager = member(spo, Membership.Role.SPO_MANAGER, preferred_language=language)

    with django_capture_on_commit_callbacks(execute=True):
        request = access_request_submit(
            organization_name="Island Farms", province="PE", contact_name="Kim",
            contact_email="kim@farms.example.com", size="1-4", language=language,
        )  # fmt: skip
        access_request_decline(by=manager, spo=spo, request_id=request.pk, reason="Full.")

    [to_manager] = [e for e in mailoutbox if e.to == [manager.email]]
    [to_requester] = [e for e in mailoutbox if e.to == ["kim@farms.example.com"]]
    check(to_manager, language)
    check(to_requester, language)
    assert spo.display_name in to_requester.subject


@pytest.mark.parametrize("language", ["en", "fr"])
def test_password_reset(language, client, mailoutbox, django_capture_on_commit_callbacks):
    user = member(EmployerFactory(), email="forgot@example.com")
    with translation.override(language):
        url = reverse("accounts:password_reset")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"email": user.email})

    check(mailoutbox[-1], language)


def test_html_part_escapes_what_the_text_carries():
    from cms.services import email_html

    html = email_html(subject="s", text="<script>alert(1)</script>\n--\nfooter", language="en")

    assert "<script>" not in html and "&lt;script&gt;" in html


def test_every_email_goes_through_the_one_path():
    """No code but ``cms.services`` queues ``email_send`` or builds messages itself, so every
    email gets its HTML part and localized sender."""
    offenders = []
    for app in ("cms", "courses", "learning", "certificates"):
        for path in (ROOT / app).rglob("*.py"):
            text = path.read_text()
            relative = path.relative_to(ROOT).as_posix()
            if relative in ("cms/services.py", "cms/tasks.py"):
                continue
            if re.search(
                r"email_send\.delay|EmailMessage\(|EmailMultiAlternatives\(|send_mail\(", text
            ):
                if relative == "learning/forms.py" and "def send_mail(" in text:
                    # The password reset form's override hands its email to the one path.
                    if "email_send_on_commit(" in text and "email_send.delay" not in text:
                        continue
                offenders.append(relative)
    assert offenders == []
