"""Tables with numbers in the reader's format, rendered once for the same content.

``st.dataframe`` takes number formats of its own (a decimal comma in German) only as a pandas
Styler: the one place where a table of ours becomes pandas. Streamlit renders a Styler's every
cell in Python on every run (``marshall_styler``: pandas' ``_compute`` and ``_translate``,
then a pass over each rendered cell): 35 ms for the Branches page's 500 rows × 11 columns,
the largest single part of a served Branches run at 10,000 branches (bench/RESULTS.md).

:func:`styled` hands out the same pandas Styler for a table of the same content (polars
frames keyed by :func:`loyalty.figcache.fingerprint`, like the kept figures), and that Styler
renders once (:func:`rendered_once`). Its rendering keeps only the cells whose shown text
differs from the value's own text (the formatted numbers), since Streamlit shows
``str(value)`` for every cell it is not told otherwise
(``streamlit.elements.lib.pandas_styler_utils``); a test compares what Streamlit sends for a
kept and a plain Styler. (Only the Styler's uuid differs: a new Styler draws a random one on
every run, a kept one keeps its own; it only names CSS rules, and these tables have none.)
What is kept is the table a page shows, already suppressed: nothing a page does not show."""

from __future__ import annotations

import threading
import weakref
from collections import defaultdict
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any

import polars as pl
from pandas.io.formats.style import Styler

from loyalty import figcache

#: Styled tables kept per process (least recently used first out). One holds its pandas frame,
#: its formats and the id and text of each formatted cell: the Branches page's 500 rows
#: about 1 MB (tracemalloc).
MAX_TABLES = 32
#: What Streamlit's ``marshall_styler`` reads of a rendering: the styles, and per body cell.
_RENDER_KEYS = ("table_styles", "cellstyle")
_CELL_KEYS = ("id", "display_value")


class _Rendered:
    """What makes a Styler render once (under a lock: sessions share it), installed on the
    instance as its ``_compute`` and ``_translate`` — the private methods Streamlit's
    ``marshall_styler`` calls; the Styler keeps its type, by whose exact name Streamlit knows
    it (``dataframe_util.is_pandas_styler``). Only what Streamlit reads of the rendering is
    kept: the styles and the id and text of the body's cells whose text is not the value's
    ``str``; the per-cell formatters pandas made while rendering are let go. It holds its
    Styler weakly: an evicted table is freed at once, without waiting for a collection."""

    def __init__(self, style: Styler) -> None:
        self._style = weakref.ref(style)
        self._lock = threading.Lock()
        self._kept: dict[tuple, dict[str, Any]] = {}

    def compute(self) -> Styler | None:
        style = self._style()
        with self._lock:
            if style is not None and not self._kept:  # rendered: nothing left to compute
                Styler._compute(style)
        return style

    def translate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        key = (args, tuple(sorted(kwargs.items())))
        with self._lock:
            if key not in self._kept:
                style = self._style()
                assert style is not None, "a Styler renders while it lives"
                formats = style._display_funcs  # the cells with a format of their own …
                own = set(formats)
                self._kept[key] = _trimmed(style, Styler._translate(style, *args, **kwargs))
                # … not the default one rendering added to every cell (nor to every row and
                # column header): a new dict, as a dict does not shrink when emptied
                style._display_funcs = _only(formats, own)
                style._display_funcs_index = _only(style._display_funcs_index, ())
                style._display_funcs_columns = _only(style._display_funcs_columns, ())
            return self._kept[key]


def _only(funcs: defaultdict, cells: Iterable) -> defaultdict:
    """``funcs`` (a Styler's formats per cell) with only the entries of ``cells``."""
    return defaultdict(funcs.default_factory, {c: funcs[c] for c in cells if c in funcs})


def _trimmed(style: Styler, render: Mapping[str, Any]) -> dict[str, Any]:
    plain = style.data.astype(str)
    text = [plain.iloc[:, j].tolist() for j in range(plain.shape[1])]  # what Streamlit shows
    body = []
    for row in render.get("body", []):
        cells = []
        for cell in row:
            position = _position(cell.get("id"))
            if position is None:
                continue
            shown = cell.get("display_value")
            if isinstance(shown, Enum) or str(shown) != text[position[1]][position[0]]:
                cells.append({k: cell[k] for k in _CELL_KEYS if k in cell})
        body.append(cells)
    return {**{k: render[k] for k in _RENDER_KEYS if k in render}, "body": body}


def rendered_once(style: Styler) -> Styler:
    """``style`` itself, from now on rendered once (its formats must be set before)."""
    rendered = _Rendered(style)
    style._compute = rendered.compute
    style._translate = rendered.translate
    return style


def _position(cell_id: str | None) -> tuple[int, int] | None:
    """(row, column) of a body cell's id ``row{i}_col{j}`` (None: a header cell)."""
    if not cell_id or not cell_id.startswith("row") or "_col" not in cell_id:
        return None
    row, _, col = cell_id[3:].partition("_col")
    return (int(row), int(col)) if row.isdigit() and col.isdigit() else None


class Tables:
    """The kept styled tables of one process, at most ``size``, safe across threads."""

    def __init__(self, size: int = MAX_TABLES) -> None:
        self._kept = figcache.Bounded(size)
        self._lock = threading.Lock()
        self.built = 0

    def styled(
        self,
        frame: pl.DataFrame,
        decimal: str,
        thousands: str,
        digits: Mapping[str, int],
        moments: Mapping[str, str] | None = None,
    ) -> Styler:
        """``frame`` for ``st.dataframe``: the columns in ``digits`` shown with that many
        decimal places, ``decimal`` and ``thousands`` as separators, those in ``moments`` (date
        and time columns) by their ``strftime`` pattern, and "–" for a missing value, while the
        browser sorts by the numbers and moments. The same Styler for a frame of the same
        content."""
        moments = moments or {}
        try:
            key = (
                figcache.fingerprint(frame),
                decimal,
                thousands,
                tuple(digits.items()),
                tuple(moments.items()),
            )
        except figcache.Unkeyable:  # a column whose content cannot be told: not kept
            return _build(frame, decimal, thousands, digits, moments)
        style = self._kept.get(key)
        if style is not None:
            return style
        style = _build(frame, decimal, thousands, digits, moments)
        with self._lock:
            self.built += 1
        return self._kept.add(key, style)

    def __len__(self) -> int:
        return len(self._kept)


def _build(
    frame: pl.DataFrame,
    decimal: str,
    thousands: str,
    digits: Mapping[str, int],
    moments: Mapping[str, str],
) -> Styler:
    style = frame.to_pandas().style
    for column, places in digits.items():
        style = style.format(
            precision=places, decimal=decimal, thousands=thousands, na_rep="–", subset=[column]
        )
    for column, pattern in moments.items():
        style = style.format(
            lambda moment, p=pattern: moment.strftime(p), na_rep="–", subset=[column]
        )
    return rendered_once(style)


TABLES = Tables()


#: The process's kept tables, as the pages ask for them (:meth:`Tables.styled`).
styled = TABLES.styled
