#!/usr/bin/env bash
# Install everything and run the whole test suite: lint, types, and the tests on SQLite
# and on a real PostgreSQL server that this script starts and stops itself.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install.sh --test
export FOURFOLD_HOME="$(mktemp -d)"
# The suite starts Python processes (its workers, the installed `fourfold` in a few tests): let
# Python keep the bytecode of our own modules too, instead of compiling them again at each start.
unset PYTHONDONTWRITEBYTECODE
unset FOURFOLD_DATABASE_URL

# PostgreSQL in a private directory on loopback; initdb refuses root, so run it as postgres.
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
PGDATA=$(mktemp -d) PGSOCK=$(mktemp -d)
chown postgres: "$PGDATA" "$PGSOCK"
PGPORT=${FOURFOLD_TEST_PGPORT:-54329}
runuser -u postgres -- "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 \
  --locale=C.UTF-8 >/dev/null
runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/log" -w -t 30 \
  -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGSOCK -c fsync=off" start >/dev/null
FUZZ_LOG=$(mktemp) FUZZ= MYPY_LOG=$(mktemp) MYPY=
trap '[ -n "$FUZZ" ] && kill -- -"$FUZZ" 2>/dev/null; [ -n "$MYPY" ] && kill "$MYPY" 2>/dev/null; wait 2>/dev/null; runuser -u postgres -- "$PGBIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null; rm -rf "$PGDATA" "$PGSOCK" "$FOURFOLD_HOME" "$FUZZ_LOG" "$MYPY_LOG"' EXIT
psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres \
  -c "CREATE ROLE fourfold LOGIN PASSWORD 'fourfold' CREATEDB" \
  -c "GRANT SET ON PARAMETER deadlock_timeout TO fourfold" \
  -c "CREATE DATABASE fourfold OWNER fourfold"
export FOURFOLD_TEST_POSTGRES="postgres://fourfold:fourfold@127.0.0.1:$PGPORT"

# The API fuzzing runs once, on PostgreSQL (the engine of multi-user installations, and the
# stricter one: a NUL byte fails only there). It waits on its server most of its two minutes,
# so it runs beside everything else (in a process group of its own, stopped with the script),
# and its result is told at the end. Arguments choose tests: then there is no fuzzing.
if [ $# -eq 0 ]; then
  echo "== API fuzzing on PostgreSQL, in the background"
  FOURFOLD_DATABASE_URL="$FOURFOLD_TEST_POSTGRES/fourfold" setsid .venv/bin/pytest \
    -p no:cacheprovider -q tests/api/test_fuzz.py >"$FUZZ_LOG" 2>&1 &
  FUZZ=$!
fi

echo "== ruff"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# mypy reads what the tests do not run; beside them, its result told at the end.
echo "== mypy, in the background"
.venv/bin/mypy fourfold tests benchmarks >"$MYPY_LOG" 2>&1 &
MYPY=$!

# Two workers: the machines have two cores; a worker that has run out of tests takes some of
# the other's (worksteal: 292 s against 313 s). schemathesis' plugin is for the fuzzing alone
# (it takes 1.3 s to import in each process).
echo "== tests on SQLite"
.venv/bin/pytest -p no:cacheprovider -p no:schemathesis -n 2 --dist worksteal --ignore=tests/api/test_fuzz.py "$@"
echo "== mypy"
status=0
wait "$MYPY" || status=$?
MYPY=
cat "$MYPY_LOG"
[ "$status" -eq 0 ] || exit "$status"
# Again on PostgreSQL, but for what does not touch the database's engine: the pure core, the
# documentation, the demo and the tests of SQLite files of their own (the `sqlite` mark), the
# browser walks, the access matrix (the policy's answers, the same on any engine; the writes it
# makes are tested on PostgreSQL by their own tests) and the scan of the sources for audit codes.
# Three workers on the two cores: these tests wait on the server a good part of their time.
echo "== tests on PostgreSQL"
FOURFOLD_DATABASE_URL="$FOURFOLD_TEST_POSTGRES/fourfold" .venv/bin/pytest -p no:cacheprovider \
  -p no:schemathesis -n 3 \
  -m "not browser and not sqlite" --ignore=tests/core --ignore=tests/demo --ignore=tests/test_documentation.py \
  --ignore=tests/accounts/test_matrix.py --ignore=tests/history/test_actions.py \
  --ignore=tests/api/test_fuzz.py "$@"

if [ -n "$FUZZ" ]; then
  echo "== API fuzzing on PostgreSQL"
  status=0
  wait "$FUZZ" || status=$?
  FUZZ=
  cat "$FUZZ_LOG"
  exit "$status"
fi
