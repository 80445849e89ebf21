"""Importing a file end to end: read, map, validate, and store in ONE transaction.

:func:`run_import` never stores a partial import: the file is read and validated completely
first; only a file without problems is written — by the one writer,
:func:`loyalty.importing.write.store_validated`, as one new active version per (kind, wave) —
inside one :meth:`Store.transaction`. If that
transaction fails because the disk is full or the data directory may not be written, nothing
is kept and the report carries one ``store_failed`` problem that says so. The raw file
is never stored — only its SHA-256, size, detected format, row counts, the dropped (identifying)
column names and who imported it when.

:func:`import_table` is the same path for a table that is already in memory (the demo chain's
frames, as its files would read): checked against what the caller's open transaction holds and
written in it, so several tables are stored all or nothing.

Test hook (tests only, never set in production): if the environment variable
``LOYALTY_TEST_IMPORT_PAUSE`` holds a number of seconds, the import reports progress
the step ``committing`` after writing every row and then sleeps that long *inside* the
open transaction before committing. ``tests/importing/test_kill_import.py`` kills the process
during that pause to prove that an interrupted import leaves the store unchanged.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from loyalty import confidentiality, config
from loyalty.i18n import num
from loyalty.importing import privacy
from loyalty.importing.instrument import (
    Instrument,
    InstrumentError,
    instrument_for_wave,
    latest_instrument,
)
from loyalty.importing.mapping import suggest_mapping
from loyalty.importing.privacy import identifying_columns
from loyalty.importing.read import RawTable, ReadError, read_file
from loyalty.importing.report import FileInfo, ImportReport, StoredImport
from loyalty.importing.rules.engagement import counted_by_branch
from loyalty.importing.validate import (
    Notice,
    ValidationResult,
    file_problem,
    validate,
    wave_period,
)
from loyalty.importing.write import ImportMeta, Progress, store_validated
from loyalty.schema import KINDS
from loyalty.store import Store, StoreWriteError
from loyalty.versions import audit

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
    checked: Checked | None = None
    #: ``run_import(checked=...)`` found the store changed since that check: the file was
    #: checked again as a dry run (nothing stored), for the user to see before storing
    rechecked: bool = False


@dataclass(frozen=True)
class Checked:
    """What a dry run without problems found, so that storing the same file with the same
    choices need not read and check it again (``run_import(checked=...)``): valid only for
    ``inputs`` and while the store's revision is still ``revision``."""

    inputs: tuple[Any, ...]
    revision: int
    meta: ImportMeta
    instrument: Instrument | None
    used_instrument: Instrument | None
    mapping: dict[str, str | None]


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


class _Pending:
    """The store as an open transaction sees it (what it has written so far included): the
    read side of :class:`~loyalty.store.Store` (``sql``) on the transaction's cursor."""

    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        self._cur = cur

    def sql(self, query: str, params: list[Any] | None = None) -> pl.DataFrame:
        return self._cur.sql(query, params=params).pl()


def _context(store: Store | _Pending) -> dict[str, Any]:
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
    store: Store | _Pending, wave: str | None, explicit: Instrument | None
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

#: Per kind: the table (and frame of the validation result) whose rows a new version
#: replaces per wave: those of the wave's active import.
_REPLACES = {"engagement": "responses", "loyalty": "loyalty", "finance": "financials"}
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
    "few_changed",
    "same_file",
    "replaces_version",
)


def _active_version(store: Store, kind: str, wave: str) -> tuple[int, int] | None:
    """(version, import id) of the active import of (kind, wave), if any."""
    rows = store.sql(
        "SELECT version, import_id FROM imports WHERE kind = ? AND wave = ? AND active",
        [kind, wave],
    )
    return (int(rows["version"][0]), int(rows["import_id"][0])) if rows.height else None


def same_file(store: Store, kind: str, sha256: str | None, waves: list[str]) -> list[Notice]:
    """A note per wave of this import whose active version of ``kind`` was imported from
    this very file (same SHA-256). The store keeps the file's hash, not the sheet or mapping
    it was read with, so the note says "with the same mapping" (another sheet of a workbook
    is another wave; a corrected mapping of the same file is a real correction)."""
    if kind not in _REPLACES or not sha256 or not waves:
        return []
    rows = store.sql(
        "SELECT wave, version FROM imports WHERE kind = ? AND active AND sha256 = ? "
        f"AND deleted_at IS NULL AND wave IN ({', '.join('?' * len(waves))}) ORDER BY wave",
        [kind, sha256, *waves],
    )
    return [Notice("same_file", {"wave": w, "version": v}) for w, v in rows.iter_rows()]


