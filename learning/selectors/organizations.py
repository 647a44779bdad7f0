"""What SPO and employer staff may see. Tenant isolation lives here: every view that shows an
organization's data gets it through these functions, which return nothing (so the view
answers 404) for organizations the person may not see.

- SPO staff and managers see their SPO, and its partner employers only while the partnership
  is active.
- Employer administrators see their own employer and its people.
"""

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone

from courses.models import ModulePage, ProgramPage
from learning.models import Invitation, Membership, Organization, Partnership, User

LEARNER_ROLES = (Membership.Role.EMPLOYER_LEARNER, Membership.Role.EMPLOYER_ADMIN)


def user_spos(*, user) -> QuerySet[Organization]:
    """The SPOs where ``user`` is staff or manager."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(
        kind=Organization.Kind.SPO,
        memberships__user=user,
        memberships__role__in=Membership.SPO_ROLES,
    ).distinct()


def user_employers(*, user) -> QuerySet[Organization]:
    """The employers ``user`` administers."""
    if not user.is_authenticated:
        return Organization.objects.none()
    return Organization.objects.filter(
        kind=Organization.Kind.EMPLOYER,
        memberships__user=user,
        memberships__role=Membership.Role.EMPLOYER_ADMIN,
    ).distinct()


def user_start_page(*, user) -> str:
    """The URL name of the page ``user`` starts from after signing in: the SPO dashboard for
    SPO staff, the employer dashboard for employer administrators, else My learning."""
    if user_spos(user=user).exists():
        return "spo:home"
    if user_employers(user=user).exists():
        return "employer:home"
    return "learning:my_learning"


def spo_for(*, user, spo_id: int) -> Organization | None:
    """The SPO ``spo_id`` if ``user`` works there, with their role there as ``user_role``."""
    role = Membership.objects.filter(organization=OuterRef("pk"), user=user).values("role")
    return user_spos(user=user).filter(pk=spo_id).annotate(user_role=Subquery(role[:1])).first()


def spo_role(*, user, spo: Organization) -> str | None:
    return (
        Membership.objects.filter(user=user, organization=spo)
        .values_list("role", flat=True)
        .first()
    )


def is_spo_manager(*, user, spo: Organization) -> bool:
    return spo_role(user=user, spo=spo) == Membership.Role.SPO_MANAGER


def partner_employers(*, spo: Organization) -> QuerySet[Organization]:
    """The employers in an active partnership with ``spo``."""
    return Organization.objects.filter(
        kind=Organization.Kind.EMPLOYER,
        spo_partnerships__spo=spo,
        spo_partnerships__status=Partnership.Status.ACTIVE,
    )


def partner_employer(*, spo: Organization, employer_id: int) -> Organization | None:
    """One of ``spo``'s active partner employers."""
    return partner_employers(spo=spo).filter(pk=employer_id).first()


def employer_for(*, user, employer_id: int) -> Organization | None:
    """The employer ``employer_id`` if ``user`` administers it."""
    return user_employers(user=user).filter(pk=employer_id).first()


def employer_learners(*, employer: Organization) -> QuerySet[User]:
    """The employer's people who take modules (employees and administrators)."""
    return User.objects.filter(
        memberships__organization=employer, memberships__role__in=LEARNER_ROLES
    ).order_by("last_name", "first_name", "email")


def employer_learner(*, employer: Organization, user_id: int) -> User | None:
    return employer_learners(employer=employer).filter(pk=user_id).first()


def pending_invitations(*, organization: Organization) -> QuerySet[Invitation]:
    """Invitations sent by ``organization`` that are neither used nor expired, newest first."""
    return organization.invitations.filter(
        accepted_at__isnull=True, expires_at__gt=timezone.now()
    ).order_by("-created_at")


def _titled(model, *, language: str) -> list[tuple]:
    """Live ``model`` pages in the source language (the ones assignments point at), in
    catalogue order, each with its title in ``language`` where a live translation exists,
    else its own. At most two queries."""
    pages = list(
        model.objects.live()
        .filter(locale__language_code=settings.LANGUAGE_CODE)
        .select_related("locale")
        .order_by("path")
    )
    titles = {}
    if pages and language != settings.LANGUAGE_CODE:
        titles = dict(
            model.objects.live()
            .filter(
                locale__language_code=language,
                translation_key__in=[page.translation_key for page in pages],
            )
            .values_list("translation_key", "title")
        )
    return [(page, titles.get(page.translation_key, page.title)) for page in pages]


def assignable_modules(*, language: str) -> list[tuple[ModulePage, str]]:
    """Every live module, as assignments point at it, with its title in ``language``."""
    return _titled(ModulePage, language=language)


def assignable_programs(*, language: str) -> list[tuple[ProgramPage, str]]:
    """Every live program, as assignments point at it, with its title in ``language``."""
    return _titled(ProgramPage, language=language)
