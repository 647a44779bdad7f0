"""Chart geometry (learning.charts): pure functions, no database."""

import pytest

from learning import charts


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0, 1), (1, 1), (2, 2), (3, 5), (5, 5), (6, 10), (11, 20), (21, 50), (51, 100), (999, 1000)],
)
def test_nice_ceiling_rounds_up_to_one_two_or_five(value, expected):
    assert charts.nice_ceiling(value) == expected


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [
        (1, [0, 1]),
        (2, [0, 1, 2]),
        (5, [0, 1, 2, 3, 4, 5]),
        (10, [0, 2, 4, 6, 8, 10]),
        (20, [0, 5, 10, 15, 20]),
        (200, [0, 50, 100, 150, 200]),
    ],
)
def test_ticks_are_whole_and_at_most_six(maximum, expected):
    assert charts.ticks(maximum) == expected


def month_chart(values):
    return charts.column_chart(
        chart_id="months",
        title="Completed per month",
        description="Twelve months.",
        labels=[f"M{i}" for i in range(len(values))],
        table_labels=[f"Month {i}" for i in range(len(values))],
        values=values,
        category_header="Month",
        value_header="Completed",
    )


def test_column_chart_bar_heights_are_proportional_to_values():
    chart = month_chart([0, 5, 10])

    heights = [bar.height for bar in chart.bars]

    assert heights[0] == 0
    assert heights[2] == 2 * heights[1]
    assert [bar.value for bar in chart.bars] == [0, 5, 10]


def test_column_chart_bars_stand_on_the_same_baseline():
    chart = month_chart([1, 4, 10])

    bottoms = {round(bar.y + bar.height, 1) for bar in chart.bars}

    assert len(bottoms) == 1


def test_column_chart_tallest_bar_reaches_the_top_gridline():
    chart = month_chart([3, 10])

    top_gridline = min(line.y1 for line in chart.gridlines)

    assert chart.bars[1].y == top_gridline


def test_column_chart_stays_inside_its_view_box():
    chart = month_chart([7] * 12)

    for bar in chart.bars:
        assert 0 <= bar.x and bar.x + bar.width <= chart.width
        assert 0 <= bar.y and bar.y + bar.height <= chart.height
    assert chart.view_box == f"0 0 {chart.width} {chart.height}"


def test_column_chart_without_completions_draws_no_bar_height():
    chart = month_chart([0] * 12)

    assert [bar.height for bar in chart.bars] == [0] * 12
    assert [line.y1 for line in chart.gridlines] == sorted(
        (line.y1 for line in chart.gridlines), reverse=True
    )


def test_column_chart_table_uses_the_long_labels():
    chart = month_chart([1, 2])

    assert chart.table.headers == ["Month", "Completed"]
    assert chart.table.rows == [("Month 0", [1]), ("Month 1", [2])]
    assert chart.table.caption == "Completed per month"


def test_column_chart_writes_sublabels_under_labels():
    chart = charts.column_chart(
        chart_id="c",
        title="t",
        description="d",
        labels=["Dec", "Jan"],
        sublabels=["2025", "2026"],
        values=[1, 2],
        category_header="Month",
        value_header="n",
    )

    texts = [text.text for text in chart.texts if text.anchor == "middle"]

    assert texts == ["Dec", "2025", "Jan", "2026"]


def test_column_chart_refuses_mismatched_labels():
    with pytest.raises(ValueError):
        charts.column_chart(
            chart_id="c",
            title="t",
            description="d",
            labels=["only one"],
            values=[1, 2],
            category_header="a",
            value_header="b",
        )


def module_chart(values, categories=None, percents=None):
    categories = categories or [f"Module {i}" for i in range(len(values))]
    percents = percents or ["—"] * len(values)
    return charts.grouped_bar_chart(
        chart_id="modules",
        title="Completion by module",
        description="Two series.",
        categories=categories,
        series=[("assigned", "Assigned"), ("completed", "Completed")],
        values=values,
        category_header="Module",
        extra_columns=[("Completion %", percents)],
    )


def test_grouped_bar_chart_draws_one_bar_per_category_and_series():
    chart = module_chart([[10, 5], [4, 0]])

    assert [(bar.series, bar.value) for bar in chart.bars] == [
        ("assigned", 10),
        ("completed", 5),
        ("assigned", 4),
        ("completed", 0),
    ]


def test_grouped_bar_chart_bar_widths_are_proportional_to_values():
    chart = module_chart([[10, 5]])

    assigned, completed = chart.bars

    assert assigned.width == 2 * completed.width
    assert assigned.label_x > assigned.width


def test_grouped_bar_chart_names_series_in_a_legend():
    chart = module_chart([[1, 1]])

    assert [(item.series, item.text) for item in chart.legend] == [
        ("assigned", "Assigned"),
        ("completed", "Completed"),
    ]
    assert chart.legend[1].x > chart.legend[0].text_x


def test_grouped_bar_chart_grows_with_categories():
    one, three = module_chart([[1, 1]]), module_chart([[1, 1]] * 3)

    assert three.height > one.height
    assert all(bar.y + bar.height <= three.height for bar in three.bars)


def test_grouped_bar_chart_table_adds_extra_columns():
    chart = module_chart([[10, 5], [4, 0]], categories=["A", "B"], percents=[50, "—"])

    assert chart.table.headers == ["Module", "Assigned", "Completed", "Completion %"]
    assert chart.table.rows == [("A", [10, 5, 50]), ("B", [4, 0, "—"])]


def test_grouped_bar_chart_writes_category_names_as_text():
    chart = module_chart([[1, 0]], categories=["Intercultural competency"])

    assert [text.text for text in chart.texts] == ["Intercultural competency"]


def test_grouped_bar_chart_refuses_missing_values():
    with pytest.raises(ValueError):
        module_chart([[1]])
