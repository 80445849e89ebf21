"""Writing canonical frames into the store: one call = one transaction, versioned per wave.

File parsing, mapping and validation build on :func:`new_import`; the demo generator stores
its whole chain through :func:`store_dataset`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Protocol

import duckdb
import polars as pl

from loyalty import actions
from loyalty.store import Store
from loyalty.versions import audit


class Dataset(Protocol):
    branches: pl.DataFrame
    waves: pl.DataFrame
    dimensions: pl.DataFrame
    items: pl.DataFrame
    responses: pl.DataFrame
    scores: pl.DataFrame
    loyalty: pl.DataFrame
    churn: pl.DataFrame
    financials: pl.DataFrame


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
        f"{kind} {wave} version {version}: {rows} rows from {meta.source}",
    )
    return import_id


def _upsert(cur: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Insert rows, replacing those with the same primary key (master data only)."""
    cols = ", ".join(frame.columns)
    cur.register("_incoming", frame)
    cur.execute(f"INSERT OR REPLACE INTO {table} ({cols}) SELECT {cols} FROM _incoming")
    cur.unregister("_incoming")


def store_dataset(store: Store, data: Dataset, *, meta: ImportMeta) -> None:
    """Store a whole data set (master data, every wave of every kind) in one transaction."""
    with store.transaction() as cur:
        _upsert(cur, "branches", data.branches)
        _upsert(
            cur,
            "waves",
            data.waves.with_columns(
                pl.col("start_date").str.to_date(), pl.col("end_date").str.to_date()
            ),
        )
        _upsert(cur, "dimensions", data.dimensions)
        _upsert(cur, "items", data.items)
        new_import(cur, "branches", None, meta, data.branches.height)
        offset = cur.execute("SELECT coalesce(max(response_id), 0) FROM responses").fetchall()[0][0]
        cur.register("_scores", data.scores)
        for wave in data.waves["wave"]:
            resp = data.responses.filter(pl.col("wave") == wave)
            iid = new_import(cur, "engagement", wave, meta, resp.height)
            cur.register("_resp", resp)
            cur.execute(
                "INSERT INTO responses SELECT ?, response_id + ?, wave, branch_id, tenure_band, "
                "role FROM _resp",
                [iid, offset],
            )
            cur.execute(
                "INSERT INTO response_scores SELECT ?, s.response_id + ?, s.item_id, s.score "
                "FROM _scores s WHERE s.response_id IN (SELECT response_id FROM _resp)",
                [iid, offset],
            )
            cur.execute(
                "INSERT OR IGNORE INTO wave_items SELECT DISTINCT ?, s.item_id FROM _scores s "
                "WHERE s.response_id IN (SELECT response_id FROM _resp)",
                [wave],
            )
            cur.unregister("_resp")
            for kind, table, frame in (
                ("loyalty", "loyalty", data.loyalty),
                ("loyalty", "churn_reasons", data.churn),
                ("finance", "financials", data.financials),
            ):
                part = frame.filter(pl.col("wave") == wave)
                if table == "churn_reasons":
                    # churn reasons belong to the loyalty import of the same wave
                    iid = cur.execute(
                        "SELECT import_id FROM imports WHERE kind = 'loyalty' AND wave = ? "
                        "AND active",
                        [wave],
                    ).fetchall()[0][0]
                else:
                    iid = new_import(cur, kind, wave, meta, part.height)
                cur.register("_part", part)
                cols = ", ".join(part.columns)
                cur.execute(
                    f"INSERT INTO {table} (import_id, {cols}) SELECT ?, {cols} FROM _part", [iid]
                )
                cur.unregister("_part")
        cur.unregister("_scores")
        planned = getattr(data, "actions", None)  # the demo chain's action plans
        if planned is not None and planned.height:
            actions.seed(cur, planned, actor=meta.imported_by, source=meta.source)
