"""Writes for organizations: creating them, invitations (single-use, expiring, by email, in the
invitee's language), partnerships, memberships and assignments."""

import datetime
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cms.csvfiles import CsvFileError, csv_rows, csv_text
from cms.services import email_queue
from cms.validators import validate_single_line
from courses.models import ModulePage, ProgramPage
from courses.selectors import program_modules
from learning.models import (
    Assignment,
    Enrolment,
    Invitation,
    Membership,
    Organization,
    Partnership,
    User,
    token_digest,
)
from learning.services.notifications import assignment_notify
from learning.services.progress import canonical, enrolment_ensure

INVITATION_VALID_FOR = datetime.timedelta(days=14)
CSV_MAX_ROWS = 500
LEARNER_ROLES = (Membership.Role.EMPLOYER_LEARNER, Membership.Role.EMPLOYER_ADMIN)


class InvitationError(Exception):
    """The invitation cannot be used. ``code`` says why: ``unknown``, ``used``, ``expired`` or
    ``other_address`` (the signed-in person is not the one invited)."""

    UNKNOWN, USED, EXPIRED, OTHER_ADDRESS = "unknown", "used", "expired", "other_address"

    def __init__(self, message: str, code: str = UNKNOWN, invitation: "Invitation | None" = None):
        super().__init__(message)
        self.message = message
        self.code = code
        # Only for ``expired`` and ``other_address``: who invited, to say whom to ask.
        self.invitation = invitation


@dataclass
class CsvRowError:
    line: int
    message: str


class CsvImportError(Exception):
    """The file has invalid rows; nothing was imported. ``errors`` lists them by line."""

    def __init__(self, errors: list[CsvRowError]):
        super().__init__(f"{len(errors)} invalid rows")
        self.errors = errors


# -- Roles ----------------------------------------------------------------------------------


def has_role(user, organization: Organization, *roles: str) -> bool:
    return Membership.objects.filter(user=user, organization=organization, role__in=roles).exists()


def _require(user, organization: Organization, *roles: str) -> None:
    if not has_role(user, organization, *roles):
        raise PermissionDenied(_("You do not have the role needed to do this."))


# -- Organizations and members --------------------------------------------------------------


def organization_create(
    *,
    kind: str,
    legal_name: str,
    province: str,
    community: str,
    operating_name: str = "",
    business_number: str = "",
    preferred_language: str = "en",
) -> Organization:
    """Create an organization; raises ValidationError for invalid details."""
    organization = Organization(
        kind=kind,
        legal_name=legal_name.strip(),
        operating_name=operating_name.strip(),
        province=province,
        community=community.strip(),
        business_number=business_number.replace(" ", ""),
        preferred_language=preferred_language,
    )
    organization.full_clean()
    organization.save()
    return organization


@transaction.atomic
def membership_add(*, user, organization: Organization, role: str) -> Membership:
    """Give ``user`` a role in ``organization`` (idempotent; a second role replaces the first).
    Employees join every assignment made to all of the employer's learners."""
    membership = Membership.objects.filter(user=user, organization=organization).first()
    if membership is None:
        membership = Membership(user=user, organization=organization, role=role)
    membership.role = role
    membership.full_clean(validate_unique=False)
    membership.save()
    if role in LEARNER_ROLES:
        for assignment in Assignment.objects.filter(employer=organization, all_learners=True):
            _enrol(user, assignment)
    return membership


# -- Invitations ----------------------------------------------------------------------------


def _invitation_email(invitation: Invitation, token: str) -> None:
    """Queue the invitation email, in the invitee's language, once the transaction commits."""
    email_queue(
        to=invitation.email,
        language=invitation.language,
        template=f"learning/emails/invitation_{invitation.kind}",
        context={
            "invitation": invitation,
            "link": f"{settings.SITE_URL}/{invitation.language}/invitations/{token}/",
            "organization": invitation.organization,
            "expires": invitation.expires_at,
        },
    )


def invitations_left_today(*, organization: Organization) -> int:
    """How many more invitations ``organization`` may send in the current 24 hours
    (``INVITATIONS_PER_DAY``: an employer for its staff, an SPO for employers)."""
    since = timezone.now() - datetime.timedelta(days=1)
    sent = Invitation.objects.filter(organization=organization, created_at__gt=since).count()
    return max(settings.INVITATIONS_PER_DAY - sent, 0)


