"""Certification records: an SPO manager reads a partner learner's attempt record and may
reset their attempts; an employer administrator gives a learner more time on timed quizzes.

Who may see what is decided by the selectors; anything else is answered with 404.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from learning import selectors, services
from learning.models import TimeAccommodation
from learning.selectors.organizations import employer_for, employer_learners, spo_for

TIME_FACTORS = [
    ("", gettext_lazy("No accommodation")),
    ("1.25", gettext_lazy("Time and a quarter (×1.25)")),
    ("1.5", gettext_lazy("Time and a half (×1.5)")),
    ("2", gettext_lazy("Double time (×2)")),
]


def _record_rows(attempt) -> list[dict]:
    """Each drawn question in order with the learner's answer as text, for the record."""
    rows = []
    for item in services.attempt_items(attempt):
        chosen = []
        if item.response is not None:
            grade = item.question.grade(item.response)
            chosen = [
                f"{row.text} → {row.outcome}" if row.outcome else row.text
                for row in grade.rows
                if row.chosen or row.outcome
            ]
        rows.append({"item": item, "question": item.question, "answer": chosen})
    return rows


class AttemptRecordView(LoginRequiredMixin, View):
    """A partner learner's certification attempts, for their SPO's managers: questions drawn,
    answers, the policy in force, times, score and statement. POST resets the attempts of one
    enrolment, with a reason."""

    def setup_learner(self, request, spo_id, employer_id, learner_id):
        spo = spo_for(user=request.user, spo_id=spo_id)
        learner = spo and selectors.partner_learner(
            user=request.user, spo=spo, employer_id=employer_id, learner_id=learner_id
        )
        if not learner:
            raise Http404
        return spo, learner

    def get(self, request, spo_id: int, employer_id: int, learner_id: int):
        spo, learner = self.setup_learner(request, spo_id, employer_id, learner_id)
        attempts = list(selectors.attempt_records(learner=learner))
        enrolments = list(selectors.learner_enrolments(learner=learner))
        for enrolment in enrolments:
            enrolment.records = [
                {"attempt": attempt, "rows": _record_rows(attempt)}
                for attempt in attempts
                if attempt.enrolment_id == enrolment.pk
            ]
        return render(
            request,
            "learning/assessment/attempt_record.html",
            {
                "spo": spo,
                "learner": learner,
                "enrolments": enrolments,
                "back_url": reverse("spo:employer", args=[spo.pk, employer_id]),
            },
        )

    def post(self, request, spo_id: int, employer_id: int, learner_id: int):
        _spo, learner = self.setup_learner(request, spo_id, employer_id, learner_id)
        enrolment = selectors.learner_enrolments(learner=learner).filter(
            pk=request.POST.get("enrolment") or 0
        )
        if not enrolment.exists():
            raise Http404
        try:
            services.attempts_reset(
                by=request.user,
                enrolment_id=enrolment.get().pk,
                reason=request.POST.get("reason", ""),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as error:
            raise Http404 from error
        else:
            messages.success(request, _("The learner can start a new round of attempts now."))
        return redirect(request.path)


class TimeAccommodationView(LoginRequiredMixin, View):
    """An employer administrator's list of learners with the extra time each has on timed
    quizzes; POST sets it for one learner."""

    template_name = "learning/assessment/time_accommodations.html"

    def employer(self, request, employer_id):
        employer = employer_for(user=request.user, employer_id=employer_id)
        if employer is None:
            raise Http404
        return employer

    def get(self, request, employer_id: int):
        employer = self.employer(request, employer_id)
        factors = dict(
            TimeAccommodation.objects.filter(employer=employer).values_list(
                "learner_id", "time_factor"
            )
        )
        learners = list(employer_learners(employer=employer))
        for learner in learners:
            factor = factors.get(learner.pk)
            learner.time_factor = "" if factor is None else f"{factor.normalize()}"
        return render(
            request,
            self.template_name,
            {"employer": employer, "learners": learners, "choices": TIME_FACTORS},
        )

    def post(self, request, employer_id: int):
        employer = self.employer(request, employer_id)
        value = request.POST.get("time_factor", "")
        if value not in dict(TIME_FACTORS):
            return redirect(request.path)
        try:
            services.time_accommodation_set(
                by=request.user,
                employer=employer,
                learner_id=int(request.POST.get("learner") or 0),
                time_factor=Decimal(value) if value else None,
            )
        except (PermissionDenied, ValueError) as error:
            raise Http404 from error
        messages.success(request, _("Saved. It applies to the attempts this person starts next."))
        return redirect(request.path)
