"""Django's deployment check prints no warning with the production settings the README gives."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MARK = "# /etc/fourfold/fourfold.env"


def production_settings() -> dict[str, str]:
    """The settings of the README's environment file, one NAME=value a line."""
    text = (ROOT / "README.md").read_text()
    start = text.index(MARK)
    block = text[start : text.index("```", start)]
    pairs = (line.split("=", 1) for line in block.splitlines() if re.match(r"^[A-Z_]+=", line))
    return dict(pairs)


def test_check_deploy_finds_nothing_with_the_readme_production_settings(tmp_path: Path) -> None:
    settings = production_settings()
    assert {"FOURFOLD_HTTPS", "FOURFOLD_CSRF_TRUSTED_ORIGINS", "FOURFOLD_SECRET_KEY"} <= set(
        settings
    )
    # The README says to put a key of one's own there; a random one stands in for it.
    settings["FOURFOLD_SECRET_KEY"] = secrets.token_urlsafe(50)
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOURFOLD_")}
    env.update(settings, FOURFOLD_HOME=str(tmp_path), DJANGO_SETTINGS_MODULE="fourfold.settings")
    done = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == "System check identified no issues (0 silenced).\n"
