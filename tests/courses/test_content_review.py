"""The editors' content review: sources due for a check, the lesson report."""

import datetime
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from courses.content_review import sources_to_check
from courses.models import Source
from tests.factories.courses import SourceFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2027, 3, 31)


def test_sources_to_check_lists_those_checked_twelve_months_ago_or_more_oldest_first():
    Source.objects.all().delete()
    due = SourceFactory(key="due", checked=datetime.date(2026, 3, 31))
    older = SourceFactory(key="older", checked=datetime.date(2025, 1, 2))
    SourceFactory(key="recent", checked=datetime.date(2026, 4, 1))

    assert list(sources_to_check(today=TODAY)) == [older, due]


def test_sources_to_check_handles_a_day_the_earlier_month_lacks():
    Source.objects.all().delete()
    due = SourceFactory(key="due", checked=datetime.date(2027, 2, 28))
    SourceFactory(key="recent", checked=datetime.date(2027, 3, 1))

    assert list(sources_to_check(today=datetime.date(2027, 3, 31), months=1)) == [due]


@time_machine.travel(datetime.datetime(2027, 3, 31, 12, tzinfo=datetime.UTC), tick=False)
def test_sources_to_check_command_prints_one_line_per_stale_source():
    Source.objects.all().delete()
    SourceFactory(
        key="nshrc-act",
        title="Human Rights Act",
        url="https://example.org/act",
        checked=datetime.date(2025, 12, 1),
    )
    SourceFactory(key="fresh", checked=datetime.date(2027, 1, 1))
    out = StringIO()

    call_command("sources_to_check", stdout=out)

    assert out.getvalue().splitlines() == [
        "2025-12-01  en  nshrc-act  Human Rights Act (Nova Scotia Human Rights Commission)  "
        "https://example.org/act",
        "1 sources to check.",
    ]


@time_machine.travel(datetime.datetime(2027, 3, 31, 12, tzinfo=datetime.UTC), tick=False)
def test_sources_to_check_command_says_when_none_are_due():
    Source.objects.all().delete()
    SourceFactory(checked=datetime.date(2027, 1, 1))
    out = StringIO()

    call_command("sources_to_check", stdout=out)

    assert out.getvalue() == "Every source was checked in the last 12 months.\n"
