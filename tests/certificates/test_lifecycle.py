"""Revocation and reissue (services and pages, tenant isolation), expiry reminders,
recertification, and the retention of verification events."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from certificates import lifecycle, lifecycle_tasks, signing, statuslist
from certificates.models import AuditEvent, Certificate
from cms.celery import app as celery_app
from courses.models import LessonPage, QuizPage
from learning import services as learning_services
from learning.demo import answers_for
from learning.models import (
    Assignment,
    Enrolment,
    Membership,
    Partnership,
    QuizAttempt,
    ReminderSent,
)
from learning.services.organizations import assignment_create
from tests.factories.certificates import AuditEventFactory, CertificateFactory, seeded_module
from tests.factories.learning import (
    EmployerFactory,
    PartnershipFactory,
    SpoFactory,
    UserFactory,
    member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """An SPO (manager, staff) in an active partnership with an employer (administrator, a
    holder with a certificate), and another SPO's manager."""
    spo, employer = SpoFactory(), EmployerFactory(legal_name="Harbourview Seafoods Ltd.")
    PartnershipFactory(spo=spo, employer=employer)
    holder = member(employer, first_name="Samuel", last_name="Okafor")
    certificate = CertificateFactory(holder=holder, employer=employer)
    return type(
        "World",
        (),
        {
            "spo": spo,
            "employer": employer,
            "manager": member(spo, Membership.Role.SPO_MANAGER),
            "staff": member(spo, Membership.Role.SPO_STAFF),
            "employer_admin": member(employer, Membership.Role.EMPLOYER_ADMIN),
            "holder": holder,
            "certificate": certificate,
            "other_manager": member(SpoFactory(), Membership.Role.SPO_MANAGER),
        },
    )


# -- Revocation -----------------------------------------------------------------------------


def test_manager_revokes_a_partner_employees_certificate(world):
    certificate = lifecycle.certificate_revoke(
        certificate=world.certificate, by=world.manager, reason="issued_in_error", note=" Typo "
    )

    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert (certificate.revocation_reason, certificate.revocation_note) == (
        "issued_in_error",
        "Typo",
    )
    assert certificate.revoked_by == world.manager
    event = AuditEvent.objects.get(action="revoked", certificate=certificate)
    assert (event.certificate, event.actor, event.outcome) == (
        certificate,
        world.manager,
        "issued_in_error",
    )
    assert Certificate.objects.filter(pk=certificate.pk).exists()  # never deleted


def test_superuser_revokes_any_certificate(world):
    lifecycle.certificate_revoke(
        certificate=world.certificate, by=UserFactory(is_superuser=True), reason="other", note="x"
    )

    assert Certificate.objects.get(pk=world.certificate.pk).revoked_at is not None


@pytest.mark.parametrize("who", ["other_manager", "staff", "employer_admin", "holder"])
def test_revocation_by_anyone_else_is_refused(world, who):
    with pytest.raises(PermissionDenied):
        lifecycle.certificate_revoke(
            certificate=world.certificate, by=getattr(world, who), reason="other", note="x"
        )


def test_an_ended_partnership_ends_the_right_to_revoke(world):
    Partnership.objects.filter(spo=world.spo).update(status=Partnership.Status.ENDED)

    with pytest.raises(PermissionDenied):
        lifecycle.certificate_revoke(
            certificate=world.certificate, by=world.manager, reason="other", note="x"
        )


def test_revocation_needs_a_known_reason_and_happens_once(world):
    with pytest.raises(ValidationError):
        lifecycle.certificate_revoke(
            certificate=world.certificate, by=world.manager, reason="bored", note="x"
        )
    lifecycle.certificate_revoke(
        certificate=world.certificate, by=world.manager, reason="other", note="x"
    )
    with pytest.raises(ValidationError):
        lifecycle.certificate_revoke(
            certificate=world.certificate, by=world.manager, reason="other", note="again"
        )


def test_after_a_revocation_the_page_the_api_and_the_status_list_say_revoked(client, world):
    code = world.certificate.code
    assert client.get(f"/api/v1/certificates/{code}").json()["status"] == "valid"

    lifecycle.certificate_revoke(
        certificate=world.certificate, by=world.manager, reason="misconduct", note="x"
    )

    html = client.get(f"/en/verify/{code}/").content.decode()
    assert '<p class="verify-status-label">REVOKED</p>' in html
    assert "Academic misconduct" in html
    data = client.get(f"/api/v1/certificates/{code}").json()
    assert (data["status"], data["revocation_reason"]) == ("revoked", "misconduct")
    token = client.get("/certificates/status-list.jwt").content.decode()
    bits = statuslist.decode(signing.verify(token)["credentialSubject"]["encodedList"])
    assert statuslist.is_set(bits, world.certificate.status_index)


