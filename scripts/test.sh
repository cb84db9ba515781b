#!/usr/bin/env bash
# Run the tests: start the local infrastructure they need (infra/up.sh), then
# `mvn -B verify` with any extra arguments. Infrastructure that was already
# running stays running; what this script started, it stops at the end.
# Exits with Maven's exit code.
#   scripts/test.sh --secure MAVEN-ARGS...   the same against the secured profile (Kafka with SASL/SCRAM and ACLs), in
#                                            a run dir of its own; the tests' clients act as the super user
#                                            kafka-admin, the services they host as their own principals.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ${1:-} == --secure ]]; then
  shift
  export ORDERFLOW_KAFKA_SECURE=1 ORDERFLOW_KAFKA_PRINCIPAL=kafka-admin
  ORDERFLOW_TEST_RUN_DIR="${ORDERFLOW_TEST_RUN_DIR:-/tmp/orderflow-test}-secure"
fi

# Tests get their own servers (own ports, own run dir), so a system started by scripts/up.sh keeps running
# untouched beside them and its services never consume the tests' records. The run dir is ORDERFLOW_TEST_RUN_DIR
# whatever ORDERFLOW_RUN_DIR (the system's) says; override the ports to reuse other servers.
ORDERFLOW_RUN_DIR="${ORDERFLOW_TEST_RUN_DIR:-/tmp/orderflow-test}"
: "${ORDERFLOW_KAFKA_PORT:=19092}"
: "${ORDERFLOW_KAFKA_CONTROLLER_PORT:=19093}"
: "${ORDERFLOW_DB_PORT:=15433}"
: "${ORDERFLOW_SMTP_PORT:=13025}"
: "${ORDERFLOW_IMAP_PORT:=13143}"
: "${ORDERFLOW_MAIL_API_PORT:=18025}"
: "${ORDERFLOW_GATEWAY_PORT:=18091}"
: "${ORDERFLOW_CARRIER_PORT:=18092}"
: "${ORDERFLOW_ADMIN_PORT:=18080}"
export ORDERFLOW_RUN_DIR ORDERFLOW_KAFKA_PORT ORDERFLOW_KAFKA_CONTROLLER_PORT ORDERFLOW_DB_PORT ORDERFLOW_SMTP_PORT \
  ORDERFLOW_IMAP_PORT ORDERFLOW_MAIL_API_PORT ORDERFLOW_GATEWAY_PORT ORDERFLOW_CARRIER_PORT ORDERFLOW_ADMIN_PORT
source infra/env.sh

# Never run beside a system's service hosts on the same data: that run dir holds their databases and topics.
running=()
for host in $(host_names); do
  if pid=$(proc_pid "$host"); then running+=("$host (pid $pid)"); fi
done
if ((${#running[@]})); then
  die "the test run dir $ORDERFLOW_RUN_DIR holds a running Orderflow system (${running[*]}); tests would touch its data. Set ORDERFLOW_TEST_RUN_DIR to another folder, or stop it (scripts/down.sh)."
fi

started=()
for part in kafka postgres mail sandbox; do
  infra/$part.sh status >/dev/null || started+=("$part")
done

stop_started() {
  local i
  for ((i = ${#started[@]} - 1; i >= 0; i--)); do infra/"${started[i]}".sh stop || true; done
}
trap stop_started EXIT
trap 'exit 130' INT TERM   # so the EXIT trap runs on Ctrl-C or kill too

infra/up.sh

say "running the tests: mvn -B verify $*"
rc=0
mvn -B verify "$@" || rc=$?
say "tests finished (exit code $rc)"
exit $rc
