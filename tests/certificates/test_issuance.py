"""Issuance: one certificate per completion whatever happens around it, a frozen and signed
snapshot, calendar-month expiry, program certificates, the Celery task and the demo."""

import base64
import datetime
import io
import threading

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone
from django.utils.text import get_valid_filename

from certificates import services, signing, tasks
from certificates.models import AuditEvent, Certificate
from certificates.pdf import RenderError
from certificates.presentation import format_time, printed_fields
from cms.celery import app as celery_app
from courses.models import ProgramPage
from learning.models import Assignment, Enrolment
from learning.signals import module_completed
from tests.certificates.completions import (  # noqa: F401  (migrated_database: a fixture)
    complete,
    issued,
    learner_of,
    migrated_database,
    minimal_completion,
    seeded_module,
    seeded_modules,
)
from tests.conftest import wait_for
from tests.factories.learning import EmployerFactory, MembershipFactory, SpoFactory

UTC = datetime.UTC


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# -- The snapshot and its signature ---------------------------------------------------------


def test_certificate_issue_freezes_the_snapshot_in_the_documented_shape(db):
    employer = EmployerFactory(legal_name="Boulangerie Acadienne inc.", province="NB")
    user = learner_of(
        employer, first_name="Joséphine", last_name="Cormier", preferred_language="fr"
    )
    enrolment = complete(user, seeded_module(), language="fr")
    now = datetime.datetime(2026, 11, 20, 14, 3, 15, 123456, tzinfo=UTC)

    certificate = services.certificate_issue(enrolment_id=enrolment.pk, now=now)

    assert certificate.snapshot == {
        "type": "module",
        "code": certificate.code,
        "holder_name": "Joséphine Cormier",
        "employer_legal_name": "Boulangerie Acadienne inc.",
        "employer_province": "NB",
        "title_en": "Intercultural competency at work",
        "title_fr": "La compétence interculturelle au travail",
        "version": 1,
        "completed_at": format_time(enrolment.completed_at),
        "issued_at": "2026-11-20T14:03:15Z",
        "expires_at": "2028-11-20T14:03:15Z",
        "language": "fr",
        "issuer": settings.SITE_URL,
    }
    assert (certificate.kind, certificate.holder, certificate.employer) == (
        "module",
        user,
        employer,
    )
    assert certificate.completion_key == (
        f"enrolment:{enrolment.pk}:{enrolment.completed_at.isoformat()}"
    )
    assert certificate.issued_at == datetime.datetime(2026, 11, 20, 14, 3, 15, tzinfo=UTC)
    assert certificate.expires_at == datetime.datetime(2028, 11, 20, 14, 3, 15, tzinfo=UTC)
    assert (certificate.language, certificate.kid) == ("fr", settings.CERTIFICATE_SIGNING_KEY_ID)
    assert certificate.score == "100.00"  # private: not in the signed snapshot
    # Named after its code, as storage writes names (a check character *, ~, $ or = is left
    # out of the file name).
    assert certificate.pdf.name.endswith(get_valid_filename(f"{certificate.code}.pdf"))
    assert len(certificate.pdf_sha256) == 64
    assert list(AuditEvent.objects.filter(certificate=certificate).values_list("action")) == [
        ("issued",)
    ]


def test_the_signature_over_the_snapshot_verifies(db):
    certificate = issued()

    assert signing.verify(certificate.jws) == certificate.snapshot


def test_changing_any_snapshot_field_fails_verification(db):
    certificate = issued()
    header, _payload, signature = certificate.jws.split(".")
    altered = {"version": 2, "score": "99.00", "expires_at": "2099-01-01T00:00:00Z"}

    for key, value in certificate.snapshot.items():
        forged = {**certificate.snapshot, key: altered.get(key, f"{value}x")}
        token = f"{header}.{b64(signing.canonical_json(forged))}.{signature}"
        with pytest.raises(signing.SignatureInvalid):
            signing.verify(token)


