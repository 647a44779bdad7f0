"""Access requests from employers nobody invited: submitting one, and an SPO manager
approving it (an ordinary employer invitation from their SPO) or declining it (with a reason
sent to the requester).

A request reaches the managers of the SPOs in its province. Submitting never tells the
requester anything about existing organizations or accounts: the answer is the same whatever
was typed, and nothing is emailed to the requester until a manager decides.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.services import email_queue
from learning.models import AccessRequest, Membership, Organization, User
from learning.selectors.access_requests import province_managers
from learning.services.organizations import employer_invite, has_role


@transaction.atomic
def access_request_submit(
    *,
    organization_name: str,
    province: str,
    contact_name: str,
    contact_email: str,
    size: str,
    spo_name: str = "",
    language: str,
) -> AccessRequest:
    """Record a request and tell the managers of the SPOs in ``province``, each in their
    language, once the transaction commits. Raises ValidationError for invalid input."""
    request = AccessRequest(
        organization_name=organization_name.strip(),
        province=province,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip().lower(),
        size=size,
        spo_name=spo_name.strip(),
        language=language,
    )
    request.full_clean()
    request.save()
    for manager in province_managers(province=province):
        email_queue(
            to=manager.email,
            language=manager.preferred_language,
            template="learning/emails/access_request_new",
            context={"recipient": manager, "access_request": request, "spo": manager.spo_name},
        )
    return request


def _pending(*, by: User, spo: Organization, request_id: int) -> AccessRequest:
    if not has_role(by, spo, Membership.Role.SPO_MANAGER):
        raise PermissionDenied(_("You do not have the role needed to do this."))
    return AccessRequest.objects.select_for_update().get(
        pk=request_id, province=spo.province, status=AccessRequest.Status.PENDING
    )


@transaction.atomic
def access_request_approve(*, by: User, spo: Organization, request_id: int) -> AccessRequest:
    """Turn a pending request of the SPO's province into an employer invitation from ``spo``
    to the requester, in their language.

    Raises PermissionDenied unless ``by`` manages ``spo``; AccessRequest.DoesNotExist for a
    request of another province or one already decided.
    """
    request = _pending(by=by, spo=spo, request_id=request_id)
    invitation = employer_invite(
        spo=spo,
        invited_by=by,
        email=request.contact_email,
        employer_name=request.organization_name,
        language=request.language,
    )
    request.status = AccessRequest.Status.APPROVED
    request.decided_at = timezone.now()
    request.decided_by = by
    request.spo = spo
    request.invitation = invitation
    request.save(update_fields=["status", "decided_at", "decided_by", "spo", "invitation"])
    return request


@transaction.atomic
def access_request_decline(
    *, by: User, spo: Organization, request_id: int, reason: str
) -> AccessRequest:
    """Decline a pending request of the SPO's province, emailing the reason to the
    requester in their language.

    Raises PermissionDenied unless ``by`` manages ``spo``; AccessRequest.DoesNotExist as for
    approving; ValidationError without a reason.
    """
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why, so that the employer knows what to do.")})
    request = _pending(by=by, spo=spo, request_id=request_id)
    request.status = AccessRequest.Status.DECLINED
    request.decided_at = timezone.now()
    request.decided_by = by
    request.spo = spo
    request.decline_reason = reason
    request.full_clean()
    request.save()
    email_queue(
        to=request.contact_email,
        language=request.language,
        template="learning/emails/access_request_declined",
        context={"access_request": request, "spo": spo.display_name},
    )
    return request
