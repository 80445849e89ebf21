"""The loyalty story, step by step: the same steps drive presenter mode, the deck and the PDF.

Each step has a title, a few plain-language lines (every figure with its n, level and
interval) and one chart. Everything comes from suppressed frames, like the screen.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass

import plotly.graph_objects as go
import polars as pl

from loyalty import access, analysis, charts, confidentiality, i18n, model, stats
from loyalty.i18n import t
from loyalty.store import Store

STEP_KEYS = ("chain", "return", "quadrants", "branches", "why", "whatif")
#: The story's what-if: the simulator's first question (the bottom engagement quartile, +0.3).
WHAT_IF_DELTA = model.WHAT_IF_DEFAULT[2]


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    lines: tuple[str, ...]
    figure: go.Figure


def _link_line(link: analysis.Link, lang: str) -> str:
    res = link.result
    if not analysis.finite(res.r):
        return f"{t('link.' + link.key, lang)}: {t('link.na', lang, n=res.n)}"
    sentence = t(
        "link.sentence",
        lang,
        r=i18n.num(res.r, lang, 2),
        low=i18n.num(res.ci[0], lang, 2),
        high=i18n.num(res.ci[1], lang, 2),
        n=res.n,
    )
    return f"{t('link.' + link.key, lang)}: {i18n.strength_words(res.r, lang)}, {sentence}"


@dataclass(frozen=True)
class Parts:
    """What the story is told from: suppressed branch-level results, nothing row-level."""

    table: pl.DataFrame  # the wave's branch table (the viewer's scope)
    links: list[analysis.Link]
    ratio: stats.QuartileRatio
    quadrants: pl.DataFrame
    churn: pl.DataFrame  # churn reasons, company-wide
    what_if: model.WhatIf  # the bottom engagement quartile, +WHAT_IF_DELTA
    lags: stats.LaggedEffects | None  # over all waves


def parts(
    store: Store,
    wave: str,
    loyalty: str = "nps",
    n_boot: int = 2000,
    scope: frozenset[str] | None = None,
) -> Parts:
    """Compute the story's parts for one wave; with ``scope`` only those branches (computed
    and suppressed with the whole company first, see :mod:`loyalty.access`)."""
    table = access.visible(analysis.branch_table(store, wave, loyalty=loyalty), scope)
    all_waves = access.visible(analysis.branch_table(store, None, loyalty=loyalty), scope)
    rule, values, delta = model.WHAT_IF_DEFAULT
    return Parts(
        table=table,
        links=analysis.chain_links(table, loyalty),
        ratio=analysis.headline_ratio(table, loyalty, n_boot=n_boot),
        quadrants=analysis.quadrant_table(table, loyalty, n_boot=n_boot),
        churn=analysis.churn_shares(store, wave),
        what_if=model.what_if(
            table, model.select_branches(table, rule, values), delta, loyalty, n_boot=n_boot
        ),
        lags=model.lag_direction(all_waves, loyalty),
    )


def build(
    store: Store,
    wave: str,
    lang: str,
    loyalty: str = "nps",
    n_boot: int = 2000,
    scope: frozenset[str] | None = None,
) -> list[Step]:
    """All steps of the story for one wave (see :func:`parts` and :func:`tell`)."""
    return tell(parts(store, wave, loyalty, n_boot, scope), lang, loyalty)


def tell(parts: Parts, lang: str, loyalty: str = "nps") -> list[Step]:
    """The steps, told in ``lang`` from computed :class:`Parts` (the app passes its cached
    results, so a story costs only its charts)."""
    table, links, ratio = parts.table, parts.links, parts.ratio
    minimum = confidentiality.minimum()
    steps = []

    headline = (
        t(
            "overview.headline",
            lang,
            ratio=i18n.num(ratio.ratio, lang),
            low=i18n.num(ratio.ci[0], lang),
            high=i18n.num(ratio.ci[1], lang),
        )
        if analysis.finite(ratio.ratio)
        else t("overview.headline_na", lang)
    )
    steps.append(
        Step(
            "chain",
            t("story.chain.title", lang),
            (
                t("overview.intro", lang),
                *(_link_line(link, lang) for link in links),
                t("association_note", lang),
            ),
            charts.link_scatter(table, links[0], lang),
        )
    )
    detail = (
        t(
            "overview.headline_detail",
            lang,
            top=i18n.num(ratio.top_mean, lang),
            bottom=i18n.num(ratio.bottom_mean, lang),
            n_top=ratio.n_top,
            n_bottom=ratio.n_bottom,
            n=ratio.n,
            n_boot=i18n.num(ratio.n_boot, lang, 0),
        )
        if analysis.finite(ratio.ratio)
        else ""
    )
    steps.append(
        Step(
            "return",
            t("story.return.title", lang),
            tuple(x for x in (headline, detail, _link_line(links[1], lang)) if x),
            charts.link_scatter(table, links[1], lang),
        )
    )

    quads = parts.quadrants
    q = {row["quadrant"]: row for row in quads.iter_rows(named=True)}
    steps.append(
        Step(
            "quadrants",
            t("story.quadrants.title", lang),
            (
                t(
                    "story.quadrants.line",
                    lang,
                    hh=i18n.num(q["high_high"]["mean"], lang),
                    hh_low=i18n.num(q["high_high"]["ci_low"], lang),
                    hh_high=i18n.num(q["high_high"]["ci_high"], lang),
                    n_hh=q["high_high"]["n"],
                    ll=i18n.num(q["low_low"]["mean"], lang),
                    ll_low=i18n.num(q["low_low"]["ci_low"], lang),
                    ll_high=i18n.num(q["low_low"]["ci_high"], lang),
                    n_ll=q["low_low"]["n"],
                ),
                multiplier_line(quads, loyalty, lang),
                t("quadrant.subtitle", lang, n=q["high_high"]["n_total"]),
            ),
            charts.quadrant_bars(quads, loyalty, lang),
        )
    )

    top, share = analysis.most_lost_customers(table)
    steps.append(
        Step(
            "branches",
            t("story.branches.title", lang),
            (
                t(
                    "story.branches.line",
                    lang,
                    k=top.height,
                    lost=i18n.num(int(top["lost"].sum()), lang, 0),
                    share=i18n.num(100 * share, lang, 0),
                ),
                t("story.branches.colour", lang, min=minimum),
            ),
            charts.lost_customers_bars(top, lang, minimum),
        )
    )

    churn = parts.churn
    shares = dict(zip(churn["reason"], churn["share"], strict=True))
    steps.append(
        Step(
            "why",
            t("story.why.title", lang),
            (
                t(
                    "story.why.line",
                    lang,
                    staff=i18n.num(100 * analysis.staff_share(churn), lang, 0),
                    price=i18n.num(100 * shares.get("price", 0), lang, 0),
                    quality=i18n.num(100 * shares.get("quality", 0), lang, 0),
                    n=i18n.num(int(churn["customers"].sum()), lang, 0),
                ),
                t("story.why.study", lang),
            ),
            charts.churn_bars(None, churn, lang),
        )
    )

    w, lags = parts.what_if, parts.lags
    steps.append(
        Step(
            "whatif",
            t("story.whatif.title", lang),
            (
                t("story.whatif.line", lang, delta=i18n.num(WHAT_IF_DELTA, lang, 1)),
                *model.what_if_sentences(w, lags, lang),
            ),
            charts.what_if_bars(w, lang, top=8),  # labels that a room can read
        )
    )
    return steps


def multiplier_line(quads: pl.DataFrame, loyalty: str, lang: str) -> str:
    """ "Engaged and loyal branches earn 1.9× [1.5; 2.4] the return of the rest", with the
    n of both groups, the level and the bootstrap; a plain note when there is no ratio."""
    row = quads.filter(pl.col("quadrant") == "high_high").row(0, named=True)
    if not analysis.finite(row["vs_rest"]) or not analysis.finite(row["vs_rest_low"]):
        return t("quadrant.multiplier_na", lang)
    return t(
        "quadrant.multiplier",
        lang,
        loyalty=t(f"short.{loyalty}", lang),
        ratio=i18n.num(row["vs_rest"], lang, 1),
        low=i18n.num(row["vs_rest_low"], lang, 1),
        high=i18n.num(row["vs_rest_high"], lang, 1),
        n_top=row["n"],
        n_rest=row["n_total"] - row["n"],
        n_boot=i18n.num(row["n_boot"], lang, 0),
    )


def wave_label(store: Store, wave: str | None) -> str:
    """The wave to report on: the given one if it exists, else the default wave (the newest
    complete one, :func:`loyalty.analysis.default_wave`), as the app shows it."""
    if wave is None:
        default = analysis.default_wave(store)
        if default is None:
            raise ValueError("the store holds no wave")
        return default
    if wave not in analysis.waves(store):
        raise ValueError(wave)
    return wave


def frame_of(steps: list[Step]) -> pl.DataFrame:
    """The steps as a small frame (key, title, text) for tests and the CLI."""
    return pl.DataFrame(
        {
            "key": [s.key for s in steps],
            "title": [s.title for s in steps],
            "text": ["\n".join(s.lines) for s in steps],
        }
    )


def pack(steps: list[Step]) -> bytes:
    """The steps as bytes, for a cache: :func:`unpack` gives a fresh copy each time, and
    copies made this way serialise their figures identically, which the original objects need
    not (plotly's key order) — a chart keeps its identity (and its selection) on rerun."""
    return pickle.dumps(steps)


def unpack(packed: bytes) -> list[Step]:
    return pickle.loads(packed)  # noqa: S301 - our own bytes from pack(), never user data


def copy(steps: list[Step]) -> list[Step]:
    """An independent copy of the steps (a pickle round trip, see :func:`pack`)."""
    return unpack(pack(steps))
