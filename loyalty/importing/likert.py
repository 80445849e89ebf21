"""Likert answers as text ("Stimme voll zu", "Strongly agree", "5 - trifft voll zu") → numbers.

A value is read, in this order:

1. a whole number (``"4"``, ``" 4 "``, ``"4.0"``, ``"4,0"``) is that number — also outside the
   scale (the validator reports the range);
2. a number in front of a label (``"5 - Stimme voll zu"``, ``"1 = trifft gar nicht zu"``,
   ``"2: disagree"``, ``"3) teils/teils"``) or in brackets behind it (``"Stimme zu (4)"``) is that
   number: the survey tool's own coding wins over our reading of the words;
3. a known label of a five-point scale (``scale_max - scale_min == 4``) or a seven-point scale
   (``== 6``) is its position on the scale, counted from ``scale_min``. Labels are compared
   case-insensitively, with whitespace collapsed, punctuation ignored (``"Teils/teils"`` =
   ``"teils, teils"``) and umlauts written either way (``"ueberhaupt"``). For other scale
   lengths words are not guessed;
4. a non-answer (``"weiß nicht"``, ``"keine Angabe"``, ``"k. A."``, ``"n/a"``,
   ``"don't know"``, ``"prefer not to say"``, punctuation only such as ``"-"``) is missing, like
   an empty cell;
5. anything else is unknown: missing in the result and listed, so the user can fix the file.

On a five-point scale ``"stimme nicht zu"`` and ``"stimme eher nicht zu"`` are both 2 (the two
common German wordings of the same point), likewise ``"stimme zu"``/``"stimme eher zu"`` = 4; on
a seven-point scale they are different points (2/3, 6/5). ``"trifft zu"``/``"trifft nicht zu"``
follow the ``"stimme"`` words.
"""

from __future__ import annotations

import re

import polars as pl

from loyalty.importing.mapping import fold_text

_FIVE: dict[int, tuple[str, ...]] = {
    1: (
        "stimme überhaupt nicht zu",
        "stimme gar nicht zu",
        "stimme ganz und gar nicht zu",
        "stimme absolut nicht zu",
        "trifft überhaupt nicht zu",
        "trifft gar nicht zu",
        "trifft absolut nicht zu",
        "strongly disagree",
        "completely disagree",
        "totally disagree",
    ),
    2: (
        "stimme nicht zu",
        "stimme eher nicht zu",
        "trifft nicht zu",
        "trifft eher nicht zu",
        "trifft wenig zu",
        "disagree",
        "somewhat disagree",
        "tend to disagree",
    ),
    3: (
        "teils teils",
        "teils",
        "weder noch",
        "weder zustimmung noch ablehnung",
        "stimme teilweise zu",
        "stimme teils zu",
        "trifft teilweise zu",
        "trifft teils teils zu",
        "unentschieden",
        "neutral",
        "neither agree nor disagree",
        "neither",
        "undecided",
    ),
    4: (
        "stimme zu",
        "stimme eher zu",
        "trifft zu",
        "trifft eher zu",
        "trifft ziemlich zu",
        "agree",
        "somewhat agree",
        "tend to agree",
    ),
    5: (
        "stimme voll zu",
        "stimme voll und ganz zu",
        "stimme völlig zu",
        "stimme vollkommen zu",
        "stimme absolut zu",
        "trifft voll zu",
        "trifft voll und ganz zu",
        "trifft völlig zu",
        "trifft vollkommen zu",
        "strongly agree",
        "completely agree",
        "totally agree",
    ),
}

_SEVEN: dict[int, tuple[str, ...]] = {
    1: _FIVE[1],
    2: ("stimme nicht zu", "trifft nicht zu", "disagree"),
    3: (
        "stimme eher nicht zu",
        "trifft eher nicht zu",
        "trifft wenig zu",
        "somewhat disagree",
        "tend to disagree",
    ),
    4: _FIVE[3],
    5: (
        "stimme eher zu",
        "trifft eher zu",
        "trifft ziemlich zu",
        "somewhat agree",
        "tend to agree",
    ),
    6: ("stimme zu", "trifft zu", "agree"),
    7: _FIVE[5],
}

#: Answers that mean "no answer": missing, not unknown.
NON_ANSWERS = (
    "weiß nicht",
    "weiss nicht",
    "keine angabe",
    "k a",
    "ka",
    "keine antwort",
    "kann ich nicht beurteilen",
    "nicht beurteilbar",
    "don't know",
    "dont know",
    "do not know",
    "prefer not to say",
    "prefer not to answer",
    "no answer",
    "n a",
    "not applicable",
)

_WHOLE = re.compile(r"^[+-]?\d+(?:[.,]0+)?$")
_LEADING = re.compile(r"^\s*([+-]?\d+)\s*(?:[-–—=:.)]|\s)\s*\D")
_TRAILING = re.compile(r"\(\s*([+-]?\d+)\s*\)\s*$")


