"""Where a holder makes and reviews their sharing choices outside "My certificates": on the
staff invitation acceptance page (``learning.invitation_choices``) and on "Your data"
(``learning.views.privacy``). Both record through ``certificates.sharing``."""

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from certificates import selectors, sharing
from certificates.models import Certificate
from certificates.presentation import snapshot_title
from learning.invitation_choices import InvitationChoices


def _earned(certificate: Certificate) -> str:
    """How a certificate is named to its holder: title, where and when it was earned."""
    title = snapshot_title(certificate.snapshot)
    date = formats.date_format(timezone.localtime(certificate.issued_at), "DATE_FORMAT")
    employer = certificate.snapshot.get("employer_legal_name", "")
    if employer:
        return _("%(title)s, earned at %(employer)s on %(date)s") % {
            "title": title,
            "employer": employer,
            "date": date,
        }
    return _("%(title)s, earned on %(date)s") % {"title": title, "date": date}


class CertificateShareChoiceForm(forms.Form):
    """Which of the holder's earlier certificates the employer they join may see. Nothing is
    ticked in advance; ticking nothing shares nothing."""

    certificates = forms.TypedMultipleChoiceField(
        coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, certificates: list[Certificate], employer, **kwargs):
        kwargs.setdefault("prefix", "share")
        super().__init__(*args, **kwargs)
        field = self.fields["certificates"]
        field.choices = [(certificate.pk, _earned(certificate)) for certificate in certificates]
        field.label = _("Certificates to share with %(employer)s") % {
            "employer": employer.display_name
        }
        field.help_text = _("Optional. Leave them all unticked to share none.")


class CertificateShareChoices(InvitationChoices):
    """On a staff invitation: the invitee's certificates earned under other employers, and
    the choice to share some with the employer they join."""

    template_name = "certificates/includes/invitation_share.html"

    def form(self, *, user, employer, data=None) -> CertificateShareChoiceForm | None:
        certificates = list(selectors.certificates_to_offer(user=user, employer_id=employer.pk))
        if not certificates:
            return None
        return CertificateShareChoiceForm(data, certificates=certificates, employer=employer)

    def accepted(self, *, form, membership) -> None:
        for certificate_id in form.cleaned_data["certificates"]:
            try:
                sharing.certificate_share_set(
                    user=membership.user,
                    certificate_id=certificate_id,
                    employer_id=membership.organization_id,
                    shared=True,
                )
            except PermissionDenied as error:
                raise ValidationError({"certificates": str(error)}) from None


def my_data_section(request) -> str:
    """The "Certificates you share" section of "Your data": each share in force, with a
    button to stop it. Empty for someone with no certificates. Two queries at most."""
    user = request.user
    shares = list(selectors.holder_shares(user=user))
    if not shares and not selectors.holder_certificates(user=user).exists():
        return ""
    rows = [
        {
            "share": share,
            "title": snapshot_title(share.certificate.snapshot),
            "employer": share.employer.display_name,
        }
        for share in shares
    ]
    return render_to_string(
        "certificates/includes/my_data_shares.html",
        {"rows": rows, "back": reverse("accounts:my_data")},
        request=request,
    )
