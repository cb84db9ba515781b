#!/usr/bin/env bash
# Sandbox payment gateway and carrier (module infra/sandbox): HTTP stand-ins for
# the real providers, with fault injection, on 127.0.0.1:$ORDERFLOW_GATEWAY_PORT
# and :$ORDERFLOW_CARRIER_PORT. One JVM serves both, run from a copy of the
# module's packaged jar and target/lib/ in $ORDERFLOW_RUN_DIR/sandbox (packaged
# first if `mvn package` has not run yet), so a rebuild never touches it.
#   infra/sandbox.sh start|stop|status
set -euo pipefail
source "$(dirname "$0")/env.sh"

MODULE=infra/sandbox
MAIN=io.orderflow.sandbox.SandboxMain
MAIN_SRC="$ORDERFLOW_HOME/$MODULE/src/main/java/${MAIN//.//}.java"
GATEWAY="http://127.0.0.1:$ORDERFLOW_GATEWAY_PORT"
CARRIER="http://127.0.0.1:$ORDERFLOW_CARRIER_PORT"
INSTALLED="$ORDERFLOW_RUN_DIR/sandbox"

# The module may not be written yet: then there is nothing to run, and that is no error.
present() { [[ -f $ORDERFLOW_HOME/$MODULE/pom.xml && -f $MAIN_SRC ]]; }

start() {
  local pid cp
  if ! present; then note "sandbox: $MODULE (with $MAIN) does not exist yet; skipping"; return; fi
  if pid=$(proc_pid sandbox); then say "sandbox already running (pid $pid)"; return; fi
  require_port_free "$ORDERFLOW_GATEWAY_PORT" "the sandbox payment gateway"
  require_port_free "$ORDERFLOW_CARRIER_PORT" "the sandbox carrier"
  if ! ls "$ORDERFLOW_HOME/$MODULE"/target/orderflow-sandbox-*.jar >/dev/null 2>&1 \
      || [[ ! -d $ORDERFLOW_HOME/$MODULE/target/lib ]]; then
    say "packaging the sandbox ($MODULE)"
    mvn_quiet "packaging the sandbox" package -DskipTests -pl "$MODULE"
  fi
  rm -rf "$INSTALLED"
  mkdir -p "$INSTALLED"
  cp -a "$ORDERFLOW_HOME/$MODULE"/target/orderflow-sandbox-*.jar "$ORDERFLOW_HOME/$MODULE/target/lib" "$INSTALLED/"
  cp="$INSTALLED/*:$INSTALLED/lib/*"

  say "starting sandbox gateway on $GATEWAY and carrier on $CARRIER (log: $(log_file sandbox))"
  start_java sandbox -Xms64m -Xmx256m -cp "$cp" "$MAIN"
  await sandbox 60 "sandbox gateway ($GATEWAY/health)" http_ok "$GATEWAY/health"
  await sandbox 30 "sandbox carrier ($CARRIER/health)" http_ok "$CARRIER/health"
  say "sandbox ready after ${SECONDS}s"
}

status() {
  if ! present; then echo "sandbox: not written yet ($MODULE)"; return 0; fi
  proc_status sandbox "gateway $GATEWAY, carrier $CARRIER"
}

case "${1:-}" in
  start)  start ;;
  stop)   stop_proc sandbox 30 ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
