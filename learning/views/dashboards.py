"""SPO and employer dashboards: counts per employer, an employer's learner × module grid,
charts, filters and CSV/XLSX exports of exactly the table on screen (every page of it).

Who may see what is decided by ``learning.selectors.organizations``; anything else is a 404
(never a 403, which would confirm that the organization exists). The numbers are defined in
``learning.selectors.dashboards``.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django import forms
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.text import slugify
from django.utils.translation import get_language, gettext_lazy, ngettext, pgettext_lazy
from django.utils.translation import gettext as _
from django.views import View

from learning import charts, exports
from learning.dashboard_columns import EXPORT_CHUNK, ExtraColumns, extra_columns
from learning.models import Membership, Organization, Province
from learning.selectors import dashboards
from learning.selectors.organizations import (
    employer_for,
    partner_employer,
    spo_for,
    user_employers,
    user_spos,
)

EMPLOYERS_PER_PAGE = 50
GRID_ROWS_PER_PAGE = 100
CHART_MONTHS = 12
CHART_CACHE_SECONDS = 300


class DashboardFilterForm(forms.Form):
    """The GET filters. Invalid values are reported and ignored."""

    module = forms.TypedChoiceField(
        label=gettext_lazy("Module"), required=False, coerce=int, empty_value=None
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False)
    province = forms.ChoiceField(label=gettext_lazy("Province or territory"), required=False)

    def __init__(self, query, *, modules: dict[int, dashboards.ModuleTitle], provinces: bool):
        super().__init__(query)
        self.fields["module"].choices = [
            ("", gettext_lazy("All modules")),
            # Live modules only: drafts stay with the editors.
            *((module.id, module.title) for module in modules.values() if module.live),
        ]
        self.fields["status"].choices = [
            ("", gettext_lazy("Any status")),
            *dashboards.Status.choices,
        ]
        if provinces:
            self.fields["province"].choices = [
                ("", gettext_lazy("All provinces and territories")),
                *Province.choices,
            ]
        else:
            del self.fields["province"]

    def filters(self) -> dashboards.DashboardFilters:
        self.is_valid()
        cleaned = self.cleaned_data
        return dashboards.DashboardFilters(
            module_id=cleaned.get("module") or None,
            status=cleaned.get("status") or "",
            province=cleaned.get("province") or "",
        )


# -- Tables: the same headers and cells on screen and in exports ----------------------------


def employer_headers(extra: ExtraColumns) -> list:
    return [
        _("Employer"),
        _("Province or territory"),
        _("Learners"),
        _("Assigned"),
        _("In progress"),
        _("Completed"),
        _("Overdue"),
        _("Completion %"),
        *(column.label for column in extra.columns),
    ]


def employer_cells(row: dashboards.EmployerRow) -> list:
    employer = row.employer
    return [
        employer.display_name,
        employer.get_province_display(),
        row.learners,
        row.assigned,
        row.in_progress,
        row.completed,
        row.overdue,
        row.completion,
        *row.extra,
    ]


def grid_headers(extra: ExtraColumns) -> list:
    return [
        _("Learner"),
        _("Email"),
        _("Module"),
        _("Status"),
        _("Due date"),
        _("Completed on"),
        _("Best score (%)"),
        *(column.label for column in extra.columns),
    ]


def grid_cells(row: dashboards.GridRow) -> list:
    completed = timezone.localdate(row.completed_at) if row.completed_at else None
    return [
        row.name,
        row.email,
        row.module,
        row.status.label if row.status else _("No modules"),
        row.due_on,
        completed,
        row.best_score,
        *row.extra,
    ]


def _page_range(page) -> list:
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _employer_rows(objects: Iterable[Organization], extra: ExtraColumns, module_id):
    rows = [dashboards.employer_row(employer) for employer in objects]
    values = extra.values([row.employer.pk for row in rows], module_id=module_id)
    for row in rows:
        row.extra = values[row.employer.pk]
        row.labelled_extra = list(zip(extra.columns, row.extra, strict=True))
    return rows


def _grid_rows(values: Iterable[tuple], extra: ExtraColumns, titles, today):
    rows = [dashboards.grid_row(value, titles=titles, today=today) for value in values]
    cells = extra.values({row.key for row in rows if row.key is not None})
    blank = [None] * len(extra.columns)
    for row in rows:
        row.extra = cells[row.key] if row.key is not None else blank
    return rows


@dataclass
class LearnerGroup:
    """A learner's consecutive rows of a grid page: their name is shown once, beside them."""

    user_id: int
    rows: list


