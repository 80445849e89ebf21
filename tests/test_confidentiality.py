from __future__ import annotations

import itertools
from fractions import Fraction

import numpy as np
import polars as pl
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from loyalty import analysis, confidentiality


def test_scores_below_the_minimum_are_nulled_and_flagged():
    frame = pl.DataFrame({"n": [2, 5, 9], "score": [1.0, 2.0, 3.0], "other": [7, 8, 9]})
    out = confidentiality.suppress(frame, n="n", columns=["score"], min_size=5)
    assert out["score"].to_list() == [None, 2.0, 3.0]
    assert out["suppressed"].to_list() == [True, False, False]
    assert out["other"].to_list() == [7, 8, 9]


def test_the_minimum_never_drops_below_three(monkeypatch):
    assert confidentiality.minimum(1) == 3
    monkeypatch.setenv("LOYALTY_MIN_GROUP_SIZE", "2")
    assert confidentiality.minimum() == 3
    monkeypatch.setenv("LOYALTY_MIN_GROUP_SIZE", "8")
    assert confidentiality.minimum() == 8


def test_branch_table_hides_every_score_of_small_branches(demo_store):
    table = analysis.branch_table(demo_store)
    small = table.filter(pl.col("n_respondents") < 5)
    assert small.height > 0
    score_cols = [c for c in table.columns if c.startswith(("engagement", "dim_"))]
    assert small.select(score_cols).null_count().row(0) == tuple([small.height] * len(score_cols))
    assert small["suppressed"].all()
    # loyalty and finance figures of small branches stay visible
    assert small["nps"].null_count() == 0 and small["ros"].null_count() == 0


def test_company_average_cannot_be_used_to_recover_a_hidden_branch(demo_store):
    table = analysis.branch_table(demo_store, "2025-H2")
    bench = analysis.company_benchmark(table)
    shown = table.filter(~pl.col("suppressed"))
    expected = (shown["engagement"] * shown["n_respondents"]).sum() / shown["n_respondents"].sum()
    # the company figure is exactly the mean over shown branches: subtracting the shown
    # branches from it leaves nothing about the hidden ones
    assert bench.engagement == pytest.approx(expected, rel=1e-12)
    assert bench.engagement_n == shown["n_respondents"].sum()
    for dim, value in bench.dimensions.items():
        col = f"dim_{dim}"
        assert value == pytest.approx(
            (shown[col] * shown["n_respondents"]).sum() / shown["n_respondents"].sum()
        )


def test_raising_the_minimum_hides_more(demo_store):
    five = analysis.branch_table(demo_store, "2025-H2", min_size=5)
    ten = analysis.branch_table(demo_store, "2025-H2", min_size=10)
    assert ten["suppressed"].sum() > five["suppressed"].sum()
    assert (
        ten.filter(pl.col("n_respondents") < 10)["engagement"].null_count()
        == ten.filter(pl.col("n_respondents") < 10).height
    )


# --- thresholds ----------------------------------------------------------------------------


def test_thresholds_default_and_floors(monkeypatch):
    for name in (
        "LOYALTY_MIN_GROUP_SIZE",
        "LOYALTY_MIN_DISTRIBUTION_SIZE",
        "LOYALTY_MIN_COMMENT_SIZE",
        "LOYALTY_COMMENTS",
    ):
        monkeypatch.delenv(name, raising=False)
    assert (confidentiality.minimum(), confidentiality.distribution_minimum()) == (5, 8)
    assert confidentiality.comment_minimum() == 10
    assert not confidentiality.comments_enabled()
    assert not confidentiality.may_show_comments(500)  # comments are off by default
    monkeypatch.setenv("LOYALTY_COMMENTS", "on")
    assert confidentiality.may_show_comments(10) and not confidentiality.may_show_comments(9)
    # a more revealing figure never gets a lower threshold than a less revealing one
    monkeypatch.setenv("LOYALTY_MIN_GROUP_SIZE", "9")
    monkeypatch.setenv("LOYALTY_MIN_DISTRIBUTION_SIZE", "4")
    monkeypatch.setenv("LOYALTY_MIN_COMMENT_SIZE", "2")
    assert confidentiality.distribution_minimum() == 9
    assert confidentiality.comment_minimum() == 9


