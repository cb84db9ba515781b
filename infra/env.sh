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
# Each host process serves Prometheus metrics and health here (scripts/up.sh gives further hosts the next free port).
: "${ORDERFLOW_METRICS_PORT:=9464}"
# What the payment and shipping workers call: the sandboxes above unless pointed elsewhere.
: "${ORDERFLOW_GATEWAY_URL:=http://127.0.0.1:$ORDERFLOW_GATEWAY_PORT}"
: "${ORDERFLOW_CARRIER_URL:=http://127.0.0.1:$ORDERFLOW_CARRIER_PORT}"

# Exported so every process started from here (brokers, services, tests) sees them.
export ORDERFLOW_HOME ORDERFLOW_RUN_DIR \
  ORDERFLOW_KAFKA_PORT ORDERFLOW_KAFKA_CONTROLLER_PORT ORDERFLOW_KAFKA_BOOTSTRAP ORDERFLOW_PARTITIONS \
  ORDERFLOW_DB_PORT ORDERFLOW_DB_NAME ORDERFLOW_DB_URL ORDERFLOW_DB_USER ORDERFLOW_DB_PASSWORD \
  ORDERFLOW_SMTP_PORT ORDERFLOW_IMAP_PORT ORDERFLOW_MAIL_API_PORT \
  ORDERFLOW_GATEWAY_PORT ORDERFLOW_CARRIER_PORT ORDERFLOW_ADMIN_PORT ORDERFLOW_GATEWAY_URL ORDERFLOW_CARRIER_URL \
  ORDERFLOW_METRICS_PORT

ORDERFLOW_LOG_DIR="$ORDERFLOW_RUN_DIR/logs"
ORDERFLOW_PID_DIR="$ORDERFLOW_RUN_DIR/pids"
ORDERFLOW_SECRETS_DIR="$ORDERFLOW_RUN_DIR/secrets"
mkdir -p "$ORDERFLOW_LOG_DIR" "$ORDERFLOW_PID_DIR"
chmod 755 "$ORDERFLOW_RUN_DIR" 2>/dev/null || true   # the postgres user must traverse it

# secret NAME: a random secret kept in the run dir (generated on first use, readable only by its owner, never in git).
secret() {
  local f="$ORDERFLOW_SECRETS_DIR/$1"
  if [[ ! -s $f ]]; then
    (umask 077 && mkdir -p "$ORDERFLOW_SECRETS_DIR" && head -c 24 /dev/urandom | base64 | tr -d '/+=' >"$f.$$" \
      && mv "$f.$$" "$f")
  fi
  cat "$f"
}

# A run dir whose broker was first started secured (ORDERFLOW_KAFKA_SECURE=1, scripts/up.sh --secure) stays
# secured: every client started from here authenticates with the credentials infra/kafka.sh generated there.
if [[ -z ${ORDERFLOW_KAFKA_CREDENTIALS:-} ]] \
    && [[ ${ORDERFLOW_KAFKA_SECURE:-0} == 1 || -f $ORDERFLOW_RUN_DIR/kafka/credentials.properties ]]; then
  mkdir -p "$ORDERFLOW_RUN_DIR/kafka"
  export ORDERFLOW_KAFKA_CREDENTIALS="$ORDERFLOW_RUN_DIR/kafka/credentials.properties"
fi

# The secret the sandbox carrier signs its tracking webhooks with and the shipping worker checks them with (in
# production: the one the carrier issues).
: "${ORDERFLOW_CARRIER_WEBHOOK_SECRET:=$(secret carrier-webhook-secret)}"
export ORDERFLOW_CARRIER_WEBHOOK_SECRET

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
  start_process "$name" java "-Dorderflow.name=$name" "$@"
}