def _learner_groups(rows: list, columns) -> list[LearnerGroup]:
    groups: list[LearnerGroup] = []
    for row in rows:
        row.labelled_extra = list(zip(columns, row.extra, strict=True))
        if not groups or groups[-1].user_id != row.user_id:
            groups.append(LearnerGroup(user_id=row.user_id, rows=[]))
        groups[-1].rows.append(row)
    return groups


# -- Charts ----------------------------------------------------------------------------------


# Month abbreviations on the chart's axis, as each language abbreviates them (French:
# « janv., févr., mars… », as the Translation Bureau and the OQLF do).
MONTH_ABBREVIATIONS = (
    pgettext_lazy("chart month", "Jan."),
    pgettext_lazy("chart month", "Feb."),
    pgettext_lazy("chart month", "Mar."),
    pgettext_lazy("chart month", "Apr."),
    pgettext_lazy("chart month", "May"),
    pgettext_lazy("chart month", "June"),
    pgettext_lazy("chart month", "July"),
    pgettext_lazy("chart month", "Aug."),
    pgettext_lazy("chart month", "Sept."),
    pgettext_lazy("chart month", "Oct."),
    pgettext_lazy("chart month", "Nov."),
    pgettext_lazy("chart month", "Dec."),
)


def _month_chart(months: list) -> charts.Chart:
    first, last = months[0][0], months[-1][0]
    total = sum(count for _month, count in months)
    period = {
        "start": date_format(first, "YEAR_MONTH_FORMAT"),
        "end": date_format(last, "YEAR_MONTH_FORMAT"),
    }
    if total:
        best_month, best = max(months, key=lambda item: item[1])
        description = ngettext(
            "Modules completed each month from %(start)s to %(end)s: %(total)s in all, the "
            "most in %(best_month)s (%(best)s).",
            "Modules completed each month from %(start)s to %(end)s: %(total)s in all, the "
            "most in %(best_month)s (%(best)s).",
            total,
        ) % {
            **period,
            "total": total,
            "best_month": date_format(best_month, "YEAR_MONTH_FORMAT"),
            "best": best,
        }
    else:
        description = _("No module was completed from %(start)s to %(end)s.") % period
    return charts.column_chart(
        chart_id="chart-months",
        title=_("Modules completed per month"),
        description=description,
        labels=[str(MONTH_ABBREVIATIONS[month.month - 1]) for month, _count in months],
        sublabels=[
            str(month.year) if index == 0 or month.month == 1 else ""
            for index, (month, _count) in enumerate(months)
        ],
        table_labels=[date_format(month, "YEAR_MONTH_FORMAT") for month, _count in months],
        values=[count for _month, count in months],
        category_header=_("Month"),
        value_header=_("Modules completed"),
    )


def _module_chart(modules: list[dashboards.ModuleCompletion]) -> charts.Chart | None:
    if not modules:
        return None
    assigned = sum(row.assigned for row in modules)
    completed = sum(row.completed for row in modules)
    description = ngettext(
        "Assigned and completed for %(count)s module: %(completed)s of %(assigned)s "
        "assigned completed (%(percent)s%%).",
        "Assigned and completed for %(count)s modules: %(completed)s of %(assigned)s "
        "assigned completed (%(percent)s%%).",
        len(modules),
    ) % {
        "count": len(modules),
        "completed": completed,
        "assigned": assigned,
        "percent": dashboards.completion_percent(completed=completed, assigned=assigned),
    }
    return charts.grouped_bar_chart(
        chart_id="chart-modules",
        title=_("Completion by module"),
        description=description,
        categories=[row.module.title for row in modules],
        series=[("assigned", _("Assigned")), ("completed", _("Completed"))],
        values=[[row.assigned, row.completed] for row in modules],
        category_header=_("Module"),
        extra_columns=[
            (
                _("Completion %"),
                ["—" if row.completion is None else row.completion for row in modules],
            )
        ],
    )


def _charts(scope: str, memberships, titles, today) -> dict:
    """Both charts. Their counts (one query) are cached for a few minutes per ``scope``
    and day: they summarize twelve months, and the SPO-wide pass over every enrolment is
    the dashboard's most expensive query. The tables are always live."""
    key = f"learning:dashboard-charts:{scope}:{today.isoformat()}"
    counts = cache.get(key)
    if counts is None:
        counts = dashboards.chart_counts(memberships=memberships, today=today, months=CHART_MONTHS)
        cache.set(key, counts, CHART_CACHE_SECONDS)
    return {
        "month_chart": _month_chart(counts.months),
        "module_chart": _module_chart(counts.module_completions(titles)),
    }


# -- Choosing an organization ----------------------------------------------------------------


