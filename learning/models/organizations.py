"""Organizations at run time: settlement service provider organizations (SPOs), employers,
the people in them, the partnerships between them, invitations and assignments."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.validators import validate_single_line

LANGUAGE_CHOICES = [("en", _("English")), ("fr", _("French"))]


class Province(models.TextChoices):
    NL = "NL", _("Newfoundland and Labrador")
    PE = "PE", _("Prince Edward Island")
    NS = "NS", _("Nova Scotia")
    NB = "NB", _("New Brunswick")
    QC = "QC", _("Quebec")
    ON = "ON", _("Ontario")
    MB = "MB", _("Manitoba")
    SK = "SK", _("Saskatchewan")
    AB = "AB", _("Alberta")
    BC = "BC", _("British Columbia")
    YT = "YT", _("Yukon")
    NT = "NT", _("Northwest Territories")
    NU = "NU", _("Nunavut")


class Organization(models.Model):
    class Kind(models.TextChoices):
        SPO = "spo", _("Settlement service provider organization")
        EMPLOYER = "employer", _("Employer")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    legal_name = models.CharField(
        _("legal name"), max_length=200, validators=[validate_single_line]
    )
    operating_name = models.CharField(
        _("operating name"), max_length=200, blank=True, validators=[validate_single_line]
    )
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices)
    community = models.CharField(_("community"), max_length=120, validators=[validate_single_line])
    business_number = models.CharField(
        _("business number"),
        max_length=9,
        blank=True,
        validators=[RegexValidator(r"^\d{9}$", _("A business number has nine digits."))],
        help_text=_("The nine digits of the Canada Revenue Agency business number (optional)."),
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=LANGUAGE_CHOICES, default="en"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["legal_name"]
        indexes = [models.Index(fields=["kind", "province"], name="organization_kind_province")]

    def __str__(self):
        return self.operating_name or self.legal_name

    @property
    def display_name(self) -> str:
        if self.operating_name and self.operating_name != self.legal_name:
            return f"{self.operating_name} ({self.legal_name})"
        return self.legal_name


class Membership(models.Model):
    """A person's role in an organization. One person may belong to several organizations."""

    class Role(models.TextChoices):
        SPO_STAFF = "spo_staff", _("SPO staff")
        SPO_MANAGER = "spo_manager", _("SPO manager")
        EMPLOYER_LEARNER = "employer_learner", _("Employee (learner)")
        EMPLOYER_ADMIN = "employer_admin", _("Employer administrator")

    SPO_ROLES = (Role.SPO_STAFF, Role.SPO_MANAGER)
    EMPLOYER_ROLES = (Role.EMPLOYER_LEARNER, Role.EMPLOYER_ADMIN)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")
        ]
        indexes = [models.Index(fields=["organization", "role"], name="membership_org_role")]

    def __str__(self):
        return f"{self.user} – {self.organization} ({self.role})"

    def clean(self):
        super().clean()
        if self.organization_id is None:
            return
        kind = self.organization.kind
        allowed = self.SPO_ROLES if kind == Organization.Kind.SPO else self.EMPLOYER_ROLES
        if self.role not in allowed:
            raise ValidationError(
                {"role": _("This role does not exist in this kind of organization.")}
            )


class Partnership(models.Model):
    """An SPO working with an employer. Many to many: an employer may work with two SPOs."""

    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACTIVE = "active", _("Active")
        ENDED = "ended", _("Ended")

    spo = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="employer_partnerships"
    )
    employer = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="spo_partnerships", null=True,
        blank=True,
    )  # fmt: skip
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    created_at = models.DateTimeField(default=timezone.now)
    activated_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("partnership")
        verbose_name_plural = _("partnerships")
        constraints = [
            models.UniqueConstraint(
                fields=["spo", "employer"],
                condition=Q(employer__isnull=False),
                name="partnership_unique",
            ),
            models.CheckConstraint(
                condition=Q(status="invited") | Q(employer__isnull=False),
                name="partnership_employer_when_active",
            ),
        ]
        indexes = [models.Index(fields=["spo", "status"], name="partnership_spo_status")]

    def __str__(self):
        return f"{self.spo} – {self.employer or '…'} ({self.status})"


def token_digest(token: str) -> str:
    """What we store of an invitation token: its SHA-256, so a database leak reveals no link."""
    return hashlib.sha256(token.encode()).hexdigest()


class Invitation(models.Model):
    """A single-use, expiring link sent by email: to an employer (from an SPO manager, to
    create the employer and become its administrator) or to an employee (from an employer
    administrator)."""

    class Kind(models.TextChoices):
        EMPLOYER = "employer", _("Employer invitation")
        STAFF = "staff", _("Staff invitation")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    email = models.EmailField(_("email address"))
    # The inviting organization: the SPO for employer invitations, the employer for staff.
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    partnership = models.OneToOneField(
        Partnership, null=True, blank=True, on_delete=models.CASCADE, related_name="invitation"
    )
    role = models.CharField(max_length=20, choices=Membership.Role.choices)
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[validate_single_line]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[validate_single_line]
    )
    employer_name = models.CharField(
        _("employer name"), max_length=200, blank=True, validators=[validate_single_line]
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        indexes = [models.Index(fields=["organization", "accepted_at"], name="invitation_org")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.email}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class Assignment(models.Model):
    """A module assigned to an employer's people with a due date, by a partner SPO or by the
    employer itself: to all its learners (including those who join later) or to named people.

    Assigning the same module again to the same audience by the same organization updates
    this assignment instead of adding one (a database constraint makes sure).
    """

    employer = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="assignments")
    assigned_by_organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="assignments_made"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    module = models.ForeignKey("courses.ModulePage", on_delete=models.PROTECT, related_name="+")
    program = models.ForeignKey(
        "courses.ProgramPage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(_("due date"))
    all_learners = models.BooleanField(_("all the employer's learners"), default=True)
    learners = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="named_assignments"
    )
    # Made by the platform when a certificate nears its expiry or its module changed too much
    # (see learning.services.recertification): one per employer, module and due date.
    recertification = models.BooleanField(_("recertification"), default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "module", "assigned_by_organization", "all_learners"],
                condition=Q(recertification=False),
                name="assignment_merge",
            ),
            models.UniqueConstraint(
                fields=["employer", "module", "due_on"],
                condition=Q(recertification=True),
                name="assignment_recertification_once",
            ),
        ]

    def __str__(self):
        return f"{self.module_id} → {self.employer} ({self.due_on})"
