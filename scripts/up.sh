#!/usr/bin/env bash
# Start everything: build the distribution (mvn package), install it in the run directory, start the local
# infrastructure (infra/up.sh), then one host process running the services (all of them by default).
#   scripts/up.sh [--secure] [--no-build] [--name orderflow-NAME] [SERVICE...]
#     --secure     the secured profile: Kafka with SASL/SCRAM and ACLs, each service its own principal (passwords
#                  generated into $ORDERFLOW_RUN_DIR/kafka); a run dir keeps the profile it first started with
#     --no-build   run the distribution built last (installed if it is newer), without Maven: a start in seconds
#     --name       a second host beside the first, e.g. `--name orderflow-b payment-worker` (default: orderflow)
#     SERVICE...   only these services in this host: full names or aliases (engine, payment, ...;
#                  `scripts/orderflow run --help` lists them)
# Stop with scripts/down.sh; see what runs with scripts/status.sh; restart quickly with scripts/restart.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
for arg in "$@"; do [[ $arg == --secure ]] && export ORDERFLOW_KAFKA_SECURE=1; done   # before env.sh reads it
source infra/env.sh

build=1
name=orderflow
services=()
while (($#)); do
  case $1 in
    --no-build) build=0 ;;
    --secure) ;;
    --name) name=${2:?--name needs a value}; shift ;;
    -h|--help) sed -n '2,11s/^# \{0,1\}//p' "$0"; exit 0 ;;
    -*) die "unknown option $1 (scripts/up.sh --help)" ;;
    *) services+=("$1") ;;
  esac
  shift
done
[[ $name == orderflow || $name == orderflow-* ]] || die "--name must be orderflow or start with orderflow- (got $name)"

# ---- tools
command -v java >/dev/null || die "java not found: install a JDK 17+ (Debian: apt-get install -y openjdk-17-jdk-headless)"
java_version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
((${java_version%%.*} >= 17)) || die "Java 17 or newer is needed; 'java' is $java_version"
command -v mvn >/dev/null || die "mvn not found: install Maven 3.8+ (Debian: apt-get install -y maven)"

# ---- build and install
if ((build)); then
  say "building Orderflow (mvn package -DskipTests)"
  mvn -q -B package -DskipTests
fi
if [[ -x $ORDERFLOW_DIST_BUILT/bin/orderflow ]]; then install_dist; fi
launcher=$(orderflow_launcher)

# ---- infrastructure (a start without a build spares the topic check when everything already runs)
if ((build)) || ! infra/status.sh >/dev/null; then infra/up.sh; fi

# ---- services: one host process
if pid=$(proc_pid "$name"); then
  say "$name already running (pid $pid); scripts/restart.sh restarts it on the build installed last"
else
  log=$(log_file "$name")
  # The first host serves metrics and health on $ORDERFLOW_METRICS_PORT, further ones on the next free port.
  port=$ORDERFLOW_METRICS_PORT
  if [[ $name != orderflow ]]; then
    port=$((port + 1))
    while [[ -n $(ss -Hltn "sport = :$port" 2>/dev/null) ]]; do port=$((port + 1)); done
  fi
  require_port_free "$port" "the metrics and health endpoint of $name"
  say "starting $name: orderflow run ${services[*]:-(all services)} (log: $log)"
  printf '%s\n' "${services[@]:-all}" >"$ORDERFLOW_PID_DIR/$name.services"
  echo "$port" >"$ORDERFLOW_PID_DIR/$name.port"
  # Kafka Streams state stores live with the rest of the run data, one folder per host.
  ORDERFLOW_STATE_DIR="${ORDERFLOW_STATE_DIR:-$ORDERFLOW_RUN_DIR/streams/$name}" ORDERFLOW_METRICS_PORT=$port \
    ORDERFLOW_JAVA_OPTS="-Dorderflow.name=$name ${ORDERFLOW_JAVA_OPTS:-}" \
    start_process "$name" "$launcher" run "${services[@]}"
  # Ready once every service has started and the host reaches Kafka and PostgreSQL; a service that cannot start
  # ends the host at once, and the wait shows its log.
  await "$name" 300 "$name to be ready (http://127.0.0.1:$port/health/ready)" http_ok "http://127.0.0.1:$port/health/ready"
fi

# ---- summary
say "Orderflow is up"
cat <<SUMMARY
    Kafka        $ORDERFLOW_KAFKA_BOOTSTRAP            topics: infra/kafka.sh topics
$([[ -n ${ORDERFLOW_KAFKA_CREDENTIALS:-} ]] && echo "                 secured: SASL/SCRAM-SHA-512 + ACLs (infra/config/kafka-acls.txt), credentials in $ORDERFLOW_KAFKA_CREDENTIALS")
    PostgreSQL   $ORDERFLOW_DB_URL  user $ORDERFLOW_DB_USER   shell: infra/postgres.sh psql
    Mail sink    SMTP 127.0.0.1:$ORDERFLOW_SMTP_PORT, IMAP 127.0.0.1:$ORDERFLOW_IMAP_PORT, inbox API http://127.0.0.1:$ORDERFLOW_MAIL_API_PORT/api/user/{email}/messages/INBOX
    Sandbox      gateway http://127.0.0.1:$ORDERFLOW_GATEWAY_PORT, carrier http://127.0.0.1:$ORDERFLOW_CARRIER_PORT
    Admin        http://127.0.0.1:$ORDERFLOW_ADMIN_PORT/  user admin, password \$ORDERFLOW_ADMIN_PASSWORD or: grep 'log in as' $(log_file "$name")
SUMMARY
for host in $(host_names); do
  if pid=$(proc_pid "$host"); then
    printf '    %-12s pid %s, services: %s, log %s\n' "$host" "$pid" \
      "$(paste -sd' ' "$ORDERFLOW_PID_DIR/$host.services" 2>/dev/null)" "$(log_file "$host")"
    printf '    %-12s http://127.0.0.1:%s/metrics, /health/ready, /health/live\n' "" "$(cat "$ORDERFLOW_PID_DIR/$host.port")"
  fi
done
cat <<SUMMARY
    Distribution $(readlink -f "$ORDERFLOW_DIST_CURRENT")   (CLI: scripts/orderflow)
    Logs in $ORDERFLOW_LOG_DIR, data in $ORDERFLOW_RUN_DIR
    Status: scripts/status.sh    Restart: scripts/restart.sh    Stop: scripts/down.sh
SUMMARY