# -- Revocation pages -----------------------------------------------------------------------


def test_manager_sees_the_partner_employers_certificates(client, world):
    other = CertificateFactory()  # another employer's
    client.force_login(world.manager)

    html = client.get("/en/verify/manage/").content.decode()

    assert world.certificate.display_code in html
    assert "Samuel Okafor" in html
    assert other.display_code not in html


def test_superuser_sees_every_certificate(client, world):
    other = CertificateFactory()
    client.force_login(UserFactory(is_superuser=True))

    html = client.get("/en/verify/manage/").content.decode()

    assert world.certificate.display_code in html and other.display_code in html


def test_manage_list_needs_sign_in(client):
    response = client.get("/en/verify/manage/")

    assert response.status_code == 302


@pytest.mark.parametrize("who", ["staff", "employer_admin", "holder"])
def test_manage_list_is_404_for_anyone_but_managers(client, world, who):
    client.force_login(getattr(world, who))

    assert client.get("/en/verify/manage/").status_code == 404


@pytest.mark.parametrize("who", ["other_manager", "staff", "employer_admin", "holder"])
@pytest.mark.parametrize("action", ["revoke", "reissue"])
def test_revoke_and_reissue_pages_are_404_outside_ones_partners(client, world, who, action):
    client.force_login(getattr(world, who))
    url = f"/en/verify/manage/{world.certificate.code}/{action}/"

    get = client.get(url)
    post = client.post(url, {"reason": "other", "note": "x", "holder_name": "X", "confirm": "1"})

    assert (get.status_code, post.status_code) == (404, 404)
    world.certificate.refresh_from_db()
    assert world.certificate.revoked_at is None and world.certificate.superseded_by is None


def test_search_filters_by_name(client, world):
    client.force_login(world.manager)
    someone = member(world.employer, first_name="Priya", last_name="Nair")
    CertificateFactory(holder=someone, employer=world.employer)

    html = client.get("/en/verify/manage/", {"q": "priya"}).content.decode()

    assert "Priya Nair" in html and "Samuel Okafor" not in html


@pytest.mark.parametrize("count", [1, 8])
def test_manage_list_query_count_is_constant(client, world, count, django_assert_num_queries):
    for _ in range(count):
        CertificateFactory(employer=world.employer)
    client.force_login(world.manager)
    client.get("/en/verify/manage/")

    # session, user with the navigation's dashboard roles; may manage (SPO manager
    # membership); count and page of certificates (with employer and successor).
    with django_assert_num_queries(5):
        client.get("/en/verify/manage/")


def test_revocation_page_asks_for_confirmation(client, world):
    client.force_login(world.manager)
    url = f"/en/verify/manage/{world.certificate.code}/revoke/"

    form = client.get(url)
    review = client.post(url, {"reason": "identity", "note": "Wrong person"})
    world.certificate.refresh_from_db()
    assert world.certificate.revoked_at is None  # not yet
    done = client.post(url, {"reason": "identity", "note": "Wrong person", "confirm": "1"})

    assert form.status_code == 200 and 'name="reason"' in form.content.decode()
    assert "Yes, revoke the certificate" in review.content.decode()
    assert "Wrong holder or identity" in review.content.decode()
    assert done.status_code == 302 and done["Location"] == "/en/verify/manage/"
    world.certificate.refresh_from_db()
    assert (world.certificate.revocation_reason, world.certificate.revocation_note) == (
        "identity",
        "Wrong person",
    )


def test_revocation_page_requires_a_note_and_a_reason(client, world):
    client.force_login(world.manager)

    response = client.post(
        f"/en/verify/manage/{world.certificate.code}/revoke/", {"reason": "", "confirm": "1"}
    )

    assert response.status_code == 200
    world.certificate.refresh_from_db()
    assert world.certificate.revoked_at is None


# -- Reissue --------------------------------------------------------------------------------


