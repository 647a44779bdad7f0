"""Due-date reminders: who gets which email, how often, in which language; the unsubscribe
link; the daily Celery task and its beat schedule.

The clock is moved with time-machine; emails go through the eager ``cms.email_send`` task
into ``mailoutbox`` once the transaction's on-commit callbacks run. The seeded demo has
reminders of its own: assertions look only at the people made here.
"""

import datetime
import re
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import pytest
import time_machine
from celery.schedules import crontab
from django.conf import settings
from django.core import signing
from django.utils import formats, translation

from cms.celery import app as celery_app
from courses.models import ModulePage
from learning import tasks
from learning.models import Membership, ReminderSent
from learning.services import organizations as org_services
from learning.services import reminders
from tests.factories.learning import EmployerFactory, member

pytestmark = pytest.mark.django_db

HALIFAX = ZoneInfo("America/Halifax")
# A Monday (ISO week 10 of 2026); reminders run at 8:00.
MONDAY = datetime.date(2026, 3, 2)
UNSUBSCRIBE = re.compile(r"(https?://\S+?/(en|fr)/reminders/unsubscribe/([^/\s]+)/)")


def at(day: datetime.date, hour: int = 8):
    return time_machine.travel(
        datetime.datetime.combine(day, datetime.time(hour), HALIFAX), tick=False
    )


def days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


def run(capture) -> reminders.ReminderReport:
    with capture(execute=True):
        return reminders.reminders_send()


def to(mailoutbox, user) -> list:
    return [email for email in mailoutbox if email.to == [user.email]]


def digests(mailoutbox, admin, employer) -> list:
    return [e for e in to(mailoutbox, admin) if f"/employer/{employer.pk}/" in e.body]


def local_date(day: datetime.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


@pytest.fixture
def modules() -> list[ModulePage]:
    return list(ModulePage.objects.filter(locale__language_code="en").live().order_by("path"))


@pytest.fixture
def seafoods():
    """An employer with an English administrator, an English and a French employee."""
    employer = EmployerFactory(legal_name="Cape Breton Seafoods Ltd.")
    admin = member(
        employer, Membership.Role.EMPLOYER_ADMIN, email="boss@seafoods.example.com",
        first_name="Bob", last_name="Boss",
    )  # fmt: skip
    ann = member(employer, email="ann@seafoods.example.com", first_name="Ann", last_name="Avery")
    bea = member(
        employer, email="bea@seafoods.example.com", first_name="Béatrice", last_name="Boudreau",
        preferred_language="fr",
    )  # fmt: skip
    return type("Seafoods", (), {"org": employer, "admin": admin, "ann": ann, "bea": bea})


@pytest.fixture
def bakery():
    """Another employer, with a French administrator and one employee."""
    employer = EmployerFactory(legal_name="Boulangerie du Port Ltée")
    admin = member(
        employer, Membership.Role.EMPLOYER_ADMIN, email="patronne@bakery.example.com",
        preferred_language="fr",
    )  # fmt: skip
    carl = member(employer, email="carl@bakery.example.com", first_name="Carl", last_name="Comeau")
    return type("Bakery", (), {"org": employer, "admin": admin, "carl": carl})


def assign(employer, people, module, due_on):
    """The employer's administrator assigns ``module`` to ``people`` (so the administrator,
    not named, has nothing to do)."""
    org_services.assignment_create(
        assigned_by=employer.admin, by_organization=employer.org, employer=employer.org,
        due_on=due_on, modules=[module], learners=people,
    )  # fmt: skip


# -- Due soon --------------------------------------------------------------------------------


def test_due_soon_reminder_sent_once_per_enrolment_and_due_date(
    seafoods, modules, mailoutbox, django_capture_on_commit_callbacks
):
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], MONDAY + days(3))
        run(django_capture_on_commit_callbacks)
        run(django_capture_on_commit_callbacks)
    with at(MONDAY + days(1)):
        run(django_capture_on_commit_callbacks)

    assert len(to(mailoutbox, seafoods.ann)) == 1
    assert ReminderSent.objects.filter(recipient=seafoods.ann).count() == 1


def test_due_soon_reminder_again_when_the_due_date_changes(
    seafoods, modules, mailoutbox, django_capture_on_commit_callbacks
):
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], MONDAY + days(3))
        run(django_capture_on_commit_callbacks)
    with at(MONDAY + days(1)):
        assign(seafoods, [seafoods.ann], modules[0], MONDAY + days(5))
        run(django_capture_on_commit_callbacks)

    sent = to(mailoutbox, seafoods.ann)
    assert len(sent) == 2
    assert local_date(MONDAY + days(5), "en") in sent[1].subject


