"""Rules every kind of file shares: the working frame, waves, branch ids, numbers (with the
file's decimal mark), texts that would be stored, duplicate keys."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import polars as pl

from loyalty import config, i18n
from loyalty.importing import numbers, privacy
from loyalty.importing.rules.base import (
    ITEM,
    PROBLEM_SCHEMA,
    WAVE_FORMATS,
    Checked,
    Context,
    Notice,
    branch_key,
    file_problem,
    row_problems,
    short_list,
    wave_period,
)
from loyalty.schema import Field

#: Every problem kind these rules raise (``import.problem.<code>`` in both languages).
CODES = (
    "bad_wave_label",
    "wave_mismatch",
    "missing_wave",
    "missing_value",
    "unknown_branch",
    "not_a_number",
    "percent_value",
    "not_an_integer",
    "too_large",
    "negative",
    *(f"identifying_{reason}" for reason in privacy.TEXT_REASONS),
    *(f"identifying_{reason}_without_examples" for reason in privacy.TEXT_REASONS),
    "too_many_categories",
    "duplicate_branch",
)
#: Every note (``import.warning.<code>``) these rules give.
NOTES = ("branches_by_name", "unknown_branches_skipped", "unknown_branches_added", "new_wave")

#: How much of a refused text the report repeats (the whole cell may be megabytes).
SHOWN_TEXT = 60
#: How many of a column's accepted texts a refused one is shown beside, as examples.
EXAMPLES = 3
#: The largest value a numeric field takes (and how the message writes it): counts and
#: amounts below 10¹⁵ (exact as a float, far from 64-bit overflow when summed), a branch's
#: headcount below 10⁶ (a 32-bit column). Larger values, infinity and NaN are problems.
LIMITS: dict[str, tuple[float, str]] = {
    "count": (1e15, "10¹⁵"),
    "amount": (1e15, "10¹⁵"),
    "nonneg_amount": (1e15, "10¹⁵"),
    "headcount": (1e6, "10⁶"),
}


def working_frame(
    raw_frame: pl.DataFrame, row_numbers: Sequence[int] | pl.Series | None, ctx: Context
) -> pl.DataFrame:
    """Stripped strings, empty cells as null, one column per mapped field (named as the
    field), ``__item__<id>`` per item (raw: cleaned per distinct value by the item rule),
    ``__row`` the row number the user sees."""
    if row_numbers is None:
        rows = pl.int_range(2, raw_frame.height + 2, eager=True)
    else:
        rows = pl.Series(row_numbers)
    if rows.len() != raw_frame.height:
        raise ValueError("row_numbers must have one entry per data row")

    def clean(col: str) -> pl.Expr:
        return pl.col(col).cast(pl.String).str.strip_chars().replace("", None)

    label = {name: col for name, col in ctx.resolved.items() if col is not None}
    return raw_frame.select(
        *(clean(col).alias(name) for name, col in label.items()),
        *(pl.col(col).cast(pl.String).alias(ITEM + item) for item, col in ctx.items.items()),
    ).with_columns(rows.cast(pl.Int64).alias("__row"))


# --- waves ------------------------------------------------------------------------------------


def waves(work: pl.DataFrame, ctx: Context) -> Checked:
    """Each row's wave: the import's, or the wave column's (canonical labels; with both, a row
    of another wave is a problem)."""
    wave_col = ctx.resolved.get("wave")
    if wave_col is None:
        return Checked(work.with_columns(pl.lit(ctx.given_wave, pl.String).alias("wave")))
    problems = []
    canon: dict[str, str | None] = {}
    for value in work["wave"].drop_nulls().unique().to_list():
        if value in ctx.known_waves:
            canon[value] = value
        else:
            period = wave_period(value)
            canon[value] = period[0] if period else None
    bad = [v for v, c in canon.items() if c is None]
    if bad:
        problems.append(
            row_problems(
                work,
                pl.col("wave").is_in(bad),
                "bad_wave_label",
                wave_col,
                pl.col("wave"),
                WAVE_FORMATS,
            )
        )
    # the labels as written where every one is already canonical (the usual file)
    as_written = all(value == label for value, label in canon.items())
    if not as_written:
        work = work.with_columns(
            pl.col("wave").alias("__wave_raw"),
            pl.col("wave").replace_strict(
                list(canon), list(canon.values()), default=None, return_dtype=pl.String
            ),
        )
    raw = pl.col("wave" if as_written else "__wave_raw")
    if ctx.given_wave is not None:
        if any(label not in (None, ctx.given_wave) for label in canon.values()):
            problems.append(
                row_problems(
                    work,
                    pl.col("wave").is_not_null() & (pl.col("wave") != ctx.given_wave),
                    "wave_mismatch",
                    wave_col,
                    raw,
                    ctx.given_wave,
                )
            )
        work = work.with_columns(pl.col("wave").fill_null(ctx.given_wave))
    else:
        problems.append(row_problems(work, raw.is_null(), "missing_wave", wave_col))
    return Checked(work if as_written else work.drop("__wave_raw"), problems)


def file_waves(
    work: pl.DataFrame, known_waves: frozenset[str]
) -> tuple[list[str], list[str], list[Notice]]:
    """The file's waves, those the store does not know yet, and a note per new wave with the
    period it stands for."""
    waves = sorted(work["wave"].drop_nulls().unique().to_list())
    new_waves = [w for w in waves if w not in known_waves]
    notes = []
    for w in new_waves:
        period = wave_period(w)
        if period:  # the dates as each language writes them (01.07.2026, 2026-07-01)
            start, end = (
                {lang: i18n.date(day, lang) for lang in i18n.LANGUAGES} for day in period[1:]
            )
            notes.append(Notice("new_wave", {"wave": w, "start": start, "end": end}))
    return waves, new_waves, notes


# --- branch ids -------------------------------------------------------------------------------


def branch_ids(work: pl.DataFrame, ctx: Context) -> Checked:
    """Every row names a branch of the store: by id, or by a name or spelling that points at
    one branch; unknown branches are refused, skipped or added (``ctx.unknown_branches``)."""
    if ctx.resolved["branch_id"] is None and ctx.branch:  # "all rows are branch X"
        work = work.with_columns(pl.lit(ctx.branch.strip(), pl.String).alias("branch_id"))
    out = Checked(work, [missing_branch_ids(work, ctx)])
    out.work, by_name = _branches_by_name(out.work, ctx.known_branches, ctx.branch_names)
    if by_name:
        out.notes.append(
            Notice("branches_by_name", {"count": len(by_name), "examples": short_list(by_name, 5)})
        )
    unknown_mask = pl.col("branch_id").is_not_null() & ~pl.col("branch_id").is_in(
        ctx.known_branches.implode()
    )
    unknown = out.work.filter(unknown_mask)["branch_id"].unique(maintain_order=True).to_list()
    out.decided["unknown"] = tuple(unknown)
    if not unknown:
        return out
    if ctx.unknown_branches == "reject":
        hints = _closest_branches(unknown, ctx.known_branches.to_list(), ctx.branch_names)
        out.problems.append(
            row_problems(
                out.work,
                unknown_mask,
                "unknown_branch",
                ctx.branch_column,
                pl.col("branch_id"),
                pl.col("branch_id").replace_strict(list(hints), list(hints.values()), default="–"),
            )
        )
    elif ctx.unknown_branches == "skip":
        before = out.work.height
        out.work = out.work.filter(~unknown_mask)
        out.skipped = before - out.work.height
        out.notes.append(
            Notice(
                "unknown_branches_skipped",
                {"rows": out.skipped, "branches": short_list(unknown)},
            )
        )
    else:
        out.decided["new_branches"] = tuple(unknown)
        out.notes.append(Notice("unknown_branches_added", {"branches": short_list(unknown)}))
    return out


def missing_branch_ids(work: pl.DataFrame, ctx: Context) -> pl.DataFrame:
    return row_problems(work, pl.col("branch_id").is_null(), "missing_value", ctx.branch_column)


def _branches_by_name(
    work: pl.DataFrame, known: pl.Series, names: dict[str, str]
) -> tuple[pl.DataFrame, list[str]]:
    """Values that are not ids but name one branch (its name, or its id spelt otherwise) are
    replaced by the id; returns the frame and "value → id" for the report."""
    values = work.filter(~pl.col("branch_id").is_in(known.implode()))["branch_id"]
    values = values.drop_nulls().unique(maintain_order=True).to_list()
    if not values:
        return work, []
    lookup: dict[str, set[str]] = {}
    for branch_id in known.to_list():
        lookup.setdefault(branch_key(branch_id), set()).add(branch_id)
        if names.get(branch_id):
            lookup.setdefault(branch_key(names[branch_id]), set()).add(branch_id)
    found = {}
    for value in values:
        ids = lookup.get(branch_key(value), set())
        if len(ids) == 1:  # an ambiguous name is not guessed
            found[value] = next(iter(ids))
    if not found:
        return work, []
    work = work.with_columns(
        pl.col("branch_id").replace(list(found), list(found.values())).alias("branch_id")
    )
    return work, [f"{v} → {i}" for v, i in found.items()]


def _closest_branches(
    unknown: list[str], known: list[str], names: dict[str, str], n: int = 3
) -> dict[str, str]:
    """For each unknown value the closest branches ("B001 Osnabrück Nord, …") by id or name
    (the first branches of the list when nothing is close)."""
    labels = {branch_key(b): b for b in known}
    labels.update({branch_key(names[b]): b for b in known if names.get(b)})
    keys = list(labels)
    hints = {}
    for value in unknown:
        close = difflib.get_close_matches(branch_key(value), keys, n=n * 2, cutoff=0.5)
        ids = list(dict.fromkeys(labels[k] for k in close))[:n] or sorted(known)[:n]
        hints[value] = ", ".join(f"{b} {names.get(b, '')}".strip() for b in ids) or "–"
    return hints


# --- numbers ----------------------------------------------------------------------------------


def numeric_fields(work: pl.DataFrame, ctx: Context) -> Checked:
    """The file's decimal mark (given, or detected once over every numeric column and item),
    then each count and amount read in it."""
    numeric = [f for f in ctx.fields.values() if f.type in ("count", "amount", "nonneg_amount")]
    numeric = [f for f in numeric if ctx.resolved.get(f.name)]
    decimal = ctx.decimal
    if decimal is None and (numeric or ctx.items):
        decimal = file_decimal(
            work, [f.name for f in numeric] + [ITEM + i for i in ctx.items], ctx.answers
        )
    out = Checked(work, decided={"decimal": decimal})
    for f in numeric:
        values, problems = _parse_column(out.work, f, ctx.resolved[f.name], decimal)
        out.problems.extend(problems)
        out.work = out.work.with_columns(values.alias(f.name))
    return out


def file_decimal(
    work: pl.DataFrame, cols: list[str], answers: dict[str, pl.DataFrame] | None = None
) -> str | None:
    """The file's decimal mark, detected once over every numeric column (consistent reading).
    ``answers``: the items' distinct answers where already counted (``Context.answers``)."""
    parts = []
    answers = answers or {}
    for c in cols:
        item = c.removeprefix(ITEM) if c.startswith(ITEM) else None
        s = answers[item]["v"] if item in answers else work[c].drop_nulls().unique()
        # whole numbers say nothing; words (Likert answers) are no numbers
        s = s.filter(
            s.str.strip_chars().cast(pl.Int64, strict=False).is_null()
            & s.str.contains(r"^[^\p{L}]*\d[^\p{L}]*$")
        )
        if s.len():
            parts.append(s.head(5000).rename("v"))
    if not parts:
        return None
    return numbers.detect_decimal(pl.concat(parts))


