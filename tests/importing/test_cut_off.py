"""A file cut off mid-row (still being written, copied half) is refused, not imported with the
last respondent's answers missing (issue 15, point 3)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from loyalty import demo
from loyalty.importing.read import ReadError, read_file
from loyalty.importing.run import run_import
from loyalty.store import Store

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def chain(tmp_path_factory):
    root = tmp_path_factory.mktemp("cut")
    data = demo.generate(demo.DemoParams(n_branches=6, n_waves=1))
    base = root / "base.duckdb"
    store = Store(base)
    demo.seed_store(store, data)
    store.close()
    survey = demo.write_samples(data, root / "samples")[0]
    return {"base": base, "survey": survey.read_bytes(), "wave": data.waves["wave"][0]}


def _cut(data: bytes, fields_kept: int) -> bytes:
    """The file up to the last line's ``fields_kept``-th field (no line break at the end)."""
    body = data.rstrip(b"\r\n")
    start = body.rindex(b"\n") + 1
    last = body[start:].split(b";")
    return body[:start] + b";".join(last[:fields_kept])


def test_a_short_last_row_is_refused_with_its_row(chain):
    data = _cut(chain["survey"], 14)
    lines = data.count(b"\n") + 1
    with pytest.raises(ReadError) as exc:
        read_file(data, "befragung.csv")
    assert exc.value.key == "read.cut_off"
    assert exc.value.params == {"row": lines, "found": 14, "expected": 18}
    assert exc.value.message("de").startswith(
        f"Die letzte Zeile ({lines}) endet nach 14 von 18 Feldern: Die Datei sieht abgeschnitten "
        "aus"
    )
    assert "the file looks cut off" in exc.value.message("en")


def test_whole_files_and_files_without_trailing_empty_fields_are_read():
    whole = b"Filiale;Welle;MOT1;MOT2\nB001;2025-H2;4;5\nB002;2025-H2;3;3\n"
    assert read_file(whole, "a.csv").frame.height == 2
    # a cut right after a line break leaves whole rows: nothing to see (and nothing lost)
    assert read_file(whole[: whole.index(b"B002")], "a.csv").frame.height == 1
    # a hand-made file that leaves out trailing empty cells in every row is not cut off
    terse = b"Filiale;Welle;MOT1;MOT2\nB001;2025-H2;4\nB002;2025-H2;3\n"
    assert read_file(terse, "a.csv").frame.height == 2


def test_a_cut_off_file_of_long_rows_is_seen_too():
    """Rows longer than the first look at the file's end (16 KB): its last records are read
    from the longer tail, and the cut is still found."""
    comment = "x" * 20_000  # a free-text cell in every row, longer than 16 KB
    rows = [f"B{i:03d};2025-H2;4;{comment}" for i in range(1, 8)]
    data = ("Filiale;Welle;MOT1;Kommentar\n" + "\n".join(rows)).encode()
    cut = data[: data.rindex(b";")]  # the last row ends before its comment
    with pytest.raises(ReadError) as exc:
        read_file(cut, "lang.csv")
    assert exc.value.params == {"row": 8, "found": 3, "expected": 4}
    assert read_file(data, "lang.csv").frame.height == 7


def test_run_import_and_the_cli_store_nothing(chain, tmp_path):
    db = tmp_path / "cut.duckdb"
    db.write_bytes(chain["base"].read_bytes())
    data = _cut(chain["survey"], 10)
    store = Store(db)
    try:
        before = store.sql("SELECT count(*) AS n FROM imports")["n"][0]
        out = run_import(store, data, "b.csv", "engagement", chain["wave"], actor="hr")
        assert not out.stored and out.report.read_error[0] == "cut_off"
        assert store.sql("SELECT count(*) AS n FROM imports")["n"][0] == before
    finally:
        store.close()
    path = tmp_path / "befragung.csv"
    path.write_bytes(data)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LOYALTY_")}
    args = ["import", str(path), "--kind", "engagement", "--wave", chain["wave"]]
    out = subprocess.run(
        [sys.executable, "-m", "loyalty", *args, "--db", str(db), "--lang", "en"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )
    assert out.returncode == 1
    assert "ends after 10 of 18 fields: the file looks cut off" in out.stdout + out.stderr