# start_process NAME COMMAND...: like start_java, for a command that execs java with -Dorderflow.name=NAME
# (bin/orderflow does, given it in ORDERFLOW_JAVA_OPTS), so the pid stays the java process's.
start_process() {
  local name=$1; shift
  local log; log=$(log_file "$name")
  echo "----- $(date '+%F %T') starting $name" >>"$log"
  local pidf; pidf=$(pid_file "$name")
  rm -f "$pidf"
  # The process writes its own pid before exec: setsid forks when its caller is a process-group leader (a shell
  # with job control), and then $! would name the short-lived setsid, not the server.
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidf" "$@" >>"$log" 2>&1 </dev/null &
  local i; for ((i = 0; i < 50; i++)); do [[ -s $pidf ]] && break; sleep 0.1; done
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

# ---------------------------------------------------------------- Maven

# mvn_quiet WHAT ARGS...: Maven in the repo root, silent unless it fails (Maven
# 3.8's -q still prints colour codes), then its output and a clear error.
mvn_quiet() {
  local what=$1 out; shift
  out=$(cd "$ORDERFLOW_HOME" && mvn -q -B "$@" 2>&1 </dev/null) || { echo "$out" | tail -n 40 >&2; die "$what failed: mvn $*"; }
}

# ---------------------------------------------------------------- the distribution
# `mvn package` builds it in dist/target/orderflow (bin/orderflow, lib/, config/). Everything runs from a copy
# installed in $ORDERFLOW_RUN_DIR/dist/<build>/, reached through the symlink $ORDERFLOW_RUN_DIR/dist/current,
# so a rebuild (or `mvn clean`) never touches the jars of a running process.

ORDERFLOW_DIST_BUILT="$ORDERFLOW_HOME/dist/target/orderflow"
ORDERFLOW_DIST_CURRENT="$ORDERFLOW_RUN_DIR/dist/current"

# dist_id DIR: names, sizes and times of a distribution's files (cp -a keeps them), to tell builds apart.
dist_id() { (cd "$1" 2>/dev/null && find . -type f -printf '%p %s %T@\n' | sort | md5sum); }

# install_dist: install the built distribution unless the installed one is already that build.
install_dist() {
  local target
  [[ -x $ORDERFLOW_DIST_BUILT/bin/orderflow ]] \
    || die "no distribution in $ORDERFLOW_DIST_BUILT: build it with mvn package -DskipTests"
  if [[ $(dist_id "$ORDERFLOW_DIST_BUILT") == "$(dist_id "$ORDERFLOW_DIST_CURRENT")" ]]; then
    return 0
  fi
  target="$ORDERFLOW_RUN_DIR/dist/$(date +%Y%m%d-%H%M%S)-$$"
  mkdir -p "$target"
  cp -a "$ORDERFLOW_DIST_BUILT/." "$target/"
  ln -sfn "$target" "$ORDERFLOW_DIST_CURRENT.new"
  mv -T "$ORDERFLOW_DIST_CURRENT.new" "$ORDERFLOW_DIST_CURRENT"   # atomic: a starting process sees old or new
  note "installed the distribution in $target"
  prune_dists
}

# Older installs go once no process runs from them (their path is on a running java's command line).
prune_dists() {
  local dir current
  current=$(readlink -f "$ORDERFLOW_DIST_CURRENT")
  for dir in "$ORDERFLOW_RUN_DIR"/dist/2*; do
    [[ -d $dir && $dir != "$current" ]] || continue
    grep -qsF "$dir/" /proc/[0-9]*/cmdline || rm -rf "$dir"
  done
}

# orderflow_launcher: path of the installed bin/orderflow; builds and installs the distribution only when none is
# installed yet (scripts/up.sh rebuilds; the CLI wrappers never do).
orderflow_launcher() {
  if [[ ! -x $ORDERFLOW_DIST_CURRENT/bin/orderflow ]]; then
    if [[ ! -x $ORDERFLOW_DIST_BUILT/bin/orderflow ]]; then
      say "building the distribution (once; scripts/up.sh rebuilds it)" >&2
      mvn_quiet "building the distribution" package -DskipTests -pl dist -am
    fi
    install_dist >&2
  fi
  echo "$ORDERFLOW_DIST_CURRENT/bin/orderflow"
}

# ---------------------------------------------------------------- service hosts
# A host is one `orderflow run [SERVICE...]` process; scripts/up.sh starts one named "orderflow" (more with
# --name orderflow-NAME). Its pid file is $ORDERFLOW_PID_DIR/NAME.pid; NAME.services says what it was asked to run.

# The names of the hosts with a pid file (running or just crashed).
host_names() {
  local f
  for f in "$ORDERFLOW_PID_DIR"/orderflow*.pid; do
    [[ -f $f ]] && basename "$f" .pid
  done
  return 0
}
