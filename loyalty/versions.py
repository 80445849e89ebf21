"""Versions of imported data: history, making an earlier version active, deliberate deletion.

Every import of a (kind, wave) adds a version; exactly one version per (kind, wave) is active
and the dashboards read only active versions. Nothing is overwritten: an earlier version stays
until it is deleted explicitly, and every activation and deletion is written to the audit log.
"""

from __future__ import annotations

import re

import duckdb
import polars as pl

from loyalty.i18n import num, t, worded
from loyalty.store import Store

#: Data tables and the import kind that owns their rows.
DATA_TABLES: dict[str, tuple[str, ...]] = {
    "engagement": ("responses", "response_scores"),
    "loyalty": ("loyalty", "churn_reasons"),
    "finance": ("financials",),
    "branches": (),
}


class VersionError(ValueError):
    """A request about versions that cannot be carried out; ``message(lang)`` says why.

    With ``kind``, ``wave`` and ``version`` among the values the message names the version as
    people pick it ("Kundenbindung 2025-H2, Version 2"), in ``lang``."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code, self.values = code, values

    def message(self, lang: str) -> str:
        values = dict(self.values)
        if "kind" in values:
            values["label"] = short_label(
                str(values["kind"]), values.get("wave"), values.get("version"), lang
            )
            values["kind"] = kind_label(str(values["kind"]), lang)
            values["wave"] = f" {values['wave']}" if values.get("wave") else ""
        return t(f"versions.{self.code}", lang, **values)


def short_label(kind: str, wave: object, version: object, lang: str) -> str:
    """How a version is named in sentences: "Kundenbindung 2025-H2, Version 2"."""
    return t(
        "versions.label",
        lang,
        kind=kind_label(kind, lang),
        wave=f" {wave}" if wave else "",
        version=version if version is not None else "–",
    )


def when_format(lang: str) -> str:
    """The ``strftime`` pattern of a moment to the minute in ``lang`` (04.12.2026 15:47)."""
    return "%d.%m.%Y %H:%M" if lang == "de" else "%Y-%m-%d %H:%M"


def _when(value, lang: str) -> str:
    return value.strftime(when_format(lang))


def find(store: Store, kind: str, wave: str | None, version: int) -> int:
    """The import id of version ``version`` of (``kind``, ``wave``) — how the command line
    picks a version (``wave`` None: the branch list, which has no wave)."""
    rows = store.sql(
        "SELECT import_id, version FROM imports WHERE kind = ? AND wave IS NOT DISTINCT FROM ? "
        "ORDER BY version",
        [kind, wave or None],
    )
    match = rows.filter(pl.col("version") == version)
    if match.height:
        return int(match["import_id"][0])
    known = ", ".join(str(v) for v in rows["version"].to_list())
    raise VersionError(
        "not_found" if known else "no_versions",
        kind=kind,
        wave=wave,
        version=version,
        known=known,
    )


def listing(history: pl.DataFrame, lang: str) -> list[str]:
    """:func:`history` as lines for the command line: a heading, then one line per version
    with kind (in ``lang``, the code to type in brackets), wave, version number, status, rows,
    time (to the minute), who and the file; a version is picked by the first three."""
    rows = [
        (
            t("versions.col.kind", lang),
            t("versions.col.wave", lang),
            t("versions.col.version", lang),
            t("versions.col.status", lang),
            t("versions.col.rows", lang),
            t("versions.col.when", lang),
            t("versions.col.by", lang),
            t("versions.col.source", lang),
        )
    ]
    for r in history.iter_rows(named=True):
        status = (
            t("data.status.deleted", lang)
            if r["deleted_at"] is not None
            else t("data.status.active", lang)
            if r["active"]
            else "-"
        )
        rows.append(
            (
                f"{kind_label(r['kind'], lang)} ({r['kind']})",
                r["wave"] or "-",
                str(r["version"]),
                status,
                num(r["row_count"], lang, 0),
                _when(r["created_at"], lang),
                (r["imported_by"] or "-")[:14],
                r["source"] or "",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(7)]
    right = {2, 4}
    return [
        "  ".join(
            (cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])) if i < 7 else cell
            for i, cell in enumerate(row)
        ).rstrip()
        for row in rows
    ]


def audit(
    cur: duckdb.DuckDBPyConnection, actor: str, action: str, target: str, detail: str = ""
) -> None:
    """Append to the insert-only audit log (inside the caller's transaction)."""
    cur.execute(
        "INSERT INTO audit_log (actor, action, target, detail) VALUES (?, ?, ?, ?)",
        [actor, action, target, detail],
    )


def audit_many(
    cur: duckdb.DuckDBPyConnection, actor: str, action: str, entries: list[tuple[str, str]]
) -> None:
    """:func:`audit` for many (target, detail) entries at once, logged in their order."""
    frame = pl.DataFrame(
        {
            "n": range(len(entries)),
            "target": [e[0] for e in entries],
            "detail": [e[1] for e in entries],
        },
        schema={"n": pl.Int64, "target": pl.String, "detail": pl.String},
    )
    cur.register("_audit", frame)
    try:
        cur.execute(
            "INSERT INTO audit_log (actor, action, target, detail) "
            "SELECT ?, ?, target, detail FROM _audit ORDER BY n",
            [actor, action],
        )
    finally:
        cur.unregister("_audit")


def history(store: Store, kind: str | None = None, wave: str | None = None) -> pl.DataFrame:
    """All versions, newest first per (kind, wave), including deleted ones (marked)."""
    clauses, params = [], []
    if kind:
        clauses.append("kind = ?")
        params.append(kind)
    if wave:
        clauses.append("wave = ?")
        params.append(wave)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return store.sql(
        f"""
        SELECT import_id, kind, wave, version, active, source, row_count, created_at,
               imported_by, sha256, size_bytes, file_format, dropped_columns,
               deleted_at, deleted_by
        FROM imports {where}
        ORDER BY kind, wave NULLS FIRST, version DESC
        """,
        params or None,
    )


def kind_label(kind: str, lang: str) -> str:
    """The kind of data in ``lang`` ("Mitarbeiterbefragung", "customer loyalty", …)."""
    return t(f"import.kind.{kind}", lang)


def version_labels(history: pl.DataFrame, lang: str) -> dict[int, str]:
    """import id → how a person picks a version: kind, wave, version number, status, rows and
    when ("Kundenbindung 2025-H2, Version 2 – aktiv, 120 Zeilen, 02.12.2026 12:01")."""
    labels = {}
    for row in history.iter_rows(named=True):
        status = (
            t("data.status.deleted", lang)
            if row["deleted_at"] is not None
            else t("data.status.active", lang)
            if row["active"]
            else None
        )
        when = _when(row["created_at"], lang)
        labels[row["import_id"]] = t(
            "data.version_label",
            lang,
            kind=kind_label(row["kind"], lang),
            wave=row["wave"] or "–",
            version=row["version"],
            status=f"{status}, " if status else "",
            rows=num(row["row_count"], lang, 0),
            when=when,
        )
    return labels


def history_table(history: pl.DataFrame, lang: str) -> pl.DataFrame:
    """:func:`history` as the Data page lists it: headings and kinds in ``lang``, a status
    word (active, inactive or deleted), "–" for the branch list's missing wave, times to the
    minute."""
    kinds = history["kind"].unique().to_list()
    return history.select(
        pl.col("import_id").alias("ID"),
        pl.col("kind")
        .replace_strict(kinds, [kind_label(k, lang) for k in kinds], return_dtype=pl.String)
        .alias(t("data.col.kind", lang)),
        pl.col("wave").fill_null("–").alias(t("methods.col.wave", lang)),
        pl.col("version").alias("Version"),
        pl.when(pl.col("deleted_at").is_not_null())
        .then(pl.lit(t("data.status.deleted", lang)))
        .when(pl.col("active"))
        .then(pl.lit(t("data.status.active", lang)))
        .otherwise(pl.lit(t("data.status.inactive", lang)))
        .alias(t("data.col.status", lang)),
        pl.col("row_count").alias(t("data.col.rows", lang)),
        pl.col("created_at").dt.truncate("1m").alias(t("data.col.when", lang)),
        worded(history["imported_by"], lambda v: _actor_words(v, lang)).alias(
            t("data.col.by", lang)
        ),
        worded(history["source"], lambda v: _source_words(v, lang)).alias(
            t("data.col.source", lang)
        ),
    )


#: The demo chain's source as :func:`loyalty.demo.seed_store` stores it.
DEMO_SOURCE = re.compile(r"demo generator \(seed (\d+), (\d+) branches\)")


#: Who acts where the app runs without sign-in (``LOYALTY_AUTH=off``), in the audit log and
#: the versions; no user may be called so (:func:`loyalty.users.add_user`).
LOCAL_ACTOR = "local"


#: Who seeded the demo chain (:func:`loyalty.demo.seed_store`).
DEMO_ACTOR = "loyalty demo"
#: Who acts when the served app purges expired answers at its start (``serve.py``).
START_ACTOR = "system (start)"
#: Who tried to sign in with a name no user has (:mod:`loyalty.users`).
UNKNOWN_ACTOR = "(unknown user)"
#: Every action the audit log records (``audit.action.<code>`` names it in both languages;
#: a test finds every code the code writes here).
AUDIT_ACTIONS = (
    "import", "activate", "delete", "purge", "instrument", "save_mapping", "export",
    "action_add", "action_change", "user_add", "user_remove", "password_change",
    "password_reset", "sign_in", "sign_in_failed", "sign_in_locked", "sign_out",
)  # fmt: skip


def _actor_words(value: str, lang: str) -> str:
    """Who acted, where the product itself did: the demo's seeding, the purge at the start, a
    sign-in under an unknown name. ``local`` (the app without sign-in) stays as it is: a store
    from before the name was reserved may hold a user so called."""
    if value == DEMO_ACTOR:
        return t("data.by.demo", lang)
    if value == START_ACTOR:
        return t("audit.by.start", lang)
    if value == UNKNOWN_ACTOR:
        return t("audit.by.unknown", lang)
    return value


def _action_words(value: str, lang: str) -> str:
    return t(f"audit.action.{value}", lang) if value in AUDIT_ACTIONS else value


def audit_table(log: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The audit log as the reader reads it: who (the product's own actors in ``lang``) and
    the action in words; what the entry names and its details stay as they were written at
    the time of the event (the log is append-only, its details are a record), except the
    product's own word for a sign-in under a name no user has, in both who and what."""
    unknown = pl.when(pl.col("target") == UNKNOWN_ACTOR).then(pl.lit(t("audit.by.unknown", lang)))
    return log.with_columns(
        worded(log["actor"], lambda v: _actor_words(v, lang)).alias("actor"),
        worded(log["action"], lambda v: _action_words(v, lang)).alias("action"),
        unknown.otherwise("target").alias("target"),
    )


def _source_words(value: str, lang: str) -> str:
    found = DEMO_SOURCE.fullmatch(value)
    if found is None:
        return value  # a file's name, as it was uploaded
    seed, n = found.groups()
    return t("data.source.demo", lang, seed=seed, n=num(int(n), lang, 0))


def _get(cur: duckdb.DuckDBPyConnection, import_id: int) -> dict:
    rows = cur.execute(
        "SELECT import_id, kind, wave, version, active, deleted_at FROM imports "
        "WHERE import_id = ?",
        [import_id],
    ).fetchall()
    if not rows:
        raise VersionError("unknown", id=import_id)
    keys = ("import_id", "kind", "wave", "version", "active", "deleted_at")
    return dict(zip(keys, rows[0], strict=True))


def _named(row: dict) -> dict:
    return {"kind": row["kind"], "wave": row["wave"], "version": row["version"]}


def describe(store: Store, import_id: int) -> dict:
    """kind, wave and version of ``import_id`` (to name it in a message)."""
    rows = store.sql("SELECT kind, wave, version FROM imports WHERE import_id = ?", [import_id])
    if not rows.height:
        raise VersionError("unknown", id=import_id)
    return rows.row(0, named=True)


def activate(store: Store, import_id: int, *, actor: str) -> None:
    """Make ``import_id`` the active version of its (kind, wave)."""
    with store.transaction() as cur:
        row = _get(cur, import_id)
        if row["deleted_at"] is not None:
            raise VersionError("deleted", **_named(row))
        if row["kind"] == "branches":
            raise VersionError("branches_not_versioned", **_named(row))
        cur.execute(
            "UPDATE imports SET active = (import_id = ?) "
            "WHERE kind = ? AND wave IS NOT DISTINCT FROM ? AND deleted_at IS NULL",
            [import_id, row["kind"], row["wave"]],
        )
        audit(
            cur,
            actor,
            "activate",
            f"import {import_id}",
            audit_name(row["kind"], row["wave"], row["version"]),
        )


def delete(store: Store, import_id: int, *, actor: str, allow_active: bool = False) -> int:
    """Delete a version's data rows (the history keeps a marked entry). Returns rows deleted.

    The active version is only deleted with ``allow_active=True``: its (kind, wave) then has
    no active data until another version is activated.
    """
    with store.transaction() as cur:
        row = _get(cur, import_id)
        if row["deleted_at"] is not None:
            raise VersionError("deleted", **_named(row))
        if row["active"] and not allow_active:
            raise VersionError("active", **_named(row))
        removed = 0
        for table in DATA_TABLES[row["kind"]]:
            removed += cur.execute(
                f"DELETE FROM {table} WHERE import_id = ?", [import_id]
            ).fetchall()[0][0]
        if row["kind"] == "engagement":  # the branch figures a purge saved of it go too
            cur.execute("DELETE FROM branch_aggregates WHERE import_id = ?", [import_id])
        cur.execute(
            "UPDATE imports SET active = FALSE, deleted_at = current_timestamp, deleted_by = ? "
            "WHERE import_id = ?",
            [actor, import_id],
        )
        audit(
            cur,
            actor,
            "delete",
            f"import {import_id}",
            f"{audit_name(row['kind'], row['wave'], row['version'])}: {removed} rows",
        )
    return removed


def audit_name(kind: str, wave: str | None, version: int) -> str:
    """A version as the audit log names it: "loyalty 2025-H2 version 2", "branches version 1"
    (the branch list has no wave)."""
    return f"{kind}{f' {wave}' if wave else ''} version {version}"


def audit_log(store: Store) -> pl.DataFrame:
    return store.sql("SELECT * FROM audit_log ORDER BY event_id")


def record(store: Store, actor: str, action: str, target: str, detail: str = "") -> None:
    """One audit entry in its own transaction (for events outside an import, e.g. exports)."""
    with store.transaction() as cur:
        audit(cur, actor, action, target, detail)
