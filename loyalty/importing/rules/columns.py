"""The file's columns before any row is read: which field and item each column feeds, the
wave of the whole import, and the columns that are ignored or dropped (never stored).

A problem here makes the row checks pointless (they would repeat it per row), so
:func:`loyalty.importing.validate.validate` stops after this step when it finds one."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

import polars as pl

from loyalty.importing import privacy
from loyalty.importing.instrument import Instrument
from loyalty.importing.rules import engagement
from loyalty.importing.rules.base import WAVE_FORMATS, Notice, file_problem, wave_period
from loyalty.schema import FIELDS

#: The survey fields whose column is stored as text (the respondent id only finds duplicates
#: and is never stored; answers are stored only as scale points): an identifying column
#: (:func:`privacy.identifying_columns`) mapped to one of them is refused.
GUARDED_FIELDS = tuple(f.name for f in FIELDS["engagement"] if f.name != "respondent_id")
#: The reasons that refuse such a column: all but ``free_text``, which judges a whole column
#: as comments (long, mostly distinct values) and would refuse a small file's categories
#: ("Verkauf und Beratung"); a stored text is checked value by value for free text anyway
#: (:func:`privacy.text_reasons`, the distinct-value limit).
REFUSED_REASONS = tuple(r for r in privacy.COLUMN_REASONS if r != "free_text")
#: Reasons a heading alone gives (an id, a reference, a tool's technical field) that do not
#: refuse a branch or wave column: its values must name a branch of the store or be wave labels,
#: and survey tools pass a store's code this way (SurveyMonkey's "Custom Data 1", Qualtrics'
#: "ExternalReference"). A branch column that may add branches (``unknown_branches="add"``)
#: stays refused: its values would be stored as new branch ids.
ID_REASONS = ("response_id", "external_id", "technical")
#: Every problem kind this step raises (``import.problem.<code>`` in both languages).
CODES = (
    "mapped_column_missing",
    "branch_twice",
    "missing_branch",
    "missing_field",
    "unknown_field",
    "bad_wave_label",
    "missing_wave",
    *(
        f"identifying_column_{reason}_as_{name}"
        for reason in REFUSED_REASONS
        for name in GUARDED_FIELDS
    ),
)
#: Every note (``import.warning.<code>``) this step gives.
NOTES = ("identifying_dropped",)
#: Survey columns are judged free text on this many first rows.
FREE_TEXT_SAMPLE = 20_000


@dataclass
class Mapped:
    """The columns as the rules use them, and what this step found."""

    resolved: dict[str, str | None]  # field → column (None: not in the file)
    items: dict[str, str] = field(default_factory=dict)
    instrument: Instrument | None = None  # the questionnaire's part the file answers
    given_wave: str | None = None
    ignored: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)
    problems: list[pl.DataFrame] = field(default_factory=list)
    notes: list[Notice] = field(default_factory=list)


def check(
    raw_frame: pl.DataFrame,
    kind: str,
    wave: str | None,
    mapping: dict[str, str | None],
    instrument: Instrument | None,
    *,
    question_texts: dict[str, str] | None,
    identifying: Sequence[tuple[str, str]],
    known_waves: Collection[str],
    branch: str | None,
    adds_branches: bool = False,
) -> Mapped:
    """Resolve the mapping against the file's columns (see :class:`Mapped`)."""
    columns = raw_frame.columns
    problems: list[pl.DataFrame] = []
    out = Mapped(resolved=_resolve(columns, kind, mapping, branch, problems), problems=problems)
    _unknown_fields(kind, mapping, instrument, out.problems)
    if kind != "branches":
        out.given_wave = _given_wave(wave, out.resolved, known_waves, out.problems)
    if kind == "engagement":
        taken = [c for c in out.resolved.values() if c]
        label = out.given_wave or wave or "?"
        out.items, out.instrument, problems, notes = engagement.item_columns(
            columns, instrument, mapping, question_texts, taken, label
        )
        out.problems.extend(problems)
        out.notes.extend(notes)
    refused = _identifying_mapped(out.resolved, identifying, out.problems, adds_branches)
    _unused_columns(raw_frame, kind, identifying, out, refused)
    return out


