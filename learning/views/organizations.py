"""Invitations (employers by SPO managers, staff by employer administrators, one at a time or
from a CSV file), accepting them, assignments, and ending a partnership.

Who may do what is decided by the selectors (``spo_for``, ``partner_employer``,
``employer_for``, ``is_spo_manager``): anything else is answered with 404, so these pages
never confirm that an organization exists. Signed-out visitors are sent to sign in.
"""

import datetime
from functools import partial

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from learning.forms import (
    CSV_MAX_BYTES,
    AccountCreateForm,
    AssignmentForm,
    EmployerChoiceForm,
    EmployerDetailsForm,
    EmployerInviteForm,
    StaffInviteCsvForm,
    StaffInviteForm,
)
from learning.invitation_choices import invitation_choices
from learning.models import Invitation, Membership, Organization
from learning.selectors import organizations as selectors
from learning.services import organizations as services
from learning.services.organizations import CSV_COLUMNS, CsvImportError, InvitationError

# -- Helpers --------------------------------------------------------------------------------


def _spo_or_404(request, spo_id: int, *, manager: bool = False) -> Organization:
    spo = selectors.spo_for(user=request.user, spo_id=spo_id)
    if spo is None or (manager and not selectors.is_spo_manager(user=request.user, spo=spo)):
        raise Http404
    return spo


def _partner_or_404(spo: Organization, employer_id: int) -> Organization:
    employer = selectors.partner_employer(spo=spo, employer_id=employer_id)
    if employer is None:
        raise Http404
    return employer


def _employer_or_404(request, employer_id: int) -> Organization:
    employer = selectors.employer_for(user=request.user, employer_id=employer_id)
    if employer is None:
        raise Http404
    return employer


# Where a service's error about a field goes when the form calls it differently.
_FORM_FIELD = {"password": "password1"}


def _spread_errors(forms: list, error: ValidationError) -> None:
    """Put a service's ValidationError on the first of ``forms`` that has the field it
    names, else at the top of the first form."""
    if not hasattr(error, "error_dict"):
        forms[0].add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        name = _FORM_FIELD.get(name, name)
        form = next((form for form in forms if name in form.fields), None)
        if form is None:
            forms[0].add_error(None, errors)
        else:
            form.add_error(name, errors)


def _bound(forms: dict) -> list:
    """The bound forms of an acceptance page's ``forms`` (``InvitationAcceptView.forms``)."""
    every = [forms["account"], forms["choice"], forms["details"]]
    every += [form for _provider, form in forms["extras"]]
    return [form for form in every if form is not None and form.is_bound]


def _render(request, template_name: str, context: dict, status: int = 200):
    """``render``, telling the template whether any of ``context["forms"]`` has errors (for
    the error summary and the page title)."""
    context["has_errors"] = any(form.errors for form in context.get("forms", []))
    return render(request, template_name, context, status=status)


def _date(value) -> str:
    """A date (or the local date of a moment) as the active language writes it."""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return formats.date_format(value, "DATE_FORMAT")


# -- Employer invitations (SPO managers) ----------------------------------------------------


def _invitation_send(request, form, invite, to: str, **kwargs):
    """Send the invitation that ``form`` describes with the service ``invite`` and redirect to
    the URL named ``to``; None, with the errors on the form, when the form or the service
    refuses it."""
    if not form.is_valid():
        return None
    try:
        invitation = invite(invited_by=request.user, **form.cleaned_data)
    except PermissionDenied:
        raise Http404 from None
    except ValidationError as error:
        _spread_errors([form], error)
        return None
    messages.success(
        request,
        _("Invitation sent to %(email)s. The link works until %(date)s.")
        % {"email": invitation.email, "date": _date(invitation.expires_at)},
    )
    return redirect(to, **kwargs)


class EmployerInviteView(LoginRequiredMixin, View):
    """An SPO manager invites an employer by email, and sees the invitations still pending."""

    template_name = "learning/organizations/employer_invite.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.spo = _spo_or_404(request, kwargs["spo_id"], manager=True)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, spo_id: int):
        return self.render_page(EmployerInviteForm())

    def post(self, request, spo_id: int):
        form = EmployerInviteForm(request.POST)
        sent = _invitation_send(
            request,
            form,
            partial(services.employer_invite, spo=self.spo),
            "spo:invite",
            spo_id=self.spo.pk,
        )
        return sent or self.render_page(form)

    def render_page(self, form):
        context = {
            "spo": self.spo,
            "form": form,
            "forms": [form],
            "invitations": selectors.pending_invitations(organization=self.spo),
        }
        return _render(self.request, self.template_name, context)


