"""Where Fourfold keeps its files, importable before Django's settings are read."""

from __future__ import annotations

import os
from pathlib import Path


def home() -> Path:
    """The folder that holds the embedded database and the generated secret key."""
    path = Path(os.environ.get("FOURFOLD_HOME") or Path.home() / ".fourfold")
    path.mkdir(parents=True, exist_ok=True)
    return path
