#!/usr/bin/env bash
# Runs every test of Castellan: installs what the tests need (apt packages), starts a throwaway PostgreSQL 15 on
# loopback, runs all test projects, and ends with one line "N passed, N failed, N skipped".
# Usage: ./test.sh [extra dotnet test arguments, e.g. --filter Category!=E2E]
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
work=$(mktemp -d /tmp/castellan-test.XXXXXX)
chmod 755 "$work"
export CASTELLAN_TEST_WORK="$work"

bash tests/setup/install-packages.sh || { echo "0 passed, 1 failed"; echo "installing test packages failed" >&2; exit 1; }

pg_port=$(python3 tests/setup/free-port.py)
if bash tests/setup/start-postgres.sh "$work/pg" "$pg_port" > "$work/pg.out" 2>&1; then
  export CASTELLAN_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Pooling=true;Maximum Pool Size=40"
else
  cat "$work/pg.out" >&2
  echo "0 passed, 1 failed"; echo "PostgreSQL did not start" >&2; exit 1
fi
cleanup() { bash tests/setup/stop-postgres.sh "$work/pg" >/dev/null 2>&1 || true; }
trap cleanup EXIT

results="$work/results"
dotnet build Castellan.slnx -c Release -v q -nologo 2>&1 | tail -n 30
build=${PIPESTATUS[0]}
if [ "$build" -ne 0 ]; then echo "0 passed, 1 failed"; echo "build failed" >&2; exit 1; fi
dotnet test Castellan.slnx -c Release --no-build --logger "trx" --results-directory "$results" "$@" 2>&1 | grep -vE '^\s*$'
status=${PIPESTATUS[0]}
python3 tests/setup/summarise-trx.py "$results"
summary=$?
[ "$status" -eq 0 ] && [ "$summary" -eq 0 ]
