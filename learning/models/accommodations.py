"""Accommodations an employer grants one of its learners for timed assessments."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeAccommodation(models.Model):
    """More time on timed quizzes for one learner, granted by an administrator of the employer
    the learner belongs to. It multiplies the time limit of every attempt the learner starts
    afterwards; it never touches anyone else's."""

    employer = models.ForeignKey(
        "learning.Organization",
        verbose_name=_("employer"),
        on_delete=models.CASCADE,
        related_name="time_accommodations",
    )
    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="time_accommodations",
    )
    time_factor = models.DecimalField(
        _("time allowed"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("1.25")), MaxValueValidator(Decimal("3"))],
        help_text=_("A multiple of the time limit, for example 1.5 for half as much again."),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("granted by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    class Meta:
        verbose_name = _("time accommodation")
        verbose_name_plural = _("time accommodations")
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "learner"], name="time_accommodation_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(time_factor__gte=Decimal("1.25"), time_factor__lte=3),
                name="time_accommodation_factor_range",
            ),
        ]

    def __str__(self):
        return f"{self.learner_id} ×{self.time_factor}"
