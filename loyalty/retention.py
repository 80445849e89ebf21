"""Retention: survey responses are kept for a limited time, branch figures stay.

``purge`` deletes the response-level rows (``responses``, ``response_scores``) of every wave
that ended more than ``$LOYALTY_RETENTION_MONTHS`` (24) months ago, in all its versions. Before
that it saves the wave's branch figures (respondents, engagement index and its SD, dimension
means) into ``branch_aggregates`` so the dashboards keep working. The saved figures pass
through :mod:`loyalty.confidentiality` first: a branch below the minimum group size is saved
with its respondent count only, so no hidden score survives in the table (a CHECK constraint
refuses a value on a suppressed row). Everything happens in one transaction and is audited.
Loyalty and finance figures are branch-level and are not touched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import polars as pl
from babel.dates import format_date

from loyalty import analysis, confidentiality, config
from loyalty.i18n import num, t
from loyalty.store import Store
from loyalty.versions import audit

#: Columns of :func:`loyalty.analysis.branch_table` saved per branch (plus ``dim_*`` and each
#: dimension's n ``n_dim_*``: the branch's, saved to mark the dimension means as standing on
#: the same respondents as the index; a wave saved without them shows no dimension means).
MEASURES = ("engagement", "engagement_sd")


class RetentionError(RuntimeError):
    """The purge could not be carried out (e.g. the data changed while it was prepared)."""


@dataclass(frozen=True)
class WavePurge:
    wave: str
    end_date: date
    responses: int
    scores: int
    aggregates: int
    import_ids: tuple[int, ...]


@dataclass(frozen=True)
class PurgeResult:
    cutoff: date
    months: int
    dry_run: bool
    waves: list[WavePurge] = field(default_factory=list)

    @property
    def responses(self) -> int:
        return sum(w.responses for w in self.waves)

    @property
    def scores(self) -> int:
        return sum(w.scores for w in self.waves)


def months_before(day: date, months: int) -> date:
    """The same day ``months`` calendar months earlier (the month's last day if shorter)."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def due(store: Store, cutoff: date) -> pl.DataFrame:
    """Waves that ended before ``cutoff`` and still hold responses, with row counts."""
    return store.sql(
        """
        SELECT w.wave, w.end_date,
               count(*) AS responses,
               array_agg(DISTINCT r.import_id ORDER BY r.import_id) AS import_ids,
               (SELECT count(*) FROM response_scores s JOIN responses r2
                  ON s.import_id = r2.import_id AND s.response_id = r2.response_id
                WHERE r2.wave = w.wave) AS scores
        FROM waves w JOIN responses r ON r.wave = w.wave
        WHERE w.end_date < ?
        GROUP BY w.wave, w.end_date, w.seq
        ORDER BY w.seq
        """,
        [cutoff],
    )


def _active_import(store: Store, wave: str) -> int | None:
    rows = store.sql(
        "SELECT max(import_id) AS i FROM imports WHERE kind = 'engagement' AND active AND wave = ?",
        [wave],
    )
    value = rows["i"][0]
    return None if value is None else int(value)


def branch_aggregates(store: Store, wave: str, min_size: int | None = None) -> pl.DataFrame:
    """The wave's branch figures in long form, suppressed: ``wave``, ``branch_id``,
    ``n_respondents``, ``suppressed``, ``min_size``, ``measure``, ``value``."""
    minimum = confidentiality.minimum(min_size)
    table = analysis.branch_table(store, wave, min_size=minimum)
    measures = [*MEASURES, *(c for c in table.columns if c.startswith(("dim_", "n_dim_")))]
    table = table.filter(pl.col("n_respondents") > 0).select(
        "wave", "branch_id", "n_respondents", *measures
    )
    # again through the engine: whatever branch_table does, nothing hidden is saved
    table = confidentiality.suppress(table, n="n_respondents", columns=measures, min_size=minimum)
    return (
        table.unpivot(
            index=["wave", "branch_id", "n_respondents", "suppressed"],
            on=measures,
            variable_name="measure",
            value_name="value",
        )
        .with_columns(
            pl.col("n_respondents").cast(pl.Int32),
            pl.lit(minimum, dtype=pl.Int32).alias("min_size"),
            pl.col("value").cast(pl.Float64),
        )
        .select("wave", "branch_id", "n_respondents", "suppressed", "min_size", "measure", "value")
        .sort("branch_id", "measure")
    )


def purge(
    store: Store,
    months: int | None = None,
    now: date | datetime | None = None,
    *,
    actor: str,
    dry_run: bool = False,
    min_size: int | None = None,
) -> PurgeResult:
    """Delete the responses of waves that ended more than ``months`` months before ``now``
    (default ``$LOYALTY_RETENTION_MONTHS``, 24; today), keeping their suppressed branch
    figures in ``branch_aggregates``. One transaction; audited per wave."""
    months = months if months is not None else config.retention_months()
    if months < 1:
        raise ValueError("months must be at least 1")
    today = now.date() if isinstance(now, datetime) else (now or date.today())
    cutoff = months_before(today, months)
    plan = due(store, cutoff)
    prepared = []
    for row in plan.iter_rows(named=True):
        active = _active_import(store, row["wave"])
        aggregates = (
            branch_aggregates(store, row["wave"], min_size).with_columns(
                pl.lit(active, dtype=pl.Int32).alias("import_id")
            )
            if active is not None
            else None
        )
        prepared.append((row, active, aggregates))
    result = PurgeResult(
        cutoff=cutoff,
        months=months,
        dry_run=dry_run,
        waves=[
            WavePurge(
                wave=row["wave"],
                end_date=row["end_date"],
                responses=int(row["responses"]),
                scores=int(row["scores"]),
                aggregates=0 if agg is None else agg.height,
                import_ids=tuple(row["import_ids"]),
            )
            for row, _, agg in prepared
        ],
    )
    if dry_run or not prepared:
        return result
    with store.transaction() as cur:
        for (row, active, aggregates), planned in zip(prepared, result.waves, strict=True):
            wave = row["wave"]
            now_active = cur.execute(
                "SELECT max(import_id) FROM imports WHERE kind = 'engagement' AND active "
                "AND wave = ?",
                [wave],
            ).fetchall()[0][0]
            if now_active != active:
                raise RetentionError(f"wave {wave}: the active version changed; run again")
            if aggregates is not None and aggregates.height:
                cur.execute(
                    "DELETE FROM branch_aggregates WHERE import_id = ?", [active]
                ).fetchall()
                cur.register("_purge_aggregates", aggregates.to_arrow())
                cur.execute(
                    "INSERT INTO branch_aggregates (import_id, wave, branch_id, n_respondents, "
                    "suppressed, min_size, measure, value) SELECT import_id, wave, branch_id, "
                    "n_respondents, suppressed, min_size, measure, value FROM _purge_aggregates"
                ).fetchall()
                cur.unregister("_purge_aggregates")
            scores = cur.execute(
                "DELETE FROM response_scores s USING responses r WHERE s.import_id = r.import_id "
                "AND s.response_id = r.response_id AND r.wave = ?",
                [wave],
            ).fetchall()[0][0]
            responses = cur.execute("DELETE FROM responses WHERE wave = ?", [wave]).fetchall()[0][0]
            if (responses, scores) != (planned.responses, planned.scores):
                raise RetentionError(f"wave {wave}: the responses changed; run again")
            cur.execute(
                "UPDATE imports SET purged_at = current_timestamp WHERE kind = 'engagement' "
                f"AND import_id IN ({', '.join('?' * len(planned.import_ids))})",
                list(planned.import_ids),
            ).fetchall()
            audit(
                cur,
                actor,
                "purge",
                f"wave {wave}",
                f"ended {row['end_date']}, older than {months} months (cut-off {cutoff}): "
                f"{responses} responses and {scores} answers deleted from imports "
                f"{', '.join(map(str, planned.import_ids))}; {planned.aggregates} suppressed "
                f"branch figures kept (import {active}, minimum group size "
                f"{confidentiality.minimum(min_size)})",
            )
    return result


def log_lines(result: PurgeResult) -> list[str]:
    """What a purge removed, for the server log (one line per wave, or that nothing was due)."""
    if not result.waves:
        return [
            f"retention: nothing to purge (no wave with answers ended before {result.cutoff}, "
            f"{result.months} months)"
        ]
    verb = "would delete" if result.dry_run else "deleted"
    return [
        f"retention: wave {w.wave} ended {w.end_date}, more than {result.months} months ago "
        f"(cut-off {result.cutoff}): {verb} {w.responses} responses and {w.scores} answers "
        f"(imports {', '.join(map(str, w.import_ids))}); {w.aggregates} branch figures kept"
        for w in result.waves
    ]


def purged_waves(store: Store) -> pl.DataFrame:
    """Waves whose answers were purged: ``wave``, ``end_date``, ``purged_at`` (date) and
    ``responses`` (how many the active version held), oldest first — what the Data page says."""
    return store.sql(
        """
        SELECT i.wave, w.end_date, min(i.purged_at)::DATE AS purged_at,
               coalesce(sum(i.row_count) FILTER (WHERE i.active), 0)::BIGINT AS responses
        FROM imports i JOIN waves w USING (wave)
        WHERE i.kind = 'engagement' AND i.purged_at IS NOT NULL AND i.deleted_at IS NULL
        GROUP BY i.wave, w.end_date, w.seq
        ORDER BY w.seq
        """
    )


def purge_notes(store: Store, lang: str) -> list[str]:
    """One sentence per purged wave, in ``lang``: which answers were deleted when and why."""
    locale = "de_DE" if lang == "de" else "en_GB"
    return [
        t(
            "data.purged",
            lang,
            wave=row["wave"],
            end=format_date(row["end_date"], "medium", locale=locale),
            date=format_date(row["purged_at"], "medium", locale=locale),
            responses=num(row["responses"], lang, 0),
            months=config.retention_months(),
        )
        for row in purged_waves(store).iter_rows(named=True)
    ]


def aggregates(store: Store, wave: str | None = None) -> pl.DataFrame:
    """Saved branch figures of the *active* engagement versions of purged waves, one row per
    branch and wave, wide like :func:`loyalty.analysis.branch_table`'s engagement columns."""
    where = "AND a.wave = ?" if wave else ""
    long = store.sql(
        f"""
        SELECT a.wave, a.branch_id, a.n_respondents, a.suppressed, a.measure, a.value
        FROM branch_aggregates a JOIN imports i USING (import_id)
        WHERE i.active AND i.purged_at IS NOT NULL {where}
        """,
        [wave] if wave else None,
    )
    if long.height == 0:
        return pl.DataFrame(
            schema={
                "wave": pl.String,
                "branch_id": pl.String,
                "n_respondents": pl.Int32,
                "suppressed": pl.Boolean,
            }
        )
    return long.pivot(
        on="measure", index=["wave", "branch_id", "n_respondents", "suppressed"], values="value"
    ).sort("wave", "branch_id")
