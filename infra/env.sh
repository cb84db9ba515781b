# shellcheck shell=bash
# Sourced by every script in infra/ and scripts/: the one place for settings
# (each overridable from the environment) and the small helpers they share.

ORDERFLOW_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Outside the repo: the postgres OS user must reach the cluster's folder, and
# `git clean` must never eat a database.
: "${ORDERFLOW_RUN_DIR:=/tmp/orderflow}"

: "${ORDERFLOW_KAFKA_PORT:=9092}"
: "${ORDERFLOW_KAFKA_CONTROLLER_PORT:=9093}"
: "${ORDERFLOW_KAFKA_BOOTSTRAP:=127.0.0.1:$ORDERFLOW_KAFKA_PORT}"
: "${ORDERFLOW_PARTITIONS:=6}"

: "${ORDERFLOW_DB_PORT:=15432}"
: "${ORDERFLOW_DB_NAME:=orderflow}"
: "${ORDERFLOW_DB_URL:=jdbc:postgresql://127.0.0.1:$ORDERFLOW_DB_PORT/$ORDERFLOW_DB_NAME}"
: "${ORDERFLOW_DB_USER:=orderflow}"
: "${ORDERFLOW_DB_PASSWORD:=orderflow}"

: "${ORDERFLOW_SMTP_PORT:=3025}"
: "${ORDERFLOW_IMAP_PORT:=3143}"
: "${ORDERFLOW_MAIL_API_PORT:=8025}"

: "${ORDERFLOW_GATEWAY_PORT:=8091}"
: "${ORDERFLOW_CARRIER_PORT:=8092}"
: "${ORDERFLOW_ADMIN_PORT:=8080}"
# What the payment and shipping workers call: the sandboxes above unless pointed elsewhere.
: "${ORDERFLOW_GATEWAY_URL:=http://127.0.0.1:$ORDERFLOW_GATEWAY_PORT}"
: "${ORDERFLOW_CARRIER_URL:=http://127.0.0.1:$ORDERFLOW_CARRIER_PORT}"

# Exported so every process started from here (brokers, services, tests) sees them.
export ORDERFLOW_HOME ORDERFLOW_RUN_DIR \
  ORDERFLOW_KAFKA_PORT ORDERFLOW_KAFKA_CONTROLLER_PORT ORDERFLOW_KAFKA_BOOTSTRAP ORDERFLOW_PARTITIONS \
  ORDERFLOW_DB_PORT ORDERFLOW_DB_NAME ORDERFLOW_DB_URL ORDERFLOW_DB_USER ORDERFLOW_DB_PASSWORD \
  ORDERFLOW_SMTP_PORT ORDERFLOW_IMAP_PORT ORDERFLOW_MAIL_API_PORT \
  ORDERFLOW_GATEWAY_PORT ORDERFLOW_CARRIER_PORT ORDERFLOW_ADMIN_PORT ORDERFLOW_GATEWAY_URL ORDERFLOW_CARRIER_URL

ORDERFLOW_LOG_DIR="$ORDERFLOW_RUN_DIR/logs"
ORDERFLOW_PID_DIR="$ORDERFLOW_RUN_DIR/pids"
mkdir -p "$ORDERFLOW_LOG_DIR" "$ORDERFLOW_PID_DIR"
chmod 755 "$ORDERFLOW_RUN_DIR" 2>/dev/null || true   # the postgres user must traverse it

# ---------------------------------------------------------------- messages

say()  { echo "==> $*"; }
note() { echo "    $*"; }
die()  { echo "ERROR: $*" >&2; exit 1; }
is_root() { [[ $(id -u) == 0 ]]; }

# ---------------------------------------------------------------- ports

