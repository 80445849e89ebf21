"""Faults: two imports of the same wave at once, a second process on a locked store, an export
killed half-way, a full disk and a read-only data directory during an import. Nothing is lost,
nothing is half-written, every message says why.

The tests run as root in CI, where permission bits do not apply; so a full disk is a file-size
limit (``RLIMIT_FSIZE``, writes fail with EFBIG as they would with ENOSPC), and a read-only data
directory is mode 0555 for a child that has dropped root's override capabilities
(``CAP_DAC_OVERRIDE`` …) from its bounding set, which survives the ``exec`` of Python.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from store_snapshot import snapshot

from loyalty import demo
from loyalty.importing import run
from loyalty.store import Store

ROOT = Path(__file__).resolve().parent.parent


def _survey(demo_data, folder: Path) -> Path:
    return next(p for p in demo.write_samples(demo_data, folder) if "befragung" in p.name)


def test_two_imports_of_the_same_wave_at_once_both_land_as_versions(demo_db, demo_data, tmp_path):
    db = tmp_path / "twice.duckdb"
    shutil.copy(demo_db, db)
    survey = _survey(demo_data, tmp_path)
    store = Store(db)
    outcomes, errors = [], []

    def one() -> None:
        try:
            outcomes.append(
                run.run_import(store, survey, kind="engagement", wave="2025-H2", actor="t")
            )
        except Exception as exc:  # noqa: BLE001 - the test reports any failure
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and all(o.stored for o in outcomes)
    versions = store.sql(
        "SELECT version, active, row_count FROM imports "
        "WHERE kind = 'engagement' AND wave = '2025-H2' ORDER BY version"
    )
    assert versions["version"].to_list() == [1, 2, 3]  # the demo's and both new ones
    assert versions["active"].to_list() == [False, False, True]
    rows = survey.read_bytes().count(b"\n") - 1
    assert versions["row_count"].to_list()[1:] == [rows, rows]
    active = store.sql("SELECT count(*) AS n FROM active_responses WHERE wave = '2025-H2'")["n"][0]
    assert active == rows  # one active version, not two summed
    store.close()


def test_a_second_process_on_a_locked_store_is_refused_clearly(demo_db, demo_data, tmp_path):
    db = tmp_path / "locked.duckdb"
    shutil.copy(demo_db, db)
    survey = _survey(demo_data, tmp_path)
    holder = Store(db)  # this process holds DuckDB's write lock (as a running server does)
    before = holder.sql("SELECT count(*) AS n FROM imports")["n"][0]
    done = subprocess.run(
        [sys.executable, "-m", "loyalty", "import", str(survey), "--kind", "engagement",
         "--wave", "2025-H2", "--db", str(db), "--lang", "en"],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0
    message = done.stderr + done.stdout
    assert "cannot be opened" in message and "Traceback" not in message
    assert holder.sql("SELECT count(*) AS n FROM imports")["n"][0] == before
    holder.close()


def test_an_export_killed_half_way_leaves_no_file_and_an_intact_store(demo_db, tmp_path):
    db = tmp_path / "export.duckdb"
    shutil.copy(demo_db, db)
    out = tmp_path / "deck.pptx"
    proc = subprocess.Popen(
        [sys.executable, "-m", "loyalty", "report", "--out", str(out), "--db", str(db)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    # kill half-way: once the progress says a slide is done and the next is being rendered
    # (the story is computed, the deck is not written yet)
    seen = []
    for line in proc.stdout:
        seen.append(line.rstrip())
        progress = re.match(r"\[\s*(\d+)%\]", line)
        if progress and 0 < int(progress.group(1)) < 100:
            proc.send_signal(signal.SIGKILL)
            break
    else:
        pytest.fail(f"the report never said it was half-way: {seen}")
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()  # never a half-written deck under the real name
    store = Store(db)
    assert store.sql("SELECT count(*) AS n FROM imports WHERE active")["n"][0] > 0
    table = store.sql("SELECT count(*) AS n FROM active_responses")["n"][0]
    store.close()
    assert table > 0


# --- a full disk and a read-only data directory during an import -----------------------------


def _import_cli(survey: Path, db: Path, lang: str, preexec) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loyalty", "import", str(survey), "--kind", "engagement",
         "--wave", "2025-H2", "--db", str(db), "--lang", lang],
        capture_output=True, text=True, cwd=ROOT, timeout=120, preexec_fn=preexec,
        env={k: v for k, v in os.environ.items() if not k.startswith("LOYALTY_")},
    )  # fmt: skip


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_unchanged(db: Path, before: dict, digest: str) -> None:
    assert _sha256(db) == digest  # not a byte of the store file changed
    wal = Path(f"{db}.wal")
    assert not wal.exists() or wal.stat().st_size == 0  # nothing half-written to replay
    assert snapshot(db) == before  # and it opens, with every version as it was


MESSAGES = {
    "disk_full": {
        "en": ("the disk holding the data directory {dir} is full", "Free up space"),
        "de": ("Der Datenträger mit dem Datenverzeichnis {dir} ist voll", "Schaffen Sie Platz"),
    },
    "not_writable": {
        "en": ("the data directory {dir} (or the file) is read-only", "write permission"),
        "de": ("Das Datenverzeichnis {dir} (oder die Datei) ist schreibgeschützt", "Schreibrechte"),
    },
}


def _assert_clear(done: subprocess.CompletedProcess, problem: str, lang: str, db: Path) -> None:
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert "Traceback" not in output and "Error:" not in output, output  # no DuckDB/Python text
    what, todo = MESSAGES[problem][lang]
    assert what.format(dir=db.parent) in output, output
    assert todo in output, output
    unchanged = {
        "en": "Nothing was stored; the data store is unchanged.",
        "de": "Es wurde nichts gespeichert; der Datenspeicher ist unverändert.",
    }
    assert unchanged[lang] in output, output


@pytest.fixture
def store_in_folder(demo_db, demo_data, tmp_path) -> tuple[Path, Path, Path]:
    """(data directory, a copy of the demo store in it, the demo's survey file elsewhere)."""
    folder = tmp_path / "data"
    folder.mkdir()
    db = folder / "store.duckdb"
    shutil.copy(demo_db, db)
    return folder, db, _survey(demo_data, tmp_path)


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_full_disk_during_an_import_is_reported_clearly_and_changes_nothing(
    store_in_folder, lang
):
    folder, db, survey = store_in_folder
    before, digest = snapshot(db), _sha256(db)
    limit = 64 * 1024  # any file may grow to 64 KiB, no more: the import's log does not fit

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a failed write, not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = _import_cli(survey, db, lang, full_disk)
    assert ("Storing the data" if lang == "en" else "Daten werden gespeichert") in done.stderr
    _assert_clear(done, "disk_full", lang, db)
    _assert_unchanged(db, before, digest)
    # with space again the same import goes through
    again = _import_cli(survey, db, lang, None)
    assert again.returncode == 0, again.stdout + again.stderr
    assert snapshot(db)["counts"]["imports"] == before["counts"]["imports"] + 1


def _read_only_for_us() -> None:
    """Make permission bits apply to this child even as root: drop the capabilities that
    override them from the bounding set (so ``exec`` does not give them back)."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop = 24
    for cap in (1, 2, 3):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH, CAP_FOWNER
        if libc.prctl(pr_capbset_drop, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


@pytest.mark.parametrize(
    ("lang", "file_too"),
    [("de", False), ("en", True)],
    ids=["directory-read-only-de", "directory-and-file-read-only-en"],
)
def test_a_read_only_data_directory_during_an_import_is_reported_clearly_and_changes_nothing(
    store_in_folder, lang, file_too
):
    folder, db, survey = store_in_folder
    before, digest = snapshot(db), _sha256(db)
    if file_too:
        db.chmod(0o444)
    folder.chmod(0o555)
    try:
        done = _import_cli(survey, db, lang, _read_only_for_us)
    finally:
        folder.chmod(0o755)
        db.chmod(0o644)
    _assert_clear(done, "not_writable", lang, db)
    _assert_unchanged(db, before, digest)
