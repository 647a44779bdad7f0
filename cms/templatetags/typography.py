"""French typography for rendered content (see ``cms.typography``)."""

from django import template
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from cms.typography import french_html

register = template.Library()


@register.filter(is_safe=True)
def typography(value):
    """Set French spacing in rendered HTML when the active language (the page's) is French;
    other languages are returned as they are. Plain strings are escaped first."""
    html = conditional_escape(value)
    if not (translation.get_language() or "").startswith("fr"):
        return html
    return mark_safe(french_html(str(html)))  # only text nodes changed: still safe
