"""Exports without a branch column (one survey link per branch, issue 15, point 9): the user
says "all rows belong to branch X" (by id or name) or maps an embedded-data column; without
either the message says both ways."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from loyalty import demo
from loyalty.importing.run import run_import
from loyalty.store import Store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    root = tmp_path_factory.mktemp("one")
    data = demo.generate(demo.DemoParams(n_branches=6, n_waves=1))
    base = root / "base.duckdb"
    store = Store(base)
    demo.seed_store(store, data)
    store.close()
    survey = demo.write_samples(data, root / "samples")[0]
    frame = pl.read_csv(
        survey.read_bytes().decode("cp1252").encode(), separator=";", infer_schema=False
    )
    one = frame.filter(pl.col("Filiale") == "B002").drop("Filiale")  # one branch's link
    return {
        "base": base,
        "file": one.write_csv(separator=";").encode(),
        "rows": one.height,
        "name": data.branches.filter(pl.col("branch_id") == "B002")["name"][0],
        "wave": data.waves["wave"][0],
    }


@pytest.fixture
def store(chain, tmp_path):
    path = tmp_path / "s.duckdb"
    path.write_bytes(chain["base"].read_bytes())
    s = Store(path)
    yield s
    s.close()


def test_without_a_branch_the_message_says_both_ways_forward(chain, store):
    out = run_import(store, chain["file"], "b.csv", "engagement", chain["wave"], actor="hr")
    assert not out.stored
    text = out.report.render_text("en")
    assert "assign an" not in text  # the old bare "assign a column" is gone
    assert "“embedded data” field such as “Filiale”" in text
    assert "command line: --branch B001" in text


@pytest.mark.parametrize("given", ["B002", "name"])
def test_all_rows_belong_to_one_branch(chain, store, given):
    branch = chain["name"] if given == "name" else given
    out = run_import(
        store,
        chain["file"],
        "b.csv",
        "engagement",
        chain["wave"],
        actor="hr",
        branch=branch,
    )
    assert out.stored, out.report.render_text("en")
    stored = store.sql(
        "SELECT branch_id, count(*) AS n FROM active_responses WHERE wave = ? GROUP BY 1",
        [chain["wave"]],
    )
    assert stored.rows() == [("B002", chain["rows"])]


def test_a_branch_column_and_a_branch_for_all_rows_conflict(chain, store):
    frame = pl.read_csv(chain["file"], separator=";", infer_schema=False)
    data = frame.with_columns(pl.lit("B003").alias("Filiale")).write_csv(separator=";").encode()
    out = run_import(
        store, data, "b.csv", "engagement", chain["wave"], actor="hr", branch="B002", lang="de"
    )
    assert not out.stored
    assert "zugleich angegeben, dass alle Zeilen zur Filiale „B002“ gehören" in (
        out.report.render_text("de")
    )


def test_an_embedded_data_column_can_be_mapped(chain, store):
    frame = pl.read_csv(chain["file"], separator=";", infer_schema=False)
    data = frame.with_columns(pl.lit("B002").alias("ED_store")).write_csv(separator=";").encode()
    out = run_import(
        store,
        data,
        "q.csv",
        "engagement",
        chain["wave"],
        mapping={"branch_id": "ED_store"},
        actor="hr",
    )
    assert out.stored, out.report.render_text("en")


def test_the_cli_branch_option(chain, tmp_path):
    db = tmp_path / "cli.duckdb"
    db.write_bytes(chain["base"].read_bytes())
    path = tmp_path / "link_b002.csv"
    path.write_bytes(chain["file"])
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTY_")}
    out = subprocess.run(
        [sys.executable, "-m", "loyalty", "import", str(path), "--kind", "engagement",
         "--wave", chain["wave"], "--branch", "B002", "--db", str(db), "--lang", "en"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    store = Store(db)
    try:
        n = store.sql("SELECT count(*) AS n FROM active_responses WHERE branch_id = 'B002' "
                      "AND wave = ?", [chain["wave"]])["n"][0]  # fmt: skip
    finally:
        store.close()
    assert n == chain["rows"]
