from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cms.services import email_send_on_commit
from cms.validators import validate_single_line
from courses.models import ModulePage, ProgramPage
from learning.models import AccessRequest, Organization, Province, User
from learning.models.organizations import LANGUAGE_CHOICES


class EmailAuthenticationForm(AuthenticationForm):
    """Sign-in with an email address; the message never says which part was wrong."""

    username = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _(
            "That email address and password do not match. Check them and try again; the "
            "password is case-sensitive."
        ),
        "inactive": _("This account is inactive."),
    }


class QueuedPasswordResetForm(PasswordResetForm):
    """Password reset whose email goes out through the task queue once the request commits.

    The response is identical whether or not the address has an account.
    """

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from django.template import loader

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        email_send_on_commit(to=to_email, language=get_language(), subject=subject, body=body)


# -- Organizations: invitations, accounts, employers, assignments ---------------------------

CSV_MAX_BYTES = 1024 * 1024  # 1 MB: about 10,000 rows, far more than the 500 we accept.


def _language_field(label, help_text=""):
    """A required choice of English or French, as radio buttons with nothing pre-selected (so
    nobody sends an email in the wrong language by not noticing a default)."""
    return forms.ChoiceField(
        label=label,
        choices=LANGUAGE_CHOICES,
        widget=forms.RadioSelect,
        help_text=help_text,
    )


