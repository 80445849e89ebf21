"""The ``<store>.wanted`` marker (issue 15): a command waiting for the store's file asks the
serving app to let go of it; a marker left by a killed command must not keep the app letting go
after every query."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from loyalty import store, warming
from loyalty.store import Store


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait(timeout=30)
    return proc.pid


def _served(tmp_path) -> Store:
    """A store as the server opens it: lets go after a long idle time, or when asked."""
    return Store(tmp_path / "s.duckdb", release_after=600)


def test_a_marker_of_a_killed_command_is_ignored_and_removed(tmp_path):
    served = _served(tmp_path)
    try:
        marker = tmp_path / "s.duckdb.wanted"
        marker.write_text(f"{_dead_pid()}\n")
        served.sql("SELECT 1")
        assert served._con is not None  # still open: nobody waits
        assert not marker.exists()
    finally:
        served.close()


def test_a_marker_not_renewed_for_long_is_stale(tmp_path):
    served = _served(tmp_path)
    try:
        marker = tmp_path / "s.duckdb.wanted"
        marker.write_text(f"{os.getppid()}\n")  # a live process, but the marker is old
        old = time.time() - store.WANTED_STALE_SECONDS - 5
        os.utime(marker, (old, old))
        served.sql("SELECT 1")
        assert served._con is not None
        assert not marker.exists()
    finally:
        served.close()


def test_a_live_waiter_makes_the_app_let_go_at_once(tmp_path):
    served = _served(tmp_path)
    waiter = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        marker = tmp_path / "s.duckdb.wanted"
        marker.write_text(f"{waiter.pid}\n")
        served.sql("SELECT 1")
        assert served._con is None  # let go for the waiting command
        assert marker.exists()  # the waiter removes it once it has the file
    finally:
        waiter.kill()
        waiter.wait(timeout=30)
        served.close()


def test_a_waiting_command_leaves_its_pid_and_removes_the_marker_when_it_has_the_file(tmp_path):
    path = tmp_path / "s.duckdb"
    Store(path).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True);"
            " time.sleep(1.5); c.close(); sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    marker = tmp_path / "s.duckdb.wanted"
    seen: list[str] = []
    try:
        assert holder.stdout.readline().strip() == "ok"
        import threading

        def watch():
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not seen:
                if marker.exists():
                    seen.append(marker.read_text().strip())
                time.sleep(0.02)

        watcher = threading.Thread(target=watch)
        watcher.start()
        opened = Store(path, wait=30)
        watcher.join()
        opened.close()
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert seen and seen[0] == str(os.getpid())
    assert not marker.exists()


def test_a_running_process_is_alive_an_exited_unreaped_one_is_not():
    assert store.process_alive(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    stat = Path(f"/proc/{child.pid}/stat")
    try:
        # exited, not yet reaped: a zombie until wait() (os.kill(pid, 0) still succeeds)
        while stat.read_text().rsplit(")", 1)[1].split()[0] != "Z":
            time.sleep(0.01)
        assert not store.process_alive(child.pid)
    finally:
        child.wait(timeout=30)
    assert not store.process_alive(child.pid)
    assert not store.process_alive(0)


class _Clock:
    """The store's idle clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_page_run_reading_kept_values_keeps_the_file_open(tmp_path, monkeypatch):
    """A page run whose statistics are all cached makes no query, only kept reads (the
    revision): they count as use, so the watcher finds the file in use and does not let go
    (which cost the next page run about 20 ms to open it again)."""
    clock = _Clock()
    monkeypatch.setattr(store, "_clock", clock)
    served = Store(tmp_path / "s.duckdb", release_after=60)
    try:
        rev = served.revision()
        connection = served._con
        clock.now += 59
        assert served.revision() == rev  # a page run 59 s later: kept, and a use
        clock.now += 2
        assert not served._close_if_idle()  # 61 s after the last query, 2 s after the run
        assert served._con is connection and served._watcher.is_alive()
        clock.now += 60
        assert served._close_if_idle()  # 60 s without any use: let go
        assert served._con is None
        assert served.revision() == rev  # read again from the file, opened again
        assert served._con is not None and served._con is not connection
        assert served._watcher is not None and served._watcher.is_alive()  # watching it
    finally:
        served.close()


def test_an_idle_app_lets_go_within_a_tick_when_a_command_waits(tmp_path):
    """Between page runs no query ends: the watcher finds the waiting command's marker."""
    served = _served(tmp_path)  # 600 s of idle time before it would let go on its own
    waiter = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        served.sql("SELECT 1")
        assert served._con is not None
        (tmp_path / "s.duckdb.wanted").write_text(f"{waiter.pid}\n")
        assert warming.until(lambda: served._con is None, within=30, every=0.02)
        assert warming.until(lambda: served._watcher is None, within=30, every=0.02)
    finally:
        waiter.kill()
        waiter.wait(timeout=30)
        served.close()


def test_a_kept_read_lets_go_at_once_when_a_command_waits(tmp_path):
    served = _served(tmp_path)
    waiter = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        rev = served.revision()
        assert served._con is not None
        (tmp_path / "s.duckdb.wanted").write_text(f"{waiter.pid}\n")
        assert served.revision() == rev  # what was read holds: the file was held until now
        assert served._con is None  # and let go for the waiting command
    finally:
        waiter.kill()
        waiter.wait(timeout=30)
        served.close()


def _watchers(name: str) -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == f"loyalty-store-watch-{name}"]


def test_only_a_store_that_lets_go_has_a_watcher(tmp_path):
    held = Store(tmp_path / "held.duckdb")  # the CLI's and the tests' kind
    served = Store(tmp_path / "watched1.duckdb", release_after=600)
    try:
        held.sql("SELECT 1")
        assert held._watcher is None and not _watchers("held.duckdb")
        assert served._watcher is not None and _watchers("watched1.duckdb") == [served._watcher]
    finally:
        held.close()
        served.close()
    assert warming.until(lambda: not _watchers("watched1.duckdb"), within=30, every=0.02)


def test_closing_and_opening_again_at_once_leaves_one_watcher(tmp_path):
    served = Store(tmp_path / "watched2.duckdb", release_after=600)
    try:
        for _ in range(5):
            served.close()
            served.sql("SELECT 1")
        one = lambda: len(_watchers("watched2.duckdb")) == 1  # noqa: E731
        assert warming.until(one, within=30, every=0.02)
        assert served._watcher is _watchers("watched2.duckdb")[0]
    finally:
        served.close()


def test_a_failing_look_does_not_end_the_watch(tmp_path, monkeypatch, capsys):
    """An error while looking for a waiting command is said, and the next look lets go."""
    looks = []

    def wanted_after_a_failure(marker, **kwargs):
        looks.append(marker)
        if len(looks) == 1:
            raise OSError("the disk is gone for a moment")
        return True

    served = _served(tmp_path)
    try:
        served.sql("SELECT 1")
        monkeypatch.setattr(store, "file_wanted", wanted_after_a_failure)
        assert warming.until(lambda: served._con is None, within=30, every=0.02)
        assert len(looks) >= 2
        assert "letting go of s.duckdb failed" in capsys.readouterr().err
    finally:
        served.close()
