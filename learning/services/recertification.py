"""Recertification: the platform, not a person, asks a learner to complete a module again.

Certificates (``certificates.lifecycle``) call this when a certificate nears its expiry or its
module changed too much. Learning knows nothing of certificates: it restarts the enrolment
and assigns the module with a due date.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from courses.models import ModulePage
from learning.models import Assignment, Enrolment, Organization
from learning.services.organizations import _due_refresh
from learning.services.progress import canonical, enrolment_ensure


@transaction.atomic
def enrolment_restart(*, user, module: ModulePage, since: datetime.datetime) -> Enrolment | None:
    """Make ``user`` complete ``module`` again: completion cleared, lessons to be done again,
    earlier quiz attempts kept but no longer counting (``Enrolment.restarted_at``).

    Idempotent: returns None, changing nothing, when the enrolment was already restarted at or
    after ``since`` (the moment the completion to renew was recorded) or is not complete.
    """
    enrolment = enrolment_ensure(user=user, module=module, source=Enrolment.Source.ASSIGNMENT)
    enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
    if enrolment.restarted_at is not None and enrolment.restarted_at >= since:
        return None
    if enrolment.completed_at is None:
        return None
    enrolment.lessons_done.all().delete()
    enrolment.completed_at = None
    enrolment.completed_version = None
    enrolment.started_at = None
    enrolment.restarted_at = timezone.now()
    enrolment.save(
        update_fields=["completed_at", "completed_version", "started_at", "restarted_at"]
    )
    return enrolment


@transaction.atomic
def recertification_assign(
    *,
    user,
    module: ModulePage,
    employer: Organization | None,
    due_on: datetime.date,
    since: datetime.datetime,
) -> Enrolment | None:
    """Restart ``user``'s enrolment in ``module`` (see ``enrolment_restart``) and assign the
    module to them, due ``due_on``, through the employer's recertification assignment for that
    module and day (created by the platform: no person, no permission check, and the due date
    may be today or past). Without an employer, only the enrolment's due date is set.

    Returns the restarted enrolment, or None when there was nothing to do (idempotent).
    """
    module = canonical(module)
    enrolment = enrolment_restart(user=user, module=module, since=since)
    if enrolment is None:
        return None
    if employer is None:
        enrolment.due_on = due_on
        enrolment.assignment = None
        enrolment.save(update_fields=["due_on", "assignment"])
        return enrolment
    assignment, _created = Assignment.objects.select_for_update().get_or_create(
        employer=employer,
        module=module,
        due_on=due_on,
        recertification=True,
        defaults={
            "assigned_by_organization": employer,
            "assigned_by": None,
            "all_learners": False,
        },
    )
    assignment.learners.add(user)
    # Touched so that it counts for every enrolment restarted before now (see _due_refresh).
    assignment.updated_at = timezone.now()
    assignment.save(update_fields=["updated_at"])
    _due_refresh(enrolment)
    return enrolment
