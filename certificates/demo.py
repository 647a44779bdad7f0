"""Demo certificates: one for every completion in the demo, issued synchronously, and one
certificate in each state verifiers meet. Printed as ``CERT <state> <code>`` lines.

- valid: the demo learner's (learner@example.com);
- revoked: Samuel Okafor's (Harbourview Fabrication), revoked by the demo administrator;
- expired: Robert Arsenault's, a learner who completed a module more than two years ago
  (his completion and certificate are dated then; the stored expiry has passed).

Idempotent: a second run issues nothing, revokes nothing and prints the same lines.
"""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from certificates import services
from certificates.models import Certificate
from courses.models import ModulePage, ProgramPage
from learning.models import Enrolment, LessonProgress, QuizAttempt, User

VALID_HOLDER = "learner@example.com"
REVOKED_HOLDER = "samuel.okafor@harbourview.example.com"
REVOKED_BY = "admin@example.com"
EXPIRED_HOLDER = ("robert.arsenault@example.com", "Robert", "Arsenault", "fr")
# Long enough ago for a 24-month certificate to have expired.
EXPIRED_COMPLETION_AGO = datetime.timedelta(days=800)


def _issue_all() -> None:
    """Certificates for every completion (and completed program) of the demo. Normally the
    completion signal has done this already; with a broker and no worker it has not."""
    completed = Enrolment.objects.filter(completed_at__isnull=False, user__isnull=False)
    for enrolment_id in completed.values_list("pk", flat=True):
        services.certificate_issue(enrolment_id=enrolment_id)
    programs = ProgramPage.objects.filter(
        issues_certificate=True, locale__language_code=settings.LANGUAGE_CODE
    )
    for program in programs:
        for user_id in completed.values_list("user_id", flat=True).distinct():
            services.program_certificate_issue(user_id=user_id, program_id=program.pk)


def _module_certificate(email: str) -> Certificate:
    return (
        Certificate.objects.filter(holder__email=email, kind=Certificate.Kind.MODULE)
        .order_by("issued_at", "pk")
        .first()
    )


def _revoked() -> Certificate:
    from certificates.lifecycle import certificate_revoke

    certificate = _module_certificate(REVOKED_HOLDER)
    if certificate.revoked_at is None:
        certificate = certificate_revoke(
            certificate=certificate,
            by=User.objects.get(email=REVOKED_BY),
            reason=Certificate.RevocationReason.ISSUED_IN_ERROR,
            note="Demo: revoked to show how verification reports a revoked certificate.",
        )
    return certificate


@transaction.atomic
def _expired() -> Certificate:
    """Robert completes the first module through the learning services, then his completion
    is dated back and the certificate issued as of then, before anything commits (the
    completion signal that follows finds it already issued)."""
    from learning.demo import module_progress_make

    email, first_name, last_name, language = EXPIRED_HOLDER
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(
            email=email, first_name=first_name, last_name=last_name, preferred_language=language
        )
        user.set_unusable_password()
        user.full_clean()
        user.save()
    module = ModulePage.objects.filter(locale__language_code="en").live().order_by("path").first()
    enrolment = Enrolment.objects.filter(user=user, module=module).first()
    if enrolment is None or enrolment.completed_at is None:
        module_progress_make(user=user, module=module, passed=True, language=language)
        enrolment = Enrolment.objects.get(user=user, module=module)
        then = timezone.now().replace(microsecond=0) - EXPIRED_COMPLETION_AGO
        hour = datetime.timedelta(hours=1)
        Enrolment.objects.filter(pk=enrolment.pk).update(
            created_at=then - 2 * hour, started_at=then - 2 * hour, completed_at=then
        )
        LessonProgress.objects.filter(enrolment=enrolment).update(completed_at=then - hour)
        QuizAttempt.objects.filter(enrolment=enrolment).update(
            started_at=then - hour / 2, submitted_at=then, deadline=None
        )
        services.certificate_issue(
            enrolment_id=enrolment.pk, now=then + datetime.timedelta(seconds=5)
        )
    return Certificate.objects.get(enrolment=enrolment, kind=Certificate.Kind.MODULE)


def seed_certificates() -> list[tuple[str, str]]:
    """Issue the demo certificates; returns ``[(state, display code)]`` for valid, revoked
    and expired."""
    _issue_all()
    expired = _expired()
    return [
        ("valid", _module_certificate(VALID_HOLDER).display_code),
        ("revoked", _revoked().display_code),
        ("expired", expired.display_code),
    ]
