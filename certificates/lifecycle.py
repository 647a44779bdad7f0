"""What happens to certificates after issuance: revocation, reissue (supersession), expiry
reminders and recertification, and the retention of verification events.

Who may revoke or reissue (one rule, used by the pages and the services): a site
administrator (superuser) any certificate; an SPO manager the certificates of the employers in
an *active* partnership with their SPO; nobody else (pages answer 404).

Nothing is deleted: a revoked certificate keeps its record and says "revoked" wherever it is
checked; a reissued one points at its successor (``superseded_by``).
"""

import datetime
import logging
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from certificates import services, signing, statuslist
from certificates.codes import code_generate
from certificates.models import AuditEvent, Certificate, CertificateShare
from certificates.presentation import format_time, local_date, parse_time
from certificates.verification import verify_url
from cms.services import email_queue
from courses.models import ModulePage
from learning.models import Membership, Organization, Partnership
from learning.services.recertification import recertification_assign
from learning.services.reminders import reminder_record

logger = logging.getLogger(__name__)

EXPIRING_KIND = "certificate_expiring"
DIGEST_KIND = "certificate_expiring_digest"
RECERTIFY_KIND = "certificate_recertify"
LEARNER_ROLES = (Membership.Role.EMPLOYER_LEARNER, Membership.Role.EMPLOYER_ADMIN)


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


# -- Who may manage which certificates ------------------------------------------------------


def certificates_manageable(*, user) -> QuerySet[Certificate]:
    """The certificates ``user`` may revoke or reissue, newest first (see the module
    docstring); none for anyone else."""
    certificates = Certificate.objects.select_related("employer", "superseded_by")
    if not user.is_authenticated:
        return certificates.none()
    if user.is_superuser:
        return certificates.all()
    managed = Organization.objects.filter(
        kind=Organization.Kind.SPO,
        memberships__user=user,
        memberships__role=Membership.Role.SPO_MANAGER,
    )
    partners = Partnership.objects.filter(
        spo__in=managed, employer=OuterRef("employer"), status=Partnership.Status.ACTIVE
    )
    return certificates.filter(Exists(partners))


def certificate_manageable(*, user, code: str) -> Certificate | None:
    return certificates_manageable(user=user).filter(code=code).first()


def _require_manageable(user, certificate: Certificate) -> None:
    if not certificates_manageable(user=user).filter(pk=certificate.pk).exists():
        raise PermissionDenied(_("You may not manage this certificate."))


# -- Revocation and reissue -----------------------------------------------------------------


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, by, reason: str, note: str) -> Certificate:
    """Revoke ``certificate`` for ``reason`` (a ``Certificate.RevocationReason``) with a note
    kept for the record (not shown publicly). The record is kept; the verification page, the
    API and the status list say "revoked" from now on.

    Raises PermissionDenied when ``by`` may not manage it, ValidationError for an unknown
    reason or a certificate already revoked.
    """
    _require_manageable(by, certificate)
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if reason not in Certificate.RevocationReason.values:
        raise ValidationError({"reason": _("Choose a reason.")})
    if certificate.revoked_at is not None:
        raise ValidationError(_("This certificate is already revoked."))
    return _revoke(certificate, by=by, reason=reason, note=note, channel="manage")


def _revoke(certificate: Certificate, *, by, reason: str, note: str, channel: str):
    """Record the revocation of ``certificate`` (locked, not yet revoked) and its audit event;
    the status list is rebuilt once the transaction commits."""
    certificate.revoked_at = timezone.now()
    certificate.revocation_reason = reason
    certificate.revocation_note = note.strip()
    certificate.revoked_by = by
    certificate.full_clean()
    certificate.save(
        update_fields=["revoked_at", "revocation_reason", "revocation_note", "revoked_by"]
    )
    AuditEvent.objects.create(
        action=AuditEvent.Action.REVOKED,
        certificate=certificate,
        actor=by,
        channel=channel,
        outcome=reason,
    )
    transaction.on_commit(statuslist.cache_clear)
    return certificate


def holder_certificates_export(*, holder) -> list[dict]:
    """The certificates issued to ``holder``, for their personal data download, each with
    the employers it was shared with (withdrawn shares too). Two queries."""
    now = timezone.now()
    return [
        {
            "code": certificate.display_code,
            "kind": certificate.kind,
            "title_en": certificate.snapshot.get("title_en", ""),
            "title_fr": certificate.snapshot.get("title_fr", ""),
            "issued_at": certificate.issued_at.isoformat(),
            "expires_at": certificate.expires_at.isoformat(),
            "status": certificate.status_at(now),
            "verify_url": verify_url(certificate.code, certificate.language),
            "printed": certificate.snapshot,
            "shared_with": [
                {
                    "employer": share.employer.legal_name,
                    "shared_at": share.shared_at.isoformat(),
                    "withdrawn_at": share.withdrawn_at.isoformat() if share.withdrawn_at else None,
                }
                for share in certificate.shares.all()
            ],
        }
        for certificate in Certificate.objects.filter(holder=holder)
        .order_by("issued_at")
        .prefetch_related(
            Prefetch(
                "shares",
                queryset=CertificateShare.objects.select_related("employer").order_by(
                    "shared_at", "pk"
                ),
            )
        )
    ]


