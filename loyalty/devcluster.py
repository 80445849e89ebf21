"""Several app servers behind nginx on one PostgreSQL store, locally (``make cluster``).

``start`` takes the store from ``$LOYALTY_DB`` when it is a ``postgresql://`` address, else
starts the local PostgreSQL of ``make pg`` (:mod:`loyalty.devdb`, folder ``.pg``); seeds the
demo data when the store is empty; starts N replicas (``python serve.py``, as ``make run``
does) on free local ports; and runs Debian's nginx (installed with apt-get when it is missing
and we are root) as the reverse proxy on one port: WebSockets passed on, sticky sessions by a
route cookie (see ``loyalty/nginx.conf.in``). Everything lives in one folder (``.cluster``):
nginx's configuration, pid and logs, each replica's log, and ``cluster.json`` (what runs).
nginx runs in the foreground of its own process (``daemon off``), not as a system service.

    python -m loyalty.devcluster start [--replicas N] [--port P] [--folder F]
    python -m loyalty.devcluster stop [--folder F]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import asdict, dataclass, field
from pathlib import Path

from loyalty import devdb
from loyalty.pgstore import shown
from loyalty.store import is_postgres, process_alive

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FOLDER = Path(".cluster")
TEMPLATE = Path(__file__).with_name("nginx.conf.in")
STATE = "cluster.json"


class ClusterError(RuntimeError):
    """nginx, PostgreSQL or a replica could not be installed or started; the message says why."""


@dataclass
class Replica:
    port: int
    pid: int
    log: str

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass
class Cluster:
    folder: str
    db: str
    listen: str
    nginx_pid: int
    replicas: list[Replica] = field(default_factory=list)
    #: The PostgreSQL folder this cluster started (stopped with it), or None.
    started_pg: str | None = None

    @property
    def url(self) -> str:
        host, port = self.listen.rsplit(":", 1)
        return f"http://{'127.0.0.1' if host in ('0.0.0.0', '*') else host}:{port}"

    def save(self) -> None:
        Path(self.folder, STATE).write_text(json.dumps(asdict(self), indent=2))

    @classmethod
    def load(cls, folder: Path) -> Cluster | None:
        try:
            data = json.loads((folder / STATE).read_text())
        except (OSError, ValueError):
            return None
        data["replicas"] = [Replica(**r) for r in data["replicas"]]
        return cls(**data)


def nginx() -> str | None:
    """nginx's binary (Debian keeps it in /usr/sbin, which may be outside PATH)."""
    found = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin:/sbin")
    return found


def install() -> str:
    """nginx's binary, installing Debian's ``nginx-light`` (else ``nginx``) when missing."""
    found = nginx()
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise ClusterError("nginx is not installed (Debian: apt-get install nginx-light)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], env=env, capture_output=True)
    for package in ("nginx-light", "nginx"):
        done = subprocess.run(
            ["apt-get", "install", "-y", "-qq", package], env=env, capture_output=True, text=True
        )
        if done.returncode == 0 and nginx():
            return nginx()
    raise ClusterError(f"apt-get install nginx failed: {done.stderr.strip()[-500:]}")


def render_config(folder: Path, listen: str, ports: list[int]) -> str:
    """nginx's configuration for replicas on ``ports`` (``loyalty/nginx.conf.in`` filled in)."""
    servers = "\n".join(
        f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;" for p in ports
    )
    text = TEMPLATE.read_text()
    for name, value in (("FOLDER", str(folder)), ("LISTEN", listen), ("SERVERS", servers)):
        text = text.replace(f"@{name}@", value)
    return text


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def _wait(url: str, proc: subprocess.Popen, log: Path, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _healthy(url):
            return
        if proc.poll() is not None:
            text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise ClusterError(f"{what} exited early:\n{text}")
        time.sleep(0.3)
    text = log.read_text(errors="replace")[-2000:] if log.exists() else ""
    raise ClusterError(f"{what} did not answer on {url} within {timeout:.0f} s:\n{text}")


def start_replica(
    folder: Path, index: int, db: str, *, env: dict[str, str] | None = None, timeout: float = 120
) -> Replica:
    """One ``python serve.py`` on a free local port (its own process group), once healthy."""
    port = devdb.free_port()
    log = folder / f"replica-{index}.log"
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "serve.py",
                "--server.address",
                "127.0.0.1",
                "--server.port",
                str(port),
                "--server.fileWatcherType",
                "none",
            ],
            cwd=ROOT,
            env={**os.environ, **(env or {}), "LOYALTY_DB": db},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives `make cluster`; not hit by its Ctrl-C
        )
    replica = Replica(port, proc.pid, str(log))
    try:
        _wait(replica.url, proc, log, timeout, f"replica {index}")
    except ClusterError:
        _terminate(proc.pid, "serve.py")
        raise
    return replica


def _store_address(pg_folder: Path) -> tuple[str, str | None]:
    """The store: ``$LOYALTY_DB`` if it is PostgreSQL, else the local PostgreSQL (and the
    folder, when this call started it)."""
    configured = os.environ.get("LOYALTY_DB", "")
    if is_postgres(configured):
        return configured, None
    was_running = devdb._running(pg_folder.resolve()) is not None
    try:
        server = devdb.start(pg_folder)
    except devdb.DevDbError as exc:
        raise ClusterError(f"PostgreSQL: {exc}") from exc
    return server.address(), None if was_running else str(pg_folder.resolve())