def test_renaming_the_employer_or_module_later_changes_nothing_on_the_certificate(db):
    employer = EmployerFactory(legal_name="Harbourview Fabrication Ltd.")
    module = seeded_module()
    certificate = issued(learner_of(employer), module)
    printed, expires_at = printed_fields(certificate.snapshot), certificate.expires_at

    employer.legal_name = "Renamed Holdings Ltd."
    employer.save()
    module.title = "A renamed module"
    module.certificate_validity_months = 6
    module.save()
    certificate.refresh_from_db()

    assert certificate.snapshot["employer_legal_name"] == "Harbourview Fabrication Ltd."
    assert certificate.snapshot["title_en"] == "Intercultural competency at work"
    assert printed_fields(certificate.snapshot) == printed
    assert certificate.expires_at == expires_at
    assert signing.verify(certificate.jws) == certificate.snapshot


def test_certificate_issue_refuses_an_enrolment_not_completed(db):
    enrolment = Enrolment.objects.create(
        user=learner_of(), module=seeded_module(), source=Enrolment.Source.SELF
    )

    with pytest.raises(services.NotIssuable):
        services.certificate_issue(enrolment_id=enrolment.pk)
    assert Certificate.objects.filter(enrolment=enrolment).count() == 0


def test_certificate_issue_refuses_without_a_signing_key(db):
    enrolment = complete(learner_of(), seeded_module())
    signing.signing_key.cache_clear()
    try:
        with override_settings(CERTIFICATE_SIGNING_KEY="", CERTIFICATE_SIGNING_KEY_ID=""):
            with pytest.raises(ImproperlyConfigured):
                services.certificate_issue(enrolment_id=enrolment.pk)
    finally:
        signing.signing_key.cache_clear()
    assert Certificate.objects.filter(enrolment=enrolment).count() == 0


# -- The employer on the certificate --------------------------------------------------------


def test_the_employer_is_the_one_whose_assignment_the_enrolment_came_from(db):
    first, second = EmployerFactory(), EmployerFactory(legal_name="Assigning Employer Ltd.")
    user = learner_of(first)
    MembershipFactory(user=user, organization=second)
    module = seeded_module()
    spo = SpoFactory()
    assignment = Assignment.objects.create(
        employer=second,
        assigned_by_organization=spo,
        module=module,
        due_on=datetime.date(2027, 1, 1),
    )
    Enrolment.objects.create(
        user=user, module=module, source=Enrolment.Source.ASSIGNMENT, assignment=assignment
    )

    certificate = issued(user, module)

    assert certificate.employer == second
    assert certificate.snapshot["employer_legal_name"] == "Assigning Employer Ltd."


def test_a_learner_of_two_employers_without_an_assignment_gets_no_employer(db):
    user = learner_of(EmployerFactory())
    MembershipFactory(user=user, organization=EmployerFactory())

    certificate = issued(user)

    assert certificate.employer is None
    assert certificate.snapshot["employer_legal_name"] == ""
    assert certificate.snapshot["employer_province"] == ""


# -- Expiry ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (datetime.date(2026, 11, 30), 3, datetime.date(2027, 2, 28)),
        (datetime.date(2027, 11, 30), 3, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 1, 31), 1, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 3, 31), 1, datetime.date(2026, 4, 30)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
        (datetime.date(2028, 2, 29), 12, datetime.date(2029, 2, 28)),
        (datetime.date(2026, 11, 20), 24, datetime.date(2028, 11, 20)),
        (datetime.date(2026, 5, 31), 120, datetime.date(2036, 5, 31)),
    ],
)
def test_months_add_keeps_the_day_or_takes_the_last_day_of_the_month(start, months, end):
    moment = datetime.datetime.combine(start, datetime.time(9, 30), tzinfo=UTC)

    assert services.months_add(moment, months) == datetime.datetime.combine(
        end, datetime.time(9, 30), tzinfo=UTC
    )


def test_expiry_is_counted_on_the_date_people_read_in_atlantic_time():
    # 02:00 UTC on December 1 is still November 30 in Halifax.
    issued_at = datetime.datetime(2026, 12, 1, 2, 0, tzinfo=UTC)

    expires = services.expiry_for(issued_at, 3)

    assert expires.date() == datetime.date(2027, 2, 28)
    assert expires.astimezone(UTC) == datetime.datetime(2027, 3, 1, 2, 0, tzinfo=UTC)


