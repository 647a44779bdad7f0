"""Issuing certificates: one per completion, whatever happens around it.

A module certificate is issued for a completed enrolment, a program certificate when a
learner has completed every module of a program that issues one. The unique
``completion_key`` decides: retries, duplicate events, concurrent workers and a worker killed
mid-task all end with exactly one certificate per completion.

Issuing freezes the snapshot (``certificates.presentation`` documents its shape), signs it,
takes a position in the Bitstring Status List, renders the PDF with its SHA-256 and records
an ``issued`` audit event. Nothing on a certificate is recomputed later.
"""

import calendar
import datetime
import hashlib
import logging
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone
from wagtail.models import Page

from certificates import pdf, pdf_signature, signing
from certificates.codes import code_generate
from certificates.models import AuditEvent, Certificate
from certificates.presentation import format_time, parse_time
from certificates.verification import verify_url
from cms.services import email_queue
from courses.models import ProgramModule, ProgramPage
from learning.models import Enrolment, Membership, Organization, QuizAttempt
from learning.services.progress import cycle_attempts

logger = logging.getLogger(__name__)

# Attempts at inserting a certificate whose code or status position collided (never, in
# practice, for codes: 80 random bits).
INSERT_ATTEMPTS = 5
STATUS_INDEX_SEQUENCE = "certificate_status_index"  # migration 0002
LEARNER_ROLES = (Membership.Role.EMPLOYER_LEARNER, Membership.Role.EMPLOYER_ADMIN)


class NotIssuable(Exception):
    """This completion does not call for a certificate (not completed, no learner left)."""


# -- Dates ----------------------------------------------------------------------------------


def months_add(moment: datetime.datetime, months: int) -> datetime.datetime:
    """``moment`` plus calendar months, keeping the day of the month where it exists and
    taking the month's last day where it does not (Nov 30 + 3 months = Feb 28, or Feb 29 in
    a leap year). The wall-clock time and time zone stay; the UTC offset follows DST."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def expiry_for(issued_at: datetime.datetime, months: int) -> datetime.datetime:
    """When a certificate issued at ``issued_at`` and valid ``months`` months expires, counted
    in the site's time zone (the dates people read on it)."""
    return months_add(timezone.localtime(issued_at), months)


# -- Who and what ---------------------------------------------------------------------------


def employer_for(*, user, enrolment: Enrolment | None = None) -> Organization | None:
    """The employer a certificate is issued for: the one whose assignment the enrolment came
    from, else the learner's only employer, else none (several employers and no assignment:
    we do not guess)."""
    if enrolment is not None and enrolment.assignment_id is not None:
        return enrolment.assignment.employer
    employers = list(
        Organization.objects.filter(
            kind=Organization.Kind.EMPLOYER,
            memberships__user=user,
            memberships__role__in=LEARNER_ROLES,
        ).distinct()[:2]
    )
    return employers[0] if len(employers) == 1 else None


def _titles(page) -> dict[str, str]:
    """The page's title in each site language: its live translation, else its own title."""
    translations = dict(
        Page.objects.filter(translation_key=page.translation_key, live=True).values_list(
            "locale__language_code", "title"
        )
    )
    return {
        language: translations.get(language) or page.title for language, _name in settings.LANGUAGES
    }


def _holder_name(user) -> str:
    return user.get_full_name().strip() or user.email


def _language(user) -> str:
    languages = {code for code, _name in settings.LANGUAGES}
    preferred = getattr(user, "preferred_language", "")
    return preferred if preferred in languages else settings.LANGUAGE_CODE


def _score(enrolment: Enrolment) -> str:
    """The score of the final attempt that passed in the enrolment's current cycle (the one
    that completed the module; after a renewal, the passes of earlier cycles no longer count)."""
    score = (
        cycle_attempts(enrolment)
        .filter(kind=QuizAttempt.Kind.FINAL, passed=True)
        .order_by("-number")
        .values_list("score", flat=True)
        .first()
    )
    return "" if score is None else f"{Decimal(score):.2f}"