# -- Staff invitations (employer administrators) --------------------------------------------


class _EmployerAdminView(LoginRequiredMixin, View):
    """A page of the employer ``employer_id`` for its administrators only."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.employer = _employer_or_404(request, kwargs["employer_id"])
        return super().dispatch(request, *args, **kwargs)

    def context(self, **extra) -> dict:
        return {
            "employer": self.employer,
            "invitations": selectors.pending_invitations(organization=self.employer),
            **extra,
        }


class StaffInviteView(_EmployerAdminView):
    """An employer administrator invites one employee."""

    template_name = "learning/organizations/staff_invite.html"

    def get(self, request, employer_id: int):
        form = StaffInviteForm(initial={"language": self.employer.preferred_language})
        return _render(request, self.template_name, self.context(form=form, forms=[form]))

    def post(self, request, employer_id: int):
        form = StaffInviteForm(request.POST)
        sent = _invitation_send(
            request,
            form,
            partial(services.staff_invite, employer=self.employer),
            "employer:invite",
            employer_id=self.employer.pk,
        )
        return sent or _render(request, self.template_name, self.context(form=form, forms=[form]))


class StaffInviteCsvView(_EmployerAdminView):
    """An employer administrator invites employees from a CSV file: every row is checked
    and, if any is invalid, nothing is imported and the errors are listed by line."""

    template_name = "learning/organizations/staff_invite_csv.html"

    def context(self, **extra) -> dict:
        return super().context(columns=CSV_COLUMNS, max_kb=CSV_MAX_BYTES // 1024, **extra)

    def get(self, request, employer_id: int):
        form = StaffInviteCsvForm()
        return _render(request, self.template_name, self.context(form=form, forms=[form]))

    def post(self, request, employer_id: int):
        form = StaffInviteCsvForm(request.POST, request.FILES)
        row_errors = []
        if form.is_valid():
            try:
                invitations = services.staff_invite_csv(
                    employer=self.employer,
                    invited_by=request.user,
                    data=form.cleaned_data["file"].read(),
                )
            except PermissionDenied:
                raise Http404 from None
            except CsvImportError as error:
                row_errors = error.errors
            except ValidationError as error:
                form.add_error(None, error)
            else:
                count = len(invitations)
                messages.success(
                    request,
                    ngettext("%(count)s invitation sent.", "%(count)s invitations sent.", count)
                    % {"count": count},
                )
                return redirect("employer:invite", employer_id=self.employer.pk)
        context = self.context(form=form, forms=[form], row_errors=row_errors)
        return _render(request, self.template_name, context)


# -- Accepting an invitation ----------------------------------------------------------------

# Why a link cannot be used, and the status it is answered with: unknown links do not exist
# (404), used and expired ones are gone for good (410), and a link opened by someone signed
# in with another address is refused to them (403). Every one is a page in the visitor's
# language that says what to do; none says anything about accounts.
UNUSABLE_STATUS = {
    InvitationError.UNKNOWN: 404,
    InvitationError.USED: 410,
    InvitationError.EXPIRED: 410,
    InvitationError.OTHER_ADDRESS: 403,
}


@method_decorator(never_cache, name="dispatch")
class InvitationAcceptView(View):
    """The page an invitation link opens. Signed out: create an account (and, for an
    employer, give its details), or sign in instead. Signed in with the invited address:
    accept, with the choices other apps offer for a staff invitation
    (``learning.invitation_choices``). Success signs a new account in and goes to the
    employer's dashboard (administrators) or My learning (employees)."""

    template_name = "learning/organizations/invitation_accept.html"

    def get(self, request, token: str):
        try:
            invitation = services.invitation_usable(token=token, user=request.user)
        except InvitationError as error:
            return self.unusable(error)
        return self.render_page(invitation, self.forms(invitation))

    def post(self, request, token: str):
        try:
            invitation = services.invitation_usable(token=token, user=request.user)
        except InvitationError as error:
            return self.unusable(error)
        forms = self.forms(invitation, request.POST)
        bound = _bound(forms)
        if all(form.is_valid() for form in bound):
            try:
                membership = self.accept(invitation, token, forms)
            except InvitationError as error:
                return self.unusable(error)
            except PermissionDenied:
                forms["choice"].add_error("employer", _("You do not administer this employer."))
            except ValidationError as error:
                _spread_errors(bound, error)
            else:
                return self.success(membership, new_account=forms["account"] is not None)
        return self.render_page(invitation, forms)

    def forms(self, invitation: Invitation, data=None) -> dict:
        """The forms this visitor fills in: ``account`` (signed out), ``choice`` (an employer
        invitation for someone who already administers employers), ``details`` (a new
        employer), ``extras`` (the other apps' choices on a staff invitation, as
        ``(provider, form)``, only for the invitee signed in). Absent ones are None (or an
        empty list); ``details`` is left unbound (not checked) when an existing employer is
        chosen."""
        user = self.request.user
        account = choice = details = None
        extras = []
        if not user.is_authenticated:
            account = AccountCreateForm(data, email=invitation.email)
        elif invitation.kind == Invitation.Kind.STAFF:
            # invitation_usable has checked that the signed-in person is the invitee.
            for provider in invitation_choices():
                form = provider.form(user=user, employer=invitation.organization, data=data)
                if form is not None:
                    extras.append((provider, form))
        if invitation.kind == Invitation.Kind.EMPLOYER:
            employers = list(selectors.user_employers(user=user))
            if employers:
                choice = EmployerChoiceForm(data, employers=employers)
            initial = {
                "legal_name": invitation.employer_name,
                "province": invitation.organization.province,
                "preferred_language": invitation.language,
            }
            details_data = data
            if data is not None and choice is not None and choice.is_valid() and choice.chosen():
                # What they typed stays on the page, unchecked.
                details_data = None
                for name in EmployerDetailsForm.Meta.fields:
                    if data.get(f"employer-{name}"):
                        initial[name] = data[f"employer-{name}"]
            details = EmployerDetailsForm(details_data, prefix="employer", initial=initial)
        return {"account": account, "choice": choice, "details": details, "extras": extras}

    def accept(self, invitation: Invitation, token: str, forms: dict) -> Membership:
        employer_details = None
        if invitation.kind == Invitation.Kind.EMPLOYER:
            chosen = forms["choice"].chosen() if forms["choice"] is not None else None
            employer_details = {"employer": chosen} if chosen else forms["details"].details()
        account = forms["account"]
        if account is None:
            return services.invitation_accept(
                token=token,
                user=self.request.user,
                employer_details=employer_details,
                then=[partial(provider.accepted, form=form) for provider, form in forms["extras"]],
            )
        return services.invitation_register(
            token=token,
            first_name=account.cleaned_data["first_name"],
            last_name=account.cleaned_data["last_name"],
            password=account.cleaned_data["password1"],
            language=get_language(),
            employer_details=employer_details,
        )

    def success(self, membership: Membership, *, new_account: bool):
        request = self.request
        if new_account:
            login(request, membership.user, backend="learning.auth.UserBackend")
        organization = membership.organization
        if membership.role == Membership.Role.EMPLOYER_ADMIN:
            messages.success(
                request,
                _("Welcome. You now manage %(employer)s on Welcoming Workplaces.")
                % {"employer": organization.display_name},
            )
            return redirect("employer:dashboard", employer_id=organization.pk)
        messages.success(
            request,
            _("Welcome. You have joined %(employer)s on Welcoming Workplaces.")
            % {"employer": organization.display_name},
        )
        return redirect("learning:my_learning")

    def render_page(self, invitation: Invitation, forms: dict):
        request = self.request
        here = request.path
        context = {
            "invitation": invitation,
            "inviter": invitation.organization,
            "is_employer": invitation.kind == Invitation.Kind.EMPLOYER,
            "account_form": forms["account"],
            "choice_form": forms["choice"],
            "details_form": forms["details"],
            "extras": [
                {"template_name": provider.template_name, "form": form}
                for provider, form in forms["extras"]
            ],
            "forms": _bound(forms),
            "login_url": f"{reverse('accounts:login')}?{urlencode({'next': here})}",
        }
        return _render(request, self.template_name, context)

    def unusable(self, error: InvitationError):
        request = self.request
        context = {
            "code": error.code,
            "message": error.message,
            "invitation": error.invitation,
            "here": request.path,
        }
        return _render(
            request,
            "learning/organizations/invitation_unusable.html",
            context,
            status=UNUSABLE_STATUS[error.code],
        )


