#!/usr/bin/env bash
# Install what Fourfold needs on Debian with Python 3.11, as root.
#   scripts/install.sh          the application (Python packages from uv.lock)
#   scripts/install.sh --test   plus PostgreSQL, Chromium and fonts for the test suite
set -euo pipefail
cd "$(dirname "$0")/.."

# WeasyPrint (the briefing books' PDF) needs Pango, HarfBuzz's subsetter and a font.
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core)
if [[ "${1:-}" == "--test" ]]; then
  packages+=(postgresql chromium poppler-utils)
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

# uv, at the version the lock file was made with: the one on PATH if it is that version,
# else installed by pip into a venv of its own outside the clone (~/.cache/fourfold/uv-VERSION:
# pip's own files are no part of the project), never into the system's Python, which Debian
# marks as externally managed. Debian's python3 has venv's pip only with
# python3-venv.
UV_VERSION=0.13.8
UV=uv
if ! command -v uv >/dev/null || [[ "$(uv --version | cut -d' ' -f2)" != "$UV_VERSION" ]]; then
  TOOLS="${XDG_CACHE_HOME:-$HOME/.cache}/fourfold/uv-$UV_VERSION"
  UV="$TOOLS/bin/uv"
  if [[ ! -x "$UV" || "$("$UV" --version | cut -d' ' -f2)" != "$UV_VERSION" ]]; then
    if ! python3 -c "import ensurepip, venv" 2>/dev/null; then
      echo "Installing Debian packages: python3-venv"
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    fi
    rm -rf "$TOOLS"
    python3 -m venv "$TOOLS"
    "$TOOLS/bin/python" -m pip install --quiet --disable-pip-version-check "uv==$UV_VERSION"
  fi
fi
export UV_PYTHON_DOWNLOADS=never
# Bytecode compiled once here: with PYTHONDONTWRITEBYTECODE set, every start of `fourfold`
# would otherwise compile Django from source again (about a second each time). The test
# command compiles only what its processes import, as they import it (20 s of CPU less than
# compiling every package installed).
if [[ "${1:-}" == "--test" ]]; then
  "$UV" sync --locked --quiet
else
  "$UV" sync --locked --compile-bytecode --quiet
fi
