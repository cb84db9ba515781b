#!/usr/bin/env bash
# The project's own PostgreSQL cluster in $ORDERFLOW_RUN_DIR/pg, on 127.0.0.1:$ORDERFLOW_DB_PORT
# (not the machine's default cluster, so it never clashes with one on 5432).
#   infra/postgres.sh start|stop|status
#   infra/postgres.sh psql [ARGS...]   psql as $ORDERFLOW_DB_USER over TCP (password auth)
# Only the role and the database are made here; services create their schema with Flyway.
set -euo pipefail
source "$(dirname "$0")/env.sh"

PG_DIR="$ORDERFLOW_RUN_DIR/pg"
PG_LOG="$(log_file postgres)"

# Newest installed PostgreSQL; installs Debian's when there is none and we may.
find_pg_bin() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [[ -z $bin ]]; then
    is_root || die "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin); install it: sudo apt-get install -y postgresql"
    say "PostgreSQL is not installed: installing Debian's postgresql package with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [[ -n $bin ]] || die "apt-get install postgresql did not provide /usr/lib/postgresql/*/bin"
  fi
  echo "$bin"
}
PG_BIN=$(find_pg_bin)

# PostgreSQL refuses to run as root: as root, run its tools as the postgres OS user.
as_pg() {
  if is_root; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

running() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" status >/dev/null 2>&1; }

# Superuser SQL over the cluster's own socket (local connections are trusted).
admin_sql() {
  as_pg "$PG_BIN/psql" -h "$PG_DIR" -p "$ORDERFLOW_DB_PORT" -U postgres -d postgres -qAt -v ON_ERROR_STOP=1 "$@"
}

ensure_role_and_db() {
  # \gexec runs each generated statement, so every step is a no-op when already done.
  admin_sql -v user="$ORDERFLOW_DB_USER" -v pass="$ORDERFLOW_DB_PASSWORD" -v db="$ORDERFLOW_DB_NAME" <<'SQL'
SELECT format('CREATE ROLE %I', :'user') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'user') \gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB PASSWORD %L', :'user', :'pass') \gexec
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'user') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
  note "role $ORDERFLOW_DB_USER and database $ORDERFLOW_DB_NAME ready ($ORDERFLOW_DB_URL)"
}

start() {
  if running; then
    say "PostgreSQL already running on 127.0.0.1:$ORDERFLOW_DB_PORT"
    ensure_role_and_db
    return
  fi
  require_port_free "$ORDERFLOW_DB_PORT" "PostgreSQL"
  if is_root; then
    id postgres >/dev/null 2>&1 || die "the postgres OS user is missing (it comes with Debian's postgresql-common package)"
  fi

  if [[ ! -f $PG_DIR/PG_VERSION ]]; then
    say "creating a PostgreSQL cluster in $PG_DIR ($PG_BIN)"
    mkdir -p "$PG_DIR"
    if is_root; then chown postgres: "$PG_DIR"; fi
    as_pg test -w "$PG_DIR" || die "the postgres OS user cannot reach $PG_DIR: each folder above it must be" \
      "searchable by others (chmod o+x), which a private folder such as one made by mktemp -d is not;" \
      "choose another ORDERFLOW_RUN_DIR"
    # Socket connections (admin, as the postgres OS user) are trusted; TCP needs a password.
    as_pg "$PG_BIN/initdb" -D "$PG_DIR" -U postgres -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >/dev/null
  fi

  say "starting PostgreSQL on 127.0.0.1:$ORDERFLOW_DB_PORT (log: $PG_LOG)"
  touch "$PG_LOG"
  if is_root; then chown postgres: "$PG_LOG"; fi
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -l "$PG_LOG" -w -t 60 \
    -o "-p $ORDERFLOW_DB_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null \
    || { tail -n 20 "$PG_LOG" >&2; die "PostgreSQL did not start"; }
  ensure_role_and_db
}

stop() {
  if ! running; then note "postgres is not running"; return; fi
  say "stopping PostgreSQL"
  # fast: roll back open transactions and shut down cleanly (no crash recovery next start)
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR" -m fast -w -t 60 stop >/dev/null
}

status() {
  if running; then
    echo "postgres: running (pid $(head -n 1 "$PG_DIR/postmaster.pid")) on 127.0.0.1:$ORDERFLOW_DB_PORT, data in $PG_DIR"
  else
    echo "postgres: stopped"; return 3
  fi
}

case "${1:-}" in
  start)  start ;;
  stop)   stop ;;
  status) status ;;
  psql)
    shift
    PGPASSWORD="$ORDERFLOW_DB_PASSWORD" exec "$PG_BIN/psql" -h 127.0.0.1 -p "$ORDERFLOW_DB_PORT" \
      -U "$ORDERFLOW_DB_USER" -d "$ORDERFLOW_DB_NAME" "$@" ;;
  *) echo "usage: $0 start|stop|status|psql [ARGS...]" >&2; exit 2 ;;
esac
