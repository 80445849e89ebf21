"""Results kept across restarts: the statistics a store revision's dashboards computed, on
disk, so that a restarted server (or a second one beside it) reads them instead of computing
them again.

A :class:`Shelf` holds the results of one store revision, computed by one version of
``loyalty/`` with one minimum group size, in folders of its own::

    <root>/<store>/<revision>-<fingerprint>/<key>.pickle        results over every wave
    <root>/<store>/wave-<wave revision>-<fingerprint>/<key>.pickle   results of one wave

``<store>`` names the store's address, ``<fingerprint>`` the code of this package, the
versions of the libraries it computes with and the minimum group size in force: a change of
any gives another folder, so nothing computed under other rules is ever read. A result computed
from one wave's data alone is filed under that wave's revision
(:meth:`loyalty.store.Store.wave_revisions`: the wave's imports, the branch lists, the
questionnaire), so an import into one wave leaves the other waves' results to be read again.
Opening a shelf deletes its store's other folders (older revisions and wave revisions, older
code, another minimum): what a deleted version or purged answers contributed to goes with them.
What is kept is what the pages show (suppressed and scoped by
:class:`loyalty.dashboard.Dashboard`), as Python pickles: the folder needs the protection of the
store itself. Writes go to a temporary file first, so a reader never sees half a result; an
unreadable file counts as missing. ``$LOYALTY_RESULTS``
(:func:`loyalty.config.results_root`) chooses the root or turns this off.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any

from loyalty import confidentiality, config

#: Bumped when the layout or the meaning of the files changes.
FORMAT = 1
MISSING = object()
#: A temporary file this old was left by a writer that was killed (no write takes that long).
STALE_SECONDS = 600


#: The libraries the statistics are computed with: another version, another folder.
LIBRARIES = ("numpy", "polars", "scipy", "statsmodels", "plotly")


@cache
def code_fingerprint() -> str:
    """A digest of every Python file of this package and of the versions of the libraries that
    compute with it: other code, other folder."""
    digest = hashlib.sha256(str(FORMAT).encode())
    for name in LIBRARIES:
        digest.update(f"{name}={metadata.version(name)}".encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def canonical(value: Any) -> Any:
    """``value`` with every set ordered (a frozenset's order differs between processes), so
    that its ``repr`` names the same key in every process."""
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted((canonical(v) for v in value), key=repr)))
    if isinstance(value, tuple):
        return tuple(canonical(v) for v in value)
    if isinstance(value, list):
        return [canonical(v) for v in value]
    return value


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class Shelf:
    """The kept results of one store revision (see the module's docstring)."""

    def __init__(
        self,
        root: Path,
        store: str,
        revision: int,
        min_size: int,
        waves: Mapping[str, str] | None = None,
    ) -> None:
        """``waves``: each wave's revision (:meth:`loyalty.store.Store.wave_revisions`);
        without it, every result is filed under the store's revision."""
        rules = _digest(f"{code_fingerprint()}|min={min_size}")[:16]
        self.store_folder = Path(root) / _digest(store)[:16]
        self.folder = self.store_folder / f"{revision}-{rules}"
        self.wave_folders = {
            wave: self.store_folder / f"wave-{_digest(f'{wave}|{digest}')[:20]}-{rules}"
            for wave, digest in (waves or {}).items()
        }

    def _folder(self, wave: str | None) -> Path:
        return self.wave_folders.get(wave, self.folder) if wave is not None else self.folder

    def _path(self, key: Any, wave: str | None = None) -> Path:
        return self._folder(wave) / f"{_digest(repr(canonical(key)))[:32]}.pickle"

    def has(self, key: Any, wave: str | None = None) -> bool:
        """Whether a value is kept under ``key`` (without reading it); ``wave``: the one wave
        the value is computed from (None: it is computed from more)."""
        return self._path(key, wave).is_file()

    def load(self, key: Any, wave: str | None = None) -> Any:
        """The value kept under ``key`` (``wave``: see :meth:`has`), or :data:`MISSING`."""
        path = self._path(key, wave)
        try:
            data = path.read_bytes()
        except OSError:
            return MISSING
        try:
            return pickle.loads(data)  # noqa: S301 - written by this module only (see above)
        except Exception as exc:  # noqa: BLE001 - a damaged file is computed again
            print(f"results: {path.name} unreadable ({exc!r})", file=sys.stderr)
            return MISSING

    def save(self, key: Any, value: Any, wave: str | None = None) -> None:
        """Keep ``value`` under ``key`` (``wave``: see :meth:`has`); a failure to write (full
        disk, no permission) is said on stderr and otherwise ignored: the value is still in
        memory."""
        tmp = None
        folder = self._folder(wave)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as out:
                pickle.dump(value, out, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self._path(key, wave))
        except Exception as exc:  # noqa: BLE001 - keeping a result only saves time
            print(f"results: not kept in {folder} ({exc!r})", file=sys.stderr)
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)

    def forget_others(self) -> list[Path]:
        """Delete the store's other folders (other revisions and wave revisions, code or
        minimum) and what a killed writer left of a file in its own (a temporary file older
        than :data:`STALE_SECONDS`); returns what it deleted."""
        gone = []
        own = {self.folder, *self.wave_folders.values()}
        if self.store_folder.is_dir():
            for other in sorted(self.store_folder.iterdir()):
                if other not in own:
                    shutil.rmtree(other, ignore_errors=True)
                    gone.append(other)
        stale = time.time() - STALE_SECONDS
        for folder in sorted(own):
            for tmp in sorted(folder.glob("*.tmp")) if folder.is_dir() else ():
                with contextlib.suppress(OSError):
                    if tmp.stat().st_mtime < stale:
                        tmp.unlink()
                        gone.append(tmp)
        return gone


def open_shelf(address: str, revision: int, waves: Mapping[str, str]) -> Shelf | None:
    """The shelf of ``revision`` of the store at ``address`` (``waves``: its waves'
    revisions, :meth:`loyalty.store.Store.wave_revisions`) under the configured root (None
    when ``$LOYALTY_RESULTS`` is ``off``), with the store's other folders deleted."""
    root = config.results_root(address)
    if root is None:
        return None
    if not config.is_postgres(address):
        address = str(Path(address).resolve())  # one folder however the path is written
    shelf = Shelf(root, address, revision, confidentiality.minimum(), waves)
    shelf.forget_others()
    return shelf