# -- Assignments ----------------------------------------------------------------------------


class _AssignmentCreateView(LoginRequiredMixin, View):
    """Assign modules or a program to an employer's learners. Subclasses set
    ``by_organization``, ``employer`` and ``done_url`` in ``dispatch``."""

    template_name = "learning/organizations/assignment_form.html"

    def get(self, request, **kwargs):
        return self.render_page(self.form())

    def post(self, request, **kwargs):
        form = self.form(request.POST)
        if form.is_valid():
            try:
                assignments = services.assignment_create(
                    assigned_by=request.user,
                    by_organization=self.by_organization,
                    employer=self.employer,
                    **form.assignment(),
                )
            except PermissionDenied:
                raise Http404 from None
            except ValidationError as error:
                _spread_errors([form], error)
            else:
                self.report(assignments, form)
                return redirect(self.done_url)
        return self.render_page(form)

    def form(self, data=None) -> AssignmentForm:
        language = get_language()
        return AssignmentForm(
            data,
            employer=self.employer,
            modules=selectors.assignable_modules(language=language),
            programs=selectors.assignable_programs(language=language),
            learners=selectors.employer_learners(employer=self.employer),
        )

    def report(self, assignments, form) -> None:
        merged = sum(1 for assignment in assignments if assignment.merged)
        new = len(assignments) - merged
        due = _date(form.cleaned_data["due_on"])
        if new:
            messages.success(
                self.request,
                ngettext(
                    "%(count)s module assigned to %(employer)s, due %(date)s.",
                    "%(count)s modules assigned to %(employer)s, due %(date)s.",
                    new,
                )
                % {"count": new, "employer": self.employer.display_name, "date": due},
            )
        if merged:
            messages.info(
                self.request,
                ngettext(
                    "%(count)s module was already assigned to the same people: that "
                    "assignment was updated (due %(date)s, people added) instead of repeated.",
                    "%(count)s modules were already assigned to the same people: those "
                    "assignments were updated (due %(date)s, people added) instead of repeated.",
                    merged,
                )
                % {"count": merged, "date": due},
            )

    def render_page(self, form):
        context = {
            "form": form,
            "forms": [form],
            "employer": self.employer,
            "by_organization": self.by_organization,
            "cancel_url": self.done_url,
        }
        return _render(self.request, self.template_name, context)


