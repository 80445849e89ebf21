"""Rules of a branch list (the store's branches: id, name, region, format, headcount) and its
frame. Unlike the other kinds, a branch the store does not know is no problem: it is new."""

from __future__ import annotations

import polars as pl

from loyalty.importing.rules.base import Checked, Context, Notice, short_list
from loyalty.importing.rules.common import missing_branch_ids

#: Every problem kind these rules raise (``import.problem.<code>`` in both languages).
CODES: tuple[str, ...] = ()
#: Every note (``import.warning.<code>``) these rules give.
NOTES = ("new_branches",)
#: The columns of a branch besides its id, as stored where the file has them.
COLUMNS = ("name", "region", "format", "headcount")


def branch_ids(work: pl.DataFrame, ctx: Context) -> Checked:
    """Every row has an id; ids the store does not know yet are named in a note."""
    out = Checked(work, [missing_branch_ids(work, ctx)])
    fresh = (
        work.filter(
            pl.col("branch_id").is_not_null()
            & ~pl.col("branch_id").is_in(ctx.known_branches.implode())
        )["branch_id"]
        .unique(maintain_order=True)
        .to_list()
    )
    if fresh:
        out.notes.append(
            Notice("new_branches", {"count": len(fresh), "branches": short_list(fresh)})
        )
    return out


def frames(work: pl.DataFrame, ctx: Context) -> dict[str, pl.DataFrame]:
    """branches: the id and the columns the file has (headcount as a 32-bit integer)."""
    present = [c for c in COLUMNS if ctx.resolved.get(c)]
    return {
        "branches": work.select(
            "branch_id",
            *(pl.col(c).cast(pl.Int32) if c == "headcount" else pl.col(c) for c in present),
        )
    }