def _counted_before(store: Store, import_id: int) -> pl.DataFrame:
    """Per branch of the active engagement version ``import_id``: ``counted``, the respondents
    its figures counted — from its answers, or, once they were purged, from the branch
    figures the purge saved (what the pages have shown since)."""
    purged = store.sql(
        "SELECT branch_id, max(coalesce(n_respondents, 0)) AS counted FROM branch_aggregates "
        "WHERE import_id = ? GROUP BY branch_id",
        [import_id],
    )
    if purged.height:
        return purged
    items = store.sql("SELECT item_id, dimension_id FROM items WHERE in_index")
    rows, answers = (
        store.sql(f"SELECT {columns} FROM {table} WHERE import_id = ?", [import_id])
        for columns, table in (
            ("response_id, wave, branch_id", "responses"),
            ("response_id, item_id", "response_scores"),
        )
    )
    index = dict(zip(items["item_id"], items["dimension_id"], strict=True))
    return counted_by_branch(rows, answers, index)


def _few_changed(
    store: Store, import_id: int, result: ValidationResult, wave: str, version: int, lang: str
) -> list[Notice]:
    """Branches shown in both versions (at least the minimum of counted respondents) whose
    number of respondents the engagement figures count changes by fewer than the minimum
    group size: whoever saw the active version's figures could work those few answers out of
    the difference (docs/privacy.md, section 4). Counted as the branch table counts
    (:func:`~loyalty.importing.rules.engagement.counted_by_branch`; a purged version by its
    saved figures), so a correction that empties a dimension in rows already there is named
    too; answers changed in place are not."""
    minimum = confidentiality.minimum()
    have = _counted_before(store, import_id)
    assert result.counted is not None  # a valid survey's counts (validate)
    new = result.counted.filter(pl.col("wave") == wave)  # as the figures will count
    delta = (pl.col("counted_new") - pl.col("counted")).abs()
    few = (
        have.select("branch_id", pl.col("counted").cast(pl.Int64))
        .join(
            new.select("branch_id", pl.col("counted").cast(pl.Int64).alias("counted_new")),
            on="branch_id",
        )
        .filter(
            (pl.col("counted") >= minimum) & (pl.col("counted_new") >= minimum),
            (delta > 0) & (delta < minimum),
        )
        .sort("branch_id")
    )
    if few.is_empty():
        return []
    named = [
        f"{b} ({num(n, lang, 0)} → {num(m, lang, 0)})"
        for b, n, m in few.head(NAMED_BRANCHES).iter_rows()
    ]
    return [
        Notice(
            "few_changed",
            {
                "wave": wave,
                "version": version,
                "count": few.height,
                "min": minimum,
                "branches": ", ".join(named) + (" …" if few.height > NAMED_BRANCHES else ""),
            },
        )
    ]


