#!/usr/bin/env bash
# Install everything and run the demo: a fresh embedded database with an example organization.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh
exec .venv/bin/fourfold demo "$@"
