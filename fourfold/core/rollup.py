"""Roll-up of children's scores into their parent's: weighted mean, worst child or share met."""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from fourfold.core import segments
from fourfold.core.scoring import (
    SHARE_MET,
    FloatArray,
    IntArray,
    Scheme,
    SchemeError,
    percent_band_v,
    percent_score,
    percent_status,
    status_from_score_v,
)

__all__ = [
    "ROLLUPS",
    "rollup_v",
    "share_met",
    "status_from_score_v",
    "weighted_mean",
    "worst",
]

ROLLUPS = ("weighted_mean", "worst", "share_met")


def _present(score: float | None) -> bool:
    return score is not None and not math.isnan(score)


def _check_share_scheme(scheme: Scheme) -> None:
    if scheme.type != "percent_of_target":
        raise SchemeError(
            f"share_met reads its status from percent bands, "
            f"and scheme '{scheme.name}' is {scheme.type}"
        )


def weighted_mean(scores: Sequence[float | None], weights: Sequence[float]) -> float | None:
    """Weighted mean of the children that have a score; the others' weights are left out."""
    if len(scores) != len(weights):
        raise ValueError(f"{len(scores)} scores but {len(weights)} weights")
    if any(w < 0 for w in weights):
        raise ValueError("a weight cannot be negative")
    pairs = [(s, w) for s, w in zip(scores, weights, strict=True) if _present(s)]
    # Scaled by the largest weight of the children that have a score, as the bulk roll-up
    # does, so that tiny weights cannot underflow into a mean outside the children's scores
    # (a child without a score must not decide the scale: 5e-324 beside 0.5 gave 2 for 1.5).
    # Scaling by a power of two is exact, so ordinary weights give exactly the same mean.
    largest = max((w for _, w in pairs), default=0.0)
    if largest > 0:
        exponent = math.frexp(largest)[1]
        pairs = [(s, math.ldexp(w, -exponent)) for s, w in pairs]
    total = math.fsum(w for _, w in pairs)
    if total == 0:
        return None
    mean = math.fsum(s * w for s, w in pairs if s is not None) / total
    return min(max(mean, 0.0), 10.0)


def worst(scores: Sequence[float | None]) -> float | None:
    """Lowest score among the children that have one."""
    present = [s for s in scores if s is not None and _present(s)]
    return min(present) if present else None


def share_met(
    statuses_at_best: Sequence[bool | None], scheme: Scheme = SHARE_MET
) -> tuple[float | None, int | None]:
    """Score and status of the share (in percent) of scored children at their best status."""
    _check_share_scheme(scheme)
    counted = [bool(s) for s in statuses_at_best if s is not None]
    if not counted:
        return None, None
    share = Fraction(100 * sum(counted), len(counted))
    status = percent_status(share, scheme)
    return percent_score(float(share), status, scheme), status


def _edges(
    parent: npt.ArrayLike, weight: npt.ArrayLike, n_edges: int, n_parents: int
) -> tuple[IntArray, FloatArray]:
    parents = np.asarray(parent, dtype=np.int64)
    weights = np.asarray(weight, dtype=np.float64)
    if parents.shape != (n_edges,) or weights.shape != (n_edges,):
        raise ValueError(f"expected one parent and one weight for each of the {n_edges} edges")
    if parents.size and (parents.min() < 0 or parents.max() >= n_parents):
        raise ValueError(f"a parent index falls outside 0..{n_parents - 1}")
    if np.any(weights < 0):
        raise ValueError("a weight cannot be negative")
    return parents, weights


def rollup_v(
    child_scores: npt.ArrayLike,
    child_at_best: npt.ArrayLike,
    parent: npt.ArrayLike,
    weight: npt.ArrayLike,
    n_parents: int,
    method: str,
    scheme: Scheme | None = None,
) -> tuple[FloatArray, IntArray | None]:
    """Roll scores (edges x periods, NaN = none) up to parents; statuses only for share_met."""
    if method not in ROLLUPS:
        raise ValueError(f"'{method}' is not a roll-up: use weighted_mean, worst or share_met")
    scores = np.asarray(child_scores, dtype=np.float64)
    if scores.ndim != 2:
        raise ValueError(f"expected child scores as (edges, periods), got shape {scores.shape}")
    parents, weights = _edges(parent, weight, scores.shape[0], n_parents)
    present = ~np.isnan(scores)
    shape = (n_parents, scores.shape[1])
    if method == "worst":
        low = segments.segment_min(np.where(present, scores, np.inf), parents, n_parents, np.inf)
        return np.where(np.isinf(low), np.nan, low), None
    if method == "weighted_mean":
        # Scale each parent's weights, per period, by a power of two (exact) near the largest
        # weight of the children with a score, so that tiny weights cannot underflow into a
        # mean outside the children's scores.
        given = np.where(present, weights[:, None], 0.0)
        largest = segments.segment_max(given, parents, n_parents, 0.0)
        exponent = np.frexp(largest)[1]
        w = np.ldexp(given, -exponent[parents])
        total, weighted = segments.segment_sums(
            [w, w * np.where(present, scores, 0.0)], parents, n_parents
        )
        with np.errstate(all="ignore"):
            mean = np.clip(weighted / total, 0.0, 10.0)
        return np.where(total > 0, mean, np.nan), None

    scheme = SHARE_MET if scheme is None else scheme
    _check_share_scheme(scheme)
    at_best = np.broadcast_to(np.asarray(child_at_best, dtype=np.bool_), scores.shape)
    counted = segments.segment_count(present, parents, n_parents)
    met = segments.segment_count(present & at_best, parents, n_parents)
    flat_counted, flat_met = counted.reshape(-1), met.reshape(-1)
    with np.errstate(all="ignore"):
        share = np.where(flat_counted > 0, 100.0 * flat_met / flat_counted, np.nan)

    def exact(i: int) -> Fraction:
        return Fraction(100 * int(flat_met[i]), int(flat_counted[i]))

    score, status = percent_band_v(share, scheme, exact)
    return score.reshape(shape), status.reshape(shape)
