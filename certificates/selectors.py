"""Reads of certificates, scoped to the person asking.

Who may download a certificate:

- its holder;
- an employer administrator, for certificates issued for their employer, and for the
  certificates its people earned elsewhere only while they choose to share them with it (a
  learner's records stay with the employer they were earned under);
- SPO staff and managers, likewise for the employers in an ACTIVE partnership with their SPO.

Everything else is invisible (the views answer 404). Organization scoping comes from
``learning.selectors.organizations``.
"""

from django.db.models import Q, QuerySet

from certificates.models import Certificate, CertificateShare
from learning.models import Membership, Organization, Partnership
from learning.selectors.organizations import LEARNER_ROLES, user_employers, user_spos


def holder_certificates(*, user) -> QuerySet[Certificate]:
    """The learner's own certificates, newest first. One query."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    return Certificate.objects.filter(holder=user).order_by("-issued_at")


def enrolment_certificate(*, user, enrolment_id: int) -> Certificate | None:
    """The newest certificate issued to ``user`` for their module enrolment ``enrolment_id``,
    or None while none is stored (or when the enrolment is someone else's). One query."""
    return (
        holder_certificates(user=user)
        .filter(enrolment_id=enrolment_id, kind=Certificate.Kind.MODULE)
        .select_related("module")
        .first()
    )


def _visible_employers(*, user) -> QuerySet[Organization]:
    """Employers ``user`` administers or supports through an active SPO partnership."""
    partners = Organization.objects.filter(
        kind=Organization.Kind.EMPLOYER,
        spo_partnerships__spo__in=user_spos(user=user),
        spo_partnerships__status=Partnership.Status.ACTIVE,
    )
    return Organization.objects.filter(
        Q(pk__in=user_employers(user=user).values("pk")) | Q(pk__in=partners.values("pk"))
    )


def downloadable_certificates(*, user) -> QuerySet[Certificate]:
    """Every certificate ``user`` may download (see the module docstring)."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    employers = _visible_employers(user=user).values("pk")
    people = Membership.objects.filter(organization__in=employers, role__in=LEARNER_ROLES).values(
        "user_id"
    )
    shared = CertificateShare.objects.filter(
        employer__in=employers, withdrawn_at__isnull=True, certificate__holder__in=people
    ).values("certificate_id")
    return Certificate.objects.filter(Q(holder=user) | Q(employer__in=employers) | Q(pk__in=shared))


def shareable_employers(*, user) -> list[Organization]:
    """The employers ``user`` belongs to as a learner or administrator, in name order."""
    return list(
        Organization.objects.filter(
            kind=Organization.Kind.EMPLOYER,
            memberships__user=user,
            memberships__role__in=LEARNER_ROLES,
        ).order_by("legal_name", "pk")
    )


def active_shares(*, user) -> set[tuple[int, int]]:
    """``(certificate id, employer id)`` of the holder's certificates shared now."""
    return set(
        CertificateShare.objects.filter(
            certificate__holder=user, withdrawn_at__isnull=True
        ).values_list("certificate_id", "employer_id")
    )


def certificates_to_offer(*, user, employer_id: int) -> QuerySet[Certificate]:
    """The holder's certificates that employer ``employer_id`` sees only if they are shared
    with it: issued under another employer (or one since deleted), neither revoked nor
    replaced, and not shared with it now. Newest first. One query."""
    if not user.is_authenticated:
        return Certificate.objects.none()
    shared = CertificateShare.objects.filter(
        employer_id=employer_id, withdrawn_at__isnull=True
    ).values("certificate_id")
    return (
        holder_certificates(user=user)
        .exclude(employer_id=employer_id)
        .exclude(pk__in=shared)
        .filter(revoked_at__isnull=True, superseded_by__isnull=True)
    )


def holder_shares(*, user) -> QuerySet[CertificateShare]:
    """The shares of the holder's certificates in force now, with the certificate and the
    employer, by certificate (newest first) then employer name. One query."""
    if not user.is_authenticated:
        return CertificateShare.objects.none()
    return (
        CertificateShare.objects.filter(certificate__holder=user, withdrawn_at__isnull=True)
        .select_related("certificate", "employer")
        .order_by("-certificate__issued_at", "employer__legal_name", "pk")
    )


def downloadable_certificate(*, user, code: str) -> Certificate | None:
    """The certificate with canonical ``code`` if ``user`` may download it, else None."""
    return (
        downloadable_certificates(user=user)
        .select_related("module", "program", "holder", "employer")
        .filter(code=code)
        .first()
    )
