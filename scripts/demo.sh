#!/usr/bin/env bash
# Install everything, then run the demo: a fresh embedded database holding Northwind Components,
# an example company made up for today, served until Ctrl+C. Sign in as demo, password demo.
#
#   bash scripts/demo.sh                  serve it on http://127.0.0.1:8000/
#   bash scripts/demo.sh --port 8080      on another port
#   bash scripts/demo.sh --host 0.0.0.0   on every network interface (name this machine in
#                                         FOURFOLD_ALLOWED_HOSTS to open it from another one)
#   bash scripts/demo.sh --no-serve       create the demo database (~/.fourfold/demo.sqlite3) only
#   bash scripts/demo.sh --help           these options, as `fourfold demo --help` tells them
#
# The options are `fourfold demo`'s: this script passes them on.
set -euo pipefail
cd "$(dirname "$0")/.."
for arg in "$@"; do
  if [[ "$arg" == "-h" || "$arg" == "--help" ]] && [[ -x .venv/bin/fourfold ]]; then
    exec .venv/bin/fourfold demo --help  # no need to install again to read the options
  fi
done
scripts/install.sh
exec .venv/bin/fourfold demo "$@"