# True when something accepts connections on 127.0.0.1:PORT.
port_open() { (: <"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Who listens on PORT (any address), as "orderflow NAME (pid N)" or "COMMAND (pid N)".
port_holder() {
  local pids pid name
  pids=$(ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u)
  [[ -n $pids ]] || { echo "an unknown process"; return; }
  for pid in $pids; do
    name=$(grep -azm1 '^-Dorderflow.name=' "/proc/$pid/cmdline" 2>/dev/null | tr -d '\0' || true)
    name=${name#-Dorderflow.name=}
    if [[ -n $name ]]; then echo "orderflow $name (pid $pid)"
    else echo "$(cat "/proc/$pid/comm" 2>/dev/null || echo '?') (pid $pid)"; fi
  done | paste -sd, -
}

# Fail with a clear message when PORT (wanted for WHAT) is taken.
require_port_free() {
  local port=$1 what=$2
  if [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]] || port_open "$port"; then
    die "port $port, needed for $what, is already in use by $(port_holder "$port"). Stop it, or pick another port (see infra/env.sh)."
  fi
}

# ---------------------------------------------------------------- waiting

# await NAME SECONDS WHAT COMMAND...: retry COMMAND until it succeeds. Gives up
# at once if background process NAME (or "-" for none) died, showing its log.
await() {
  local name=$1 secs=$2 what=$3; shift 3
  local deadline=$((SECONDS + secs))
  until "$@" >/dev/null 2>&1; do
    if [[ $name != - ]] && ! proc_pid "$name" >/dev/null; then
      log_tail "$name"; die "$name exited while waiting for $what"
    fi
    if ((SECONDS >= deadline)); then
      [[ $name != - ]] && log_tail "$name"
      die "timed out after ${secs}s waiting for $what"
    fi
    sleep 0.5
  done
}

http_ok() { curl -fsS -o /dev/null --max-time 2 "$1"; }

# ---------------------------------------------------------------- background java processes
# Each runs with -Dorderflow.name=NAME on its command line, so a pid file left
# behind by a crash is never mistaken for a live process that reused the pid.

pid_file() { echo "$ORDERFLOW_PID_DIR/$1.pid"; }
log_file() { echo "$ORDERFLOW_LOG_DIR/$1.log"; }
log_tail() { echo "---- last lines of $(log_file "$1")" >&2; tail -n 25 "$(log_file "$1")" >&2 || true; }

# Prints the pid of NAME and succeeds if it runs; fails (removing a stale pid file) if not.
proc_pid() {
  local f pid
  f=$(pid_file "$1")
  [[ -f $f ]] || return 1
  pid=$(cat "$f")
  # grep -z: cmdline is NUL-separated (no pipe: an early-exiting grep -q would SIGPIPE it under pipefail)
  if [[ -n $pid ]] && grep -qxz -- "-Dorderflow.name=$1" "/proc/$pid/cmdline" 2>/dev/null; then
    echo "$pid"
  else
    rm -f "$f"; return 1
  fi
}

# start_java NAME JAVA-ARGS...: java in the background, in its own session so
# it outlives this script and a Ctrl-C in this terminal; output appended to its log.
start_java() {
  local name=$1; shift
  local log; log=$(log_file "$name")
  echo "----- $(date '+%F %T') starting $name" >>"$log"
  setsid java "-Dorderflow.name=$name" "$@" >>"$log" 2>&1 </dev/null &
  echo $! >"$(pid_file "$name")"
}

# stop_proc NAME [SECONDS]: SIGTERM, wait for a clean exit, SIGKILL only as a last resort.
stop_proc() {
  local name=$1 secs=${2:-30} pid deadline
  if ! pid=$(proc_pid "$name"); then note "$name is not running"; return 0; fi
  say "stopping $name (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  deadline=$((SECONDS + secs))
  while kill -0 "$pid" 2>/dev/null; do
    if ((SECONDS >= deadline)); then
      note "$name did not exit within ${secs}s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$(pid_file "$name")"
}

# proc_status NAME DETAIL: one line; exit 0 if running, 3 if not (as LSB status does).
proc_status() {
  local pid
  if pid=$(proc_pid "$1"); then echo "$1: running (pid $pid) $2"
  else echo "$1: stopped"; return 3; fi
}

# ---------------------------------------------------------------- Maven modules

# mvn_quiet WHAT ARGS...: Maven in the repo root, silent unless it fails (Maven
# 3.8's -q still prints colour codes), then its output and a clear error.
mvn_quiet() {
  local what=$1 out; shift
  out=$(cd "$ORDERFLOW_HOME" && mvn -q -B "$@" 2>&1 </dev/null) || { echo "$out" | tail -n 40 >&2; die "$what failed: mvn $*"; }
}

# module_classpath MODULE-DIR: runtime classpath of a module of this repo,
# <module>/target/classes + its dependencies. The dependency part is cached in
# <module>/target/classpath.txt and recomputed when its pom or the parent pom changes.
module_classpath() {
  local dir="$ORDERFLOW_HOME/$1"
  local cache="$dir/target/classpath.txt"
  [[ -f $dir/pom.xml ]] || die "no Maven module at $dir"
  if [[ ! -f $cache || $dir/pom.xml -nt $cache || $ORDERFLOW_HOME/pom.xml -nt $cache ]]; then
    mkdir -p "$dir/target"
    # `-f module/pom.xml` resolves the parent from ~/.m2, so install it first (a second or two).
    mvn_quiet "installing the parent pom" -N install
    # Sibling modules it needs come from ~/.m2 too: scripts/up.sh installs them.
    mvn_quiet "resolving the classpath of $1" -f "$dir/pom.xml" dependency:build-classpath \
      -DincludeScope=runtime -Dmdep.outputFile="$cache.$$"
    mv "$cache.$$" "$cache"   # per-process temp name: two scripts may resolve at once
  fi
  echo "$dir/target/classes:$(cat "$cache")"
}

# build_module_if_stale MODULE-DIR: compile and install the module (and, when it
# is in the reactor, the modules it needs) if its sources or pom changed since
# the last build by these scripts. scripts/up.sh builds everything anyway.
build_module_if_stale() {
  local dir="$ORDERFLOW_HOME/$1"
  local stamp="$dir/target/.orderflow-built"
  if [[ -f $stamp && -z $(find "$dir/pom.xml" "$dir/src" -newer "$stamp" -print -quit 2>/dev/null) ]]; then
    return 0
  fi
  say "building $1"
  if grep -q "<module>$1</module>" "$ORDERFLOW_HOME/pom.xml"; then
    mvn_quiet "building $1" install -DskipTests -pl "$1" -am
  else
    mvn_quiet "installing the parent pom" -N install
    mvn_quiet "building $1" -f "$1/pom.xml" install -DskipTests
  fi
  touch "$stamp"
}

# ---------------------------------------------------------------- services

# The Orderflow services scripts/up.sh runs: "NAME MODULE-DIR MAIN-CLASS" lines
# of scripts/services.txt, without comments and blank lines.
service_lines() { sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$ORDERFLOW_HOME/scripts/services.txt"; }
