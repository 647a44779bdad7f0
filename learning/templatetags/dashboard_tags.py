"""Dashboard links for the main navigation, and how dashboard cells are shown."""

import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext

from learning.dashboard_columns import Link
from learning.selectors.dashboards import DashboardRoles, user_dashboard_roles

register = template.Library()


@register.simple_tag(takes_context=True)
def dashboard_roles(context) -> DashboardRoles:
    """Which dashboards the signed-in person may open (``.spo``, ``.employer``). At most one
    query per request, none for anonymous visitors."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None:
        return DashboardRoles()
    roles = getattr(request, "_dashboard_roles", None)
    if roles is None:
        roles = user_dashboard_roles(user=user)
        if request is not None:
            request._dashboard_roles = roles
    return roles


@register.filter
def dashboard_cell(value):
    """A value from an extra column: "—" when missing, a link, a date, or text."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Link):
        return format_html('<a href="{}">{}</a>', value.url, value.text)
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, datetime.date):
        return date_format(value, "DATE_FORMAT")
    return value


@register.filter
def completion(value):
    """A completion percentage, or a dash (read out as "Nothing assigned") when None."""
    if value is None:
        return format_html(
            '<span aria-hidden="true">—</span><span class="visually-hidden">{}</span>',
            gettext("Nothing assigned"),
        )
    return gettext("%(percent)s%%") % {"percent": value}
