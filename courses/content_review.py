"""Reads for the editors' content review: sources due for a check, and per-lesson figures."""

import calendar
import datetime

from django.db.models import QuerySet
from django.utils import timezone

from courses.models import Source

CHECK_INTERVAL_MONTHS = 12


def _months_before(day: datetime.date, months: int) -> datetime.date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    # A day the earlier month lacks (the 31st...) falls back to that month's last day.
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def sources_to_check(
    *, today: datetime.date | None = None, months: int = CHECK_INTERVAL_MONTHS
) -> QuerySet[Source]:
    """Sources (every language's row) last checked ``months`` months or more before ``today``,
    the oldest check first."""
    today = today or timezone.localdate()
    return (
        Source.objects.filter(checked__lte=_months_before(today, months))
        .select_related("locale")
        .order_by("checked", "key", "locale__language_code")
    )
