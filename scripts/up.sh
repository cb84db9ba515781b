#!/usr/bin/env bash
# Start everything: build the project, start the local infrastructure
# (infra/up.sh), then every service in scripts/services.txt.
# Stop with scripts/down.sh; see what runs with scripts/status.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/env.sh

# ---- tools
command -v java >/dev/null || die "java not found: install a JDK 17+ (Debian: apt-get install -y openjdk-17-jdk-headless)"
java_version=$(java -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')
((${java_version%%.*} >= 17)) || die "Java 17 or newer is needed; 'java' is $java_version"
command -v mvn >/dev/null || die "mvn not found: install Maven 3.8+ (Debian: apt-get install -y maven)"

# ---- build
say "building Orderflow (mvn install -DskipTests)"
mvn -q -B install -DskipTests
# Everything was just built: spare infra/sandbox.sh its own rebuild.
if [[ -d infra/sandbox/target ]]; then touch infra/sandbox/target/.orderflow-built; fi

# ---- infrastructure
infra/up.sh

# ---- services
started=()
while read -r name dir main; do
  if pid=$(proc_pid "$name"); then say "$name already running (pid $pid)"; continue; fi
  if [[ ! -f $dir/pom.xml ]]; then note "$name: module $dir does not exist yet; skipping"; continue; fi
  cp=$(module_classpath "$dir")
  say "starting $name ($main, log: $(log_file "$name"))"
  # Kafka Streams state stores live with the rest of the run data (one folder per application id).
  ORDERFLOW_STATE_DIR="${ORDERFLOW_STATE_DIR:-$ORDERFLOW_RUN_DIR/streams}" \
    start_java "$name" -Xmx384m -XX:+ExitOnOutOfMemoryError -cp "$cp" "$main"
  started+=("$name")
done < <(service_lines)

# A service that dies at once (bad config, missing topic, port taken) should say so here.
if ((${#started[@]})); then
  sleep 3
  for name in "${started[@]}"; do
    proc_pid "$name" >/dev/null || { log_tail "$name"; die "$name exited right after start"; }
  done
fi

# ---- summary
say "Orderflow is up"
cat <<SUMMARY
    Kafka        $ORDERFLOW_KAFKA_BOOTSTRAP            topics: infra/kafka.sh topics
    PostgreSQL   $ORDERFLOW_DB_URL  user $ORDERFLOW_DB_USER   shell: infra/postgres.sh psql
    Mail sink    SMTP 127.0.0.1:$ORDERFLOW_SMTP_PORT, IMAP 127.0.0.1:$ORDERFLOW_IMAP_PORT, inbox API http://127.0.0.1:$ORDERFLOW_MAIL_API_PORT/api/user/{email}/messages/INBOX
    Sandbox      gateway http://127.0.0.1:$ORDERFLOW_GATEWAY_PORT, carrier http://127.0.0.1:$ORDERFLOW_CARRIER_PORT
SUMMARY
while read -r name dir main; do
  if pid=$(proc_pid "$name"); then printf '    %-12s pid %s, log %s\n' "$name" "$pid" "$(log_file "$name")"; fi
done < <(service_lines)
cat <<SUMMARY
    Logs in $ORDERFLOW_LOG_DIR, data in $ORDERFLOW_RUN_DIR
    Status: scripts/status.sh    Stop: scripts/down.sh
SUMMARY
