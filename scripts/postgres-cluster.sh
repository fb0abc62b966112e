#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, nothing else: no durability
# (fsync, synchronous_commit and full_page_writes are off), gone on `stop`.
#
#   scripts/postgres-cluster.sh start DIR   initdb in DIR/data, start it, print the admin URL
#   scripts/postgres-cluster.sh stop DIR    stop it at once (-m immediate) and remove DIR
#   scripts/postgres-cluster.sh down DIR    stop it (-m fast: nothing committed is lost), keep DIR
#   scripts/postgres-cluster.sh crash DIR   stop it at once (-m immediate), keep DIR
#   scripts/postgres-cluster.sh up DIR      start it again in DIR, on the same port
#
# `start` prints (and writes to DIR/url) the admin connection string, over
# the unix socket in DIR with trust auth, e.g.
#   postgresql://postgres@/postgres?host=/tmp/pg.Xyz&port=23456
# TCP listens on 127.0.0.1 only and asks for a password (scram-sha-256).
# The login role `invitectl` (password `invitectl-test`, CREATEDB) owns the
# tests' databases; tests/support/postgres.rs knows the same password.
#
# The port is INVITECTL_TEST_PG_PORT if set, else a free one below the
# kernel's ephemeral range (so it never takes a port that a test was given
# by binding port 0). DIR/port holds it, DIR/bindir the PostgreSQL programs,
# DIR/postgres.log the server's log.
#
# Run as root (as CI is), the server runs as the `postgres` OS user, which
# must be able to reach DIR: DIR is chowned to it.
set -euo pipefail

role=invitectl
role_password=invitectl-test

die() {
  echo "postgres-cluster.sh: $*" >&2
  exit 1
}

usage() {
  die "usage: scripts/postgres-cluster.sh start|stop|down|crash|up DIR"
}

[ $# -eq 2 ] || usage
command=$1
dir=$2
case "$dir" in
  /*) ;;
  *) dir="$PWD/$dir" ;;
esac

# Debian installs each major version in /usr/lib/postgresql/N/bin, not on PATH.
bindir() {
  local found
  found=$(ls -d /usr/lib/postgresql/*/bin 2> /dev/null | sort -V | tail -1)
  if [ -z "$found" ] || [ ! -x "$found/initdb" ] || [ ! -x "$found/pg_ctl" ] || [ ! -x "$found/psql" ]; then
    die "PostgreSQL is not installed (no initdb, pg_ctl and psql in /usr/lib/postgresql/*/bin): run scripts/setup.sh."
  fi
  echo "$found"
}

# initdb and the server refuse to run as root.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

now_ms() {
  echo $(($(date +%s%N) / 1000000))
}

port_in_use() {
  (: < "/dev/tcp/127.0.0.1/$1") 2> /dev/null
}

# A port below the ephemeral range, where bind(port 0) never lands.
pick_port() {
  local low high port tries
  read -r low _ < /proc/sys/net/ipv4/ip_local_port_range
  high=$((low - 1))
  [ "$high" -gt 20000 ] || high=32767
  for tries in $(seq 1 50); do
    port=$((20000 + RANDOM % (high - 20000)))
    port_in_use "$port" || {
      echo "$port"
      return
    }
  done
  die "found no free port between 20000 and $high."
}

# Starts the server in $dir/data on the port in its configuration; on a port
# that someone took meanwhile, returns 2.
pg_start() {
  local bin=$1 seen
  touch "$dir/postgres.log"
  [ "$(id -u)" -ne 0 ] || chown postgres: "$dir/postgres.log"
  seen=$(stat -c %s "$dir/postgres.log")
  if as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 -s start > /dev/null 2> "$dir/pg_ctl.out"; then
    return 0
  fi
  # Only what this start logged.
  if tail -c +$((seen + 1)) "$dir/postgres.log" | grep -q "Address already in use"; then
    return 2
  fi
  cat "$dir/pg_ctl.out" >&2
  tail -c +$((seen + 1)) "$dir/postgres.log" | tail -20 >&2
  die "PostgreSQL did not start in $dir (its log is above)."
}

