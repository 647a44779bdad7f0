"""What the SPO and employer dashboards show. Callers pass organizations they got from
``learning.selectors.organizations`` (``spo_for``, ``partner_employer``, ``employer_for``),
which is where tenant isolation is decided; everything here stays inside them.

Definitions (every table, chart and export uses these):

- **Learners** of an employer: the people with an ``employer_learner`` or
  ``employer_admin`` membership in it. A person who works at two employers counts at both.
- The counts are of **enrolments** (one learner × one module, in any language) of those
  learners:

  - **assigned**: enrolments with a due date (which only an assignment sets);
  - **in progress**: started and not completed;
  - **completed**: completed;
  - **overdue**: due date before today (in the site's time zone) and not completed.

  An overdue enrolment that was started counts both as in progress and as overdue.
- **Completion %**: the assigned enrolments that are completed, divided by the assigned
  enrolments (so self-enrolled completions cannot push it past 100); None, shown "—", when
  nothing is assigned.
- **Status** of one learner × module (the grids, and the status filter), the first that
  applies: completed; overdue; in progress (started); not started.
- **Best score**: the highest score of the learner's graded final-quiz attempts (since the
  enrolment's last restart, for a recertification).
- Filters: ``module_id`` narrows the counts and the grid to one module; ``status`` keeps
  the grid rows with that status, and the employers that have at least one such row;
  ``province`` keeps the employers in that province.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import ModulePage
from learning.models import Assignment, Enrolment, Membership, Organization, QuizAttempt
from learning.selectors.organizations import (
    LEARNER_ROLES,
    employer_learners,
    partner_employers,
)

DASHBOARD_ROLES = (*Membership.SPO_ROLES, Membership.Role.EMPLOYER_ADMIN)


class Status(models.TextChoices):
    NOT_STARTED = "not_started", _("Not started")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    OVERDUE = "overdue", _("Overdue")


@dataclass(frozen=True)
class DashboardFilters:
    module_id: int | None = None
    status: str = ""
    province: str = ""

    @property
    def narrows_grid(self) -> bool:
        return bool(self.module_id or self.status)


def status_q(status: str, *, today: datetime.date, prefix: str = "") -> Q:
    """The enrolments whose status is ``status`` (``prefix`` reaches them through a
    relation, e.g. ``"enrolments__"``)."""

    def q(**lookups) -> Q:
        return Q(**{f"{prefix}{name}": value for name, value in lookups.items()})

    not_done = q(completed_at__isnull=True)
    not_late = q(due_on__isnull=True) | q(due_on__gte=today)
    if status == Status.COMPLETED:
        return q(completed_at__isnull=False)
    if status == Status.OVERDUE:
        return not_done & q(due_on__lt=today)
    if status == Status.IN_PROGRESS:
        return not_done & not_late & q(started_at__isnull=False)
    if status == Status.NOT_STARTED:
        return not_done & not_late & q(started_at__isnull=True)
    raise ValueError(f"unknown status {status!r}")


def enrolment_status(
    *,
    completed_at: datetime.datetime | None,
    due_on: datetime.date | None,
    started_at: datetime.datetime | None,
    today: datetime.date,
) -> Status:
    """The status of one enrolment; the same rule as ``status_q``."""
    if completed_at is not None:
        return Status.COMPLETED
    if due_on is not None and due_on < today:
        return Status.OVERDUE
    if started_at is not None:
        return Status.IN_PROGRESS
    return Status.NOT_STARTED


def completion_percent(*, completed: int, assigned: int) -> int | None:
    """Whole percent, rounded half up; None when nothing is assigned."""
    if not assigned:
        return None
    return int((Decimal(100 * completed) / assigned).quantize(Decimal(1), "ROUND_HALF_UP"))


# -- Roles (the main navigation) ------------------------------------------------------------


@dataclass(frozen=True)
class DashboardRoles:
    spo: bool = False
    employer: bool = False
    # SPO managers also review access requests and manage certificates.
    spo_manager: bool = False


def with_dashboard_roles(users: QuerySet) -> QuerySet:
    """``users`` annotated with which dashboards each may open (``dashboard_spo``,
    ``dashboard_employer``), as ``user_dashboard_roles`` answers."""
    memberships = Membership.objects.filter(user=OuterRef("pk"))
    return users.annotate(
        dashboard_spo=Exists(memberships.filter(role__in=Membership.SPO_ROLES)),
        dashboard_employer=Exists(memberships.filter(role=Membership.Role.EMPLOYER_ADMIN)),
        dashboard_spo_manager=Exists(memberships.filter(role=Membership.Role.SPO_MANAGER)),
    )


def user_dashboard_roles(*, user) -> DashboardRoles:
    """Which dashboards ``user`` may open. One query; none for anonymous visitors, nor for a
    user loaded ``with_dashboard_roles`` (the signed-in person, see ``learning.auth``)."""
    if not user.is_authenticated:
        return DashboardRoles()
    if hasattr(user, "dashboard_spo"):
        return DashboardRoles(
            spo=user.dashboard_spo,
            employer=user.dashboard_employer,
            spo_manager=user.dashboard_spo_manager,
        )
    roles = set(
        Membership.objects.filter(user=user, role__in=DASHBOARD_ROLES)
        .values_list("role", flat=True)
        .distinct()
    )
    return DashboardRoles(
        spo=bool(roles & set(Membership.SPO_ROLES)),
        employer=Membership.Role.EMPLOYER_ADMIN in roles,
        spo_manager=Membership.Role.SPO_MANAGER in roles,
    )


# -- Modules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModuleTitle:
    id: int
    title: str
    live: bool


def module_titles(*, language: str) -> dict[int, ModuleTitle]:
    """Every source-language module by id, in catalogue order, titled in ``language`` (its
    live translation's title, else its own). One query."""
    translated = ModulePage.objects.filter(
        translation_key=OuterRef("translation_key"), locale__language_code=language, live=True
    ).values("title")[:1]
    modules = (
        ModulePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)
        .annotate(local_title=Coalesce(Subquery(translated), "title"))
        .order_by("path")
        .values_list("pk", "local_title", "live")
    )
    return {pk: ModuleTitle(id=pk, title=title, live=live) for pk, title, live in modules}


