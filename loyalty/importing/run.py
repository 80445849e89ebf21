"""Importing a file end to end: read, map, validate, and store in ONE transaction.

:func:`run_import` never stores a partial import: the file is read and validated completely
first; only a file without problems is written, as one new active version per (kind, wave)
through :func:`loyalty.ingest.new_import`, inside one :meth:`Store.transaction`. If that
transaction fails because the disk is full or the data directory may not be written, nothing
is kept and the report carries one ``store_failed`` problem that says so. The raw file
is never stored — only its SHA-256, size, detected format, row counts, the dropped (identifying)
column names and who imported it when.

Test hook (tests only, never set in production): if the environment variable
``LOYALTY_TEST_IMPORT_PAUSE`` holds a number of seconds, the import reports progress
the step ``committing`` after writing every row and then sleeps that long *inside* the
open transaction before committing. ``tests/importing/test_kill_import.py`` kills the process
during that pause to prove that an interrupted import leaves the store unchanged.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from loyalty import config
from loyalty.i18n import num
from loyalty.importing.instrument import (
    Instrument,
    InstrumentError,
    apply_instrument,
    instrument_for_wave,
    latest_instrument,
)
from loyalty.importing.mapping import suggest_mapping
from loyalty.importing.privacy import identifying_columns
from loyalty.importing.read import ReadError, read_file
from loyalty.importing.report import FileInfo, ImportReport, StoredImport
from loyalty.importing.validate import (
    Notice,
    ValidationResult,
    file_problem,
    validate,
    wave_period,
)
from loyalty.ingest import ImportMeta, new_import
from loyalty.schema import KINDS
from loyalty.store import Store, StoreWriteError
from loyalty.versions import audit

Progress = Callable[[float, str], None]
#: The steps an import reports progress on (message ``import.progress.<step>``).
PROGRESS_STEPS = ("reading", "validating", "storing", "committing", "done")
PAUSE_ENV = "LOYALTY_TEST_IMPORT_PAUSE"
#: Columns are judged by content (e-mails, free text …) on this many first rows.
CONTENT_SAMPLE_ROWS = 20_000


@dataclass
class ImportOutcome:
    """What :func:`run_import` did. ``import_id``/``version``: the (first) stored version."""

    report: ImportReport
    stored: bool
    import_id: int | None = None
    version: int | None = None
    imports: list[StoredImport] = field(default_factory=list)


@dataclass(frozen=True)
class SavedMapping:
    name: str
    kind: str
    mapping: dict[str, str]
    updated_at: Any


# --- saved mappings ---------------------------------------------------------------------------


def saved_mappings(store: Store, kind: str) -> list[SavedMapping]:
    """Saved mappings of ``kind``, most recently used first."""
    frame = store.sql(
        "SELECT name, kind, mapping, updated_at FROM mappings WHERE kind = ? "
        "ORDER BY updated_at DESC, name",
        [kind],
    )
    return [
        SavedMapping(r["name"], r["kind"], json.loads(r["mapping"]), r["updated_at"])
        for r in frame.iter_rows(named=True)
    ]


def saved_mapping(store: Store, kind: str, name: str) -> dict[str, str] | None:
    for m in saved_mappings(store, kind):
        if m.name == name:
            return m.mapping
    return None


def matching_mappings(store: Store, kind: str, columns: list[str]) -> list[SavedMapping]:
    """Saved mappings whose every column is in ``columns`` (the ones to offer for a file)."""
    present = set(columns)
    return [m for m in saved_mappings(store, kind) if set(m.mapping.values()) <= present]


def _write_mapping(
    cur: duckdb.DuckDBPyConnection, name: str, kind: str, mapping: dict[str, Any], actor: str
) -> None:
    clean = {k: v for k, v in mapping.items() if v}
    cur.execute(
        "INSERT OR REPLACE INTO mappings (name, kind, mapping, updated_at) "
        "VALUES (?, ?, ?, current_timestamp)",
        [name, kind, json.dumps(clean, ensure_ascii=False, sort_keys=True)],
    )
    audit(
        cur, actor, "save_mapping", f"mapping {kind}/{name}", json.dumps(clean, ensure_ascii=False)
    )


def save_mapping(
    store: Store, name: str, kind: str, mapping: dict[str, Any], *, actor: str = "app"
) -> None:
    """Save (or replace) a confirmed column mapping under ``name`` for ``kind``."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    with store.transaction() as cur:
        _write_mapping(cur, name, kind, mapping, actor)


