#!/usr/bin/env bash
# Install what Fourfold needs on Debian with Python 3.11, as root.
#   scripts/install.sh          the application (Python packages from uv.lock)
#   scripts/install.sh --test   plus PostgreSQL, Chromium and fonts for the test suite
set -euo pipefail
cd "$(dirname "$0")/.."

packages=()
if [[ "${1:-}" == "--test" ]]; then
  packages+=(postgresql chromium fonts-dejavu-core)
fi
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

UV_VERSION=0.13.8
if ! command -v uv >/dev/null || [[ "$(uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]]; then
  python3 -m pip install --quiet --disable-pip-version-check --root-user-action=ignore "uv==$UV_VERSION"
fi
export UV_PYTHON_DOWNLOADS=never
# Bytecode compiled once here: with PYTHONDONTWRITEBYTECODE set, every start of `fourfold`
# would otherwise compile Django from source again (about a second each time).
uv sync --locked --compile-bytecode --quiet
