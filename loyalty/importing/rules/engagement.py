"""Rules of an engagement survey: its item columns, the answers' scales and scores, empty and
duplicate responses, the warnings about the data, and the frames it stores."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import polars as pl

from loyalty import confidentiality, config
from loyalty.importing import likert, numbers
from loyalty.importing.instrument import Instrument
from loyalty.importing.mapping import normalise_header
from loyalty.importing.rules.base import (
    ITEM,
    REPORT_LIMIT,
    Checked,
    Context,
    Notice,
    file_problem,
    row_problems,
    short_list,
    wave_period,
)
from loyalty.importing.rules.common import duplicates

#: Every problem kind these rules raise (``import.problem.<code>`` in both languages).
CODES = (
    "no_instrument",
    "no_item_columns",
    "scale_seven_points",
    "scale_five_points",
    "out_of_range",
    "between_scale_points",
    "unknown_label",
    "duplicate_respondent",
)
#: Every note (``import.warning.<code>``) these rules give.
NOTES = (
    "items_missing",
    "empty_responses",
    "duplicate_rows",
    "small_branches",
    "skipped_dimensions",
    "dimension_left_out",
    "no_dimension_asked",
    "more_responses_than_staff",
    "response_rate_drop",
)
#: How much lower a wave's response rate may be than the previous wave's before a warning.
RESPONSE_RATE_DROP = 0.7

# --- item columns -----------------------------------------------------------------------------

_MATRIX_BRACKETS = re.compile(r"\[([^\[\]]+)\]\s*$")


def _wordings(text: str) -> list[str]:
    """A heading or question text and, for matrix questions, its statement: the part after the
    last " - " (Qualtrics, SurveyMonkey) or in trailing brackets (LimeSurvey)."""
    found = [text]
    if " - " in text:
        found.append(text.rsplit(" - ", 1)[1])
    m = _MATRIX_BRACKETS.search(text)
    if m:
        found.append(m.group(1))
    return found


def match_items(
    columns: Sequence[str],
    instrument: Instrument,
    *,
    mapping: dict[str, str | None] | None = None,
    question_texts: dict[str, str] | None = None,
    taken: Iterable[str] = (),
) -> dict[str, str]:
    """item_id → column. An explicit mapping entry keyed by the item id wins; else a column
    whose header is the item id, or whose header or question text is the item's wording (either
    language) — for matrix questions the statement after " - " or in trailing "[…]" — compared
    after :func:`normalise_header`. Nothing else is guessed."""
    mapping = mapping or {}
    question_texts = question_texts or {}
    used = set(taken)
    found: dict[str, str] = {}
    for item in instrument.items:
        col = mapping.get(item.item_id)
        if col and col in columns:
            found[item.item_id] = col
            used.add(col)
    by_id: dict[str, str] = {}
    by_text: dict[str, str] = {}
    for col in columns:
        if col in used:
            continue
        by_id.setdefault(normalise_header(col), col)
        for text in (col, question_texts.get(col) or ""):
            for wording in _wordings(text) if text else ():
                key = normalise_header(wording)
                if key:
                    by_text.setdefault(key, col)
    for item in instrument.items:
        if item.item_id in found:
            continue
        candidates = [by_id.get(normalise_header(item.item_id))]
        candidates += [by_text.get(normalise_header(w)) for w in (item.text_de, item.text_en)]
        for col in candidates:
            if col and col not in used:
                found[item.item_id] = col
                used.add(col)
                break
    return found


def item_columns(
    columns: Sequence[str],
    instrument: Instrument | None,
    mapping: dict[str, str | None],
    question_texts: dict[str, str] | None,
    taken: list[str],
    wave: str,
) -> tuple[dict[str, str], Instrument | None, list[pl.DataFrame], list[Notice]]:
    """(item → column, the instrument's part the file answers, problems, notes): a survey
    needs its questionnaire and at least one of its items."""
    if instrument is None:
        return {}, None, [file_problem("no_instrument", value=wave)], []
    items = match_items(
        columns, instrument, mapping=mapping, question_texts=question_texts, taken=taken
    )
    problems, notes = [], []
    if not items:
        problems.append(
            file_problem("no_item_columns", expected=short_list(instrument.item_ids, 8))
        )
    missing = [i for i in instrument.item_ids if i not in items]
    if items and missing:
        notes.append(Notice("items_missing", {"items": short_list(missing)}))
    return items, instrument.subset(list(items)), problems, notes


# --- answers ----------------------------------------------------------------------------------


def answers(work: pl.DataFrame, ctx: Context) -> Checked:
    """Each item's distinct answers as written, with how often each was given, counted in one
    pass over every item column (``Context.answers``): the rules after it (the decimal mark,
    the scales, the scores) judge these few values instead of every cell."""
    if not ctx.items:
        return Checked(work)
    counted = work.select(
        pl.col(ITEM + i).drop_nulls().value_counts(name="n").implode().alias(i) for i in ctx.items
    )
    found = {
        i: counted[i].explode().struct.unnest().rename({ITEM + i: "v"}).sort("v") for i in ctx.items
    }
    return Checked(work, decided={"answers": found})


def _in_file_order(work: pl.DataFrame, item_id: str) -> pl.DataFrame:
    """One item's distinct answers (``v``, ``n``) in the order the file first gives them."""
    return (
        work.select(pl.col(ITEM + item_id).alias("v"))
        .drop_nulls()
        .group_by("v", maintain_order=True)
        .len("n")
    )


def _evidence(answers: pl.DataFrame, scale_min: int, seven: bool) -> dict[int, str]:
    """:func:`likert.scale_evidence` over distinct answers (``v``, ``n``), stripped."""
    stripped = answers.group_by(pl.col("v").str.strip_chars(), maintain_order=True).agg(
        pl.col("n").sum()
    )
    return likert.scale_evidence(stripped["v"].to_list(), scale_min, numbers=seven)


def scales(work: pl.DataFrame, ctx: Context) -> Checked:
    """Five- and seven-point answers mixed in one file (two surveys pasted together, an item
    set up differently in the survey tool). On the same words the two scales differ ("stimme
    eher zu" is 4 of 5 but 5 of 7), so such a file would be read wrong without a word. Refused:
    on a five-point questionnaire every column whose labels show seven points
    (:func:`likert.scale_evidence`; a plain 6 or 7 is out of range there anyway, reported per
    cell); on a seven-point one, when some columns show seven
    points, every column that shows five (a numbered label "5 - stimme voll zu", or at least
    :data:`likert.FIVE_POINT_MIN_ANSWERS` numbers none above 5)."""
    instrument, items = ctx.instrument, ctx.items
    evidence: dict[str, dict[int, str]] = {}
    capped: dict[str, int] = {}
    for item_id in items:
        item = instrument.item(item_id)
        if item.scale_max - item.scale_min not in (4, 6):
            continue
        # each distinct answer once, with how often it was given
        answers = ctx.answers[item_id]
        # on a five-point questionnaire a plain 6 or 7 is already out of range, cell by cell
        seven = item.scale_max - item.scale_min == 6
        evidence[item_id] = _evidence(answers, item.scale_min, seven)
        whole = answers.select(
            pl.col("v").str.strip_chars().cast(pl.Int64, strict=False), "n"
        ).drop_nulls("v")
        if whole["n"].sum() >= likert.FIVE_POINT_MIN_ANSWERS and (
            whole["v"].max() <= item.scale_min + 4
        ):
            capped[item_id] = int(whole["v"].max())
    seven_somewhere = any(7 in e for e in evidence.values())
    out = Checked(work)
    for item_id, found in evidence.items():
        item = instrument.item(item_id)
        expected = f"{item.scale_min}–{item.scale_max}"
        if item.scale_max - item.scale_min == 4 and 7 in found:
            kind, example = "scale_seven_points", found[7]
        elif (
            item.scale_max - item.scale_min == 6
            and seven_somewhere
            and 7 not in found
            and (5 in found or item_id in capped)
        ):
            kind, example = "scale_five_points", found.get(5)
        else:
            continue
        if example is None:  # plain numbers, none above 5: the column as a whole
            out.problems.append(file_problem(kind, items[item_id], capped[item_id], expected))
            continue
        # the example the report names: the first such answer in the file
        seven = item.scale_max - item.scale_min == 6
        first = _evidence(_in_file_order(work, item_id), item.scale_min, seven)
        example = first.get(7 if kind == "scale_seven_points" else 5, example)
        needle = example.split(" / ")[0]
        rows = work.filter(pl.col(ITEM + item_id).str.strip_chars() == needle)["__row"]
        row = rows[0] if rows.len() else None
        out.problems.append(file_problem(kind, items[item_id], example, expected, row=row))
    return out


def scores(work: pl.DataFrame, ctx: Context) -> Checked:
    """Each item's answers as scores (numbers or the scale's words), decided once per distinct
    answer; every item column is replaced in one pass."""
    out = Checked(work)
    columns = []
    for item_id, col in ctx.items.items():
        uniques = ctx.answers[item_id]["v"]
        values, problems = _item_scores(work, item_id, col, ctx.instrument, ctx.decimal, uniques)
        out.problems.extend(problems)
        columns.append(values.alias(ITEM + item_id))
    out.work = work.with_columns(columns)
    return out


def _item_scores(
    work: pl.DataFrame,
    item_id: str,
    col: str,
    instrument: Instrument,
    decimal: str | None,
    uniques: pl.Series,
) -> tuple[pl.Expr, list[pl.DataFrame]]:
    """Scores of one item (an Int16 expression) plus problems, decided once per distinct
    answer (``uniques``, the item's distinct answers as written)."""
    item = instrument.item(item_id)
    lo, hi = item.scale_min, item.scale_max
    name = ITEM + item_id
    stripped = uniques.str.strip_chars()
    ints = stripped.cast(pl.Int64, strict=False)
    score: dict[str, int | None] = {}
    kinds: dict[str, str | None] = {}
    rest: list[tuple[str, str]] = []  # (raw, stripped) that are not plain whole numbers
    for raw, value, number in zip(
        uniques.to_list(), stripped.to_list(), ints.to_list(), strict=True
    ):
        if value == "":
            score[raw], kinds[raw] = None, None
        elif number is not None:
            score[raw] = number
            kinds[raw] = None if lo <= number <= hi else "out_of_range"
        else:
            rest.append((raw, value))
    if rest:
        parsed, fail = numbers.parse_numbers(
            pl.Series("v", [v for _, v in rest], pl.String), decimal=decimal
        )
        texts = []
        for (raw, value), number, bad in zip(
            rest, parsed.to_list(), fail.fill_null(True).to_list(), strict=True
        ):
            if bad or number is None:
                texts.append((raw, value))
            elif float(number) != round(float(number)):
                score[raw], kinds[raw] = None, "between_scale_points"
            else:
                score[raw] = int(round(float(number)))
                kinds[raw] = None if lo <= score[raw] <= hi else "out_of_range"
        if texts:
            labels, unknown = likert.likert_to_numbers(
                pl.Series("v", [v for _, v in texts], pl.String), lo, hi
            )
            unknown_set = set(unknown)
            for (raw, value), number in zip(texts, labels.to_list(), strict=True):
                if value in unknown_set:
                    score[raw], kinds[raw] = None, "unknown_label"
                elif number is None:  # a non-answer ("weiß nicht"): missing, like an empty cell
                    score[raw], kinds[raw] = None, None
                else:
                    score[raw] = int(number)
                    kinds[raw] = None if lo <= number <= hi else "out_of_range"
    keys = list(score)
    bad_keys = [k for k in keys if kinds[k] is not None]
    probs: list[pl.DataFrame] = []
    if bad_keys:
        frame = work.select("__row", pl.col(name).alias("__raw")).filter(
            pl.col("__raw").is_in(pl.Series(bad_keys, dtype=pl.String).implode())
        )
        frame = frame.with_columns(
            pl.col("__raw")
            .replace_strict(bad_keys, [kinds[k] for k in bad_keys], return_dtype=pl.String)
            .alias("__kind")
        )
        expected = f"{lo}–{hi}"
        probs = [
            row_problems(
                frame,
                pl.col("__kind") == k,
                k,
                col,
                pl.col("__raw").str.strip_chars(),
                expected,
            )
            for k in ("out_of_range", "between_scale_points", "unknown_label")
            if k in kinds.values()
        ]
    good = [k for k in keys if kinds[k] is None]
    if len(good) == len(keys) and all(k == str(score[k]) for k in keys):
        # every answer a plain whole number on the scale: the cast reads them all alike
        return pl.col(name).cast(pl.Int16), probs
    values = pl.col(name).replace_strict(
        good, [score[k] for k in good], default=None, return_dtype=pl.Int16
    )
    return values, probs


def empty_responses(work: pl.DataFrame, ctx: Context) -> Checked:
    """Rows without a single answer are skipped with a note (not stored, not a problem)."""
    item_cols = [ITEM + i for i in ctx.items]
    if not item_cols:
        return Checked(work)
    empty = pl.all_horizontal(pl.col(c).is_null() for c in item_cols)
    empty_rows = work.filter(empty)["__row"]
    if not empty_rows.len():
        return Checked(work)
    note = Notice(
        "empty_responses",
        {"count": empty_rows.len(), "rows": short_list(empty_rows.head(10), 10)},
    )
    return Checked(work.filter(~empty), notes=[note], skipped=empty_rows.len())


def duplicate_responses(work: pl.DataFrame, ctx: Context) -> Checked:
    """With a respondent id, a second row of the same id in a wave is a problem; without one,
    identical rows are only a note (two colleagues may honestly answer alike)."""
    if ctx.resolved.get("respondent_id"):
        problem = duplicates(
            work,
            ["wave", "respondent_id"],
            "duplicate_respondent",
            ctx.resolved["respondent_id"],
            "respondent_id",
        )
        return Checked(work, [problem])
    content = [c for c in work.columns if c != "__row"]
    dup = work.select(pl.struct(content).is_first_distinct().not_().alias("d"))["d"]
    dup_rows = work.filter(dup)["__row"]
    if not dup_rows.len():
        return Checked(work)
    note = Notice(
        "duplicate_rows", {"count": dup_rows.len(), "rows": short_list(dup_rows.head(10), 10)}
    )
    return Checked(work, notes=[note])


# --- after the checks -------------------------------------------------------------------------


@dataclass(frozen=True)
class Counted:
    """A valid survey as its engagement figures will count it: ``work`` with ``__skipped``
    (:func:`_skipped_a_dimension`), ``asked`` (:func:`_asked`) and ``counts``, per wave and
    branch ``n`` (rows) and ``counted`` (the respondents the figures count), as
    :func:`counted_by_branch` counts a stored version."""

    work: pl.DataFrame
    asked: pl.DataFrame
    counts: pl.DataFrame


def survey_counts(work: pl.DataFrame, ctx: Context) -> Counted:
    index = _index_columns(ctx)
    answered = _answered(work, index)
    asked = _asked(answered)
    work = work.with_columns(_skipped_a_dimension(answered, asked))
    # without an item of the index in the file nobody counts (the branch table has no rows),
    # though nobody skipped a dimension either (no note says so)
    counted = (~pl.col("__skipped")).sum() if index else pl.lit(0, pl.UInt32)
    counts = (
        work.group_by("wave", "branch_id")
        .agg(pl.len().alias("n"), counted.alias("counted"))
        .sort("wave", "branch_id")
    )
    return Counted(work, asked, counts)


def data_notes(work: pl.DataFrame, ctx: Context, counted: Counted) -> list[Notice]:
    """Warnings about a valid survey (``counted``: :func:`survey_counts` of ``work``): branches
    below the group size, more responses than staff, a response rate well below the previous
    wave's."""
    notes: list[Notice] = []
    minimum = ctx.min_group_size or config.min_group_size()
    work, asked, counts = counted.work, counted.asked, counted.counts
    small = counts.filter(pl.col("counted") < minimum)  # what the branch table will count
    single_wave = counts["wave"].n_unique() == 1
    if small.height:
        notes.append(
            Notice(
                "small_branches",
                {
                    "count": small.height,
                    "min": minimum,
                    "branches": short_list(
                        (
                            f"{b} ({n})" if single_wave else f"{b}/{w} ({n})"
                            for w, b, n in small.head(REPORT_LIMIT)
                            .select("wave", "branch_id", "counted")
                            .iter_rows()
                        ),
                        total=small.height,
                    ),
                },
            )
        )
    notes += _left_out(asked, ctx)
    skipped = work.filter("__skipped")["__row"]
    if skipped.len():
        notes.append(
            Notice(
                "skipped_dimensions",
                {"count": skipped.len(), "rows": short_list(skipped.head(10), 10)},
            )
        )
    headcounts = ctx.headcounts
    if headcounts is None or headcounts.is_empty():
        return notes
    heads = headcounts.select("branch_id", pl.col("headcount").cast(pl.Int64))
    over = counts.join(heads, on="branch_id", how="inner").filter(
        (pl.col("headcount") > 0) & (pl.col("n") > pl.col("headcount"))
    )
    if over.height:
        notes.append(
            Notice(
                "more_responses_than_staff",
                {
                    "count": over.height,
                    "branches": short_list(
                        (
                            f"{b} ({n}/{h})" if single_wave else f"{b}/{w} ({n}/{h})"
                            for w, b, n, h in over.head(REPORT_LIMIT)
                            .select("wave", "branch_id", "n", "headcount")
                            .iter_rows()
                        ),
                        total=over.height,
                    ),
                },
            )
        )
    total_staff = int(heads["headcount"].sum() or 0)
    if total_staff > 0:
        notes.extend(_response_rate_drops(counts, total_staff, ctx.wave_history))
    return notes


def _index_columns(ctx: Context) -> dict[str, list[str]]:
    """Index dimension → the working frame's columns of its items in the file."""
    columns: dict[str, list[str]] = {}
    for item in ctx.instrument.items if ctx.instrument is not None else ():
        if item.in_index and item.item_id in ctx.items:
            columns.setdefault(item.dimension_id, []).append(ITEM + item.item_id)
    return columns


#: The column of a dimension in :func:`_answered`'s and :func:`_asked`'s frames.
_DIM = "__dim "


def _answered(work: pl.DataFrame, columns: dict[str, list[str]]) -> pl.DataFrame:
    """Per row of ``work``: its wave and, per index dimension (column ``_DIM + id``), whether
    it answered any of the dimension's items."""
    return work.select(
        "wave",
        *(
            pl.any_horizontal(pl.col(c).is_not_null() for c in cols).alias(_DIM + d)
            for d, cols in columns.items()
        ),
    )


def _asked(answered: pl.DataFrame) -> pl.DataFrame:
    """Per wave: per index dimension (column ``_DIM + id``) whether the wave asked it — at
    least :data:`loyalty.confidentiality.ASKED_SHARE` of its rows with an index answer
    answered it, as :func:`loyalty.analysis.respondent_engagement` decides — and (the same
    name ending in ``" any"``) whether any row answered it. One pass over the rows; the rest
    is a row per wave."""
    dims = answered.columns[1:]
    if not dims:
        return answered.select("wave").unique()
    share = confidentiality.ASKED_SHARE
    counts = answered.group_by("wave").agg(
        pl.any_horizontal(dims).sum().alias("__rows"), *(pl.col(d).sum() for d in dims)
    )
    return counts.select(
        "wave",
        *((pl.col(d) >= share * pl.col("__rows")).alias(d) for d in dims),
        *((pl.col(d) > 0).alias(d + " any") for d in dims),
    ).sort("wave")


def _skipped_a_dimension(answered: pl.DataFrame, asked: pl.DataFrame) -> pl.Series:
    """``__skipped``, per row: True without an answer to an index dimension its wave asked
    (:func:`_asked`), or in a wave that asked none: stored, but counted in no engagement
    figure."""
    dims = answered.columns[1:]
    if not dims:
        return pl.Series("__skipped", [False] * answered.height, dtype=pl.Boolean)
    was_asked = asked.select("wave", *(pl.col(d).alias(d + " asked") for d in dims))
    rows = answered.join(was_asked, on="wave", how="left", nulls_equal=True, maintain_order="left")
    none_asked = ~pl.any_horizontal(pl.col(d + " asked") for d in dims)
    skipped = none_asked | pl.any_horizontal(pl.col(d + " asked") & ~pl.col(d) for d in dims)
    return rows.select(skipped.alias("__skipped")).to_series()


def counted_by_branch(
    responses: pl.DataFrame, scores: pl.DataFrame, index: dict[str, str]
) -> pl.DataFrame:
    """Per branch of ``responses`` (``response_id``, ``wave``, ``branch_id``): ``n``, its
    rows, and ``counted``, the respondents its engagement figures count — an answer in every
    index dimension their wave asked (:func:`_asked`, :func:`_skipped_a_dimension`). ``scores``:
    the answers (``response_id``, ``item_id``); ``index``: item id → dimension of the items
    in the index. For a file's frames and for a stored version's rows alike."""
    dims = sorted(set(index.values()))
    if not dims:  # no item of the index: nobody counts (the branch table has no rows)
        return responses.group_by("branch_id").agg(
            pl.len().alias("n"), pl.lit(0, pl.UInt32).alias("counted")
        )
    dim = pl.col("item_id").cast(pl.String).replace_strict(index, default=None)
    answered = (
        scores.select("response_id", dim.alias("dim"))
        .filter(pl.col("dim").is_not_null())
        .group_by("response_id")
        .agg(  # True where answered, null where not (as a file's empty cells)
            pl.when((pl.col("dim") == d).any()).then(True).alias(_DIM + d) for d in dims
        )
    )
    work = responses.select("response_id", "wave", "branch_id").join(
        answered, on="response_id", how="left", maintain_order="left"
    )
    rows = _answered(work, {d: [_DIM + d] for d in dims})
    work = work.with_columns(_skipped_a_dimension(rows, _asked(rows)))
    return work.group_by("branch_id").agg(
        pl.len().alias("n"), (~pl.col("__skipped")).sum().alias("counted")
    )


def _left_out(asked: pl.DataFrame, ctx: Context) -> list[Notice]:
    """Index dimensions some but fewer than :data:`ASKED_SHARE` of a wave's rows answered
    (:func:`_asked`): left out of that wave's engagement figures; a wave left with none gets
    none (said apart, naming the wave)."""
    dims = [c for c in asked.columns[1:] if not c.endswith(" any")]
    if not dims:
        return []
    flags = asked.select(
        "wave",
        *((pl.col(d + " any") & ~pl.col(d)).alias(d) for d in dims),
        pl.any_horizontal(dims).alias("__asked"),
    )
    names = {d.dimension_id: d for d in ctx.instrument.dimensions}
    several = flags.height > 1
    left: dict[str, list[str]] = {"de": [], "en": []}
    for row in flags.filter("__asked").iter_rows(named=True):
        for column in dims:
            if row[column]:
                d = column.removeprefix(_DIM)
                for lang in left:
                    name = getattr(names[d], f"name_{lang}") if d in names else d
                    left[lang].append(f"{name} ({row['wave']})" if several else name)
    share = round(100 * confidentiality.ASKED_SHARE)
    notes = []
    if left["de"]:
        langs = {lang: ", ".join(found) for lang, found in left.items()}
        notes.append(Notice("dimension_left_out", {"share": share, "dims": langs}))
    answered = flags.filter(~pl.col("__asked") & pl.any_horizontal(dims))["wave"]
    if answered.len():  # answers to the index, but no dimension enough of them
        notes.append(
            Notice(
                "no_dimension_asked",
                {"share": share, "count": answered.len(), "waves": ", ".join(answered)},
            )
        )
    return notes


def _response_rate_drops(
    counts: pl.DataFrame, total_staff: int, wave_history: pl.DataFrame | None
) -> list[Notice]:
    """The file's waves replace their stored counts; a wave is compared with the one before
    it, stored or in the same file."""
    per_wave = counts.group_by("wave").agg(pl.col("n").sum().alias("responses"))
    dates = {}
    if wave_history is not None:
        dates = dict(zip(wave_history["wave"], wave_history["start_date"], strict=True))
    starts = []
    for w in per_wave["wave"]:
        period = wave_period(w)
        starts.append(dates.get(w) or (period[1] if period else None))
    file_waves = per_wave.with_columns(pl.Series("start_date", starts, dtype=pl.Date))
    stored = (
        wave_history.filter(~pl.col("wave").is_in(file_waves["wave"].implode())).select(
            "wave", pl.col("start_date").cast(pl.Date), pl.col("responses").cast(pl.Int64)
        )
        if wave_history is not None and not wave_history.is_empty()
        else pl.DataFrame(schema={"wave": pl.String, "start_date": pl.Date, "responses": pl.Int64})
    )
    timeline = (
        pl.concat(
            [
                stored.with_columns(pl.lit(False).alias("in_file")),
                file_waves.select(
                    "wave", "start_date", pl.col("responses").cast(pl.Int64)
                ).with_columns(pl.lit(True).alias("in_file")),
            ]
        )
        .filter(pl.col("start_date").is_not_null() & (pl.col("responses") > 0))
        .sort("start_date")
    )
    rows = timeline.rows(named=True)
    notes = []
    for prev, cur in zip(rows, rows[1:], strict=False):
        if not cur["in_file"]:
            continue
        rate, prev_rate = cur["responses"] / total_staff, prev["responses"] / total_staff
        if rate < RESPONSE_RATE_DROP * prev_rate:
            notes.append(
                Notice(
                    "response_rate_drop",
                    {
                        "wave": cur["wave"],
                        "rate": round(100 * rate),
                        "previous": prev["wave"],
                        "previous_rate": round(100 * prev_rate),
                    },
                )
            )
    return notes


def frames(work: pl.DataFrame, ctx: Context) -> dict[str, pl.DataFrame]:
    """responses (one per person, numbered per wave) and scores (one per answered item)."""
    if work["wave"].n_unique() > 1:  # each wave's response ids form one range
        work = work.sort("wave", maintain_order=True)
    work = work.with_columns(pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("response_id"))
    resolved = ctx.resolved
    codes = pl.Enum(list(ctx.items))  # the item ids, each row holding its code
    return {
        "responses": work.select(
            "response_id",
            "wave",
            "branch_id",
            (
                pl.col("tenure_band") if resolved.get("tenure_band") else pl.lit(None, pl.String)
            ).alias("tenure_band"),
            (pl.col("role") if resolved.get("role") else pl.lit(None, pl.String)).alias("role"),
        ),
        "scores": pl.concat(
            [
                work.select(
                    "response_id",
                    pl.lit(item_id, codes).alias("item_id"),
                    pl.col(ITEM + item_id).alias("score"),
                ).filter(pl.col("score").is_not_null())
                for item_id in ctx.items
            ]
        ),
    }
