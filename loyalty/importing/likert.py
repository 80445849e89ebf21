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