def test_expiry_keeps_the_local_time_across_daylight_saving_time():
    # Noon AST (UTC-4) on March 1; noon ADT (UTC-3) on April 1.
    issued_at = datetime.datetime(2026, 3, 1, 16, 0, tzinfo=UTC)

    expires = services.expiry_for(issued_at, 1)

    assert expires.astimezone(UTC) == datetime.datetime(2026, 4, 1, 15, 0, tzinfo=UTC)


def test_the_stored_expiry_follows_the_module_validity(db):
    module = seeded_module()
    module.certificate_validity_months = 3
    module.save()
    enrolment = complete(learner_of(), module)
    now = datetime.datetime(2026, 11, 30, 16, 0, tzinfo=UTC)

    certificate = services.certificate_issue(enrolment_id=enrolment.pk, now=now)

    assert certificate.expires_at == datetime.datetime(2027, 2, 28, 16, 0, tzinfo=UTC)
    assert certificate.snapshot["expires_at"] == "2027-02-28T16:00:00Z"


# -- Exactly one certificate per completion -------------------------------------------------


def test_issuing_twice_returns_the_certificate_already_issued(db):
    enrolment = complete(learner_of(), seeded_module())

    first = services.certificate_issue(enrolment_id=enrolment.pk)
    second = services.certificate_issue(enrolment_id=enrolment.pk)

    assert second.pk == first.pk
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    assert AuditEvent.objects.filter(certificate=first, action="issued").count() == 1


def test_a_completion_issues_its_certificate_through_the_signal_and_the_task(
    db, django_capture_on_commit_callbacks
):
    user = learner_of()

    with django_capture_on_commit_callbacks(execute=True):
        enrolment = complete(user, seeded_module())

    certificate = Certificate.objects.get(holder=user)
    assert certificate.enrolment == enrolment
    assert certificate.pdf_sha256


def test_duplicate_completion_events_issue_one_certificate(db):
    enrolment = complete(learner_of(), seeded_module())

    for _event in range(3):
        module_completed.send(sender=Enrolment, enrolment=enrolment)

    assert Certificate.objects.filter(enrolment=enrolment).count() == 1


def test_status_positions_are_never_handed_out_twice(db):
    certificates = [issued() for _learner in range(3)]

    indices = [certificate.status_index for certificate in certificates]
    assert len(set(indices)) == 3
    assert services.status_index_next() not in indices


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrated_database")
def test_concurrent_completion_events_issue_one_certificate_on_postgresql(postgres):
    enrolment = minimal_completion()
    barrier = threading.Barrier(2)
    results, errors = [], []

    def issue():
        try:
            barrier.wait(timeout=10)
            results.append(services.certificate_issue(enrolment_id=enrolment.pk).pk)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _thread in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert len(results) == 2 and results[0] == results[1]
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    assert AuditEvent.objects.filter(action="issued", certificate_id=results[0]).count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("migrated_database")
def test_the_issue_task_sent_twice_to_a_real_worker_issues_one_certificate(
    celery_worker_process,
):
    enrolment = minimal_completion()

    first = tasks.certificate_issue.delay(enrolment_id=enrolment.pk)
    second = tasks.certificate_issue.delay(enrolment_id=enrolment.pk)

    def both_done():
        log = celery_worker_process.log.read_text()
        return all(f"{result.id}] succeeded" in log for result in (first, second))

    wait_for(both_done, timeout=90, what="both certificates.issue tasks to succeed")
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.completion_key == services.completion_key_for(enrolment)
    assert signing.verify(certificate.jws) == certificate.snapshot
    assert certificate.pdf.storage.exists(certificate.pdf.name)
    assert connection.vendor == "postgresql"


def test_the_issue_task_is_acknowledged_late_and_rejected_when_its_worker_dies():
    for task in (tasks.certificate_issue, tasks.program_certificate_issue):
        assert task.acks_late is True
        assert task.reject_on_worker_lost is True
        assert set(task.autoretry_for) >= {OSError, RenderError}
        assert task.max_retries == 8
    assert tasks.certificate_issue.name == "certificates.issue"
    assert tasks.program_certificate_issue.name == "certificates.issue_program"