#: A number as the file writes them (its decimal mark), for "expected" in a problem.
NUMBER_LIKE = {",": "1.234,56", ".": "1,234.56", None: "1234"}


def _parse_column(
    work: pl.DataFrame, f: Field, col: str, decimal: str | None
) -> tuple[pl.Series, list[pl.DataFrame]]:
    """Float64 values of a numeric field plus its problems."""
    s = work[f.name]
    fast = s.cast(pl.Int64, strict=False)
    need = s.is_not_null() & fast.is_null()
    values = fast.cast(pl.Float64)
    failed: pl.Series | None = None
    if need.any():
        idx = need.arg_true()
        parsed, fail = numbers.parse_numbers(s.gather(idx), decimal=decimal)
        values = values.scatter(idx, parsed.cast(pl.Float64))
        failed = need.clone().scatter(idx, fail.fill_null(True).cast(pl.Boolean))
    probs: list[pl.DataFrame] = []
    frame = work.select("__row", pl.col(f.name).alias("__raw")).with_columns(values.alias("__val"))
    if failed is not None:
        frame = frame.with_columns(failed.alias("__fail"))
        probs.append(
            row_problems(
                frame, pl.col("__fail"), "not_a_number", col, pl.col("__raw"), NUMBER_LIKE[decimal]
            )
        )
        frame = frame.with_columns(
            pl.when(pl.col("__fail")).then(None).otherwise(pl.col("__val")).alias("__val")
        )
        values = frame["__val"]
    if f.required:
        probs.append(row_problems(frame, pl.col("__raw").is_null(), "missing_value", col))
    # no import field is a percentage (rates are computed from counts and amounts): a value
    # shown as a percentage (typed "12,5 %", or an Excel cell formatted as percent, which the
    # reader writes as Excel shows it) is a rate where a count or an amount belongs
    percent = pl.col("__val").is_not_null() & pl.col("__raw").str.contains(r"%\s*$")
    probs.append(row_problems(frame, percent, "percent_value", col, pl.col("__raw")))
    frame = frame.with_columns(
        pl.when(percent).then(None).otherwise(pl.col("__val")).alias("__val")
    )
    values = frame["__val"]
    if f.type == "count":
        probs.append(
            row_problems(
                frame,
                pl.col("__val").is_not_null() & (pl.col("__val") != pl.col("__val").round(0)),
                "not_an_integer",
                col,
                pl.col("__raw"),
            )
        )
    limit = LIMITS.get(f.name, LIMITS[f.type])
    probs.append(
        row_problems(
            frame,
            ~pl.col("__val").is_finite() | (pl.col("__val").abs() > limit[0]),
            "too_large",
            col,
            pl.col("__raw"),
            limit[1],
        )
    )
    frame = frame.with_columns(
        pl.when(pl.col("__val").is_finite() & (pl.col("__val").abs() <= limit[0]))
        .then(pl.col("__val"))
        .alias("__val")
    )
    values = frame["__val"]
    if f.type in ("count", "nonneg_amount"):
        probs.append(
            row_problems(frame, pl.col("__val") < 0, "negative", col, pl.col("__raw"), "≥ 0")
        )
    return values.rename(f.name), probs