def seed_if_empty(db: str) -> None:
    """The demo data, unless the store has data (``loyalty demo --if-empty``)."""
    done = subprocess.run(
        [sys.executable, "-m", "loyalty", "demo", "--if-empty"],
        cwd=ROOT,
        env={**os.environ, "LOYALTY_DB": db},
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise ClusterError(f"seeding the store failed: {done.stderr.strip()[-800:]}")


def start(
    folder: Path = DEFAULT_FOLDER,
    *,
    replicas: int = 2,
    port: int | None = None,
    host: str = "127.0.0.1",
    db: str | None = None,
    pg_folder: Path = devdb.DEFAULT_FOLDER,
    env: dict[str, str] | None = None,
    seed: bool = True,
    timeout: float = 120,
) -> Cluster:
    """Start the store (unless ``db`` is given), ``replicas`` app servers and nginx on
    ``host:port`` (default: a free port); returns the running cluster (saved in ``folder``).
    Already running there: stop it first (:func:`stop`)."""
    if replicas < 1:
        raise ClusterError("at least one replica")
    folder = folder.resolve()
    running = Cluster.load(folder)
    if running is not None and process_alive(running.nginx_pid):
        raise ClusterError(f"a cluster runs in {folder} already: stop it first")
    auth = ((env or {}).get("LOYALTY_AUTH") or os.environ.get("LOYALTY_AUTH") or "none").lower()
    if auth == "none" and host not in ("127.0.0.1", "localhost", "::1"):
        raise ClusterError(
            f"nginx would listen on {host} while LOYALTY_AUTH=none: set LOYALTY_AUTH=password"
        )
    binary = install()
    (folder / "temp").mkdir(parents=True, exist_ok=True)
    started_pg = None
    if db is None:
        db, started_pg = _store_address(pg_folder)
    if seed:
        seed_if_empty(db)
    cluster = Cluster(str(folder), db, f"{host}:{port or devdb.free_port()}", 0, [], started_pg)
    # Streamlit signs its own cookies (XSRF, st.login) with server.cookieSecret, random per
    # process unless set: all replicas need the same one, or a browser moved to another
    # replica would be refused
    env = {"STREAMLIT_SERVER_COOKIE_SECRET": secrets.token_hex(32), **(env or {})}
    # the replicas share one folder of kept results (loyalty.results): the cluster's own,
    # unless $LOYALTY_RESULTS names another
    env.setdefault("LOYALTY_RESULTS", os.environ.get("LOYALTY_RESULTS") or str(folder / "results"))
    try:
        for index in range(1, replicas + 1):
            cluster.replicas.append(start_replica(folder, index, db, env=env, timeout=timeout))
            cluster.save()
        write_config(cluster)
        log = folder / "nginx-error.log"
        proc = subprocess.Popen(
            [binary, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(log)],
            stdout=subprocess.DEVNULL,
            stderr=(folder / "nginx.out").open("ab"),
            start_new_session=True,
        )
        cluster.nginx_pid = proc.pid
        cluster.save()
        _wait(cluster.url, proc, log, timeout, "nginx")
    except BaseException:
        stop(folder)
        raise
    return cluster


def write_config(cluster: Cluster) -> Path:
    folder = Path(cluster.folder)
    path = folder / "nginx.conf"
    path.write_text(render_config(folder, cluster.listen, [r.port for r in cluster.replicas]))
    return path


def _runs(pid: int, program: str) -> bool:
    """Whether ``pid`` still runs ``program`` (a pid in an old cluster.json may be reused)."""
    try:
        return program in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return False


def _terminate(pid: int, program: str, wait: float = 15) -> None:
    """SIGTERM the process group of ``pid`` (it leads one: ``start_new_session``) if it still
    runs ``program``; SIGKILL the group when it is still there after ``wait`` seconds."""
    if not process_alive(pid) or not _runs(pid, program):
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline and process_alive(pid):
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)
        time.sleep(0.1)
    if process_alive(pid):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def stop(folder: Path = DEFAULT_FOLDER) -> bool:
    """Stop nginx, the replicas and (if the cluster started it) PostgreSQL; False when no
    cluster was running there."""
    folder = folder.resolve()
    cluster = Cluster.load(folder)
    if cluster is None:
        return False
    _terminate(cluster.nginx_pid, "nginx")
    for replica in cluster.replicas:
        _terminate(replica.pid, "serve.py")
    if cluster.started_pg:
        devdb.stop(Path(cluster.started_pg))
    (folder / STATE).unlink(missing_ok=True)
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m loyalty.devcluster")
    parser.add_argument("command", choices=("start", "stop"))
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--replicas", type=int, default=2)
    parser.add_argument("--port", type=int, default=None, help="nginx's port (default: free)")
    parser.add_argument("--host", default="127.0.0.1", help="nginx's address")
    args = parser.parse_args(argv)
    try:
        if args.command == "stop":
            if not stop(args.folder):
                print(f"no cluster running in {args.folder}", file=sys.stderr)
            return 0
        cluster = start(args.folder, replicas=args.replicas, port=args.port, host=args.host)
    except (ClusterError, devdb.DevDbError) as exc:
        print(f"cluster: {exc}", file=sys.stderr)
        return 1
    for index, replica in enumerate(cluster.replicas, 1):
        print(f"replica {index}: {replica.url} (log {replica.log})")
    print(f"store: {shown(cluster.db)}")
    print(f"open: {cluster.url}   (stop: make cluster-stop)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
