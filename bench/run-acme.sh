#!/usr/bin/env bash
# bench/run-acme.sh [--clients 4] [--seconds 5] [--identifiers dns|ip] [--castellan-args "--Castellan:... v ..."] [--only pebble|castellan] [--tiered]
# Completed ACME orders/s end to end (newAccount, newOrder, http-01, finalize, download) with the same driver
# (bench/Castellan.Bench.Acme) against Debian's pebble and against Castellan, in the same run, on 127.0.0.1 only.
# dns identifiers are fresh names in a throwaway BIND zone (every name -> 127.0.0.1) that both servers resolve through;
# ip identifiers are 127.0.0.1-8 (RFC 8738) and need no DNS. The driver answers http-01 on one free port that both
# servers are told to use. Castellan is skipped with a message if its /acme/directory answers 404.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
CLIENTS=4 SECONDS_=5 IDS=dns CASTELLAN_EXTRA="" ONLY=both TIERED=0
while [ $# -gt 0 ]; do
  case $1 in
    --clients) CLIENTS=$2; shift 2;;
    --seconds) SECONDS_=$2; shift 2;;
    --identifiers) IDS=$2; shift 2;;
    --castellan-args) CASTELLAN_EXTRA=$2; shift 2;;
    --only) ONLY=$2; shift 2;;
    --tiered) TIERED=1; shift;;   # pebble or castellan: for quick iterations; comparisons use both (the default)
    *) echo "usage: $0 [--clients N] [--seconds S] [--identifiers dns|ip] [--castellan-args '...'] [--only pebble|castellan] [--tiered]" >&2; exit 2;;
  esac
done
for tool in pebble named openssl curl; do
  command -v $tool >/dev/null || { echo "$tool is missing: run tests/setup/install-packages.sh" >&2; exit 1; }
done

dotnet build src/Castellan.Server/Castellan.Server.csproj -c Release -v q -nologo >/dev/null
dotnet build bench/Castellan.Bench.Acme/Castellan.Bench.Acme.csproj -c Release -v q -nologo >/dev/null
DRIVER="$ROOT/bench/Castellan.Bench.Acme/bin/Release/net10.0/Castellan.Bench.Acme.dll"
SERVER="$ROOT/src/Castellan.Server/bin/Release/net10.0/Castellan.Server.dll"

