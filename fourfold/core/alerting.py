"""The rules of alerts, free of Django: each alert's state machine over periods, the
conditions read from whole arrays of statuses and actuals, the retry delays and the signature
of a webhook's body.

An alert is one (subscription, subject, condition). Each period of the subject gives an
observation: bad, good, or none (no data: the state does not move). A person who asked for k
periods in a row is told once the condition held k periods running (PENDING until then), and
told again when it has not held k periods running (RECOVERING until then), so that one bad
month pages nobody who asked for two.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]
F = npt.NDArray[np.float64]

OK, PENDING, FIRING, RECOVERING = 0, 1, 2, 3
STATES = ("ok", "pending", "firing", "recovering")
# Observations of one period.
NONE, GOOD, BAD = -1, 0, 1
# Transitions made by one observation.
QUIET, FIRED, RESOLVED = 0, 1, 2

# The conditions a person may choose, in the order the pages list them.
PERIOD_CONDITIONS = ("red", "worse", "above", "below")
CONDITIONS = (
    *PERIOD_CONDITIONS,
    "unlikely",
    "overdue",
    "action_due",
    "action_late",
    "initiative_behind",
    "comment",
)
CONDITION_NAMES = {
    "red": "turned red",
    "worse": "got worse",
    "above": "rose above a threshold",
    "below": "fell below a threshold",
    "unlikely": "unlikely to meet the year's target",
    "overdue": "data overdue",
    "action_due": "an action falls due",
    "action_late": "an action is late",
    "initiative_behind": "an initiative is behind",
    "comment": "a new comment",
}
FREQUENCIES = ("instant", "daily", "weekly")
MAX_PERIODS = 12  # the most periods in a row a person may ask for


def step(state: int, count: int, seen: int, k: int) -> tuple[int, int, int]:
    """The state, count and transition after one observation, for k periods in a row."""
    if k < 1:
        raise ValueError(f"an alert needs at least 1 period in a row, not {k}")
    if seen == NONE:
        return state, count, QUIET
    bad = seen == BAD
    if state in (OK, PENDING):
        if not bad:
            return OK, 0, QUIET
        count = count + 1 if state == PENDING else 1
        return (FIRING, 0, FIRED) if count >= k else (PENDING, count, QUIET)
    if bad:
        return FIRING, 0, QUIET
    count = count + 1 if state == RECOVERING else 1
    return (OK, 0, RESOLVED) if count >= k else (RECOVERING, count, QUIET)


def fold(
    seen: npt.ArrayLike, k: npt.ArrayLike, state: npt.ArrayLike = 0, count: npt.ArrayLike = 0
) -> tuple[Ints, Ints, Ints]:
    """`step` over whole arrays: observations (alerts × periods), each alert's k, starting
    state and count; returns the final states, counts and the transition at each period."""
    obs = np.atleast_2d(np.asarray(seen, dtype=np.int64))
    n, t = obs.shape
    ks = np.broadcast_to(np.asarray(k, dtype=np.int64), (n,))
    if (ks < 1).any():
        raise ValueError(f"an alert needs at least 1 period in a row, not {int(ks.min())}")
    st = np.broadcast_to(np.asarray(state, dtype=np.int64), (n,)).copy()
    ct = np.broadcast_to(np.asarray(count, dtype=np.int64), (n,)).copy()
    moves = np.zeros((n, t), dtype=np.int64)
    for j in range(t):
        col = obs[:, j]
        seen_now = col != NONE
        bad = col == BAD
        calm = (st == OK) | (st == PENDING)
        grown = np.where(
            calm, np.where(st == PENDING, ct + 1, 1), np.where(st == RECOVERING, ct + 1, 1)
        )
        # Calm and bad: count up to k, then fire. Calm and good: back to OK.
        fire = seen_now & calm & bad & (grown >= ks)
        pend = seen_now & calm & bad & (grown < ks)
        settle = seen_now & calm & ~bad
        # Firing and good: count up to k, then resolve. Firing and bad: firing again.
        resolve = seen_now & ~calm & ~bad & (grown >= ks)
        recover = seen_now & ~calm & ~bad & (grown < ks)
        again = seen_now & ~calm & bad
        st = np.select(
            [fire, pend, settle, resolve, recover, again],
            [FIRING, PENDING, OK, OK, RECOVERING, FIRING],
            st,
        )
        ct = np.select(
            [fire, pend, settle, resolve, recover, again], [0, grown, 0, 0, grown, 0], ct
        )
        moves[:, j] = np.select([fire, resolve], [FIRED, RESOLVED], QUIET)
    return st, ct, moves


def is_firing(state: int) -> bool:
    return state in (FIRING, RECOVERING)


# Observations from scores: status is the index in the node's scheme (0 the worst, -1 none).


def red(status: Ints) -> Ints:
    """Bad where a node is at its scheme's worst status."""
    s = np.asarray(status, dtype=np.int64)
    return np.where(s < 0, NONE, np.where(s == 0, BAD, GOOD))


