"""The one place where confidentiality of employee-survey scores is enforced.

Rules (see ``docs/data-model.md`` and ``docs/privacy.md``):

* A group (branch, wave, ...) with fewer respondents than the minimum group size gets no score:
  every score column is set to null and ``suppressed`` is true (:func:`suppress`). The
  respondent count itself stays visible (it is needed to say "fewer than 5 responses").
* Thresholds: scores 5 (``$LOYALTY_MIN_GROUP_SIZE``, never below 3), answer distributions 8
  (``$LOYALTY_MIN_DISTRIBUTION_SIZE``), free-text comments 10 (``$LOYALTY_MIN_COMMENT_SIZE``;
  comments are off unless ``$LOYALTY_COMMENTS`` switches them on). A stricter kind of figure
  never has a lower threshold than a less revealing one.
* Aggregates over several groups are either computed only from groups that are shown
  (:func:`shown_weighted_mean`: the company average on the branch pages), or they are true
  totals, and then *complementary suppression* keeps every hidden group hidden
  (:func:`complementary_suppress`, :func:`safe_aggregate`).
* Row-level responses never leave :mod:`loyalty.analysis` except as statistics that describe no
  single group (e.g. an ICC over all respondents).

Complementary suppression
-------------------------

A table cross-classifies respondents by some dimensions ``by`` (e.g. region × format × tenure
band × wave). Its *cells* are the groups of one value per dimension; its *margins* are the
totals over one or more dimensions (by region; by region and wave; the grand total; ...). Every
published figure is a sum: a cell's or margin's score sum is ``mean × n``, and ``n`` is always
shown. Hiding a small cell is not enough when its margin is shown: the margin minus the shown
cells beside it gives the hidden cell back. So:

1. **Primary suppression.** Every cell and every margin with ``0 < n < minimum`` is hidden.
   Groups with ``n = 0`` have no score; they are known to be zero and never protect anything.
   A margin made of exactly the same respondents as another figure (nested columns: "region
   Nord, branch B001" is branch B001) is the same figure and is treated as one.
2. **Lines.** A *line* is one published figure (the *parent*) together with the groups it is
   the sum of at the next published level down (its *children*): region Nord = Nord×City +
   Nord×Mall + ...; the grand total = the sum of the regions; ... Lines are formed for every
   dimension and every published level, so all margins of a cross-classification are covered.
3. **Line rule.** In a line whose parent is shown, the hidden non-empty children must be none,
   or at least two whose respondents add up to at least the minimum, and the hidden cells
   inside them must again be at least two with at least the minimum together: the *hidden
   remainder* ``parent − shown children`` is then a group of at least the minimum, made of at
   least two groups, and isolates none of them. Where the rule fails, the next-smallest shown
   non-empty sibling is hidden too, until it holds. Among siblings, those whose other lines
   already hold a hidden group come first (this closes the pattern into the classic
   "hypercube" instead of letting it spread through the table), then the smallest ``n``, then
   the key. A line with a single non-empty child has no sibling to hide, so its parent is
   hidden instead. In a line whose parent is hidden, at least one non-empty child must be
   hidden too (otherwise the parent is the sum of shown children).
4. **Pair rule.** A shown figure minus a shown figure inside it (region Nord minus Nord×City,
   or minus nothing at all) leaves the hidden cells of the difference: again none, or at least
   two with at least the minimum together; otherwise the smallest shown cell of the
   difference is hidden too.
5. **Iterate.** Hiding one group changes other lines (its row, column, wave, ...), so steps
   3–4 run over everything again until nothing changes (the classic iterative approach over
   all margins). It stops: every change hides one more group, and hiding everything is safe.
6. **Audit.** Rules on single lines and pairs can, in rare patterns, still let a combination
   of several figures isolate a hidden group. So the result is checked exactly: the unknowns
   are the score sums of the hidden non-empty cells; every shown figure is one linear equation
   over them; a hidden cell (or hidden margin) is *derivable* iff its indicator vector lies in
   the row space of that system (an eigen-decomposition of the system's Gram matrix). For each
   derivable one, the smallest shown cell in the finest shown margin containing it is hidden
   as well (or, if no shown cell is left there, that margin), and steps 3–6 repeat. On return
   no hidden cell's score sum and no hidden figure's can be worked out from the shown figures
   by any linear combination of them.

Example (minimum 5): region Nord has City n = 3, Mall n = 9, Outlet n = 12 and Nord's total is
shown. City is hidden (3 < 5); Nord − Mall − Outlet would reveal it, so Mall (the next-smallest)
is hidden too: the hidden remainder is City + Mall, two groups with 12 respondents.

:func:`safe_aggregate` computes cells *and* all margins of the cube from respondent rows (or
from group rows with an ``n``), suppresses them with one pattern, and answers filters and
drill-downs by cutting that one cube: a filtered figure that is the sum of several cube
figures is shown only if all of them are shown. Every view cut from the same cube (same
``dimensions``) is therefore consistent with every other, so comparing two views (e.g. with and
without a filter) reveals nothing either. Limits: only exact linear derivation is prevented;
bounds (a mean lies between 1 and 5) are not counted as disclosure. Across versions of a wave
nothing needs protecting: readers only ever see the active version (the ``active_*`` views).
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Mapping, Sequence

import numpy as np
import polars as pl

from loyalty import config

#: Values of the ``suppression`` column: why a group is hidden (null: shown).
EMPTY, PRIMARY, SECONDARY = "empty", "primary", "secondary"
#: ``level`` of the grand total in :func:`safe_aggregate`'s result.
TOTAL = "total"


def minimum(min_size: int | None = None) -> int:
    """The minimum group size in force (never below 3)."""
    return max(3, min_size if min_size is not None else config.min_group_size())


def distribution_minimum(min_size: int | None = None) -> int:
    """The minimum group size for answer distributions (default 8, never below :func:`minimum`)."""
    return max(minimum(), min_size if min_size is not None else config.min_distribution_size())


def comment_minimum(min_size: int | None = None) -> int:
    """The minimum group size for free-text comments (default 10, never below the one for
    answer distributions)."""
    configured = min_size if min_size is not None else config.min_comment_size()
    return max(distribution_minimum(), configured)


def comments_enabled() -> bool:
    """Free-text comments are off unless ``$LOYALTY_COMMENTS`` switches them on."""
    return config.comments_enabled()


def may_show_comments(n: int | None) -> bool:
    """Whether a group of ``n`` respondents may show its free-text comments."""
    return comments_enabled() and (n or 0) >= comment_minimum()


def suppress(
    frame: pl.DataFrame, *, n: str, columns: Sequence[str], min_size: int | None = None
) -> pl.DataFrame:
    """Null ``columns`` where ``n`` is below the minimum; add a boolean ``suppressed`` column."""
    hidden = pl.col(n).fill_null(0) < minimum(min_size)
    return frame.with_columns(
        *[pl.when(hidden).then(None).otherwise(pl.col(c)).alias(c) for c in columns],
        hidden.alias("suppressed"),
    )


def shown_weighted_mean(frame: pl.DataFrame, value: str, n: str) -> tuple[float | None, int]:
    """Respondent-weighted mean over the *shown* groups only, and the respondents it covers."""
    shown = frame.filter(pl.col(value).is_not_null() & ~pl.col("suppressed"))
    total = int(shown[n].sum()) if shown.height else 0
    if total == 0:
        return None, 0
    return float((shown[value] * shown[n]).sum() / total), total


# --- complementary suppression -------------------------------------------------------------


def _sort_key(key: tuple) -> tuple:
    return tuple((v is None, str(v)) for v in key)


class _Cube:
    """Cells and published margins of a cross-classification, with the suppression pattern.

    Nodes ``0 .. n_cells-1`` are the cells (sorted by key), the rest are margin groups. A level
    is a sorted tuple of dimension positions; the cells' level holds all of them.
    """

    def __init__(
        self, keys: Sequence[tuple], n: Sequence[int], k: int, margins: Collection[tuple[int, ...]]
    ) -> None:
        order = sorted(range(len(keys)), key=lambda i: _sort_key(keys[i]))
        self.row_of_cell = order  # cell index -> input row
        self.full = tuple(range(k))
        self.levels = sorted({tuple(sorted(m)) for m in margins} - {self.full}, key=len)
        self.n: list[int] = []
        self.key: list[tuple] = []  # the key at the finest level the node was found at
        self.level_of: list[tuple[int, ...]] = []
        self.cells_of: list[list[int]] = []  # node -> cell indices under it
        self.index: dict[tuple[int, ...], dict[tuple, int]] = {self.full: {}}
        for cell, row in enumerate(order):
            key = tuple(keys[row])
            if key in self.index[self.full]:
                raise ValueError(f"duplicate group {key!r}: one row per group expected")
            self.index[self.full][key] = cell
            self.n.append(int(n[row] or 0))
            self.key.append(key)
            self.level_of.append(self.full)
            self.cells_of.append([cell])
        self.n_cells = len(order)
        # A margin made of exactly the cells of another node (nested columns such as branch
        # within region: "Nord, B001" is "B001") is the same figure: one node for both.
        by_cells = {(c,): c for c in range(self.n_cells)}
        for level in sorted(self.levels, key=len, reverse=True):
            groups: dict[tuple, list[int]] = {}
            for key, cell in self.index[self.full].items():
                groups.setdefault(tuple(key[d] for d in level), []).append(cell)
            self.index[level] = {}
            for key in sorted(groups, key=_sort_key):
                cells = tuple(groups[key])
                node = by_cells.get(cells)
                if node is None:
                    node = by_cells[cells] = len(self.n)
                    self.n.append(sum(self.n[c] for c in cells))
                    self.key.append(key)
                    self.level_of.append(level)
                    self.cells_of.append(list(cells))
                self.index[level][key] = node
        # node -> the other published figures containing it
        self.up: list[list[int]] = []
        for node in range(len(self.n)):
            cells = self.cells_of[node]
            first = self.key[cells[0]]
            constant = {d for d in self.full if all(self.key[c][d] == first[d] for c in cells)}
            above = {
                self.index[s][tuple(first[d] for d in s)]
                for s in self.levels
                if constant.issuperset(s)
            }
            self.up.append(sorted(above - {node}))
        self.lines = self._lines()
        self.lines_of: list[list[int]] = [[] for _ in self.n]  # node -> lines it is a child in
        for i, (_, children) in enumerate(self.lines):
            for c in children:
                self.lines_of[c].append(i)

    def _lines(self) -> list[tuple[int, list[int]]]:
        """(parent, children) for each published margin and each level that covers it."""
        published = [*self.levels, self.full]
        lines, seen = [], set()
        for parent_level in self.levels:
            above = [t for t in published if set(parent_level) < set(t)]
            covering = [t for t in above if not any(set(u) < set(t) for u in above if u != t)]
            for child_level in covering:
                pos = [child_level.index(d) for d in parent_level]
                kids: dict[int, set[int]] = {}
                for key, node in self.index[child_level].items():
                    parent = self.index[parent_level][tuple(key[p] for p in pos)]
                    kids.setdefault(parent, set()).add(node)
                for parent, children in kids.items():
                    line = (parent, tuple(sorted(children)))
                    if children != {parent} and line not in seen:
                        seen.add(line)
                        lines.append((parent, list(line[1])))
        return lines

    def pattern(self, min_size: int) -> tuple[list[bool], list[str | None]]:
        """Hidden flag and reason per node (see the module docstring, steps 1-6)."""
        state = _State(self, min_size)
        while True:
            if state.line_rule() or state.pair_rule():
                continue
            derivable = self._derivable(state.hidden)
            if not derivable:
                break
            for node in derivable:
                state.protect(node)
        hidden = [h or x == 0 for h, x in zip(state.hidden, self.n, strict=True)]
        return hidden, state.reason

    def _derivable(self, hidden: list[bool]) -> list[int]:
        """Hidden non-empty nodes whose score sum is a linear combination of shown figures."""
        unknown = [c for c in range(self.n_cells) if hidden[c] and self.n[c] > 0]
        col = {c: j for j, c in enumerate(unknown)}
        rows, seen = [], set()
        for node in range(self.n_cells, len(self.n)):
            if hidden[node] or self.n[node] == 0:
                continue
            cols = tuple(sorted(col[c] for c in self.cells_of[node] if c in col))
            if cols and cols not in seen:
                seen.add(cols)
                rows.append(cols)
        hidden_margins = [
            m for m in range(self.n_cells, len(self.n)) if hidden[m] and self.n[m] > 0
        ]
        # a hidden margin made only of shown cells is simply their sum
        out = [m for m in hidden_margins if not any(c in col for c in self.cells_of[m])]
        if not rows:
            return out
        a = np.zeros((len(rows), len(unknown)))
        for i, cols in enumerate(rows):
            a[i, list(cols)] = 1.0
        # an orthonormal basis of the row space, from the Gram matrix (much faster than an SVD
        # of ``a``; the tolerance is numpy's rank tolerance, so a doubtful direction counts as
        # shown information and leads to more suppression, never less)
        eigval, eigvec = np.linalg.eigh(a.T @ a)
        tol = max(a.shape) * np.finfo(float).eps * max(float(eigval[-1]), 1.0)
        basis = eigvec[:, eigval > tol].T
        out += [unknown[j] for j in np.flatnonzero((basis**2).sum(axis=0) > 1 - 1e-9)]
        rest = [m for m in hidden_margins if m not in out]
        if rest:
            b = np.zeros((len(rest), len(unknown)))
            for i, m in enumerate(rest):
                b[i, [col[c] for c in self.cells_of[m] if c in col]] = 1.0
            residual = b - (b @ basis.T) @ basis
            out += [m for m, r in zip(rest, np.abs(residual).max(axis=1), strict=True) if r < 1e-9]
        return out


class _State:
    """The growing suppression pattern of a :class:`_Cube` and the rules that extend it."""

    def __init__(self, cube: _Cube, min_size: int) -> None:
        self.cube, self.min = cube, min_size
        n = cube.n
        self.hidden = [False] * len(n)
        self.reason: list[str | None] = [EMPTY if x == 0 else None for x in n]
        # hidden non-empty cells under each node: how many, and their respondents
        self.hc = [0] * len(n)
        self.hn = [0] * len(n)
        for node, x in enumerate(n):
            if 0 < x < min_size:
                self.hide(node, PRIMARY)

    def hide(self, node: int, why: str = SECONDARY) -> None:
        if self.hidden[node]:
            return
        cube = self.cube
        self.hidden[node] = True
        self.reason[node] = self.reason[node] or why
        if node < cube.n_cells and cube.n[node] > 0:
            for a in (node, *cube.up[node]):
                self.hc[a] += 1
                self.hn[a] += cube.n[node]

    def _ok(self, count: int, respondents: int) -> bool:
        return count == 0 or (count >= 2 and respondents >= self.min)

    def _smallest_shown_cell(self, cells) -> int | None:
        n, hidden = self.cube.n, self.hidden
        shown = [c for c in cells if not hidden[c] and n[c] > 0]
        return min(shown, key=lambda c: (n[c], c)) if shown else None

    def _line_ok(self, hid: list[int]) -> bool:
        """The line rule for a shown parent whose hidden non-empty children are ``hid``."""
        if not hid:
            return True
        n, hc, hn = self.cube.n, self.hc, self.hn
        return (
            len(hid) >= 2
            and sum(n[c] for c in hid) >= self.min
            and sum(hc[c] for c in hid) >= 2
            and sum(hn[c] for c in hid) >= self.min
        )

    def line_rule(self) -> bool:
        """Steps 2-3, repeated until nothing changes (step 5). True if anything was hidden."""
        n, hidden, hc = self.cube.n, self.hidden, self.hc
        any_change = changed = False
        while True:
            changed = False
            for line, (parent, children) in enumerate(self.cube.lines):
                kids = [c for c in children if n[c] > 0]
                hid = [c for c in kids if hidden[c]]
                shown = sorted((c for c in kids if not hidden[c]), key=lambda c: (n[c], c))
                if hidden[parent]:
                    if n[parent] > 0 and not hid and shown:
                        self.hide(shown[0])
                        changed = True
                    continue

                if self._line_ok(hid):
                    continue
                changed = True
                # hide the next-smallest sibling(s), those closing the pattern first; where
                # only the hidden cells inside the hidden children fall short, siblings that
                # already hold hidden cells first
                kids_short = len(hid) < 2 or sum(n[c] for c in hid) < self.min
                order = sorted(
                    shown,
                    key=lambda c: (
                        self._new_violations(c, line) if kids_short else hc[c] == 0,
                        n[c],
                        c,
                    ),
                )
                for c in order:
                    self.hide(c)
                    hid.append(c)
                    if self._line_ok(hid):
                        break
                else:
                    inside = [c for k in hid for c in self.cube.cells_of[k]]
                    cell = self._smallest_shown_cell(inside)
                    self.hide(cell if cell is not None and len(hid) >= 2 else parent)
            if not changed:
                return any_change
            any_change = True

    def _new_violations(self, node: int, current: int) -> int:
        """How many other lines through ``node`` hiding it would break (they hold no hidden
        group yet) minus how many it would mend (they hold exactly one). Preferring siblings
        with few closes the pattern into a "hypercube" instead of letting it spread."""
        cube, hidden = self.cube, self.hidden
        score = 0
        for i in cube.lines_of[node]:
            parent, children = cube.lines[i]
            if i == current or hidden[parent]:
                continue
            count = sum(1 for c in children if hidden[c] and cube.n[c] > 0)
            score += 1 if count == 0 else (-1 if count == 1 else 0)
        return score

    def pair_rule(self) -> bool:
        """Step 4: a shown figure minus a shown figure inside it (or minus nothing) leaves no
        hidden remainder below the minimum or of a single group. True if anything was hidden."""
        cube, hidden, hc, hn = self.cube, self.hidden, self.hc, self.hn
        changed = False
        for inner in range(len(cube.n)):
            if hidden[inner] or cube.n[inner] == 0:
                continue
            if inner >= cube.n_cells and not self._ok(hc[inner], hn[inner]):
                cell = self._smallest_shown_cell(cube.cells_of[inner])
                self.hide(cell if cell is not None else inner)
                changed = True
                continue
            for outer in cube.up[inner]:
                if hidden[outer] or hidden[inner]:
                    continue
                if self._ok(hc[outer] - hc[inner], hn[outer] - hn[inner]):
                    continue
                inside = set(cube.cells_of[inner])
                cell = self._smallest_shown_cell(c for c in cube.cells_of[outer] if c not in inside)
                self.hide(cell if cell is not None else inner)
                changed = True
        return changed

    def protect(self, node: int) -> None:
        """Step 6: hide one more group so that ``node`` stops being derivable."""
        cube, hidden = self.cube, self.hidden
        if node >= cube.n_cells:
            cell = self._smallest_shown_cell(cube.cells_of[node])
            if cell is not None:
                self.hide(cell)
                return
        cells = set(cube.cells_of[node])
        containing = sorted(
            (
                m
                for m in range(cube.n_cells, len(cube.n))
                if not hidden[m] and cube.n[m] > 0 and cells & set(cube.cells_of[m])
            ),
            key=lambda m: (cube.n[m], m),
        )
        for m in containing:
            cell = self._smallest_shown_cell(cube.cells_of[m])
            if cell is not None:
                self.hide(cell)
                return
        if containing:
            self.hide(containing[0])


def _margin_levels(
    by: Sequence[str], parent_totals_shown: bool | Sequence[Sequence[str]]
) -> list[tuple[int, ...]]:
    k = len(by)
    if parent_totals_shown is True:
        return [c for r in range(k) for c in itertools.combinations(range(k), r)]
    if parent_totals_shown is False:
        return []
    levels = []
    for margin in parent_totals_shown:
        unknown = set(margin) - set(by)
        if unknown:
            raise ValueError(f"margin {tuple(margin)!r} uses columns not in by: {unknown}")
        levels.append(tuple(sorted(by.index(d) for d in margin)))
    return levels


def complementary_suppress(
    frame: pl.DataFrame,
    *,
    n: str,
    columns: Sequence[str],
    by: Sequence[str],
    parent_totals_shown: bool | Sequence[Sequence[str]] = True,
    min_size: int | None = None,
) -> pl.DataFrame:
    """Suppress small groups *and* enough other groups that no hidden group can be derived
    from the totals shown beside it (see the module docstring).

    ``frame`` holds one row per group, i.e. per combination of the ``by`` columns, with its
    respondent count ``n``. ``parent_totals_shown`` says which totals are published: ``True``
    every margin over any subset of ``by`` (the safe default), ``False`` none (then this is
    :func:`suppress`), or a list of margins, each given by the columns it keeps (``[]`` is the
    grand total, ``["wave"]`` the totals per wave). Totals themselves must be published
    through :func:`safe_aggregate` (or with the same pattern), since a small total is hidden too.

    Returns ``frame`` in its order with ``columns`` nulled where hidden, ``suppressed`` (true
    also for groups without respondents) and ``suppression`` (``"empty"``, ``"primary"``,
    ``"secondary"`` or null).
    """
    by = list(by)
    levels = _margin_levels(by, parent_totals_shown)
    keys = list(frame.select(by).iter_rows()) if by else [()] * frame.height
    counts = frame[n].fill_null(0).to_list()
    cube = _Cube(keys, counts, len(by), levels)
    hidden, reason = cube.pattern(minimum(min_size))
    row_hidden = [False] * frame.height
    row_reason: list[str | None] = [None] * frame.height
    for cell, row in enumerate(cube.row_of_cell):
        row_hidden[row], row_reason[row] = hidden[cell], reason[cell]
    flag = pl.Series("suppressed", row_hidden, dtype=pl.Boolean)
    return frame.with_columns(
        *[pl.when(flag).then(None).otherwise(pl.col(c)).alias(c) for c in columns],
        flag,
        pl.Series("suppression", row_reason, dtype=pl.String),
    )


def safe_aggregate(
    frame: pl.DataFrame,
    group_by: Sequence[str],
    value_cols: Sequence[str],
    *,
    n_col: str | None = None,
    min_size: int | None = None,
    dimensions: Sequence[str] | None = None,
    filters: Mapping[str, Collection] | None = None,
) -> pl.DataFrame:
    """Group means *and* every margin up to the grand total, suppressed consistently.

    ``frame`` is either one row per respondent (``n_col=None``: each row counts once) or one
    row per group with its respondent count in ``n_col`` and group means in ``value_cols``.
    The suppression pattern is computed on the whole cube over ``dimensions`` (default:
    ``group_by`` plus the filtered columns) before ``filters`` (column -> allowed values) are
    applied, so every view cut from the same ``dimensions`` shows a consistent picture: pass
    the same ``dimensions`` (e.g. region, format, tenure band, wave) for every drill-down.

    Returns one row per group and per margin: the ``group_by`` columns (null where a margin
    sums over that column), ``level`` (the columns kept, comma-separated, ``"total"`` for the
    grand total), ``n``, the means of ``value_cols`` (null where hidden), ``suppressed`` and
    ``suppression`` (as in :func:`complementary_suppress`). A filtered figure that adds up
    several cube figures (e.g. two of four regions) is shown only when all of them are shown.
    A mean is also null where fewer than the minimum answered that value (missing answers);
    the suppression pattern itself counts respondents.
    """
    group_by, value_cols = list(group_by), list(value_cols)
    filters = dict(filters or {})
    dims = list(dict.fromkeys([*(dimensions or group_by), *group_by, *filters]))
    k = len(dims)
    if n_col is None:
        weight = pl.lit(1, dtype=pl.Int64)
        aggs = [pl.len().alias("_n")]
    else:
        weight = pl.col(n_col).fill_null(0)
        aggs = [weight.sum().alias("_n")]
    for v in value_cols:
        ok = pl.col(v).is_not_null()
        aggs += [
            (pl.col(v) * weight).filter(ok).sum().cast(pl.Float64).alias(f"_s_{v}"),
            weight.filter(ok).sum().cast(pl.Float64).alias(f"_w_{v}"),
        ]
    cells = frame.group_by(dims).agg(aggs) if dims else frame.select(aggs)
    keys = list(cells.select(dims).iter_rows()) if dims else [()] * cells.height
    all_levels = [c for r in range(k) for c in itertools.combinations(range(k), r)]
    cube = _Cube(keys, cells["_n"].to_list(), k, all_levels)
    hidden, _ = cube.pattern(minimum(min_size))
    low = minimum(min_size)
    sums = {v: cells[f"_s_{v}"].to_list() for v in value_cols}
    weights = {v: cells[f"_w_{v}"].to_list() for v in value_cols}

    # dimensions whose filter leaves out a value present in the data
    restrictive = {}
    for d, allowed in filters.items():
        allowed = set(allowed)
        present = {key[dims.index(d)] for key in keys}
        if not present <= allowed:
            restrictive[dims.index(d)] = allowed

    out_rows = []
    gb_pos = [dims.index(g) for g in group_by]
    for r in range(len(group_by), -1, -1):
        for kept in itertools.combinations(gb_pos, r):
            level = tuple(sorted({*kept, *restrictive}))
            index = cube.index[level]
            rows: dict[tuple, list[int]] = {}
            for key, node in index.items():
                if any(key[level.index(d)] not in allowed for d, allowed in restrictive.items()):
                    continue
                rows.setdefault(tuple(key[level.index(d)] for d in kept), []).append(node)
            for out_key, nodes in sorted(rows.items(), key=lambda kv: _sort_key(kv[0])):
                n_row = sum(cube.n[x] for x in nodes)
                if n_row == 0:
                    continue
                hid = any(hidden[x] and cube.n[x] > 0 for x in nodes)
                cell_ids = [c for x in nodes for c in cube.cells_of[x]]
                record = {g: None for g in group_by}
                record.update({dims[d]: v for d, v in zip(kept, out_key, strict=True)})
                record["level"] = ",".join(dims[d] for d in sorted(kept)) or TOTAL
                record["n"] = n_row
                for v in value_cols:
                    rows_ = [cube.row_of_cell[c] for c in cell_ids]
                    w = sum(weights[v][i] for i in rows_)
                    record[v] = None if hid or w < low else sum(sums[v][i] for i in rows_) / w
                record["suppressed"] = hid
                record["suppression"] = (PRIMARY if n_row < low else SECONDARY) if hid else None
                out_rows.append(record)
    schema = {g: frame.schema[g] for g in group_by}
    schema.update({"level": pl.String, "n": pl.Int64})
    schema.update({v: pl.Float64 for v in value_cols})
    schema.update({"suppressed": pl.Boolean, "suppression": pl.String})
    return pl.DataFrame(out_rows, schema=schema)