@transaction.atomic
def holder_certificates_release(*, holder, revoke: bool) -> int:
    """Before ``holder``'s account is deleted: their certificates stay on record, verifiable
    as issued (the snapshot keeps the printed name), or, when they ask, are revoked at their
    request. Returns how many were revoked."""
    if not revoke:
        return 0
    certificates = Certificate.objects.select_for_update().filter(
        holder=holder, revoked_at__isnull=True
    )
    for certificate in certificates:
        _revoke(
            certificate,
            by=None,
            reason=Certificate.RevocationReason.HOLDER_REQUEST,
            note="",
            channel="account",
        )
    return len(certificates)


def _render_pdf(certificate_id: int) -> None:
    """Render a reissued certificate's PDF once the reissue committed. A failure leaves it
    without a file; the download service renders missing files on demand."""
    certificate = Certificate.objects.get(pk=certificate_id)
    try:
        services.certificate_pdf_ensure(certificate=certificate)
    except Exception:
        logger.exception(
            "PDF of reissued certificate not rendered", extra={"code": certificate.code}
        )


@transaction.atomic
def certificate_reissue(
    *, certificate: Certificate, by, holder_name: str | None = None
) -> Certificate:
    """Issue a new certificate for the same completion (e.g. to correct the holder's name):
    new code, new signature, same completion date and expiry; the old one is superseded by it
    and says so wherever it is checked.

    Raises PermissionDenied when ``by`` may not manage it, ValidationError when it is revoked
    or already superseded, or the name is empty.
    """
    _require_manageable(by, certificate)
    old = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if old.revoked_at is not None:
        raise ValidationError(_("A revoked certificate cannot be reissued."))
    if old.superseded_by_id is not None:
        raise ValidationError(_("This certificate was already replaced."))
    if holder_name is not None:
        holder_name = " ".join(holder_name.split())
        if not holder_name:
            raise ValidationError({"holder_name": _("Enter the holder's name.")})
    now = timezone.now().replace(microsecond=0)
    code = code_generate()
    snapshot = {
        **old.snapshot,
        "code": code,
        "issued_at": format_time(now),
        "holder_name": holder_name or old.snapshot["holder_name"],
    }
    new = Certificate(
        code=code,
        kind=old.kind,
        completion_key=f"reissue:{old.code}",
        holder=old.holder,
        enrolment=old.enrolment,
        employer=old.employer,
        module=old.module,
        program=old.program,
        snapshot=snapshot,
        jws=signing.sign(snapshot),
        kid=signing.signing_key().kid,
        language=old.language,
        issued_at=now,
        expires_at=old.expires_at,
        status_index=services.status_index_next(),
    )
    new.full_clean()
    new.save()
    old.superseded_by = new
    old.save(update_fields=["superseded_by"])
    AuditEvent.objects.bulk_create(
        [
            AuditEvent(
                action=AuditEvent.Action.SUPERSEDED, certificate=old, actor=by, channel="manage"
            ),
            AuditEvent(
                action=AuditEvent.Action.ISSUED, certificate=new, actor=by, channel="manage"
            ),
        ]
    )
    transaction.on_commit(lambda: _render_pdf(new.pk))
    return new


# -- Expiry reminders and recertification ---------------------------------------------------


@dataclass
class ExpiryReport:
    reminders: int = 0
    digests: int = 0
    recertifications: int = 0


def _email(user, template: str, context: dict) -> None:
    email_queue(
        to=user.email,
        language=user.preferred_language,
        template=f"certificates/lifecycle/{template}",
        context=context,
    )