@pytest.mark.parametrize(
    ("due_in", "reminded"), [(0, True), (7, True), (8, False)], ids=["today", "7d", "8d"]
)
def test_due_soon_window_is_today_to_seven_days_ahead(
    due_in, reminded, seafoods, modules, mailoutbox, django_capture_on_commit_callbacks
):
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], MONDAY + days(due_in))
        run(django_capture_on_commit_callbacks)

    assert len(to(mailoutbox, seafoods.ann)) == (1 if reminded else 0)


def test_due_soon_reminder_in_english_with_title_date_and_unsubscribe_link(
    seafoods, modules, mailoutbox, django_capture_on_commit_callbacks
):
    due_on = MONDAY + days(4)
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], due_on)
        run(django_capture_on_commit_callbacks)

    [email] = to(mailoutbox, seafoods.ann)
    assert email.subject == f"Reminder: “{modules[0].title}” is due on {local_date(due_on, 'en')}"
    assert email.body.startswith("Hello,")
    assert f"{settings.SITE_URL}/en/my-learning/" in email.body
    link, language, _token = UNSUBSCRIBE.search(email.body).groups()
    assert (link.startswith(settings.SITE_URL), language) == (True, "en")
    assert "Notices of overdue training are not optional" in email.body


def test_due_soon_reminder_in_french_with_the_french_module_title(
    seafoods, modules, french, mailoutbox, django_capture_on_commit_callbacks
):
    due_on = MONDAY + days(4)
    french_title = modules[0].get_translation(french).title
    with at(MONDAY):
        assign(seafoods, [seafoods.bea], modules[0], due_on)
        run(django_capture_on_commit_callbacks)

    [email] = to(mailoutbox, seafoods.bea)
    assert french_title != modules[0].title
    assert french_title in email.subject
    assert local_date(due_on, "fr") in email.subject  # e.g. "6 mars 2026"
    assert modules[0].title not in email.subject + email.body
    assert email.body.startswith("Bonjour,")
    assert f"{settings.SITE_URL}/fr/my-learning/" in email.body
    assert UNSUBSCRIBE.search(email.body).group(2) == "fr"


def test_due_soon_not_sent_for_completed_enrolments(
    seafoods, modules, mailoutbox, django_capture_on_commit_callbacks
):
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], MONDAY + days(3))
        seafoods.ann.enrolments.update(completed_at=datetime.datetime.now(HALIFAX))
        run(django_capture_on_commit_callbacks)

    assert to(mailoutbox, seafoods.ann) == []


def test_due_soon_not_sent_to_opted_out_inactive_or_addressless_people(
    seafoods, bakery, modules, mailoutbox, django_capture_on_commit_callbacks
):
    seafoods.ann.reminders_opt_out = True
    seafoods.ann.save()
    seafoods.bea.is_active = False
    seafoods.bea.save()
    with at(MONDAY):
        assign(seafoods, [seafoods.ann, seafoods.bea], modules[0], MONDAY + days(3))
        assign(bakery, [bakery.carl], modules[0], MONDAY + days(3))
        bakery.carl.email = ""
        bakery.carl.save()
        run(django_capture_on_commit_callbacks)

    recipients = {tuple(email.to) for email in mailoutbox}
    people = {(seafoods.ann.email,), (seafoods.bea.email,), ("",)}
    assert recipients & people == set()
    assert not ReminderSent.objects.filter(
        recipient__in=[seafoods.ann, seafoods.bea, bakery.carl]
    ).exists()


# -- Overdue, to the learner -----------------------------------------------------------------


def test_overdue_reminder_once_per_iso_week(
    seafoods, modules, mailoutbox, django_capture_on_commit_callbacks
):
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], MONDAY + days(1))
    with at(MONDAY + days(2)):  # Wednesday: overdue since today
        run(django_capture_on_commit_callbacks)
        run(django_capture_on_commit_callbacks)
    with at(MONDAY + days(6)):  # Sunday, same week
        run(django_capture_on_commit_callbacks)
    overdue_this_week = [e for e in to(mailoutbox, seafoods.ann) if "Overdue" in e.subject]
    with at(MONDAY + days(7)):  # the next Monday
        run(django_capture_on_commit_callbacks)
        run(django_capture_on_commit_callbacks)

    overdue = [e for e in to(mailoutbox, seafoods.ann) if "Overdue" in e.subject]
    assert (len(overdue_this_week), len(overdue)) == (1, 2)
    assert list(
        ReminderSent.objects.filter(recipient=seafoods.ann, kind=reminders.OVERDUE_KIND)
        .order_by("period")
        .values_list("period", flat=True)
    ) == ["2026-W10", "2026-W11"]


