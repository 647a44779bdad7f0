"""Filters for plain-text templates (emails)."""

from django import template

from cms.validators import one_line

register = template.Library()


@register.filter
def oneline(value) -> str:
    """The value on one line: any line break or control character becomes a space."""
    return one_line(str(value))