@pytest.fixture
def eager_retries():
    """Eager tasks retry in-process; without propagation every retry runs until the last."""
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = previous


def test_a_storage_failure_is_retried_then_fails_and_stores_nothing(
    db, tmp_path, eager_retries, caplog
):
    enrolment = complete(learner_of(), seeded_module())
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")

    with (
        override_settings(CERTIFICATE_FILES_ROOT=not_a_directory / "pdfs"),
        caplog.at_level("INFO"),
    ):
        result = tasks.certificate_issue.apply(kwargs={"enrolment_id": enrolment.pk})

    assert result.state == "FAILURE"
    assert isinstance(result.result, OSError)
    retries = [r for r in caplog.records if "retry: Retry in" in r.getMessage()]
    assert len(retries) == tasks.certificate_issue.max_retries
    assert Certificate.objects.filter(enrolment=enrolment).count() == 0


# -- Program certificates -------------------------------------------------------------------


def test_a_program_certificate_is_issued_when_every_module_is_completed(db):
    program = ProgramPage.objects.get(
        slug="aip-intercultural-competency-program", locale__language_code="en"
    )
    user = learner_of(EmployerFactory(legal_name="Island Care Homes Inc."))
    modules = seeded_modules()
    assert len(modules) == 4

    for module in modules[:-1]:
        complete(user, module)
        assert services.program_certificate_issue(user_id=user.pk, program_id=program.pk) is None
    complete(user, modules[-1])
    certificate = services.program_certificate_issue(user_id=user.pk, program_id=program.pk)
    again = services.program_certificate_issue(user_id=user.pk, program_id=program.pk)

    assert again.pk == certificate.pk
    last = Enrolment.objects.filter(user=user).order_by("-completed_at").first()
    assert (certificate.kind, certificate.program, certificate.module) == ("program", program, None)
    assert certificate.snapshot["title_en"] == "AIP intercultural competency program"
    assert certificate.snapshot["completed_at"] == format_time(last.completed_at)
    assert certificate.score == ""
    assert certificate.snapshot["employer_legal_name"] == "Island Care Homes Inc."
    assert signing.verify(certificate.jws) == certificate.snapshot


def test_the_completion_signal_checks_the_programs_of_the_module(
    db, django_capture_on_commit_callbacks
):
    user = learner_of()
    modules = seeded_modules()
    for module in modules[:-1]:
        complete(user, module)

    with django_capture_on_commit_callbacks(execute=True):
        complete(user, modules[-1])

    kinds = sorted(Certificate.objects.filter(holder=user).values_list("kind", flat=True))
    assert kinds == ["module", "program"]


def test_a_program_that_issues_no_certificate_issues_none(db):
    program = ProgramPage.objects.get(
        slug="aip-intercultural-competency-program", locale__language_code="en"
    )
    program.issues_certificate = False
    program.save()
    user = learner_of()
    for module in seeded_modules():
        complete(user, module)

    assert services.program_certificate_issue(user_id=user.pk, program_id=program.pk) is None


# -- Demo -----------------------------------------------------------------------------------


def test_seed_demo_prints_one_certificate_per_state_and_changes_nothing_when_run_again(db):
    first, second = io.StringIO(), io.StringIO()

    call_command("seed_demo", stdout=first)
    count = Certificate.objects.count()
    call_command("seed_demo", stdout=second)

    lines = [line for line in first.getvalue().splitlines() if line.startswith("CERT ")]
    assert [line.split()[1] for line in lines] == ["valid", "revoked", "expired"]
    assert [line for line in second.getvalue().splitlines() if line.startswith("CERT ")] == lines
    assert Certificate.objects.count() == count
    for line in lines:
        _cert, state, code = line.split()
        certificate = Certificate.objects.get(code=code.replace("-", ""))
        assert certificate.status == state
        assert signing.verify(certificate.jws) == certificate.snapshot
    expired = Certificate.objects.get(code=lines[2].split()[2].replace("-", ""))
    assert expired.enrolment.completed_at <= expired.issued_at
    assert expired.expires_at < timezone.now()