def test_overdue_reminder_in_english(
    seafoods, modules, mailoutbox, django_capture_on_commit_callbacks
):
    due_on = MONDAY + days(1)
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], due_on)
    with at(MONDAY + days(2)):
        run(django_capture_on_commit_callbacks)

    [email] = to(mailoutbox, seafoods.ann)
    assert email.subject == f"Overdue: “{modules[0].title}” was due on {local_date(due_on, 'en')}"
    assert email.body.startswith("Hello,")
    assert "This notice is not optional" in email.body
    assert UNSUBSCRIBE.search(email.body) is None


def test_overdue_reminder_in_french(
    seafoods, modules, french, mailoutbox, django_capture_on_commit_callbacks
):
    due_on = MONDAY + days(1)
    with at(MONDAY):
        assign(seafoods, [seafoods.bea], modules[1], due_on)
    with at(MONDAY + days(2)):
        run(django_capture_on_commit_callbacks)

    [email] = to(mailoutbox, seafoods.bea)
    assert modules[1].get_translation(french).title in email.subject
    assert local_date(due_on, "fr") in email.subject
    assert email.body.startswith("Bonjour,")
    assert f"{settings.SITE_URL}/fr/my-learning/" in email.body


def test_opted_out_learner_gets_overdue_but_not_due_soon(
    seafoods, modules, mailoutbox, django_capture_on_commit_callbacks
):
    seafoods.ann.reminders_opt_out = True
    seafoods.ann.save()
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], MONDAY + days(1))
        run(django_capture_on_commit_callbacks)
    with at(MONDAY + days(2)):
        run(django_capture_on_commit_callbacks)

    [email] = to(mailoutbox, seafoods.ann)
    assert email.subject.startswith("Overdue:")


def test_overdue_not_sent_for_completed_enrolments(
    seafoods, modules, mailoutbox, django_capture_on_commit_callbacks
):
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], MONDAY + days(1))
    with at(MONDAY + days(2)):
        seafoods.ann.enrolments.update(completed_at=datetime.datetime.now(HALIFAX))
        run(django_capture_on_commit_callbacks)

    assert to(mailoutbox, seafoods.ann) == []
    assert digests(mailoutbox, seafoods.admin, seafoods.org) == []


# -- Overdue, the employer administrators' digest --------------------------------------------


def test_digest_lists_the_employers_overdue_people_once_a_week(
    seafoods, bakery, modules, mailoutbox, django_capture_on_commit_callbacks
):
    with at(MONDAY):
        assign(seafoods, [seafoods.ann, seafoods.bea], modules[0], MONDAY + days(1))
        assign(seafoods, [seafoods.ann], modules[1], MONDAY + days(1))
        assign(bakery, [bakery.carl], modules[0], MONDAY + days(1))
    with at(MONDAY + days(2)):
        run(django_capture_on_commit_callbacks)
    with at(MONDAY + days(3)):
        run(django_capture_on_commit_callbacks)

    [digest] = to(mailoutbox, seafoods.admin)
    assert digest.subject == "Overdue training at Cape Breton Seafoods Ltd."
    assert digest.body.startswith("Hello,")
    lines = [line for line in digest.body.splitlines() if line.startswith("- ")]
    due = local_date(MONDAY + days(1), "en")
    assert lines == [
        f"- Ann Avery (ann@seafoods.example.com): “{modules[0].title}”, due on {due}",
        f"- Ann Avery (ann@seafoods.example.com): “{modules[1].title}”, due on {due}",
        f"- Béatrice Boudreau (bea@seafoods.example.com): “{modules[0].title}”, due on {due}",
    ]
    assert "carl@bakery.example.com" not in digest.body
    assert f"{settings.SITE_URL}/en/employer/{seafoods.org.pk}/" in digest.body
    assert "It is not optional" in digest.body
    assert UNSUBSCRIBE.search(digest.body) is None


def test_digest_next_week_again(seafoods, modules, mailoutbox, django_capture_on_commit_callbacks):
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], MONDAY + days(1))
    for day in (2, 4, 7, 8):
        with at(MONDAY + days(day)):
            run(django_capture_on_commit_callbacks)

    assert len(digests(mailoutbox, seafoods.admin, seafoods.org)) == 2