# --- complementary suppression: examples ---------------------------------------------------


def test_the_docstring_example_hides_the_next_smallest_sibling():
    frame = pl.DataFrame(
        {"region": ["Nord"] * 3, "format": ["City", "Mall", "Outlet"], "n": [3, 9, 12]}
    ).with_columns(score=pl.Series([2.0, 3.0, 4.0]))
    out = confidentiality.complementary_suppress(
        frame, n="n", columns=["score"], by=["format"], min_size=5
    )
    assert out["suppressed"].to_list() == [True, True, False]
    assert out["suppression"].to_list() == ["primary", "secondary", None]
    assert out["score"].to_list() == [None, None, 4.0]
    assert out["n"].to_list() == [3, 9, 12]  # counts stay visible


def test_without_published_totals_it_is_plain_suppression():
    frame = pl.DataFrame({"b": ["a", "b", "c"], "n": [2, 6, 7], "score": [1.0, 2.0, 3.0]})
    plain = confidentiality.suppress(frame, n="n", columns=["score"], min_size=5)
    comp = confidentiality.complementary_suppress(
        frame, n="n", columns=["score"], by=["b"], parent_totals_shown=False, min_size=5
    )
    assert comp.drop("suppression").equals(plain)


def test_only_the_published_totals_are_protected():
    frame = pl.DataFrame(
        {"region": ["N", "N", "S", "S"], "format": ["A", "B", "A", "B"], "n": [3, 9, 6, 7]}
    )
    by_region = confidentiality.complementary_suppress(
        frame, n="n", columns=[], by=["region", "format"], parent_totals_shown=[["region"]],
        min_size=5,
    )  # fmt: skip
    assert by_region["suppressed"].to_list() == [True, True, False, False]
    everything = confidentiality.complementary_suppress(
        frame, n="n", columns=[], by=["region", "format"], min_size=5
    )
    assert everything["suppressed"].all()  # the format totals need S×A and S×B hidden too
    with pytest.raises(ValueError, match="not in by"):
        confidentiality.complementary_suppress(
            frame, n="n", columns=[], by=["region"], parent_totals_shown=[["wave"]]
        )


def test_safe_aggregate_edge_cases():
    empty = pl.DataFrame(schema={"g": pl.String, "v": pl.Float64})
    assert confidentiality.safe_aggregate(empty, ["g"], ["v"]).height == 0
    total = confidentiality.safe_aggregate(pl.DataFrame({"v": [1.0, 2.0, 3.0]}), [], ["v"])
    assert total.rows() == [("total", 3, None, True, "primary")]
    # a mean answered by fewer than the minimum stays hidden although the group is shown
    gaps = pl.DataFrame({"g": ["a"] * 6, "v": [1.0, 2.0, None, None, None, None]})
    out = confidentiality.safe_aggregate(gaps, ["g"], ["v"], min_size=5)
    assert out["v"].to_list() == [None, None] and not out["suppressed"].any()


def test_a_total_with_a_single_child_is_hidden_with_it():
    # Nord has only one non-empty format; if that cell has to be hidden to protect Süd's
    # column, Nord's total (the very same group) must go too.
    frame = pl.DataFrame(
        {
            "region": ["Nord", "Süd", "Süd", "Nord"],
            "format": ["City", "City", "Mall", "Mall"],
            "n": [20, 3, 20, 0],
        }
    ).with_columns(score=pl.lit(3.0))
    out = confidentiality.safe_aggregate(
        frame, ["region", "format"], ["score"], n_col="n", min_size=5
    )
    hidden = {
        (r["region"], r["format"]) for r in out.filter(pl.col("suppressed")).iter_rows(named=True)
    }
    assert ("Süd", "City") in hidden and ("Nord", "City") in hidden
    assert ("Nord", None) in hidden  # Nord total = Nord×City
    _assert_nothing_hidden_is_derivable(out, ["region", "format"], 5)


