"""Reads for access requests: who reviews a province's requests, and an SPO's queue."""

from django.db.models import F, QuerySet

from learning.models import AccessRequest, Membership, Organization, User


def province_managers(*, province: str) -> QuerySet[User]:
    """Active managers of the SPOs in ``province``, each with its SPO's ``spo_id`` and
    ``spo_name`` annotated; one row per manager and SPO."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__role=Membership.Role.SPO_MANAGER,
            memberships__organization__kind=Organization.Kind.SPO,
            memberships__organization__province=province,
        )
        .exclude(email="")
        .annotate(
            spo_id=F("memberships__organization_id"),
            spo_name=F("memberships__organization__legal_name"),
        )
        .order_by("pk")
    )


def spo_access_requests(*, spo: Organization) -> QuerySet[AccessRequest]:
    """The requests an SPO's managers review: those of its province, pending first, then the
    latest decided."""
    return AccessRequest.objects.filter(province=spo.province).order_by("-status", "-created_at")


def spo_pending_count(*, spo: Organization) -> int:
    return AccessRequest.objects.filter(
        province=spo.province, status=AccessRequest.Status.PENDING
    ).count()