def _organization_home(request, organizations, url_name: str, title: str):
    """Straight to the dashboard of the only organization, a list when there are several,
    404 when there are none."""
    organizations = list(organizations)
    if not organizations:
        raise Http404
    if len(organizations) == 1:
        return redirect(url_name, organizations[0].pk)
    links = [(org, reverse(url_name, args=[org.pk])) for org in organizations]
    return render(
        request, "learning/dashboards/organization_list.html", {"title": title, "links": links}
    )


@login_required
def spo_home(request):
    return _organization_home(
        request,
        user_spos(user=request.user).order_by("legal_name", "pk"),
        "spo:dashboard",
        _("Your settlement organizations"),
    )


@login_required
def employer_home(request):
    return _organization_home(
        request,
        user_employers(user=request.user).order_by("legal_name", "pk"),
        "employer:dashboard",
        _("Your employers"),
    )


def _spo(request, spo_id: int) -> Organization:
    spo = spo_for(user=request.user, spo_id=spo_id)
    if spo is None:
        raise Http404
    return spo


def _partner(request, spo_id: int, employer_id: int) -> tuple[Organization, Organization]:
    spo = _spo(request, spo_id)
    employer = partner_employer(spo=spo, employer_id=employer_id)
    if employer is None:
        raise Http404
    return spo, employer


def _administered(request, employer_id: int) -> Organization:
    employer = employer_for(user=request.user, employer_id=employer_id)
    if employer is None:
        raise Http404
    return employer


def _check_format(fmt: str) -> None:
    if fmt not in exports.FORMATS:
        raise Http404


def _filename(organization: Organization, what: str, fmt: str) -> str:
    name = slugify(organization.operating_name or organization.legal_name) or "organization"
    return f"{name}-{what}-{timezone.localdate().isoformat()}.{fmt}"


def _in_language(rows: Iterable[list], language: str) -> Iterator[list]:
    """``rows`` built in ``language``: a streamed CSV is built after the view returns."""
    with translation.override(language):
        yield from rows


def _export(fmt: str, *, filename: str, sheet_title: str, headers: list, rows: Iterable[list]):
    rows = _in_language(rows, get_language())
    if fmt == "csv":
        return exports.csv_response(filename=filename, headers=headers, rows=rows)
    return exports.xlsx_response(
        filename=filename, sheet_title=sheet_title, headers=headers, rows=rows
    )


# -- The SPO dashboard -----------------------------------------------------------------------


class SpoDashboardView(LoginRequiredMixin, View):
    """An SPO's active partner employers with their counts (filtered, paginated), and
    charts of all of them."""

    def get(self, request, spo_id: int):
        spo = _spo(request, spo_id)
        today = timezone.localdate()
        titles = dashboards.module_titles(language=get_language())
        form = DashboardFilterForm(request.GET, modules=titles, provinces=True)
        filters = form.filters()
        page = Paginator(
            dashboards.spo_employers(spo=spo, filters=filters, today=today), EMPLOYERS_PER_PAGE
        ).get_page(request.GET.get("page"))
        extra = extra_columns("employer")
        counts = dashboards.employer_counts(
            employers=page.object_list, module_id=filters.module_id, today=today
        )
        rows = _employer_rows(counts, extra, filters.module_id)
        # The drill-down opens with the same module and status filters.
        drill = {"module": filters.module_id, "status": filters.status}
        drill_query = urlencode({key: value for key, value in drill.items() if value})
        return render(
            request,
            "learning/dashboards/spo_dashboard.html",
            {
                "spo": spo,
                "may_invite": spo.user_role == Membership.Role.SPO_MANAGER,
                "form": form,
                "filters": filters,
                "page": page,
                "rows": rows,
                "headers": employer_headers(extra),
                "extra_columns": extra.columns,
                "drill_query": f"?{drill_query}" if drill_query else "",
                "page_range": _page_range(page),
                "csv_url": reverse("spo:export", args=[spo.pk, "csv"]),
                "xlsx_url": reverse("spo:export", args=[spo.pk, "xlsx"]),
                **_charts(
                    f"spo:{spo.pk}", dashboards.spo_learner_memberships(spo=spo), titles, today
                ),
            },
        )


