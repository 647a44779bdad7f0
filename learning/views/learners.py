"""A learner's page for their employer's administrators and partner SPO staff, and the
manager's actions on it: remind, extend a due date, remove an assignment.

Who may see whom is decided by the selectors (``employer_for``, ``spo_for``,
``partner_employer``, ``employer_learner``): anything else answers 404. Actions are POST only,
limited per person (``ACTION_RATE``), and go back to the page they came from.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.core import is_ratelimited

from learning.dashboard_columns import extra_columns
from learning.models import Assignment, Enrolment, Organization
from learning.selectors.learners import learner_record
from learning.selectors.organizations import employer_for, partner_employer, spo_for
from learning.services import assignments, nudges

# Manager actions (reminders, due dates, removals) per person.
ACTION_RATE = "60/h"


class DueDateForm(forms.Form):
    due_on = forms.DateField(
        label=gettext_lazy("New due date"), widget=forms.DateInput(attrs={"type": "date"})
    )


def _administered(request, employer_id: int) -> Organization:
    employer = employer_for(user=request.user, employer_id=employer_id)
    if employer is None:
        raise Http404
    return employer


def _record(employer: Organization, user_id: int):
    record = learner_record(employer=employer, user_id=user_id, language=get_language())
    if record is None:
        raise Http404
    pairs = [(record.learner.pk, module.enrolment.module_id) for module in record.modules]
    extra = extra_columns("learner")
    values = extra.values(pairs)
    for module in record.modules:
        module.extra = list(
            zip(extra.columns, values[(record.learner.pk, module.enrolment.module_id)], strict=True)
        )
    return record


def _back(request, fallback: str):
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _limited(request) -> bool:
    if is_ratelimited(
        request, group="learning.manager_actions", key="user", rate=ACTION_RATE, increment=True
    ):
        messages.error(request, _("Too many actions in a short time. Please wait a moment."))
        return True
    return False


@login_required
def employer_learner(request, employer_id: int, user_id: int):
    employer = _administered(request, employer_id)
    record = _record(employer, user_id)
    return render(
        request,
        "learning/learners/learner.html",
        {
            "employer": employer,
            "record": record,
            "can_act": True,
            "back_url": reverse("employer:dashboard", args=[employer.pk]),
            "due_form": DueDateForm(initial={"due_on": timezone.localdate()}),
            "today": timezone.localdate(),
        },
    )


@login_required
def spo_learner(request, spo_id: int, employer_id: int, user_id: int):
    spo = spo_for(user=request.user, spo_id=spo_id)
    employer = partner_employer(spo=spo, employer_id=employer_id) if spo else None
    if employer is None:
        raise Http404
    record = _record(employer, user_id)
    return render(
        request,
        "learning/learners/learner.html",
        {
            "spo": spo,
            "employer": employer,
            "record": record,
            "can_act": False,
            "back_url": reverse("spo:employer", args=[spo.pk, employer.pk]),
        },
    )


def _names(people) -> str:
    return ", ".join(p.get_full_name() or p.email for p in people)


@login_required
@require_POST
def learners_remind(request, employer_id: int):
    """Remind the learners ticked (``learner``), or every overdue learner
    (``scope=overdue``)."""
    employer = _administered(request, employer_id)
    fallback = reverse("employer:dashboard", args=[employer.pk])
    if _limited(request):
        return _back(request, fallback)
    overdue = request.POST.get("scope") == "overdue"
    ids = None
    if not overdue:
        try:
            ids = [int(value) for value in request.POST.getlist("learner")]
        except ValueError:
            ids = []
        if not ids:
            messages.error(request, _("Choose at least one person to remind."))
            return _back(request, fallback)
    try:
        report = nudges.learners_remind(
            by=request.user, employer=employer, user_ids=ids, overdue_only=overdue
        )
    except PermissionDenied as error:
        raise Http404 from error
    if report.sent:
        messages.success(
            request,
            ngettext(
                "Reminder sent to %(count)d person.",
                "Reminders sent to %(count)d people.",
                len(report.sent),
            )
            % {"count": len(report.sent)},
        )
    if report.already_today:
        messages.info(
            request,
            ngettext(
                "Already reminded today, so nothing more was sent: %(names)s.",
                "Already reminded today, so nothing more was sent: %(names)s.",
                len(report.already_today),
            )
            % {"names": _names(report.already_today)},
        )
    if not report.sent and not report.already_today:
        messages.info(request, _("Nobody had an uncompleted module with a due date to remind."))
    return _back(request, fallback)


@login_required
@require_POST
def enrolment_due_extend(request, employer_id: int, enrolment_id: int):
    employer = _administered(request, employer_id)
    fallback = reverse("employer:dashboard", args=[employer.pk])
    if _limited(request):
        return _back(request, fallback)
    form = DueDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the new due date as a valid date."))
        return _back(request, fallback)
    try:
        enrolment = assignments.enrolment_due_extend(
            by=request.user,
            employer=employer,
            enrolment_id=enrolment_id,
            due_on=form.cleaned_data["due_on"],
        )
    except (Enrolment.DoesNotExist, PermissionDenied) as error:
        raise Http404 from error
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _back(request, fallback)
    messages.success(
        request,
        _("The due date is now %(date)s.")
        % {"date": formats.date_format(enrolment.due_on, "DATE_FORMAT")},
    )
    return _back(request, fallback)


@login_required
@require_POST
def assignment_remove(request, employer_id: int, assignment_id: int):
    employer = _administered(request, employer_id)
    fallback = reverse("employer:dashboard", args=[employer.pk])
    if _limited(request):
        return _back(request, fallback)
    try:
        count = assignments.assignment_remove(
            by=request.user, employer=employer, assignment_id=assignment_id
        )
    except (Assignment.DoesNotExist, PermissionDenied) as error:
        raise Http404 from error
    messages.success(
        request,
        ngettext(
            "Assignment removed. %(count)d enrolment keeps its progress, without this due date.",
            "Assignment removed. %(count)d enrolments keep their progress, without this due date.",
            count,
        )
        % {"count": count},
    )
    return _back(request, fallback)
