"""Every text an import stores passes the identifying-content scan (issue 15, point 5):
a value that looks like an e-mail, phone number, IP address, person's name or free text, or is
too long, is refused with row and column; so is a category with too many distinct values.
Nothing is stored then."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from loyalty import demo
from loyalty.importing import privacy
from loyalty.importing.run import run_import
from loyalty.store import Store

ROOT = Path(__file__).resolve().parents[2]


def test_text_reasons():
    values = pl.Series(
        [
            "Verkauf",
            "3-10",
            "<1",
            "anna.schmidt@example.de",
            "+49 541 1234567",
            "10.0.0.17",
            "Schmidt, Anna",
            "Anna Schmidt",
            "Frau Müller",
            "Ich arbeite gern hier. Die Kollegen sind nett.",
            "x" * 61,
            "Verkauf und Beratung",
            "2015-2020",
            None,
        ]
    )
    assert privacy.text_reasons(values).to_list() == [
        None,
        None,
        None,
        "email",
        "phone",
        "ip",
        "name",
        "name",
        "name",
        "free_text",
        "too_long",
        None,
        None,
        None,
    ]
    # a branch may be called after a person; e-mails are still refused
    assert privacy.text_reasons(pl.Series(["Anna Schmidt", "a@b.de"]), names=False).to_list() == [
        None,
        "email",
    ]


def test_category_limit_grows_with_respondents():
    assert privacy.category_limit(12, 5) == 12
    assert privacy.category_limit(200, 5) == 40
    assert privacy.category_limit(100_000, 5) == 50


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    root = tmp_path_factory.mktemp("texts")
    data = demo.generate(demo.DemoParams(n_branches=12, n_waves=1))
    base = root / "base.duckdb"
    store = Store(base)
    demo.seed_store(store, data)
    store.close()
    survey = demo.write_samples(data, root / "samples")[0]
    frame = pl.read_csv(
        survey.read_bytes().decode("cp1252").encode(), separator=";", infer_schema=False
    )
    return {"base": base, "frame": frame, "wave": data.waves["wave"][0]}


@pytest.fixture
def store(chain, tmp_path):
    path = tmp_path / "s.duckdb"
    path.write_bytes(chain["base"].read_bytes())
    s = Store(path)
    yield s
    s.close()


def _with(frame: pl.DataFrame, column: str, row: int, value: str) -> bytes:
    edited = frame.with_columns(
        pl.when(pl.int_range(pl.len()) == row)
        .then(pl.lit(value))
        .otherwise(pl.col(column))
        .alias(column)
    )
    return edited.write_csv(separator=";").encode("utf-8")


def _count(store: Store) -> int:
    return store.sql("SELECT count(*) AS n FROM imports")["n"][0]


@pytest.mark.parametrize(
    ("column", "value", "kind", "shown"),
    [
        ("Tätigkeitsbereich", "anna.schmidt@example.de", "identifying_email", None),
        ("Tätigkeitsbereich", "Schmidt, Anna", "identifying_name", None),
        ("Betriebszugehörigkeit (Jahre)", "0541 98765432", "identifying_phone", None),
        (
            "Tätigkeitsbereich",
            "Mein Chef ist Herr Meier und er ist nie da",
            "identifying_free_text",
            None,
        ),
        (
            "Tätigkeitsbereich",
            "Lorem ipsum " * 100_000,
            "identifying_too_long",
            ("Lorem ipsum " * 6)[:60] + " …",
        ),
    ],
)
def test_an_identifying_value_is_refused_and_nothing_stored(
    chain, store, column, value, kind, shown
):
    before = _count(store)
    data = _with(chain["frame"], column, 6, value)
    out = run_import(store, data, "s.csv", "engagement", chain["wave"], actor="hr", lang="de")
    assert not out.stored
    problems = out.report.validation.problems.filter(pl.col("kind") == kind)
    assert problems.select("row", "column", "value").rows() == [(8, column, shown or value)]
    usual = set(chain["frame"][column].to_list())
    assert set(problems["expected"][0].split(", ")) <= usual  # the column's usual values
    assert _count(store) == before
    stored = store.sql("SELECT count(*) AS n FROM responses WHERE role = ?", [value])["n"][0]
    assert stored == 0


def test_a_category_with_a_value_per_respondent_is_refused(chain, store):
    frame = chain["frame"].with_columns(
        ("P" + pl.int_range(pl.len()).cast(pl.String)).alias("Tätigkeitsbereich")
    )
    data = frame.write_csv(separator=";").encode()
    out = run_import(store, data, "s.csv", "engagement", chain["wave"], actor="hr", lang="en")
    assert not out.stored
    text = out.report.render_text("en")
    limit = privacy.category_limit(frame.height, 5)
    assert (
        f"Column “Tätigkeitsbereich” has {frame.height} distinct values; expected: at most "
        f"{limit}" in text
    )


def test_a_branch_list_with_an_email_as_region_is_refused(store):
    data = "Filiale;Name;Region;Format\nB001;Osnabrück Nord;chef@example.de;City\n".encode()
    mapping = {"branch_id": "Filiale", "name": "Name", "region": "Region", "format": "Format"}
    out = run_import(
        store, data, "b.csv", "branches", None, mapping=mapping, actor="admin", lang="en"
    )
    assert not out.stored
    assert "Row 2, column “Region”: “chef@example.de” holds an e-mail address" in (
        out.report.render_text("en")
    )


def test_the_cli_refuses_and_names_row_and_column(chain, tmp_path):
    db = tmp_path / "cli.duckdb"
    db.write_bytes(chain["base"].read_bytes())
    path = tmp_path / "befragung.csv"
    path.write_bytes(_with(chain["frame"], "Tätigkeitsbereich", 0, "10.1.2.3"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTY_")}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "loyalty",
            "import",
            str(path),
            "--kind",
            "engagement",
            "--wave",
            chain["wave"],
            "--db",
            str(db),
            "--lang",
            "de",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert out.returncode == 1, out.stdout + out.stderr
    assert "Zeile 2, Spalte „Tätigkeitsbereich“: „10.1.2.3“ ist eine IP-Adresse" in out.stdout
