"""Actions and their effect for people: the effect table, its chart and the story's sentences.

Numbers come from :mod:`loyalty.effects`; this module only words and draws them (German and
English, the language's number format), like :mod:`loyalty.story` does for the chain.
"""

from __future__ import annotations

import textwrap

import plotly.graph_objects as go
import polars as pl

from loyalty import actions, charts, i18n
from loyalty.effects import DIGITS, OUTCOMES, Effects, Summary
from loyalty.i18n import t

#: Characters per line of the effect chart's axis title: 340 px at presenter size (20 px),
#: what the plot beside the row labels has in a presenter step's column at 1280×720.
AXIS_TITLE_CHARS = 34


def outcome_label(outcome: str, lang: str) -> str:
    return t(f"actions.outcome.{outcome}", lang)


def group_label(group: str, dimensions: pl.DataFrame, lang: str) -> str:
    if group == "all":
        return t("actions.group.all", lang)
    names = i18n.dimension_names(dimensions, lang)
    return names.get(group, group)


def interval_text(value: float | None, low: float | None, high: float | None, lang: str,
                  digits: int) -> str:  # fmt: skip
    """ "+0,21 [0,05; 0,37]" (German) or "+0.21 [0.05; 0.37]"; "–" when missing."""
    if value is None:
        return "–"

    def fmt(x: float, sign: bool = False) -> str:
        return i18n.num(x, lang, digits, sign=sign).replace("-", "−", 1)

    inner = f" [{fmt(low)}; {fmt(high)}]" if low is not None and high is not None else ""
    return fmt(value, sign=True) + inner


def export_listing(frame: pl.DataFrame, dimensions: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The actions as the Actions page downloads them: its list (:func:`loyalty.actions.listing`)
    with the start a date and the last change a moment, which :mod:`loyalty.exports` writes in
    the language's format (05.12.2026; in Excel real dates)."""
    return actions.listing(frame, dimensions, lang).with_columns(
        frame["start_date"], frame["changed_at"]
    )


def effect_table(effects: Effects, dimensions: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The effect table as the page shows it: one row per group and outcome with the
    comparison (DiD) and the before/after change, each with its interval, and n per side."""
    rows = []
    for row in effects.table.iter_rows(named=True):
        digits = DIGITS[row["outcome"]]
        shown = row["enough"]
        rows.append(
            {
                t("actions.col.group", lang): group_label(row["group"], dimensions, lang),
                t("actions.col.outcome", lang): outcome_label(row["outcome"], lang),
                t("actions.col.estimate", lang): (
                    interval_text(row["estimate"], row["ci_low"], row["ci_high"], lang, digits)
                    if shown
                    else t("actions.too_few", lang)
                ),
                t("actions.col.naive", lang): interval_text(
                    row["naive"], row["naive_low"], row["naive_high"], lang, digits
                ),
                t("actions.col.n_treated", lang): row["n_treated"],
                t("actions.col.n_control", lang): row["n_control"],
            }
        )
    return pl.DataFrame(rows)


def effect_chart(effects: Effects, outcome: str, dimensions: pl.DataFrame, lang: str) -> go.Figure:
    """Estimates with their intervals per group for one outcome (a forest plot); the
    before/after change beside each as a hollow marker; zero as a line."""
    part = effects.table.filter(pl.col("outcome") == outcome, pl.col("enough"))
    labels = [
        f"{group_label(g, dimensions, lang)} (n{charts.EQ}{i18n.num(n_t, lang, 0)} / "
        f"{i18n.num(n_c, lang, 0)})"
        for g, n_t, n_c in part.select("group", "n_treated", "n_control").iter_rows()
    ]
    fig = go.Figure()
    fig.add_trace(
        go.Scatter(
            x=part["estimate"],
            y=labels,
            mode="markers",
            marker={"size": 12, "color": charts.BRANCH_COLOR},
            error_x={
                "type": "data",
                "symmetric": False,
                "array": (part["ci_high"] - part["estimate"]).to_list(),
                "arrayminus": (part["estimate"] - part["ci_low"]).to_list(),
            },
            name=t("actions.chart.did", lang),
        )
    )
    fig.add_trace(
        go.Scatter(
            x=part["naive"],
            y=labels,
            mode="markers",
            marker={"size": 11, "symbol": "circle-open", "color": charts.COMPANY_COLOR},
            name=t("actions.chart.naive", lang),
        )
    )
    fig.add_vline(x=0, line={"color": charts.COMPANY_COLOR, "dash": "dot"})
    # short lines: the title is centred under the plot, which long row labels push right
    text = t("actions.chart.x", lang, outcome=outcome_label(outcome, lang), k=effects.horizon)
    axis_title = "<br>".join(textwrap.wrap(text.replace("<br>", " "), AXIS_TITLE_CHARS))
    fig.update_layout(
        separators=i18n.plotly_separators(lang),
        font={"size": charts.FONT_SIZE},
        height=max(260, 70 * max(len(labels), 1) + 120),
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={"title": {"text": axis_title}, "automargin": True},
        yaxis={"autorange": "reversed"},
        # above the plot, growing upwards: two rows in a narrow column never cover a row
        legend={"orientation": "h", "x": 0, "y": 1.02, "yanchor": "bottom"},
    )
    return fig


def _did_line(counts: dict[str, int], lang: str) -> str:
    return t(
        "actions.story.did",
        lang,
        n=sum(counts.values()),
        running=counts.get("running", 0),
        done=counts.get("done", 0),
        planned=counts.get("planned", 0),
        dropped=counts.get("dropped", 0),
    )


def pending_lines(counts: dict[str, int], lang: str) -> tuple[str, ...]:
    """The presenter step on actions while their effects are still being computed: how many
    actions, and that the comparison follows."""
    return (_did_line(counts, lang), t("actions.story.pending", lang))


def story_lines(summary: Summary, lang: str) -> tuple[str, ...]:
    """The presenter step "what we did and what it changed": how many actions, then per
    group the targeted dimension (in the wave the action started) and NPS (a wave later, as
    loyalty follows engagement), each against comparable branches, and the caution."""
    lines = [_did_line(summary.counts, lang)]
    if summary.first is None or not summary.first.table.height:
        return (*lines, t("actions.story.none", lang))
    later = summary.later.table if summary.later is not None else summary.first.table.clear()
    for row in summary.first.table.filter(
        pl.col("enough"), pl.col("outcome") == "dimension"
    ).iter_rows(named=True):
        nps = later.filter(
            pl.col("group") == row["group"], pl.col("outcome") == "nps", pl.col("enough")
        )
        lines.append(
            t(
                "actions.story.all" if row["group"] == "all" else "actions.story.group",
                lang,
                group=group_label(row["group"], summary.dimensions, lang),
                dim=interval_text(row["estimate"], row["ci_low"], row["ci_high"], lang, 2),
                nps=interval_text(nps["estimate"][0], nps["ci_low"][0], nps["ci_high"][0], lang, 0)
                if nps.height
                else "–",  # fmt: skip
                n_t=row["n_treated"],
                n_c=row["n_control"],
            )
        )
    lines.append(t("actions.caution_short", lang))
    return tuple(lines)


def story_chart(summary: Summary, lang: str) -> go.Figure:
    """The step's chart: the targeted dimension per group, in the wave the action started."""
    if summary.first is None:
        return go.Figure()
    return effect_chart(summary.first, "dimension", summary.dimensions, lang)


__all__ = ["OUTCOMES", "effect_chart", "effect_table", "story_chart", "story_lines"]