def _invitation_quota_check(organization: Organization, count: int) -> None:
    """Raise ValidationError, before anything is sent, when ``count`` more invitations would
    pass the organization's daily limit. The organization's row is locked so that concurrent
    requests count one after the other."""
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    left = invitations_left_today(organization=organization)
    if count > left:
        raise ValidationError(
            ngettext(
                "At most %(max)s invitation can be sent in 24 hours, and %(left)s more can go "
                "out now; this would send %(count)s. Nothing was sent: try again later, or "
                "send fewer.",
                "At most %(max)s invitations can be sent in 24 hours, and %(left)s more can go "
                "out now; this would send %(count)s. Nothing was sent: try again later, or "
                "send fewer.",
                settings.INVITATIONS_PER_DAY,
            )
            % {"max": settings.INVITATIONS_PER_DAY, "left": left, "count": count},
            code="invitation_limit",
        )


def _invitation_new(**fields) -> tuple[Invitation, str]:
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        token_hash=token_digest(token),
        expires_at=timezone.now() + INVITATION_VALID_FOR,
        **fields,
    )
    invitation.full_clean()
    invitation.save()
    _invitation_email(invitation, token)
    return invitation, token


@transaction.atomic
def employer_invite(
    *, spo: Organization, invited_by, email: str, employer_name: str, language: str
) -> Invitation:
    """An SPO manager invites an employer: a pending partnership and an email with a
    single-use link to create the employer's account. Raises PermissionDenied for anyone but
    the SPO's managers, ValidationError for invalid input."""
    _require(invited_by, spo, Membership.Role.SPO_MANAGER)
    email = _clean_email(email)
    _invitation_quota_check(spo, 1)
    partnership = Partnership.objects.create(spo=spo)
    invitation, _token = _invitation_new(
        kind=Invitation.Kind.EMPLOYER,
        email=email,
        organization=spo,
        partnership=partnership,
        role=Membership.Role.EMPLOYER_ADMIN,
        employer_name=employer_name.strip(),
        language=language,
        invited_by=invited_by,
    )
    return invitation


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    validate_email(email)
    return email


def _staff_invitation_fields(employer, invited_by, email, first_name, last_name, language):
    email = _clean_email(email)
    if Membership.objects.filter(organization=employer, user__email__iexact=email).exists():
        raise ValidationError(
            _("%(email)s is already a member of this employer.") % {"email": email}
        )
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("The language must be en or fr."))
    for name, value in (("first_name", first_name), ("last_name", last_name)):
        try:
            validate_single_line(value)
        except ValidationError as error:
            raise ValidationError({name: error.messages}) from None
    return {
        "kind": Invitation.Kind.STAFF,
        "email": email,
        "organization": employer,
        "role": Membership.Role.EMPLOYER_LEARNER,
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "language": language,
        "invited_by": invited_by,
    }


@transaction.atomic
def staff_invite(
    *, employer: Organization, invited_by, email: str, first_name: str = "", last_name: str = "",
    language: str = "",
) -> Invitation:  # fmt: skip
    """An employer administrator invites an employee by email."""
    _require(invited_by, employer, Membership.Role.EMPLOYER_ADMIN)
    fields = _staff_invitation_fields(
        employer, invited_by, email, first_name, last_name, language or employer.preferred_language
    )
    _invitation_quota_check(employer, 1)
    return _invitation_new(**fields)[0]


CSV_COLUMNS = ("email", "first_name", "last_name", "language")


def _row_error_message(error: ValidationError) -> str:
    """A row's errors on one line, each field's named by its column."""
    if not hasattr(error, "error_dict"):
        return " ".join(error.messages)
    return " ".join(
        f"{field}: {message}"
        for field, messages in error.message_dict.items()
        for message in messages
    )


