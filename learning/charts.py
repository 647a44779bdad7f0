"""Bar charts drawn on the server as inline SVG, with the same data as a table.

This module computes geometry only (in the SVG's own units; the SVG scales to its
container). ``learning/dashboards/_chart.html`` draws it: ``role="img"`` with a title and
a description, text labels, CSS classes instead of inline styles (a Content Security
Policy will forbid them), and the data table right after the picture. Series differ by
more than colour: assigned bars are outlined, completed bars are solid, and a legend names
them.
"""

import math
from dataclasses import dataclass, field

WIDTH = 640
FONT = 14  # label size, in SVG units; matches site.css (.chart text)


def nice_ceiling(value: float) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50… that is at least ``value`` (1 for 0)."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return int(step * magnitude)
    raise AssertionError("unreachable")


def ticks(maximum: int) -> list[int]:
    """Gridline values from 0 to ``maximum`` (a ``nice_ceiling``): at most six, whole."""
    if maximum <= 5:
        step = 1
    else:
        lead = maximum // 10 ** math.floor(math.log10(maximum))
        step = maximum // 4 if lead == 2 else maximum // 5
    return list(range(0, maximum + 1, step))


@dataclass(frozen=True)
class Bar:
    """A bar, and where its value is written (``label_*``)."""

    x: float
    y: float
    width: float
    height: float
    value: int
    series: str
    label_x: float
    label_y: float
    label_anchor: str = "middle"


@dataclass(frozen=True)
class Text:
    x: float
    y: float
    text: str
    anchor: str = "middle"
    css: str = "chart-label"


@dataclass(frozen=True)
class Line:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class LegendItem:
    """A swatch at (x, y) and its text to the right."""

    x: float
    y: float
    series: str
    text: str
    size: int = 16

    @property
    def text_x(self) -> float:
        return self.x + self.size + 6

    @property
    def text_y(self) -> float:
        return self.y + self.size - 3


@dataclass
class DataTable:
    """The chart's data: one row per category, a row header and one cell per column."""

    caption: str
    headers: list[str]
    rows: list[tuple[str, list]]


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    table: DataTable
    bars: list[Bar] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    gridlines: list[Line] = field(default_factory=list)
    legend: list[LegendItem] = field(default_factory=list)

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width} {self.height}"


def _r(value: float) -> float | int:
    """A coordinate with one decimal at most (whole numbers print without one)."""
    value = round(value, 1)
    return int(value) if value == int(value) else value


def column_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    labels: list[str],
    values: list[int],
    category_header: str,
    value_header: str,
    sublabels: list[str] | None = None,
    table_labels: list[str] | None = None,
    series: str = "completed",
) -> Chart:
    """Vertical columns, one per label (months, say), with gridlines, a value above each
    column and the label (and optional second line) below. The data table uses
    ``table_labels`` (longer ones, say) when given, else ``labels``."""
    table_labels = table_labels or labels
    if not len(labels) == len(values) == len(table_labels):
        raise ValueError("one value per label")
    left, right, top, bottom = 44, 8, 26, 48 if sublabels else 30
    height = 280
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    maximum = nice_ceiling(max(values, default=0))
    base = top + plot_h
    chart = Chart(
        id=chart_id,
        title=title,
        description=description,
        width=WIDTH,
        height=height,
        table=DataTable(
            caption=title,
            headers=[category_header, value_header],
            rows=[(label, [value]) for label, value in zip(table_labels, values, strict=True)],
        ),
    )
    for tick in ticks(maximum):
        y = _r(base - tick / maximum * plot_h)
        chart.gridlines.append(Line(left, y, WIDTH - right, y))
        chart.texts.append(Text(left - 6, _r(y + FONT / 3), str(tick), anchor="end"))
    slot = plot_w / max(1, len(values))
    bar_w = slot * 0.6
    for index, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + index * slot + (slot - bar_w) / 2
        bar_h = value / maximum * plot_h
        centre = _r(x + bar_w / 2)
        chart.bars.append(
            Bar(
                x=_r(x),
                y=_r(base - bar_h),
                width=_r(bar_w),
                height=_r(bar_h),
                value=value,
                series=series,
                label_x=centre,
                label_y=_r(base - bar_h - 6),
            )
        )
        chart.texts.append(Text(centre, base + FONT + 4, label))
        if sublabels and sublabels[index]:
            chart.texts.append(Text(centre, base + 2 * FONT + 8, sublabels[index]))
    return chart


def grouped_bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    categories: list[str],
    series: list[tuple[str, str]],
    values: list[list[int]],
    category_header: str,
    extra_columns: list[tuple[str, list]] | None = None,
) -> Chart:
    """Horizontal bars: for each category (a module, say) its name on a line of its own
    (long names stay readable on narrow screens), then one bar per series with its value at
    the end. ``series`` are ``(css name, label)`` pairs, named in a legend; ``values[i][j]``
    is category i's value in series j. ``extra_columns`` add ``(header, one value per
    category)`` columns to the data table only."""
    if len(values) != len(categories) or any(len(row) != len(series) for row in values):
        raise ValueError("one value per category and series")
    bar_h, bar_gap, group_gap, label_h, value_room, legend_h = 18, 4, 16, FONT + 8, 56, 28
    plot_w = WIDTH - value_room
    maximum = nice_ceiling(max((v for row in values for v in row), default=0))
    group_h = label_h + len(series) * (bar_h + bar_gap) + group_gap
    extra_columns = extra_columns or []
    chart = Chart(
        id=chart_id,
        title=title,
        description=description,
        width=WIDTH,
        height=legend_h + max(1, len(categories)) * group_h,
        table=DataTable(
            caption=title,
            headers=[category_header, *(label for _css, label in series)]
            + [header for header, _values in extra_columns],
            rows=[
                (category, [*row, *(column[i] for _header, column in extra_columns)])
                for i, (category, row) in enumerate(zip(categories, values, strict=True))
            ],
        ),
    )
    x = 0.0
    for css, label in series:
        item = LegendItem(_r(x), 4, css, label)
        chart.legend.append(item)
        # Room for the text (an estimate: text is not measured on the server) and a gap.
        x = item.text_x + FONT * 0.6 * len(str(label)) + 24
    for index, (category, row) in enumerate(zip(categories, values, strict=True)):
        top = legend_h + index * group_h
        chart.texts.append(Text(0, top + FONT + 2, category, anchor="start"))
        for position, ((css, _label), value) in enumerate(zip(series, row, strict=True)):
            y = top + label_h + position * (bar_h + bar_gap)
            width = value / maximum * plot_w
            chart.bars.append(
                Bar(
                    x=0,
                    y=y,
                    width=_r(width),
                    height=bar_h,
                    value=value,
                    series=css,
                    label_x=_r(width + 6),
                    label_y=_r(y + bar_h / 2 + FONT / 3),
                    label_anchor="start",
                )
            )
    return chart
