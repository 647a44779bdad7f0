"""A holder shares certificates earned under one employer with another employer they belong
to, and withdraws that choice. Every choice is recorded (``CertificateShare``)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates.models import Certificate, CertificateShare
from certificates.selectors import shareable_employers


@transaction.atomic
def certificate_share_set(
    *, user, certificate_id: int, employer_id: int, shared: bool
) -> CertificateShare | None:
    """Share (``shared``) or stop sharing the holder's certificate with one of their
    employers. Idempotent. Stopping a share in force is always allowed, even once the holder
    has left that employer. Raises PermissionDenied for someone else's certificate, an
    employer the holder does not belong to (and does not share it with), or the employer it
    was issued under."""
    refused = PermissionDenied(_("This certificate cannot be shared with this employer."))
    certificate = Certificate.objects.select_for_update().filter(pk=certificate_id).first()
    if certificate is None or certificate.holder_id != user.pk:
        raise refused
    active = CertificateShare.objects.filter(
        certificate=certificate, employer_id=employer_id, withdrawn_at__isnull=True
    ).first()
    if not shared and active is not None:
        active.withdrawn_at = timezone.now()
        active.save(update_fields=["withdrawn_at"])
        return None
    employer_ids = {employer.pk for employer in shareable_employers(user=user)}
    if employer_id not in employer_ids or certificate.employer_id == employer_id:
        raise refused
    if shared and active is None:
        active = CertificateShare(certificate=certificate, employer_id=employer_id)
        active.full_clean(validate_constraints=False)
        active.save()
    return active if shared else None
