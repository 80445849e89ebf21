"""A finance file: nothing beyond the shared rules (amounts may be negative where the schema
says so, see :data:`loyalty.schema.FIELDS`); its frame."""

from __future__ import annotations

import polars as pl

from loyalty.importing.rules.base import Context

#: Every problem kind these rules raise (``import.problem.<code>`` in both languages).
CODES: tuple[str, ...] = ()
#: Every note (``import.warning.<code>``) these rules give.
NOTES: tuple[str, ...] = ()


def frames(work: pl.DataFrame, ctx: Context) -> dict[str, pl.DataFrame]:
    """financials: one row per branch and wave."""
    return {
        "financials": work.select(
            "branch_id", "wave", "revenue", "gross_margin", "operating_profit"
        )
    }
