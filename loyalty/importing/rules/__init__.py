"""The import's rules, one module per kind of file (see :mod:`loyalty.importing.rules.base`).

:mod:`.columns` checks the file's columns before any row is read; :mod:`.common` holds the
rules every kind shares; :mod:`.branches`, :mod:`.engagement`, :mod:`.loyalty` and
:mod:`.finance` add their own and build the frames to store. :data:`RULES` says which rules
run for a kind and in which order (the report lists the problems in that order)."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from loyalty.importing.rules import branches, columns, common, engagement, finance
from loyalty.importing.rules import loyalty as loyalty_file
from loyalty.importing.rules.base import Checked, Context, Notice

Rule = Callable[[pl.DataFrame, Context], Checked]
_SHARED: tuple[Rule, ...] = (common.waves, common.branch_ids, common.numeric_fields, common.texts)

#: Per kind: the row rules in the order they run.
RULES: dict[str, tuple[Rule, ...]] = {
    "branches": (
        branches.branch_ids,
        common.numeric_fields,
        common.texts,
        common.duplicate_branches,
    ),
    "engagement": (
        common.waves,
        common.branch_ids,
        engagement.answers,
        common.numeric_fields,
        common.texts,
        engagement.scales,
        engagement.scores,
        engagement.empty_responses,
        engagement.duplicate_responses,
    ),
    "loyalty": (*_SHARED, loyalty_file.retained_within_active, common.duplicate_branches),
    "finance": (*_SHARED, common.duplicate_branches),
}
#: Per kind: the frames to store, built from the checked working frame.
_FRAMES: dict[str, Callable[[pl.DataFrame, Context], dict[str, pl.DataFrame]]] = {
    "branches": branches.frames,
    "engagement": engagement.frames,
    "loyalty": loyalty_file.frames,
    "finance": finance.frames,
}

_MODULES = (columns, common, branches, engagement, loyalty_file, finance)
#: Every problem kind a rule raises, every note a rule gives (each has its messages).
CODES: tuple[str, ...] = tuple(dict.fromkeys(c for m in _MODULES for c in m.CODES))
NOTES: tuple[str, ...] = tuple(dict.fromkeys(c for m in _MODULES for c in m.NOTES))


def frames(work: pl.DataFrame, ctx: Context) -> dict[str, pl.DataFrame]:
    """What a file without problems stores: the branches it adds (if any), then its kind's
    frames."""
    out = {"new_branches": common.new_branches_frame(ctx.new_branches)} if ctx.new_branches else {}
    return out | _FRAMES[ctx.kind](work, ctx)


def data_notes(work: pl.DataFrame, ctx: Context) -> tuple[list[Notice], pl.DataFrame | None]:
    """Notes about the data of a file without problems (a survey's group sizes, say; none for
    the other kinds) and, for a survey, per wave and branch its rows ``n`` and the respondents
    its engagement figures will count (``counted``)."""
    if ctx.kind != "engagement":
        return [], None
    counted = engagement.survey_counts(work, ctx)
    return engagement.data_notes(work, ctx, counted), counted.counts
