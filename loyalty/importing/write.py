"""The one writer of canonical rows: every import of every kind — a user's file
(:func:`loyalty.importing.run.run_import`) and the demo chain
(:func:`loyalty.importing.run.import_table`) — is written by :func:`store_validated`, as one new
active version per (kind, wave) registered by :func:`new_import`, inside the caller's
transaction. Nothing else in ``loyalty/`` inserts into ``responses``, ``response_scores``,
``loyalty``, ``churn_reasons`` or ``financials`` (tests/test_architecture.py checks it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import duckdb
import polars as pl

from loyalty.importing.instrument import Instrument, apply_instrument
from loyalty.importing.report import StoredImport
from loyalty.importing.validate import ValidationResult, wave_period
from loyalty.versions import audit, audit_name

Progress = Callable[[float, str], None]


@dataclass(frozen=True)
class ImportMeta:
    """What is kept about an import instead of the raw file."""

    source: str
    imported_by: str
    sha256: str | None = None
    size_bytes: int | None = None
    file_format: str | None = None
    dropped_columns: tuple[str, ...] = ()


def new_import(
    cur: duckdb.DuckDBPyConnection, kind: str, wave: str | None, meta: ImportMeta, rows: int
) -> int:
    """Register a new active version of (kind, wave); the previous version stays, inactive."""
    version = cur.execute(
        "SELECT coalesce(max(version), 0) + 1 FROM imports "
        "WHERE kind = ? AND wave IS NOT DISTINCT FROM ?",
        [kind, wave],
    ).fetchall()[0][0]
    cur.execute(
        "UPDATE imports SET active = FALSE WHERE kind = ? AND wave IS NOT DISTINCT FROM ?",
        [kind, wave],
    )
    import_id = cur.execute(
        "INSERT INTO imports (kind, wave, version, active, source, row_count, imported_by, "
        "sha256, size_bytes, file_format, dropped_columns) "
        "VALUES (?, ?, ?, TRUE, ?, ?, ?, ?, ?, ?, ?) RETURNING import_id",
        [
            kind,
            wave,
            version,
            meta.source,
            rows,
            meta.imported_by,
            meta.sha256,
            meta.size_bytes,
            meta.file_format,
            json.dumps(list(meta.dropped_columns)),
        ],
    ).fetchall()[0][0]
    audit(
        cur,
        meta.imported_by,
        "import",
        f"import {import_id}",
        f"{audit_name(kind, wave, version)}: {rows} rows from {meta.source}",
    )
    return import_id


def _ensure_waves(cur: duckdb.DuckDBPyConnection, waves: list[str]) -> None:
    existing = {r[0] for r in cur.execute("SELECT wave FROM waves").fetchall()}
    added = False
    for wave in waves:
        if wave in existing:
            continue
        period = wave_period(wave)
        if period is None:  # validation refuses unknown labels of new waves
            raise ValueError(f"wave label {wave!r} not recognised")
        cur.execute(
            "INSERT INTO waves (wave, seq, start_date, end_date) VALUES (?, 0, ?, ?)",
            [wave, period[1], period[2]],
        )
        added = True
    if added:  # order: by start date
        cur.execute(
            "UPDATE waves SET seq = o.rn FROM (SELECT wave AS w, "
            "row_number() OVER (ORDER BY start_date, wave) AS rn FROM waves) o "
            "WHERE waves.wave = o.w"
        )


def _insert(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    frame: pl.DataFrame,
    import_id: int,
    select: str | None = None,
) -> None:
    cur.register("_incoming", frame)
    try:
        cols = ", ".join(frame.columns)
        cur.execute(
            f"INSERT INTO {table} (import_id, {cols}) SELECT ?, {select or cols} FROM _incoming",
            [import_id],
        )
    finally:
        cur.unregister("_incoming")


def store_validated(
    cur: duckdb.DuckDBPyConnection,
    result: ValidationResult,
    meta: ImportMeta,
    instrument: Instrument | None,
    used_instrument: Instrument | None,
    step: Progress = lambda fraction, key: None,
) -> list[StoredImport]:
    """Write the canonical frames of a validated import (``result.ok``) inside ``cur``'s
    transaction: one new active version per (kind, wave); a wave new to the store is added.

    ``instrument``: the questionnaire given with the import (made each wave's instrument);
    ``used_instrument``: the one it was checked against (a wave without one inherits it).
    A new version of a loyalty wave without churn reasons keeps the active version's."""
    assert result.ok, "only a validated import without problems is stored"
    kind, frames, actor = result.kind, result.frames, meta.imported_by
    stored: list[StoredImport] = []
    if "new_branches" in frames:
        cur.register("_new", frames["new_branches"])
        cur.execute(
            "INSERT INTO branches (branch_id, name, region, format, headcount) "
            "SELECT branch_id, name, region, format, headcount FROM _new "
            "WHERE branch_id NOT IN (SELECT branch_id FROM branches)"
        )
        cur.unregister("_new")
    if kind == "branches":
        _upsert_branches(cur, frames["branches"])
        rows = frames["branches"].height
        import_id = new_import(cur, "branches", None, meta, rows)
        version = _version(cur, import_id)
        return [StoredImport(None, import_id, version, rows)]

    _ensure_waves(cur, result.waves)
    if kind == "engagement":
        responses, scores = frames["responses"], frames["scores"]
        # response ids: the file's 1..n, moved past every stored id (never reused)
        offset = int(
            cur.execute("SELECT coalesce(max(response_id), 0) FROM responses").fetchall()[0][0]
        )
        ranges = responses.group_by("wave").agg(
            pl.len().alias("n"),
            pl.col("response_id").min().alias("lo"),
            pl.col("response_id").max().alias("hi"),
        )
        cases, params = [], []
        for wave, n, lo, hi in ranges.sort("wave").iter_rows():
            if instrument is not None:
                apply_instrument(cur, wave, instrument, actor)
            elif not cur.execute(
                "SELECT count(*) FROM wave_items WHERE wave = ?", [wave]
            ).fetchall()[0][0]:
                # the wave inherits the whole questionnaire it was checked against
                assert used_instrument is not None
                apply_instrument(cur, wave, used_instrument, actor)
            import_id = new_import(cur, kind, wave, meta, n)
            stored.append(StoredImport(wave, import_id, _version(cur, import_id), n))
            # a wave's responses have consecutive ids (validate sorts by wave)
            cases.append("WHEN response_id BETWEEN ? AND ? THEN ?")
            params += [lo, hi, import_id]
        if len(stored) == 1:  # one wave: one import id for every row
            import_of, params = "?", [stored[0].import_id]
        else:
            import_of = f"CASE {' '.join(cases)} END"
        # the item ids come as codes of an Enum (engagement.frames), joined to their names in
        # the store: no column of a million and a half strings to hand over
        item_ids = scores.schema["item_id"].categories.to_list()
        names = pl.DataFrame(
            {"item_code": range(len(item_ids)), "item_id": item_ids},
            schema={"item_code": pl.Int32, "item_id": pl.String},
        )
        scores = scores.select(
            "response_id",
            pl.col("item_id").to_physical().cast(pl.Int32).alias("item_code"),
            "score",
        )
        cur.register("_items", names)
        cur.register("_resp", responses)
        cur.register("_scores", scores)
        try:  # one pass over each frame, whatever the number of waves
            cur.execute(
                "INSERT INTO responses (import_id, response_id, wave, branch_id, tenure_band, "
                f"role) SELECT {import_of}, response_id + ?, wave, branch_id, tenure_band, role "
                "FROM _resp",
                [*params, offset],
            )
            step(0.8, "storing")
            cur.execute(
                "INSERT INTO response_scores (import_id, response_id, item_id, score) "
                f"SELECT {import_of}, response_id + ?, item_id, score "
                "FROM _scores JOIN _items USING (item_code)",
                [*params, offset],
            )
        finally:
            cur.unregister("_resp")
            cur.unregister("_scores")
            cur.unregister("_items")
        return stored
    for wave in result.waves:
        if kind == "loyalty":
            part = frames["loyalty"].filter(pl.col("wave") == wave)
            previous = cur.execute(
                "SELECT import_id FROM imports WHERE kind = 'loyalty' AND wave = ? AND active",
                [wave],
            ).fetchall()
            import_id = new_import(cur, kind, wave, meta, part.height)
            _insert(cur, "loyalty", part, import_id)
            if "churn" in frames:
                _insert(
                    cur, "churn_reasons", frames["churn"].filter(pl.col("wave") == wave), import_id
                )
            elif previous:  # the file has no churn reasons: the active version's stay, for
                # the branches the new version has figures of
                cur.register("_kept_for", part.select("branch_id"))
                try:
                    cur.execute(
                        "INSERT INTO churn_reasons (import_id, branch_id, wave, reason, "
                        "customers) SELECT ?, branch_id, wave, reason, customers "
                        "FROM churn_reasons WHERE import_id = ? "
                        "AND branch_id IN (SELECT branch_id FROM _kept_for)",
                        [import_id, previous[0][0]],
                    )
                finally:
                    cur.unregister("_kept_for")
            rows = part.height
        else:
            part = frames["financials"].filter(pl.col("wave") == wave)
            import_id = new_import(cur, kind, wave, meta, part.height)
            _insert(cur, "financials", part, import_id)
            rows = part.height
        stored.append(StoredImport(wave, import_id, _version(cur, import_id), rows))
    return stored


def _version(cur: duckdb.DuckDBPyConnection, import_id: int) -> int:
    return int(
        cur.execute("SELECT version FROM imports WHERE import_id = ?", [import_id]).fetchall()[0][0]
    )


def _upsert_branches(cur: duckdb.DuckDBPyConnection, frame: pl.DataFrame) -> None:
    """Known branches: update the columns the file has (an empty cell keeps the stored value).
    New branches: insert; missing name = the id, region/format empty, headcount 0. Branches
    missing from the file stay (their data would otherwise lose its master row)."""
    full = frame
    for col, dtype in (
        ("name", pl.String),
        ("region", pl.String),
        ("format", pl.String),
        ("headcount", pl.Int32),
    ):
        if col not in full.columns:
            full = full.with_columns(pl.lit(None, dtype).alias(col))
    cur.register("_incoming", full)
    try:
        cur.execute(
            "UPDATE branches SET name = coalesce(i.name, branches.name), "
            "region = coalesce(i.region, branches.region), "
            "format = coalesce(i.format, branches.format), "
            "headcount = coalesce(i.headcount, branches.headcount) "
            "FROM _incoming i WHERE branches.branch_id = i.branch_id"
        )
        cur.execute(
            "INSERT INTO branches (branch_id, name, region, format, headcount) "
            "SELECT branch_id, coalesce(name, branch_id), coalesce(region, ''), "
            "coalesce(format, ''), coalesce(headcount, 0) FROM _incoming "
            "WHERE branch_id NOT IN (SELECT branch_id FROM branches)"
        )
    finally:
        cur.unregister("_incoming")