is_cluster_dir() {
  [ -f "$dir/.invitectl-test-cluster" ]
}

start() {
  local bin started port url tries status
  bin=$(bindir)
  started=$(now_ms)
  case "$dir" in
    *[!A-Za-z0-9/._-]*) die "$dir: use a directory path of letters, digits and . _ - / only (it goes into a URL)." ;;
  esac
  if [ -e "$dir" ] && [ -n "$(ls -A "$dir")" ]; then
    die "$dir is not empty: give start a new or empty directory."
  fi
  mkdir -p "$dir"
  touch "$dir/.invitectl-test-cluster"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    chmod 0755 "$dir"
    runuser -u postgres -- test -w "$dir" ||
      die "the postgres user cannot write to $dir: give a directory outside any private (0700) one, e.g. under /tmp."
  fi
  echo "$bin" > "$dir/bindir"

  if ! as_postgres "$bin/initdb" -D "$dir/data" --no-sync --no-instructions -E UTF8 --locale=C.UTF-8 \
    -U postgres --auth-local=trust --auth-host=scram-sha-256 > "$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    die "initdb failed in $dir (its output is above)."
  fi

  for tries in $(seq 1 10); do
    port=${INVITECTL_TEST_PG_PORT:-$(pick_port)}
    # postgresql.auto.conf is read last, so these win over postgresql.conf.
    as_postgres tee "$dir/data/postgresql.auto.conf" > /dev/null << EOF
# Written by scripts/postgres-cluster.sh: a test cluster, not durable.
port = $port
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 32MB
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
EOF
    status=0
    pg_start "$bin" || status=$?
    [ "$status" -eq 0 ] && break
    [ -z "${INVITECTL_TEST_PG_PORT:-}" ] || die "port $port (INVITECTL_TEST_PG_PORT) is in use."
  done
  [ "$status" -eq 0 ] || die "found no free port after 10 tries."
  echo "$port" > "$dir/port"

  "$bin/psql" -X -q -h "$dir" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE $role LOGIN CREATEDB PASSWORD '$role_password'" > /dev/null ||
    die "could not create the role $role in $dir."

  url="postgresql://postgres@/postgres?host=$dir&port=$port"
  echo "$url" > "$dir/url"
  echo "postgres-cluster.sh: PostgreSQL $(basename "$(dirname "$bin")") on 127.0.0.1:$port, started in $(($(now_ms) - started)) ms" >&2
  echo "$url"
}

# Stops the server in $1 mode (fast or immediate), if it runs.
down() {
  local bin
  bin=$(cat "$dir/bindir" 2> /dev/null || bindir)
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m "$1" -w -s stop > /dev/null ||
      die "could not stop PostgreSQL in $dir."
  fi
}

up() {
  local bin status=0
  bin=$(cat "$dir/bindir" 2> /dev/null || bindir)
  pg_start "$bin" || status=$?
  [ "$status" -eq 0 ] || die "port $(cat "$dir/port") is taken by someone else: cannot start $dir again on it."
}

case "$command" in
  start) start ;;
  stop)
    # Nothing there: nothing to do (a trap may call stop twice, or after a
    # start that failed before it wrote anything).
    [ -e "$dir" ] || exit 0
    rmdir "$dir" 2> /dev/null && exit 0
    is_cluster_dir || die "$dir is not a test cluster made by this script: not removing it."
    down immediate
    rm -rf "$dir"
    ;;
  down | crash)
    is_cluster_dir || die "$dir is not a test cluster made by this script."
    if [ "$command" = down ]; then down fast; else down immediate; fi
    ;;
  up)
    is_cluster_dir || die "$dir is not a test cluster made by this script."
    up
    ;;
  *) usage ;;
esac
