"""Plotly figure builders. Pure functions: frames in, figures out, no streamlit. The pages' chart
builders keep their figures for the same inputs (:func:`loyalty.figcache.kept`): a figure
they return is shared and must not be changed (:func:`presentation` copies)."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import polars as pl

from loyalty import analysis, i18n, schema
from loyalty.figcache import copy_of, kept
from loyalty.i18n import t

COMPANY_COLOR = "#7f7f7f"
BRANCH_COLOR = "#1f77b4"
HIGHLIGHT = "#d62728"
FONT_SIZE = 15
#: Smallest chart text in presenter mode and in the deck and PDF, in px at 1280×720.
PRESENT_FONT = 20
#: Decimals a measure is shown with (tooltips, labels).
DIGITS = {"engagement": 2, "nps": 1, "retention": 1, "ros": 1}
#: Every axis: full numbers with the language's thousands separator ("10.000", never "10k").
AXIS = {"exponentformat": "none", "separatethousands": True}
#: "n = 35" with non-breaking spaces: a label never breaks between a symbol and its value
#: (the charts here and in loyalty.actions_view; the messages write the same in loyalty.i18n).
EQ = "\u00a0=\u00a0"


def _house(lang: str) -> dict:
    """The layout every chart shares: number separators of the language, large type."""
    return {
        "separators": i18n.plotly_separators(lang),
        "font": {"size": FONT_SIZE},
        "margin": {"l": 10, "r": 10, "t": 60, "b": 10},
        "hoverlabel": {"font": {"size": FONT_SIZE}},
    }


#: The narrowest a chart is shown (a column of a page at 1440 px): titles wrap to fit it.
NARROWEST = 540
#: A link chart draws its fitted line (and its subtitle states r) from this many branches.
FIT_MIN_N = 4
#: From this many points a chart draws with WebGL (plotly's scattergl) instead of one SVG
#: node per point: three link charts of 8,465 points each took 9.0 s to the first paint with
#: SVG and 4.3 s with WebGL in Chromium (bench/RESULTS.md, "What the fourth session of
#: 2026-12-03 changed"). Below it SVG stays: sharper, and every point a node a test can find.
WEBGL_FROM = 1000


def scatter_kind(points: int) -> type[go.Scatter] | type[go.Scattergl]:
    """The trace type for every line and marker of a chart of ``points`` points: WebGL from
    :data:`WEBGL_FROM` on, for all of its traces (a WebGL canvas lies above the SVG ones and
    would hide an SVG line drawn on the same axes)."""
    return go.Scattergl if points >= WEBGL_FROM else go.Scatter


def sent(values: np.ndarray) -> np.ndarray:
    """A chart's per-branch values as the browser gets them: decimals in 32 bits (plotly
    sends a numpy array as a base64 typed array, so half the bytes of 64-bit: about 53 KB less
    per axis of a chart of 10,000 branches); whole numbers as they are (plotly already sends
    them in the smallest integer type that holds them). Seven significant digits, more than
    any axis or hover shows of an engagement, a loyalty figure or a return on sales: a hover
    differs only for a value exactly halfway between two shown digits (43/40 = 1.075 shows
    as 1.08, as rounding half up gives; the 64-bit value lies just below and showed 1.07).
    Statistics (a fitted line) are computed from the 64-bit values before."""
    if np.issubdtype(values.dtype, np.integer):
        return values
    return values.astype(np.float32, copy=False)


def chart_title(main: str, subtitle: str | None = None) -> dict[str, str]:
    """A chart's title for its layout: ``main``, and ``subtitle`` (what the figures rest on:
    n, an interval, what is left out) below it in smaller type. The one place that writes
    this plotly markup; :func:`wrapped_title` reads it back. The sentences themselves come
    from the message catalogue, those the story also says from :mod:`loyalty.wording`."""
    return {"text": f"{main}<br><sup>{subtitle}</sup>" if subtitle else main}


def _titled(layout: dict) -> dict:
    """``layout`` with its title wrapped to NARROWEST px (plotly does not wrap; a long
    subtitle would be cut off) and the top margin to hold it; the unwrapped title is kept in
    ``meta`` for :func:`presentation`."""
    layout = dict(layout)
    gap = layout.pop("title_gap", 0)
    title = layout.get("title", {}).get("text")
    if not title:
        return layout
    size = round(FONT_SIZE * 1.2)  # plotly's title size
    text, px = wrapped_title(title, NARROWEST, size)
    margin = {**_house("en")["margin"], **layout.get("margin", {})}
    placed = {"text": text}
    if layout.get("height"):  # plotly anchors the first line: start it one line down
        placed |= {"y": 1 - (size + 6) / layout["height"], "yanchor": "top", "yref": "container"}
    return {
        **layout,
        "title": {**layout["title"], **placed},
        "margin": {**margin, "t": max(margin["t"], px + 28) + gap},
        "meta": {"title": title},
    }


def _figure(data: list, lang: str, **layout) -> go.Figure:
    """A figure built in one go from its traces and the house layout plus ``layout`` (nested
    dicts, no "xaxis_title" shorthand). ``update_layout`` on a built figure costs about 4 ms
    a call, this about 1 ms; a page with six charts reruns 20 ms sooner."""
    for axis in ("xaxis", "yaxis"):
        layout[axis] = {**AXIS, **layout.get(axis, {})}
    return go.Figure(data=data, layout=_titled({**_house(lang), **layout}))


def _layout(fig: go.Figure, lang: str, **kw) -> go.Figure:
    """The house layout for figures that need plotly's helpers after their traces
    (subplots, shapes, annotations)."""
    fig.update_layout(_titled({**_house(lang), **kw}))
    fig.update_xaxes(AXIS)
    fig.update_yaxes(AXIS)
    return fig


def hover_number(name: str, digits: int) -> str:
    """A hovertemplate field rounded to ``digits`` (separators come from the layout)."""
    return f"%{{{name}:,.{digits}f}}"


def _wrap(text: str, chars: int) -> list[str]:
    import textwrap

    return textwrap.wrap(text, max(chars, 12)) or [""]


def wrapped_title(title: str, width: int, size: int) -> tuple[str, int]:
    """``title`` ("Main<br><sup>subtitle</sup>") broken into lines that fit ``width`` px at
    ``size`` px (the subtitle at 70 %), and the height those lines need in px. Plotly does
    not wrap titles itself: a long one runs off the chart."""
    main, _, rest = title.partition("<br>")
    sub = rest.removeprefix("<sup>").removesuffix("</sup>") if rest else ""
    per_char = 0.56  # mean glyph width of the sans-serif at 1 px, bold titles a bit wider
    lines = _wrap(main, int(width / (per_char * size)))
    subs = _wrap(sub, int(width / (per_char * 0.7 * size))) if sub else []
    text = "<br>".join([*lines, *(f"<sup>{s}</sup>" for s in subs)])
    # plotly spaces every line of a title by the title's own size, <sup> lines too
    return text, round(1.3 * size * (len(lines) + len(subs)))


def presentation(fig: go.Figure, height: int = 480, width: int = 680) -> go.Figure:
    """A copy of ``fig`` for a room: every text (ticks, axis titles, value labels, legend,
    annotations, colour bars, tooltips) at least PRESENT_FONT px; the subtitle (``<sup>``,
    70 %) too, the title wrapped to ``width``. Used by presenter mode and by the deck and
    PDF, so all three look alike."""
    size = PRESENT_FONT
    title_size = round(size / 0.7) + 1
    out = copy_of(fig)
    original = (out.layout.meta or {}).get("title") or out.layout.title.text or ""
    title, title_px = wrapped_title(original, width - 20, title_size)
    out.update_layout(
        font={"size": size},
        title={
            "text": title,
            "font": {"size": title_size},
            "x": 0.01,
            "xanchor": "left",
            "xref": "container",
            # plotly anchors a title's first line: start one line below the top
            "y": 1 - (title_size + 6) / height,
            "yanchor": "top",
            "yref": "container",
        },
        legend={"font": {"size": size}},
        hoverlabel={"font": {"size": size}},
        # plotly shrinks a value label that does not fit inside its bar: not below this
        uniformtext={"minsize": size, "mode": "show"},
        margin={"t": title_px + 16},
        height=height,
    )
    out.update_xaxes(tickfont_size=size, title_font_size=size)
    out.update_yaxes(tickfont_size=size, title_font_size=size)
    for trace in out.data:
        if getattr(trace, "text", None) is not None or getattr(trace, "texttemplate", None):
            trace.update(textfont={"size": size})
        marker = getattr(trace, "marker", None)
        colorbar = getattr(marker, "colorbar", None) if marker is not None else None
        if colorbar is not None and colorbar.title.text:
            colorbar.update(tickfont={"size": size}, title={"font": {"size": size}})
    for note in out.layout.annotations:
        note.font.size = max(note.font.size or size, size)
    return out


def _axis_title(text: str) -> dict:
    return {"title": {"text": text}}


def measure_label(measure: str, lang: str) -> str:
    return t(f"measure.{measure}", lang)


@kept
def link_scatter(
    table: pl.DataFrame,
    link: analysis.Link,
    lang: str,
    subtitle: str,
    highlight: str | None = None,
) -> go.Figure:
    """One link of the chain: a point per branch and the OLS fitted line (from
    :data:`FIT_MIN_N` branches), titled with the link's name; ``subtitle`` says r [CI] and n
    (:func:`loyalty.wording.link_subtitle`)."""
    data = table.select("branch_id", "name", link.x, link.y).drop_nulls()
    x, y = data[link.x].to_numpy(), data[link.y].to_numpy()
    traces = []
    kind = scatter_kind(data.height)
    # numpy arrays, not lists: plotly validates lists element by element (slow at 10,000)
    colors = (
        np.where(data["branch_id"].to_numpy() == highlight, HIGHLIGHT, BRANCH_COLOR)
        if highlight
        else BRANCH_COLOR
    )
    traces.append(
        kind(
            x=sent(x),
            y=sent(y),
            mode="markers",
            name=t("chart.branch", lang),
            marker={"size": 10 if data.height <= 500 else 5, "color": colors, "opacity": 0.8},
            customdata=data["branch_id"].to_numpy(),
            text=data["name"].to_numpy(),
            hovertemplate=(
                f"<b>%{{text}}</b> (%{{customdata}})<br>{measure_label(link.x, lang)}: "
                f"{hover_number('x', DIGITS.get(link.x, 2))}<br>{measure_label(link.y, lang)}: "
                f"{hover_number('y', DIGITS.get(link.y, 2))}<extra></extra>"
            ),
        )
    )
    res = link.result
    if res.n >= FIT_MIN_N:
        slope, intercept = np.polyfit(x, y, 1)
        xs = np.array([x.min(), x.max()])
        traces.append(
            kind(
                x=xs,
                y=intercept + slope * xs,
                mode="lines",
                name=t("chart.fit", lang),
                hoverinfo="skip",
                line={"color": COMPANY_COLOR, "dash": "dash"},
            )
        )
    return _figure(
        traces,
        lang,
        title=chart_title(t(f"link.{link.key}", lang), subtitle),
        showlegend=False,
        height=420,
        xaxis=_axis_title(measure_label(link.x, lang)),
        yaxis=_axis_title(measure_label(link.y, lang)),
        clickmode="event+select",
        dragmode=False,
    )


@kept
def dimension_bars(
    branch_row: dict, bench: analysis.Benchmark, dims: pl.DataFrame, lang: str
) -> go.Figure:
    """The branch's dimension means against the company's (shown branches only); a bar's
    hover gives its n. A dimension without answers behind it (the wave did not ask it or
    left it out; no ``n_dim_<dimension>`` or 0) has no place."""
    # as analysis.unmeasured_dimensions: a dimension counts with answers behind it
    valued = [d for d in dims["dimension_id"] if (branch_row.get(f"n_dim_{d}") or 0) > 0]
    measured = dims.filter(pl.col("dimension_id").is_in(valued))
    names = measured[f"name_{lang}"].to_list()
    ids = measured["dimension_id"].to_list()
    counts = [branch_row.get(f"n_dim_{d}") for d in ids]
    answers = t("unit.respondents", lang)
    traces = [
        go.Bar(
            x=names,
            y=[branch_row.get(f"dim_{d}") for d in ids],
            customdata=counts,
            name=t("chart.branch", lang),
            marker_color=BRANCH_COLOR,
            texttemplate="%{y:.2f}",
            textposition="outside",
            hovertemplate=f"%{{x}}: {hover_number('y', 2)} (%{{customdata:,}} {answers})"
            f"<extra>{t('chart.branch', lang)}</extra>",
        ),
        go.Bar(
            x=names,
            y=[bench.dimensions.get(d) for d in ids],
            name=t("chart.company", lang),
            marker_color=COMPANY_COLOR,
            texttemplate="%{y:.2f}",
            textposition="outside",
        ),
    ]
    return _figure(
        traces,
        lang,
        barmode="group",
        height=380,
        yaxis={"range": [1, 5.4]},
        title=chart_title(t("branch.dimensions", lang)),
    )


@kept
def trend_lines(trend: pl.DataFrame, measure: str, lang: str) -> go.Figure:
    """A measure across waves for the branch and the company."""
    traces = [
        go.Scatter(
            x=trend["wave"].to_list(),
            y=trend[measure].to_list(),
            mode="lines+markers",
            name=t("chart.branch", lang),
            line={"color": BRANCH_COLOR, "width": 3},
        ),
        go.Scatter(
            x=trend["wave"].to_list(),
            y=trend[f"company_{measure}"].to_list(),
            mode="lines+markers",
            name=t("chart.company", lang),
            line={"color": COMPANY_COLOR, "dash": "dash"},
        ),
    ]
    return _figure(
        traces,
        lang,
        height=300,
        title=chart_title(measure_label(measure, lang)),
        xaxis={"type": "category"},
        legend={"orientation": "h", "y": -0.2},
    )


@kept
def churn_bars(branch: pl.DataFrame | None, company: pl.DataFrame, lang: str) -> go.Figure:
    """Shares of lost customers by reason, branch against company (or the company alone),
    staff reasons spelt out."""
    joined = company.select("reason", pl.col("share").alias("company"))
    if branch is not None:
        joined = joined.join(
            branch.select("reason", pl.col("share").alias("branch")), on="reason", how="left"
        )
    order = [r for r in schema.CHURN_REASONS if r in joined["reason"].to_list()]
    joined = joined.with_columns(
        pl.col("reason")
        .replace_strict({r: i for i, r in enumerate(order)}, default=len(order))
        .alias("_o")
    ).sort("_o")
    labels = [t(f"reason.{r}", lang) for r in joined["reason"]]
    shares = joined.select(pl.exclude("reason", "_o")).max_horizontal().max()
    longest = float(shares or 0.01)
    traces = []
    if branch is not None:
        traces.append(
            go.Bar(
                y=labels,
                x=(joined["branch"] * 100).to_list(),
                orientation="h",
                name=t("chart.branch", lang),
                marker_color=BRANCH_COLOR,
            )
        )
    traces.append(
        go.Bar(
            y=labels,
            x=(joined["company"] * 100).to_list(),
            orientation="h",
            name=t("chart.company", lang),
            marker_color=COMPANY_COLOR if branch is not None else BRANCH_COLOR,
            texttemplate="%{x:.0f}" + i18n.percent_suffix(lang) if branch is None else None,
            textposition="outside" if branch is None else None,
        )
    )
    return _figure(
        traces,
        lang,
        barmode="group",
        height=420,
        yaxis={"autorange": "reversed"},
        # room for the value labels outside the longest bar
        xaxis={"ticksuffix": i18n.percent_suffix(lang), "range": [0, 118 * longest]},
        title=chart_title(t("branch.churn", lang)),
    )


def text_color(background: str) -> str:
    """Black or white, whichever contrasts more with ``background`` ("#rrggbb"), by the WCAG
    2 relative luminance: a value label stays readable on any bar or cell."""
    rgb = [int(_rgb(background).lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    return "#000000" if (lum + 0.05) / 0.05 >= 1.05 / (lum + 0.05) else "#ffffff"


@kept
def quadrant_bars(quads: pl.DataFrame, loyalty: str, lang: str, subtitle: str) -> go.Figure:
    """Mean return on sales of the four engagement x loyalty quadrants, with 95% intervals;
    ``subtitle``: how the branches were split (:func:`loyalty.wording.quadrant_note`).

    Horizontal bars: the quadrant names read level; the value label stands beyond the
    whisker's end (:func:`end_labels`), so the two never meet."""
    order = ("high_high", "low_high", "high_low", "low_low")
    data = quads.with_columns(
        pl.col("quadrant").replace_strict({q: i for i, q in enumerate(order)}).alias("_o")
    ).sort("_o")
    short = t(f"short.{loyalty}", lang)
    labels = [  # two lines: the quadrant, then its n
        f"{t(f'quadrant.{q}', lang, loyalty=short).replace('<br>', ' · ')}<br>n{EQ}{n}"
        for q, n in zip(data["quadrant"], data["n"], strict=True)
    ]
    palette = {"high_high": "#2ca02c", "low_low": HIGHLIGHT}
    colors = [palette.get(q, COMPANY_COLOR) for q in data["quadrant"]]
    means, lows, highs = (data[c].to_list() for c in ("mean", "ci_low", "ci_high"))
    trace = go.Bar(
        y=labels,
        x=means,
        orientation="h",
        marker_color=colors,
        error_x={
            "type": "data",
            "symmetric": False,
            "array": (data["ci_high"] - data["mean"]).to_list(),
            "arrayminus": (data["mean"] - data["ci_low"]).to_list(),
            "thickness": 2,
        },
        customdata=np.column_stack([data["ci_low"].to_numpy(), data["ci_high"].to_numpy()]),
        hovertemplate="%{y}<br>%{x:.1f}"
        + i18n.percent_suffix(lang)
        + " [%{customdata[0]:.1f}; %{customdata[1]:.1f}]"
        "<extra></extra>",
    )
    texts = [  # a quadrant without a mean: "–", not "– %"
        i18n.num(m, lang, 1) + (i18n.percent_suffix(lang) if analysis.finite(m) else "")
        for m in means
    ]
    return _figure(
        [trace],
        lang,
        title=chart_title(t("quadrant.title", lang), subtitle),
        height=440,
        showlegend=False,
        annotations=end_labels(labels, means, lows, highs, texts, horizontal=True),
        # the labels are about five characters: a third of the longest interval's length
        xaxis={
            **_axis_title(measure_label("ros", lang)),
            "range": label_room(means, lows, highs, share=0.32),
        },
        yaxis={"autorange": "reversed", "automargin": True},
    )