def test_the_audit_catches_what_the_line_rule_misses():
    """Two 2×2 cycles of hidden cells joined by one more hidden cell: every row and column
    holds at least two hidden cells, yet row sums minus column sums isolate the bridge."""
    cells = [(r, c) for r in range(4) for c in range(4)]
    cube = confidentiality._Cube(cells, [10] * 16, 2, [(0,), (1,), ()])
    pattern = {(0, 0), (0, 1), (1, 0), (1, 1), (2, 2), (2, 3), (3, 2), (3, 3), (1, 2)}
    hidden = [cells[i] in pattern for i in range(16)] + [False] * (len(cube.n) - 16)
    derivable = cube._derivable(hidden)
    assert [cells[i] for i in derivable if i < 16] == [(1, 2)]


def test_duplicate_groups_are_refused():
    frame = pl.DataFrame({"b": ["a", "a"], "n": [5, 6]})
    with pytest.raises(ValueError, match="duplicate"):
        confidentiality.complementary_suppress(frame, n="n", columns=[], by=["b"])


def test_safe_aggregate_agrees_with_complementary_suppress_on_cells():
    rng = np.random.default_rng(3)
    resp = pl.DataFrame(
        {
            "region": rng.choice(["N", "S", "W"], 300),
            "format": rng.choice(["City", "Mall"], 300),
            "wave": rng.choice(["W1", "W2", "W3", "W4", "W5"], 300),
            "score": rng.integers(1, 6, 300).astype(float),
        }
    ).filter(~((pl.col("region") == "W") & (pl.col("wave") == "W2") & (pl.col("format") == "Mall")))
    dims = ["region", "format", "wave"]
    agg = confidentiality.safe_aggregate(resp, dims, ["score"], min_size=8)
    cells = resp.group_by(dims).agg(pl.len().alias("n"), pl.col("score").mean())
    comp = confidentiality.complementary_suppress(
        cells, n="n", columns=["score"], by=dims, min_size=8
    )
    joined = agg.filter(pl.col("level") == ",".join(dims)).join(comp, on=dims, suffix="_c")
    assert joined.height == cells.height
    assert joined["suppressed"].to_list() == joined["suppressed_c"].to_list()
    assert joined["suppressed"].sum() > 0


def test_branch_level_cube_of_the_demo_keeps_hidden_branches_hidden(demo_store):
    resp = analysis.respondent_engagement(demo_store, "2025-H2").join(
        analysis.branches(demo_store).select("branch_id", "region", "format"), on="branch_id"
    )
    dims = ["region", "format", "branch_id"]
    out = confidentiality.safe_aggregate(resp, dims, ["engagement"])
    cells = out.filter(pl.col("level") == ",".join(dims))
    assert cells.filter(pl.col("n") < 5)["suppressed"].all()
    assert cells["suppressed"].sum() > cells.filter(pl.col("n") < 5).height  # complements
    _assert_nothing_hidden_is_derivable(out, dims, 5)


# --- complementary suppression: properties -------------------------------------------------

VALUES = {
    "region": ["Nord", "Süd", "West"],
    "format": ["City", "Mall", "Outlet"],
    "tenure_band": ["<1", "1-5", ">5"],
    "wave": ["2024-H2", "2025-H1"],
}
DIMS = list(VALUES)


@st.composite
def organisations(draw):
    """Respondent rows of a random organisation: regions × formats × tenure bands × waves,
    each group 0–10 respondents (sometimes more), scores 1–5."""
    levels = {d: VALUES[d][: draw(st.integers(1, len(VALUES[d])))] for d in DIMS}
    keys = list(itertools.product(*levels.values()))
    sizes = draw(
        st.lists(
            st.one_of(st.integers(0, 10), st.integers(0, 10), st.integers(11, 30)),
            min_size=len(keys),
            max_size=len(keys),
        )
    )
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    rows = [
        (*k, int(rng.integers(1, 6)))
        for k, size in zip(keys, sizes, strict=True)
        for _ in range(size)
    ]
    frame = pl.DataFrame(rows, schema=[*DIMS, "score"], orient="row").with_columns(
        pl.col("score").cast(pl.Float64)
    )
    return frame, levels, draw(st.integers(3, 8))


