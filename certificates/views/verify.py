"""Public verification pages, under /<lang>/verify/: the form, one certificate's status, and
bulk verification for SPO staff.

A code that is not well-formed and a well-formed code that matches nothing get the same
answer (status 404 and the same page, which does not repeat the code), so the pages tell
nothing about which codes exist. Pages are kept out of search engines (``noindex`` in the
page and in ``X-Robots-Tag``). Requests are limited per address (``certificates.ratelimit``).
"""

import csv
import re

from django import forms
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache

from certificates import lifecycle
from certificates.codes import InvalidCode, code_display, code_normalize
from certificates.models import Certificate
from certificates.ratelimit import rate_limit
from certificates.verification import (
    Channel,
    Outcome,
    Verification,
    code_extract,
    code_verify,
    codes_split,
    codes_verify,
)
from cms.csvfiles import CsvFileError, csv_rows, csv_text
from learning.selectors.organizations import user_spos

BULK_MAX = 500
BULK_FILE_MAX_BYTES = 1024 * 1024
ROBOTS = "noindex, nofollow"


def noindex(response):
    response["X-Robots-Tag"] = ROBOTS
    return response


def rate_limited_page(request, retry_after: int):
    response = render(
        request,
        "certificates/verify/rate_limited.html",
        {"retry_minutes": max(1, -(-retry_after // 60))},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return noindex(response)


limited = rate_limit(
    group="certificates.verify", rate_setting="CERTIFICATE_VERIFY_RATE", respond=rate_limited_page
)


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code or verification address"),
        max_length=500,
        help_text=_(
            "The code printed on the certificate, for example 7K3M-Q9TD-2BXN-H4RC-V (capitals, "
            "spaces and hyphens do not matter), or the address its QR code opens."
        ),
        error_messages={"required": _("Enter the certificate code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        ),
    )


def _target(text: str) -> str:
    """Where the form sends a code: its canonical form, or (not a code) the input's letters
    and digits, which the status page answers exactly like an unknown code."""
    raw = code_extract(text)
    try:
        return code_normalize(raw)
    except InvalidCode:
        return re.sub(r"[^0-9A-Za-z]", "", raw)[:40] or "0"


@never_cache
@limited
def verify_form(request):
    """The verification form (a GET form: the result has an address one can share)."""
    form = VerifyForm(request.GET if "code" in request.GET else None)
    if form.is_valid():
        return redirect("verify:detail", code=_target(form.cleaned_data["code"]))
    user = request.user
    context = {
        "form": form,
        "may_bulk": user.is_authenticated and (user.is_superuser or user_spos(user=user).exists()),
        "may_manage": user.is_authenticated
        and lifecycle.certificates_manageable(user=user).exists(),
    }
    return noindex(render(request, "certificates/verify/form.html", context))


def verify_guide(request):
    """How to verify a certificate (docs/verification.md for people, in their language)."""
    return render(request, "certificates/verify/guide.html")


class _NoEchoRequest:
    """The request as templates see it on the "not found" page: its address is the form's, so
    the page (language links included) does not repeat what was asked."""

    def __init__(self, request, path: str):
        self._request, self._path = request, path

    def __getattr__(self, name):
        return getattr(self._request, name)

    def get_full_path(self, *args, **kwargs):
        return self._path


def _localized(field, language: str) -> dict:
    french = language == "fr"
    return {
        "key": field.key,
        "label": field.label_fr if french else field.label_en,
        "value": field.value_fr if french else field.value_en,
        "other_value": field.value_en if french else field.value_fr,
        "other_language": "en" if french else "fr",
    }


def detail_context(verification: Verification, language: str) -> dict:
    certificate = verification.certificate
    context = {
        "verification": verification,
        "outcome": verification.outcome,
        "outcome_label": Outcome(verification.outcome).label,
        "display_code": code_display(verification.code),
        "fields": [_localized(field, language) for field in verification.fields],
    }
    if verification.found:
        context["certificate"] = certificate
        context["pdf_sha256"] = certificate.pdf_sha256
        if certificate.revocation_reason:
            context["revocation_reason"] = Certificate.RevocationReason(
                certificate.revocation_reason
            ).label
        if certificate.successor_code:
            context["successor_code"] = code_display(certificate.successor_code)
            context["successor_url"] = reverse(
                "verify:detail", kwargs={"code": certificate.successor_code}
            )
    return context


@never_cache
@limited
def verify_detail(request, code: str):
    """One certificate's status, signed fields and PDF fingerprint; 404 when there is none."""
    verification = code_verify(text=code, channel=Channel.PAGE, actor=request.user)
    if verification.certificate is None:
        response = render(
            _NoEchoRequest(request, reverse("verify:form")),
            "certificates/verify/not_found.html",
            {"form": VerifyForm()},
            status=404,
        )
        return noindex(response)
    context = detail_context(verification, get_language())
    context["form"] = VerifyForm()
    return noindex(render(request, "certificates/verify/detail.html", context))


# -- Bulk verification (SPO staff) ----------------------------------------------------------


class BulkVerifyForm(forms.Form):
    codes = forms.CharField(
        label=_("Codes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "autocomplete": "off"}),
        help_text=_(
            "Paste up to 500 codes or verification addresses: one per line, or separated by "
            "commas or spaces."
        ),
    )
    file = forms.FileField(
        label=_("Or a CSV file"),
        required=False,
        help_text=_(
            "Codes in the first column; a first line naming the columns is skipped. At most "
            "500 codes and 1 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def _file_codes(self, upload) -> list[str]:
        if upload.size > BULK_FILE_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 1 MB."))
        codes = []
        try:
            for line, row in csv_rows(csv_text(upload.read())):
                cell = (row[0] if row else "").strip()
                if not cell:
                    continue
                if line == 1 and re.search(r"code|certifi", cell, re.IGNORECASE):
                    continue  # the header line
                codes.append(cell)
        except CsvFileError as error:
            raise forms.ValidationError(
                _("Line %(line)s: %(message)s") % {"line": error.line, "message": error.message}
            ) from None
        return codes

    def clean(self):
        cleaned = super().clean()
        codes = codes_split(cleaned.get("codes", ""))
        if cleaned.get("file"):
            codes += self._file_codes(cleaned["file"])
        if not codes:
            raise forms.ValidationError(_("Paste at least one code, or choose a CSV file."))
        if len(codes) > BULK_MAX:
            raise forms.ValidationError(
                _("You gave %(count)s codes: at most %(max)s can be checked at a time.")
                % {"count": len(codes), "max": BULK_MAX}
            )
        cleaned["entries"] = codes
        return cleaned


def _bulk_rows(entries: list[str], verifications: list[Verification], language: str):
    rows = []
    for entry, verification in zip(entries, verifications, strict=True):
        payload = verification.payload or {}
        certificate = verification.certificate if verification.found else None
        rows.append(
            {
                "entry": entry,
                "code": code_display(verification.code) if verification.code else "",
                "outcome": verification.outcome,
                "outcome_label": Outcome(verification.outcome).label,
                "holder_name": payload.get("holder_name", ""),
                "title": payload.get(f"title_{language}", payload.get("title_en", "")),
                "expires_at": certificate.expires_at if certificate else None,
                "url": reverse("verify:detail", kwargs={"code": verification.code})
                if certificate
                else "",
            }
        )
    return rows


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    """Text that spreadsheet programs cannot take for a formula (CSV injection)."""
    return f"'{text}" if text.startswith(FORMULA_START) else text


def _csv_response(rows) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="certificate-verification-{stamp}.csv"'
    response.write("\ufeff")  # Excel reads UTF-8 only with a byte order mark
    writer = csv.writer(response)
    writer.writerow(
        [
            gettext("Code as given"),
            gettext("Certificate code"),
            gettext("Status"),
            gettext("Holder"),
            gettext("Training"),
            gettext("Valid until"),
        ]
    )
    for row in rows:
        expires = (
            timezone.localtime(row["expires_at"]).date().isoformat() if row["expires_at"] else ""
        )
        writer.writerow(
            [
                _cell(row["entry"]),
                row["code"],
                str(row["outcome_label"]),
                _cell(row["holder_name"]),
                _cell(row["title"]),
                expires,
            ]
        )
    return noindex(response)


@method_decorator([never_cache, limited], name="dispatch")
class BulkVerifyView(LoginRequiredMixin, View):
    """Many codes at once, for SPO staff and site administrators (404 for anyone else), as a
    table or a CSV file."""

    template_name = "certificates/verify/bulk.html"

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.is_superuser or user_spos(user=user).exists()):
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return noindex(render(request, self.template_name, {"form": BulkVerifyForm()}))

    def post(self, request):
        form = BulkVerifyForm(request.POST, request.FILES)
        if not form.is_valid():
            return noindex(render(request, self.template_name, {"form": form}))
        entries = form.cleaned_data["entries"]
        verifications = codes_verify(texts=entries, channel=Channel.BULK, actor=request.user)
        rows = _bulk_rows(entries, verifications, get_language())
        if request.POST.get("format") == "csv":
            return _csv_response(rows)
        counts = {}
        for row in rows:
            counts[row["outcome"]] = counts.get(row["outcome"], 0) + 1
        summary = [
            {"outcome": outcome, "label": Outcome(outcome).label, "count": counts[outcome]}
            for outcome in Outcome.values
            if outcome in counts
        ]
        context = {
            "form": BulkVerifyForm(),
            "rows": rows,
            "summary": summary,
            "entries_text": "\n".join(entries),
            "total": len(rows),
        }
        return noindex(render(request, self.template_name, context))