# -- Employers -------------------------------------------------------------------------------


@dataclass
class EmployerRow:
    """One employer with its counts (see the module docstring) and any extra columns."""

    employer: Organization
    learners: int
    assigned: int
    in_progress: int
    completed: int
    overdue: int
    assigned_completed: int
    extra: list = field(default_factory=list)

    @property
    def completion(self) -> int | None:
        return completion_percent(completed=self.assigned_completed, assigned=self.assigned)


def under_employer_q(prefix: str, *, employer_id, joined_at, joins: bool = True) -> Q:
    """The enrolments (reached through ``prefix``) that belong to an employer's records: those
    it assigned, and those started since the learner joined it (``joined_at``). A learner's
    enrolments from before they joined stay with the employer they were taken under.
    ``joins=False`` reads the employer's assignment ids first (one query), for a
    FilteredRelation, whose condition can neither join further nor hold a subquery."""
    if joins:
        assigned = Q(**{f"{prefix}assignment__employer_id": employer_id})
    else:
        by_employer = Assignment.objects.filter(employer_id=employer_id).values_list(
            "pk", flat=True
        )
        assigned = Q(**{f"{prefix}assignment_id__in": list(by_employer)})
    return assigned | Q(**{f"{prefix}created_at__gte": joined_at})


def _has_learner_enrolment(filters: DashboardFilters, today: datetime.date) -> Exists:
    enrolments = (
        Enrolment.objects.filter(
            user__memberships__organization=OuterRef("pk"),
            user__memberships__role__in=LEARNER_ROLES,
        )
        .filter(
            under_employer_q(
                "", employer_id=OuterRef("pk"), joined_at=F("user__memberships__created_at")
            )
        )
        .filter(status_q(filters.status, today=today))
    )
    if filters.module_id:
        enrolments = enrolments.filter(module_id=filters.module_id)
    return Exists(enrolments)


def filter_employers(
    employers: QuerySet[Organization], *, filters: DashboardFilters, today: datetime.date
) -> QuerySet[Organization]:
    """``employers`` narrowed by province and status, in name order."""
    if filters.province:
        employers = employers.filter(province=filters.province)
    if filters.status:
        employers = employers.filter(_has_learner_enrolment(filters, today))
    return employers.order_by("legal_name", "pk")


def spo_employers(
    *, spo: Organization, filters: DashboardFilters, today: datetime.date
) -> QuerySet[Organization]:
    """The SPO's active partner employers that pass ``filters``, in name order. Counts come
    from ``employer_counts``; this queryset is what gets paginated."""
    return filter_employers(partner_employers(spo=spo), filters=filters, today=today)