def _resolve(
    columns: Sequence[str],
    kind: str,
    mapping: dict[str, str | None],
    branch: str | None,
    problems: list[pl.DataFrame],
) -> dict[str, str | None]:
    resolved: dict[str, str | None] = {}
    for spec in FIELDS[kind]:
        name = spec.name
        col = mapping.get(name)
        if col is not None and col not in columns:
            problems.append(file_problem("mapped_column_missing", column=col, value=name))
            col = None
        resolved[name] = col
        if name == "branch_id" and kind != "branches" and (branch or col is None):
            if col is not None:  # a branch column and "all rows are branch X": which one?
                problems.append(file_problem("branch_twice", column=col, value=branch))
            elif not branch:
                problems.append(file_problem("missing_branch", value=name))
        elif col is None and spec.required:
            problems.append(file_problem("missing_field", value=name))
    return resolved


def _unknown_fields(
    kind: str,
    mapping: dict[str, str | None],
    instrument: Instrument | None,
    problems: list[pl.DataFrame],
) -> None:
    """A mapping entry that is neither a field of the kind nor an item of the questionnaire
    (a survey without a questionnaire cannot tell)."""
    if kind == "engagement" and instrument is None:
        return
    fields = [f.name for f in FIELDS[kind]]
    item_ids = (
        set(instrument.item_ids) if instrument is not None and kind == "engagement" else set()
    )
    for key, col in mapping.items():
        if col and key not in fields and key not in item_ids:
            problems.append(
                file_problem("unknown_field", column=col, value=key, expected=", ".join(fields))
            )


def _given_wave(
    wave: str | None,
    resolved: dict[str, str | None],
    known_waves: Collection[str],
    problems: list[pl.DataFrame],
) -> str | None:
    """The import's wave as a canonical label (a known wave as it is stored)."""
    if wave is not None and str(wave).strip():
        given = str(wave).strip()
        if given in known_waves:
            return given
        period = wave_period(given)
        if period is None:
            problems.append(file_problem("bad_wave_label", value=given, expected=WAVE_FORMATS))
            return given
        return period[0]
    if resolved.get("wave") is None:
        problems.append(file_problem("missing_wave"))
    return None


def _identifying_mapped(
    resolved: dict[str, str | None],
    identifying: Sequence[tuple[str, str]],
    problems: list[pl.DataFrame],
    adds_branches: bool = False,
) -> set[str]:
    """A column that identifies people (by heading or content) may not be stored as a field of
    :data:`GUARDED_FIELDS` (a surname column mapped as job area): a problem naming the column,
    the field and why, whoever mapped it (by hand, a saved mapping, the suggestion). A branch
    or wave column headed like an id (:data:`ID_REASONS`) is checked by its values instead.
    Returns the refused columns."""
    reasons = {c: r for c, r in identifying if r in REFUSED_REASONS}
    refused: set[str] = set()
    for name in GUARDED_FIELDS:
        column = resolved.get(name)
        checked_by_values = name == "wave" or (name == "branch_id" and not adds_branches)
        if column in reasons and reasons[column] in ID_REASONS and checked_by_values:
            continue
        if column is not None and column in reasons:
            refused.add(column)
            problems.append(
                file_problem(
                    f"identifying_column_{reasons[column]}_as_{name}", column=column, value=name
                )
            )
    return refused


def _unused_columns(
    raw_frame: pl.DataFrame,
    kind: str,
    identifying: Sequence[tuple[str, str]],
    out: Mapped,
    refused: set[str] = frozenset(),
) -> None:
    """Columns no field or item uses: identifying ones (and a survey's free text, which could
    name people) are dropped and named in a note; the rest are listed as ignored. An
    identifying column is dropped even where a field of :data:`GUARDED_FIELDS` uses it (that
    is a problem, :func:`_identifying_mapped`) unless only its content looked like free text
    (then its values are checked one by one); an item's column stays (it is stored only as
    scale points)."""
    columns = raw_frame.columns
    used = {c for c in out.resolved.values() if c} | set(out.items.values())
    stored = {c for n, c in out.resolved.items() if c and n != "respondent_id"} | set(
        out.items.values()
    )
    dropped = [(c, r) for c, r in identifying if c in columns and (c not in stored or c in refused)]
    dropped_names = {c for c, _ in dropped}
    for col in columns:
        if col in used or col in dropped_names:
            continue
        if kind == "engagement" and privacy.looks_like_free_text(
            raw_frame[col].head(FREE_TEXT_SAMPLE)
        ):
            dropped.append((col, "free_text"))
        else:
            out.ignored.append(col)
    out.dropped = dropped
    if dropped:
        out.notes.append(Notice("identifying_dropped", {"dropped": list(dropped)}))