@transaction.atomic
def staff_invite_csv(*, employer: Organization, invited_by, data: bytes) -> list[Invitation]:
    """Invite every row of a CSV file (columns: email, first_name, last_name, language; a
    header row is required). Every row is checked first: if any is invalid, nothing is
    imported and CsvImportError lists the errors by line number."""
    _require(invited_by, employer, Membership.Role.EMPLOYER_ADMIN)
    errors, rows, seen = [], [], {}
    try:
        records = list(csv_rows(csv_text(data)))
    except CsvFileError as error:
        raise CsvImportError([CsvRowError(error.line, error.message)]) from None
    header = [name.strip().lower() for name in records[0][1]] if records else []
    if "email" not in header:
        raise CsvImportError(
            [CsvRowError(1, _("The first line must name the columns, including “email”."))]
        )
    for line, cells in records[1:]:
        row = dict(zip(header, cells, strict=False))
        if not any(value.strip() for value in row.values()):
            continue
        if len(rows) + len(errors) >= CSV_MAX_ROWS:
            errors.append(
                CsvRowError(line, _("At most %(max)s rows at a time.") % {"max": CSV_MAX_ROWS})
            )
            break
        email = (row.get("email") or "").strip().lower()
        try:
            fields = _staff_invitation_fields(
                employer,
                invited_by,
                email,
                row.get("first_name") or "",
                row.get("last_name") or "",
                (row.get("language") or "").strip().lower() or employer.preferred_language,
            )
        except ValidationError as error:
            errors.append(CsvRowError(line, _row_error_message(error)))
            continue
        if email in seen:
            errors.append(
                CsvRowError(
                    line, _("This address is also on line %(line)s.") % {"line": seen[email]}
                )
            )
            continue
        seen[email] = line
        rows.append(fields)
    if not rows and not errors:
        errors.append(CsvRowError(1, _("The file has no rows to import.")))
    if errors:
        raise CsvImportError(errors)
    _invitation_quota_check(employer, len(rows))
    return [_invitation_new(**fields)[0] for fields in rows]


def invitation_lookup(token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("organization", "partnership")
        .filter(token_hash=token_digest(token))
        .first()
    )


def invitation_usable(*, token: str, user=None, lock: bool = False) -> Invitation:
    """The invitation behind ``token`` if it can still be accepted (by ``user``, when given and
    signed in). ``lock`` takes a row lock (inside a transaction) so that it is used only once.

    Raises InvitationError: unknown, used, expired, or sent to another address than
    ``user``'s. Unknown and used links say nothing more (no organization, no address).
    """
    invitations = Invitation.objects.select_related("organization", "partnership")
    if lock:
        invitations = invitations.select_for_update(of=("self",))
    invitation = invitations.filter(token_hash=token_digest(token)).first()
    if invitation is None:
        raise InvitationError(_("This invitation link is not valid."), InvitationError.UNKNOWN)
    if invitation.accepted_at is not None:
        raise InvitationError(_("This invitation has already been used."), InvitationError.USED)
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            _("This invitation has expired. Ask for a new one."),
            InvitationError.EXPIRED,
            invitation,
        )
    if (
        user is not None
        and user.is_authenticated
        and user.email.lower() != invitation.email.lower()
    ):
        # The address stays unsaid: whoever holds the link is not necessarily the invitee.
        raise InvitationError(
            _(
                "This invitation was sent to another email address. Sign in with that address "
                "to accept it."
            ),
            InvitationError.OTHER_ADDRESS,
            invitation,
        )
    return invitation


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user,
    employer_details: dict | None = None,
    then: Sequence[Callable[..., None]] = (),
) -> Membership:
    """Use an invitation, once: ``user`` (signed in, or just created with the invitation's
    address) joins the organization. An employer invitation creates the employer from
    ``employer_details`` (or uses ``employer_details["employer"]``, an employer ``user``
    already administers) and activates the partnership. A staff invitation never lowers the
    role of someone who already administers the employer. Each of ``then`` is called as
    ``step(membership=...)`` in the same transaction: what the person chose on the acceptance
    page is recorded with the acceptance or not at all (``learning.invitation_choices``).

    Raises InvitationError when the link is unknown, used, expired or for another address,
    ValidationError for invalid employer details (or what ``then`` raises),
    PermissionDenied for an employer ``user`` does not administer.
    """
    invitation = invitation_usable(token=token, user=user, lock=True)
    if invitation.kind == Invitation.Kind.EMPLOYER:
        details = dict(employer_details or {})
        employer = details.pop("employer", None)
        if employer is None:
            employer = organization_create(kind=Organization.Kind.EMPLOYER, **details)
        elif not has_role(user, employer, Membership.Role.EMPLOYER_ADMIN):
            raise PermissionDenied(_("You do not have the role needed to do this."))
        partnership = invitation.partnership
        existing = Partnership.objects.filter(spo=partnership.spo, employer=employer).first()
        if existing is not None:
            # The SPO already works (or worked) with this employer: keep that partnership and
            # drop the pending one. Detach the invitation first, or deleting the pending one
            # would delete it too (on_delete=CASCADE); the existing partnership may already
            # have its own invitation (one-to-one), so it cannot point there.
            invitation.partnership = None
            invitation.save(update_fields=["partnership"])
            partnership.delete()
            partnership = existing
        partnership.employer = employer
        partnership.status = Partnership.Status.ACTIVE
        partnership.activated_at = timezone.now()
        partnership.ended_at = None
        partnership.save()
        membership = membership_add(
            user=user, organization=employer, role=Membership.Role.EMPLOYER_ADMIN
        )
    else:
        membership = Membership.objects.filter(
            user=user, organization=invitation.organization, role=Membership.Role.EMPLOYER_ADMIN
        ).first() or membership_add(
            user=user, organization=invitation.organization, role=invitation.role
        )
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    for step in then:
        step(membership=membership)
    return membership


