"""A local PostgreSQL for trying the PostgreSQL store and for the tests (``make pg``).

Debian's ``postgresql`` (installed with apt-get when it is missing and we are root) runs from
a folder of our own (``initdb``) on a free local port, listening on 127.0.0.1 only, with
password-less sign-in for the local user ``loyalty``. PostgreSQL refuses to run as root: as
root, the folder is handed to the ``postgres`` system user and the server runs as that user.

    python -m loyalty.devdb start [FOLDER]   # prints the postgresql:// address
    python -m loyalty.devdb stop [FOLDER]
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

#: The folder ``make pg`` uses (gitignored).
DEFAULT_FOLDER = Path(".pg")
USER = "loyalty"
DATABASE = "loyalty"


class DevDbError(RuntimeError):
    """PostgreSQL could not be installed, set up or started; the message says why."""


@dataclass(frozen=True)
class Server:
    folder: Path
    port: int

    def address(self, database: str = DATABASE) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"


def binaries() -> Path | None:
    """The folder of ``initdb``/``pg_ctl`` (Debian keeps them out of PATH), newest version."""
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name))
    return Path(folders[-1]) if folders else None


def install() -> Path:
    """The binaries' folder, installing Debian's ``postgresql`` first when it is missing."""
    folder = binaries()
    if folder is not None:
        return folder
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise DevDbError("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        ["apt-get", "update", "-qq"],
        ["apt-get", "install", "-y", "-qq", "postgresql"],
    ):
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise DevDbError(f"{' '.join(command)} failed: {done.stderr.strip()[-500:]}")
    folder = binaries()
    if folder is None:
        raise DevDbError("apt-get installed postgresql, but its initdb/pg_ctl are not found")
    return folder


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(bin_dir: Path, args: list[str], *, as_postgres: bool) -> subprocess.CompletedProcess:
    command = [str(bin_dir / args[0]), *args[1:]]
    user = {"user": "postgres", "group": "postgres"} if as_postgres else {}
    return subprocess.run(command, capture_output=True, text=True, cwd="/", **user)


def start(
    folder: Path = DEFAULT_FOLDER, *, port: int | None = None, durable: bool = True
) -> Server:
    """Set up (first time) and start PostgreSQL in ``folder``; returns the running server.

    Already running there: returns it. ``durable=False`` (tests) turns off fsync."""
    folder = folder.resolve()
    running = _running(folder)
    if running is not None:
        return running
    bin_dir = install()
    as_postgres = os.geteuid() == 0
    data = folder / "data"
    folder.mkdir(parents=True, exist_ok=True)
    if as_postgres:
        shutil.chown(folder, "postgres", "postgres")
    if not (data / "PG_VERSION").exists():
        done = _run(
            bin_dir,
            ["initdb", "-D", str(data), "-U", USER, "--auth=trust", "-E", "UTF8", "--no-locale"]
            + ([] if durable else ["--no-sync"]),
            as_postgres=as_postgres,
        )
        if done.returncode != 0:
            raise DevDbError(f"initdb failed: {done.stderr.strip()[-800:]}")
    wanted = port or _saved_port(folder)
    for attempt in range(3):  # a free port may be taken in between (parallel test workers)
        port = wanted if wanted and attempt == 0 else free_port()
        options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        log_file = folder / "server.log"
        done = _run(
            bin_dir,
            ["pg_ctl", "-D", str(data), "-l", str(log_file), "-o", options, "-w", "start"],
            as_postgres=as_postgres,
        )
        if done.returncode == 0:
            break
    else:
        log = log_file.read_text(errors="replace")[-800:] if log_file.exists() else ""
        raise DevDbError(f"pg_ctl start failed: {done.stderr.strip()[-400:]} {log}".strip())
    (folder / "port").write_text(str(port))
    server = Server(folder, port)
    create_database(server, DATABASE)
    return server


def _saved_port(folder: Path) -> int | None:
    """The port of the folder's last start when it is free again (an address stays valid)."""
    try:
        port = int((folder / "port").read_text())
    except (OSError, ValueError):
        return None
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return None
    return port


def _running(folder: Path) -> Server | None:
    port_file = folder / "port"
    if not (folder / "data" / "postmaster.pid").exists() or not port_file.exists():
        return None
    server = Server(folder, int(port_file.read_text()))
    try:
        import psycopg

        psycopg.connect(server.address("postgres"), connect_timeout=2).close()
    except Exception:  # a stale pid file: start again
        return None
    return server


def create_database(server: Server, name: str, *, template: str | None = None) -> str:
    """Create database ``name`` (from ``template``) unless it exists; returns its address."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(server.address("postgres"), autocommit=True) as con:
        exists = con.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchall()
        if not exists:
            statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
            if template:
                statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
            con.execute(statement)
    return server.address(name)


def disconnect(server: Server, names: list[str]) -> None:
    """End every connection still open to these databases (tests: a store left open must
    not use up the server's connections; dropping each database would cost a checkpoint)."""
    import psycopg

    with psycopg.connect(server.address("postgres"), autocommit=True) as con:
        con.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ANY(%s)",
            [names],
        )


def stop(folder: Path = DEFAULT_FOLDER, *, mode: str = "fast") -> bool:
    """Stop the server of ``folder``; False when none was running there. ``mode``:
    pg_ctl's (``immediate`` skips the shutdown checkpoint: for a folder deleted next)."""
    folder = folder.resolve()
    data = folder / "data"
    if not (data / "postmaster.pid").exists():
        return False
    bin_dir = install()
    done = _run(
        bin_dir,
        ["pg_ctl", "-D", str(data), "-m", mode, "-w", "stop"],
        as_postgres=os.geteuid() == 0,
    )
    return done.returncode == 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in ("start", "stop"):
        print("usage: python -m loyalty.devdb start|stop [FOLDER]", file=sys.stderr)
        return 2
    folder = Path(args[1]) if len(args) > 1 else DEFAULT_FOLDER
    try:
        if args[0] == "start":
            print(start(folder).address())
        elif not stop(folder):
            print(f"no PostgreSQL running in {folder}", file=sys.stderr)
    except DevDbError as exc:
        print(f"PostgreSQL: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
