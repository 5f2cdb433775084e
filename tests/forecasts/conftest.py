from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Run

from .scorecard import document


@pytest.fixture
def loaded(fourfold: Run, tmp_path: Path) -> Run:
    """The command line on a database holding tests/forecasts/scorecard.py's scorecard."""
    path = tmp_path / "acme.yaml"
    path.write_text(document())
    fourfold("load", str(path))
    return fourfold