@st.composite
def views(draw, levels):
    """A random drill-down: some columns to group by and a filter on some columns."""
    group_by = draw(st.lists(st.sampled_from(DIMS), unique=True, max_size=4))
    filters = {}
    for d in draw(st.lists(st.sampled_from(DIMS), unique=True, max_size=3)):
        filters[d] = draw(
            st.lists(st.sampled_from(levels[d]), unique=True, min_size=1, max_size=len(levels[d]))
        )
    return group_by, filters


def _cells_of(row: dict, dims: list[str], cell_keys: list[tuple], filters=None) -> list[int]:
    """Indices of the cells a published row adds up (its level's columns fixed, filters)."""
    kept = [] if row["level"] == confidentiality.TOTAL else row["level"].split(",")
    filters = filters or {}
    return [
        i
        for i, key in enumerate(cell_keys)
        if all(key[dims.index(d)] == row[d] for d in kept)
        and all(key[dims.index(d)] in allowed for d, allowed in filters.items())
    ]


def _in_row_space(rref: list[list[Fraction]], pivots: list[int], vector: list[Fraction]) -> bool:
    v = list(vector)
    for row, p in zip(rref, pivots, strict=True):
        if v[p]:
            f = v[p]
            v = [a - f * b for a, b in zip(v, row, strict=True)]
    return not any(v)


def _rref(rows: list[list[int]], width: int) -> tuple[list[list[Fraction]], list[int]]:
    """Exact reduced row echelon form (fractions), independent of the module's SVD."""
    m = [[Fraction(x) for x in r] for r in rows]
    out, pivots, r = [], [], 0
    for col in range(width):
        pick = next((i for i in range(r, len(m)) if m[i][col]), None)
        if pick is None:
            continue
        m[r], m[pick] = m[pick], m[r]
        lead = m[r][col]
        m[r] = [x / lead for x in m[r]]
        for i in range(len(m)):
            if i != r and m[i][col]:
                f = m[i][col]
                m[i] = [a - f * b for a, b in zip(m[i], m[r], strict=True)]
        pivots.append(col)
        r += 1
    out = m[:r]
    return out, pivots


def _assert_nothing_hidden_is_derivable(published, dims, min_size, extra=()):
    """Exact check: no hidden cell, and no hidden figure of 0 < n < minimum, is a linear
    combination of the shown figures (``published`` holds the cells of ``dims`` and margins;
    ``extra`` are further views as (frame, filters))."""
    cells = published.filter(pl.col("level") == ",".join(dims))
    keys = list(cells.select(dims).iter_rows())
    n = cells["n"].to_list()
    unknown = [i for i, r in enumerate(cells.iter_rows(named=True)) if r["suppressed"]]
    col = {c: j for j, c in enumerate(unknown)}
    equations, hidden_groups = [], []
    for frame, filters in [(published, None), *extra]:
        for row in frame.iter_rows(named=True):
            members = _cells_of(row, dims, keys, filters)
            assert sum(n[i] for i in members) == row["n"]
            vector = [0] * len(unknown)
            for i in members:
                if i in col:
                    vector[col[i]] = 1
            if not row["suppressed"]:
                assert row["n"] >= min_size
                equations.append(vector)
            elif 0 < row["n"] < min_size or row["level"] == ",".join(dims):
                hidden_groups.append((row, vector))
    rref, pivots = _rref([e for e in equations if any(e)], len(unknown))
    for row, vector in hidden_groups:
        assert any(vector), row  # a hidden figure made only of shown cells is their sum
        assert not _in_row_space(rref, pivots, vector), row