def replaced_notices(store: Store, result: ValidationResult, lang: str) -> list[Notice]:
    """What the new versions would stop showing, said before the user confirms.

    A new version of (kind, wave) replaces the active one whole. Two things would vanish
    without a word: branches of the active version that the file lacks (named here), and a
    loyalty file without churn-reason columns — its churn reasons are carried over from the
    active version (:func:`~loyalty.importing.write.store_validated`), and the notice says
    from which version and for how many branches."""
    notices: list[Notice] = []
    if result.kind not in _REPLACES:
        return notices
    table = _REPLACES[result.kind]
    incoming = result.frames.get(table)
    for wave in result.waves:
        active = _active_version(store, result.kind, wave)
        if active is None:
            continue
        version, import_id = active
        following = store.sql(
            "SELECT max(version) + 1 AS v FROM imports WHERE kind = ? AND wave = ?",
            [result.kind, wave],
        )["v"][0]
        notices.append(
            Notice("replaces_version", {"wave": wave, "version": version, "new": following})
        )
        # the active version's rows, read by its import id (not by the wave over every row)
        have = set(
            store.sql(f"SELECT DISTINCT branch_id FROM {table} WHERE import_id = ?", [import_id])[
                "branch_id"
            ].to_list()
        )
        new = (
            set(incoming.filter(pl.col("wave") == wave)["branch_id"].unique().to_list())
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
        if result.kind == "engagement" and incoming is not None:
            notices += _few_changed(store, import_id, result, wave, version, lang)
        if result.kind == "loyalty" and "churn" not in result.frames:
            # kept for the branches the file has figures of (store_validated)
            kept = (
                store.sql("SELECT DISTINCT branch_id FROM active_churn WHERE wave = ?", [wave])[
                    "branch_id"
                ]
                .is_in(list(new))
                .sum()
            )
            if kept:
                notices.append(
                    Notice(
                        "churn_kept",
                        {"wave": wave, "version": version, "count": num(kept, lang, 0)},
                    )
                )
    return notices


# --- the import -------------------------------------------------------------------------------


def _check(
    store: Store | _Pending,
    frame: pl.DataFrame,
    kind: str,
    wave: str | None,
    mapping: dict[str, str | None],
    instrument: Instrument | None,
    *,
    row_numbers: Any = None,
    unknown_branches: str = "reject",
    question_texts: dict[str, str] | None = None,
    layout: str = "plain",
    decimal: str | None = None,
    branch: str | None = None,
) -> tuple[ValidationResult, Instrument | None]:
    """Validate a read table against what the store holds; also the questionnaire it was
    checked against (an engagement file's: ``instrument``, else the wave's stored one)."""
    context = _context(store)
    resolved_instrument, note = (None, None)
    identifying: list[tuple[str, str]] = []
    if kind == "engagement":
        resolved_instrument, note = _resolve_instrument(
            store, wave or _file_wave(frame, mapping.get("wave")), instrument
        )
        # surveys are anonymous; a branch list's "Name" is a branch name
        identifying = identifying_columns(
            list(frame.columns), question_texts, layout, frame=frame.head(CONTENT_SAMPLE_ROWS)
        )
    result = validate(
        frame,
        row_numbers,
        kind,
        wave,
        mapping,
        resolved_instrument,
        context["known_branches"],
        unknown_branches=unknown_branches,
        question_texts=question_texts,
        identifying=identifying,
        decimal=decimal,
        min_group_size=config.min_group_size(),
        headcounts=context["headcounts"],
        branch_names=context["branch_names"],
        branch=branch,
        wave_history=context["wave_history"],
    )
    if note is not None:
        result.warnings.insert(0, note)
    return result, resolved_instrument


class ImportRefused(ValueError):
    """:func:`import_table` found problems: nothing is stored (the caller's transaction
    rolls back); ``result`` holds them."""

    def __init__(self, result: ValidationResult) -> None:
        self.result = result
        counts = ", ".join(f"{k} ({n})" for k, n in result.problem_counts().iter_rows())
        super().__init__(f"{result.kind} table refused: {counts}")


def import_table(
    cur: duckdb.DuckDBPyConnection,
    frame: pl.DataFrame,
    kind: str,
    *,
    meta: ImportMeta,
    mapping: dict[str, str | None],
    wave: str | None = None,
    instrument: Instrument | None = None,
    decimal: str | None = None,
) -> list[StoredImport]:
    """Import a table that is already in memory, as a file with these columns would be:
    validated against what ``cur``'s open transaction holds (so a branch list stored earlier
    in it counts), then written in that transaction by the one writer. Several calls in one
    transaction store several tables all or nothing (the demo chain: ``demo.seed_store``).

    Raises :class:`ImportRefused` when the table has problems (warnings do not refuse it) and
    :class:`~loyalty.importing.instrument.InstrumentError` when ``instrument`` conflicts with
    the stored questionnaire; either way the caller's transaction rolls back.
    """
    result, used = _check(_Pending(cur), frame, kind, wave, mapping, instrument, decimal=decimal)
    if not result.ok:
        raise ImportRefused(result)
    return store_validated(cur, result, meta, instrument, used)


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
    checked: ImportOutcome | None = None,
    as_read: RawTable | None = None,
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
    message ``import.progress.<step>``). ``checked``: the outcome of a dry run of the same
    file with the same arguments (the Data page's check); while the store has not changed
    since, its checked rows are stored without reading and checking the file again; if it has,
    nothing is stored and the outcome is a new dry run (``rechecked``) for the user to confirm.
    ``as_read``: ``source`` as :func:`~loyalty.importing.read.read_file` read it with the same
    ``sheet`` and ``header_row`` (the Data page's preview), used instead of reading it again.
    """

    def step(fraction: float, name: str) -> None:
        if progress is not None:
            progress(fraction, name)

    if isinstance(source, str):
        source = Path(source)
    filename = filename or (source.name if isinstance(source, Path) else "upload")
    if mapping is None and mapping_name:
        save_as = save_mapping_as  # the saved mapping is used as it is
    else:
        save_as = save_mapping_as or mapping_name
    choices = (filename, kind, wave, tuple(sorted((mapping or {}).items())), mapping_name)
    choices += (sheet, actor, unknown_branches, instrument, branch, header_row)
    digest = None
    if checked is not None or as_read is not None:
        data = source.read_bytes() if isinstance(source, Path) else source
        digest = hashlib.sha256(data).hexdigest()
    done = checked.checked if checked is not None and not dry_run else None
    if (
        done is not None
        and not (mapping is None and mapping_name)  # (a saved mapping may have changed)
        and done.inputs == (digest, *choices)
    ):
        again = _store_checked(store, checked, save_as, step, lang)
        if again is not None:
            return again
        dry_run = True  # what the user confirmed no longer holds: check again, store nothing
    report = ImportReport(filename=filename, kind=kind, wave=wave, lang=lang, dry_run=dry_run)
    outcome = ImportOutcome(report=report, stored=False, rechecked=done is not None and dry_run)
    if kind not in KINDS:
        report.validation = validate(pl.DataFrame(), None, kind, wave, {}, None, [])
        return outcome

    step(0.0, "reading")
    if as_read is not None and as_read.sha256 == digest:
        raw = as_read
    else:
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
    if mapping is None:
        mapping = suggest_mapping(list(raw.frame.columns), kind)
        report.mapping_suggested = True

    step(0.2, "validating")
    revision = _revision_now(store) if dry_run else 0  # before the checks read the store
    result, resolved_instrument = _check(
        store,
        raw.frame,
        kind,
        wave,
        mapping,
        instrument,
        row_numbers=raw.row_numbers,
        unknown_branches=unknown_branches,
        question_texts=raw.question_texts,
        layout=raw.layout,
        decimal=raw.decimal_hint,
        branch=branch or None,
    )
    _refuse_formula_columns(result, raw.formula_columns)
    if result.ok:
        result.warnings.extend(replaced_notices(store, result, lang))
        result.warnings.extend(same_file(store, kind, raw.sha256, result.waves))
    report.validation = result
    meta = ImportMeta(
        source=privacy.stored_file_name(filename, raw.sha256),
        imported_by=actor,
        sha256=raw.sha256,
        size_bytes=raw.size_bytes,
        file_format=raw.file_format,
        dropped_columns=tuple(c for c, _ in result.dropped_columns),
    )
    if not result.ok:
        return outcome
    if dry_run:
        inputs = (raw.sha256, *choices)
        outcome.checked = Checked(
            inputs, revision, meta, instrument, resolved_instrument, dict(mapping)
        )
        return outcome
    return _store(store, outcome, meta, instrument, resolved_instrument, mapping, save_as, step)


class _StoreChanged(Exception):
    """The store changed since a dry run: its checks no longer hold."""


def _revision_now(store: Store) -> int:
    with store.reading() as con:
        return store.revision_in(con)[0]


def _store_checked(
    store: Store,
    checked: ImportOutcome,
    save_as: str | None,
    step: Progress,
    lang: str,
) -> ImportOutcome | None:
    """Store a dry run's checked rows (``checked.checked``) if the store is still as the
    checks saw it; else ``None`` (nothing written: the caller reads and checks again)."""
    assert checked.checked is not None and checked.report.validation is not None
    done = checked.checked
    report = replace(checked.report, dry_run=False, lang=lang)
    report.validation = replace(checked.report.validation)  # a failure's problem stays here
    outcome = ImportOutcome(report=report, stored=False)
    try:
        return _store(
            store,
            outcome,
            done.meta,
            done.instrument,
            done.used_instrument,
            done.mapping,
            save_as,
            step,
            revision=done.revision,
        )
    except _StoreChanged:
        return None


def _store(
    store: Store,
    outcome: ImportOutcome,
    meta: ImportMeta,
    instrument: Instrument | None,
    used_instrument: Instrument | None,
    mapping: dict[str, str | None],
    save_as: str | None,
    step: Progress,
    *,
    revision: int | None = None,
) -> ImportOutcome:
    """Write a checked import in one transaction (rolled back whole on any failure);
    ``revision``: only if the store is still at it (else :class:`_StoreChanged`)."""
    report = outcome.report
    result = report.validation
    assert result is not None and result.ok
    try:
        with store.transaction() as cur:
            if revision is not None and store.revision_in(cur)[0] != revision:
                raise _StoreChanged
            step(0.6, "storing")
            stored = store_validated(cur, result, meta, instrument, used_instrument, step)
            if save_as:
                # the fields as resolved plus item entries the user gave (found items are
                # found again by their header next time)
                items = {k: v for k, v in mapping.items() if k in result.item_columns and v}
                _write_mapping(cur, save_as, result.kind, result.mapping | items, meta.imported_by)
            pause = os.environ.get(PAUSE_ENV)
            if pause:  # test hook, see the module docstring
                step(0.95, "committing")
                time.sleep(float(pause))
    except InstrumentError as exc:  # the questionnaire conflicts with stored items: rolled back
        report.instrument_errors = list(exc.errors)
        return outcome
    except StoreWriteError as exc:  # a full disk or a read-only data directory: rolled back
        problem = file_problem("store_failed", value=exc.message(report.lang))
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
