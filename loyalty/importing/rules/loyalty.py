"""Rules of a loyalty file (customers kept, NPS answers, churn reasons) and its frames."""

from __future__ import annotations

import polars as pl

from loyalty.importing.rules.base import Checked, Context, row_problems
from loyalty.schema import CHURN_FIELDS

#: Every problem kind these rules raise (``import.problem.<code>`` in both languages).
CODES = ("retained_exceeds_active",)
#: Every note (``import.warning.<code>``) these rules give.
NOTES: tuple[str, ...] = ()
#: The counts of a loyalty row, as stored.
COUNTS = ("active_customers", "retained_customers", "promoters", "passives", "detractors")


def retained_within_active(work: pl.DataFrame, ctx: Context) -> Checked:
    """A branch cannot keep more customers than it has."""
    problem = row_problems(
        work,
        pl.col("retained_customers") > pl.col("active_customers"),
        "retained_exceeds_active",
        ctx.resolved["retained_customers"],
        pl.col("retained_customers").cast(pl.Int64),
        pl.col("active_customers").cast(pl.Int64),
    )
    return Checked(work, [problem])


def frames(work: pl.DataFrame, ctx: Context) -> dict[str, pl.DataFrame]:
    """loyalty (one row per branch and wave) and churn (customers lost per reason, where the
    file has churn-reason columns)."""
    out = {"loyalty": work.select("branch_id", "wave", *(pl.col(c).cast(pl.Int64) for c in COUNTS))}
    churn = [f for f in CHURN_FIELDS if ctx.resolved.get(f)]
    if churn:
        out["churn"] = (
            work.select("branch_id", "wave", *churn)
            .unpivot(
                index=["branch_id", "wave"],
                on=churn,
                variable_name="reason",
                value_name="customers",
            )
            .filter(pl.col("customers").is_not_null())
            .with_columns(
                pl.col("reason").str.strip_prefix("churn_"),
                pl.col("customers").cast(pl.Int64),
            )
        )
    return out
