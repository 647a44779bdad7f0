"""Certificate columns on the SPO and employer dashboards (``learning.dashboard_columns``),
the holder's personal data, and their sharing choices on learning's pages
(``learning.invitation_choices``, the "Your data" sections)."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from certificates import lifecycle
from certificates.models import Certificate
from certificates.sharing_choices import CertificateShareChoices, my_data_section
from learning import invitation_choices
from learning.dashboard_columns import HOOK_NAME, Column, DashboardColumns, Link
from learning.views import privacy

EXPIRING_WITHIN = datetime.timedelta(days=30)


def _current(moment) -> Q:
    """Certificates valid at ``moment``: not revoked by then, not superseded, not expired."""
    return Q(superseded_by__isnull=True, expires_at__gt=moment) & (
        Q(revoked_at__isnull=True) | Q(revoked_at__gt=moment)
    )


class CertificateColumns(DashboardColumns):
    """Per employer: certificates valid now, and how many of those expire within 30 days.
    Per learner × module: the learner's latest certificate for the module (its status,
    linking to the PDF) and its expiry date. One query per call."""

    employer_columns = (
        Column("certificates_valid", _("Certificates valid")),
        Column("certificates_expiring", _("Certificates expiring within 30 days")),
    )
    learner_columns = (
        Column("certificate", _("Certificate")),
        Column("certificate_expires", _("Certificate valid until")),
    )

    def __init__(self):
        self.now = timezone.now()

    def employer_values(self, *, employer_ids, module_id):
        certificates = Certificate.objects.filter(_current(self.now), employer_id__in=employer_ids)
        if module_id is not None:
            certificates = certificates.filter(module_id=module_id)
        counts = (
            certificates.order_by()
            .values("employer_id")
            .annotate(
                valid=Count("pk"),
                expiring=Count("pk", filter=Q(expires_at__lte=self.now + EXPIRING_WITHIN)),
            )
        )
        return {
            row["employer_id"]: {
                "certificates_valid": row["valid"],
                "certificates_expiring": row["expiring"],
            }
            for row in counts
        }

    def learner_values(self, *, rows):
        wanted = set(rows)
        certificates = (
            Certificate.objects.filter(
                kind=Certificate.Kind.MODULE,
                holder_id__in={user_id for user_id, _module_id in wanted},
                module_id__in={module_id for _user_id, module_id in wanted},
                superseded_by__isnull=True,
            )
            .only(
                "code", "holder", "module", "issued_at", "expires_at", "revoked_at", "superseded_by"
            )
            .order_by("issued_at", "pk")
        )
        values = {}
        for certificate in certificates:  # the latest certificate of each pair wins
            pair = (certificate.holder_id, certificate.module_id)
            if pair not in wanted:
                continue
            status = Certificate.Status(certificate.status_at(self.now))
            values[pair] = {
                "certificate": Link(
                    status.label,
                    reverse("certificates:download", args=[certificate.code, "pdf"]),
                ),
                "certificate_expires": timezone.localtime(certificate.expires_at).date(),
            }
        return values


@hooks.register(HOOK_NAME)
def certificate_columns():
    return CertificateColumns()


@hooks.register("personal_data_export")
def certificates_personal_data(user):
    return "certificates", lifecycle.holder_certificates_export(holder=user)


@hooks.register("personal_data_erase")
def certificates_personal_data_erase(user, *, revoke_certificates: bool):
    lifecycle.holder_certificates_release(holder=user, revoke=revoke_certificates)


@hooks.register(invitation_choices.HOOK_NAME)
def certificate_share_choices():
    return CertificateShareChoices()


@hooks.register(privacy.SECTIONS_HOOK)
def certificates_shared(request):
    return my_data_section(request)
