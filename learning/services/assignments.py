"""Changing assignments after the fact: a later due date for one learner, removing an
assignment, and telling learners that a module was assigned to them.

Removing an assignment never removes what learners did: their enrolments, lessons, attempts
and certificates stay; only the due date that assignment gave goes (another assignment of the
same module may still give one). Telling learners of a new assignment is in
``learning.services.notifications``.
"""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from learning.models import Assignment, Enrolment, Membership, Organization, User
from learning.selectors.organizations import LEARNER_ROLES
from learning.services.organizations import _due_refresh, can_assign, has_role


def _deny() -> PermissionDenied:
    return PermissionDenied(_("You do not have the role needed to do this."))


@transaction.atomic
def enrolment_due_extend(
    *, by: User, employer: Organization, enrolment_id: int, due_on: datetime.date
) -> Enrolment:
    """Give one learner of ``employer`` a new due date for one assigned module.

    Raises PermissionDenied unless ``by`` administers ``employer``; Enrolment.DoesNotExist
    for an enrolment that is not an uncompleted, assigned one of the employer's learners;
    ValidationError for a date in the past.
    """
    if not has_role(by, employer, Membership.Role.EMPLOYER_ADMIN):
        raise _deny()
    enrolment = Enrolment.objects.select_for_update().get(
        pk=enrolment_id,
        assignment__isnull=False,
        completed_at__isnull=True,
        user__memberships__organization=employer,
        user__memberships__role__in=LEARNER_ROLES,
    )
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date cannot be in the past.")})
    enrolment.due_extended_to = due_on
    enrolment.due_on = due_on
    enrolment.full_clean()
    enrolment.save(update_fields=["due_extended_to", "due_on"])
    return enrolment


@transaction.atomic
def assignment_remove(*, by: User, employer: Organization, assignment_id: int) -> int:
    """Remove an assignment made to ``employer``, by the organization that made it. Returns
    how many enrolments lost the due date it gave (each is pointed at another applicable
    assignment, if any). Learners' progress, attempts and certificates stay.

    Raises Assignment.DoesNotExist for an assignment of another employer, PermissionDenied
    when ``by`` may not assign for the organization that made it.
    """
    assignment = Assignment.objects.select_for_update().get(pk=assignment_id, employer=employer)
    if not can_assign(by, by_organization=assignment.assigned_by_organization, employer=employer):
        raise _deny()
    enrolments = list(Enrolment.objects.filter(assignment=assignment).select_related("user"))
    assignment.delete()
    for enrolment in enrolments:
        enrolment.assignment = None
        enrolment.due_extended_to = None
        enrolment.save(update_fields=["assignment", "due_extended_to"])
        if enrolment.user is not None:
            _due_refresh(enrolment)
    return len(enrolments)