# --- texts ------------------------------------------------------------------------------------


def texts(work: pl.DataFrame, ctx: Context) -> Checked:
    """Every text that would be stored passes :func:`privacy.text_reasons`; an engagement
    file's categories (tenure band, job area) also the distinct-value limit."""
    names = [f.name for f in ctx.fields.values() if f.type == "text" and ctx.resolved.get(f.name)]
    if ctx.kind == "branches" or ctx.new_branches:
        names.insert(0, "branch_id")
    out = Checked(work)
    for name in names:
        category = ctx.kind == "engagement" and name != "branch_id"
        # each distinct text judged once; the rows are looked at only where one is refused
        distinct = work[name].drop_nulls().unique()
        refused = distinct.filter(privacy.text_reasons(distinct, names=category).is_not_null())
        if name == "branch_id" and ctx.kind != "branches":
            refused = refused.filter(refused.is_in(list(ctx.new_branches)))
        if refused.len():
            out.problems.extend(_refused_texts(work, name, ctx, category))
        if category:
            minimum = ctx.min_group_size or config.min_group_size()
            limit = privacy.category_limit(work.height, minimum)
            if distinct.len() > limit:
                out.problems.append(
                    file_problem(
                        "too_many_categories",
                        ctx.resolved[name],
                        value=distinct.len(),
                        expected=limit,
                    )
                )
    return out