# --- context from the store -------------------------------------------------------------------


def _context(store: Store) -> dict[str, Any]:
    branches = store.sql("SELECT branch_id, name, headcount FROM branches")
    history = store.sql(
        "SELECT w.wave, w.start_date, count(r.response_id) AS responses "
        "FROM waves w LEFT JOIN active_responses r USING (wave) "
        "GROUP BY w.wave, w.start_date, w.seq ORDER BY w.seq"
    )
    return {
        "known_branches": branches["branch_id"].to_list(),
        "branch_names": dict(zip(branches["branch_id"], branches["name"], strict=True)),
        "headcounts": branches,
        "wave_history": history,
    }


def _resolve_instrument(
    store: Store, wave: str | None, explicit: Instrument | None
) -> tuple[Instrument | None, Notice | None]:
    if explicit is not None:
        return explicit, None
    if wave:
        period = wave_period(wave)
        label = period[0] if period else wave
        own = instrument_for_wave(store, wave) or instrument_for_wave(store, label)
        if own is not None:
            return own, None
        previous = latest_instrument(store, before=label)
        if previous is None:
            previous = latest_instrument(store)
        if previous is not None:
            return previous[1], Notice(
                "instrument_from_wave", {"wave": label, "previous": previous[0]}
            )
        return None, None
    latest = latest_instrument(store)
    return (latest[1], None) if latest else (None, None)


def _file_wave(frame: pl.DataFrame, column: str | None) -> str | None:
    """The latest wave named in the file's wave column (to pick the questionnaire)."""
    if not column or column not in frame.columns:
        return None
    values = frame[column].drop_nulls().str.strip_chars().unique().to_list()
    labels = [(wave_period(v) or (v,))[0] for v in values if v]
    return max(labels) if labels else None


def _refuse_formula_columns(
    result: ValidationResult, formula_columns: tuple[tuple[str, int], ...]
) -> None:
    """An Excel column whose formulas have no stored result reads as empty: refused where it
    is used (mapped field or item), named in a warning where it is not."""
    used = {c for c in result.mapping.values() if c} | set(result.item_columns.values())
    for column, cells in formula_columns:
        if column in used:
            problem = file_problem("formula_without_value", column, cells)
            result.problems = pl.concat([result.problems, problem])
        else:
            result.warnings.append(
                Notice("formula_without_value", {"column": column, "cells": cells})
            )


# --- what a new version replaces --------------------------------------------------------------

#: Per kind: the frame of the validation result, the active view it replaces per wave.
_REPLACES = {
    "engagement": ("responses", "active_responses"),
    "loyalty": ("loyalty", "active_loyalty"),
    "finance": ("financials", "active_financials"),
}
#: How many branch ids a notice names before "…".
NAMED_BRANCHES = 10
#: The problems the import adds to validate()'s (``import.problem.<code>``).
PROBLEM_CODES = ("formula_without_value", "store_failed")
#: The notes the import adds to validate()'s (``import.warning.<code>``).
WARNING_CODES = (
    "instrument_from_wave",
    "formula_without_value",
    *(f"missing_branches.{kind}" for kind in _REPLACES),
    "churn_kept",
)


def _active_version(store: Store, kind: str, wave: str) -> int | None:
    rows = store.sql(
        "SELECT version FROM imports WHERE kind = ? AND wave = ? AND active", [kind, wave]
    )
    return int(rows["version"][0]) if rows.height else None


