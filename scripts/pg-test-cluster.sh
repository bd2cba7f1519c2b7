#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on 127.0.0.1 only.
#
#   eval "$(scripts/pg-test-cluster.sh start)"   # prints export lines
#   scripts/pg-test-cluster.sh env DIR           # the same lines again
#   scripts/pg-test-cluster.sh stop DIR          # stops it, removes DIR
#
# `start` creates a temporary directory, initdb's a cluster there with trust
# on its private unix socket and scram-sha-256 on TCP, starts it on a free
# port, and creates the role `tidemark` (password `tidemark`) owning the
# database `tidemark_test`. It exports TIDEMARK_TEST_PG_URL (that role),
# TIDEMARK_TEST_PG_ADMIN_URL (the superuser `postgres`, random password) and
# TIDEMARK_TEST_PG_DIR. Run as root, the cluster belongs to the `postgres`
# OS user, because PostgreSQL refuses to run as root.
#
# fsync, synchronous_commit and full_page_writes are off: a crash loses this
# cluster's data, which is fine for tests and NEVER fine anywhere else.
# PG_TEST_CLUSTER_DURABLE=1 keeps the server's defaults (for benchmarks).
# Everything but the export lines goes to stderr.
set -euo pipefail

MARKER=.tidemark-pg-test-cluster

die() {
  echo "pg-test-cluster: $*" >&2
  exit 1
}

usage() {
  echo "usage: $0 start | env DIR | stop DIR" >&2
  exit 2
}

# The newest installed server's bin directory.
find_bindir() {
  local dir best=""
  for dir in /usr/lib/postgresql/*/bin; do
    [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] || continue
    if [[ -z "$best" ]] ||
       (($(basename "$(dirname "$dir")") > $(basename "$(dirname "$best")"))); then
      best="$dir"
    fi
  done
  if [[ -z "$best" ]] && command -v pg_config >/dev/null 2>&1; then
    dir="$(pg_config --bindir 2>/dev/null || true)"
    [[ -x "$dir/initdb" && -x "$dir/pg_ctl" ]] && best="$dir"
  fi
  [[ -n "$best" ]] ||
    die "PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin: run scripts/install-deps.sh"
  echo "$best"
}

# Runs a command as the cluster's owner: `postgres` when we are root.
as_owner() {
  if [[ "$(id -u)" -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# A TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  if command -v python3 >/dev/null 2>&1 &&
     python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()' 2>/dev/null; then
    return 0
  fi
  local port i
  for ((i = 0; i < 100; i++)); do
    port=$((20000 + RANDOM % 40000))
    # A refused connection means nothing listens there.
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  die "no free TCP port found on 127.0.0.1"
}

print_env() {
  local dir="$1" port password
  [[ -f "$dir/$MARKER" ]] || die "$dir is not a test cluster made by $0"
  port="$(cat "$dir/port")"
  password="$(cat "$dir/superuser-password")"
  echo "export TIDEMARK_TEST_PG_URL='postgresql://tidemark:tidemark@127.0.0.1:$port/tidemark_test'"
  echo "export TIDEMARK_TEST_PG_ADMIN_URL='postgresql://postgres:$password@127.0.0.1:$port/postgres'"
  echo "export TIDEMARK_TEST_PG_DIR='$dir'"
}

start() {
  local bindir dir port password attempt started=false
  bindir="$(find_bindir)"
  if [[ "$(id -u)" -eq 0 ]] && ! id postgres >/dev/null 2>&1; then
    die "running as root needs the 'postgres' OS user (the postgresql package creates it): run scripts/install-deps.sh"
  fi
  umask 077
  dir="$(mktemp -d "${TMPDIR:-/tmp}/tidemark-pg.XXXXXX")"
  touch "$dir/$MARKER"
  # A failure from here on removes the half-made cluster.
  trap 'as_owner "$bindir/pg_ctl" stop -D "$dir/data" -m immediate >/dev/null 2>&1 || true; rm -rf "$dir"' ERR
  mkdir "$dir/data" "$dir/sock"
  password="$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')"
  echo "$password" >"$dir/superuser-password"
  if [[ "$(id -u)" -eq 0 ]]; then
    chown -R postgres: "$dir"
    as_owner test -w "$dir/data" ||
      die "the postgres OS user cannot write $dir: set TMPDIR to a directory it can reach"
  fi

  as_owner "$bindir/initdb" -D "$dir/data" -U postgres \
    --pwfile="$dir/superuser-password" --auth-local=trust \
    --auth-host=scram-sha-256 --encoding=UTF8 --locale=C \
    >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2
    die "initdb failed (log above)"
  }

  # Benchmarks want production durability (PG_TEST_CLUSTER_DURABLE=1).
  local fast_settings="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  [[ "${PG_TEST_CLUSTER_DURABLE:-}" == 1 ]] && fast_settings=""
  # The port is free when picked but may be taken before the server binds
  # it, so a failed start tries another.
  for attempt in 1 2 3; do
    port="$(free_port)"
    echo "$port" >"$dir/port"
    if as_owner "$bindir/pg_ctl" start -D "$dir/data" -l "$dir/server.log" \
         -w -t 30 -o "-c listen_addresses=127.0.0.1 -c port=$port \
-c unix_socket_directories=$dir/sock -c max_connections=200 \
$fast_settings" \
         >/dev/null 2>&1; then
      started=true
      break
    fi
    echo "pg-test-cluster: start on port $port failed (attempt $attempt)" >&2
  done
  if [[ "$started" != true ]]; then
    tail -n 20 "$dir/server.log" >&2 || true
    die "the test cluster did not start (server log above)"
  fi
  local i
  for ((i = 0; i < 100; i++)); do
    if "$bindir/pg_isready" -h 127.0.0.1 -p "$port" -q; then break; fi
    sleep 0.1
  done
  "$bindir/pg_isready" -h 127.0.0.1 -p "$port" -q ||
    die "the test cluster on port $port does not accept connections (see $dir/server.log)"

  local psql=("$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir/sock" -p "$port"
    -U postgres -d postgres)
  as_owner "${psql[@]}" -c "CREATE ROLE tidemark LOGIN PASSWORD 'tidemark'" \
    -c "CREATE DATABASE tidemark_test OWNER tidemark" >&2 ||
    die "could not create the tidemark role and database"
  print_env "$dir"
  trap - ERR
}

stop() {
  local dir="$1" bindir
  [[ -d "$dir" ]] || return 0
  [[ -f "$dir/$MARKER" ]] || die "$dir is not a test cluster made by $0; not touching it"
  bindir="$(find_bindir)"
  if [[ -f "$dir/data/postmaster.pid" ]]; then
    as_owner "$bindir/pg_ctl" stop -D "$dir/data" -m fast -w >/dev/null 2>&1 ||
      as_owner "$bindir/pg_ctl" stop -D "$dir/data" -m immediate -w >/dev/null 2>&1 ||
      echo "pg-test-cluster: could not stop the server in $dir" >&2
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start)
    (($# == 1)) || usage
    start
    ;;
  env)
    (($# == 2)) || usage
    print_env "$2"
    ;;
  stop)
    (($# == 2)) || usage
    stop "$2"
    ;;
  *) usage ;;
esac
