"""Requests for access from employers that no settlement organization has invited yet."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from learning.models.organizations import LANGUAGE_CHOICES, Invitation, Organization, Province


class AccessRequest(models.Model):
    """An employer asking to join. The managers of SPOs serving its province review it: an
    approval becomes an ordinary employer invitation from their SPO; a decline carries a
    reason sent to the requester. Nothing here is shown to the requester on the site."""

    class Size(models.TextChoices):
        MICRO = "1-4", _("1 to 4 employees")
        SMALL = "5-19", _("5 to 19 employees")
        MEDIUM = "20-99", _("20 to 99 employees")
        LARGE = "100+", _("100 employees or more")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Approved: invitation sent")
        DECLINED = "declined", _("Declined")

    organization_name = models.CharField(_("organization name"), max_length=200)
    province = models.CharField(_("province or territory"), max_length=2, choices=Province.choices)
    contact_name = models.CharField(_("your name"), max_length=150)
    contact_email = models.EmailField(_("your email address"))
    size = models.CharField(_("number of employees"), max_length=10, choices=Size.choices)
    spo_name = models.CharField(
        _("settlement organization you work with, if any"), max_length=200, blank=True
    )
    language = models.CharField(_("language"), max_length=2, choices=LANGUAGE_CHOICES)
    created_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    spo = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decline_reason = models.TextField(_("reason"), blank=True)
    invitation = models.OneToOneField(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        indexes = [models.Index(fields=["province", "status"], name="access_request_queue")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="pending") | Q(decided_at__isnull=False),
                name="access_request_decided",
            ),
        ]

    def __str__(self):
        return f"{self.organization_name} ({self.province})"
