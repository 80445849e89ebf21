"""Vectorised row bootstrap: resample weights, weighted moment matrices, batched solves.

A bootstrap resample of n rows is fully described by how often each row was drawn. The
resample indices are drawn as one (B, n) matrix (in chunks to bound memory) and turned into
counts; the cross-product matrix of every resample is then one matrix product
``counts @ (z_i * z_j)``, so B regressions cost a few BLAS calls instead of B model fits.
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from loyalty.courtesy import checkpoint

# Resample x row cells per counting pass: 2 MB of int64 indices, so the counting stays in
# cache (several times faster than one large pass) ...
COUNT_CELLS = 262_144
# ... and per yielded block: 16 MB of float counts, so the moment matrices come from few, large
# matrix products (many small BLAS calls stall when the other core is busy).
BLOCK_CELLS = 2_097_152


def resample_counts(
    n: int, n_boot: int, rng: np.random.Generator, dtype: type = float
) -> Iterator[np.ndarray]:
    """Yield (block, n) arrays: how often each row is drawn in each resample.

    The indices of each resample are drawn as rows of an index matrix, ``rng.integers(0, n,
    (chunk, n))``, the same stream as drawing the whole (n_boot, n) matrix at once.
    ``dtype``: float for matrix products; ``np.int32`` where the counts are only summed,
    gathered and multiplied elementwise (the same numbers in half the memory traffic).
    While :func:`shared_draws` is open, counts drawn before from a generator in the same
    state are given again (the same numbers; ``rng`` is left as if they were drawn).
    """
    n = max(n, 1)
    # every count is at most n: 16 bits hold them where n does
    kind = np.dtype(np.int16 if n <= 32767 else np.int32)
    if not _SHARED.users or n_boot * n * kind.itemsize > SHARED_BYTES:  # drawn as they go
        yield from _drawn(n, n_boot, rng, dtype)
        return
    key = (n, n_boot, pickle.dumps(rng.bit_generator.state))
    kept = _SHARED.get(key)
    if kept is None:
        compact = np.empty((n_boot, n), dtype=kind)
        row = 0
        for block in _drawn(n, n_boot, rng, compact.dtype):
            compact[row : row + len(block)] = block
            row += len(block)
        compact.flags.writeable = False
        kept = (compact, rng.bit_generator.state)
        _SHARED.put(key, kept)
    else:
        rng.bit_generator.state = kept[1]
    compact = kept[0]
    block = max(1, BLOCK_CELLS // n)
    for start in range(0, n_boot, block):
        checkpoint()
        yield compact[start : start + block].astype(dtype)


def _drawn(n: int, n_boot: int, rng: np.random.Generator, dtype: type) -> Iterator[np.ndarray]:
    block, sub = max(1, BLOCK_CELLS // n), max(1, COUNT_CELLS // n)
    for start in range(0, n_boot, block):
        checkpoint()  # between blocks a warm-up thread may step aside (loyalty.courtesy)
        size = min(block, n_boot - start)
        counts = np.empty((size, n), dtype=dtype)
        for first in range(0, size, sub):
            m = min(sub, size - first)
            idx = rng.integers(0, n, size=(m, n))
            idx += (np.arange(m, dtype=np.int64) * n)[:, None]
            counts[first : first + m] = np.bincount(idx.ravel(), minlength=m * n).reshape(m, n)
        yield counts


#: Bytes of counts :func:`shared_draws` keeps at most (the oldest go first): at 10,000 branches
#: a wave's statistics draw about 160 MB of 16-bit counts, drawn once instead of four times.
SHARED_BYTES = 256 * 2**20


class _Shared:
    """The counts kept while :func:`shared_draws` is open somewhere in the process."""

    def __init__(self) -> None:
        self.users = 0
        self.kept: OrderedDict[tuple, tuple[np.ndarray, dict]] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = 0

    def get(self, key: tuple) -> tuple[np.ndarray, dict] | None:
        with self.lock:
            kept = self.kept.get(key)
            if kept is not None:
                self.kept.move_to_end(key)
                self.hits += 1
            return kept

    def put(self, key: tuple, kept: tuple[np.ndarray, dict]) -> None:
        with self.lock:
            if not self.users:
                return  # closed meanwhile
            self.kept[key] = kept
            while sum(c.nbytes for c, _ in self.kept.values()) > SHARED_BYTES:
                self.kept.popitem(last=False)


_SHARED = _Shared()


@contextmanager
def shared_draws() -> Iterator[None]:
    """While open (in any thread, e.g. around a warm-up that computes many statistics over
    the same branches): resample counts are drawn once for each number of rows, number of
    resamples and generator state, and given again to whoever draws them (the same numbers as
    drawn anew, so every result is the same). They are kept compactly, at most
    :data:`SHARED_BYTES`, and dropped when the last user closes."""
    with _SHARED.lock:
        _SHARED.users += 1
    try:
        yield
    finally:
        with _SHARED.lock:
            _SHARED.users -= 1
            if not _SHARED.users:
                _SHARED.kept.clear()


#: Values per block of :class:`CountedSamples`: the cumulative counts are kept per block, and
#: a resample's count up to a value adds at most one block's counts to them.
CUM_BLOCK = 64


def _block_sums(counts: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """Row-wise sums of ``counts`` (B, n), or of ``counts * weights``, over blocks of
    :data:`CUM_BLOCK` columns (the last may be shorter): (B, ceil(n / CUM_BLOCK)); whole
    counts in 64 bits, weighted sums in float64."""
    b, n = counts.shape
    full = n // CUM_BLOCK * CUM_BLOCK
    main = counts[:, :full].reshape(b, -1, CUM_BLOCK)  # a view: each row's columns in blocks
    if weights is None:
        kind = np.int64 if np.issubdtype(counts.dtype, np.integer) else np.float64
        parts = [main.sum(-1, dtype=kind), counts[:, full:].sum(-1, dtype=kind, keepdims=True)]
    else:
        w = np.asarray(weights, dtype=np.float64)
        parts = [
            np.einsum("rkw,kw->rk", main, w[:full].reshape(-1, CUM_BLOCK), dtype=np.float64),
            np.einsum("rw,w->r", counts[:, full:], w[full:], dtype=np.float64)[:, None],
        ]
    return np.concatenate(parts if n > full else parts[:1], axis=1)


class CountedSamples:
    """Resamples given as row ``counts`` (B, n) over values sorted ascending: their order
    statistics and quantiles from cumulative counts, without expanding or sorting any
    resample (O(B n) instead of O(B n log n)). The cumulative counts are kept per block of
    :data:`CUM_BLOCK` values and completed inside one block where asked (one pass over the
    counts instead of a full cumulative sum, several times slower). ``weights`` (n,): also
    the count-weighted sums of them up to a value (:meth:`weighted_below`)."""

    def __init__(
        self, sorted_values: np.ndarray, counts: np.ndarray, weights: np.ndarray | None = None
    ) -> None:
        b, n = counts.shape
        self.values, self.n, self.rows, self.counts = sorted_values, n, np.arange(b), counts
        self._blocks = self._cumulative(_block_sums(counts))  # [:, k]: draws in blocks < k
        self.size = self._blocks[:, -1].astype(np.float64)
        self.weights = None if weights is None else np.asarray(weights, dtype=np.float64)
        if self.weights is not None:
            self._weighted = self._cumulative(_block_sums(counts, self.weights))
            self.total = self._weighted[:, -1]

    @staticmethod
    def _cumulative(sums: np.ndarray) -> np.ndarray:
        out = np.zeros((sums.shape[0], sums.shape[1] + 1), dtype=sums.dtype)
        np.cumsum(sums, axis=1, out=out[:, 1:])
        return out

    def _window(self, block: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Each row's counts (times ``weights``) in its ``block``: (B, CUM_BLOCK), zero past
        the last value."""
        cols = block[:, None] * CUM_BLOCK + np.arange(CUM_BLOCK)
        inside = cols < self.n
        cols = np.minimum(cols, self.n - 1)
        window = np.where(inside, self.counts[self.rows[:, None], cols], 0)
        return window if weights is None else window * weights[cols]

    def below(self, k: np.ndarray) -> np.ndarray:
        """How many draws of each resample are among its row's ``k`` smallest values."""
        return self._upto(self._blocks, k)

    def weighted_below(self, k: np.ndarray) -> np.ndarray:
        """The sum of ``weights`` over each resample's draws among the ``k`` smallest values
        (every draw counted)."""
        return self._upto(self._weighted, k, self.weights)

    def _upto(self, cumulative: np.ndarray, k: np.ndarray, weights=None) -> np.ndarray:
        """Each row's ``cumulative`` block sums completed up to its ``k``-th value."""
        k = np.asarray(k, dtype=np.int64)
        block = np.minimum(k // CUM_BLOCK, cumulative.shape[1] - 1)
        upto = np.arange(CUM_BLOCK) < (k - block * CUM_BLOCK)[:, None]
        inside = np.where(upto, self._window(block, weights), 0).sum(1, dtype=cumulative.dtype)
        return cumulative[self.rows, block] + inside

    def order_stat(self, j: np.ndarray) -> np.ndarray:
        """The j-th smallest (0-based) value of each resample."""
        j = np.asarray(j)
        # the first value whose cumulative count exceeds j lies in the first block whose
        # cumulative count does
        block = (self._blocks[:, 1:] <= j[:, None]).sum(1)
        block = np.minimum(block, self._blocks.shape[1] - 2)
        cum = self._blocks[self.rows, block][:, None] + np.cumsum(self._window(block), axis=1)
        pos = block * CUM_BLOCK + (cum <= j[:, None]).sum(1)
        return self.values[np.minimum(pos, self.n - 1)]

    def quantile(self, p: float) -> np.ndarray:
        """Each resample's ``p`` quantile, linear interpolation (R type 7, numpy's default)."""
        h = (self.size - 1) * p
        k = np.floor(h)
        low, high = self.order_stat(k), self.order_stat(np.minimum(k + 1, self.size - 1))
        return low + (h - k) * (high - low)


def cross_products(z: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Weighted cross products Z' diag(w) Z for every row of ``counts``: shape (B, p, p)."""
    i, j = np.triu_indices(z.shape[1])
    return symmetric(counts @ (z[:, i] * z[:, j]), z.shape[1])


def symmetric(flat: np.ndarray, p: int) -> np.ndarray:
    """(B, p, p) symmetric matrices from their upper triangles (B, p(p+1)/2), in the order of
    ``np.triu_indices(p)``."""
    i, j = np.triu_indices(p)
    out = np.empty((flat.shape[0], p, p))
    out[:, i, j] = flat
    out[:, j, i] = flat
    return out


def unit_cross_products(z: np.ndarray, unit: np.ndarray, n_units: int) -> np.ndarray:
    """Each unit's own cross products, summed over its rows: (n_units, p(p+1)/2) upper
    triangles. ``unit``: each row's unit, 0..n_units-1.

    A cluster bootstrap draws units whole, so a resample's moment matrix is ``counts @ this``
    (counts per unit) instead of a product over every row: with a unit in many rows (stacked
    cohorts) that is as many times less work, and no (rows × p²) matrix is ever held. Each
    unit's rows are laid side by side (zero rows fill up to the most rows of a unit), so all
    units' products are one stacked matrix product.
    """
    p = z.shape[1]
    i, j = np.triu_indices(p)
    out = np.zeros((n_units, len(i)))  # zero for a unit without a row
    if not len(unit):
        return out
    order = np.argsort(unit, kind="stable")
    us = unit[order]
    starts = np.flatnonzero(np.r_[True, us[1:] != us[:-1]])
    sizes = np.diff(np.r_[starts, len(us)])
    slot = np.arange(len(us)) - np.repeat(starts, sizes)  # each row's place in its unit
    depth = int(sizes.max())
    step = max(1, BLOCK_CELLS // (depth * p))
    for first in range(0, len(starts), step):
        last = min(first + step, len(starts))
        rows = slice(starts[first], starts[last] if last < len(starts) else len(us))
        padded = np.zeros((last - first, depth, p))
        padded[np.repeat(np.arange(last - first), sizes[first:last]), slot[rows]] = z[order[rows]]
        gram = np.matmul(padded.transpose(0, 2, 1), padded)
        out[us[starts[first:last]]] = gram[:, i, j]
    return out


def solve_stack(a: np.ndarray, b: np.ndarray, max_cond: float = 1e10) -> np.ndarray:
    """Solve a[k] x = b[k] for a stack of small systems; NaN where a[k] is (near) singular.

    Inputs should be standardised so that the condition-number cut-off is meaningful.
    """
    out = np.full(b.shape, np.nan)
    ok = np.isfinite(a).all(axis=(-2, -1)) & np.isfinite(b).all(axis=-1)
    if ok.any():
        with np.errstate(invalid="ignore", divide="ignore"):
            ok[ok] = np.linalg.cond(a[ok]) < max_cond
    if ok.any():
        out[ok] = np.linalg.solve(a[ok], b[ok][..., None])[..., 0]
    return out
