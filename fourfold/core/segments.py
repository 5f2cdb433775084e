"""Per-segment sums, counts, minima and maxima of (rows, columns) arrays, without np.ufunc.at.

Row i belongs to segment `segment[i]`; the result has one row per segment. Sums add each
segment's rows in their order, one at a time, exactly as `np.add.at` does, so that the
results are the same to the last bit (np.bincount keeps that order; np.add.reduceat does
not, since it sums long runs pairwise).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

F = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]


def _cells(segment: Ints, n_cols: int) -> Ints:
    """The flat output cell of each input cell of a (len(segment), n_cols) array."""
    seg = np.asarray(segment, dtype=np.int64)
    cells: Ints = (seg * n_cols)[:, None] + np.arange(n_cols, dtype=np.int64)[None, :]
    return cells


def segment_sum(values: npt.ArrayLike, segment: Ints, n_segments: int) -> F:
    """Sum of each segment's rows, added in row order (as np.add.at does)."""
    return segment_sums([values], segment, n_segments)[0]


def segment_sums(values: list[npt.ArrayLike], segment: Ints, n_segments: int) -> list[F]:
    """segment_sum of several arrays of the same shape, sharing the work of placing them."""
    arrays = [np.asarray(v, dtype=np.float64) for v in values]
    n_rows, n_cols = arrays[0].shape
    if n_rows == 0:
        return [np.zeros((n_segments, n_cols)) for _ in arrays]
    cells = _cells(segment, n_cols).ravel()
    size = n_segments * n_cols
    sums: list[F] = []
    for a in arrays:
        total = np.bincount(cells, weights=a.ravel(), minlength=size)  # float64 with weights
        sums.append(np.asarray(total, dtype=np.float64).reshape(n_segments, n_cols))
    return sums


def segment_count(flags: npt.ArrayLike, segment: Ints, n_segments: int) -> Ints:
    """How many of each segment's rows are true, per column."""
    f = np.asarray(flags, dtype=np.bool_)
    seg = np.asarray(segment, dtype=np.int64)
    counts = np.zeros((n_segments, f.shape[1]), dtype=np.int64)
    if len(seg) == 0:
        return counts
    # Counts are exact in any order, so each segment's rows are summed as one run.
    if np.any(seg[1:] < seg[:-1]):
        order = np.argsort(seg, kind="stable")
        f, seg = f[order], seg[order]
    starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
    counts[seg[starts]] = np.add.reduceat(f, starts, axis=0, dtype=np.int64)
    return counts


def _extreme(values: npt.ArrayLike, segment: Ints, n_segments: int, fill: float, low: bool) -> F:
    v = np.asarray(values, dtype=np.float64)
    seg = np.asarray(segment, dtype=np.int64)
    squeeze = v.ndim == 1
    v2 = v[:, None] if squeeze else v
    out = np.full((n_segments, v2.shape[1]), fill)
    if len(seg):
        if np.any(seg[1:] < seg[:-1]):
            order = np.argsort(seg, kind="stable")
            v2, seg = v2[order], seg[order]
        starts = np.flatnonzero(np.r_[True, seg[1:] != seg[:-1]])
        ordered = seg
        ufunc = np.minimum if low else np.maximum
        found = ufunc.reduceat(v2, starts, axis=0)
        # As np.minimum.at / np.maximum.at into an array filled with `fill`.
        out[ordered[starts]] = ufunc(out[ordered[starts]], found)
    return out[:, 0] if squeeze else out


def segment_min(values: npt.ArrayLike, segment: Ints, n_segments: int, fill: float) -> F:
    """Smallest value of each segment's rows (1-D or per column), `fill` included."""
    return _extreme(values, segment, n_segments, fill, low=True)


def segment_max(values: npt.ArrayLike, segment: Ints, n_segments: int, fill: float) -> F:
    """Largest value of each segment's rows (1-D or per column), `fill` included."""
    return _extreme(values, segment, n_segments, fill, low=False)