def test_digest_in_french_for_a_french_administrator(
    bakery, modules, french, mailoutbox, django_capture_on_commit_callbacks
):
    with at(MONDAY):
        assign(bakery, [bakery.carl], modules[2], MONDAY + days(1))
    with at(MONDAY + days(2)):
        run(django_capture_on_commit_callbacks)

    [digest] = to(mailoutbox, bakery.admin)
    assert "Boulangerie du Port Ltée" in digest.subject
    assert digest.body.startswith("Bonjour,")
    assert modules[2].get_translation(french).title in digest.body
    assert local_date(MONDAY + days(1), "fr") in digest.body
    assert f"{settings.SITE_URL}/fr/employer/{bakery.org.pk}/" in digest.body


def test_digest_goes_to_opted_out_administrators_of_each_employer_only(
    seafoods, bakery, modules, mailoutbox, django_capture_on_commit_callbacks
):
    seafoods.admin.reminders_opt_out = True
    seafoods.admin.save()
    second_admin = member(seafoods.org, Membership.Role.EMPLOYER_ADMIN)
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], MONDAY + days(1))
    with at(MONDAY + days(2)):
        run(django_capture_on_commit_callbacks)

    assert len(digests(mailoutbox, seafoods.admin, seafoods.org)) == 1
    assert len(digests(mailoutbox, second_admin, seafoods.org)) == 1
    assert to(mailoutbox, bakery.admin) == []


def test_digest_one_email_for_an_administrator_of_two_employers(
    seafoods, bakery, modules, mailoutbox, django_capture_on_commit_callbacks
):
    Membership.objects.create(
        user=seafoods.admin, organization=bakery.org, role=Membership.Role.EMPLOYER_ADMIN
    )
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], MONDAY + days(1))
        assign(bakery, [bakery.carl], modules[0], MONDAY + days(1))
    with at(MONDAY + days(2)):
        run(django_capture_on_commit_callbacks)
        run(django_capture_on_commit_callbacks)

    [digest] = to(mailoutbox, seafoods.admin)
    assert "ann@seafoods.example.com" in digest.body
    assert "carl@bakery.example.com" in digest.body
    assert f"/en/employer/{bakery.org.pk}/" in digest.body


# -- Once only -------------------------------------------------------------------------------


def test_reminder_record_is_true_the_first_time_only(seafoods):
    first = reminders.reminder_record(
        kind="certificate_expiring", recipient=seafoods.ann, subject="certificate:X", period="p"
    )
    second = reminders.reminder_record(
        kind="certificate_expiring", recipient=seafoods.ann, subject="certificate:X", period="p"
    )

    assert (first, second) == (True, False)


def test_reminder_recorded_by_another_run_is_not_sent_again(
    seafoods, modules, mailoutbox, django_capture_on_commit_callbacks
):
    due_on = MONDAY + days(3)
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], due_on)
        enrolment = seafoods.ann.enrolments.get()
        ReminderSent.objects.create(
            kind=reminders.DUE_SOON_KIND,
            recipient=seafoods.ann,
            subject=f"enrolment:{enrolment.pk}",
            period=due_on.isoformat(),
        )
        run(django_capture_on_commit_callbacks)

    assert to(mailoutbox, seafoods.ann) == []
    assert ReminderSent.objects.filter(recipient=seafoods.ann).count() == 1


def test_nothing_is_queued_when_the_transaction_rolls_back(
    seafoods, modules, mailoutbox, django_capture_on_commit_callbacks
):
    """The record and the email stand or fall together: the email waits for the commit."""
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], MONDAY + days(3))
        with django_capture_on_commit_callbacks() as callbacks:
            reminders.reminders_send()

    assert mailoutbox == []
    assert len(callbacks) >= 1
    assert ReminderSent.objects.filter(recipient=seafoods.ann).count() == 1


@pytest.mark.parametrize("size", [1, 3])
def test_reminders_send_queries_do_not_grow_with_people(
    size, seafoods, modules, django_assert_num_queries, django_capture_on_commit_callbacks
):
    people = [member(seafoods.org) for _ in range(size)]
    with at(MONDAY):
        assign(seafoods, people, modules[0], MONDAY + days(1))
    with at(MONDAY + days(2)):
        run(django_capture_on_commit_callbacks)
        # A second run finds everything recorded. Queries: due soon (enrolments, recorded),
        # overdue (enrolments, recorded), digest (memberships of the overdue learners,
        # recorded, administrators).
        with django_assert_num_queries(7):
            report = run(django_capture_on_commit_callbacks)

    assert (report.due_soon, report.overdue, report.digests) == (0, 0, 0)


# -- Unsubscribing ---------------------------------------------------------------------------


@pytest.fixture
def unsubscribe_path(seafoods, modules, mailoutbox, django_capture_on_commit_callbacks):
    """The path of the unsubscribe link in Ann's due-soon reminder."""
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], MONDAY + days(3))
        run(django_capture_on_commit_callbacks)
    [email] = to(mailoutbox, seafoods.ann)
    return urlparse(UNSUBSCRIBE.search(email.body).group(1)).path


