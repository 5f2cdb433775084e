"""A real OpenID Connect provider on 127.0.0.1 for the single sign-on tests: a second Django
process running django-oidc-provider (tests/oidc_provider), with its own SQLite file, a client
for Fourfold and its people, made by the test; and Fourfold's settings pointed at it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fourfold import security, sso
from fourfold.accounts import oidc
from tests.oidc_provider.setup import CLIENT_ID, CLIENT_SECRET

ROOT = Path(__file__).resolve().parents[2]
NAME = "Example ID"
# Its people: username, password, email, first and last name.
PEOPLE = [
    ["ada", "provider pass one", "ada.lovelace@example.com", "Ada", "Lovelace"],
    ["grace", "provider pass two", "grace.hopper@example.com", "Grace", "Hopper"],
    ["unverified-eve", "provider pass three", "eve@example.com", "Eve", ""],
]


def _port() -> int:
    """A free port of the ones this branch's tests use (8400-8499)."""
    for port in range(8420, 8500):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port between 8420 and 8499")


@contextmanager
def provider(fourfold_url: str, home: Path) -> Iterator[str]:
    """The provider's issuer URL, serving until the block ends; it sends people back to
    FOURFOLD_URL's callback and, after signing out, to its sign-in page."""
    port = _port()
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="tests.oidc_provider.settings",
        OIDC_PROVIDER_DB=str(home / "provider.sqlite3"),
        OIDC_PROVIDER_URL=f"http://127.0.0.1:{port}",
        PYTHONPATH=str(ROOT),
    )
    setup = [
        sys.executable,
        "-m",
        "tests.oidc_provider.setup",
        f"{fourfold_url}/accounts/sso/callback/",
        f"{fourfold_url}/accounts/login/",
        json.dumps(PEOPLE),
    ]
    done = subprocess.run(setup, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    server = subprocess.Popen(
        [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    issuer = f"http://127.0.0.1:{port}/openid"
    try:
        _wait(f"{issuer}/.well-known/openid-configuration", server)
        yield issuer
    finally:
        server.terminate()
        server.wait(timeout=30)


def _wait(url: str, server: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the provider stopped: {server.stderr.read()!r}")  # type: ignore[union-attr]
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise AssertionError(f"the provider did not answer {url} within {seconds} s")


def environment(issuer: str) -> dict[str, str]:
    """The environment variables a deployment sets for this provider (the README's)."""
    return {
        "FOURFOLD_OIDC_ISSUER": issuer,
        "FOURFOLD_OIDC_CLIENT_ID": CLIENT_ID,
        "FOURFOLD_OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "FOURFOLD_OIDC_PROVIDER_NAME": NAME,
    }


def switch_on(settings: Any, environ: dict[str, str]) -> None:
    """Fourfold's settings as a process started with ENVIRON would have them (settings.py
    applies the same two functions)."""
    backends = [b for b in settings.AUTHENTICATION_BACKENDS if b != sso.BACKEND]
    for name, value in sso.applied(sso.oidc_settings(environ), backends, security.POLICY).items():
        setattr(settings, name, value)
    oidc._discovered.cache_clear()