def test_reissue_corrects_the_name_and_supersedes(
    client, world, django_capture_on_commit_callbacks
):
    old = world.certificate

    with django_capture_on_commit_callbacks(execute=True):
        new = lifecycle.certificate_reissue(
            certificate=old, by=world.manager, holder_name="  Samuel  Okafor-Eze "
        )

    old.refresh_from_db()
    new.refresh_from_db()
    assert old.superseded_by == new
    assert new.code != old.code
    assert new.snapshot["holder_name"] == "Samuel Okafor-Eze"
    assert new.snapshot["code"] == new.code
    assert (new.expires_at, new.snapshot["expires_at"]) == (
        old.expires_at,
        old.snapshot["expires_at"],
    )
    assert new.snapshot["completed_at"] == old.snapshot["completed_at"]
    assert signing.verify(new.jws) == new.snapshot
    assert new.status == "valid" and old.status == "superseded"
    assert new.pdf_sha256 and new.pdf  # rendered by the issuance side once committed
    assert set(
        AuditEvent.objects.filter(certificate__in=[old, new]).values_list("action", flat=True)
    ) == {"superseded", "issued"}
    html = client.get(f"/en/verify/{old.code}/").content.decode()
    assert "SUPERSEDED" in html and f"/en/verify/{new.code}/" in html
    assert client.get(f"/en/verify/{new.code}/").status_code == 200


def test_revoked_or_superseded_certificates_cannot_be_reissued(world):
    lifecycle.certificate_reissue(certificate=world.certificate, by=world.manager)
    with pytest.raises(ValidationError):
        lifecycle.certificate_reissue(certificate=world.certificate, by=world.manager)
    other = CertificateFactory(employer=world.employer)
    lifecycle.certificate_revoke(certificate=other, by=world.manager, reason="other", note="x")
    with pytest.raises(ValidationError):
        lifecycle.certificate_reissue(certificate=other, by=world.manager)


def test_reissue_page_asks_for_confirmation(client, world):
    client.force_login(world.manager)
    url = f"/en/verify/manage/{world.certificate.code}/reissue/"

    review = client.post(url, {"holder_name": "Sam Okafor"})
    done = client.post(url, {"holder_name": "Sam Okafor", "confirm": "1"})

    assert "Yes, reissue the certificate" in review.content.decode()
    assert done.status_code == 302
    world.certificate.refresh_from_db()
    assert world.certificate.superseded_by.snapshot["holder_name"] == "Sam Okafor"


# -- Expiry reminders and recertification ---------------------------------------------------


# Far enough ahead that the demo's certificates have all expired.
NOW = datetime.datetime(2040, 10, 1, 12, tzinfo=datetime.UTC)


def completed_enrolment(user, module, *, at=None) -> Enrolment:
    return Enrolment.objects.create(
        user=user,
        module=module,
        source=Enrolment.Source.ASSIGNMENT,
        started_at=at or NOW - datetime.timedelta(days=700),
        completed_at=at or NOW - datetime.timedelta(days=700),
        completed_version=1,
    )


@pytest.fixture
def expiring(world):
    """The holder (French) completed the module two years ago; the certificate expires in
    20 days."""
    holder = world.holder
    holder.preferred_language = "fr"
    holder.save()
    module = seeded_module()
    enrolment = completed_enrolment(holder, module)
    Certificate.objects.filter(pk=world.certificate.pk).delete()
    world.certificate = CertificateFactory(
        holder=holder,
        employer=world.employer,
        enrolment=enrolment,
        issued_at=NOW - datetime.timedelta(days=710),
        expires_at=NOW + datetime.timedelta(days=20),
        language="fr",
    )
    return world


def run(django_capture_on_commit_callbacks, moment=NOW):
    with django_capture_on_commit_callbacks(execute=True):
        return lifecycle.certificates_expiring_run(moment=moment)


def test_holder_is_reminded_once_in_their_language(expiring, django_capture_on_commit_callbacks):
    first = run(django_capture_on_commit_callbacks)
    second = run(django_capture_on_commit_callbacks, NOW + datetime.timedelta(days=1))

    holder_mail = [m for m in mail.outbox if m.to == [expiring.holder.email]]
    assert len(holder_mail) == 1
    assert "21 octobre 2040" in holder_mail[0].subject  # the date in French
    assert expiring.certificate.display_code in holder_mail[0].body
    assert (first.reminders, second.reminders) == (1, 0)
    assert ReminderSent.objects.filter(
        kind="certificate_expiring",
        recipient=expiring.holder,
        subject=f"certificate:{expiring.certificate.code}",
    ).exists()


def test_no_reminder_before_the_30_days(expiring, django_capture_on_commit_callbacks):
    report = run(django_capture_on_commit_callbacks, NOW - datetime.timedelta(days=11))

    assert (report.reminders, report.recertifications, len(mail.outbox)) == (0, 0, 0)


