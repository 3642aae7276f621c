#!/usr/bin/env bash
# bench/run.sh [--before COMMIT] [extra Castellan.Bench options]: every benchmark, each beside its baseline, on 127.0.0.1 only.
# --before COMMIT also builds the server as of COMMIT (git archive into a temporary directory) and runs the issuance
# benchmark against it in the same run, for before/after figures under the same machine load.
# Bounded: 3 issuance runs of --count certificates (2 min cap each), OCSP 2 x 40k requests + 2 x 5 s of wrk,
# CRLs of 100k and 1M entries (3 min cap each). A few minutes on 2 cores. Figures go to bench/results/latest.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
command -v cfssl >/dev/null || apt-get install -y -o DPkg::Lock::Timeout=900 --no-install-recommends golang-cfssl >/dev/null
command -v wrk >/dev/null || apt-get install -y -o DPkg::Lock::Timeout=900 --no-install-recommends wrk >/dev/null || true

dotnet build src/Castellan.Server/Castellan.Server.csproj -c Release -v q -nologo >/dev/null
dotnet build bench/Castellan.Bench/Castellan.Bench.csproj -c Release -v q -nologo >/dev/null

BEFORE_ARGS=()
if [ "${1:-}" = "--before" ]; then
  BEFORE_DIR=$(mktemp -d /tmp/castellan-before.XXXXXX)
  git archive "$2" | tar -x -C "$BEFORE_DIR"
  (cd "$BEFORE_DIR" && dotnet build src/Castellan.Server/Castellan.Server.csproj -c Release -v q -nologo >/dev/null)
  BEFORE_ARGS=(--baseline-server "$BEFORE_DIR/src/Castellan.Server/bin/Release/net10.0/Castellan.Server.dll" --baseline-label "$(git rev-parse --short "$2")")
  shift 2
fi

PG_ARGS=()
WORK=$(mktemp -d /tmp/castellan-bench-pg.XXXXXX); chmod 755 "$WORK"   # the postgres OS user must reach its cluster
cleanup() { tests/setup/stop-postgres.sh "$WORK/pg" 2>/dev/null || true; rm -rf "$WORK" "${BEFORE_DIR:-}"; }
trap cleanup EXIT
if ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then
  PORT=$(python3 tests/setup/free-port.py)
  tests/setup/start-postgres.sh "$WORK/pg" "$PORT"
  psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE castellan_bench" >/dev/null
  psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE castellan_bench_before" >/dev/null
  PG_ARGS=(--postgres "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=castellan_bench"
    --baseline-postgres "Host=127.0.0.1;Port=$PORT;Username=postgres;Database=castellan_bench_before")
fi

mkdir -p bench/results
nproc; grep -m1 'model name' /proc/cpuinfo
timeout 900 dotnet bench/Castellan.Bench/bin/Release/net10.0/Castellan.Bench.dll \
  --server "$ROOT/src/Castellan.Server/bin/Release/net10.0/Castellan.Server.dll" "${PG_ARGS[@]}" "${BEFORE_ARGS[@]}" \
  --out bench/results/latest.md "$@"
