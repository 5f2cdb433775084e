"""The alert state machine, its conditions, retry delays and webhook signatures (pure)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from fourfold.core import alerting as a
from fourfold.core.alerting import BAD, FIRED, FIRING, GOOD, NONE, OK, PENDING, RECOVERING, RESOLVED


def scalar(seq: tuple[int, ...], k: int) -> tuple[int, int, list[int]]:
    state, count, moves = OK, 0, []
    for seen in seq:
        state, count, move = a.step(state, count, seen, k)
        moves.append(move)
    return state, count, moves


def test_one_bad_month_pages_nobody_who_asked_for_two_and_two_page_once() -> None:
    assert scalar((BAD,), 2) == (PENDING, 1, [0])
    assert scalar((BAD, BAD), 2) == (FIRING, 0, [0, FIRED])
    assert scalar((BAD, BAD, BAD, BAD), 2)[2] == [0, FIRED, 0, 0]
    assert scalar((BAD, GOOD, BAD), 2) == (PENDING, 1, [0, 0, 0])


def test_it_recovers_after_as_many_good_periods_in_a_row_and_no_data_moves_nothing() -> None:
    assert scalar((BAD, GOOD), 1) == (OK, 0, [FIRED, RESOLVED])
    assert scalar((BAD, BAD, GOOD), 2) == (RECOVERING, 1, [0, FIRED, 0])
    assert scalar((BAD, BAD, GOOD, BAD, GOOD, GOOD), 2)[2] == [0, FIRED, 0, 0, 0, RESOLVED]
    assert scalar((BAD, NONE, NONE, BAD), 2) == (FIRING, 0, [0, 0, 0, FIRED])


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_the_vectorised_fold_is_the_scalar_machine_for_every_sequence_of_six(k: int) -> None:
    seqs = list(itertools.product((NONE, GOOD, BAD), repeat=6))
    states, counts, moves = a.fold(np.array(seqs), k)
    for i, seq in enumerate(seqs):
        state, count, move = scalar(seq, k)
        assert (states[i], counts[i], list(moves[i])) == (state, count, move), seq


@pytest.mark.parametrize("start", [OK, PENDING, FIRING, RECOVERING])
def test_the_fold_goes_on_from_a_kept_state(start: int) -> None:
    seqs = list(itertools.product((NONE, GOOD, BAD), repeat=4))
    count = 1 if start in (PENDING, RECOVERING) else 0
    states, counts, moves = a.fold(np.array(seqs), 3, start, count)
    for i, seq in enumerate(seqs):
        state, c, move = start, count, []
        for seen in seq:
            state, c, m = a.step(state, c, seen, 3)
            move.append(m)
        assert (states[i], counts[i], list(moves[i])) == (state, c, move)


def test_it_refuses_fewer_than_one_period_in_a_row() -> None:
    with pytest.raises(ValueError, match="at least 1 period"):
        a.fold([[BAD]], 0)
    with pytest.raises(ValueError, match="at least 1 period"):
        a.step(OK, 0, BAD, 0)


def test_conditions_read_statuses_and_actuals() -> None:
    status = np.array([[-1, 2, 0, 0, 1, -1, 2]])
    assert a.red(status).tolist() == [[NONE, GOOD, BAD, BAD, GOOD, NONE, GOOD]]
    assert a.worse(status).tolist() == [[NONE, NONE, BAD, GOOD, GOOD, NONE, GOOD]]
    actual = np.array([[np.nan, 5.0, 10.0, 11.0]])
    assert a.crossed(actual, np.array([10.0]), above=True).tolist() == [[NONE, GOOD, GOOD, BAD]]
    assert a.crossed(actual, np.array([10.0]), above=False).tolist() == [[NONE, BAD, GOOD, GOOD]]
    assert a.crossed(actual, np.array([np.nan]), above=True).tolist() == [[NONE] * 4]
    with pytest.raises(ValueError, match="not a condition judged period by period"):
        a.observe("comment", status, actual, np.array([1.0]))


def test_retries_wait_twice_as_long_each_time_up_to_a_cap() -> None:
    assert [a.backoff(n, 30) for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert a.backoff(20, 30, cap=3600) == 3600
    with pytest.raises(ValueError):
        a.backoff(0, 30)


def test_a_signature_is_the_hex_hmac_sha256_of_the_raw_body() -> None:
    # Worked out once with `openssl dgst -sha256 -hmac s3cret`, as a receiver would.
    body = b'{"event": "alert"}'
    assert a.signature("s3cret", body) == (
        "3b7d9888fc4f579b2fdacd5ba2deb9ade8db0aaa8876c8d3680e72b8fdc06bcf"
    )
    assert a.verify("s3cret", body, "sha256=" + a.signature("s3cret", body))
    assert not a.verify("other", body, "sha256=" + a.signature("s3cret", body))


def test_conditions_are_checked_and_ordered() -> None:
    assert a.check_conditions(["comment", "red"]) == ["red", "comment"]
    with pytest.raises(ValueError, match="'purple' is not a condition"):
        a.check_conditions(["purple"])
    with pytest.raises(ValueError, match="at least one condition"):
        a.check_conditions([])