@settings(max_examples=150, deadline=None, database=None)
@given(data=st.data(), org=organisations())
def test_no_hidden_group_can_be_derived_from_what_is_shown(data, org):
    frame, levels, min_size = org
    assume(frame.height > 0)
    full = confidentiality.safe_aggregate(frame, DIMS, ["score"], min_size=min_size)
    group_by, filters = data.draw(views(levels))
    view = confidentiality.safe_aggregate(
        frame, group_by, ["score"], min_size=min_size, dimensions=DIMS, filters=filters
    )

    # shown figures are the true means of groups of at least the minimum
    filtered = frame.filter(*[pl.col(d).is_in(v) for d, v in filters.items()]) if filters else frame
    for row in view.iter_rows(named=True):
        kept = [] if row["level"] == confidentiality.TOTAL else row["level"].split(",")
        part = filtered.filter(*[pl.col(d) == row[d] for d in kept]) if kept else filtered
        assert part.height == row["n"] > 0
        if row["suppressed"]:
            assert row["score"] is None
        else:
            assert row["n"] >= min_size
            assert row["score"] == pytest.approx(part["score"].mean())

    # the practical check: under every shown margin, along every dimension, the hidden
    # non-empty children are none, or at least two with at least the minimum together
    by_level = {lvl: f for (lvl,), f in full.partition_by("level", as_dict=True).items()}
    for row in full.filter(~pl.col("suppressed")).iter_rows(named=True):
        kept = [] if row["level"] == confidentiality.TOTAL else row["level"].split(",")
        for d in DIMS:
            if d in kept:
                continue
            child_level = ",".join(x for x in DIMS if x in kept or x == d)
            kids = (
                by_level[child_level].filter(*[pl.col(k) == row[k] for k in kept])
                if kept
                else by_level[child_level]
            )
            hid = kids.filter(pl.col("suppressed") & (pl.col("n") > 0))
            assert hid.height == 0 or (hid.height >= 2 and hid["n"].sum() >= min_size), (row, d)

            # the subtraction attack: shown total minus shown siblings = hidden remainder,
            # never a single hidden group
            shown = kids.filter(~pl.col("suppressed"))
            remainder = row["score"] * row["n"] - (shown["score"] * shown["n"]).sum()
            truth = frame.join(hid.select(d, *kept), on=[d, *kept])["score"].sum()
            assert remainder == pytest.approx(truth, abs=1e-6)
            assert hid.height != 1

    # the exact check over the whole cube and the drill-down together (a second view must
    # not help either): no hidden cell and no small hidden figure is a linear combination
    _assert_nothing_hidden_is_derivable(full, DIMS, min_size, extra=[(view, filters)])


@settings(max_examples=150, deadline=None, database=None)
@given(data=st.data(), org=organisations())
def test_differencing_two_shown_figures_never_yields_a_hidden_group(data, org):
    """Any shown figure alone, or minus another shown figure inside it (a region minus one of
    its formats; a region minus the same region filtered to two formats): after taking off the
    shown cells, the hidden cells left are none, or at least two with at least the minimum."""
    frame, levels, min_size = org
    assume(frame.height > 0)
    full = confidentiality.safe_aggregate(frame, DIMS, ["score"], min_size=min_size)
    group_by, filters = data.draw(views(levels))
    view = confidentiality.safe_aggregate(
        frame, group_by, ["score"], min_size=min_size, dimensions=DIMS, filters=filters
    )
    cells = full.filter(pl.col("level") == ",".join(DIMS))
    keys = list(cells.select(DIMS).iter_rows())
    n = cells["n"].to_list()
    hidden = {i for i, s in enumerate(cells["suppressed"]) if s}
    shown_sets = {frozenset()} | {
        frozenset(_cells_of(r, DIMS, keys, f))
        for table, f in ((full, None), (view, filters))
        for r in table.filter(~pl.col("suppressed")).iter_rows(named=True)
    }
    for bigger, smaller in itertools.permutations(shown_sets, 2):
        if smaller < bigger:
            rest = hidden & bigger - smaller
            assert not rest or (len(rest) >= 2 and sum(n[i] for i in rest) >= min_size), sorted(
                keys[i] for i in rest
            )