def status_index_next() -> int:
    """A position in the Bitstring Status List never handed out before. PostgreSQL: a
    sequence (cannot collide). Elsewhere: max + 1, which the unique constraint guards and
    ``_insert`` retries."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [STATUS_INDEX_SEQUENCE])
            return cursor.fetchone()[0]
    highest = Certificate.objects.aggregate(highest=Max("status_index"))["highest"]
    return 0 if highest is None else highest + 1


# -- Issuing --------------------------------------------------------------------------------


def certificate_pdf_render(certificate: Certificate) -> None:
    """Render the certificate's PDF into default storage and record its SHA-256 (on the
    instance; the caller saves). Raises OSError or pdf.RenderError when rendering fails."""
    data = pdf.certificate_pdf(certificate)
    certificate.pdf.save(f"{certificate.code}.pdf", ContentFile(data), save=False)
    certificate.pdf_sha256 = hashlib.sha256(data).hexdigest()


def _issue(
    *,
    completion_key: str,
    kind: str,
    holder,
    enrolment: Enrolment | None,
    employer: Organization | None,
    page,
    completed_at: datetime.datetime,
    version: int,
    score: str,
    validity_months: int,
    now: datetime.datetime | None,
) -> Certificate:
    existing = Certificate.objects.filter(completion_key=completion_key).first()
    if existing is not None:
        return existing
    signing.signing_key()  # refuse early, before any work, when no key is configured
    issued_at = (now or timezone.now()).replace(microsecond=0)
    titles = _titles(page)
    language = _language(holder)
    for _attempt in range(INSERT_ATTEMPTS):
        code = code_generate()
        snapshot = {
            "type": kind,
            "code": code,
            "holder_name": _holder_name(holder),
            "employer_legal_name": employer.legal_name if employer else "",
            "employer_province": employer.province if employer else "",
            "title_en": titles["en"],
            "title_fr": titles["fr"],
            "version": version,
            "completed_at": format_time(completed_at),
            "issued_at": format_time(issued_at),
            "expires_at": format_time(expiry_for(issued_at, validity_months)),
            "language": language,
            "issuer": settings.SITE_URL,
        }
        certificate = Certificate(
            code=code,
            kind=kind,
            completion_key=completion_key,
            holder=holder,
            enrolment=enrolment,
            employer=employer,
            module=page if kind == Certificate.Kind.MODULE else None,
            program=page if kind == Certificate.Kind.PROGRAM else None,
            snapshot=snapshot,
            score=score,
            jws=signing.sign(
                snapshot, header={pdf_signature.JWS_HEADER: pdf_signature.JWS_HEADER_VALUE}
            ),
            kid=signing.signing_key().kid,
            language=language,
            issued_at=parse_time(snapshot["issued_at"]),
            expires_at=parse_time(snapshot["expires_at"]),
            status_index=status_index_next(),
        )
        # Holder, enrolment and employer were read just above (the database's foreign keys
        # guard them too): checking that they exist would cost a query each.
        certificate.full_clean(
            exclude=["pdf", "pdf_sha256", "holder", "enrolment", "employer"],
            validate_unique=False,
        )
        # Rendered before the insert, outside any transaction: a slow PDF holds no lock.
        certificate_pdf_render(certificate)
        try:
            with transaction.atomic():
                certificate.save(force_insert=True)
                AuditEvent.objects.create(action=AuditEvent.Action.ISSUED, certificate=certificate)
        except IntegrityError:
            certificate.pdf.delete(save=False)
            existing = Certificate.objects.filter(completion_key=completion_key).first()
            if existing is not None:
                logger.info("certificate already issued", extra={"completion": completion_key})
                return existing
            continue  # a code or status position taken meanwhile: draw again
        logger.info(
            "certificate issued", extra={"completion": completion_key, "code": certificate.code}
        )
        _issued_email(certificate)
        return certificate
    raise IntegrityError(f"could not insert a certificate for {completion_key}")


def _issued_email(certificate: Certificate) -> None:
    """Tell the holder, in their language, that their certificate is ready, with the link
    to download it and the address where anyone checks it."""
    holder, language = certificate.holder, certificate.language
    if holder is None or not holder.email:
        return
    email_queue(
        to=holder.email,
        language=language,
        template="certificates/lifecycle/issued",
        context={
            "holder_name": certificate.snapshot["holder_name"],
            "title": certificate.snapshot[f"title_{language}"],
            "code": certificate.display_code,
            "enrolment_id": certificate.enrolment_id,
            "verify_url": verify_url(certificate.code, language),
        },
    )


def completion_key_for(enrolment: Enrolment) -> str:
    return f"enrolment:{enrolment.pk}:{enrolment.completed_at.isoformat()}"


def certificate_issue(*, enrolment_id: int, now: datetime.datetime | None = None) -> Certificate:
    """The certificate for a completed module enrolment, issued once.

    Takes the enrolment's id; returns the new certificate, or the one already issued for this
    completion. ``now`` (default: the current time) is the issue time. Raises NotIssuable
    when the enrolment is not completed or its learner's account is gone,
    ImproperlyConfigured when no signing key is set, OSError or pdf.RenderError when the PDF
    cannot be rendered (nothing is stored then; retrying is safe).
    """
    enrolment = Enrolment.objects.select_related("module", "user", "assignment__employer").get(
        pk=enrolment_id
    )
    if enrolment.completed_at is None:
        raise NotIssuable(f"enrolment {enrolment_id} is not completed")
    if enrolment.user is None:
        raise NotIssuable(f"enrolment {enrolment_id} has no learner")
    module = enrolment.module
    return _issue(
        completion_key=completion_key_for(enrolment),
        kind=Certificate.Kind.MODULE,
        holder=enrolment.user,
        enrolment=enrolment,
        employer=employer_for(user=enrolment.user, enrolment=enrolment),
        page=module,
        completed_at=enrolment.completed_at,
        version=enrolment.completed_version or module.version,
        score=_score(enrolment),
        validity_months=module.certificate_validity_months,
        now=now,
    )


def program_certificate_issue(
    *, user_id: int, program_id: int, now: datetime.datetime | None = None
) -> Certificate | None:
    """The program certificate for a learner who has completed every module of the program,
    issued once; None while a module is missing or when the program issues no certificate.

    The completion moment is the last module completion, so the same completions always make
    the same key. The employer is the one whose assignment of this program (else of any of its
    modules) the learner followed, else the learner's only employer. Raises like
    ``certificate_issue``.
    """
    program = ProgramPage.objects.get(pk=program_id)
    if not program.issues_certificate:
        return None
    module_ids = set(
        ProgramModule.objects.filter(program=program).values_list("module_id", flat=True)
    )
    enrolments = list(
        Enrolment.objects.filter(
            user_id=user_id, module_id__in=module_ids, completed_at__isnull=False
        ).select_related("user", "assignment__employer")
    )
    if not module_ids or {e.module_id for e in enrolments} != module_ids:
        return None
    holder = enrolments[0].user
    completed_at = max(e.completed_at for e in enrolments)
    assigned = sorted(
        (e for e in enrolments if e.assignment_id is not None),
        key=lambda e: (e.assignment.program_id != program.pk, -e.completed_at.timestamp()),
    )
    return _issue(
        completion_key=f"program:{program.pk}:user:{user_id}:{completed_at.isoformat()}",
        kind=Certificate.Kind.PROGRAM,
        holder=holder,
        enrolment=None,
        employer=employer_for(user=holder, enrolment=assigned[0] if assigned else None),
        page=program,
        completed_at=completed_at,
        version=program.version,
        score="",
        validity_months=program.certificate_validity_months,
        now=now,
    )


def programs_for_module(*, module_id: int) -> list[int]:
    """The programs (source language, issuing certificates) that contain the module."""
    return list(
        ProgramModule.objects.filter(
            module_id=module_id,
            program__issues_certificate=True,
            program__locale__language_code=settings.LANGUAGE_CODE,
        ).values_list("program_id", flat=True)
    )


# -- Files and downloads --------------------------------------------------------------------


def certificate_pdf_ensure(*, certificate: Certificate) -> Certificate:
    """The certificate with its PDF in storage: rendered again from the frozen snapshot when
    the file is missing (lost storage, a worker stopped between storing and saving)."""
    if certificate.pdf and certificate.pdf.storage.exists(certificate.pdf.name):
        return certificate
    certificate_pdf_render(certificate)
    certificate.save(update_fields=["pdf", "pdf_sha256"])
    logger.warning("certificate PDF rendered again", extra={"code": certificate.code})
    return certificate


def certificate_download(*, certificate: Certificate, actor, channel: str) -> Certificate:
    """Record that ``actor`` downloaded ``certificate`` (``channel``: pdf, openbadges,
    command) and make sure its PDF exists. Access is the caller's business (selectors)."""
    if channel == "pdf" or channel == "command":
        certificate_pdf_ensure(certificate=certificate)
    AuditEvent.objects.create(
        action=AuditEvent.Action.DOWNLOADED,
        certificate=certificate,
        actor=actor if actor is not None and actor.is_authenticated else None,
        channel=channel,
    )
    return certificate
