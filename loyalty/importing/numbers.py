"""Numbers as people type them: German ``1.234,56``, English ``1,234.56``, ``12,5 %``, ``−3``.

Rules (the same for :func:`parse_number` and the vectorised :func:`parse_numbers`):

* Surrounding whitespace, a percent sign and a currency (``€``, ``EUR``, ``$``, ``USD``, ``£``,
  ``CHF``) before or after the number are ignored: ``"12,5 %"`` is 12.5 (not 0.125), and
  ``"1.234,56 €"`` is 1234.56.
* Signs: ``-`` or the Unicode minus ``−`` (and the en dash ``–``) in front, a ``+`` in front, a
  minus *behind* the number (``"1.234,56-"``, as SAP exports it) and accounting parentheses
  (``"(1.234,56)"``) are all negative.
* The decimal mark is ``","`` or ``"."``. The other one, a space (also no-break U+00A0, narrow
  no-break U+202F, thin U+2009, figure U+2007) and an apostrophe (``'`` or ``’``, Swiss) group
  thousands — only in groups of exactly three digits: with decimal ``","`` the text ``"1.5"`` is
  *not* a number (a failure the validator reports), never silently 15.
* An exponent is allowed after the mantissa: ``"3e2"`` = 300, ``"1,5E+03"`` = 1500.
* Not numbers: ``"inf"``, ``"nan"``, anything overflowing to infinity, text.
* Empty or blank text is missing (``None``), not a failure.

The decimal mark of a column comes from :func:`detect_decimal`. The ambiguous case is a single
separator followed by exactly three digits (``"1.234"``, ``"1,234"``): it is read as a
*thousands* separator unless other values of the column show it to be the decimal mark — with
many values, always exactly three decimals would be a coincidence, while three-digit groups are
the rule. ``parse_number`` without ``decimal`` applies the same detection to its single value, so
``parse_number("1.234") == 1234.0`` and ``parse_number("1,5") == 1.5``.
"""

from __future__ import annotations

import polars as pl

_SPACES = "\u0020\u00a0\u202f\u2009\u2007"
_APOSTROPHES = "'\u2019"
_GROUPING = {",": "." + _SPACES + _APOSTROPHES, ".": "," + _SPACES + _APOSTROPHES}
_CURRENCY = r"(?:€|EUR|\$|USD|£|CHF)"
_EXPONENT = r"(?:[eE][+-]?\d+)?"


def _class(chars: str) -> str:
    return "[" + "".join("\\" + c if c in r"\]^-[" else c for c in chars) + "]"


def _pattern(decimal: str) -> str:
    group = _class(_GROUPING[decimal])
    dec = "\\" + decimal
    integer = rf"(?:\d{{1,3}}(?:{group}\d{{3}})+|\d+)"
    return rf"^-?(?:{integer}(?:{dec}\d*)?|{dec}\d+){_EXPONENT}$"


_PATTERNS = {d: _pattern(d) for d in (",", ".")}
#: detect_decimal looks at this many distinct values, the first ones in the column's order.
_DETECT_SAMPLE = 20_000


def _cleaned(expr: pl.Expr) -> pl.Expr:
    """Whitespace, percent and currency off; every sign convention turned into a leading '-'."""
    e = expr.str.strip_chars()
    e = e.str.replace_all("[\u2212\u2013]", "-")
    e = e.str.replace(rf"^{_CURRENCY}\s*", "").str.replace(rf"\s*(?:%|{_CURRENCY})$", "")
    e = e.str.replace(rf"^([-+]?)\s*{_CURRENCY}\s*", "$1")  # "-€ 3", "+ EUR 3"
    e = e.str.replace(r"^\((.+)\)$", "-$1")
    e = e.str.replace(r"^([^-].*\d)-$", "-$1")
    e = e.str.replace(r"^\+", "").str.replace(r"^-\s+", "-")
    return e.str.strip_chars()


def parse_numbers(series: pl.Series, decimal: str | None = None) -> tuple[pl.Series, pl.Series]:
    """Parse a column of text: (Float64 values, Boolean failure mask) of the same length.

    ``decimal`` is ``","`` or ``"."``; ``None`` detects it from the column
    (:func:`detect_decimal`). A value fails if it is present (not blank) and not a number
    under the module's rules; failed and missing values are null in the result.
    """
    if series.dtype != pl.String:
        series = series.cast(pl.String)
    if decimal is None:
        decimal = detect_decimal(series)
    if decimal not in _PATTERNS:
        raise ValueError(f"decimal must be ',' or '.', not {decimal!r}")
    head = series.head(10_000)
    if series.len() > 1_000 and head.n_unique() * 4 < head.len():
        # few distinct values (scores, codes): parse each once, then map the column
        distinct = series.unique()
        values, failed = _parse(distinct, decimal)
        return (
            series.replace_strict(distinct, values, default=None, return_dtype=pl.Float64),
            series.replace_strict(distinct, failed, default=False, return_dtype=pl.Boolean).alias(
                "failed"
            ),
        )
    return _parse(series, decimal)