class EmployerInviteForm(forms.Form):
    """An SPO manager invites an employer."""

    email = forms.EmailField(
        label=_("Email address of the person to invite"),
        help_text=_("They will create the employer's account and manage it."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    employer_name = forms.CharField(
        label=_("Employer name"),
        max_length=200,
        validators=[validate_single_line],
        help_text=_("As you know it; they confirm the legal name when they accept."),
    )
    language = _language_field(
        _("Language of the invitation email"),
        _("Choose the language the person prefers to read in."),
    )


class StaffInviteForm(forms.Form):
    """An employer administrator invites one employee."""

    email = forms.EmailField(
        label=_("Email address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    first_name = forms.CharField(
        label=_("First name"), max_length=150, required=False, validators=[validate_single_line]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, required=False, validators=[validate_single_line]
    )
    language = _language_field(_("Language of the invitation email"))


class StaffInviteCsvForm(forms.Form):
    """A CSV file of employees to invite; its rows are checked by the service."""

    file = forms.FileField(
        label=_("CSV file"),
        help_text=_("A .csv file of at most 1 MB and 500 rows, saved as UTF-8."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > CSV_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s). It must be 1 MB or less."),
                params={"size": filesizeformat(upload.size)},
                code="too_large",
            )
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(
                _("Choose a .csv file (spreadsheet programs can save one: “CSV UTF-8”)."),
                code="extension",
            )
        return upload


class AccountCreateForm(forms.Form):
    """A new account for the invited person. The address is the invitation's and cannot be
    changed; the password goes through the configured validators."""

    email = forms.EmailField(
        label=_("Email address"),
        disabled=True,
        required=False,
        help_text=_("Your account uses the address the invitation was sent to."),
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
    first_name = forms.CharField(
        label=_("First name"),
        max_length=150,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=150,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=lazy(password_validation.password_validators_help_text_html, str)(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Type the same password, to check it."),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = email
        self.email = email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif password1:
            user = User(
                email=self.email,
                first_name=cleaned.get("first_name", ""),
                last_name=cleaned.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class EmployerDetailsForm(forms.ModelForm):
    """The employer's details, given by the person who accepts an employer invitation."""

    business_number = forms.CharField(
        label=_("Business number (optional)"),
        required=False,
        max_length=15,
        help_text=_(
            "The nine digits of the Canada Revenue Agency business number, for example 123456789."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    class Meta:
        model = Organization
        fields = [
            "legal_name",
            "operating_name",
            "province",
            "community",
            "business_number",
            "preferred_language",
        ]
        labels = {
            "legal_name": _("Legal name"),
            "operating_name": _("Operating name (optional)"),
            "province": _("Province or territory"),
            "community": _("Community"),
            "preferred_language": _("Preferred language"),
        }
        help_texts = {
            "operating_name": _("The name people know the business by, if not the legal name."),
            "community": _("The city, town or village of the workplace."),
            "preferred_language": _("The language of the employer's emails."),
        }
        widgets = {
            "legal_name": forms.TextInput(attrs={"autocomplete": "organization"}),
            "operating_name": forms.TextInput(attrs={"autocomplete": "off"}),
            "preferred_language": forms.RadioSelect,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [
            ("", _("Choose a province or territory")),
            *Province.choices,
        ]

    def clean_business_number(self):
        number = "".join(self.cleaned_data["business_number"].split())
        if number and not (len(number) == 9 and number.isascii() and number.isdigit()):
            raise forms.ValidationError(
                _("A business number has nine digits."), code="business_number"
            )
        return number

    def details(self) -> dict:
        """What ``organization_create`` takes."""
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class EmployerChoiceForm(forms.Form):
    """For someone who already administers employers: accept for one of them, or a new one."""

    NEW = "new"

    employer = forms.ChoiceField(label=_("Which employer is invited?"), widget=forms.RadioSelect)

    def __init__(self, *args, employers, **kwargs):
        super().__init__(*args, **kwargs)
        self.employers = {str(employer.pk): employer for employer in employers}
        self.fields["employer"].choices = [
            *((pk, employer.display_name) for pk, employer in self.employers.items()),
            (self.NEW, _("A new employer (enter its details below)")),
        ]

    def chosen(self) -> Organization | None:
        """The employer chosen, or None for a new one."""
        return self.employers.get(self.cleaned_data["employer"])


class AssignmentForm(forms.Form):
    """Modules or a program, a due date, and who: every learner of the employer (including
    people who join later) or the people chosen."""

    ALL, NAMED = "all", "named"

    modules = forms.ModelMultipleChoiceField(
        label=_("Modules"),
        queryset=ModulePage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    program = forms.ModelChoiceField(
        label=_("Or a program (all of its modules)"),
        queryset=ProgramPage.objects.none(),
        required=False,
        widget=forms.RadioSelect,
    )
    due_on = forms.DateField(
        label=_("Due date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Today or later."),
    )
    audience = forms.ChoiceField(
        label=_("Who takes them?"), widget=forms.RadioSelect, initial="all"
    )
    learners = forms.ModelMultipleChoiceField(
        label=_("People"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only if you chose “Only the people I choose”."),
    )

    def __init__(self, *args, employer, modules, programs, learners, **kwargs):
        """``modules`` and ``programs``: (page, title in the page's language) pairs;
        ``learners``: the employer's learners."""
        super().__init__(*args, **kwargs)
        module_titles = {page.pk: title for page, title in modules}
        program_titles = {page.pk: title for page, title in programs}
        # Choices come from the titles given (no query to render); the querysets check what
        # is posted.
        self.fields["modules"].queryset = ModulePage.objects.filter(pk__in=module_titles)
        self.fields["modules"].choices = [(page.pk, title) for page, title in modules]
        if programs:
            self.fields["program"].queryset = ProgramPage.objects.filter(pk__in=program_titles)
            self.fields["program"].choices = [
                ("", _("No program")),
                *((page.pk, title) for page, title in programs),
            ]
        else:
            del self.fields["program"]
        self.fields["audience"].choices = [
            (
                self.ALL,
                _("Everyone at %(employer)s, including people who join later")
                % {"employer": employer},
            ),
            (self.NAMED, _("Only the people I choose")),
        ]
        self.fields["learners"].queryset = learners
        self.fields["learners"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.email})" if user.get_full_name() else user.email
        )
        self.fields["due_on"].widget.attrs["min"] = timezone.localdate().isoformat()

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("The due date cannot be in the past."), code="past")
        return due_on

    def clean(self):
        cleaned = super().clean()
        if "modules" in cleaned and not cleaned["modules"] and not cleaned.get("program"):
            self.add_error("modules", _("Choose at least one module, or a program."))
        if cleaned.get("audience") == self.NAMED and not cleaned.get("learners"):
            self.add_error("learners", _("Choose at least one person, or everyone."))
        return cleaned

    def assignment(self) -> dict:
        """What ``assignment_create`` takes besides who assigns."""
        named = self.cleaned_data["audience"] == self.NAMED
        return {
            "modules": list(self.cleaned_data["modules"]),
            "program": self.cleaned_data.get("program"),
            "due_on": self.cleaned_data["due_on"],
            "learners": list(self.cleaned_data["learners"]) if named else None,
        }


class AccessRequestForm(forms.ModelForm):
    """An employer nobody invited asks for access. ``website`` is a trap for robots: hidden
    from people (and from assistive technology), it must stay empty."""

    website = forms.CharField(required=False, label=_("Leave this field empty"))
    # Declared rather than generated: a generated radio list offers a blank choice.
    language = forms.ChoiceField(
        choices=LANGUAGE_CHOICES, widget=forms.RadioSelect, label=_("Language for our answer")
    )

    class Meta:
        model = AccessRequest
        fields = [
            "organization_name",
            "province",
            "size",
            "contact_name",
            "contact_email",
            "spo_name",
            "language",
        ]
        help_texts = {
            "organization_name": _("The name your customers know you by."),
            "contact_email": _("The answer comes to this address."),
            "spo_name": _("A settlement service provider organization, if you already have one."),
        }


class AccessDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, sent to the employer"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
