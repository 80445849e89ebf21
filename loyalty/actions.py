"""Action plans: what a branch (or a group of branches) does about a survey result.

An action targets one engagement dimension, says what is done, who owns it, when it starts and
where it stands (planned, running, done, dropped). It is recorded for one branch, a region, a
format or a hand-picked list; the branches it covers are fixed when it is recorded or changed.

Nothing is overwritten: every change writes a new *version* of the action (``action_versions``,
``action_branches``), so its history says who changed what and when; the audit log records every
change as well. Recording and changing need the ``record_actions`` permission (HR, executives,
administrators) and every branch the action covers, before and after the change, must lie in
the user's scope (:mod:`loyalty.access`). Reading follows the scope too: a user sees the actions
that touch branches they may see, and of those only their branches.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields

import duckdb
import polars as pl

from loyalty import access, i18n
from loyalty.i18n import t
from loyalty.store import Store
from loyalty.versions import audit, audit_many

STATUSES = ("planned", "running", "done", "dropped")
#: Statuses of actions that were carried out (the effect compares these with branches without).
CARRIED_OUT = ("running", "done")
TARGET_TYPES = ("branch", "region", "format", "list")
MAX_TEXT = 500
#: The fields of an action a user sets (in the order forms, imports and exports use).
FIELDS = ("dimension_id", "title", "owner", "start_date", "status", "target_type", "target_value")


class ActionError(ValueError):
    """An action that cannot be recorded as asked; ``t(lang)`` says why and what to do."""

    def __init__(self, code: str, **values: object) -> None:
        super().__init__(code)
        self.code, self.values = code, values

    def message(self, lang: str) -> str:
        return t(f"actions.error.{self.code}", lang, **self.values)


@dataclass(frozen=True)
class Draft:
    """An action as a user enters it. ``target_value``: a branch id, region, format, or for
    ``list`` the branch ids separated by commas."""

    dimension_id: str
    title: str
    owner: str
    start_date: dt.date
    status: str
    target_type: str
    target_value: str

    def as_dict(self) -> dict[str, object]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


def list_ids(value: str) -> list[str]:
    """The branch ids of a ``list`` target ("B001, B002" or "B001;B002")."""
    return sorted({p.strip() for p in value.replace(";", ",").split(",") if p.strip()})


def _clean(draft: Draft) -> Draft:
    value = draft.target_value.strip()
    if draft.target_type == "list":
        value = ",".join(list_ids(value))
    return Draft(
        dimension_id=draft.dimension_id.strip(),
        title=" ".join(draft.title.split()),
        owner=" ".join(draft.owner.split()),
        start_date=draft.start_date,
        status=draft.status.strip().lower(),
        target_type=draft.target_type.strip().lower(),
        target_value=value,
    )


def check(cur: duckdb.DuckDBPyConnection, draft: Draft) -> tuple[Draft, list[str]]:
    """The draft cleaned (spaces, list order) and the branches it covers; raises
    :class:`ActionError` for the first thing that is wrong."""
    draft = _clean(draft)
    dims = [r[0] for r in cur.execute("SELECT dimension_id FROM dimensions").fetchall()]
    if draft.dimension_id not in dims:
        raise ActionError("dimension", value=draft.dimension_id, expected=", ".join(dims))
    for name in ("title", "owner"):
        text = getattr(draft, name)
        if not text:
            raise ActionError("empty", field=name)
        if len(text) > MAX_TEXT:
            raise ActionError("too_long", field=name, max=MAX_TEXT)
    if draft.status not in STATUSES:
        raise ActionError("status", value=draft.status, expected=", ".join(STATUSES))
    if not isinstance(draft.start_date, dt.date):
        raise ActionError("date", value=draft.start_date)
    if draft.target_type not in TARGET_TYPES:
        raise ActionError("target_type", value=draft.target_type, expected=", ".join(TARGET_TYPES))
    branches = covered(cur, draft.target_type, draft.target_value)
    if not branches:
        raise ActionError("no_branches", kind=draft.target_type, value=draft.target_value)
    return draft, branches


def covered(cur: duckdb.DuckDBPyConnection, target_type: str, value: str) -> list[str]:
    """The branches a target covers (today's branch list); raises for unknown branch ids."""
    if target_type in ("branch", "list"):
        wanted = [value.strip()] if target_type == "branch" else list_ids(value)
        known = {
            r[0]
            for r in cur.execute(
                "SELECT branch_id FROM branches "
                f"WHERE branch_id IN ({', '.join('?' * len(wanted))})",
                wanted,
            ).fetchall()
        }
        unknown = [b for b in wanted if b not in known]
        if unknown:
            raise ActionError("unknown_branch", value=", ".join(unknown), n=len(unknown))
        return sorted(known)
    column = "region" if target_type == "region" else "format"
    rows = cur.execute(
        f"SELECT branch_id FROM branches WHERE {column} = ? ORDER BY branch_id", [value]
    ).fetchall()
    return [r[0] for r in rows]


def _require_scope(viewer: access.Viewer, branches: Iterable[str]) -> None:
    outside = sorted(b for b in branches if not viewer.sees(b))
    if outside:
        raise ActionError("out_of_scope", branches=", ".join(outside[:5]), n=len(outside))


def _insert_version(
    cur: duckdb.DuckDBPyConnection,
    action_id: int,
    version: int,
    draft: Draft,
    branches: Sequence[str],
    actor: str,
    source: str,
) -> None:
    cur.execute(
        "INSERT INTO action_versions (action_id, version, dimension_id, title, owner, "
        "start_date, status, target_type, target_value, changed_by, source) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            action_id,
            version,
            draft.dimension_id,
            draft.title,
            draft.owner,
            draft.start_date,
            draft.status,
            draft.target_type,
            draft.target_value,
            actor,
            source,
        ],
    )
    cur.executemany(
        "INSERT INTO action_branches VALUES (?, ?, ?)", [[action_id, version, b] for b in branches]
    )