def _refused_texts(
    work: pl.DataFrame, name: str, ctx: Context, category: bool
) -> list[pl.DataFrame]:
    """A problem per row whose text in column ``name`` may not be stored, by reason, with the
    column's most frequent accepted texts as examples: only texts that pass the checks and, in
    a survey category, stand in at least two rows (a value given once may be a name the checks
    miss); without such a text the message's own neutral examples (``…_without_examples``)."""
    problems = []
    reasons = privacy.text_reasons(work[name], names=category)
    flagged = work.select("__row", name).with_columns(reasons.alias("__reason"))
    flagged = flagged.filter(pl.col("__reason").is_not_null())
    if name == "branch_id" and ctx.kind != "branches":
        flagged = flagged.filter(pl.col(name).is_in(list(ctx.new_branches)))
    good = (
        work.filter(reasons.is_null())[name]
        .drop_nulls()
        .value_counts(name="__n")
        .filter(pl.col("__n") >= (2 if category else 1))
        .sort(["__n", name], descending=[True, False])
    )
    examples = ", ".join(good[name].head(EXAMPLES).to_list())
    suffix = "" if examples else "_without_examples"
    value = (
        pl.when(pl.col(name).str.len_chars() > SHOWN_TEXT)
        .then(pl.col(name).str.slice(0, SHOWN_TEXT) + pl.lit(" …"))
        .otherwise(pl.col(name))
    )
    given = name == "branch_id" and ctx.resolved.get(name) is None  # one branch for all rows
    for reason in flagged["__reason"].unique(maintain_order=True).to_list():
        if given:  # about the file as a whole: no column, and a branch id is what is expected
            shown = flagged.filter(pl.col("__reason") == reason).select(value).item(0, 0)
            problems.append(file_problem(f"identifying_{reason}{suffix}", value=shown))
            continue
        problems.append(
            row_problems(
                flagged,
                pl.col("__reason") == reason,
                f"identifying_{reason}{suffix}",
                ctx.resolved[name],
                value,
                examples or None,
            )
        )
    return problems


