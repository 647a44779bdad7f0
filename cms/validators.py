"""Validators shared by every app's models, forms and imports."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Control characters (line breaks, tabs, NUL...) and the Unicode line and paragraph separators.
_REFUSED_CATEGORIES = {"Cc", "Zl", "Zp"}


def has_control_characters(value: str) -> bool:
    return any(unicodedata.category(char) in _REFUSED_CATEGORIES for char in value)


def validate_single_line(value) -> None:
    """Refuse a single-line value (a name, a title) holding a line break, a tab or any other
    control character: such a value could start new lines in an email or a file."""
    if isinstance(value, str) and has_control_characters(value):
        raise ValidationError(
            _("Enter this on one line, without line breaks, tabs or other control characters."),
            code="control_characters",
        )


def one_line(value: str) -> str:
    """``value`` with every control character or line separator replaced by a space."""
    return "".join(
        " " if unicodedata.category(char) in _REFUSED_CATEGORIES else char for char in value
    )