def _date(day: datetime.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


def _entry(certificate: Certificate, language: str) -> dict:
    snapshot = certificate.snapshot
    return {
        "holder_name": snapshot["holder_name"],
        "title": snapshot["title_fr"] if language == "fr" else snapshot["title_en"],
        "expires_on": local_date(snapshot["expires_at"], language),
        "code": certificate.display_code,
        "verify_url": verify_url(certificate.code, language),
    }


def _live(moment) -> QuerySet[Certificate]:
    """Module certificates neither revoked, superseded nor expired at ``moment``, whose holder
    holds no newer (unrevoked) certificate for the same module."""
    newer = Certificate.objects.filter(
        holder=OuterRef("holder"),
        module=OuterRef("module"),
        issued_at__gt=OuterRef("issued_at"),
        revoked_at__isnull=True,
    )
    return (
        Certificate.objects.filter(
            kind=Certificate.Kind.MODULE,
            holder__isnull=False,
            revoked_at__isnull=True,
            superseded_by__isnull=True,
            expires_at__gt=moment,
        )
        .exclude(Exists(newer))
        .select_related("holder", "employer", "module")
        .order_by("expires_at", "pk")
    )


def _still_member(certificate: Certificate) -> Organization | None:
    """The certificate's employer, if the holder still learns there."""
    employer = certificate.employer
    if employer is None:
        return None
    member = Membership.objects.filter(
        user=certificate.holder, organization=employer, role__in=LEARNER_ROLES
    ).exists()
    return employer if member else None


def _recertify(certificate: Certificate, *, due_on: datetime.date) -> bool:
    enrolment = recertification_assign(
        user=certificate.holder,
        module=certificate.module,
        employer=_still_member(certificate),
        due_on=due_on,
        since=parse_time(certificate.snapshot["completed_at"]),
    )
    return enrolment is not None


def certificates_expiring_run(*, moment: datetime.datetime | None = None) -> ExpiryReport:
    """The daily expiry job (idempotent; a second run the same day does nothing more):

    - each certificate expiring within ``CERTIFICATE_EXPIRY_NOTICE_DAYS`` (30): its holder is
      enrolled again with a recertification assignment due on the expiry date, and told once
      in their language; each employer administrator gets one digest of their people's
      certificates not yet reported to them;
    - each certificate for a module version below the module's ``recertify_below_version``:
      its holder is enrolled again, due on the expiry date or within
      ``CERTIFICATE_RECERTIFY_GRACE_DAYS`` (90) if sooner, and told once.

    People who turned optional reminders off get no email; they are enrolled all the same.
    """
    moment = moment or timezone.now()
    notice = datetime.timedelta(days=_setting("CERTIFICATE_EXPIRY_NOTICE_DAYS", 30))
    report = ExpiryReport()
    digests: dict[int, list[Certificate]] = defaultdict(list)

    expiring = list(_live(moment).filter(expires_at__lte=moment + notice))
    for certificate in expiring:
        with transaction.atomic():
            holder = certificate.holder
            due_on = timezone.localtime(certificate.expires_at).date()
            if _recertify(certificate, due_on=due_on):
                report.recertifications += 1
            if not holder.reminders_opt_out and reminder_record(
                kind=EXPIRING_KIND,
                recipient=holder,
                subject=f"certificate:{certificate.code}",
                period=due_on.isoformat(),
            ):
                _email(holder, "expiring", _entry(certificate, holder.preferred_language))
                report.reminders += 1
        if _still_member(certificate) is not None:
            digests[certificate.employer_id].append(certificate)

    admins = Membership.objects.filter(
        organization_id__in=digests,
        role=Membership.Role.EMPLOYER_ADMIN,
        user__reminders_opt_out=False,
        user__is_active=True,
    ).select_related("user", "organization")
    for membership in admins:
        admin = membership.user
        with transaction.atomic():
            fresh = [
                certificate
                for certificate in digests[membership.organization_id]
                if reminder_record(
                    kind=DIGEST_KIND,
                    recipient=admin,
                    subject=f"certificate:{certificate.code}",
                    period=timezone.localtime(certificate.expires_at).date().isoformat(),
                )
            ]
            if fresh:
                language = admin.preferred_language
                _email(
                    admin,
                    "digest",
                    {
                        "employer": membership.organization,
                        "entries": [_entry(c, language) for c in fresh],
                    },
                )
                report.digests += 1

    report.recertifications += _version_recertifications(moment)
    logger.info(
        "certificate expiry run",
        extra={
            "reminders": report.reminders,
            "digests": report.digests,
            "recertifications": report.recertifications,
        },
    )
    return report


def _version_recertifications(moment) -> int:
    grace = datetime.timedelta(days=_setting("CERTIFICATE_RECERTIFY_GRACE_DAYS", 90))
    count = 0
    modules = ModulePage.objects.filter(
        recertify_below_version__isnull=False, locale__language_code=settings.LANGUAGE_CODE
    )
    for module in modules:
        below = module.recertify_below_version
        for certificate in _live(moment).filter(module=module, snapshot__version__lt=below):
            holder = certificate.holder
            due_on = min(
                timezone.localtime(certificate.expires_at).date(),
                timezone.localtime(moment + grace).date(),
            )
            with transaction.atomic():
                if not _recertify(certificate, due_on=due_on):
                    continue
                count += 1
                if not holder.reminders_opt_out and reminder_record(
                    kind=RECERTIFY_KIND,
                    recipient=holder,
                    subject=f"certificate:{certificate.code}",
                    period=f"v{below}",
                ):
                    language = holder.preferred_language
                    _email(
                        holder,
                        "recertify",
                        {
                            **_entry(certificate, language),
                            "due_on": _date(due_on, language),
                            "version": module.version,
                        },
                    )
    return count


# -- Retention ------------------------------------------------------------------------------


def verification_events_purge(*, moment: datetime.datetime | None = None) -> int:
    """Delete verification events older than ``CERTIFICATE_VERIFICATIONS_KEPT_DAYS`` (365).
    Other events (issued, revoked, …) are kept. Returns how many were deleted."""
    moment = moment or timezone.now()
    kept = datetime.timedelta(days=_setting("CERTIFICATE_VERIFICATIONS_KEPT_DAYS", 365))
    deleted, _by_model = AuditEvent.objects.filter(
        action=AuditEvent.Action.VERIFIED, created_at__lt=moment - kept
    ).delete()
    return deleted