# --- duplicates -------------------------------------------------------------------------------


def duplicates(
    work: pl.DataFrame, keys: list[str], kind: str, column: str | None, value: str
) -> pl.DataFrame:
    """A problem for every later row with the same ``keys`` (the line names the first row)."""
    later = work.filter(pl.col(value).is_not_null() & ~pl.struct(keys).is_first_distinct())
    if later.is_empty():
        return pl.DataFrame(schema=PROBLEM_SCHEMA)
    first = (
        work.join(later.select(keys).unique(), on=keys, how="semi")
        .group_by(keys)
        .agg(pl.col("__row").first().alias("__first"))
    )
    later = later.join(first, on=keys, how="left", nulls_equal=True, maintain_order="left")
    return row_problems(later, pl.lit(True), kind, column, pl.col(value), pl.col("__first"))


def duplicate_branches(work: pl.DataFrame, ctx: Context) -> Checked:
    """One row per branch and wave (per branch in a branch list)."""
    keys = ["branch_id"] if ctx.kind == "branches" else ["wave", "branch_id"]
    return Checked(
        work, [duplicates(work, keys, "duplicate_branch", ctx.branch_column, "branch_id")]
    )


def new_branches_frame(new_branches: Sequence[str]) -> pl.DataFrame:
    """The branches an import adds (``unknown_branches="add"``): the id as their name."""
    new_branches = list(new_branches)
    return pl.DataFrame(
        {
            "branch_id": new_branches,
            "name": new_branches,
            "region": [""] * len(new_branches),
            "format": [""] * len(new_branches),
            "headcount": [0] * len(new_branches),
        },
        schema={
            "branch_id": pl.String,
            "name": pl.String,
            "region": pl.String,
            "format": pl.String,
            "headcount": pl.Int32,
        },
    )
