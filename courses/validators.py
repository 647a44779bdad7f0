"""Validators for authored content."""

from urllib.parse import parse_qsl, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Query parameters that identify a campaign or a click rather than the page itself.
TRACKING_PARAMETERS = frozenset(
    {
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "mkt_tok",
        "ref_src",
        "s_kwcid",
        "wt_mc",
    }
)
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_")


def tracking_parameters(url: str) -> list[str]:
    """The names of the tracking parameters in ``url``'s query string (and fragment), in order."""
    parts = urlsplit(url)
    found = []
    for query in (parts.query, parts.fragment if "=" in parts.fragment else ""):
        for name, _value in parse_qsl(query, keep_blank_values=True):
            lowered = name.lower()
            if lowered in TRACKING_PARAMETERS or lowered.startswith(TRACKING_PREFIXES):
                found.append(name)
    return found


def validate_no_tracking(url: str) -> None:
    """Raise ValidationError when ``url`` carries tracking parameters (utm_*, fbclid...)."""
    found = tracking_parameters(url or "")
    if found:
        raise ValidationError(
            _("Remove the tracking parameters from this address: %(names)s."),
            code="tracking_parameters",
            params={"names": ", ".join(found)},
        )