def _insert_new(
    cur: duckdb.DuckDBPyConnection,
    new: Sequence[tuple[int, Draft, Sequence[str]]],
    actor: str,
    source: str,
) -> None:
    """First versions of new actions (id, draft, branches), their branches and an audit entry
    each, in three statements: a row at a time costs milliseconds per row inside a large
    transaction (the demo chain's thousands of actions)."""
    if not new:
        return
    versions = pl.DataFrame(
        {
            "action_id": [a for a, _, _ in new],
            **{name: [getattr(d, name) for _, d, _ in new] for name in FIELDS},
        },
        schema={"action_id": pl.Int64, **dict.fromkeys(FIELDS, pl.String), "start_date": pl.Date},
    )
    branches = pl.DataFrame(
        {
            "action_id": [a for a, _, bs in new for _ in bs],
            "branch_id": [b for _, _, bs in new for b in bs],
        },
        schema={"action_id": pl.Int64, "branch_id": pl.String},
    )
    cols = ", ".join(FIELDS)
    cur.register("_new_actions", versions)
    cur.register("_new_branches", branches)
    try:
        cur.execute(
            f"INSERT INTO action_versions (action_id, version, {cols}, changed_by, source) "
            f"SELECT action_id, 1, {cols}, ?, ? FROM _new_actions",
            [actor, source],
        )
        cur.execute(
            "INSERT INTO action_branches (action_id, version, branch_id) "
            "SELECT action_id, 1, branch_id FROM _new_branches"
        )
    finally:
        cur.unregister("_new_actions")
        cur.unregister("_new_branches")
    audit_many(
        cur,
        actor,
        "action_add",
        [(f"action {a}", _describe(d, len(bs))) for a, d, bs in new],
    )


def _describe(draft: Draft, n_branches: int) -> str:
    return (
        f"{draft.target_type} {draft.target_value} "
        f"({n_branches} {'branch' if n_branches == 1 else 'branches'}), "
        f"{draft.dimension_id}, {draft.status}, start {draft.start_date}"
    )


def add_many(
    cur: duckdb.DuckDBPyConnection,
    viewer: access.Viewer,
    drafts: Sequence[Draft],
    *,
    actor: str,
    source: str,
) -> list[int]:
    """Record new actions inside the caller's transaction (an import: all or none)."""
    viewer.require("record_actions")
    checked = [check(cur, d) for d in drafts]
    for _, branches in checked:
        _require_scope(viewer, branches)
    first = cur.execute("SELECT coalesce(max(action_id), 0) + 1 FROM action_versions").fetchall()
    ids = [int(first[0][0]) + offset for offset in range(len(checked))]
    _insert_new(cur, [(i, d, b) for i, (d, b) in zip(ids, checked, strict=True)], actor, source)
    return ids


def add(
    store: Store, viewer: access.Viewer, draft: Draft, *, actor: str, source: str = "form"
) -> int:
    """Record a new action; returns its id."""
    with store.transaction() as cur:
        return add_many(cur, viewer, [draft], actor=actor, source=source)[0]