class SpoAssignView(_AssignmentCreateView):
    """Staff and managers of an SPO in an active partnership assign to the employer."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.by_organization = _spo_or_404(request, kwargs["spo_id"])
            self.employer = _partner_or_404(self.by_organization, kwargs["employer_id"])
            self.done_url = reverse(
                "spo:employer",
                kwargs={"spo_id": self.by_organization.pk, "employer_id": self.employer.pk},
            )
        return super().dispatch(request, *args, **kwargs)


class EmployerAssignView(_AssignmentCreateView):
    """An employer's administrators assign to their own people."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.employer = self.by_organization = _employer_or_404(request, kwargs["employer_id"])
            self.done_url = reverse("employer:dashboard", kwargs={"employer_id": self.employer.pk})
        return super().dispatch(request, *args, **kwargs)


# -- Ending a partnership (SPO managers) ----------------------------------------------------


class PartnershipEndView(LoginRequiredMixin, View):
    """GET asks for confirmation; POST ends the partnership, after which the SPO no longer
    sees the employer."""

    template_name = "learning/organizations/partnership_end.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.spo = _spo_or_404(request, kwargs["spo_id"], manager=True)
            self.employer = _partner_or_404(self.spo, kwargs["employer_id"])
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, spo_id: int, employer_id: int):
        context = {
            "spo": self.spo,
            "employer": self.employer,
            "cancel_url": reverse(
                "spo:employer", kwargs={"spo_id": self.spo.pk, "employer_id": self.employer.pk}
            ),
        }
        return _render(request, self.template_name, context)

    def post(self, request, spo_id: int, employer_id: int):
        try:
            services.partnership_end(spo=self.spo, employer=self.employer, by=request.user)
        except PermissionDenied:
            raise Http404 from None
        messages.success(
            request,
            _("The partnership with %(employer)s has ended.")
            % {"employer": self.employer.display_name},
        )
        return redirect("spo:dashboard", spo_id=self.spo.pk)


partnership_end = PartnershipEndView.as_view()
