#!/usr/bin/env bash
set -euo pipefail
D=$(realpath -m "$1")
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
[ -f "$D/data/postmaster.pid" ] && runuser -u postgres -- "$BIN/pg_ctl" -D "$D/data" -m fast stop >/dev/null