def _parse(series: pl.Series, decimal: str) -> tuple[pl.Series, pl.Series]:
    frame = pl.DataFrame({"raw": series})
    group = _class(_GROUPING[decimal])
    canonical = pl.col("clean").str.replace_all(group, "").str.replace(decimal, ".", literal=True)
    out = (
        frame.with_columns(_cleaned(pl.col("raw")).alias("clean"))
        .with_columns(
            pl.when(pl.col("clean").str.contains(_PATTERNS[decimal]))
            .then(canonical.cast(pl.Float64, strict=False))
            .alias("value")
        )
        .select(
            pl.when(pl.col("value").is_finite()).then(pl.col("value")).alias(series.name),
            ((pl.col("raw").str.strip_chars() != "") & ~pl.col("value").is_finite())
            .fill_null(True)
            .alias("failed"),
        )
    )
    # a missing value (null or blank) is not a failure
    missing = series.is_null() | (series.str.strip_chars() == "")
    return out.to_series(0), out.to_series(1) & ~missing


def parse_number(text: str | None, decimal: str | None = None) -> float | None:
    """One value by the rules of :func:`parse_numbers`; ``None`` if missing or not a number.

    >>> parse_number("1.234,56"), parse_number("12,5 %"), parse_number("−3"), parse_number("(3)")
    (1234.56, 12.5, -3.0, -3.0)
    """
    values, _failed = parse_numbers(pl.Series("v", [text], dtype=pl.String), decimal)
    return values[0]


def detect_decimal(series: pl.Series) -> str:
    """``","`` or ``"."``: the decimal mark the column's distinct values point to.

    Each distinct number-like value votes: with both marks the last one is the decimal mark
    (``1.234,5`` → ``,``); a mark occurring twice or more groups thousands (``1,234,567`` →
    ``.``); a single mark is the decimal mark unless it is followed by exactly three digits after
    one to three digits without a leading zero (``1.234``), which does not vote. The majority
    wins (a tie: ``,``). Without any vote, a column of ambiguous values treats them as thousands
    groups (``1.234`` → ``,``, ``1,234`` → ``.``); without anything at all, ``,``. Only the first
    20,000 distinct values (in column order) are looked at, so the answer is deterministic and a
    million-row column costs no more than a small one.
    """
    if series.dtype != pl.String:
        series = series.cast(pl.String)
    values = (
        pl.DataFrame({"raw": series.drop_nulls().unique(maintain_order=True).head(_DETECT_SAMPLE)})
        .select(_cleaned(pl.col("raw")).alias("v"))
        .filter(
            pl.col("v").str.contains(
                rf"^-?[\d.,{_SPACES}{_APOSTROPHES}]*\d[\d.,{_SPACES}{_APOSTROPHES}]*{_EXPONENT}$"
            )
        )
        .select(
            pl.col("v").str.count_matches(",", literal=True).alias("commas"),
            pl.col("v").str.count_matches(".", literal=True).alias("dots"),
            pl.col("v").str.extract(r"([.,])[^.,]*$", 1).alias("last"),
            pl.col("v").str.contains(r"^-?[1-9]\d{0,2}[.,]\d{3}$").alias("ambiguous"),
        )
    )
    comma = (
        ((pl.col("commas") > 0) & (pl.col("dots") > 0) & (pl.col("last") == ","))
        | ((pl.col("dots") >= 2) & (pl.col("commas") == 0))
        | ((pl.col("commas") == 1) & (pl.col("dots") == 0) & ~pl.col("ambiguous"))
    )
    dot = (
        ((pl.col("commas") > 0) & (pl.col("dots") > 0) & (pl.col("last") == "."))
        | ((pl.col("commas") >= 2) & (pl.col("dots") == 0))
        | ((pl.col("dots") == 1) & (pl.col("commas") == 0) & ~pl.col("ambiguous"))
    )
    votes = values.select(
        comma.sum().alias("comma"),
        dot.sum().alias("dot"),
        (pl.col("ambiguous") & (pl.col("dots") == 1)).sum().alias("amb_dot"),
        (pl.col("ambiguous") & (pl.col("commas") == 1)).sum().alias("amb_comma"),
    ).row(0, named=True)
    if votes["comma"] or votes["dot"]:
        return "," if votes["comma"] >= votes["dot"] else "."
    if votes["amb_comma"] > votes["amb_dot"]:
        return "."
    return ","
