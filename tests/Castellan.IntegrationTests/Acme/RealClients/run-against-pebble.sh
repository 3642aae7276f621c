#!/usr/bin/env bash
# Acme/RealClients/run-against-pebble.sh: runs the real-client scenarios (certbot, lego; http-01, dns-01 rfc2136,
# tls-alpn-01; renew; revoke; EAB) and the ACME bad-input scenarios (named bad requests, mutated JWS) against Debian's
# pebble instead of Castellan, to prove the runner (Support/AcmeClients.cs), the JWS mutation generator
# (Acme/BadInput/AcmeJwsMutations.cs) and the scenarios themselves. Pebble, BIND and the clients are started by the fixtures on
# free loopback ports. Needs certbot, python3-certbot-dns-rfc2136, lego, pebble, bind9 (tests/setup/install-packages.sh).
set -euo pipefail
cd "$(dirname "$0")/../../../.."
CASTELLAN_TEST_PEBBLE=1 dotnet test tests/Castellan.IntegrationTests/Castellan.IntegrationTests.csproj -c Release \
  --filter "Peer=pebble" --logger "console;verbosity=normal" "$@"
