"""What learners did: enrolments, lessons done, quiz attempts and survey answers.

Records point at the source-language pages and questions (the canonical ones), so that a
learner keeps the same progress in either language. Answers carry only random option keys,
which are the same in every translation of a question.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Enrolment(models.Model):
    """A person taking a module. Created by self-enrolment or by an assignment."""

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        ASSIGNMENT = "assignment", _("Assigned")

    # Nullable: deleting an account keeps its progress, anonymized, for evaluation.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
    )
    module = models.ForeignKey(
        "courses.ModulePage", verbose_name=_("module"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    created_at = models.DateTimeField(_("enrolled at"), default=timezone.now)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_version = models.PositiveIntegerField(_("version completed"), null=True, blank=True)
    # The earliest due date among the assignments that apply, and that assignment (kept up to
    # date by the assignment services).
    due_on = models.DateField(_("due date"), null=True, blank=True)
    assignment = models.ForeignKey(
        "learning.Assignment",
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="enrolments",
    )
    survey_done = models.BooleanField(_("survey answered or declined"), default=False)
    # Set when the learner must complete the module again (recertification): lessons and
    # attempts from before it no longer count towards completion.
    restarted_at = models.DateTimeField(_("restarted at"), null=True, blank=True)
    # Set when an SPO manager or site administrator gives the learner a fresh round of attempts
    # (the reason is in the audit log): attempts before it no longer count towards the limit.
    attempts_reset_at = models.DateTimeField(_("attempts reset at"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "module"],
                condition=Q(user__isnull=False),
                name="enrolment_user_module_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["module", "completed_at"], name="enrolment_module_done"),
            models.Index(fields=["due_on", "completed_at"], name="enrolment_due"),
        ]

    def __str__(self):
        return f"{self.user} – {self.module_id}"

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None

    @property
    def is_overdue(self) -> bool:
        return (
            self.due_on is not None
            and self.completed_at is None
            and self.due_on < timezone.localdate()
        )


class LessonProgress(models.Model):
    """A lesson a learner has finished."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="lessons_done")
    lesson = models.ForeignKey("courses.LessonPage", on_delete=models.CASCADE, related_name="+")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lesson done")
        verbose_name_plural = _("lessons done")
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="lesson_progress_unique")
        ]

    def __str__(self):
        return f"{self.enrolment_id}: {self.lesson_id}"


class QuizAttempt(models.Model):
    """One sitting of a quiz: the questions drawn and their order are fixed when it starts.

    The database allows one open attempt per enrolment and kind, and gives attempts
    consecutive numbers; submitting locks the row (see ``learning.services.attempt_submit``).
    """

    class Kind(models.TextChoices):
        FINAL = "final", _("Final quiz")
        PRE_CHECK = "pre_check", _("Pre-check")

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        EXPIRED = "expired", _("Time ran out")

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attempts")
    quiz = models.ForeignKey("courses.QuizPage", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FINAL)
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.IN_PROGRESS)
    language = models.CharField(max_length=10)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    extensions = models.PositiveSmallIntegerField(default=0)
    submitted_at = models.DateTimeField(null=True, blank=True)
    pass_mark = models.PositiveSmallIntegerField()
    points = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    max_points = models.PositiveIntegerField(default=0)
    score = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(null=True)
    # The certification policy in force when the attempt started (``CertificationPolicy.
    # snapshot`` plus the bank size and any time accommodation); empty when none applied.
    policy = models.JSONField(_("policy in force"), default=dict, blank=True)
    # The learner's statement that they take the assessment themselves, without help, as they
    # confirmed it: when, in which language, in which words. Shown to auditors only.
    statement_at = models.DateTimeField(_("statement confirmed at"), null=True, blank=True)
    statement_language = models.CharField(_("statement language"), max_length=10, blank=True)
    statement_text = models.TextField(_("statement"), blank=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["enrolment", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "kind", "number"], name="attempt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["enrolment", "kind"],
                condition=Q(status="in_progress"),
                name="attempt_one_open",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status="in_progress", submitted_at__isnull=True, passed__isnull=True)
                    | (
                        ~Q(status="in_progress")
                        & Q(submitted_at__isnull=False, passed__isnull=False)
                    )
                ),
                name="attempt_closed_when_submitted",
            ),
        ]
        indexes = [models.Index(fields=["quiz", "kind", "status"], name="attempt_quiz_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.number}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS


class AttemptQuestion(models.Model):
    """A question drawn for an attempt, its layout, and once submitted the learner's answer and
    its grade."""

    attempt = models.ForeignKey(QuizAttempt, on_delete=models.CASCADE, related_name="items")
    question = models.ForeignKey("courses.Question", on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    layout = models.JSONField(default=dict)
    response = models.JSONField(null=True, blank=True)
    fraction = models.DecimalField(max_digits=5, decimal_places=4, null=True, blank=True)
    points = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "question"], name="attempt_question_unique"),
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_position_unique"),
        ]

    def __str__(self):
        return f"{self.attempt_id}: {self.position}"


class SurveyResponse(models.Model):
    """A reaction survey answer. Anonymous: it does not point at the learner, and organizations
    see only aggregates of at least five responses."""

    module = models.ForeignKey("courses.ModulePage", on_delete=models.PROTECT, related_name="+")
    satisfaction = models.PositiveSmallIntegerField(
        _("satisfaction"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    usefulness = models.PositiveSmallIntegerField(
        _("usefulness"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    change_at_work = models.TextField(
        _("what you will change at work"), blank=True, max_length=2000
    )
    language = models.CharField(max_length=10)
    # The day only: a time of day would make it easier to tell who answered.
    submitted_on = models.DateField(default=timezone.localdate)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__gte=1, satisfaction__lte=10)
                & Q(usefulness__gte=1, usefulness__lte=10),
                name="survey_scores_in_range",
            )
        ]

    def __str__(self):
        return f"{self.module_id}: {self.satisfaction}/{self.usefulness}"


class ReminderSent(models.Model):
    """A reminder email that went out. The unique constraint is what guarantees that nobody
    gets the same reminder twice: ``subject`` names what it is about ("enrolment:12",
    "certificate:…") and ``period`` the occasion (a due date, a week)."""

    kind = models.CharField(max_length=30)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders_received"
    )
    subject = models.CharField(max_length=80)
    period = models.CharField(max_length=20)
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "recipient", "subject", "period"], name="reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.subject} {self.period} → {self.recipient_id}"