def _rgb(colour: str) -> str:
    """ "rgb(r, g, b)" (plotly's colour scales) as "#rrggbb"."""
    if colour.startswith("#"):
        return colour
    r, g, b = (int(float(v)) for v in colour[colour.index("(") + 1 : -1].split(",")[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


SUPPRESSED_FILL = "#eeeeee"
SUPPRESSED_INK = "#444444"


@kept
def dimension_heatmap(
    cells: pl.DataFrame, dims: pl.DataFrame, lang: str, min_size: int, kind: str = "branches"
) -> go.Figure:
    """Rows (branches or regions) x engagement dimensions, coloured by the difference to the
    company median, the score written in each cell in black or white by contrast.

    Cells are bars (one trace per dimension, each cell a bar of length 1) so that a click on
    a cell is a selectable point carrying its row's key, and a cell fills its rectangle.
    Suppressed cells are hatched grey and say "< 5" (no colour, no number). ``cells`` is one
    page of :mod:`loyalty.heatmap` (at most PER_PAGE rows): the figure is one screen high."""
    from plotly.colors import sample_colorscale

    names = i18n.dimension_names(dims, lang)
    present = set(cells["dimension_id"].unique().to_list())
    order = [d for d in dims["dimension_id"] if d in present]
    rows = cells.select("key", "label", "n").unique(maintain_order=True)
    label_of = {
        key: (
            label
            if kind == "branches"
            else t("heatmap.region_row", lang, region=label, n=i18n.num(n, lang, 0))
        )
        for key, label, n in rows.iter_rows()
    }
    labels = list(label_of.values())
    shown = cells.filter(pl.col("score").is_not_null())
    span = float(max(0.3, shown["deviation"].abs().max() or 0.3)) if shown.height else 0.3
    traces = []
    for j, d in enumerate(order):
        col = cells.filter(pl.col("dimension_id") == d)
        ok = col.filter(pl.col("score").is_not_null())
        no = col.filter(pl.col("score").is_null())
        devs = ok["deviation"].to_list()
        fills = sample_colorscale("RdBu", [min(max((v + span) / (2 * span), 0), 1) for v in devs])
        traces.append(
            go.Bar(
                y=[label_of[k] for k in ok["key"]],
                x=[1] * ok.height,
                base=[j] * ok.height,
                orientation="h",
                width=0.94,
                name=names[d],
                marker={"color": devs, "coloraxis": "coloraxis", "line": {"width": 0}},
                text=[i18n.num(v, lang, 2) for v in ok["score"]],
                textposition="inside",
                insidetextanchor="middle",
                textfont={"color": [text_color(_rgb(f)) for f in fills], "size": 14},
                customdata=ok["key"].to_list(),
                hovertext=[
                    f"{label_of[k]}<br>{names[d]}: {i18n.num(v, lang, 2)} "
                    f"({i18n.num(dv, lang, 2, sign=True)})"
                    for k, v, dv in zip(ok["key"], ok["score"], devs, strict=True)
                ],
                hovertemplate="%{hovertext}<extra></extra>",
            )
        )
        if no.height:
            traces.append(
                go.Bar(
                    y=[label_of[k] for k in no["key"]],
                    x=[1] * no.height,
                    base=[j] * no.height,
                    orientation="h",
                    width=0.94,
                    name="",
                    marker={
                        "color": SUPPRESSED_FILL,
                        "pattern": {"shape": "/", "fgcolor": "#c8c8c8", "size": 8},
                        "line": {"width": 0},
                    },
                    text=[f"< {min_size}"] * no.height,
                    textposition="inside",
                    insidetextanchor="middle",
                    textfont={"color": SUPPRESSED_INK, "size": 14},
                    customdata=no["key"].to_list(),
                    hovertemplate="%{y}<br>"
                    + names[d]
                    + ": "
                    + t("branch.fewer_than", lang, min=min_size)
                    + "<extra></extra>",
                )
            )
    return _figure(
        traces,
        lang,
        height=150 + 32 * max(len(labels), 3),
        showlegend=False,
        dragmode=False,
        clickmode="event+select",
        barmode="overlay",
        bargap=0.06,
        title=chart_title(t("heatmap.title", lang)),
        title_gap=34,  # the dimension names sit between the title and the cells
        coloraxis={
            "colorscale": "RdBu",
            "cmin": -span,
            "cmax": span,
            "colorbar": {"title": {"text": t("heatmap.colorbar", lang)}, "len": 0.6},
        },
        xaxis={
            "side": "top",
            "range": [0, len(order)],
            "tickvals": [j + 0.5 for j in range(len(order))],
            "ticktext": [names[d] for d in order],
            "showgrid": False,
            "zeroline": False,
            "fixedrange": True,
        },
        yaxis={
            "autorange": "reversed",
            "categoryorder": "array",
            "categoryarray": labels,
            "fixedrange": True,
            "automargin": True,
        },
    )


@kept
def funnel_plot(f, lang: str) -> go.Figure:
    """Branch engagement (mean of its employees) against its number of respondents, with the
    company mean and the 95 % and 99.8 % control limits (Spiegelhalter 2005): points outside
    the outer funnel differ from the company beyond chance. A click opens the branch."""
    b = f.branches
    # a branch outside the outer funnel in the highlight colour: one byte per branch and a
    # two-colour scale, not a colour's name per branch (~85 KB less at 10,000 branches)
    outside = np.where(b["outside_998"].to_numpy(), 1, 0).astype(np.int8)
    colors = {
        "color": outside,
        "colorscale": [[0, BRANCH_COLOR], [1, HIGHLIGHT]],
        "cmin": 0,
        "cmax": 1,
    }
    kind = scatter_kind(b.height)
    traces = [
        kind(
            x=b["n"].to_numpy(),
            y=sent(b["value"].to_numpy()),
            mode="markers",
            name=t("chart.branch", lang),
            marker={"size": 9 if b.height <= 500 else 5, **colors, "opacity": 0.85},
            customdata=b["branch_id"].to_numpy(),
            text=b["name"].fill_null(b["branch_id"]).to_numpy(),
            hovertemplate="<b>%{text}</b> (%{customdata})<br>"
            + t("funnel.hover", lang)
            + "<extra></extra>",
        ),
        kind(
            x=[f.limits["n"][0], f.limits["n"][-1]],
            y=[f.target, f.target],
            mode="lines",
            name=t("chart.company", lang),
            line={"color": COMPANY_COLOR},
            hoverinfo="skip",
        ),
    ]
    for level, dash in (("95", "dash"), ("998", "dot")):
        for side in ("low", "high"):
            traces.append(
                kind(
                    x=f.limits["n"].to_numpy(),
                    y=f.limits[f"{side}_{level}"].to_numpy(),
                    mode="lines",
                    name=t(f"funnel.limit_{level}", lang),
                    legendgroup=level,
                    showlegend=side == "low",
                    line={"color": COMPANY_COLOR, "dash": dash, "width": 1.5},
                    hoverinfo="skip",
                )
            )
    subtitle = t(
        "funnel.subtitle",
        lang,
        n=i18n.num(f.n_branches, lang, 0),
        respondents=i18n.num(f.n_respondents, lang, 0),
        target=i18n.num(f.target, lang, 2),
        sd=i18n.num(f.sd, lang, 2),
        out95=i18n.num(f.outside(0.95), lang, 0),
        out998=i18n.num(f.outside(0.998), lang, 0),
    )
    return _figure(
        traces,
        lang,
        title=chart_title(t("funnel.title", lang), subtitle),
        height=460,
        xaxis=_axis_title(t("funnel.axis", lang)),
        yaxis=_axis_title(measure_label("engagement", lang)),
        legend={"orientation": "h", "y": -0.3, "yanchor": "top"},
        margin={"b": 90},
        clickmode="event+select",
        dragmode=False,
    )


#: Gap between an interval's end and its label, px.
LABEL_GAP = 5
#: Behind a value label: the page's white, so a reference line passes under the number.
LABEL_BACKGROUND = "rgba(255,255,255,0.85)"
#: A value label's ink: darker than plotly's grey ticks (contrast 12:1 on white).
LABEL_INK = "#262730"


def end_labels(
    where: list,
    values: list[float | None],
    lows: list[float | None],
    highs: list[float | None],
    texts: list[str],
    horizontal: bool = False,
    base: float = 0.0,
) -> list[dict]:
    """Value labels (annotations) beyond the outer end of each interval (beyond the bar's
    end where there is none): right of or above a positive value, left of or below a
    negative one, on a white ground. A whisker then never runs through its label, whatever
    the interval's width, and a reference line passes under it. ``where``: the bars'
    categories; a missing value's label ("–") sits at ``base``. The axis needs room for the
    labels: :func:`label_room`."""
    notes = []
    for at, v, lo, hi, text in zip(where, values, lows, highs, texts, strict=True):
        if v is None:
            end, ahead = base, 1
        elif v >= 0:
            end, ahead = max(v, hi if hi is not None else v), 1
        else:
            end, ahead = min(v, lo if lo is not None else v), -1
        note = {
            "text": text,
            "showarrow": False,
            "bgcolor": LABEL_BACKGROUND,
            "borderpad": 1,
            "font": {"color": LABEL_INK},
        }
        if horizontal:
            note |= {"x": end, "y": at, "xanchor": "left" if ahead > 0 else "right"}
            note |= {"xshift": ahead * LABEL_GAP}
        else:
            note |= {"x": at, "y": end, "yanchor": "bottom" if ahead > 0 else "top"}
            note |= {"yshift": ahead * LABEL_GAP}
        notes.append(note)
    return notes


def label_room(
    values: list[float | None],
    lows: list[float | None],
    highs: list[float | None],
    base: float = 0.0,
    share: float = 0.18,
) -> list[float]:
    """An axis range from ``base`` to the intervals' outer ends, widened by ``share`` of it
    on each side that has labels from :func:`end_labels` (annotations are not clipped, but
    a label beyond the range would stand on the panel's title or the next panel)."""
    shown = [(v, lo, hi) for v, lo, hi in zip(values, lows, highs, strict=True) if v is not None]
    if not shown:
        return [base, base + 1]
    low = min([base, *(lo if lo is not None else v for v, lo, _ in shown)])
    high = max([base, *(hi if hi is not None else v for v, _, hi in shown)])
    span = (high - low) or 1.0
    below = share * span if any(v < 0 for v, _, _ in shown) else 0.0
    return [low - below, high + share * span]


#: How far below the last row's axis the comparison's legend sits (px).
COMPARE_LEGEND_PX = 48


@kept
def compare_bars(
    long: pl.DataFrame,
    company: dict[str, float | None],
    dims: pl.DataFrame,
    lang: str,
    min_size: int,
) -> go.Figure:
    """One small panel per measure: a bar per branch with its value beyond the whisker (the
    interval, where there is one) and the company as a dashed line. A suppressed score has no
    bar and no number, only "< 5"."""
    from plotly.subplots import make_subplots

    dim_names = {f"dim_{d}": n for d, n in i18n.dimension_names(dims, lang).items()}
    measures = [m for m in long["measure"].unique(maintain_order=True)]
    titles = [dim_names.get(m) or measure_label(m, lang) for m in measures]
    cols = 4
    rows = -(-len(measures) // cols)
    fig = make_subplots(rows=rows, cols=cols, subplot_titles=titles, vertical_spacing=0.16)
    palette = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd")
    branches = long.select("branch_id", "name").unique(maintain_order=True)
    # the scores on 1-5 share one range, so that their panels compare at a glance
    scale = long.filter(
        pl.col("measure").str.starts_with("engagement") | pl.col("measure").str.starts_with("dim_")
    )
    scale_range = label_room(
        scale["value"].to_list(), scale["low"].to_list(), scale["high"].to_list(), base=1.0
    )
    # labels and company lines are set once at the end: plotly's add_annotation/add_hline
    # validate every earlier one again on each call (450 ms for four branches)
    notes, lines = list(fig.layout.annotations), []
    # traces too are added at the end, in one call: add_trace per bar validated the figure's
    # earlier traces again each time (33 traces: 130-360 ms, most of the page's run)
    traces, at_row, at_col = [], [], []
    for i, m in enumerate(measures):
        r, c = i // cols + 1, i % cols + 1
        sub = fig.get_subplot(r, c)
        xref, yref = (a.plotly_name.replace("axis", "") for a in (sub.xaxis, sub.yaxis))
        digits = 2 if m.startswith(("engagement", "dim_")) else 1
        part = long.filter(pl.col("measure") == m)
        shown = {"where": [], "values": [], "lows": [], "highs": [], "texts": []}
        for j, (bid, name) in enumerate(branches.iter_rows()):
            row = part.filter(pl.col("branch_id") == bid)
            value = row["value"][0] if row.height else None
            low, high = (row["low"][0], row["high"][0]) if row.height else (None, None)
            error = (
                {
                    "type": "data",
                    "symmetric": False,
                    "array": [high - value],
                    "arrayminus": [value - low],
                }
                if None not in (value, low, high)
                else None
            )
            traces.append(
                go.Bar(
                    x=[bid],
                    y=[value],
                    name=f"{bid} · {name}",
                    marker_color=palette[j % 4],
                    legendgroup=bid,
                    showlegend=i == 0,
                    error_y=error,
                    hovertemplate=f"{name}<br>" + hover_number("y", digits) + "<extra></extra>",
                )
            )
            at_row.append(r)
            at_col.append(c)
            suppressed = row.height and row["suppressed"][0]
            if not suppressed:
                shown["where"].append(bid)
                shown["values"].append(value)
                shown["lows"].append(low if error else None)
                shown["highs"].append(high if error else None)
                shown["texts"].append(i18n.num(value, lang, digits) if value is not None else "–")
        if shown["where"]:
            base = scale_range[0] if m.startswith(("engagement", "dim_")) else 0.0
            notes += [n | {"xref": xref, "yref": yref} for n in end_labels(**shown, base=base)]
        hidden = part.filter(pl.col("suppressed"))
        if hidden.height:  # no bar, no number: only the reason
            traces.append(
                go.Scatter(
                    x=hidden["branch_id"].to_list(),
                    y=[1.5] * hidden.height,
                    mode="text",
                    text=[f"< {min_size}"] * hidden.height,
                    showlegend=False,
                    hoverinfo="skip",
                    textfont={"color": COMPANY_COLOR, "size": 14},
                )
            )
            at_row.append(r)
            at_col.append(c)
        if m.startswith(("engagement", "dim_")):
            fig.update_yaxes(range=scale_range, row=r, col=c)
        else:
            room = label_room(shown["values"], shown["lows"], shown["highs"])
            fig.update_yaxes(range=room, row=r, col=c)
        if company.get(m) is not None:  # under the bars; named in the legend, not on a bar
            lines.append(
                {
                    "type": "line",
                    "layer": "below",
                    "line": {"color": COMPANY_COLOR, "dash": "dash"},
                    "xref": f"{xref} domain",
                    "x0": 0,
                    "x1": 1,
                    "yref": yref,
                    "y0": company[m],
                    "y1": company[m],
                }
            )
    fig.layout.annotations, fig.layout.shapes = notes, lines  # replaced whole: one validation
    traces.append(  # the legend's entry for the company line
        go.Scatter(
            x=[None],
            y=[None],
            mode="lines",
            name=t("chart.company", lang),
            line={"color": COMPANY_COLOR, "dash": "dash"},
            hoverinfo="skip",
        )
    )
    fig.add_traces(traces, rows=[*at_row, 1], cols=[*at_col, 1])
    # the legend 48 px below the last row's axis whatever the number of rows (legend.y is a
    # fraction of the plot area; at -0.08 it sat on the branch ids of a single row)
    margin = _house(lang)["margin"]
    plot_px = 300 * rows - margin["t"] - margin["b"]
    return _layout(
        fig,
        lang,
        height=300 * rows,
        barmode="group",
        legend={"orientation": "h", "y": -COMPARE_LEGEND_PX / plot_px},
    )


@kept
def lost_customers_bars(top: pl.DataFrame, lang: str, min_size: int) -> go.Figure:
    """The branches losing the most customers (bars), coloured by engagement; branches whose
    engagement is suppressed are grey and say "< 5" instead of a score."""
    labels = [f"{b} · {n}" for b, n in zip(top["branch_id"], top["name"], strict=True)]
    shown = top["engagement"].is_not_null().to_list()
    traces = []
    traces.append(
        go.Bar(
            y=[lab for lab, ok in zip(labels, shown, strict=True) if ok],
            x=top.filter(pl.col("engagement").is_not_null())["lost"].to_list(),
            orientation="h",
            marker={
                "color": top["engagement"].drop_nulls().to_list(),
                "colorscale": "RdBu",
                "cmin": 2.5,
                "cmax": 4.5,
                "colorbar": {"title": {"text": t("measure.engagement", lang), "side": "right"}},
            },
            text=[i18n.num(e, lang, 2) for e in top["engagement"].drop_nulls()],
            textposition="inside",
            hovertemplate="%{y}<br>%{x:,.0f}<extra></extra>",
        )
    )
    traces.append(
        go.Bar(
            y=[lab for lab, ok in zip(labels, shown, strict=True) if not ok],
            x=top.filter(pl.col("engagement").is_null())["lost"].to_list(),
            orientation="h",
            marker={"color": COMPANY_COLOR},
            text=[f"< {min_size}"] * (len(shown) - sum(shown)),
            textposition="inside",
            hovertemplate="%{y}<br>%{x:,.0f}<extra></extra>",
        )
    )
    return _figure(
        traces,
        lang,
        height=80 + 34 * top.height,
        showlegend=False,
        yaxis={"categoryorder": "array", "categoryarray": labels, "autorange": "reversed"},
        xaxis=_axis_title(t("story.lost_axis", lang)),
    )


def _interval(value: float, ci: tuple[float, float], lang: str, digits: int) -> str:
    return (
        f"{i18n.num(value, lang, digits, sign=True)} "
        f"[{i18n.num(ci[0], lang, digits)}; {i18n.num(ci[1], lang, digits)}]"
    )


@kept
def chain_diagram(model, lang: str) -> go.Figure:
    """The chain as a path diagram: engagement -> loyalty -> return with a, b and c' (each with
    its 95% interval) on the arrows and the indirect effect a*b with its bootstrap interval."""
    res = model.result
    loyalty = model.loyalty
    boxes = {
        "engagement": (1.5, 1.0, t("chain.box.engagement", lang)),
        "loyalty": (5.0, 4.2, t(f"chain.box.{loyalty}", lang)),
        "ros": (8.5, 1.0, t("chain.box.ros", lang)),
    }
    fig = go.Figure()
    for x, y, label in boxes.values():
        fig.add_shape(
            type="rect",
            x0=x - 1.35,
            x1=x + 1.35,
            y0=y - 0.55,
            y1=y + 0.55,
            line={"color": BRANCH_COLOR, "width": 2},
            fillcolor="rgba(31,119,180,0.10)",
        )
        fig.add_annotation(x=x, y=y, text=f"<b>{label}</b>", showarrow=False, font={"size": 17})

    def arrow(start: str, end: str, text: str, tx: float, ty: float) -> None:
        (x0, y0, _), (x1, y1, _) = boxes[start], boxes[end]
        dx, dy = x1 - x0, y1 - y0
        length = (dx**2 + dy**2) ** 0.5
        pad = 1.45 if abs(dy) < 0.1 else 0.95
        fig.add_annotation(
            x=x1 - dx / length * pad,
            y=y1 - dy / length * pad,
            ax=x0 + dx / length * pad,
            ay=y0 + dy / length * pad,
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            text="",
            showarrow=True,
            arrowhead=3,
            arrowsize=1.4,
            arrowwidth=2.5,
            arrowcolor=COMPANY_COLOR,
        )
        fig.add_annotation(x=tx, y=ty, text=text, showarrow=False, font={"size": 14})

    finite = analysis.finite(res.a)
    arrow(
        "engagement",
        "loyalty",
        f"a{EQ}{_interval(res.a, res.a_ci, lang, 1)}" if finite else f"a{EQ}–",
        2.2,
        3.3,
    )
    arrow(
        "loyalty",
        "ros",
        f"b{EQ}{_interval(res.b, res.b_ci, lang, 3)}" if finite else f"b{EQ}–",
        7.8,
        3.3,
    )
    arrow(
        "engagement",
        "ros",
        f"c′{EQ}{_interval(res.c_prime, res.c_prime_ci, lang, 2)}" if finite else f"c′{EQ}–",
        5.0,
        0.55,
    )
    subtitle = (
        t(
            "chain.subtitle",
            lang,
            indirect=_interval(res.indirect, res.indirect_ci, lang, 2),
            n=res.n,
            n_boot=i18n.num(res.n_boot, lang, 0),
        )
        if finite
        else t("link.na", lang, n=res.n)
    )
    return _layout(
        fig,
        lang,
        title=chart_title(t("chain.title", lang), subtitle),
        height=420,
        showlegend=False,
        xaxis={"visible": False, "range": [0, 10], "fixedrange": True},
        yaxis={"visible": False, "range": [0, 5.2], "fixedrange": True},
        plot_bgcolor="rgba(0,0,0,0)",
    )


@kept
def drivers_bars(drivers: pl.DataFrame, dims: pl.DataFrame, loyalty: str, lang: str) -> go.Figure:
    """Relative weights of the engagement dimensions for loyalty (share of explained variance,
    percentage points of R^2) with bootstrap intervals; branch level."""
    names = i18n.dimension_names(dims, lang)
    data = drivers.sort("raw_weight")
    r2, n = data["r2"][0], data["n"][0]
    trace = go.Bar(
        y=[names.get(d, d) for d in data["dimension_id"]],
        x=(100 * data["raw_weight"]).to_list(),
        orientation="h",
        marker_color=BRANCH_COLOR,
        error_x={
            "type": "data",
            "symmetric": False,
            "array": (100 * (data["high"] - data["raw_weight"])).to_list(),
            "arrayminus": (100 * (data["raw_weight"] - data["low"])).to_list(),
        },
        customdata=data["rescaled"].to_list(),
        hovertemplate="%{y}: %{x:.1f} (%{customdata:.0f} % R²)<extra></extra>",
    )
    subtitle = t(
        "drivers.subtitle",
        lang,
        r2=i18n.num(100 * r2, lang, 0),
        n=n,
        loyalty=measure_label(loyalty, lang),
    )
    return _figure(
        [trace],
        lang,
        title=chart_title(t("drivers.chart_title", lang), subtitle),
        height=380,
        showlegend=False,
        xaxis=_axis_title(t("drivers.axis", lang)),
    )


@kept
def rwg_histogram(values: pl.Series, lang: str, min_size: int) -> go.Figure:
    """Distribution of within-branch agreement r_wg(j) over branches at or above the minimum
    group size (no branch is named); the .70 line marks strong agreement."""
    fig = go.Figure(
        go.Histogram(
            x=values.to_list(),
            xbins={"start": 0, "end": 1.0001, "size": 0.05},
            marker_color=BRANCH_COLOR,
            hovertemplate="%{x:.2f}: %{y}<extra></extra>",
        )
    )
    fig.add_vline(x=0.7, line_dash="dash", line_color=COMPANY_COLOR)
    return _layout(
        fig,
        lang,
        title=chart_title(
            t("quality.rwg_title", lang),
            t("quality.rwg_subtitle", lang, n=values.len(), min=min_size),
        ),
        height=340,
        showlegend=False,
        xaxis={"title": "r<sub>wg(j)</sub>", "range": [0, 1.02]},
        yaxis_title=t("quality.branches", lang),
    )


@kept
def what_if_bars(w, lang: str, top: int = 25) -> go.Figure:
    """Expected change in operating profit per simulated branch (the largest ``top``), with
    the total and its bootstrap interval in the title; branch level. Without an estimate (the
    chain model cannot be fitted) no bars, and the title says why."""
    if not analysis.finite(w.profit_change):
        return _figure(
            [],
            lang,
            title=chart_title(t("whatif.chart_title", lang), t("whatif.chart_na", lang)),
            height=320,
            showlegend=False,
            xaxis={"visible": False},
            yaxis={"visible": False},
        )
    data = w.per_branch.sort("profit_change", descending=True).head(top).reverse()
    trace = go.Bar(
        y=[f"{n} ({b})" for n, b in zip(data["name"], data["branch_id"], strict=True)],
        x=data["profit_change"].to_list(),
        orientation="h",
        marker_color=BRANCH_COLOR,
        error_x={
            "type": "data",
            "symmetric": False,
            "array": (data["profit_high"] - data["profit_change"]).to_list(),
            "arrayminus": (data["profit_change"] - data["profit_low"]).to_list(),
            "color": COMPANY_COLOR,
            "thickness": 1.5,
        },
        customdata=np.column_stack(
            [
                data["branch_id"].to_numpy(),
                data["profit_low"].to_numpy(),
                data["profit_high"].to_numpy(),
            ]
        ),
        hovertemplate="%{y}: "
        + ("%{x:,.0f}\u00a0€" if lang == "de" else "€%{x:,.0f}")
        + " [%{customdata[1]:,.0f}; %{customdata[2]:,.0f}]<extra></extra>",
    )
    subtitle = t(
        "whatif.chart_subtitle",
        lang,
        total=i18n.num(w.profit_change, lang, 0),
        low=i18n.num(w.profit_ci[0], lang, 0),
        high=i18n.num(w.profit_ci[1], lang, 0),
        k=w.n_branches,
        shown=min(top, w.n_branches),
    )
    return _figure(
        [trace],
        lang,
        title=chart_title(t("whatif.chart_title", lang), subtitle),
        height=max(320, 60 + 22 * data.height),
        showlegend=False,
        xaxis=_axis_title(t("whatif.axis", lang)),
    )
