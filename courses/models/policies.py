"""Certification policies: the rules a quiz that leads to a certificate follows.

A program names one policy; every module quiz in the program follows it, whatever its own quiz
settings say. The defaults are the safe ones.
"""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel

# A certification draw takes at most half the bank, so that two attempts (or two learners)
# rarely see the same questions.
MIN_BANK_RATIO = 2


class CertificationPolicy(models.Model):
    """How a certificate-bearing quiz draws its questions, how many attempts it allows, what a
    failed attempt reveals and whether it is timed. Attempts keep a copy of the policy in
    force (``snapshot``), so later edits never change how a past attempt is explained."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    questions_to_draw = models.PositiveSmallIntegerField(
        _("questions per attempt"),
        default=12,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Drawn at random for each attempt, spread evenly over the module's lessons. The "
            "quiz's bank must hold at least twice as many questions, each tagged with the lesson "
            "it assesses, or the quiz cannot be published."
        ),
    )
    attempts_per_round = models.PositiveSmallIntegerField(
        _("attempts before a wait"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("After this many attempts without a pass, the learner must wait."),
    )
    wait_hours = models.PositiveSmallIntegerField(
        _("wait (hours)"),
        default=24,
        validators=[MinValueValidator(1)],
        help_text=_("How long the learner waits before the next round of attempts."),
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Leave empty for no time limit (recommended: a time limit is a barrier for many "
            "people with disabilities). When set, an employer administrator can give a learner "
            "more time as an accommodation."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("questions_to_draw"),
        MultiFieldPanel(
            [FieldRowPanel([FieldPanel("attempts_per_round"), FieldPanel("wait_hours")])],
            heading=_("Attempts"),
        ),
        FieldPanel("time_limit_minutes"),
    ]

    class Meta:
        verbose_name = _("certification policy")
        verbose_name_plural = _("certification policies")

    def __str__(self):
        return self.name

    @property
    def snapshot(self) -> dict:
        """The policy's rules as stored with an attempt."""
        return {
            "id": self.pk,
            "name": self.name,
            "questions_to_draw": self.questions_to_draw,
            "attempts_per_round": self.attempts_per_round,
            "wait_hours": self.wait_hours,
            "time_limit_minutes": self.time_limit_minutes,
            "feedback": "answers_after_pass",
            "balanced_by_lesson": True,
        }
