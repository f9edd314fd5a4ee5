"""The shared chart drawer: accessible names, escaping, hidden values never drawn."""

from xml.etree import ElementTree

from core.charts import Bar, Series, bar_chart, line_chart, share_bar

SVG = "{http://www.w3.org/2000/svg}"


def parse(chart):
    return ElementTree.fromstring(str(chart.svg))


def test_a_bar_chart_has_a_title_a_summary_and_one_filled_bar_per_known_value():
    chart = bar_chart(
        title="Supervision on cadence",
        summary="Two of three services are above 80%.",
        bars=[Bar("North", 0.9, "90%"), Bar("South", 0.5, "50%"), Bar("East", None, "Suppressed")],
        max_value=1,
    )
    svg = parse(chart)
    assert svg.find(f"{SVG}title").text == "Supervision on cadence"
    assert svg.find(f"{SVG}desc").text == "Two of three services are above 80%."
    assert svg.get("role") == "img"
    fills = [r for r in svg.iter(f"{SVG}rect") if r.get("fill") != "#e9ecef"]
    assert len(fills) == 2  # the suppressed row has a track but no bar
    widths = sorted(float(r.get("width")) for r in fills)
    assert widths[1] == widths[0] * (0.9 / 0.5)
    assert chart.rows == [["North", "90%"], ["South", "50%"], ["East", "Suppressed"]]


def test_labels_are_escaped_so_a_name_cannot_inject_markup():
    chart = bar_chart(title="<b>x</b>", summary="s", bars=[Bar("<script>", 1)])
    assert "<script>" not in str(chart.svg)
    assert parse(chart).find(f"{SVG}title").text == "<b>x</b>"


def test_a_share_bar_splits_the_width_in_proportion():
    chart = share_bar(
        title="Reliable change",
        summary="s",
        parts=[Bar("Improved", 3), Bar("No change", 1)],
        width=400,
    )
    fills = [r for r in parse(chart).iter(f"{SVG}rect") if r.get("height") == "22"][1:]
    assert [float(r.get("width")) for r in fills] == [300.0, 100.0]


def test_a_line_chart_breaks_at_missing_values_and_tabulates_every_period():
    chart = line_chart(
        title="Trend",
        summary="s",
        x_labels=["Q1", "Q2", "Q3", "Q4"],
        series=[Series("Team", [1, 2, None, 3])],
        y_min=0,
        y_max=4,
    )
    svg = parse(chart)
    assert len(list(svg.iter(f"{SVG}polyline"))) == 1  # Q1–Q2 joined; Q4 stands alone
    assert len(list(svg.iter(f"{SVG}circle"))) == 3
    assert chart.rows == [["Q1", "1"], ["Q2", "2"], ["Q3", ""], ["Q4", "3"]]
