"""Branches given by name instead of id (issue 15, point 8): matched by name or id regardless
of case, spaces and umlaut spellings; what does not match gets the closest branches as the
expected value; a branch whose name exists is never added again."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import polars as pl
import pytest

from loyalty import demo
from loyalty.importing.run import run_import
from loyalty.importing.validate import branch_key
from loyalty.store import Store

ROOT = Path(__file__).resolve().parents[2]


def test_branch_key():
    assert branch_key("Osnabrück Nord") == branch_key("  osnabrueck   NORD ")
    assert branch_key("München-Süd") == branch_key("Muenchen Sued")
    assert branch_key("B001") == branch_key(" b001 ") != branch_key("B010")
    # an Excel cell or a stored name in decomposed form (macOS) is the same name
    assert branch_key("Osnabru\u0308ck Nord") == branch_key("Osnabrück Nord")


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    root = tmp_path_factory.mktemp("names")
    data = demo.generate(demo.DemoParams(n_branches=12, n_waves=1))
    base = root / "base.duckdb"
    store = Store(base)
    demo.seed_store(store, data)
    store.close()
    survey = demo.write_samples(data, root / "samples")[0]
    frame = pl.read_csv(
        survey.read_bytes().decode("cp1252").encode(), separator=";", infer_schema=False
    )
    return {
        "base": base,
        "frame": frame,
        "names": dict(data.branches.select("branch_id", "name").iter_rows()),
        "wave": data.waves["wave"][0],
    }


@pytest.fixture
def store(chain, tmp_path):
    path = tmp_path / "s.duckdb"
    path.write_bytes(chain["base"].read_bytes())
    s = Store(path)
    yield s
    s.close()


def by_name(chain, spell=lambda name: name) -> pl.DataFrame:
    names = {k: spell(v) for k, v in chain["names"].items()}
    return chain["frame"].with_columns(pl.col("Filiale").replace_strict(names))


def spelt_otherwise(name: str) -> str:
    return "  " + name.upper().replace("Ü", "UE").replace("Ö", "OE").replace("Ä", "AE") + " "


@pytest.mark.parametrize("spell", [lambda n: n, spelt_otherwise])
def test_a_file_with_branch_names_imports_to_the_right_ids(chain, store, spell):
    data = by_name(chain, spell).write_csv(separator=";").encode()
    out = run_import(store, data, "hr.csv", "engagement", chain["wave"], actor="hr", lang="de")
    assert out.stored, out.report.render_text("de")
    assert "12 Filialen sind mit Namen oder anders geschriebener Nummer angegeben" in (
        out.report.render_text("de")
    )
    stored = store.sql(
        "SELECT branch_id, count(*) AS n FROM active_responses WHERE wave = ? GROUP BY 1 "
        "ORDER BY 1",
        [chain["wave"]],
    )
    expected = chain["frame"].group_by("Filiale").len().sort("Filiale")
    assert stored.rows() == expected.rows()


def test_one_branch_matched_by_its_id_written_otherwise_is_named_so(chain, store):
    frame = chain["frame"]
    first = frame["Filiale"][0]
    data = frame.with_columns(
        pl.when(pl.col("Filiale") == first)
        .then(pl.lit(first.lower()))
        .otherwise(pl.col("Filiale"))
        .alias("Filiale")
    )
    out = run_import(
        store, data.write_csv(separator=";").encode(), "hr.csv", "engagement", chain["wave"],
        actor="hr", lang="de",
    )  # fmt: skip
    assert out.stored
    assert (
        f"1 Filiale ist mit Namen oder anders geschriebener Nummer angegeben und wurde "
        f"zugeordnet: {first.lower()} → {first}"
    ) in out.report.render_text("de")


def test_names_in_decomposed_unicode_match(chain, store):
    """macOS writes "ü" as "u" + a combining diaeresis (NFD); the name is the same."""
    assert any(c in "äöüÄÖÜß" for name in chain["names"].values() for c in name)
    data = by_name(chain).write_csv(separator=";")
    nfd = unicodedata.normalize("NFD", data).encode("utf-8")
    assert nfd != data.encode("utf-8")
    out = run_import(store, nfd, "mac.csv", "engagement", chain["wave"], actor="hr", lang="en")
    assert out.stored, out.report.render_text("en")
    stored = store.sql(
        "SELECT branch_id, count(*) AS n FROM active_responses WHERE wave = ? GROUP BY 1 "
        "ORDER BY 1",
        [chain["wave"]],
    )
    assert stored.rows() == chain["frame"].group_by("Filiale").len().sort("Filiale").rows()


def test_an_unmatched_name_gets_the_closest_branches(chain, store):
    target, name = next(iter(chain["names"].items()))
    typo = name[:-1]  # "Osnabrück Nor"
    frame = by_name(chain).with_columns(
        pl.when(pl.col("Filiale") == name)
        .then(pl.lit(typo))
        .otherwise(pl.col("Filiale"))
        .alias("Filiale")
    )
    data = frame.write_csv(separator=";").encode()
    out = run_import(store, data, "hr.csv", "engagement", chain["wave"], actor="hr", lang="en")
    assert not out.stored
    problems = out.report.problems_frame("en")
    assert problems.height == frame.filter(pl.col("Filiale") == typo).height
    assert problems["expected"].str.starts_with(f"{target} {name}").all()
    assert f"“{typo}” – closest branches: {target} {name}" in out.report.render_text("en")


def test_adding_unknown_branches_never_duplicates_a_name(chain, store):
    data = by_name(chain).write_csv(separator=";").encode()
    out = run_import(
        store,
        data,
        "hr.csv",
        "engagement",
        chain["wave"],
        actor="hr",
        unknown_branches="add",
    )
    assert out.stored
    assert store.sql("SELECT count(*) AS n FROM branches")["n"][0] == 12


def test_an_ambiguous_name_is_not_guessed(chain, store):
    first, second = list(chain["names"])[:2]
    store.sql(  # two branches with one name
        "UPDATE branches SET name = (SELECT name FROM branches WHERE branch_id = ?) "
        "WHERE branch_id = ?",
        [first, second],
    )
    name = chain["names"][first]
    frame = chain["frame"].with_columns(
        pl.when(pl.col("Filiale") == first)
        .then(pl.lit(name))
        .otherwise(pl.col("Filiale"))
        .alias("Filiale")
    )
    out = run_import(
        store,
        frame.write_csv(separator=";").encode(),
        "hr.csv",
        "engagement",
        chain["wave"],
        actor="hr",
        lang="en",
    )
    assert not out.stored
    assert out.report.validation.unknown_branches == [name]


def test_the_cli_imports_names(chain, tmp_path):
    db = tmp_path / "cli.duckdb"
    db.write_bytes(chain["base"].read_bytes())
    path = tmp_path / "hr.csv"
    path.write_bytes(by_name(chain, spelt_otherwise).write_csv(separator=";").encode())
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTY_")}
    out = subprocess.run(
        [sys.executable, "-m", "loyalty", "import", str(path), "--kind", "engagement",
         "--wave", chain["wave"], "--db", str(db), "--lang", "en"],
        capture_output=True, text=True, cwd=ROOT, env=env, timeout=300,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert (
        "12 branches are given by name or by an id written otherwise and were matched" in out.stdout
    )
