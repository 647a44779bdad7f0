"""SPO and employer dashboards: counts, grid, charts, filters, exports, tenant isolation,
the extension point for extra columns, and query counts."""

import csv
import datetime
import html as html_lib
import io
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db.models import Count
from django.utils import formats, timezone, translation
from openpyxl import load_workbook
from wagtail import hooks

from courses.models import ModulePage
from learning.dashboard_columns import HOOK_NAME, Column, DashboardColumns, Link
from learning.models import Enrolment, Membership, Organization, Partnership, User
from learning.selectors import dashboards as selectors
from learning.views.dashboards import GRID_ROWS_PER_PAGE
from tests.factories.courses import ModulePageFactory
from tests.factories.learning import (
    EmployerFactory,
    EnrolmentFactory,
    PartnershipFactory,
    QuizAttemptFactory,
    SpoFactory,
    member,
)

pytestmark = pytest.mark.django_db

ADMIN = Membership.Role.EMPLOYER_ADMIN


@pytest.fixture(autouse=True)
def no_column_providers(monkeypatch):
    """Start without extra-column providers, whatever other apps register, so that columns
    and query counts are this module's to decide."""
    hooks.search_for_hooks()
    monkeypatch.setitem(hooks._hooks, HOOK_NAME, [])


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def modules(db) -> list[ModulePage]:
    """The three seeded source-language modules, in catalogue order."""
    return list(ModulePage.objects.filter(locale__language_code="en").order_by("path"))


@pytest.fixture
def spo(db):
    return SpoFactory(legal_name="Atlantic Settlement Partners")


@pytest.fixture
def staff(spo):
    return member(spo)


@pytest.fixture
def employer(spo):
    return PartnershipFactory(
        spo=spo, employer__legal_name="Bayview Foods Ltd.", employer__province="NS"
    ).employer


def enrol(user, module, *, due_in=None, started=False, completed=False, when=None):
    """An enrolment due in ``due_in`` days (None: self-enrolled, no due date)."""
    now = when or timezone.now()
    return EnrolmentFactory(
        user=user,
        module=module,
        source=Enrolment.Source.SELF if due_in is None else Enrolment.Source.ASSIGNMENT,
        due_on=None if due_in is None else timezone.localdate() + datetime.timedelta(due_in),
        started_at=now if started or completed else None,
        completed_at=now if completed else None,
    )


def text(cell_html: str) -> str:
    return html_lib.unescape(" ".join(re.sub(r"<[^>]+>", " ", cell_html).split()))