def employer_counts(
    *, employers: QuerySet[Organization], module_id: int | None, today: datetime.date
) -> QuerySet[Organization]:
    """``employers`` (typically one sliced page) with their counts, in one grouped query,
    in name order. The counts cover ``module_id`` only when given."""
    path = "memberships__user__enrolments"
    learner = Q(memberships__role__in=LEARNER_ROLES)
    scope = learner & under_employer_q(
        f"{path}__", employer_id=F("pk"), joined_at=F("memberships__created_at")
    )
    if module_id:
        scope &= Q(**{f"{path}__module_id": module_id})
    done = Q(**{f"{path}__completed_at__isnull": False})
    not_done = Q(**{f"{path}__completed_at__isnull": True})
    due = Q(**{f"{path}__due_on__isnull": False})
    return (
        Organization.objects.filter(pk__in=employers.values("pk"))
        .annotate(
            # Not a correlated subquery: Django would group by it, and PostgreSQL would run
            # it once per joined enrolment.
            n_learners=Count("memberships", filter=learner, distinct=True),
            n_assigned=Count(path, filter=scope & due),
            n_in_progress=Count(
                path, filter=scope & not_done & Q(**{f"{path}__started_at__isnull": False})
            ),
            n_completed=Count(path, filter=scope & done),
            n_overdue=Count(path, filter=scope & not_done & Q(**{f"{path}__due_on__lt": today})),
            n_assigned_completed=Count(path, filter=scope & due & done),
        )
        .order_by("legal_name", "pk")
    )


def employer_row(employer: Organization) -> EmployerRow:
    """An ``EmployerRow`` from one object of ``employer_counts``."""
    return EmployerRow(
        employer=employer,
        learners=employer.n_learners,
        assigned=employer.n_assigned,
        in_progress=employer.n_in_progress,
        completed=employer.n_completed,
        overdue=employer.n_overdue,
        assigned_completed=employer.n_assigned_completed,
    )


# -- Learner × module grid ------------------------------------------------------------------


@dataclass
class GridRow:
    """One learner × module of an employer's grid. A learner with no module (shown only
    when no filter narrows the grid) has ``module_id`` None."""

    user_id: int
    name: str
    email: str
    module_id: int | None
    module: str
    status: Status | None
    due_on: datetime.date | None
    started_at: datetime.datetime | None
    completed_at: datetime.datetime | None
    best_score: Decimal | None
    extra: list = field(default_factory=list)

    @property
    def key(self) -> tuple[int, int] | None:
        return (self.user_id, self.module_id) if self.module_id is not None else None


GRID_FIELDS = (
    "pk",
    "first_name",
    "last_name",
    "email",
    "enrolments_here__module_id",
    "enrolments_here__due_on",
    "enrolments_here__started_at",
    "enrolments_here__completed_at",
    "best_score",
)


def employer_grid(
    *, employer: Organization, filters: DashboardFilters, today: datetime.date
) -> QuerySet:
    """The employer's learners × their modules, as ``GRID_FIELDS`` values, by learner name
    then catalogue order; learners without modules too unless a filter narrows the grid.
    One query (plus a count when paginated). Turn each into a ``GridRow`` with
    ``grid_row``."""
    joined = Membership.objects.filter(user=OuterRef("pk"), organization=employer)
    rows = (
        employer_learners(employer=employer)
        .annotate(joined_at=Subquery(joined.values("created_at")[:1]))
        .annotate(
            # Only the enrolments under this employer: earlier ones stay with the employer
            # they were taken under.
            enrolments_here=FilteredRelation(
                "enrolments",
                condition=under_employer_q(
                    "enrolments__", employer_id=employer.pk, joined_at=F("joined_at"), joins=False
                ),
            )
        )
    )
    if filters.narrows_grid:
        # One filter() call: every condition applies to the same enrolment, the one whose
        # fields are selected below (values() and order_by() reuse this join).
        condition = Q(enrolments_here__isnull=False)
        if filters.module_id:
            condition &= Q(enrolments_here__module_id=filters.module_id)
        if filters.status:
            condition &= status_q(filters.status, today=today, prefix="enrolments_here__")
        rows = rows.filter(condition)
    # Attempts from before a restart (recertification) no longer count.
    best = (
        QuizAttempt.objects.filter(
            enrolment_id=OuterRef("enrolments_here__id"),
            kind=QuizAttempt.Kind.FINAL,
            score__isnull=False,
        )
        .filter(
            Q(enrolment__restarted_at__isnull=True)
            | Q(started_at__gte=F("enrolment__restarted_at"))
        )
        .order_by()
        .values("enrolment_id")
        .annotate(best=Max("score"))
        .values("best")
    )
    return (
        rows.annotate(best_score=Subquery(best))
        .order_by("last_name", "first_name", "email", "pk", "enrolments_here__module__path")
        .values_list(*GRID_FIELDS)
    )


