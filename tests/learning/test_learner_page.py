# ruff: noqa: F811 (the fixtures imported from test_reminders are used as arguments)
"""The learner page and the manager's actions on it: reminders (once a day per learner, in the
learner's language), a later due date for one learner, removing an assignment, and the email a
learner gets when a module is assigned to them."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from learning.models import Assignment, Enrolment, LessonProgress, Membership, ReminderSent
from learning.services import organizations as org_services
from learning.services.nudges import learners_remind
from tests.factories.learning import EmployerFactory, PartnershipFactory, SpoFactory, member
from tests.learning.test_reminders import modules, seafoods  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

HALIFAX = ZoneInfo("America/Halifax")
DAY = datetime.date(2026, 3, 2)


def at(day: datetime.date, hour: int = 9):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour), HALIFAX), tick=False
    )


@pytest.fixture
def shop(seafoods, modules, django_capture_on_commit_callbacks):
    """An employer with an administrator, an English and a French learner, one module
    assigned to everyone and due in a week (assigned on ``DAY``)."""
    employer, admin, ann, bea = seafoods.org, seafoods.admin, seafoods.ann, seafoods.bea
    with at(DAY), django_capture_on_commit_callbacks(execute=True):
        org_services.assignment_create(
            assigned_by=admin,
            by_organization=employer,
            employer=employer,
            due_on=DAY + datetime.timedelta(days=7),
            modules=[modules[0]],
        )
    return employer, admin, ann, bea


def to(mailoutbox, user) -> list:
    return [email for email in mailoutbox if email.to == [user.email]]


def test_assignment_emails_each_learner_in_their_language(shop, mailoutbox):
    employer, admin, ann, bea = shop

    [english] = to(mailoutbox, ann)
    [french] = to(mailoutbox, bea)

    assert "Cape Breton Seafoods" in english.subject
    assert "/en/" in english.body and "March 9, 2026" in english.body
    assert "vous a affecté" in french.body and "/fr/" in french.body
    assert "9 mars 2026" in french.body


def test_assigning_again_does_not_email_the_same_learners_twice(
    shop, modules, mailoutbox, django_capture_on_commit_callbacks
):
    employer, admin, ann, bea = shop
    before = len(mailoutbox)

    with at(DAY), django_capture_on_commit_callbacks(execute=True):
        org_services.assignment_create(
            assigned_by=admin,
            by_organization=employer,
            employer=employer,
            due_on=DAY + datetime.timedelta(days=14),
            modules=[modules[0]],
        )

    assert len(mailoutbox) == before


def test_remind_overdue_sends_once_a_day_in_the_learners_language(
    shop, client, mailoutbox, django_capture_on_commit_callbacks
):
    employer, admin, ann, bea = shop
    client.force_login(admin)
    url = reverse("employer:remind", args=[employer.pk])
    mailoutbox.clear()
    later = DAY + datetime.timedelta(days=10)

    with at(later), django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"scope": "overdue"}, follow=True)
    with at(later, 15), django_capture_on_commit_callbacks(execute=True):
        second = client.post(url, {"scope": "overdue"}, follow=True)

    # The administrator takes the module too (assigned to everyone).
    assert sorted(e.to[0] for e in mailoutbox) == sorted([admin.email, ann.email, bea.email])
    [french] = to(mailoutbox, bea)
    assert "Cape Breton Seafoods" in french.subject and "rappel" in french.subject
    assert "9 mars 2026" in french.body
    assert "Reminders sent to 3 people." in first.content.decode()
    assert "Already reminded today" in second.content.decode()
    assert ReminderSent.objects.filter(kind="manager_reminder", recipient=ann).count() == 1


def test_remind_again_the_next_day_sends_again(
    shop, client, mailoutbox, django_capture_on_commit_callbacks
):
    employer, admin, ann, bea = shop
    client.force_login(admin)
    url = reverse("employer:remind", args=[employer.pk])
    mailoutbox.clear()

    for day in (DAY + datetime.timedelta(days=10), DAY + datetime.timedelta(days=11)):
        with at(day), django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"learner": [ann.pk]})

    assert len(to(mailoutbox, ann)) == 2
    assert to(mailoutbox, bea) == []


def test_remind_ignores_people_of_other_employers(
    shop, client, mailoutbox, django_capture_on_commit_callbacks
):
    employer, admin, ann, bea = shop
    other = member(EmployerFactory(), email="stranger@example.com")
    client.force_login(admin)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("employer:remind", args=[employer.pk]), {"learner": [other.pk]})

    assert mailoutbox == []


def test_remind_another_employer_answers_404(shop, client):
    employer, admin, ann, bea = shop
    other = EmployerFactory()

    client.force_login(admin)
    response = client.post(reverse("employer:remind", args=[other.pk]), {"scope": "overdue"})

    assert response.status_code == 404


def test_learner_page_shows_modules_assignments_and_reminders(
    shop, client, modules, django_capture_on_commit_callbacks
):
    employer, admin, ann, bea = shop
    client.force_login(admin)
    enrolment = Enrolment.objects.get(user=ann, module=modules[0])
    lesson = modules[0].get_children().live().first()
    LessonProgress.objects.create(enrolment=enrolment, lesson=lesson.specific)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("employer:remind", args=[employer.pk]), {"learner": [ann.pk]})

    response = client.get(reverse("employer:learner", args=[employer.pk, ann.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert modules[0].title in html
    assert "1 of " in html and "lessons done" in html
    assert "reminder from the employer" in html
    assert "Everyone at the employer" in html


def test_learner_page_in_french(shop, client):
    employer, admin, ann, bea = shop
    client.force_login(admin)

    with translation.override("fr"):
        url = reverse("employer:learner", args=[employer.pk, bea.pk])
    response = client.get(url)

    assert url.startswith("/fr/")
    assert "Date d’échéance" in response.content.decode() or "échéance" in response.content.decode()


def test_learner_page_of_someone_else_answers_404(shop, client):
    employer, admin, ann, bea = shop
    stranger = member(EmployerFactory())
    client.force_login(admin)

    response = client.get(reverse("employer:learner", args=[employer.pk, stranger.pk]))

    assert response.status_code == 404


def test_learner_page_for_a_learner_answers_404(shop, client):
    employer, admin, ann, bea = shop
    client.force_login(ann)

    response = client.get(reverse("employer:learner", args=[employer.pk, bea.pk]))

    assert response.status_code == 404


def test_spo_sees_a_partner_learner_read_only(shop, client):
    employer, admin, ann, bea = shop
    spo = SpoFactory()
    manager = member(spo, Membership.Role.SPO_MANAGER)
    PartnershipFactory(spo=spo, employer=employer)
    client.force_login(manager)

    response = client.get(reverse("spo:learner", args=[spo.pk, employer.pk, ann.pk]))

    assert response.status_code == 200
    assert "Send a reminder" not in response.content.decode()


def test_spo_without_partnership_answers_404(shop, client):
    employer, admin, ann, bea = shop
    spo = SpoFactory()
    manager = member(spo, Membership.Role.SPO_MANAGER)
    client.force_login(manager)

    response = client.get(reverse("spo:learner", args=[spo.pk, employer.pk, ann.pk]))

    assert response.status_code == 404


def test_due_date_extended_for_one_learner_only(shop, client, modules):
    employer, admin, ann, bea = shop
    client.force_login(admin)
    enrolment = Enrolment.objects.get(user=ann, module=modules[0])
    new_date = DAY + datetime.timedelta(days=30)

    with at(DAY):
        response = client.post(
            reverse("employer:due_extend", args=[employer.pk, enrolment.pk]),
            {"due_on": new_date.isoformat()},
        )

    assert response.status_code == 302
    assert Enrolment.objects.get(pk=enrolment.pk).due_on == new_date
    assert Enrolment.objects.get(user=bea, module=modules[0]).due_on == DAY + datetime.timedelta(
        days=7
    )


def test_due_date_in_the_past_is_refused(shop, client, modules):
    employer, admin, ann, bea = shop
    client.force_login(admin)
    enrolment = Enrolment.objects.get(user=ann, module=modules[0])

    with at(DAY):
        response = client.post(
            reverse("employer:due_extend", args=[employer.pk, enrolment.pk]),
            {"due_on": (DAY - datetime.timedelta(days=1)).isoformat()},
            follow=True,
        )

    assert "cannot be in the past" in response.content.decode()
    assert Enrolment.objects.get(pk=enrolment.pk).due_on == DAY + datetime.timedelta(days=7)


def test_due_date_of_another_employers_enrolment_answers_404(shop, client, modules):
    employer, admin, ann, bea = shop
    other_admin = member(EmployerFactory(), Membership.Role.EMPLOYER_ADMIN)
    other = EmployerFactory()
    Membership.objects.create(user=other_admin, organization=other, role="employer_admin")
    enrolment = Enrolment.objects.get(user=ann, module=modules[0])
    client.force_login(other_admin)

    response = client.post(
        reverse("employer:due_extend", args=[other.pk, enrolment.pk]),
        {"due_on": "2099-01-01"},
    )

    assert response.status_code == 404


def test_removing_an_assignment_keeps_progress(shop, client, modules):
    employer, admin, ann, bea = shop
    client.force_login(admin)
    assignment = Assignment.objects.get(employer=employer)
    enrolment = Enrolment.objects.get(user=ann, module=modules[0])
    lesson = modules[0].get_children().live().first()
    LessonProgress.objects.create(enrolment=enrolment, lesson=lesson.specific)

    response = client.post(
        reverse("employer:assignment_remove", args=[employer.pk, assignment.pk]), follow=True
    )

    assert "3 enrolments keep their progress" in response.content.decode()
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    enrolment.refresh_from_db()
    assert (enrolment.due_on, enrolment.assignment_id) == (None, None)
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == 1


def test_employer_cannot_remove_an_spo_assignment(shop, client, modules):
    employer, admin, ann, bea = shop
    spo = SpoFactory()
    staff = member(spo, Membership.Role.SPO_MANAGER)
    PartnershipFactory(spo=spo, employer=employer)
    [assignment] = org_services.assignment_create(
        assigned_by=staff,
        by_organization=spo,
        employer=employer,
        due_on=datetime.date.today() + datetime.timedelta(days=5),
        modules=[modules[1]],
    )
    client.force_login(admin)

    response = client.post(reverse("employer:assignment_remove", args=[employer.pk, assignment.pk]))

    assert response.status_code == 404
    assert Assignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.parametrize("more_modules", [0, 2])
def test_learner_page_query_count(shop, client, modules, django_assert_num_queries, more_modules):
    employer, admin, ann, bea = shop
    if more_modules:
        org_services.assignment_create(
            assigned_by=admin, by_organization=employer, employer=employer,
            due_on=datetime.date.today() + datetime.timedelta(days=3),
            modules=modules[1 : 1 + more_modules], learners=[ann],
        )  # fmt: skip
    client.force_login(admin)
    url = reverse("employer:learner", args=[employer.pk, ann.pk])
    client.get(url)

    # session, user, employer (selector), learner (selector), module titles, enrolments,
    # live lessons, final attempts, assignments, reminders, the certificate column provider
    with django_assert_num_queries(11):
        client.get(url)


def test_module_links_are_read_once_for_every_learner_reminded(shop):
    employer, admin, ann, bea = shop
    with at(DAY + datetime.timedelta(days=1)), CaptureQueriesContext(connection) as queries:
        report = learners_remind(by=admin, employer=employer)

    assert {user.pk for user in report.sent} == {admin.pk, ann.pk, bea.pk}
    module_reads = [q for q in queries.captured_queries if 'FROM "courses_modulepage"' in q["sql"]]
    assert len(module_reads) == 1