def account_create(*, email: str, first_name: str, last_name: str, password: str, language: str):
    """Create a learner account (the invitation flow); raises ValidationError (the password
    validators' messages under ``password``, an address already in use under ``email``)."""
    from django.contrib.auth.password_validation import validate_password

    user = User(
        email=email.strip().lower(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        preferred_language=language,
    )
    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.error_list}) from None
    user.set_password(password)
    if User.objects.filter(email__iexact=user.email).exists():
        raise ValidationError({"email": _("An account already uses this address.")})
    user.full_clean()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise ValidationError({"email": _("An account already uses this address.")}) from None
    return user


@transaction.atomic
def invitation_register(
    *,
    token: str,
    first_name: str,
    last_name: str,
    password: str,
    language: str,
    employer_details: dict | None = None,
) -> Membership:
    """Accept an invitation with a new account, all or nothing: the account gets the
    invitation's address and joins as ``invitation_accept`` says; ``membership.user`` is the
    new account (not signed in: the view does that).

    The link is checked before anything else, so an unusable link says nothing about
    accounts. Raises InvitationError, or ValidationError for the account or employer details
    (nothing is created then).
    """
    invitation = invitation_usable(token=token, lock=True)
    user = account_create(
        email=invitation.email,
        first_name=first_name,
        last_name=last_name,
        password=password,
        language=language,
    )
    return invitation_accept(token=token, user=user, employer_details=employer_details)


@transaction.atomic
def partnership_end(*, spo: Organization, employer: Organization, by) -> Partnership:
    """An SPO manager ends a partnership: the SPO stops seeing the employer."""
    _require(by, spo, Membership.Role.SPO_MANAGER)
    partnership = Partnership.objects.select_for_update().get(spo=spo, employer=employer)
    partnership.status = Partnership.Status.ENDED
    partnership.ended_at = timezone.now()
    partnership.save(update_fields=["status", "ended_at"])
    return partnership


# -- Assignments ----------------------------------------------------------------------------


def can_assign(user, *, by_organization: Organization, employer: Organization) -> bool:
    """SPO staff of an active partner SPO, or the employer's own administrators."""
    if by_organization.pk == employer.pk:
        return has_role(user, employer, Membership.Role.EMPLOYER_ADMIN)
    return (
        by_organization.kind == Organization.Kind.SPO
        and has_role(user, by_organization, *Membership.SPO_ROLES)
        and Partnership.objects.filter(
            spo=by_organization, employer=employer, status=Partnership.Status.ACTIVE
        ).exists()
    )


def _enrol(user, assignment: Assignment) -> Enrolment:
    enrolment = enrolment_ensure(user=user, module=assignment.module, source="assignment")
    _due_refresh(enrolment)
    return enrolment