def replaced_notices(store: Store, result: ValidationResult, lang: str) -> list[Notice]:
    """What the new versions would stop showing, said before the user confirms.

    A new version of (kind, wave) replaces the active one whole. Two things would vanish
    without a word: branches of the active version that the file lacks (named here), and a
    loyalty file without churn-reason columns — its churn reasons are carried over from the
    active version (:func:`_store`), and the notice says from which version and for how many
    branches."""
    notices: list[Notice] = []
    if result.kind not in _REPLACES:
        return notices
    frame_name, view = _REPLACES[result.kind]
    incoming = result.frames.get(frame_name)
    for wave in result.waves:
        version = _active_version(store, result.kind, wave)
        if version is None:
            continue
        have = set(
            store.sql(f"SELECT DISTINCT branch_id FROM {view} WHERE wave = ?", [wave])[
                "branch_id"
            ].to_list()
        )
        new = (
            set(incoming.filter(pl.col("wave") == wave)["branch_id"].to_list())
            if incoming is not None
            else set()
        )
        missing = sorted(have - new)
        if missing:
            shown = ", ".join(missing[:NAMED_BRANCHES]) + (
                " …" if len(missing) > NAMED_BRANCHES else ""
            )
            notices.append(
                Notice(
                    f"missing_branches.{result.kind}",
                    {
                        "wave": wave,
                        "version": version,
                        "count": num(len(missing), lang, 0),
                        "branches": shown,
                    },
                )
            )
        if result.kind == "loyalty" and "churn" not in result.frames:
            kept = store.sql(
                "SELECT count(DISTINCT branch_id) AS n FROM active_churn WHERE wave = ?", [wave]
            )["n"][0]
            if kept:
                notices.append(
                    Notice(
                        "churn_kept",
                        {"wave": wave, "version": version, "count": num(kept, lang, 0)},
                    )
                )
    return notices


# --- the import -------------------------------------------------------------------------------