def test_employer_administrators_get_one_digest(expiring, django_capture_on_commit_callbacks):
    second_holder = member(expiring.employer, first_name="Priya", last_name="Nair")
    completed_enrolment(second_holder, seeded_module())
    CertificateFactory(
        holder=second_holder,
        employer=expiring.employer,
        issued_at=NOW - datetime.timedelta(days=700),
        expires_at=NOW + datetime.timedelta(days=25),
    )

    run(django_capture_on_commit_callbacks)
    run(django_capture_on_commit_callbacks, NOW + datetime.timedelta(hours=24))

    digests = [m for m in mail.outbox if m.to == [expiring.employer_admin.email]]
    assert len(digests) == 1
    assert "2 certificates at Harbourview Seafoods Ltd. expire within 30 days" in (
        digests[0].subject
    )
    assert "Samuel Okafor" in digests[0].body and "Priya Nair" in digests[0].body


def test_opted_out_people_get_no_email_but_are_enrolled_again(
    expiring, django_capture_on_commit_callbacks
):
    expiring.holder.reminders_opt_out = True
    expiring.holder.save()

    report = run(django_capture_on_commit_callbacks)

    assert [m for m in mail.outbox if m.to == [expiring.holder.email]] == []
    assert report.recertifications == 1


def test_expiry_creates_a_recertification_assignment_due_at_expiry(
    expiring, django_capture_on_commit_callbacks
):
    # An assignment met two years ago must not make the renewed enrolment overdue.
    old = Assignment.objects.create(
        employer=expiring.employer,
        assigned_by_organization=expiring.spo,
        module=seeded_module(),
        due_on=datetime.date(2026, 12, 1),
        all_learners=True,
        created_at=NOW - datetime.timedelta(days=720),
        updated_at=NOW - datetime.timedelta(days=720),
    )

    with time_machine_at(NOW):
        run(django_capture_on_commit_callbacks)

    enrolment = Enrolment.objects.get(user=expiring.holder, module=seeded_module())
    assignment = Assignment.objects.get(recertification=True)
    due = timezone.localtime(expiring.certificate.expires_at).date()
    assert (assignment.employer, assignment.module, assignment.due_on) == (
        expiring.employer,
        seeded_module(),
        due,
    )
    assert list(assignment.learners.all()) == [expiring.holder]
    assert assignment.assigned_by is None
    assert enrolment.completed_at is None and enrolment.restarted_at is not None
    assert (enrolment.due_on, enrolment.assignment) == (due, assignment)
    assert old.due_on < due


def time_machine_at(moment):
    import time_machine

    return time_machine.travel(moment, tick=False)


def test_recertification_is_created_once(expiring, django_capture_on_commit_callbacks):
    with time_machine_at(NOW):
        first = run(django_capture_on_commit_callbacks)
    with time_machine_at(NOW + datetime.timedelta(days=1)):
        second = run(django_capture_on_commit_callbacks, NOW + datetime.timedelta(days=1))

    assert (first.recertifications, second.recertifications) == (1, 0)
    assert Assignment.objects.filter(recertification=True).count() == 1


def test_renewed_learner_must_pass_the_quiz_again(expiring, django_capture_on_commit_callbacks):
    holder, module = expiring.holder, seeded_module()
    lessons = list(LessonPage.objects.child_of(module).live().order_by("path"))
    quiz = QuizPage.objects.child_of(module).live().get()
    for lesson in lessons:
        learning_services.lesson_complete(user=holder, lesson=lesson)
    attempt = learning_services.attempt_start(
        statement_confirmed=True, user=holder, quiz=quiz, language="fr"
    )
    learning_services.attempt_submit(
        user=holder, attempt_id=attempt.pk, data=answers_for(attempt, correct=True)
    )
    QuizAttempt.objects.filter(pk=attempt.pk).update(score=Decimal("80"))
    Enrolment.objects.filter(user=holder).update(
        completed_at=NOW - datetime.timedelta(days=700)
    )  # as if two years ago
    with time_machine_at(NOW):
        run(django_capture_on_commit_callbacks)

    with time_machine_at(NOW + datetime.timedelta(hours=1)):
        for lesson in lessons:
            learning_services.lesson_complete(user=holder, lesson=lesson)
        enrolment = Enrolment.objects.get(user=holder, module=module)
        assert enrolment.completed_at is None  # the old passed attempt no longer counts
        assert learning_services.attempt_refusal(quiz, enrolment, timezone.now()) is None
        attempt = learning_services.attempt_start(
            statement_confirmed=True, user=holder, quiz=quiz, language="fr"
        )
        with django_capture_on_commit_callbacks(execute=True):
            learning_services.attempt_submit(
                user=holder, attempt_id=attempt.pk, data=answers_for(attempt, correct=True)
            )

    enrolment.refresh_from_db()
    assert enrolment.completed_at is not None
    assert attempt.number == 2
    # The new certificate carries the score of this cycle's pass, not the earlier one's.
    renewed = Certificate.objects.filter(holder=holder).latest("issued_at")
    assert renewed.snapshot["score"] == "100.00"