WORK=$(mktemp -d /tmp/castellan-bench-acme.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/dns/named.pid" ] && kill "$(cat "$WORK/dns/named.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
port() { python3 tests/setup/free-port.py; }
HTTP01=$(port)
DOMAIN=bench.test
DRIVER_ARGS=(--clients "$CLIENTS" --seconds "$SECONDS_" --http-port "$HTTP01" --identifiers "$IDS" --domain "$DOMAIN")

# 1. BIND: the zone both servers resolve the dns identifiers in (no CAA record, so CAA allows any CA).
DNSPORT=$(port); mkdir -p "$WORK/dns"
cat > "$WORK/dns/named.conf" <<C
options { directory "$WORK/dns"; pid-file "$WORK/dns/named.pid"; session-keyfile "$WORK/dns/session.key";
  listen-on port $DNSPORT { 127.0.0.1; }; listen-on-v6 { none; }; recursion no; dnssec-validation no; notify no; };
controls { };
zone "$DOMAIN" { type primary; file "$WORK/dns/zone"; };
zone "${DOMAIN#*.}" { type primary; file "$WORK/dns/parent"; };
C
printf '$TTL 60\n@ IN SOA ns1 hostmaster 1 60 60 600 60\n@ IN NS ns1\nns1 IN A 127.0.0.1\n@ IN A 127.0.0.1\n* IN A 127.0.0.1\n' > "$WORK/dns/zone"
# CAA climbs to the parent (RFC 8659 §3: o1.bench.test, bench.test, test): serve an empty parent zone too, so that
# lookup answers NOERROR with no records instead of REFUSED (which a CA must treat as "do not issue").
printf '$TTL 60\n@ IN SOA ns1 hostmaster 1 60 60 600 60\n@ IN NS ns1\nns1 IN A 127.0.0.1\n' > "$WORK/dns/parent"
named -c "$WORK/dns/named.conf" -L "$WORK/dns/named.log"
for _ in $(seq 50); do dig +short +time=1 +tries=1 @127.0.0.1 -p "$DNSPORT" "x.$DOMAIN" A | grep -q 127.0.0.1 && break; sleep 0.1; done

# 2. Pebble with its own TLS test CA; http-01 on the driver's port, DNS from BIND.
mkdir -p "$WORK/pebble" && cd "$WORK/pebble"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.crt -days 2 -subj "/CN=Bench TLS Root" \
  -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout server.key -out server.csr -subj /CN=localhost 2>/dev/null
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -out server.crt \
  -extfile <(printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n') 2>/dev/null
cd "$ROOT"
PEBBLE_PORT=$(port) PEBBLE_MGMT=$(port)
cat > "$WORK/pebble/pebble.json" <<C
{"pebble": {"listenAddress": "127.0.0.1:$PEBBLE_PORT", "managementListenAddress": "127.0.0.1:$PEBBLE_MGMT",
 "certificate": "$WORK/pebble/server.crt", "privateKey": "$WORK/pebble/server.key",
 "httpPort": $HTTP01, "tlsPort": $(port), "ocspResponderURL": ""}}
C
# PEBBLE_VA_NOSLEEP: no random validation delay; NONCEREJECT=0: no deliberately refused nonces (default 5%).
# AUTHZREUSE=0: every order has a fresh account, so there is never a valid authorization to reuse; with the default
# (50%) pebble 2.4.0 deadlocked in its memory store after ~980 orders from 4 clients (all requests hung, goroutines in
# db/memorystore.go semacquire); with 0 it served 1,600 orders in one process without a hang.
PEBBLE_AUTHZREUSE=0 PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 pebble -config "$WORK/pebble/pebble.json" -dnsserver "127.0.0.1:$DNSPORT" > "$WORK/pebble/pebble.log" 2>&1 &
PEBBLE_PID=$!; PIDS+=("$PEBBLE_PID")
for _ in $(seq 100); do curl -fs --cacert "$WORK/pebble/ca.crt" "https://127.0.0.1:$PEBBLE_PORT/dir" >/dev/null && break; sleep 0.1; done

echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $CLIENTS clients, $SECONDS_ s timed, $IDS identifiers"
PEBBLE_OUT="" PEBBLE_RC=0
if [ "$ONLY" != castellan ]; then
set +e
PEBBLE_OUT=$(timeout 300 dotnet "$DRIVER" --directory "https://127.0.0.1:$PEBBLE_PORT/dir" --ca-cert "$WORK/pebble/ca.crt" \
  --server-pid "$PEBBLE_PID" --label pebble "${DRIVER_ARGS[@]}" 2>&1)
PEBBLE_RC=$?
set -e
echo "$PEBBLE_OUT" | grep -v '^RESULT'
fi
kill "$PEBBLE_PID"; wait "$PEBBLE_PID" 2>/dev/null || true   # idle from here on, but out of the way

# 3. Castellan from the Release build on a fresh data directory, its validator pointed at the driver and at BIND.
CAST_PORT=$(port)
# Like pebble: no rate limits (every order has a fresh account from 127.0.0.1, all under one registered domain; 0 turns
# a limit off), and a private-trust product (mtls), because the public TLS product's linter rightly refuses the
# bench's internal names (.test) and loopback addresses (BR 7.1.2.7.12).
CAST_BENCH=(--Castellan:Acme:ProductId prd_mtls --Castellan:Acme:RateLimits:NewAccountsPerAddress:Limit 0
  --Castellan:Acme:RateLimits:NewOrdersPerAccount:Limit 0 --Castellan:Acme:RateLimits:CertificatesPerRegisteredDomain:Limit 0)
ADMIN_KEY="cstl_bench-$(openssl rand -hex 16)"   # this run only; the server stores its hash
# DOTNET_TieredCompilation=0: steady state from the first timed order, as for pebble (compiled ahead of time). With
# tiering on, perf showed 42-72% of the server's CPU in a 5 s run on the background tier-1 JIT thread: warm-up cost of
# 30,000 JIT'd methods, not cost per order. --tiered keeps the runtime default.
# DOTNET_ReadyToRun=0 with it: without tiering the runtime never replaces precompiled (ReadyToRun) framework code, so
# Kestrel, sockets and System.Text.Json ran as R2R code all run long, which a tiered server re-JITs at tier 1 within its
# first minutes; with both off every method is JIT-compiled once, optimised, during start-up and warm-up (5.6 against
# 6.6-7.4 ms of server CPU per order in back-to-back runs).
TC=0 R2R=0; [ "$TIERED" = 1 ] && TC=1 R2R=1
# shellcheck disable=SC2086
DOTNET_TieredCompilation=$TC DOTNET_ReadyToRun=$R2R dotnet "$SERVER" --urls "http://127.0.0.1:$CAST_PORT" --data "$WORK/castellan" --Castellan:Bootstrap:AdminApiKey "$ADMIN_KEY" \
  --Logging:LogLevel:Default Warning --Castellan:Validation:HttpChallengePort "$HTTP01" \
  --Castellan:Validation:DnsResolvers:0 "127.0.0.1:$DNSPORT" "${CAST_BENCH[@]}" $CASTELLAN_EXTRA > "$WORK/castellan.log" 2>&1 &
CAST_PID=$!; PIDS+=("$CAST_PID")
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$CAST_PORT/health" >/dev/null && break; sleep 0.2; done
STATUS=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$CAST_PORT/acme/directory")
CAST_OUT=""
if [ "$ONLY" = pebble ]; then
  :
elif [ "$STATUS" = 404 ]; then
  echo "castellan: SKIPPED: http://127.0.0.1:$CAST_PORT/acme/directory answered 404: this build has no ACME server"
else
  set +e
  CAST_OUT=$(timeout 300 dotnet "$DRIVER" --directory "http://127.0.0.1:$CAST_PORT/acme/directory" \
    --server-pid "$CAST_PID" --label castellan "${DRIVER_ARGS[@]}" 2>&1)
  CAST_RC=$?
  set -e
  echo "$CAST_OUT" | grep -v '^RESULT'
  if [ "$CAST_RC" != 0 ]; then
    echo "castellan: the driver reported failures (exit $CAST_RC); last lines of the server log:"
    tail -n 20 "$WORK/castellan.log"
  fi
fi

# 4. Both figures and the ratios.
field() { echo "$1" | grep '^RESULT' | tr ' ' '\n' | sed -n "s/^$2=//p"; }
echo
printf '| system | orders/s | p50 ms | p99 ms | server CPU ms/order | driver CPU ms/order | failed |\n|---|---|---|---|---|---|---|\n'
for out in "$PEBBLE_OUT" "$CAST_OUT"; do
  [ -n "$out" ] && printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$(field "$out" label)" "$(field "$out" orders_per_s)" "$(field "$out" p50_ms)" \
    "$(field "$out" p99_ms)" "$(field "$out" cpu_ms_per_order)" "$(field "$out" driver_cpu_ms_per_order)" "$(field "$out" failures)"
done
if [ -n "$CAST_OUT" ] && [ -n "$PEBBLE_OUT" ]; then
  awk -v c="$(field "$CAST_OUT" orders_per_s)" -v p="$(field "$PEBBLE_OUT" orders_per_s)" \
      -v cc="$(field "$CAST_OUT" cpu_ms_per_order)" -v pc="$(field "$PEBBLE_OUT" cpu_ms_per_order)" \
      'BEGIN { printf "castellan / pebble: %.2fx orders/s, %.2fx server CPU per order\n", c / p, cc / pc }'
fi
exit "$PEBBLE_RC"
