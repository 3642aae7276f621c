#!/usr/bin/env bash
# start-postgres.sh DIR PORT: a throwaway PostgreSQL cluster on 127.0.0.1:PORT; superuser 'postgres' trusted from loopback.
set -euo pipefail
D=$(realpath -m "$1"); P=$2
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
OSU=postgres
id "$OSU" >/dev/null 2>&1 || useradd --system --no-create-home "$OSU"
mkdir -p "$D"; chown "$OSU" "$D"; chmod 700 "$D"
as() { if [ "$(id -un)" = "$OSU" ]; then "$@"; else runuser -u "$OSU" -- "$@"; fi; }
as "$BIN/initdb" -D "$D/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
# Durability settings stay at their defaults: the crash tests rely on committed rows surviving.
printf "listen_addresses='127.0.0.1'\nunix_socket_directories='%s'\nmax_connections=200\n" "$D" >> "$D/data/postgresql.conf"
printf "local all all trust\nhost all all 127.0.0.1/32 trust\n" > "$D/data/pg_hba.conf"
as "$BIN/pg_ctl" -D "$D/data" -o "-p $P" -l "$D/postgres.log" -w -t 60 start >/dev/null
echo "PostgreSQL on 127.0.0.1:$P"
