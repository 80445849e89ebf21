"""The loyalty story, step by step: the same steps drive presenter mode, the deck and the PDF.

Each step has a title, a few plain-language lines (every figure with its n, level and
interval) and one chart. Everything comes from suppressed frames, like the screen.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import plotly.graph_objects as go
import polars as pl

from loyalty import (
    actions_view,
    analysis,
    charts,
    confidentiality,
    effects,
    fitting,
    i18n,
    model,
    stats,
    wording,
)
from loyalty.i18n import t

#: What each step before the actions' reads of :class:`Parts`, by name (:func:`tell_step`).
READS = {
    "chain": ("table", "links", "corrected"),
    "return": ("table", "ratio", "links"),
    "quadrants": ("quadrants",),
    "branches": ("table",),
    "why": ("churn",),
    "whatif": ("what_if", "lags", "corrected"),
}

STEP_KEYS = (*READS, "actions")
#: The story's what-if: the simulator's first question (the bottom engagement quartile, +0.3).
WHAT_IF_DELTA = model.WHAT_IF_DEFAULT[2]


@dataclass(frozen=True)
class Step:
    key: str
    title: str
    lines: tuple[str, ...]
    figure: go.Figure | None  # None: its results are still being computed


def _corrected_lines(
    corrected: model.Corrected | None, links: list[analysis.Link], lang: str
) -> list[str]:
    """The deck says which value it shows: the observed links above, corrected ones here."""
    if corrected is None:
        return []
    return wording.corrected_links_sentence(
        [
            (t("link." + link.key, lang), corrected.links[link.key], link.result.r)
            for link in links
            if link.key in corrected.links
        ],
        lang,
    )


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
    #: actions and their effect (the last step; left out while no action is recorded)
    actions: effects.Summary | None = None
    corrected: model.Corrected | None = None  # links corrected for reliability of branch means
    #: actions per status whose effects are still being computed (a draft story, ``actions``
    #: None): the last step says so instead of showing them
    pending: dict[str, int] | None = None


def tell(parts: Parts, lang: str, loyalty: str = "nps") -> list[Step]:
    """The steps, told in ``lang`` from computed :class:`Parts` (the core,
    :meth:`loyalty.dashboard.Dashboard.story_parts`, gives the results the pages show, so a
    story costs only its charts)."""
    steps = [tell_step(key, lambda part: getattr(parts, part), lang, loyalty) for key in READS]
    last = actions_step(parts.actions, parts.pending, lang)
    return steps + ([last] if last is not None else [])


def tell_step(key: str, read: Callable[[str], Any], lang: str, loyalty: str = "nps") -> Step:
    """One step before the actions' (a key of :data:`READS`), told from the parts it reads:
    ``read(name)`` gives the part of :class:`Parts` called ``name``, read only when needed
    (presenter mode shows one step while the others' results are computed)."""
    return _TELLERS[key](read, lang, loyalty)


def _chain(read: Callable[[str], Any], lang: str, loyalty: str) -> Step:
    table, links = read("table"), read("links")
    return Step(
        "chain",
        t("story.chain.title", lang),
        (
            t("overview.intro", lang),
            *(wording.link_line(link, lang) for link in links),
            *_corrected_lines(read("corrected"), links, lang),
            t("association_note", lang),
        ),
        charts.link_scatter(table, links[0], lang, wording.link_subtitle(links[0], lang)),
    )


def _return(read: Callable[[str], Any], lang: str, loyalty: str) -> Step:
    table, ratio, links = read("table"), read("ratio"), read("links")
    headline = wording.headline(ratio, lang)
    detail = wording.headline_detail(ratio, lang) if analysis.finite(ratio.ratio) else ""
    return Step(
        "return",
        t("story.return.title", lang),
        tuple(x for x in (headline, detail, wording.link_line(links[1], lang)) if x),
        charts.link_scatter(table, links[1], lang, wording.link_subtitle(links[1], lang)),
    )


def _quadrants(read: Callable[[str], Any], lang: str, loyalty: str) -> Step:
    quads = read("quadrants")
    q = {row["quadrant"]: row for row in quads.iter_rows(named=True)}
    split = wording.quadrant_note(quads, lang)  # a line of the step and its chart's subtitle
    return Step(
        "quadrants",
        t("story.quadrants.title", lang),
        (
            t(
                "story.quadrants.line",
                lang,
                hh=_quadrant_mean(q["high_high"], lang),
                ll=_quadrant_mean(q["low_low"], lang),
            ),
            wording.multiplier_line(quads, loyalty, lang),
            split,
        ),
        charts.quadrant_bars(quads, loyalty, lang, split),
    )


def _quadrant_mean(row: dict[str, Any], lang: str) -> str:
    """A quadrant's mean return with its interval and n; without an interval where the
    bootstrap gives none (a quadrant of one branch, too few branches to resample)."""
    if not analysis.finite(row["mean"]):
        return t("story.quadrants.mean_none", lang, n=row["n"])
    if not (analysis.finite(row["ci_low"]) and analysis.finite(row["ci_high"])):
        return t(
            "story.quadrants.mean_no_interval", lang, mean=i18n.num(row["mean"], lang), n=row["n"]
        )
    return t(
        "story.quadrants.mean",
        lang,
        mean=i18n.num(row["mean"], lang),
        low=i18n.num(row["ci_low"], lang),
        high=i18n.num(row["ci_high"], lang),
        n=row["n"],
    )


def _branches(read: Callable[[str], Any], lang: str, loyalty: str) -> Step:
    minimum = confidentiality.minimum()
    top, share = analysis.most_lost_customers(read("table"))
    return Step(
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


def _why(read: Callable[[str], Any], lang: str, loyalty: str) -> Step:
    churn = read("churn")
    shares = dict(zip(churn["reason"], churn["share"], strict=True))
    return Step(
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


def _what_if(read: Callable[[str], Any], lang: str, loyalty: str) -> Step:
    w = read("what_if")
    return Step(
        "whatif",
        t("story.whatif.title", lang),
        (
            t("story.whatif.line", lang, delta=i18n.num(WHAT_IF_DELTA, lang, 1)),
            *wording.what_if_sentences(w, read("lags"), lang, read("corrected")),
        ),
        charts.what_if_bars(w, lang, top=6),  # every bar named at 20 px in a step
    )


_TELLERS = {
    "chain": _chain,
    "return": _return,
    "quadrants": _quadrants,
    "branches": _branches,
    "why": _why,
    "whatif": _what_if,
}


def actions_step(
    summary: effects.Summary | None, pending: dict[str, int] | None, lang: str
) -> Step | None:
    """The last step: the actions and their effect; while their effects are being computed
    (``pending``: actions per status), that they are; None while no action is recorded."""
    if pending:
        return Step(
            "actions",
            t("actions.story.title", lang),
            actions_view.pending_lines(pending, lang),
            None,
        )
    if summary is not None and summary.counts:
        return Step(
            "actions",
            t("actions.story.title", lang),
            actions_view.story_lines(summary, lang),
            actions_view.story_chart(summary, lang),
        )
    return None


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


def presenter_pack(step: Step) -> bytes:
    """``step`` packed with its figure made ready for the room
    (:func:`loyalty.charts.presentation`), for a cache; :class:`PackedSteps` reads it."""
    if step.figure is not None:
        step = replace(
            step, figure=charts.presentation(step.figure, width=presenter_fit(step).chart_px)
        )
    return pickle.dumps(step)


def presenter_fit(step: Step) -> fitting.Layout:
    """How ``step`` fits presenter mode's 1280×720 screen: its text size and chart width."""
    return fitting.layout(step.lines, fitting.PRESENTER)


class PackedSteps:
    """Steps packed one by one (:func:`presenter_pack`): ``len()`` and ``[i]`` make and unpack
    only the step asked for (presenter mode shows one: its results alone are computed, and
    unpacking all seven figures and restyling one cost ~130 ms per step at 120 branches).
    ``pack(i)`` gives step ``i``'s bytes (a cache)."""

    def __init__(self, length: int, pack: Callable[[int], bytes]) -> None:
        self._length = length
        self._pack = pack

    def __len__(self) -> int:
        return self._length

    def __getitem__(self, index: int) -> Step:
        if not 0 <= index < self._length:
            raise IndexError(index)
        return pickle.loads(self._pack(index))  # noqa: S301 - our own bytes, never user data

    def packs(self) -> list[bytes]:
        """Every step made, packed (a warm-up: nothing unpacked)."""
        return [self._pack(i) for i in range(self._length)]


def copy(steps: list[Step]) -> list[Step]:
    """An independent copy of the steps (a pickle round trip, see :func:`pack`)."""
    return unpack(pack(steps))