def test_a_new_certificate_for_the_module_stops_reminders(
    expiring, django_capture_on_commit_callbacks
):
    CertificateFactory(
        holder=expiring.holder,
        employer=expiring.employer,
        issued_at=NOW - datetime.timedelta(days=2),
        expires_at=NOW + datetime.timedelta(days=728),
    )

    report = run(django_capture_on_commit_callbacks)

    assert (report.reminders, report.recertifications) == (0, 0)


def test_a_module_major_change_asks_older_versions_to_recertify(
    world, django_capture_on_commit_callbacks
):
    module = seeded_module()
    module.version, module.recertify_below_version = 2, 2
    module.save()
    completed_enrolment(world.holder, module)
    Certificate.objects.filter(pk=world.certificate.pk).delete()
    old = CertificateFactory(
        holder=world.holder,
        employer=world.employer,
        issued_at=NOW - datetime.timedelta(days=100),
        expires_at=NOW + datetime.timedelta(days=600),
        snapshot_changes={"version": 1},
    )
    current = member(world.employer)
    completed_enrolment(current, module)
    CertificateFactory(
        holder=current,
        employer=world.employer,
        expires_at=NOW + datetime.timedelta(days=600),
        snapshot_changes={"version": 2},
    )

    with time_machine_at(NOW):
        report = run(django_capture_on_commit_callbacks)

    assert report.recertifications == 1
    assignment = Assignment.objects.get(recertification=True)
    assert list(assignment.learners.all()) == [world.holder]
    assert assignment.due_on == (NOW + datetime.timedelta(days=90)).date()
    assert Enrolment.objects.get(user=world.holder).completed_at is None
    assert Enrolment.objects.get(user=current).completed_at is not None
    assert old.status == "valid"  # still valid until it expires
    assert len([m for m in mail.outbox if m.to == [world.holder.email]]) == 1


def test_recertification_assignments_do_not_merge_with_ordinary_ones(world):
    module = seeded_module()
    Assignment.objects.create(
        employer=world.employer,
        assigned_by_organization=world.employer,
        module=module,
        due_on=datetime.date(2030, 1, 1),
        all_learners=False,
        recertification=True,
    )

    assignments = assignment_create(
        assigned_by=world.employer_admin,
        by_organization=world.employer,
        employer=world.employer,
        due_on=timezone.localdate() + datetime.timedelta(days=10),
        modules=[module],
        learners=[world.holder],
    )

    assert assignments[0].recertification is False
    assert Assignment.objects.filter(employer=world.employer).count() == 2


# -- Tasks and retention --------------------------------------------------------------------


def test_daily_tasks_are_scheduled_by_name():
    schedule = django_settings.CELERY_BEAT_SCHEDULE

    assert schedule["certificates-expiry"]["task"] == "certificates.expiry_daily"
    assert (
        schedule["certificates-verification-events-purge"]["task"]
        == "certificates.verification_events_purge"
    )
    assert "publish-scheduled-content" in schedule
    assert "certificates.expiry_daily" in celery_app.tasks
    assert "certificates.verification_events_purge" in celery_app.tasks
    flush = schedule["certificates-verification-events-flush"]
    assert flush["task"] == "certificates.verification_events_flush"
    assert flush["schedule"] <= 60  # buffered events reach the database within a minute
    assert "certificates.verification_events_flush" in celery_app.tasks


def test_expiry_task_runs_the_service(expiring, django_capture_on_commit_callbacks):
    with time_machine_at(NOW), django_capture_on_commit_callbacks(execute=True):
        result = lifecycle_tasks.certificates_expiry_daily.delay().get()

    assert result == {"reminders": 1, "digests": 1, "recertifications": 1}


def test_verification_events_are_kept_twelve_months():
    now = timezone.now()
    old = AuditEventFactory(created_at=now - datetime.timedelta(days=366))
    recent = AuditEventFactory(created_at=now - datetime.timedelta(days=364))
    revoked = AuditEventFactory(action="revoked", created_at=now - datetime.timedelta(days=900))

    deleted = lifecycle_tasks.verification_events_purge.delay().get()

    assert deleted == 1
    remaining = set(AuditEvent.objects.filter(pk__in=[old.pk, recent.pk, revoked.pk]))
    assert remaining == {recent, revoked}