@login_required
def spo_export(request, spo_id: int, fmt: str):
    """Every row of the SPO dashboard's table, with the same filters, as CSV or XLSX."""
    spo = _spo(request, spo_id)
    _check_format(fmt)
    today = timezone.localdate()
    titles = dashboards.module_titles(language=get_language())
    filters = DashboardFilterForm(request.GET, modules=titles, provinces=True).filters()
    extra = extra_columns("employer")
    counts = dashboards.employer_counts(
        employers=dashboards.spo_employers(spo=spo, filters=filters, today=today),
        module_id=filters.module_id,
        today=today,
    )

    def rows():
        for chunk in _chunks(counts.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
            for row in _employer_rows(chunk, extra, filters.module_id):
                yield employer_cells(row)

    return _export(
        fmt,
        filename=_filename(spo, "employers", fmt),
        sheet_title=_("Employers"),
        headers=employer_headers(extra),
        rows=rows(),
    )


# -- One employer: SPO drill-down and the employer's own dashboard --------------------------


def _employer_context(request, employer: Organization) -> dict:
    today = timezone.localdate()
    titles = dashboards.module_titles(language=get_language())
    form = DashboardFilterForm(request.GET, modules=titles, provinces=False)
    filters = form.filters()
    employer_extra = extra_columns("employer")
    summary = _employer_rows(
        dashboards.employer_counts(
            employers=Organization.objects.filter(pk=employer.pk), module_id=None, today=today
        ),
        employer_extra,
        None,
    )[0]
    page = Paginator(
        dashboards.employer_grid(employer=employer, filters=filters, today=today),
        GRID_ROWS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    learner_extra = extra_columns("learner")
    grid = _grid_rows(page.object_list, learner_extra, titles, today)
    return {
        "employer": employer,
        "summary": summary,
        "summary_headers": employer_headers(employer_extra)[2:],
        "summary_extra": list(zip(employer_extra.columns, summary.extra, strict=True)),
        "form": form,
        "filters": filters,
        "page": page,
        "page_range": _page_range(page),
        "grid": grid,
        "learner_groups": _learner_groups(grid, learner_extra.columns),
        "headers": grid_headers(learner_extra),
        # On screen the email sits under the name (exports keep it as a column).
        "screen_headers": [h for i, h in enumerate(grid_headers(learner_extra)) if i != 1],
        "extra_columns": learner_extra.columns,
        **_charts(
            f"employer:{employer.pk}",
            dashboards.employer_learner_memberships(employer=employer),
            titles,
            today,
        ),
    }


def _grid_export(request, employer: Organization, fmt: str):
    today = timezone.localdate()
    titles = dashboards.module_titles(language=get_language())
    filters = DashboardFilterForm(request.GET, modules=titles, provinces=False).filters()
    extra = extra_columns("learner")
    grid = dashboards.employer_grid(employer=employer, filters=filters, today=today)

    def rows():
        for chunk in _chunks(grid.iterator(chunk_size=EXPORT_CHUNK), EXPORT_CHUNK):
            for row in _grid_rows(chunk, extra, titles, today):
                yield grid_cells(row)

    return _export(
        fmt,
        filename=_filename(employer, "learners", fmt),
        sheet_title=_("Learners"),
        headers=grid_headers(extra),
        rows=rows(),
    )


class SpoEmployerView(LoginRequiredMixin, View):
    """One partner employer, seen by its SPO: summary, charts, the learner × module grid."""

    def get(self, request, spo_id: int, employer_id: int):
        spo, employer = _partner(request, spo_id, employer_id)
        context = _employer_context(request, employer)
        context.update(
            spo=spo,
            can_see_attempts=spo.user_role == Membership.Role.SPO_MANAGER,
            csv_url=reverse("spo:employer_export", args=[spo.pk, employer.pk, "csv"]),
            xlsx_url=reverse("spo:employer_export", args=[spo.pk, employer.pk, "xlsx"]),
            back_url=reverse("spo:dashboard", args=[spo.pk]),
        )
        return render(request, "learning/dashboards/employer_dashboard.html", context)


@login_required
def spo_employer_export(request, spo_id: int, employer_id: int, fmt: str):
    _spo, employer = _partner(request, spo_id, employer_id)
    _check_format(fmt)
    return _grid_export(request, employer, fmt)


class EmployerDashboardView(LoginRequiredMixin, View):
    """An employer administrator's dashboard of their own people."""

    def get(self, request, employer_id: int):
        employer = _administered(request, employer_id)
        context = _employer_context(request, employer)
        context.update(
            csv_url=reverse("employer:export", args=[employer.pk, "csv"]),
            xlsx_url=reverse("employer:export", args=[employer.pk, "xlsx"]),
        )
        return render(request, "learning/dashboards/employer_dashboard.html", context)


@login_required
def employer_export(request, employer_id: int, fmt: str):
    employer = _administered(request, employer_id)
    _check_format(fmt)
    return _grid_export(request, employer, fmt)