def _due_refresh(enrolment: Enrolment) -> None:
    """Point the enrolment at the applicable assignment due first."""
    user = enrolment.user
    applicable = (
        Assignment.objects.filter(module_id=enrolment.module_id)
        .filter(
            Q(learners=user)
            | Q(
                all_learners=True,
                employer__memberships__user=user,
                employer__memberships__role__in=LEARNER_ROLES,
            )
        )
        .order_by("due_on", "pk")
    )
    if enrolment.restarted_at is not None:
        # Assignments from before a restart were met by the completion it replaced.
        applicable = applicable.filter(updated_at__gte=enrolment.restarted_at)
    applicable = applicable.first()
    due_on = applicable.due_on if applicable else None
    if applicable and enrolment.due_extended_to and enrolment.due_extended_to > due_on:
        due_on = enrolment.due_extended_to
    fields = {"due_on": due_on, "assignment": applicable}
    if applicable and enrolment.source != Enrolment.Source.ASSIGNMENT:
        fields["source"] = Enrolment.Source.ASSIGNMENT
    if any(getattr(enrolment, name) != value for name, value in fields.items()):
        for name, value in fields.items():
            setattr(enrolment, name, value)
        enrolment.save(update_fields=list(fields))


@transaction.atomic
def assignment_create(
    *,
    assigned_by,
    by_organization: Organization,
    employer: Organization,
    due_on: datetime.date,
    modules: list[ModulePage] | None = None,
    program: ProgramPage | None = None,
    learners: list | None = None,
) -> list[Assignment]:
    """Assign modules (or every module of a program) to the employer's learners, all of them
    (``learners`` None: including those who join later) or the named ones. Assigning what is
    already assigned to the same audience merges: the due date is updated and the people are
    added; such assignments come back with ``merged`` set to True. Everyone concerned is
    enrolled.

    Raises PermissionDenied when ``assigned_by`` may not assign for ``by_organization`` to
    ``employer``, ValidationError for a past due date, no module, an empty list of people or
    people outside the employer.
    """
    if not can_assign(assigned_by, by_organization=by_organization, employer=employer):
        raise PermissionDenied(_("You do not have the role needed to do this."))
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    if program is not None:
        modules = [*(modules or []), *program_modules(program=program)]
    if not modules:
        raise ValidationError(_("Choose at least one module."))
    people = list(learners or [])
    if learners is not None and not people:
        raise ValidationError(_("Choose at least one person."))
    members = set(
        Membership.objects.filter(organization=employer, role__in=LEARNER_ROLES).values_list(
            "user_id", flat=True
        )
    )
    if any(person.pk not in members for person in people):
        raise ValidationError(_("Every person must be one of the employer's learners."))

    all_learners = learners is None
    assignments = []
    for module in {canonical(m).pk: canonical(m) for m in modules}.values():
        assignment, created = Assignment.objects.select_for_update().get_or_create(
            employer=employer,
            module=module,
            assigned_by_organization=by_organization,
            all_learners=all_learners,
            recertification=False,
            defaults={
                "due_on": due_on,
                "assigned_by": assigned_by,
                "program": canonical(program) if program else None,
            },
        )
        # Tells the caller this one merged into an earlier assignment (not a field).
        assignment.merged = not created
        already = set(
            Enrolment.objects.filter(assignment=assignment).values_list("user_id", flat=True)
        )
        if not created:
            assignment.due_on = due_on
            assignment.assigned_by = assigned_by
            assignment.updated_at = timezone.now()
            assignment.save(update_fields=["due_on", "assigned_by", "updated_at"])
        if people:
            assignment.learners.add(*people)
        targets = (
            User.objects.filter(pk__in=members) if all_learners else User.objects.filter(
                pk__in=[p.pk for p in people]
            )
        )  # fmt: skip
        for user in targets:
            _enrol(user, assignment)
        for enrolment in Enrolment.objects.filter(assignment=assignment):
            _due_refresh(enrolment)
        newly = User.objects.filter(
            enrolments__assignment=assignment, enrolments__completed_at__isnull=True
        ).exclude(pk__in=already)
        assignment_notify(assignment=assignment, learners=list(newly))
        assignments.append(assignment)
    return assignments
