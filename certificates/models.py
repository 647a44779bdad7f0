"""Issued certificates, their revocation and supersession, and the audit trail.

A certificate freezes, when it is issued, a snapshot of what it attests (holder, employer,
module, dates) and a signature over that snapshot. Nothing on it is ever recomputed:
not the expiry date, not the names. Records are never deleted; revocation is a state.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from certificates.codes import code_display
from certificates.storage import certificate_storage


class Certificate(models.Model):
    class Kind(models.TextChoices):
        MODULE = "module", _("Module")
        PROGRAM = "program", _("Program")

    class RevocationReason(models.TextChoices):
        ISSUED_IN_ERROR = "issued_in_error", _("Issued in error")
        MISCONDUCT = "misconduct", _("Academic misconduct")
        IDENTITY = "identity", _("Wrong holder or identity")
        EMPLOYER_REQUEST = "employer_request", _("At the employer's request")
        HOLDER_REQUEST = "holder_request", _("At the holder's request")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    code = models.CharField(_("code"), max_length=17, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # What the certificate was issued for, once: the unique constraint makes issuance
    # idempotent ("enrolment:<id>:<completed at>" for a module completion).
    completion_key = models.CharField(max_length=120, unique=True)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    enrolment = models.ForeignKey(
        "learning.Enrolment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    employer = models.ForeignKey(
        "learning.Organization",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="certificates",
    )
    module = models.ForeignKey(
        "courses.ModulePage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    program = models.ForeignKey(
        "courses.ProgramPage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    snapshot = models.JSONField(_("snapshot"))
    # The quiz score (percent, "" for programs): private, kept out of the signed snapshot that
    # anyone with the code can read. Certificates issued before carry it in their snapshot.
    score = models.CharField(_("score"), max_length=6, blank=True)
    jws = models.TextField(_("signature (compact JWS)"))
    kid = models.CharField(_("signing key id"), max_length=64)
    language = models.CharField(_("language"), max_length=2)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    # Private storage, outside the media URL: served only by the download view.
    pdf = models.FileField(
        _("PDF"), upload_to="certificates/%Y/%m/", blank=True, storage=certificate_storage
    )
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    # Position in the Bitstring Status List credential (Open Badges revocation).
    status_index = models.PositiveIntegerField(unique=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revocation_reason = models.CharField(
        _("reason"), max_length=30, choices=RevocationReason.choices, blank=True
    )
    revocation_note = models.TextField(_("note"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    superseded_by = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="supersedes"
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="module", module__isnull=False)
                | Q(kind="program", program__isnull=False),
                name="certificate_subject",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revocation_reason=""),
                name="certificate_revocation_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["employer", "expires_at"], name="certificate_employer_expiry"),
            models.Index(fields=["holder", "issued_at"], name="certificate_holder"),
        ]

    def __str__(self):
        return code_display(self.code)

    @property
    def display_code(self) -> str:
        return code_display(self.code)

    def status_at(self, moment) -> str:
        """The certificate's status at ``moment``: revocation and supersession win over
        expiry; a certificate expires at ``expires_at`` exactly."""
        if self.revoked_at is not None and self.revoked_at <= moment:
            return self.Status.REVOKED
        if self.superseded_by_id is not None:
            return self.Status.SUPERSEDED
        if moment >= self.expires_at:
            return self.Status.EXPIRED
        return self.Status.VALID

    @property
    def status(self) -> str:
        return self.status_at(timezone.now())


class CertificateShare(models.Model):
    """A holder's choice to let an employer they joined later see a certificate issued under
    another employer (or none). Withdrawing keeps the record, with the moment it ended."""

    certificate = models.ForeignKey(Certificate, on_delete=models.CASCADE, related_name="shares")
    employer = models.ForeignKey(
        "learning.Organization", on_delete=models.CASCADE, related_name="+"
    )
    shared_at = models.DateTimeField(_("shared at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate share")
        verbose_name_plural = _("certificate shares")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "employer"],
                condition=Q(withdrawn_at__isnull=True),
                name="certificate_share_active_once",
            ),
        ]

    def __str__(self):
        return f"{self.certificate} → {self.employer_id}"


class AuditEvent(models.Model):
    """What happened to certificates: issued, downloaded, verified, revoked, superseded.

    Verifications are logged by the SHA-256 of the code asked about (not the code, not the
    address of the person asking) and deleted after twelve months.
    """

    class Action(models.TextChoices):
        ISSUED = "issued", _("Issued")
        DOWNLOADED = "downloaded", _("Downloaded")
        VERIFIED = "verified", _("Verified")
        REVOKED = "revoked", _("Revoked")
        SUPERSEDED = "superseded", _("Superseded")

    action = models.CharField(max_length=20, choices=Action.choices)
    certificate = models.ForeignKey(
        Certificate, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    code_hash = models.CharField(max_length=64, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=20, blank=True)  # page, api, bulk, pdf, command
    outcome = models.CharField(max_length=20, blank=True)  # the status answered
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("certificate event")
        verbose_name_plural = _("certificate events")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.action} {self.certificate_id or self.code_hash[:8]}"
