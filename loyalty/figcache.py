"""Figures built once for the same inputs: a chart builder of :mod:`loyalty.charts` wrapped
in :func:`kept` returns the figure it built before when its arguments have the same content
(not the same objects: the pages get fresh copies of cached results on every run).

Building a figure is plotly's validating constructors, several milliseconds a chart; with
many sessions on one server they were a fifth of the server's time per action
(bench/RESULTS.md, "What the session of 2026-12-04 changed"). The key is the arguments'
content — polars frames by their schema and a hash of every row, numpy arrays by their bytes, plain
values by value, anything else by its pickle — so a figure is only ever handed out for
inputs that would build the very same figure: what one viewer's scope may not see cannot
reach another's. Inputs are the already suppressed frames the pages show, so the cache holds
nothing a page does not show.

A kept figure is shared: callers must not change it (:func:`loyalty.charts.presentation`
and the exports copy). Its ``to_dict`` is computed once (Streamlit asks for it on every
run, a deep copy of the whole figure each time)."""

from __future__ import annotations

import copy
import dataclasses
import functools
import hashlib
import pickle
import threading
import weakref
from collections import Counter, OrderedDict
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import polars as pl

#: Figures kept per process (least recently used first out). The demo's pages show about
#: 40 distinct figures per language; a branch's page 4.
MAX_FIGURES = 256
#: ... and at most this many values in their traces together (every array at any depth: x, y,
#: text, marker colours, error bars, …; about 50 bytes each with the kept dict) and labels
#: (the layout's annotations and shapes, one each): at 10,000 branches one link chart holds
#: ~50,000.
MAX_VALUES = 2_000_000

_PLAIN = (str, int, float, bool, type(None))


class Unkeyable(Exception):
    """An argument whose content cannot be told (it is not picklable)."""


class KeptFigure(go.Figure):
    """A figure handed out to several runs: its dict built once, on the first ask. Each ask
    gets its own top-level dict (plotly's pickling adds keys to it) around the same traces
    and layout (read only: plotly's ``to_json`` pops trace uids, which ours never set)."""

    def to_dict(self) -> dict:
        cached = self.__dict__.get("_kept_dict")
        if cached is None:
            cached = super().to_dict()
            self.__dict__["_kept_dict"] = cached
        return dict(cached)


def copy_of(fig: go.Figure) -> go.Figure:
    """A new figure equal to ``fig``, to change. ``go.Figure(fig)`` would read ``fig``'s
    traces in place (plotly takes each trace's ``type`` out of it while it copies and puts it
    back after): two sessions copying one kept figure at once could each see it without. A
    kept figure is copied from a deep copy of its kept dict instead."""
    if isinstance(fig, KeptFigure):
        return go.Figure(copy.deepcopy(fig.to_dict()))
    return go.Figure(fig)


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def fingerprint(value: Any) -> Any:
    """A hashable key of ``value``'s content: equal content gives an equal key."""
    if value is None or isinstance(value, (bool, int, str, bytes)):
        return (type(value).__name__, value)
    if isinstance(value, float):
        return ("float", value.hex())
    if isinstance(value, pl.DataFrame):
        return _frame(value)
    if isinstance(value, pl.Series):
        return ("series", value.name, _frame(value.to_frame()))
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            return ("object-array", value.shape, fingerprint(value.tolist()))
        return ("array", value.dtype.str, value.shape, _digest(np.ascontiguousarray(value).data))
    if isinstance(value, np.generic):
        return fingerprint(value.item())
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, _PLAIN) for v in value):  # e.g. names: one pickle, not a walk
            return (type(value).__name__, _digest(pickle.dumps(value, protocol=5)))
        return (type(value).__name__, tuple(fingerprint(v) for v in value))
    if isinstance(value, Mapping):
        items = list(value.items())
        if all(isinstance(k, _PLAIN) and isinstance(v, _PLAIN) for k, v in items):
            return ("map", _digest(pickle.dumps(items, protocol=5)))
        return ("map", tuple((fingerprint(k), fingerprint(v)) for k, v in items))
    if isinstance(value, (set, frozenset)):
        return ("set", tuple(sorted(repr(fingerprint(v)) for v in value)))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (
            type(value).__qualname__,
            tuple((f.name, fingerprint(getattr(value, f.name))) for f in dataclasses.fields(value)),
        )
    try:
        return (type(value).__qualname__, _digest(pickle.dumps(value, protocol=5)))
    except Exception as exc:  # noqa: BLE001 - any object pickle refuses
        raise Unkeyable(type(value).__qualname__) from exc


def _frame(frame: pl.DataFrame) -> tuple:
    """A frame's content key; a frame the caches share (the same object on every run) is
    hashed once while it lives (polars frames are not changed in place here:
    tests/test_architecture.py)."""
    known = _FRAME_KEYS.get(id(frame))
    if known is not None and known[0]() is frame:
        return known[1]
    schema = tuple((name, str(dtype)) for name, dtype in frame.schema.items())
    if frame.width == 0 or frame.height == 0:
        key = ("frame", schema, frame.height)
    else:
        try:  # two seeds: 128 bits a row
            rows = np.stack([frame.hash_rows(seed=s).to_numpy() for s in (0, 1)])
        except Exception as exc:  # noqa: BLE001 - a column polars cannot hash (objects)
            raise Unkeyable("frame") from exc
        # hash_rows takes -0.0 and 0.0 for equal; the pages print "-0,0" and "0,0"
        signs = [
            np.signbit(frame.get_column(name).to_numpy())
            for name, dtype in frame.schema.items()
            if dtype.is_float()
        ]
        signed = _digest(np.packbits(np.concatenate(signs)).tobytes()) if signs else ""
        key = ("frame", schema, frame.height, _digest(rows.tobytes()), signed)
    ident = id(frame)
    # no lock here: a collection started by these allocations may run _forget in this
    # thread; a dict's single set, get and pop are atomic
    _FRAME_KEYS[ident] = (weakref.ref(frame, lambda _, i=ident: _forget(i)), key)
    return key