def table(html: str, caption_id: str) -> list[list[str]]:
    """The text of the cells of the table captioned ``caption_id``, row by row (headers
    first)."""
    start = html.index(f'<caption id="{caption_id}"')
    body = html[start : html.index("</table>", start)]
    return [
        [text(cell) for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def get_html(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def organization_links(html: str) -> list[str]:
    listing = html[html.index('<ul class="organization-list">') :]
    return re.findall(r'<li><a href="([^"]+)">', listing[: listing.index("</ul>")])


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(content)))


def xlsx_rows(response) -> list[list]:
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


@pytest.fixture
def bayview(employer, modules):
    """Bayview's people in every state (see the definitions in
    learning.selectors.dashboards):

    - Ana (learner): module 0 due later, not started; module 1 overdue and started.
    - Ben (learner): module 0 due later, completed; module 2 self-enrolled and completed.
    - Cleo (administrator): module 0 overdue, not started.
    - Dev (learner): no module.

    Learners 4, assigned 4, in progress 1, completed 2, overdue 2, completion 1/4 = 25%.
    """
    people = SimpleNamespace(
        ana=member(employer, first_name="Ana", last_name="Arsenault"),
        ben=member(employer, first_name="Ben", last_name="Boudreau"),
        cleo=member(employer, ADMIN, first_name="Cleo", last_name="Cormier"),
        dev=member(employer, first_name="Dev", last_name="Doucet"),
    )
    enrol(people.ana, modules[0], due_in=10)
    enrol(people.ana, modules[1], due_in=-3, started=True)
    enrol(people.ben, modules[0], due_in=10, completed=True)
    enrol(people.ben, modules[2], completed=True)
    enrol(people.cleo, modules[0], due_in=-1)
    return people


# -- Choosing the organization ---------------------------------------------------------------


def test_spo_home_redirects_to_the_only_spo(client, spo, staff):
    client.force_login(staff)

    response = client.get("/en/spo/")

    assert response.status_code == 302
    assert response["Location"] == f"/en/spo/{spo.pk}/"


def test_spo_home_lists_spos_when_several(client, spo, staff):
    second = SpoFactory(legal_name="Zenith Newcomer Centre")
    Membership.objects.create(user=staff, organization=second, role=Membership.Role.SPO_MANAGER)
    client.force_login(staff)

    html = get_html(client, "/en/spo/")

    assert organization_links(html) == [
        f"/en/spo/{spo.pk}/",
        f"/en/spo/{second.pk}/",
    ]


def test_spo_home_is_404_without_an_spo(client, employer):
    client.force_login(member(employer))

    assert client.get("/en/spo/").status_code == 404


def test_employer_home_redirects_to_the_only_employer(client, employer):
    client.force_login(member(employer, ADMIN))

    response = client.get("/en/employer/")

    assert response.status_code == 302
    assert response["Location"] == f"/en/employer/{employer.pk}/"


def test_employer_home_lists_employers_when_several(client, employer):
    admin = member(employer, ADMIN)
    second = EmployerFactory(legal_name="Zephyr Logistics Ltd.")
    Membership.objects.create(user=admin, organization=second, role=ADMIN)
    client.force_login(admin)

    html = get_html(client, "/en/employer/")

    assert organization_links(html) == [
        f"/en/employer/{employer.pk}/",
        f"/en/employer/{second.pk}/",
    ]


def test_employer_home_is_404_for_a_learner(client, employer):
    client.force_login(member(employer))

    assert client.get("/en/employer/").status_code == 404


# -- The SPO dashboard -----------------------------------------------------------------------


def test_spo_dashboard_counts_follow_the_definitions(client, spo, staff, employer, bayview):
    client.force_login(staff)

    rows = table(get_html(client, f"/en/spo/{spo.pk}/"), "employers-caption")

    assert rows == [
        [
            "Employer",
            "Province or territory",
            "Learners",
            "Assigned",
            "In progress",
            "Completed",
            "Overdue",
            "Completion %",
        ],
        ["Bayview Foods Ltd.", "Nova Scotia", "4", "4", "1", "2", "2", "25%"],
    ]


def test_spo_dashboard_counts_a_person_at_two_employers_at_both(client, spo, staff, modules):
    first = PartnershipFactory(spo=spo, employer__legal_name="A Ltd.").employer
    second = PartnershipFactory(spo=spo, employer__legal_name="B Ltd.").employer
    person = member(first)
    Membership.objects.create(
        user=person, organization=second, role=Membership.Role.EMPLOYER_LEARNER
    )
    enrol(person, modules[0], due_in=5)
    client.force_login(staff)

    rows = table(get_html(client, f"/en/spo/{spo.pk}/"), "employers-caption")[1:]

    assert [row[:4] for row in rows] == [
        ["A Ltd.", "Nova Scotia", "1", "1"],
        ["B Ltd.", "Nova Scotia", "1", "1"],
    ]


def test_spo_dashboard_lists_only_active_partners(client, spo, staff, employer):
    PartnershipFactory(spo=spo, employer__legal_name="Ended Ltd.", status=Partnership.Status.ENDED)
    PartnershipFactory(
        spo=spo, employer__legal_name="Invited Ltd.", status=Partnership.Status.INVITED
    )
    PartnershipFactory(employer__legal_name="Someone Else's Ltd.")
    client.force_login(staff)

    rows = table(get_html(client, f"/en/spo/{spo.pk}/"), "employers-caption")[1:]

    assert [row[0] for row in rows] == ["Bayview Foods Ltd."]


def test_spo_dashboard_shows_a_dash_when_nothing_is_assigned(client, spo, staff, employer):
    member(employer)
    client.force_login(staff)

    rows = table(get_html(client, f"/en/spo/{spo.pk}/"), "employers-caption")

    assert rows[1][2:] == ["1", "0", "0", "0", "0", "— Nothing assigned"]


def test_spo_dashboard_filters_by_province(client, spo, staff, employer):
    PartnershipFactory(spo=spo, employer__legal_name="Moncton Bakery", employer__province="NB")
    client.force_login(staff)

    rows = table(get_html(client, f"/en/spo/{spo.pk}/?province=NB"), "employers-caption")[1:]

    assert [row[0] for row in rows] == ["Moncton Bakery"]


def test_spo_dashboard_status_filter_keeps_employers_with_such_rows(
    client, spo, staff, employer, bayview, modules
):
    calm = PartnershipFactory(spo=spo, employer__legal_name="Calm Co.").employer
    enrol(member(calm), modules[0], due_in=10, started=True)
    client.force_login(staff)

    overdue = table(get_html(client, f"/en/spo/{spo.pk}/?status=overdue"), "employers-caption")
    started = table(get_html(client, f"/en/spo/{spo.pk}/?status=in_progress"), "employers-caption")

    assert [row[0] for row in overdue[1:]] == ["Bayview Foods Ltd."]
    # Ana's started module is overdue: its status is "overdue", not "in progress".
    assert [row[0] for row in started[1:]] == ["Calm Co."]


def test_spo_dashboard_module_filter_narrows_the_counts(
    client, spo, staff, employer, bayview, modules
):
    client.force_login(staff)

    rows = table(get_html(client, f"/en/spo/{spo.pk}/?module={modules[0].pk}"), "employers-caption")

    # Module 0 only: Ana (due later), Ben (completed), Cleo (overdue).
    assert rows[1][2:] == ["4", "3", "0", "1", "1", "33%"]


def test_spo_dashboard_reports_and_ignores_invalid_filters(client, spo, staff, employer):
    client.force_login(staff)

    html = get_html(client, f"/en/spo/{spo.pk}/?status=lost&module=abc&province=XX")

    assert 'class="form-errors"' in html
    assert [row[0] for row in table(html, "employers-caption")[1:]] == ["Bayview Foods Ltd."]


def test_module_filter_offers_live_modules_only(client, spo, staff, modules):
    ModulePageFactory(parent=modules[0].get_parent(), title="Unpublished draft", live=False)
    client.force_login(staff)

    html = get_html(client, f"/en/spo/{spo.pk}/")

    select = html[html.index('<select name="module"') : html.index("</select>")]
    assert re.findall(r"<option [^>]*>([^<]*)</option>", select) == [
        "All modules",
        *(module.title for module in modules),
    ]


def test_spo_dashboard_paginates_employers(client, spo, staff):
    bulk_employers(spo, 51, learners_each=0)
    client.force_login(staff)

    first = get_html(client, f"/en/spo/{spo.pk}/?province=NS")
    second = get_html(client, f"/en/spo/{spo.pk}/?province=NS&page=2")

    assert len(table(first, "employers-caption")) == 1 + 50
    assert len(table(second, "employers-caption")) == 1 + 1
    assert "(page 2 of 2)" in second
    assert 'href="?province=NS&amp;page=2" rel="next"' in first
    assert 'href="?province=NS&amp;page=2" aria-current="page"' in second


def test_spo_dashboard_links_to_the_drill_down_with_the_same_filters(
    client, spo, staff, employer, bayview, modules
):
    client.force_login(staff)

    html = get_html(client, f"/en/spo/{spo.pk}/?status=overdue&province=NS")

    assert f'href="/en/spo/{spo.pk}/employers/{employer.pk}/?status=overdue"' in html


def test_spo_dashboard_offers_exports_with_the_same_filters(client, spo, staff, employer):
    client.force_login(staff)

    html = get_html(client, f"/en/spo/{spo.pk}/?province=NS&page=1")

    assert f'href="/en/spo/{spo.pk}/export.csv?province=NS"' in html
    assert f'href="/en/spo/{spo.pk}/export.xlsx?province=NS"' in html


# -- Definitions (selectors) -----------------------------------------------------------------


def test_status_rule_is_the_same_in_python_and_in_the_database(employer, modules, today):
    person = member(employer)
    cases = [
        enrol(person, modules[0], due_in=-2, started=True),  # overdue
        enrol(person, modules[1], due_in=0, started=True),  # due today: in progress
        enrol(person, modules[2], completed=True, due_in=-5),  # completed
        enrol(member(employer), modules[0]),  # not started
    ]

    by_python = {
        e.pk: selectors.enrolment_status(
            completed_at=e.completed_at, due_on=e.due_on, started_at=e.started_at, today=today
        )
        for e in cases
    }
    by_database = {
        pk: status
        for status in selectors.Status
        for pk in Enrolment.objects.filter(pk__in=[e.pk for e in cases])
        .filter(selectors.status_q(status, today=today))
        .values_list("pk", flat=True)
    }

    assert by_python == by_database
    assert [by_python[e.pk] for e in cases] == [
        "overdue",
        "in_progress",
        "completed",
        "not_started",
    ]


@pytest.mark.parametrize(
    ("completed", "assigned", "expected"), [(0, 0, None), (1, 8, 13), (1, 3, 33), (3, 3, 100)]
)
def test_completion_percent_rounds_half_up_and_is_none_without_assignments(
    completed, assigned, expected
):
    assert selectors.completion_percent(completed=completed, assigned=assigned) == expected


def test_chart_counts_count_completions_in_the_last_twelve_months(employer, modules, today):
    person = member(employer)
    months = selectors.month_starts(today=today, months=12)

    def at(month_start):
        return timezone.make_aware(datetime.datetime.combine(month_start, datetime.time(12)))

    enrol(person, modules[0], completed=True, when=at(months[-1]))
    enrol(person, modules[1], completed=True, when=at(months[-1]), due_in=5)
    enrol(person, modules[2], completed=True, when=at(months[0]))
    older = months[0] - datetime.timedelta(days=1)
    enrol(member(employer), modules[0], completed=True, when=at(older))

    counts = selectors.chart_counts(
        memberships=selectors.employer_learner_memberships(employer=employer), today=today
    )

    assert [month for month, _count in counts.months] == months
    assert [count for _month, count in counts.months] == [1] + [0] * 10 + [2]


def test_chart_counts_count_assigned_and_completed_per_module(employer, bayview, modules, today):
    counts = selectors.chart_counts(
        memberships=selectors.employer_learner_memberships(employer=employer), today=today
    )

    completions = counts.module_completions(selectors.module_titles(language="en"))

    # Ben's self-enrolled module 2 is not assigned: it has no bar.
    assert [(row.module.id, row.assigned, row.completed) for row in completions] == [
        (modules[0].pk, 3, 1),
        (modules[1].pk, 1, 0),
    ]


def test_module_titles_are_in_the_requested_language(modules):
    french = ModulePage.objects.get(
        translation_key=modules[0].translation_key, locale__language_code="fr"
    )

    titles = selectors.module_titles(language="fr")

    assert titles[modules[0].pk].title == french.title
    assert list(titles) == [module.pk for module in modules]


# -- Drill-down grid -------------------------------------------------------------------------


def grid(html: str) -> list[list[str]]:
    """The learner grid as one list per learner × module: name, email, then the cells (the
    name and email are shown once per learner, in a header cell spanning their rows). The
    header row has no email column: on screen the email sits under the name."""
    start = html.index('<caption id="grid-caption"')
    body = html[start : html.index("</table>", start)]
    head = body[body.index("<thead>") : body.index("</thead>")]
    rows = [[text(cell) for cell in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S)]]
    for group in re.findall(r'<tbody class="learner-group">(.*?)</tbody>', body, re.S):
        name = text(re.search(r"<a [^>]*>(.*?)</a>", group, re.S).group(1))
        email = text(re.search(r'<span class="meta learner-email">(.*?)</span>', group, re.S)[1])
        for row in re.findall(r"<tr>(.*?)</tr>", group, re.S):
            cells = [text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            rows.append([name, email, *cells])
    return rows


def figures(html: str) -> list[tuple[str, str]]:
    """The summary figures of a dashboard, as (value, label)."""
    block = html[html.index('<ul class="figures"') :]
    block = block[: block.index("</ul>")]
    return [
        (text(value), text(label))
        for value, label in re.findall(
            r'<span class="figure-value">(.*?)</span>\s*<span class="figure-label">(.*?)</span>',
            block,
            re.S,
        )
    ]


def test_drill_down_grid_shows_status_due_date_and_best_score(
    client, spo, staff, employer, bayview, modules, today
):
    QuizAttemptFactory(
        enrolment=Enrolment.objects.get(user=bayview.ben, module=modules[0]), score=75
    )
    QuizAttemptFactory(
        enrolment=Enrolment.objects.get(user=bayview.ben, module=modules[0]), score=Decimal("92.5")
    )
    client.force_login(staff)

    rows = grid(get_html(client, f"/en/spo/{spo.pk}/employers/{employer.pk}/"))

    def day(delta: int) -> str:
        return formats.date_format(today + datetime.timedelta(delta), "DATE_FORMAT")

    later, past3, past1, done = day(10), day(-3), day(-1), day(0)
    titles = [module.title for module in modules]
    assert rows == [
        ["Learner", "Module", "Status", "Due date", "Completed on", "Best score (%)"],
        ["Ana Arsenault", bayview.ana.email, titles[0], "Not started", later, "—", "—"],
        ["Ana Arsenault", bayview.ana.email, titles[1], "Overdue", past3, "—", "—"],
        ["Ben Boudreau", bayview.ben.email, titles[0], "Completed", later, done, "92.5"],
        ["Ben Boudreau", bayview.ben.email, titles[2], "Completed", "—", done, "—"],
        ["Cleo Cormier", bayview.cleo.email, titles[0], "Overdue", past1, "—", "—"],
        ["Dev Doucet", bayview.dev.email, "—", "No modules", "—", "—", "—"],
    ]


def test_drill_down_shows_module_titles_in_french(client, spo, staff, employer, bayview, modules):
    french = ModulePage.objects.get(
        translation_key=modules[1].translation_key, locale__language_code="fr"
    )
    client.force_login(staff)

    rows = grid(get_html(client, f"/fr/spo/{spo.pk}/employers/{employer.pk}/"))

    assert rows[2][2] == french.title
    assert french.title != modules[1].title


def test_grid_filters_by_module_and_status(client, spo, staff, employer, bayview, modules):
    client.force_login(staff)
    url = f"/en/spo/{spo.pk}/employers/{employer.pk}/"

    overdue = grid(get_html(client, f"{url}?status=overdue"))
    module_0 = grid(get_html(client, f"{url}?module={modules[0].pk}"))
    both = grid(get_html(client, f"{url}?module={modules[0].pk}&status=overdue"))

    assert [(row[0], row[3]) for row in overdue[1:]] == [
        ("Ana Arsenault", "Overdue"),
        ("Cleo Cormier", "Overdue"),
    ]
    assert [row[0] for row in module_0[1:]] == ["Ana Arsenault", "Ben Boudreau", "Cleo Cormier"]
    assert [row[0] for row in both[1:]] == ["Cleo Cormier"]


def test_best_score_ignores_attempts_before_a_restart(client, spo, staff, employer, modules):
    person = member(employer, first_name="Eve", last_name="Ellis")
    enrolment = enrol(person, modules[0], due_in=30, started=True)
    QuizAttemptFactory(
        enrolment=enrolment, score=100, started_at=timezone.now() - datetime.timedelta(days=400)
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(
        restarted_at=timezone.now() - datetime.timedelta(days=1)
    )
    QuizAttemptFactory(enrolment=enrolment, score=60, passed=False)
    client.force_login(staff)

    rows = grid(get_html(client, f"/en/spo/{spo.pk}/employers/{employer.pk}/"))

    assert rows[1][6] == "60"


def test_drill_down_summary_counts_all_modules(client, spo, staff, employer, bayview, modules):
    client.force_login(staff)

    html = get_html(client, f"/en/spo/{spo.pk}/employers/{employer.pk}/?module={modules[1].pk}")

    # learners, in progress, overdue, completed, completion
    assert [value for value, _label in figures(html)] == ["4", "1", "2", "2", "25%"]


def test_employer_dashboard_shows_its_own_staff(client, employer, bayview):
    client.force_login(bayview.cleo)

    html = get_html(client, f"/en/employer/{employer.pk}/")

    # learners, in progress, overdue, completed, completion
    assert [value for value, _label in figures(html)] == ["4", "1", "2", "2", "25%"]
    assert [row[0] for row in grid(html)[1:]] == [
        "Ana Arsenault",
        "Ana Arsenault",
        "Ben Boudreau",
        "Ben Boudreau",
        "Cleo Cormier",
        "Dev Doucet",
    ]
    assert f'href="/en/employer/{employer.pk}/export.csv"' in html


# -- Charts ----------------------------------------------------------------------------------


def test_dashboard_charts_are_accessible_svg_followed_by_data_tables(
    client, spo, staff, employer, bayview, modules
):
    client.force_login(staff)

    html = get_html(client, f"/en/spo/{spo.pk}/")

    for chart_id in ("chart-months", "chart-modules"):
        svg = re.search(rf'<svg [^>]*aria-labelledby="{chart_id}-title {chart_id}-desc"', html)
        assert 'role="img"' in svg.group(0)
        assert f'<title id="{chart_id}-title">' in html
        assert f'<desc id="{chart_id}-desc">' in html
        # The chart scrolls in a box of its own on a phone, which the keyboard reaches.
        box = f'<div class="chart-scroll" role="region" aria-labelledby="{chart_id}-heading" '
        assert html[: svg.start()].rstrip().endswith(box + 'tabindex="0">')
        after = html[html.index("</svg>", svg.end()) + len("</svg>") :].lstrip()
        assert after.startswith("</div>")
        after = after[len("</div>") :].lstrip()
        assert after.startswith('<details class="chart-data">')
        after = after[after.index("</summary>") + len("</summary>") :].lstrip()
        assert after.startswith(
            f'<div class="table-scroll" role="region" aria-labelledby="{chart_id}-caption" '
            'tabindex="0">'
        )
    assert table(html, "chart-modules-caption")[1:] == [
        [modules[0].title, "3", "1", "33"],
        [modules[1].title, "1", "0", "0"],
    ]
    assert " style=" not in html
    # Only the site-wide menu script, no inline script: the page works without it.
    assert re.search(r"<script(?![^>]*\bsrc=)", html) is None


def test_dashboard_chart_counts_are_cached_for_a_few_minutes(
    client, spo, staff, employer, bayview, modules, settings, django_assert_num_queries
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "test-dashboard-charts",
        }
    }
    client.force_login(staff)

    # The seven queries of the dashboard (see the query-count test), then the same less the
    # charts' counts, cached.
    with django_assert_num_queries(7):
        first = client.get(f"/en/spo/{spo.pk}/").content.decode()
    with django_assert_num_queries(6):
        second = client.get(f"/fr/spo/{spo.pk}/").content.decode()

    assert table(first, "chart-modules-caption")[1][1:] == ["3", "1", "33"]
    assert table(second, "chart-modules-caption")[1][1:] == ["3", "1", "33"]
    french = ModulePage.objects.get(
        translation_key=modules[0].translation_key, locale__language_code="fr"
    )
    assert table(second, "chart-modules-caption")[1][0] == french.title


def test_chart_description_summarizes_the_data(client, spo, staff, employer, bayview):
    client.force_login(staff)

    html = get_html(client, f"/en/spo/{spo.pk}/")

    desc = re.search(r'<desc id="chart-modules-desc">(.*?)</desc>', html).group(1)
    assert desc == "Assigned and completed for 2 modules: 1 of 4 assigned completed (25%)."


def test_chart_coordinates_are_not_localized_in_french(client, spo, staff, employer, bayview):
    client.force_login(staff)

    html = get_html(client, f"/fr/spo/{spo.pk}/")

    svg = html[html.index("<svg") : html.index("</svg>")]
    assert re.findall(r'(?:x|y|width|height)="[^"]*,[^"]*"', svg) == []


# -- Exports ---------------------------------------------------------------------------------


@pytest.fixture
def three_provinces(spo, employer, modules):
    """Bayview (NS), Moncton Bakery (NB, one overdue learner), Charlottetown Inn (PE)."""
    moncton = PartnershipFactory(
        spo=spo, employer__legal_name="Moncton Bakery", employer__province="NB"
    ).employer
    enrol(member(moncton), modules[0], due_in=-1)
    PartnershipFactory(spo=spo, employer__legal_name="Charlottetown Inn", employer__province="PE")
    return moncton


def test_spo_export_csv_has_exactly_the_filtered_rows(
    client, spo, staff, employer, bayview, three_provinces
):
    client.force_login(staff)

    response = client.get(f"/en/spo/{spo.pk}/export.csv?status=overdue")

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="atlantic-settlement')
    assert csv_rows(response) == [
        [
            "Employer",
            "Province or territory",
            "Learners",
            "Assigned",
            "In progress",
            "Completed",
            "Overdue",
            "Completion %",
        ],
        ["Bayview Foods Ltd.", "Nova Scotia", "4", "4", "1", "2", "2", "25"],
        ["Moncton Bakery", "New Brunswick", "1", "1", "0", "0", "1", "0"],
    ]


def test_spo_export_xlsx_has_exactly_the_filtered_rows(
    client, spo, staff, employer, bayview, three_provinces, modules
):
    client.force_login(staff)

    response = client.get(f"/en/spo/{spo.pk}/export.xlsx?province=NS&module={modules[0].pk}")

    assert response["Content-Disposition"].endswith('.xlsx"')
    assert xlsx_rows(response)[1:] == [["Bayview Foods Ltd.", "Nova Scotia", 4, 3, 0, 1, 1, 33]]


def test_spo_export_includes_every_page(client, spo, staff):
    bulk_employers(spo, 53, learners_each=0)
    client.force_login(staff)

    rows = csv_rows(client.get(f"/en/spo/{spo.pk}/export.csv?page=1"))

    assert len(rows) == 1 + 53


def test_spo_export_headers_match_the_table_on_screen(client, spo, staff, employer):
    client.force_login(staff)

    on_screen = table(get_html(client, f"/fr/spo/{spo.pk}/"), "employers-caption")[0]
    exported = csv_rows(client.get(f"/fr/spo/{spo.pk}/export.csv"))[0]

    assert exported == on_screen


def test_grid_export_headers_match_the_table_on_screen(client, spo, staff, employer, bayview):
    client.force_login(staff)
    url = f"/fr/spo/{spo.pk}/employers/{employer.pk}/"

    on_screen = grid(get_html(client, url))[0]
    exported = xlsx_rows(client.get(f"{url}export.xlsx"))[0]

    # On screen the email sits under the name instead of in a column of its own.
    assert exported[:1] + exported[2:] == on_screen


def test_drill_down_export_xlsx_has_exactly_the_filtered_rows(
    client, spo, staff, employer, bayview, modules, today
):
    client.force_login(staff)

    response = client.get(f"/en/spo/{spo.pk}/employers/{employer.pk}/export.xlsx?status=overdue")

    rows = xlsx_rows(response)
    assert [row[:5] for row in rows[1:]] == [
        [
            "Ana Arsenault",
            bayview.ana.email,
            modules[1].title,
            "Overdue",
            datetime.datetime.combine(today - datetime.timedelta(3), datetime.time()),
        ],
        [
            "Cleo Cormier",
            bayview.cleo.email,
            modules[0].title,
            "Overdue",
            datetime.datetime.combine(today - datetime.timedelta(1), datetime.time()),
        ],
    ]


def test_employer_export_csv_is_in_the_page_language(client, employer, bayview, modules):
    client.force_login(bayview.cleo)

    rows = csv_rows(client.get(f"/fr/employer/{employer.pk}/export.csv?module={modules[2].pk}"))

    french = ModulePage.objects.get(
        translation_key=modules[2].translation_key, locale__language_code="fr"
    )
    # "Status" already has its French translation in the catalogue.
    assert rows[0][3] == "État"
    with translation.override("fr"):
        completed = str(selectors.Status.COMPLETED.label)
    done = timezone.localdate().isoformat()
    assert rows[1:] == [["Ben Boudreau", bayview.ben.email, french.title, completed, "", done, ""]]


@pytest.mark.parametrize("fmt", ["pdf", "xls", "CSV", "json"])
def test_exports_answer_404_for_unknown_formats(client, spo, staff, employer, fmt):
    admin = member(employer, ADMIN)

    client.force_login(staff)
    spo_export = client.get(f"/en/spo/{spo.pk}/export.{fmt}")
    drill_export = client.get(f"/en/spo/{spo.pk}/employers/{employer.pk}/export.{fmt}")
    client.force_login(admin)
    employer_export = client.get(f"/en/employer/{employer.pk}/export.{fmt}")

    assert [spo_export.status_code, drill_export.status_code, employer_export.status_code] == [
        404,
        404,
        404,
    ]


def test_exports_neutralize_spreadsheet_formulas(client, spo, staff):
    PartnershipFactory(spo=spo, employer__legal_name='=HYPERLINK("http://evil.example")')
    client.force_login(staff)

    from_csv = csv_rows(client.get(f"/en/spo/{spo.pk}/export.csv"))[1][0]
    from_xlsx = xlsx_rows(client.get(f"/en/spo/{spo.pk}/export.xlsx"))[1][0]

    assert from_csv == from_xlsx == '\'=HYPERLINK("http://evil.example")'


# -- Tenant isolation ------------------------------------------------------------------------


@pytest.fixture
def world(spo, staff, employer):
    """Partners and strangers around Bayview (an active partner of ``spo``)."""
    other_spo = SpoFactory()
    ended_spo = SpoFactory()
    PartnershipFactory(spo=ended_spo, employer=employer, status=Partnership.Status.ENDED)
    invited_spo = SpoFactory()
    PartnershipFactory(spo=invited_spo, employer=employer, status=Partnership.Status.INVITED)
    other_employer = EmployerFactory()
    return SimpleNamespace(
        spo=spo,
        employer=employer,
        staff=staff,
        admin=member(employer, ADMIN),
        learner=member(employer),
        other_spo=other_spo,
        other_spo_staff=member(other_spo, Membership.Role.SPO_MANAGER),
        ended_spo=ended_spo,
        ended_spo_staff=member(ended_spo),
        invited_spo=invited_spo,
        invited_spo_staff=member(invited_spo),
        other_admin=member(other_employer, ADMIN),
    )


def spo_urls(spo, employer) -> list[str]:
    return [
        f"/en/spo/{spo.pk}/",
        f"/en/spo/{spo.pk}/export.csv",
        f"/en/spo/{spo.pk}/employers/{employer.pk}/",
        f"/en/spo/{spo.pk}/employers/{employer.pk}/export.xlsx",
    ]


def employer_urls(employer) -> list[str]:
    return [f"/en/employer/{employer.pk}/", f"/en/employer/{employer.pk}/export.csv"]


@pytest.mark.parametrize(
    ("who", "urls"),
    [
        ("other_spo_staff", lambda w: spo_urls(w.spo, w.employer)),
        ("other_spo_staff", lambda w: spo_urls(w.other_spo, w.employer)[2:]),
        ("ended_spo_staff", lambda w: spo_urls(w.ended_spo, w.employer)[2:]),
        ("invited_spo_staff", lambda w: spo_urls(w.invited_spo, w.employer)[2:]),
        ("other_admin", lambda w: employer_urls(w.employer)),
        ("admin", lambda w: spo_urls(w.spo, w.employer)),
        ("staff", lambda w: employer_urls(w.employer)),
        (
            "learner",
            lambda w: [
                "/en/spo/",
                "/en/employer/",
                *spo_urls(w.spo, w.employer),
                *employer_urls(w.employer),
            ],
        ),
    ],
)
def test_dashboards_are_404_for_people_outside(client, world, who, urls):
    client.force_login(getattr(world, who))

    statuses = {url: client.get(url).status_code for url in urls(world)}

    assert statuses == dict.fromkeys(urls(world), 404)


def test_spo_without_active_partnership_does_not_list_the_employer(client, world):
    client.force_login(world.ended_spo_staff)

    html = get_html(client, f"/en/spo/{world.ended_spo.pk}/")

    assert "No partner employer matches these filters." in html
    assert world.employer.legal_name not in html


def test_dashboards_send_anonymous_visitors_to_sign_in(client, world):
    urls = [
        "/en/spo/",
        "/en/employer/",
        *spo_urls(world.spo, world.employer),
        *employer_urls(world.employer),
    ]

    locations = {url: client.get(url)["Location"] for url in urls}

    assert locations == {url: f"/en/accounts/login/?next={url}" for url in urls}


def test_dashboards_open_for_the_people_inside(client, world):
    client.force_login(world.staff)
    spo_statuses = [client.get(url).status_code for url in spo_urls(world.spo, world.employer)]
    client.force_login(world.admin)
    employer_statuses = [client.get(url).status_code for url in employer_urls(world.employer)]

    assert spo_statuses + employer_statuses == [200] * 6


# -- Navigation ------------------------------------------------------------------------------


def nav(html: str) -> str:
    return html[
        html.index('<nav class="site-nav"') : html.index(
            "</nav>", html.index('<nav class="site-nav"')
        )
    ]


def test_nav_links_to_the_spo_dashboard_for_spo_staff(client, staff):
    client.force_login(staff)

    html = nav(get_html(client, "/en/my-learning/"))

    assert '<a href="/en/spo/">SPO dashboard</a>' in html
    assert "Employer dashboard" not in html


def test_nav_links_to_the_employer_dashboard_for_employer_admins(client, employer):
    client.force_login(member(employer, ADMIN))

    html = nav(get_html(client, "/en/my-learning/"))

    assert '<a href="/en/employer/">Employer dashboard</a>' in html
    assert "SPO dashboard" not in html


def test_nav_has_no_dashboard_links_for_learners(client, employer):
    client.force_login(member(employer))

    html = nav(get_html(client, "/en/my-learning/"))

    assert "dashboard" not in html.lower()


# -- Extra columns (the extension point) -----------------------------------------------------


class LearnerCountColumns(DashboardColumns):
    """A stand-in for the certificates app: one query per level."""

    employer_columns = (Column("people", "People (provider)"),)
    learner_columns = (Column("proof", "Proof (provider)"),)

    def employer_values(self, *, employer_ids, module_id):
        counts = (
            Membership.objects.filter(organization_id__in=employer_ids)
            .values("organization_id")
            .annotate(n=Count("pk"))
        )
        return {row["organization_id"]: {"people": row["n"]} for row in counts}

    def learner_values(self, *, rows):
        users = dict(User.objects.filter(pk__in={u for u, _m in rows}).values_list("pk", "email"))
        return {
            (user_id, module_id): {
                "proof": Link(f"Proof {users[user_id]}", f"/proof/{user_id}/{module_id}/")
            }
            for user_id, module_id in rows
        }


def test_no_extra_columns_without_providers(client, spo, staff, employer, bayview):
    client.force_login(staff)

    spo_headers = table(get_html(client, f"/en/spo/{spo.pk}/"), "employers-caption")[0]
    grid_headers = grid(get_html(client, f"/en/spo/{spo.pk}/employers/{employer.pk}/"))[0]

    assert spo_headers[-1] == "Completion %"
    assert grid_headers[-1] == "Best score (%)"


def test_provider_columns_appear_on_screen_and_in_exports(
    client, spo, staff, employer, bayview, modules
):
    client.force_login(staff)
    drill = f"/en/spo/{spo.pk}/employers/{employer.pk}/"

    with hooks.register_temporarily(HOOK_NAME, LearnerCountColumns):
        spo_rows = table(get_html(client, f"/en/spo/{spo.pk}/"), "employers-caption")
        drill_html = get_html(client, f"{drill}?module={modules[1].pk}")
        spo_export = csv_rows(client.get(f"/en/spo/{spo.pk}/export.csv"))
        grid_export = csv_rows(client.get(f"{drill}export.csv?module={modules[1].pk}"))

    assert (spo_rows[0][-1], spo_rows[1][-1]) == ("People (provider)", "4")
    assert figures(drill_html)[-1][1] == "People (provider)"
    assert grid(drill_html)[1][-1] == f"Proof {bayview.ana.email}"
    assert f'<a href="/proof/{bayview.ana.pk}/{modules[1].pk}/">' in drill_html
    assert (spo_export[0][-1], spo_export[1][-1]) == ("People (provider)", "4")
    assert grid_export[1][-1] == f"/proof/{bayview.ana.pk}/{modules[1].pk}/"


def test_learner_without_module_gets_no_provider_value(client, spo, staff, employer, bayview):
    client.force_login(staff)

    with hooks.register_temporarily(HOOK_NAME, LearnerCountColumns):
        rows = grid(get_html(client, f"/en/spo/{spo.pk}/employers/{employer.pk}/"))

    assert rows[-1][0] == "Dev Doucet"
    assert rows[-1][-1] == "—"


# -- Query counts ----------------------------------------------------------------------------


def bulk_employers(spo, count, *, learners_each=2, modules=None, province="NS"):
    """``count`` active partner employers of ``spo``, each with ``learners_each`` learners
    enrolled in ``modules`` (one started, one overdue and so on), created in bulk."""
    tag = Organization.objects.count()
    employers = Organization.objects.bulk_create(
        Organization(
            kind=Organization.Kind.EMPLOYER,
            legal_name=f"Bulk {tag}-{index:03d} Ltd.",
            province=province,
            community="Truro",
        )
        for index in range(count)
    )
    Partnership.objects.bulk_create(
        Partnership(spo=spo, employer=e, status=Partnership.Status.ACTIVE) for e in employers
    )
    users = User.objects.bulk_create(
        User(email=f"bulk-{tag}-{e.pk}-{n}@example.com", first_name="Bulk", last_name=f"{n}")
        for e in employers
        for n in range(learners_each)
    )
    Membership.objects.bulk_create(
        Membership(
            user=user,
            organization=employers[index // learners_each],
            role=Membership.Role.EMPLOYER_LEARNER,
        )
        for index, user in enumerate(users)
    )
    today, now = timezone.localdate(), timezone.now()
    Enrolment.objects.bulk_create(
        Enrolment(
            user=user,
            module=module,
            source=Enrolment.Source.ASSIGNMENT,
            due_on=today + datetime.timedelta(days=(index % 3) * 10 - 5),
            started_at=now if index % 2 else None,
            completed_at=now if index % 4 == 3 else None,
        )
        for index, user in enumerate(users)
        for module in modules or []
    )
    return employers


@pytest.mark.parametrize("count", [1, 10, 100])
def test_spo_dashboard_query_count_is_constant(
    client, spo, staff, modules, count, django_assert_num_queries
):
    bulk_employers(spo, count, modules=modules[:2])
    client.force_login(staff)
    client.get(f"/en/spo/{spo.pk}/")

    # Session, user with the nav's dashboard roles; the SPO (tenant check), module titles in
    # the page's language; the paginator's count, the page of employers with their counts;
    # the charts (one pass over the enrolments).
    with django_assert_num_queries(7):
        response = client.get(f"/en/spo/{spo.pk}/?status=in_progress&module={modules[0].pk}")

    assert response.status_code == 200


@pytest.mark.parametrize("learners", [1, 10, 100])
def test_drill_down_query_count_is_constant(
    client, spo, staff, modules, learners, django_assert_num_queries
):
    employer = bulk_employers(spo, 1, learners_each=learners, modules=modules)[0]
    client.force_login(staff)
    client.get(f"/en/spo/{spo.pk}/employers/{employer.pk}/")

    # Session, user with the nav's dashboard roles; the SPO and the partner employer (tenant
    # checks), module titles; the employer's summary counts; the employer's assignment ids
    # (which enrolments are its own), the grid's count and its page (with best scores); the
    # charts (one pass over the enrolments).
    with django_assert_num_queries(10):
        response = client.get(f"/en/spo/{spo.pk}/employers/{employer.pk}/")

    html = response.content.decode()
    modules = ModulePage.objects.filter(locale__language_code="en").count()
    rows = min(learners * modules, GRID_ROWS_PER_PAGE)
    assert html.count('data-label="Module"') == rows
    # A row per learner and module, under one heading cell per learner.
    assert html.count('class="learner-cell"') == -(-rows // modules)


@pytest.mark.parametrize("learners", [1, 10, 100])
def test_employer_dashboard_query_count_is_constant(
    client, spo, modules, learners, django_assert_num_queries
):
    employer = bulk_employers(spo, 1, learners_each=learners, modules=modules)[0]
    client.force_login(member(employer, ADMIN))
    client.get(f"/en/employer/{employer.pk}/")

    # Session, user with the nav's dashboard roles; the employer (tenant check), module
    # titles; the summary counts; the employer's assignment ids (which enrolments are its
    # own), the grid's count and its page; the charts (one pass over the enrolments).
    with django_assert_num_queries(9):
        response = client.get(f"/en/employer/{employer.pk}/")

    assert response.status_code == 200


@pytest.mark.parametrize("learners", [1, 10, 100])
def test_learner_page_query_count_is_constant(
    client, spo, modules, learners, django_assert_num_queries
):
    employer = bulk_employers(spo, 1, learners_each=learners, modules=modules)[0]
    learner = employer.memberships.first().user
    client.force_login(member(employer, ADMIN))
    url = f"/en/employer/{employer.pk}/learners/{learner.pk}/"
    client.get(url)

    # Session, user with the nav's dashboard roles; the employer and the learner (tenant
    # checks), module titles; the learner's enrolments, their live lessons, their final
    # attempts; the assignments that apply; the reminders sent.
    with django_assert_num_queries(10):
        response = client.get(url)

    assert response.content.decode().count('class="record"') == len(modules)


@pytest.mark.parametrize("learners", [1, 10, 100])
def test_spo_learner_page_query_count_is_constant(
    client, spo, staff, modules, learners, django_assert_num_queries
):
    employer = bulk_employers(spo, 1, learners_each=learners, modules=modules)[0]
    learner = employer.memberships.first().user
    client.force_login(staff)
    url = f"/en/spo/{spo.pk}/employers/{employer.pk}/learners/{learner.pk}/"
    client.get(url)

    # Session, user with the nav's dashboard roles; the SPO, the partner employer and the
    # learner (tenant checks), module titles; the learner's enrolments, their live lessons,
    # their final attempts; the assignments that apply; the reminders sent.
    with django_assert_num_queries(11):
        response = client.get(url)

    assert response.content.decode().count('class="record"') == len(modules)


@pytest.mark.parametrize("count", [1, 10])
def test_each_provider_costs_one_query_per_table(
    client, spo, staff, modules, count, django_assert_num_queries
):
    employer = bulk_employers(spo, count, learners_each=2, modules=modules)[0]
    client.force_login(staff)

    with hooks.register_temporarily(HOOK_NAME, LearnerCountColumns):
        # The seven of the dashboard, plus the provider's employer values.
        with django_assert_num_queries(8):
            client.get(f"/en/spo/{spo.pk}/")
        # The ten of the drill-down, plus the provider's summary and grid values.
        with django_assert_num_queries(12):
            client.get(f"/en/spo/{spo.pk}/employers/{employer.pk}/")
