#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the [postgres] tests: `. .ci/postgres.sh; start_postgres`.
# Exports LIANDAN_TEST_POSTGRES_URL and stops the cluster (and removes its files) on exit.
# initdb refuses to run as root, so as root the cluster belongs to the `postgres` user.

_pg_bin() {
    if ! command -v pg_ctl >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
        echo "installing PostgreSQL (Debian package)" >&2
        apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    local found
    found=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    echo "${found:-$(dirname "$(command -v pg_ctl)")}"
}

_pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

stop_postgres() {
    if [ -n "${_PG_DIR:-}" ] && [ -d "$_PG_DIR/data" ]; then
        _pg_as_owner "$_PG_BIN/pg_ctl" -D "$_PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    [ -n "${_PG_DIR:-}" ] && rm -rf "$_PG_DIR"
}

start_postgres() {
    _PG_BIN=$(_pg_bin)
    _PG_DIR=$(mktemp -d /tmp/liandan-pg.XXXXXX)
    trap stop_postgres EXIT
    [ "$(id -u)" = 0 ] && chown postgres "$_PG_DIR"
    local port
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    _pg_as_owner "$_PG_BIN/initdb" -D "$_PG_DIR/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    _pg_as_owner "$_PG_BIN/pg_ctl" -D "$_PG_DIR/data" -w -l "$_PG_DIR/log" \
        -o "-k $_PG_DIR -p $port -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
    export LIANDAN_TEST_POSTGRES_URL="postgresql://postgres@127.0.0.1:$port/postgres"
    echo "PostgreSQL $("$_PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
}