def change(
    store: Store,
    viewer: access.Viewer,
    action_id: int,
    draft: Draft,
    *,
    actor: str,
    source: str = "form",
) -> int:
    """Write a new version of an action; returns the version number (unchanged if nothing
    changed). The user must be allowed the action's branches both before and after."""
    viewer.require("record_actions")
    with store.transaction() as cur:
        rows = cur.execute(
            "SELECT version, " + ", ".join(FIELDS) + " FROM current_actions WHERE action_id = ?",
            [action_id],
        ).fetchall()
        if not rows:
            raise ActionError("unknown", id=action_id)
        version, *values = rows[0]
        before = Draft(*values)
        old_branches = [
            r[0]
            for r in cur.execute(
                "SELECT branch_id FROM current_action_branches WHERE action_id = ?", [action_id]
            ).fetchall()
        ]
        _require_scope(viewer, old_branches)
        draft, branches = check(cur, draft)
        _require_scope(viewer, branches)
        changed = [
            f"{name}: {getattr(before, name)} → {getattr(draft, name)}"
            for name in FIELDS
            if getattr(before, name) != getattr(draft, name)
        ]
        if sorted(old_branches) != sorted(branches):
            changed.append(f"branches: {len(old_branches)} → {len(branches)}")
        if not changed:
            return version
        _insert_version(cur, action_id, version + 1, draft, branches, actor, source)
        audit(cur, actor, "action_change", f"action {action_id}", "; ".join(changed))
        return version + 1


_CURRENT = """
    SELECT a.action_id, a.version, a.dimension_id, a.title, a.owner, a.start_date, a.status,
           a.target_type, a.target_value, a.changed_by, a.changed_at, a.source,
           array_agg(b.branch_id ORDER BY b.branch_id) AS branch_ids
    FROM current_actions a JOIN current_action_branches b USING (action_id)
    {where}
    GROUP BY a.action_id, a.version, a.dimension_id, a.title, a.owner, a.start_date, a.status,
           a.target_type, a.target_value, a.changed_by, a.changed_at, a.source
    ORDER BY a.start_date DESC, a.action_id DESC
"""


def revision(store: Store) -> int:
    """Changes whenever an action is recorded or changed (versions are only ever added); cache
    keys of what shows actions include it. Every page run that shows actions asks: it is
    :meth:`~loyalty.store.Store.kept` until the store's next write."""
    return store.kept(
        "actions.revision",
        lambda: int(store.sql("SELECT count(*) AS n FROM action_versions")["n"][0]),
    )


def current(store: Store, scope: frozenset[str] | None = None) -> pl.DataFrame:
    """The current version of every action, one row each, with the branches it covers
    (``branch_ids``, of those in ``scope``; actions outside the scope left out) and the wave
    it started in (``wave``: the survey wave whose period holds the start date, or null)."""
    frame = store.sql(_CURRENT.format(where=""))
    waves = store.sql("SELECT wave, start_date AS w_start, end_date AS w_end FROM waves")
    if scope is not None:
        allowed = sorted(scope)
        frame = frame.with_columns(
            pl.col("branch_ids").list.eval(pl.element().filter(pl.element().is_in(allowed)))
        ).filter(pl.col("branch_ids").list.len() > 0)
    started = (
        frame.select("action_id", "start_date")
        .join(waves, how="cross")
        .filter(pl.col("start_date").is_between(pl.col("w_start"), pl.col("w_end")))
        .group_by("action_id")
        .agg(pl.col("wave").first())
    )
    return frame.join(started, on="action_id", how="left").with_columns(
        pl.col("branch_ids").list.len().alias("n_branches")
    )


def history(store: Store, action_id: int) -> pl.DataFrame:
    """Every version of one action, newest first (who changed what, when)."""
    return store.sql(
        "SELECT version, changed_at, changed_by, source, " + ", ".join(FIELDS) + " "
        "FROM action_versions WHERE action_id = ? ORDER BY version DESC",
        [action_id],
    )


@dataclass(frozen=True)
class Filter:
    """The Actions page's filters (empty: no filter)."""

    regions: tuple[str, ...] = ()
    dimensions: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    waves: tuple[str, ...] = ()
    branch_id: str | None = None


def matching(actions: pl.DataFrame, branches: pl.DataFrame, chosen: Filter) -> pl.DataFrame:
    """The actions that pass the filter: a region filter keeps actions touching a branch of
    those regions (``branches``: ``branch_id``, ``region``)."""
    out = actions
    if chosen.regions:
        ids = branches.filter(pl.col("region").is_in(chosen.regions))["branch_id"].to_list()
        out = out.filter(pl.col("branch_ids").list.eval(pl.element().is_in(ids)).list.any())
    if chosen.dimensions:
        out = out.filter(pl.col("dimension_id").is_in(chosen.dimensions))
    if chosen.statuses:
        out = out.filter(pl.col("status").is_in(chosen.statuses))
    if chosen.waves:
        out = out.filter(pl.col("wave").is_in(chosen.waves))
    if chosen.branch_id:
        out = out.filter(pl.col("branch_ids").list.contains(chosen.branch_id))
    return out