def worse(status: Ints) -> Ints:
    """Bad where a node's status is worse than at its previous period with a status."""
    s = np.atleast_2d(np.asarray(status, dtype=np.int64))
    out = np.full(s.shape, NONE, dtype=np.int64)
    before = np.full(s.shape[0], -1, dtype=np.int64)
    for j in range(s.shape[1]):
        now = s[:, j]
        both = (now >= 0) & (before >= 0)
        out[:, j] = np.where(both, np.where(now < before, BAD, GOOD), NONE)
        before = np.where(now >= 0, now, before)
    return out


def crossed(actual: F, threshold: F, above: bool) -> Ints:
    """Bad where the actual is beyond the threshold (above it, or below it); none without
    an actual or a threshold."""
    a = np.asarray(actual, dtype=np.float64)
    limit = np.asarray(threshold, dtype=np.float64)
    if limit.ndim == 1 and a.ndim == 2:
        limit = limit[:, None]
    known = np.isfinite(a) & np.isfinite(limit)
    with np.errstate(invalid="ignore"):
        beyond = a > limit if above else a < limit
    return np.where(known, np.where(beyond, BAD, GOOD), NONE)


def observe(condition: str, status: Ints, actual: F, threshold: F) -> Ints:
    """The observations of a period condition for rows of statuses and actuals."""
    if condition == "red":
        return red(status)
    if condition == "worse":
        return worse(status)
    if condition in ("above", "below"):
        return crossed(actual, threshold, condition == "above")
    raise ValueError(f"'{condition}' is not a condition judged period by period")


# Delivery: how long to wait before trying again, and the signature of a webhook's body.


def backoff(attempt: int, base: float, cap: float = 6 * 3600.0) -> float:
    """Seconds before try number attempt + 1 after `attempt` failed ones: base, 2·base,
    4·base, … never more than `cap`."""
    if attempt < 1:
        raise ValueError("a retry follows at least one failed attempt")
    return float(min(cap, base * 2.0 ** (attempt - 1)))


def signature(secret: str, body: bytes) -> str:
    """The hex HMAC-SHA256 digest of a webhook's raw body with its channel's secret."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, header: str) -> bool:
    """Whether a signature header (`sha256=HEX`) is the body's, compared in constant time."""
    return hmac.compare_digest(header, f"sha256={signature(secret, body)}")


def check_conditions(chosen: Sequence[str]) -> list[str]:
    """The chosen conditions in their order; an unknown one is refused in one sentence."""
    wrong = [c for c in chosen if c not in CONDITIONS]
    if wrong:
        raise ValueError(f"'{wrong[0]}' is not a condition; choose among {', '.join(CONDITIONS)}")
    if not chosen:
        raise ValueError("choose at least one condition to hear about")
    return [c for c in CONDITIONS if c in chosen]