def _key(label: str) -> str:
    """The comparison form of a label: folded, umlauts written out, punctuation → spaces."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold_text(label).replace("'", "")).split())


def _table(points: dict[int, tuple[str, ...]]) -> dict[str, int]:
    return {_key(label): value for value, labels in points.items() for label in labels}


_TABLES = {4: _table(_FIVE), 6: _table(_SEVEN)}
_NON_ANSWER_KEYS = frozenset(_key(label) for label in NON_ANSWERS)


def label_value(label: str, scale_min: int, scale_max: int) -> int | None | str:
    """One label: its number, ``None`` for a non-answer, or the string ``"unknown"``."""
    text = label.strip()
    if not text:
        return None
    if _WHOLE.match(text):
        return int(re.split(r"[.,]", text)[0])
    match = _LEADING.match(text) or _TRAILING.search(text)
    if match:
        return int(match.group(1))
    key = _key(text)
    if not key or key in _NON_ANSWER_KEYS:
        return None
    position = _TABLES.get(scale_max - scale_min, {}).get(key)
    if position is None:
        return "unknown"
    return scale_min + position - 1


def likert_to_numbers(
    series: pl.Series, scale_min: int, scale_max: int
) -> tuple[pl.Series, list[str]]:
    """(Int64 answers, unknown labels in order of first appearance) for one item column.

    Each distinct value is looked at once and the column is mapped with ``replace_strict``, so a
    million rows with five labels cost five look-ups.
    """
    if series.dtype != pl.String:
        series = series.cast(pl.String)
    distinct = series.drop_nulls().unique(maintain_order=True).to_list()
    old: list[str] = []
    new: list[int | None] = []
    unknown: list[str] = []
    for label in distinct:
        value = label_value(label, scale_min, scale_max)
        if value == "unknown":
            unknown.append(label)
            value = None
        old.append(label)
        new.append(value)  # type: ignore[arg-type]
    values = series.replace_strict(old, new, default=None, return_dtype=pl.Int64)
    return values.alias(series.name), unknown


# --- five or seven points ------------------------------------------------------------------------

#: Words that are one point on a five-point scale but two on a seven-point one: a column using
#: both words of a pair is on a seven-point scale.
_SEVEN_PAIRS = tuple(
    (frozenset(_key(w) for w in plain), frozenset(_key(w) for w in softer))
    for plain, softer in (
        (("stimme zu",), ("stimme eher zu",)),
        (("stimme nicht zu",), ("stimme eher nicht zu",)),
        (("trifft zu",), ("trifft eher zu", "trifft ziemlich zu")),
        (("trifft nicht zu",), ("trifft eher nicht zu", "trifft wenig zu")),
        (("agree",), ("somewhat agree", "tend to agree")),
        (("disagree",), ("somewhat disagree", "tend to disagree")),
    )
)
_TOP = frozenset(_key(w) for w in _FIVE[5])
_NUMBER_PREFIX = re.compile(r"^\s*[+-]?\d+\s*[-–—=:.)]?\s*")
#: A column of plain numbers needs this many answers before "never above 5" counts as a
#: five-point scale (only ever compared with seven-point columns of the same file).
FIVE_POINT_MIN_ANSWERS = 20


def scale_evidence(
    values: list[str], scale_min: int = 1, *, numbers: bool = True
) -> dict[int, str]:
    """What one column's distinct answers say about its scale: ``{7: example}`` when they show
    seven points (a number 6 or 7 above ``scale_min - 1``, a label numbered so, or both words
    of a pair such as "stimme zu" and "stimme eher zu"), ``{5: example}`` when a label puts the
    top answer on 5 ("5 - stimme voll zu", "Strongly agree (5)"); both for a column that mixes
    them, empty when the answers do not tell. ``example`` is the answer as written.
    ``numbers=False`` leaves plain numbers out (labels only)."""
    found: dict[int, str] = {}
    keys: dict[str, str] = {}
    for raw in values:
        text = raw.strip()
        if not text:
            continue
        if _WHOLE.match(text):
            point = int(re.split(r"[.,]", text)[0]) - scale_min + 1
            if point in (6, 7) and numbers:
                found.setdefault(7, text)
            continue
        leading = _LEADING.match(text)
        match = leading or _TRAILING.search(text)
        if match:
            point = int(match.group(1)) - scale_min + 1
            label = _NUMBER_PREFIX.sub("", text) if leading else text[: match.start()]
            rest = _key(label)
            if point in (6, 7):
                found.setdefault(7, text)
            elif point == 5 and rest in _TOP:
                found.setdefault(5, text)
            continue
        keys.setdefault(_key(text), text)
    for plain, softer in _SEVEN_PAIRS:
        a = next((keys[k] for k in plain if k in keys), None)
        b = next((keys[k] for k in softer if k in keys), None)
        if a and b:
            found.setdefault(7, f"{b} / {a}")
    return found