def run_import(
    store: Store,
    source: bytes | Path | str,
    filename: str | None = None,
    kind: str = "engagement",
    wave: str | None = None,
    *,
    mapping: dict[str, str | None] | None = None,
    mapping_name: str | None = None,
    sheet: str | None = None,
    actor: str,
    dry_run: bool = False,
    unknown_branches: str = "reject",
    progress: Progress | None = None,
    lang: str = "de",
    instrument: Instrument | None = None,
    save_mapping_as: str | None = None,
    branch: str | None = None,
    header_row: int | None = None,
) -> ImportOutcome:
    """Read, validate and (unless ``dry_run`` or there are problems) store one file.

    ``mapping``: field → column; ``None`` uses the saved mapping ``mapping_name`` if given,
    else ``mapping.suggest_mapping``. With both ``mapping`` and ``mapping_name`` the mapping is
    used and saved under that name (with the import, in the same transaction);
    ``save_mapping_as`` saves whatever mapping was used. ``instrument``: store this
    questionnaire as the wave's instrument with the import (else the wave's stored one, or the
    latest earlier wave's). ``branch``: every row belongs to this branch (id or name) — for
    exports without a branch column, e.g. one survey link per branch. ``header_row``: the
    spreadsheet row holding the column names (a title or notes above the table); ``None``
    finds it (:func:`loyalty.importing.read.find_header`).
    ``progress(fraction, step)`` is called between steps (a step of :data:`PROGRESS_STEPS`,
    message ``import.progress.<step>``).
    """

    def step(fraction: float, name: str) -> None:
        if progress is not None:
            progress(fraction, name)

    if isinstance(source, str):
        source = Path(source)
    filename = filename or (source.name if isinstance(source, Path) else "upload")
    report = ImportReport(filename=filename, kind=kind, wave=wave, lang=lang, dry_run=dry_run)
    outcome = ImportOutcome(report=report, stored=False)
    if kind not in KINDS:
        report.validation = validate(pl.DataFrame(), None, kind, wave, {}, None, [])
        return outcome

    step(0.0, "reading")
    try:
        raw = read_file(source, filename, sheet=sheet, header_row=header_row)
    except ReadError as exc:
        report.read_error = (exc.code, dict(exc.params))
        return outcome
    report.file = FileInfo.from_raw(raw, sheet)

    if mapping is None and mapping_name:
        mapping = saved_mapping(store, kind, mapping_name)
        if mapping is None:
            report.unknown_mapping = mapping_name
            return outcome
        save_as = save_mapping_as
    else:
        save_as = save_mapping_as or mapping_name
    if mapping is None:
        mapping = suggest_mapping(list(raw.frame.columns), kind)
        report.mapping_suggested = True

    step(0.2, "validating")
    context = _context(store)
    resolved_instrument, note = (None, None)
    if kind == "engagement":
        resolved_instrument, note = _resolve_instrument(
            store, wave or _file_wave(raw.frame, mapping.get("wave")), instrument
        )
    identifying: list[tuple[str, str]] = []
    if kind == "engagement":  # surveys are anonymous; a branch list's "Name" is a branch name
        identifying = identifying_columns(
            list(raw.frame.columns),
            raw.question_texts,
            raw.layout,
            frame=raw.frame.head(CONTENT_SAMPLE_ROWS),
        )
    result = validate(
        raw.frame,
        raw.row_numbers,
        kind,
        wave,
        mapping,
        resolved_instrument,
        context["known_branches"],
        unknown_branches=unknown_branches,
        question_texts=raw.question_texts,
        identifying=identifying,
        decimal=raw.decimal_hint,
        min_group_size=config.min_group_size(),
        headcounts=context["headcounts"],
        branch_names=context["branch_names"],
        branch=branch or None,
        wave_history=context["wave_history"],
    )
    if note is not None:
        result.warnings.insert(0, note)
    _refuse_formula_columns(result, raw.formula_columns)
    if result.ok:
        result.warnings.extend(replaced_notices(store, result, lang))
    report.validation = result
    if not result.ok or dry_run:
        return outcome

    step(0.6, "storing")
    meta = ImportMeta(
        source=filename,
        imported_by=actor,
        sha256=raw.sha256,
        size_bytes=raw.size_bytes,
        file_format=raw.file_format,
        dropped_columns=tuple(c for c, _ in result.dropped_columns),
    )
    try:
        with store.transaction() as cur:
            stored = _store(cur, result, meta, actor, instrument, resolved_instrument, step)
            if save_as:
                # the fields as resolved plus item entries the user gave (found items are
                # found again by their header next time)
                items = {k: v for k, v in mapping.items() if k in result.item_columns and v}
                _write_mapping(cur, save_as, kind, result.mapping | items, actor)
            pause = os.environ.get(PAUSE_ENV)
            if pause:  # test hook, see the module docstring
                step(0.95, "committing")
                time.sleep(float(pause))
    except InstrumentError as exc:  # the questionnaire conflicts with stored items: rolled back
        report.instrument_errors = list(exc.errors)
        return outcome
    except StoreWriteError as exc:  # a full disk or a read-only data directory: rolled back
        problem = file_problem("store_failed", value=exc.message(lang))
        result.problems = pl.concat([result.problems, problem])
        return outcome
    report.mapping_saved = save_as
    step(1.0, "done")
    report.stored = stored
    outcome.stored = True
    outcome.imports = stored
    if stored:
        outcome.import_id, outcome.version = stored[0].import_id, stored[0].version
    return outcome


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


def _store(
    cur: duckdb.DuckDBPyConnection,
    result: ValidationResult,
    meta: ImportMeta,
    actor: str,
    instrument: Instrument | None,
    used_instrument: Instrument | None,
    step: Progress = lambda fraction, key: None,
) -> list[StoredImport]:
    kind, frames = result.kind, result.frames
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
        import_of = f"CASE {' '.join(cases)} END"
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
                f"SELECT {import_of}, response_id + ?, item_id, score FROM _scores",
                [*params, offset],
            )
        finally:
            cur.unregister("_resp")
            cur.unregister("_scores")
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
            elif previous:  # the file has no churn reasons: the active version's stay
                cur.execute(
                    "INSERT INTO churn_reasons (import_id, branch_id, wave, reason, customers) "
                    "SELECT ?, branch_id, wave, reason, customers FROM churn_reasons "
                    "WHERE import_id = ?",
                    [import_id, previous[0][0]],
                )
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
