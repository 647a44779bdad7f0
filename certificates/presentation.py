"""What a certificate says, in one place: the signed snapshot's fields and the subset printed
on the PDF, which is exactly what verification pages show.

The snapshot (signed, frozen at issuance) has these keys::

    {
      "type": "module" | "program",
      "code": "7K3MQ9TD2BXNH4RCV",
      "holder_name": "Joséphine Cormier",
      "employer_legal_name": "Boulangerie Acadienne inc.",   # "" when none
      "employer_province": "NB",                               # "" when none
      "title_en": "Intercultural competency at work",
      "title_fr": "Les compétences interculturelles au travail",
      "version": 1,
      "completed_at": "2026-11-20T14:03:11Z",
      "issued_at": "2026-11-20T14:03:15Z",
      "expires_at": "2028-11-20T14:03:15Z",
      "language": "fr",
      "issuer": "https://formation.example.ca"
    }

Certificates issued before the score was kept private also carry ``"score"`` (signed with the
rest, so they still verify); the score now lives in ``Certificate.score``, never in what
anyone with the code can read. Times are UTC, to the second. People see dates in Atlantic
time (the site's TIME_ZONE).
"""

import datetime
from dataclasses import dataclass

from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from learning.models import Province


def snapshot_title(snapshot: dict) -> str:
    """The title in the active language, else the English one."""
    return snapshot.get(f"title_{translation.get_language()}") or snapshot["title_en"]


def parse_time(value: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))


def format_time(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def local_date(value: str, language: str) -> str:
    with translation.override(language):
        return formats.date_format(timezone.localtime(parse_time(value)).date(), "DATE_FORMAT")


@dataclass(frozen=True)
class PrintedField:
    key: str
    label_en: str
    label_fr: str
    value_en: str
    value_fr: str


LABELS = {
    "holder_name": _("Awarded to"),
    "employer": _("Employer"),
    "title": _("Training completed"),
    "version": _("Version"),
    "completed_at": _("Completed on"),
    "expires_at": _("Valid until"),
    "code": _("Certificate code"),
}


def _both(label) -> tuple[str, str]:
    with translation.override("en"):
        english = str(label)
    with translation.override("fr"):
        french = str(label)
    return english, french


def printed_fields(snapshot: dict) -> list[PrintedField]:
    """The fields printed on the certificate, in both languages, in print order."""
    from certificates.codes import code_display

    employer = snapshot.get("employer_legal_name", "")
    province = snapshot.get("employer_province", "")
    if employer and province:
        names = {}
        for language in ("en", "fr"):
            with translation.override(language):
                names[language] = f"{employer} ({Province(province).label})"
    else:
        names = {"en": employer, "fr": employer}
    rows = [
        ("holder_name", snapshot["holder_name"], snapshot["holder_name"]),
        ("employer", names["en"], names["fr"]),
        ("title", snapshot["title_en"], snapshot["title_fr"]),
        ("version", str(snapshot["version"]), str(snapshot["version"])),
        (
            "completed_at",
            local_date(snapshot["completed_at"], "en"),
            local_date(snapshot["completed_at"], "fr"),
        ),
        (
            "expires_at",
            local_date(snapshot["expires_at"], "en"),
            local_date(snapshot["expires_at"], "fr"),
        ),
        ("code", code_display(snapshot["code"]), code_display(snapshot["code"])),
    ]
    fields = []
    for key, value_en, value_fr in rows:
        if key == "employer" and not employer:
            continue
        label_en, label_fr = _both(LABELS[key])
        fields.append(PrintedField(key, label_en, label_fr, value_en, value_fr))
    return fields
