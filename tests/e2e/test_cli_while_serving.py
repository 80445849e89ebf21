"""The command line and the app at the same time on the embedded store (issue 15, point 10):
while `python serve.py` runs, `loyalty import` and `loyalty versions` work on the same DuckDB
file (the server lets go of it between page runs), and the import shows at the next rerun."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from cli_run import loyalty
from playwright.sync_api import expect

from e2e.conftest import serve
from e2e.pages import BranchPage
from loyalty import demo

LABEL = "Engagement-Index (1–5)"


def survey_with_b042_all_fives(demo_data, folder: Path) -> Path:
    path = next(p for p in demo.write_samples(demo_data, folder) if "befragung" in p.name)
    lines = path.read_bytes().decode("cp1252").splitlines()
    header = lines[0].split(";")
    items = [i for i, h in enumerate(header) if h[:3] in ("MOT", "COM", "LEA", "KUN")]
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(";")
        if cells[1] == "B042":
            for i in items:
                cells[i] = "5" if header[i] not in ("COM3", "LEA3") else "1"
        out.append(";".join(cells))
    path.write_bytes(("\r\n".join(out) + "\r\n").encode("cp1252"))
    return path


@pytest.fixture(scope="module")
def served(demo_db, demo_data, tmp_path_factory, browser):
    folder = tmp_path_factory.mktemp("cli_served")
    db = folder / "served.duckdb"
    shutil.copy(demo_db, db)
    survey = survey_with_b042_all_fives(demo_data, folder / "samples")
    with serve(db, folder / "server.log") as url:
        yield url, db, survey


def test_an_import_from_the_command_line_shows_at_the_next_rerun(browser, served):
    url, db, survey = served
    expect.set_options(timeout=60_000)
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(60_000)
    try:
        branch = BranchPage(page, url).open("B042", lang="de")
        before = branch.metric(LABEL)
        assert before != "5,00"
        out = loyalty("versions", "--db", str(db), "--kind", "engagement", "--wave", "2025-H2")
        assert out.returncode == 0, out.stderr
        assert len(out.stdout.strip().splitlines()) == 2  # heading + version 1
        out = loyalty("import", str(survey), "--kind", "engagement", "--wave", "2025-H2",
                      "--db", str(db), "--lang", "en")  # fmt: skip
        assert out.returncode == 0, out.stdout + out.stderr
        assert "Stored: employee survey 2025-H2, version 2" in out.stdout
        page.reload()  # the app's next run
        expect(branch.metric_locator(LABEL)).to_contain_text("5,00", timeout=60_000)
    finally:
        context.close()
