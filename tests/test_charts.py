from __future__ import annotations

import dataclasses

import polars as pl
import pytest

from loyalty import analysis, charts, wording
from loyalty.i18n import t


def test_link_scatter_carries_branch_ids_and_states_r_ci_and_n(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    link = analysis.chain_links(table)[0]
    fig = charts.link_scatter(table, link, "en", wording.link_subtitle(link, "en"))
    points = fig.data[0]
    shown = table.filter(pl.col("engagement").is_not_null())
    assert sorted(points.customdata) == sorted(shown["branch_id"].to_list())
    assert f"n\u00a0=\u00a0{link.result.n} branches (branch level)" in fig.layout.title.text
    assert "95% CI" in fig.layout.title.text
    assert fig.data[1].mode == "lines"  # fitted line
    assert (
        charts.link_scatter(table, link, "de", wording.link_subtitle(link, "de")).layout.separators
        == ",."
    )


def test_a_chart_title_and_its_subtitle_become_markup_in_one_place(demo_store):
    assert charts.chart_title("Kette", "n = 5") == {"text": "Kette<br><sup>n = 5</sup>"}
    assert charts.chart_title("Kette") == {"text": "Kette"}
    text, _ = charts.wrapped_title("Kette<br><sup>n = 5</sup>", charts.NARROWEST, 17)
    assert text == "Kette<br><sup>n = 5</sup>"  # wrapped_title reads the markup back
    # a link chart: the link's name from the catalogue, wording's sentence below it
    table = analysis.branch_table(demo_store, "2025-H2")
    link = analysis.chain_links(table)[0]
    sentence = wording.link_subtitle(link, "de")
    fig = charts.link_scatter(table, link, "de", sentence)
    assert fig.layout.meta["title"] == f"{t('link.' + link.key, 'de')}<br><sup>{sentence}</sup>"


def test_highlighted_branch_is_coloured(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    link = analysis.chain_links(table)[1]
    fig = charts.link_scatter(
        table, link, "de", wording.link_subtitle(link, "de"), highlight="B042"
    )
    idx = list(fig.data[0].customdata).index("B042")
    assert fig.data[0].marker.color[idx] == charts.HIGHLIGHT


def test_branch_charts(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    row = table.filter(pl.col("branch_id") == "B042").row(0, named=True)
    bench = analysis.company_benchmark(table)
    fig = charts.dimension_bars(row, bench, analysis.dimensions(demo_store), "de")
    assert list(fig.data[0].x) == ["Motivation", "Verbundenheit", "Führung", "Kundenorientierung"]
    assert fig.data[1].y[0] == bench.dimensions["motivation"]
    # each bar's n in its hover, from the table's n_dim_<dimension> (the branch's n)
    assert list(fig.data[0].customdata) == [row["n_respondents"]] * 4
    assert "(%{customdata:,} Antworten)" in fig.data[0].hovertemplate
    # no answers behind a dimension (a wave purged before the counts were kept): no place
    fig = charts.dimension_bars(
        row | {"n_dim_leadership": 0}, bench, analysis.dimensions(demo_store), "de"
    )
    assert list(fig.data[0].x) == ["Motivation", "Verbundenheit", "Kundenorientierung"]
    # a dimension the wave left out (neither the branch nor the company has it): no place
    left_out = dataclasses.replace(bench, dimensions=bench.dimensions | {"leadership": None})
    row_left_out = {k: v for k, v in row.items() if not k.endswith("_leadership")}
    fig = charts.dimension_bars(row_left_out, left_out, analysis.dimensions(demo_store), "de")
    assert (
        list(fig.data[0].x)
        == list(fig.data[1].x)
        == [
            "Motivation",
            "Verbundenheit",
            "Kundenorientierung",
        ]
    )
    assert list(fig.data[1].y) == [
        bench.dimensions[d] for d in ("motivation", "commitment", "customer_focus")
    ]
    churn = charts.churn_bars(
        analysis.churn_shares(demo_store, "2025-H2", "B042"),
        analysis.churn_shares(demo_store, "2025-H2"),
        "en",
    )
    assert list(churn.data[0].y)[:3] == ["Price", "Quality", "Staff: lack of trust"]
    assert churn.layout.xaxis.ticksuffix == "%"  # English: no space before the percent sign
    company_only = charts.churn_bars(None, analysis.churn_shares(demo_store, "2025-H2"), "de")
    assert company_only.layout.xaxis.ticksuffix == "\u00a0%"
    assert company_only.data[0].texttemplate == "%{x:.0f}\u00a0%"
    trend = charts.trend_lines(
        analysis.branch_trend(analysis.branch_table(demo_store), "B042"), "nps", "en"
    )
    assert len(trend.data[0].x) == 4 and trend.data[1].name == "Company"


QUADRANTS = ("high_high", "low_high", "high_low", "low_low")


def test_quadrant_bars_label_each_quadrant_with_its_n(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    quads = analysis.quadrant_table(table, n_boot=200)
    fig = charts.quadrant_bars(quads, "nps", "de", wording.quadrant_note(quads, "de"))
    assert list(fig.data[0].y)[0].startswith("Engagement hoch · NPS hoch<br>n\u00a0=\u00a0")
    assert sum(int(y.rsplit("n\u00a0=\u00a0", 1)[1]) for y in fig.data[0].y) == quads["n_total"][0]
    # the value label beyond the whisker's end (never on it), in German numbers, in range
    assert fig.data[0].orientation == "h" and fig.data[0].text is None
    ends = {
        y: high
        for y, high in zip(
            fig.data[0].y,
            [quads.filter(pl.col("quadrant") == q)["ci_high"][0] for q in QUADRANTS],
            strict=True,
        )
    }
    notes = fig.layout.annotations
    # German: a no-break space before the percent sign; English: none
    assert len(notes) == 4 and all(n.text.endswith("\u00a0%") and "," in n.text for n in notes)
    english = charts.quadrant_bars(quads, "nps", "en", wording.quadrant_note(quads, "en"))
    assert all(
        n.text.endswith("%") and not n.text[:-1].endswith((" ", "\u00a0")) and "." in n.text
        for n in english.layout.annotations
    )
    for note in notes:
        assert note.x == ends[note.y] and note.xanchor == "left" and note.xshift > 0
    assert fig.layout.xaxis.range[1] > max(ends.values())
    assert "(Filialebene)" in fig.layout.title.text
    hh = quads.filter(pl.col("quadrant") == "high_high")["mean"][0]
    ll = quads.filter(pl.col("quadrant") == "low_low")["mean"][0]
    assert hh > ll  # the demo chain's ground truth


def test_heatmap_shows_suppressed_cells_hatched_without_colour_or_number(demo_store):
    from loyalty import heatmap

    table = analysis.branch_table(demo_store, "2025-H2")
    n_hidden = int(table["suppressed"].sum())
    last = heatmap.branch_page(table, "engagement", page=10_000)  # clamped: the last page
    fig = charts.dimension_heatmap(last.cells, analysis.dimensions(demo_store), "de", 5)
    hidden = [tr for tr in fig.data if tr.marker.pattern.shape == "/"]
    coloured = [tr for tr in fig.data if tr.marker.pattern.shape != "/"]
    assert len(hidden) == 4 and all(set(tr.text) == {"< 5"} for tr in hidden)
    assert all(tr.marker.color == charts.SUPPRESSED_FILL for tr in hidden)
    hidden_ids = set(table.filter(pl.col("suppressed"))["branch_id"])
    assert {k for tr in hidden for k in tr.customdata} == hidden_ids  # all on the last page
    assert not hidden_ids & {k for tr in coloured for k in tr.customdata}
    assert n_hidden <= heatmap.PER_PAGE
    assert all("," in text for tr in coloured for text in tr.text)  # German decimals
    assert fig.layout.xaxis.side == "top"
    # cell text contrasts with its cell: white on the darkest, black on the palest cells
    for tr in coloured:
        for dev, ink in zip(tr.marker.color, tr.textfont.color, strict=True):
            if abs(dev) > 0.8 * fig.layout.coloraxis.cmax:
                assert ink == "#ffffff"
            if abs(dev) < 0.1 * fig.layout.coloraxis.cmax:
                assert ink == "#000000"


def test_compare_bars_never_draw_a_suppressed_score(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    hidden = table.filter(pl.col("suppressed"))["branch_id"][0]
    dims = analysis.dimensions(demo_store)
    long = analysis.compare(table, ["B001", hidden], dims["dimension_id"].to_list())
    company = analysis.company_values(analysis.company_benchmark(table))
    fig = charts.compare_bars(long, company, dims, "en", 5)
    bars = [tr for tr in fig.data if tr.type == "bar" and tr.x[0] == hidden]
    # 8 panels; in the 5 score panels the hidden branch's bar has no value and says "–"
    assert len(bars) == 8
    assert sum(1 for b in bars if b.y[0] is None) == 5
    notes = [tr for tr in fig.data if tr.type == "scatter" and tr.mode == "text"]
    assert len(notes) == 5 and all(tr.text == ("< 5",) for tr in notes)
    # a value label per shown bar, none for the hidden branch's scores
    labels = [a for a in fig.layout.annotations if a.text not in titles(fig)]
    assert len(labels) == 8 + 3
    assert "< 5" not in {a.text for a in labels}
    assert len(fig.layout.shapes) == 8  # the company line in every panel, under the bars
    assert {s.layer for s in fig.layout.shapes} == {"below"}
    company = [tr for tr in fig.data if tr.type == "scatter" and tr.mode == "lines"]
    assert [tr.name for tr in company] == ["Company"]  # named in the legend, not on a bar


def test_compare_bars_put_each_label_and_company_line_on_its_own_panel(demo_store):
    """Labels and company lines are set in one go: each still sits on its panel's axes, at
    that panel's bar values and company value."""
    table = analysis.branch_table(demo_store, "2025-H2")
    shown = table.filter(~pl.col("suppressed"))["branch_id"].to_list()[:3]
    dims = analysis.dimensions(demo_store)
    long = analysis.compare(table, shown, dims["dimension_id"].to_list())
    company = analysis.company_values(analysis.company_benchmark(table))
    fig = charts.compare_bars(long, company, dims, "en", 5)
    measures = long["measure"].unique(maintain_order=True).to_list()
    assert len(fig.layout.shapes) == len(measures) == 8
    for k, (measure, line) in enumerate(zip(measures, fig.layout.shapes, strict=True), 1):
        axis = "" if k == 1 else str(k)
        assert (line.xref, line.yref) == (f"x{axis} domain", f"y{axis}")
        assert line.y0 == line.y1 == pytest.approx(company[measure])
        bars = [tr for tr in fig.data if tr.type == "bar" and tr.yaxis == f"y{axis}"]
        labels = [a for a in fig.layout.annotations if a.yref == f"y{axis}"]
        assert [a.x for a in labels] == [b.x[0] for b in bars] == shown
        assert all(a.xref == f"x{axis}" for a in labels)
    # one row (a wave without dimension values): the legend as far below the axis as with two
    one_row = charts.compare_bars(
        long.filter(~pl.col("measure").str.starts_with("dim_")), company, dims, "en", 5
    )
    assert one_row.layout.height * 2 == fig.layout.height
    # legend.y is a fraction of the plot area (the figure less its top and bottom margins)
    offset = [
        f.layout.legend.y * (f.layout.height - f.layout.margin.t - f.layout.margin.b)
        for f in (fig, one_row)
    ]
    assert offset == pytest.approx([-charts.COMPARE_LEGEND_PX] * 2)


def titles(fig) -> set[str]:
    """The panels' titles (plotly's subplot titles are annotations too)."""
    return {a.text for a in fig.layout.annotations if a.yref == "paper"}


def test_value_labels_stand_beyond_the_interval_on_the_side_of_the_value():
    where = ["a", "b", "c", "d"]
    notes = charts.end_labels(
        where, [2.0, -3.0, None, 1.0], [1.0, -5.0, None, None], [4.0, -1.0, None, None],
        ["2", "-3", "–", "1"],
    )  # fmt: skip
    assert [(n["y"], n["yanchor"]) for n in notes] == [
        (4.0, "bottom"), (-5.0, "top"), (0.0, "bottom"), (1.0, "bottom")
    ]  # fmt: skip
    assert [n["yshift"] for n in notes] == [5, -5, 5, 5]
    across = charts.end_labels(["a"], [2.0], [1.0], [4.0], ["2"], horizontal=True)[0]
    assert (across["x"], across["xanchor"], across["y"]) == (4.0, "left", "a")
    # the axis holds the intervals and room for the labels on the side they stand
    low, high = charts.label_room([2.0, -3.0], [1.0, -5.0], [4.0, -1.0])
    assert low < -5.0 and high > 4.0
    assert charts.label_room([2.0], [1.0], [4.0])[0] == 0.0


def test_axes_show_full_numbers_and_tooltips_are_rounded(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    link = analysis.chain_links(table)[0]
    fig = charts.link_scatter(table, link, "de", wording.link_subtitle(link, "de"))
    for axis in (fig.layout.xaxis, fig.layout.yaxis):
        assert axis.exponentformat == "none" and axis.separatethousands  # never "10k"
    assert "%{x:,.2f}" in fig.data[0].hovertemplate  # not the raw 3.060606
    assert "%{y:,.1f}" in fig.data[0].hovertemplate


def test_presentation_makes_every_chart_text_at_least_20_px(demo_store):
    from loyalty.dashboard import Dashboard

    for step in Dashboard(demo_store, n_boot=100).story("2025-H2", "de"):
        fig = charts.presentation(step.figure)
        assert fig.layout.font.size >= charts.PRESENT_FONT
        # a value label inside a bar is never shrunk below it to fit
        assert fig.layout.uniformtext.minsize >= charts.PRESENT_FONT
        assert fig.layout.title.font.size * 0.7 >= charts.PRESENT_FONT  # the <sup> subtitle
        for axis in (fig.layout.xaxis, fig.layout.yaxis):
            assert axis.tickfont.size >= charts.PRESENT_FONT
            assert axis.title.font.size >= charts.PRESENT_FONT
        for trace in fig.data:
            if trace.text is not None:
                assert trace.textfont.size >= charts.PRESENT_FONT
        for note in fig.layout.annotations:
            assert note.font.size >= charts.PRESENT_FONT
        assert step.figure.layout.font.size == charts.FONT_SIZE  # the step itself unchanged


def test_funnel_plot_shows_branches_with_a_score_and_both_limits(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    f = analysis.engagement_funnel(table)
    names = dict(zip(table["branch_id"], table["name"], strict=True))
    fig = charts.funnel_plot(f, "de")
    points = fig.data[0]
    assert list(points.text) == [names[b] for b in points.customdata]  # each its own name
    hidden = set(table.filter(pl.col("suppressed"))["branch_id"])
    assert not hidden & set(points.customdata)
    assert len(points.customdata) == table.height - len(hidden) == f.n_branches
    assert len(fig.data) == 2 + 4  # company line, 95 % and 99.8 % limits on both sides
    assert (
        "Mitarbeitendenebene" in fig.layout.title.text and "n\u00a0=\u00a0" in fig.layout.title.text
    )
    # outside the outer funnel in the highlight colour, sent as one byte per branch
    outside = dict(zip(f.branches["branch_id"], f.branches["outside_998"], strict=True))
    assert 0 < sum(outside.values()) < len(outside)
    assert [bool(c) for c in points.marker.color] == [outside[b] for b in points.customdata]
    assert fig.to_plotly_json()["data"][0]["marker"]["color"]["dtype"] == "i1"
    scale = [list(stop) for stop in points.marker.colorscale]
    assert scale == [[0, charts.BRANCH_COLOR], [1, charts.HIGHLIGHT]]
    assert (points.marker.cmin, points.marker.cmax) == (0, 1)


def _many_branches(table: pl.DataFrame, count: int) -> pl.DataFrame:
    """``table``'s branches repeated (new ids) to ``count`` rows with a score."""
    scored = table.filter(~pl.col("suppressed") & pl.col("engagement").is_not_null())
    copies = -(-count // scored.height)
    many = pl.concat([scored.with_columns(pl.col("branch_id") + f"-{i}") for i in range(copies)])
    return many.head(count)


@pytest.mark.parametrize("count", [charts.WEBGL_FROM - 1, charts.WEBGL_FROM])
def test_charts_of_many_points_draw_every_trace_with_webgl(demo_store, count):
    """Thousands of SVG points are what held the overview back at 10,000 branches: from
    WEBGL_FROM points a scatter and every line on its axes draw with WebGL (a WebGL canvas
    lies above SVG and would hide an SVG line); fewer points stay SVG."""
    table = _many_branches(analysis.branch_table(demo_store, "2025-H2"), count)
    link = analysis.chain_links(table)[0]
    figures = [
        charts.link_scatter(table, link, "de", wording.link_subtitle(link, "de")),
        charts.funnel_plot(analysis.engagement_funnel(table), "de"),
    ]
    expected = "scattergl" if count >= charts.WEBGL_FROM else "scatter"
    for fig in figures:
        assert len(fig.data[0].customdata) == count
        assert {trace.type for trace in fig.data} == {expected}
        # the presenter's copy (and so the deck and the PDF) keeps the kind
        assert {trace.type for trace in charts.presentation(fig).data} == {expected}


def test_the_unmeasured_note_names_index_dimensions_without_answers_only(demo_store):
    """A dimension outside the index never has figures: not named as missing. An index
    dimension the wave did not ask is."""
    table = analysis.branch_table(demo_store, "2025-H2")
    dims = analysis.dimensions(demo_store)
    assert dims["in_index"].all()
    assert wording.unmeasured_note(table, dims, "en") is None
    extra = pl.DataFrame(
        {"dimension_id": ["climate"], "name_de": ["Klima"], "name_en": ["Climate"]},
    ).with_columns(pl.lit(False).alias("in_index"))
    assert wording.unmeasured_note(table, pl.concat([dims, extra]), "en") is None
    not_asked = table.drop("dim_commitment", "n_dim_commitment")
    assert wording.unmeasured_note(not_asked, pl.concat([dims, extra]), "de") == (
        "Keine Werte in dieser Welle: Verbundenheit (nicht gefragt, von weniger als der Hälfte "
        "der Antworten beantwortet oder nicht aufbewahrt)."
    )


def test_branch_coordinates_reach_the_browser_in_32_bits_with_formatted_hover(demo_store):
    """Per-branch decimals are sent as 32-bit typed arrays (half the bytes at 10,000
    branches) holding the branch's values, counts in plotly's smallest integer type; the
    browser reads a 32-bit value back with float noise (3.4700000286), so every hover of such
    a trace states the digits it shows of x and y."""
    import re

    import numpy as np

    table = analysis.branch_table(demo_store, "2025-H2")
    link = analysis.chain_links(table)[0]
    funnel = analysis.engagement_funnel(table)
    shown = table.select(link.x, link.y).drop_nulls()
    for fig, x, y, x_type in (
        (
            charts.link_scatter(table, link, "de", wording.link_subtitle(link, "de")),
            shown[link.x],
            shown[link.y],
            "f4",
        ),
        (charts.funnel_plot(funnel, "de"), funnel.branches["n"], funnel.branches["value"], "i1"),
    ):
        sent = fig.to_plotly_json()["data"][0]
        assert (sent["x"]["dtype"], sent["y"]["dtype"]) == (x_type, "f4")
        points = fig.data[0]
        np.testing.assert_allclose(points.x, x.to_numpy(), rtol=1e-6)
        np.testing.assert_allclose(points.y, y.to_numpy(), rtol=1e-6)
        fields = re.findall(r"%\{[xy][^}]*\}", points.hovertemplate)
        assert len(fields) == 2
        assert all(re.fullmatch(r"%\{[xy]:[^}]*\.\d+f\}", field) for field in fields)