def test_unsubscribe_page_shows_what_stops_and_changes_nothing(client, seafoods, unsubscribe_path):
    response = client.get(unsubscribe_path)

    seafoods.ann.refresh_from_db()
    html = response.content.decode()
    assert response.status_code == 200
    assert "Stop optional reminders?" in html
    assert "ann@seafoods.example.com" in html
    assert "Notices of overdue training will still be sent" in html
    assert 'method="post"' in html
    assert seafoods.ann.reminders_opt_out is False


def test_unsubscribe_post_turns_optional_reminders_off(client, seafoods, unsubscribe_path):
    response = client.post(unsubscribe_path)
    page = client.get(unsubscribe_path)

    seafoods.ann.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, unsubscribe_path)
    assert seafoods.ann.reminders_opt_out is True
    assert "Optional reminders are off" in page.content.decode()


def test_unsubscribed_learner_gets_no_more_due_soon_reminders(
    client, seafoods, modules, unsubscribe_path, mailoutbox, django_capture_on_commit_callbacks
):
    client.post(unsubscribe_path)
    with at(MONDAY + days(1)):
        assign(seafoods, [seafoods.ann], modules[0], MONDAY + days(6))
        run(django_capture_on_commit_callbacks)

    assert len(to(mailoutbox, seafoods.ann)) == 1  # the one before unsubscribing


def test_unsubscribe_link_is_in_the_recipients_language(client, seafoods, unsubscribe_path):
    french = unsubscribe_path.replace("/en/", "/fr/", 1)

    response = client.get(french)

    assert response.status_code == 200
    assert '<html lang="fr' in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_unsubscribe_tampered_token_is_rejected(client, seafoods, unsubscribe_path, method):
    token = unsubscribe_path.rstrip("/").rsplit("/", 1)[1]
    forged = signing.dumps({"user": seafoods.bea.pk}, salt=reminders.UNSUBSCRIBE_SALT)
    forged = forged.rsplit(":", 1)[0] + ":" + token.rsplit(":", 1)[1]

    response = getattr(client, method)(f"/en/reminders/unsubscribe/{forged}/")

    seafoods.bea.refresh_from_db()
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert seafoods.bea.reminders_opt_out is False


@pytest.mark.parametrize(
    "token",
    [
        "nonsense",
        "a:b:c",
        signing.dumps({"user": 1}),  # no salt: signed for something else
        signing.dumps([1], salt=reminders.UNSUBSCRIBE_SALT),
    ],
    ids=["garbage", "colons", "other-salt", "wrong-shape"],
)
def test_unsubscribe_malformed_tokens_answer_400(client, token):
    response = client.get(f"/en/reminders/unsubscribe/{token}/")

    assert response.status_code == 400


def test_unsubscribe_token_of_a_deleted_account_answers_404(client, seafoods):
    token = reminders.unsubscribe_token(user=seafoods.ann)
    seafoods.ann.delete()

    response = client.post(f"/en/reminders/unsubscribe/{token}/")

    assert response.status_code == 404
    assert "no longer exists" in response.content.decode()


# -- The task and its schedule ---------------------------------------------------------------


def test_reminders_are_scheduled_daily_at_eight_local_time():
    job = settings.CELERY_BEAT_SCHEDULE["reminders-send"]

    assert job["task"] == "learning.reminders_send"
    assert job["schedule"] == crontab(hour=8, minute=0)
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE == "America/Halifax"
    assert "learning.reminders_send" in celery_app.tasks
    assert "publish-scheduled-content" in settings.CELERY_BEAT_SCHEDULE


def test_reminders_task_sends_through_celery(
    seafoods, bakery, modules, mailoutbox, django_capture_on_commit_callbacks
):
    with at(MONDAY):
        assign(seafoods, [seafoods.ann], modules[0], MONDAY + days(2))
        assign(bakery, [bakery.carl], modules[0], MONDAY + days(1))
    with at(MONDAY + days(2)), django_capture_on_commit_callbacks(execute=True):
        result = tasks.reminders_send.delay()

    report = result.get()
    assert report["due_soon"] >= 1 and report["overdue"] >= 1 and report["digests"] >= 1
    assert [e.subject for e in to(mailoutbox, seafoods.ann)] == [
        f"Reminder: “{modules[0].title}” is due today"
    ]
    assert len(to(mailoutbox, bakery.carl)) == 1
    assert len(digests(mailoutbox, bakery.admin, bakery.org)) == 1