def grid_row(values: tuple, *, titles: dict[int, ModuleTitle], today: datetime.date) -> GridRow:
    pk, first, last, email, module_id, due_on, started_at, completed_at, best = values
    module = titles.get(module_id)
    return GridRow(
        user_id=pk,
        name=f"{first} {last}".strip() or email,
        email=email,
        module_id=module_id,
        module=module.title if module else "",
        status=None
        if module_id is None
        else enrolment_status(
            completed_at=completed_at, due_on=due_on, started_at=started_at, today=today
        ),
        due_on=due_on,
        started_at=started_at,
        completed_at=completed_at,
        best_score=best,
    )


# -- Charts ----------------------------------------------------------------------------------


def spo_learner_memberships(*, spo: Organization) -> QuerySet[Membership]:
    """The learner memberships of the SPO's active partner employers."""
    return Membership.objects.filter(
        organization__in=partner_employers(spo=spo), role__in=LEARNER_ROLES
    )


def employer_learner_memberships(*, employer: Organization) -> QuerySet[Membership]:
    return Membership.objects.filter(organization=employer, role__in=LEARNER_ROLES)


def month_starts(*, today: datetime.date, months: int) -> list[datetime.date]:
    """The first day of the last ``months`` months, the current one last."""
    starts = []
    year, month = today.year, today.month
    for _index in range(months):
        starts.append(datetime.date(year, month, 1))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return starts[::-1]


@dataclass(frozen=True)
class ModuleCompletion:
    module: ModuleTitle
    assigned: int
    completed: int

    @property
    def completion(self) -> int | None:
        return completion_percent(completed=self.completed, assigned=self.assigned)


@dataclass(frozen=True)
class ChartCounts:
    """What the charts count, without titles (so that it can be cached for every language).
    ``months``: modules completed per month (site time zone), oldest first, months without
    any count 0. ``modules``: per module id, (assigned enrolments, how many of them are
    completed)."""

    months: list[tuple[datetime.date, int]]
    modules: dict[int, tuple[int, int]]

    def module_completions(self, titles: dict[int, ModuleTitle]) -> list[ModuleCompletion]:
        """The modules with assignments, in catalogue order."""
        return [
            ModuleCompletion(module=module, assigned=assigned, completed=completed)
            for pk, module in titles.items()
            for assigned, completed in [self.modules.get(pk, (0, 0))]
            if assigned
        ]


def chart_counts(
    *, memberships: QuerySet[Membership], today: datetime.date, months: int = 12
) -> ChartCounts:
    """What the two charts show for the learners of those ``memberships``, over the last
    ``months`` months including the current one, counting only the enrolments under each
    membership's employer (``under_employer_q``). One query: a single pass over their
    enrolments, grouped by module and month of completion."""
    # ``under_employer_q`` seen from the membership: the employer assigned the enrolment, or
    # the learner had joined it when they enrolled.
    under = memberships.filter(user_id=OuterRef("user_id")).filter(
        Q(organization_id=OuterRef("assignment__employer_id"))
        | Q(created_at__lte=OuterRef("created_at"))
    )
    starts = month_starts(today=today, months=months)
    since = timezone.make_aware(datetime.datetime.combine(starts[0], datetime.time.min))
    recent = Q(completed_at__gte=since)
    assigned = Q(due_on__isnull=False)
    groups = (
        Enrolment.objects.filter(Exists(under))
        .filter(assigned | recent)
        .annotate(month=Case(When(recent, then=TruncMonth("completed_at")), default=None))
        .order_by()
        .values("module_id", "month")
        .annotate(
            n=Count("pk"),
            n_assigned=Count("pk", filter=assigned),
            n_assigned_completed=Count("pk", filter=assigned & Q(completed_at__isnull=False)),
        )
        .values_list("module_id", "month", "n", "n_assigned", "n_assigned_completed")
    )
    per_month: dict[datetime.date, int] = {}
    per_module: dict[int, tuple[int, int]] = {}
    for module_id, month, n, n_assigned, n_assigned_completed in groups:
        if month is not None:
            day = month.date() if isinstance(month, datetime.datetime) else month
            per_month[day] = per_month.get(day, 0) + n
        assigned_so_far, completed_so_far = per_module.get(module_id, (0, 0))
        per_module[module_id] = (
            assigned_so_far + n_assigned,
            completed_so_far + n_assigned_completed,
        )
    return ChartCounts(
        months=[(start, per_month.get(start, 0)) for start in starts], modules=per_module
    )