#: Columns of the listing (screen and export), in order.
LIST_COLUMNS = (
    "action_id",
    "dimension",
    "title",
    "owner",
    "start_date",
    "wave",
    "status_label",
    "target",
    "n_branches",
    "changed_by",
    "changed_at",
)


def listing(actions: pl.DataFrame, dimensions: pl.DataFrame, lang: str) -> pl.DataFrame:
    """The actions as the page lists and exports them: dimension and status in ``lang``, the
    target in words ("Region Nord", "B012", "3 branches"); start a date, last change a moment
    to the minute."""
    names = i18n.dimension_names(dimensions, lang)
    status = {s: t(f"actions.status.{s}", lang) for s in STATUSES}
    kinds = {k: t(f"actions.target.{k}", lang) for k in TARGET_TYPES}
    return actions.with_columns(
        pl.col("dimension_id")
        .replace_strict(names, default=pl.col("dimension_id"))
        .alias("dimension"),
        pl.col("status").replace_strict(status).alias("status_label"),
        pl.when(pl.col("target_type") == "list")
        .then(pl.col("target_type").replace_strict(kinds) + ": " + pl.col("target_value"))
        .when(pl.col("target_type") == "branch")
        .then(pl.col("target_value"))
        .otherwise(pl.col("target_type").replace_strict(kinds) + " " + pl.col("target_value"))
        .alias("target"),
        # a date and a moment, not text: the page shows them in the language's format
        # (exports.SCREEN_DATE) and sorts them as dates; the downloads write them likewise
        pl.col("wave").fill_null("–"),
        pl.col("changed_at").dt.truncate("1m"),
    ).select(LIST_COLUMNS)


def counts(actions: pl.DataFrame) -> tuple[int, int]:
    """How many actions and how many distinct branches they cover."""
    if actions.is_empty():
        return 0, 0
    return actions.height, actions["branch_ids"].explode().n_unique()


def target_options(branches: pl.DataFrame) -> dict[str, list[str]]:
    """What a form offers per target kind (``branches``: the viewer's branch table)."""
    return {
        "branch": sorted(branches["branch_id"].unique().to_list()),
        "region": sorted(branches["region"].unique().to_list()),
        "format": sorted(branches["format"].unique().to_list()),
    }


def draft_for(actions: pl.DataFrame, action_id: int) -> Draft:
    """The draft an edit of action ``action_id`` (a row of :func:`current`) starts from."""
    return draft_of(actions.filter(pl.col("action_id") == action_id).row(0, named=True))


def titles(actions: pl.DataFrame) -> dict[int, str]:
    """``action_id`` → "id: title", for a picker."""
    return {
        i: f"{i}: {name}" for i, name in zip(actions["action_id"], actions["title"], strict=True)
    }


def draft_of(row: dict) -> Draft:
    """The draft an existing action (a row of :func:`current`) starts an edit from."""
    return Draft(**{name: row[name] for name in FIELDS})


def exposures(store: Store) -> pl.DataFrame:
    """One row per (action, branch) of the current versions, for the effect estimate:
    ``branch_id``, ``action_id``, ``dimension_id``, ``status``, ``start_date``."""
    return store.sql(
        """
        SELECT b.branch_id, a.action_id, a.dimension_id, a.status, a.start_date
        FROM current_actions a JOIN current_action_branches b USING (action_id)
        ORDER BY b.branch_id, a.start_date, a.action_id
        """
    )


def seed(cur: duckdb.DuckDBPyConnection, frame: pl.DataFrame, *, actor: str, source: str) -> None:
    """Write generated actions (the demo chain's) inside the caller's transaction, each as its
    first version, with an audit entry per action. ``frame``: the :data:`FIELDS` plus
    ``action_id`` (numbered on after the actions already stored) and ``branch_ids``."""
    offset = int(
        cur.execute("SELECT coalesce(max(action_id), 0) FROM action_versions").fetchall()[0][0]
    )
    new = [
        (offset + row["action_id"], draft_of(row), row["branch_ids"])
        for row in frame.iter_rows(named=True)
    ]
    _insert_new(cur, new, actor, source)
