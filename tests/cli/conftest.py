"""The scores of a group of DESIGN.md's rules, loaded and scored once per test module."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.design import GROUPS, Rows
from tests.conftest import Run


@pytest.fixture(scope="module")
def _results() -> dict[str, dict[str, Rows]]:
    return {}


@pytest.fixture
def results(
    request: pytest.FixtureRequest, _results: dict[str, dict[str, Rows]]
) -> Callable[[str], dict[str, Rows]]:
    """The rows of a group, loaded and scored by the first test that asks for them."""

    def get(name: str) -> dict[str, Rows]:
        if name not in _results:
            run: Run = request.getfixturevalue("fourfold")
            tmp: Path = request.getfixturevalue("tmp_path")
            _results[name] = GROUPS[name](run, tmp)
        return _results[name]

    return get