_FRAME_KEYS: dict[int, tuple[weakref.ref, tuple]] = {}


def _forget(ident: int) -> None:
    entry = _FRAME_KEYS.get(ident)
    if entry is not None and entry[0]() is None:  # not a newer frame at the same address
        _FRAME_KEYS.pop(ident, None)


def weight(fig: go.Figure) -> int:
    """The number of values in ``fig``'s traces (every array, at any depth: x, y, text,
    customdata, marker colours, error bars, a heatmap's rows) and of its layout's annotations
    and shapes (one each), plus one: its size in the budget of :data:`MAX_VALUES`."""
    data = fig.to_dict()
    layout = data.get("layout", {})
    labels = sum(len(layout.get(name, ())) for name in ("annotations", "shapes"))
    return 1 + _values(data["data"]) + labels


def _values(value: Any) -> int:
    """The values in the arrays inside ``value`` (scalars outside an array count nothing)."""
    if isinstance(value, dict):
        if "bdata" in value:  # plotly's typed array (base64), of any shape
            size = np.dtype(value.get("dtype", "f8")).itemsize
            return len(value["bdata"]) * 3 // 4 // max(1, size)
        return sum(_values(v) for v in value.values())
    if isinstance(value, (list, tuple)):
        return sum(_values(v) if isinstance(v, (dict, list, tuple)) else 1 for v in value)
    if isinstance(value, np.ndarray):
        return value.size
    return 0


class Bounded:
    """Values kept by key, at most ``size`` of them and ``budget`` in their weights together
    (None: no budget), the least recently used first out; safe across threads. The kept
    figures (:class:`Figures`) and the kept tables (:class:`loyalty.tablestyle.Tables`)."""

    def __init__(self, size: int, budget: int | None = None) -> None:
        self.size = size
        self.budget = budget
        self._kept: OrderedDict[Any, tuple[Any, int]] = OrderedDict()  # value and its weight
        self.held = 0  # the kept values' weights together
        self._lock = threading.Lock()

    def get(self, key: Any) -> Any | None:
        """The value kept under ``key`` (now the most recently used), or None."""
        with self._lock:
            entry = self._kept.get(key)
            if entry is None:
                return None
            self._kept.move_to_end(key)
            return entry[0]

    def add(self, key: Any, value: Any, weight: int = 1) -> Any:
        """Keep ``value`` under ``key`` unless another thread kept one meanwhile; the value
        kept. The oldest go until the size and the budget hold."""
        with self._lock:
            if key in self._kept:
                return self._kept[key][0]
            self._kept[key] = (value, weight)
            self.held += weight
            while len(self._kept) > self.size or (
                self.budget is not None and self.held > self.budget
            ):
                _, (_, old) = self._kept.popitem(last=False)
                self.held -= old
            return value

    def values(self) -> list[Any]:
        """The kept values, the oldest first."""
        with self._lock:
            return [v for v, _ in self._kept.values()]

    def __len__(self) -> int:
        return len(self._kept)


class Figures:
    """The kept figures of one process, at most ``size`` of them and ``values`` values in
    their traces together (:func:`weight`), safe across threads."""

    def __init__(self, size: int = MAX_FIGURES, values: int = MAX_VALUES) -> None:
        self.values = values
        self._kept = Bounded(size, values)
        self._lock = threading.Lock()
        self.built: Counter[str] = Counter()  # figures built per builder (kept or not)

    @property
    def held(self) -> int:
        """Values in the kept figures' traces."""
        return self._kept.held

    def get(self, build: Callable[..., go.Figure], args: tuple, kwargs: dict) -> go.Figure:
        try:
            key = (
                build.__module__,
                build.__qualname__,
                pio.templates.default,  # Streamlit's theme once it is imported
                fingerprint(args),
                fingerprint(kwargs),
            )
        except Unkeyable:
            self.built[build.__qualname__] += 1
            return build(*args, **kwargs)
        fig = self._kept.get(key)
        if fig is not None:
            return fig
        fig = build(*args, **kwargs)
        with self._lock:
            self.built[build.__qualname__] += 1
        fig.__class__ = KeptFigure  # the same figure, its dict kept from now on
        size = weight(fig)  # builds the kept dict before any other thread can see the figure
        if size > self.values // 4:  # a figure too large to keep: never crowd out the rest
            return fig
        return self._kept.add(key, fig, size)

    def __len__(self) -> int:
        return len(self._kept)


FIGURES = Figures()


def kept(build: Callable[..., go.Figure]) -> Callable[..., go.Figure]:
    """``build`` with its figures kept in :data:`FIGURES` by the content of its arguments."""

    @functools.wraps(build)
    def wrapper(*args, **kwargs):
        return FIGURES.get(build, args, kwargs)

    wrapper.build = build  # the builder itself, always a new figure
    return wrapper
