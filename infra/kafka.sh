#!/usr/bin/env bash
# Local single-node Kafka (KRaft: broker and controller in one JVM) on 127.0.0.1,
# run from Maven Central's Kafka jars (module infra/kafka); no Docker needed.
#   infra/kafka.sh start|stop|status|topics
#   infra/kafka.sh tool CLASS ARGS...   run a Kafka tool, e.g. org.apache.kafka.tools.ConsoleProducer
# Secured (ORDERFLOW_KAFKA_SECURE=1 at the first start of a run dir, as scripts/up.sh --secure sets): SASL/SCRAM
# and ACLs, one principal per service (infra/config/kafka-acls.txt); passwords generated into
# $ORDERFLOW_RUN_DIR/kafka/credentials.properties, which every client started from this run dir then uses.
set -euo pipefail
source "$(dirname "$0")/env.sh"

KAFKA_DIR="$ORDERFLOW_RUN_DIR/kafka"
CONF="$KAFKA_DIR/server.properties"
DATA="$KAFKA_DIR/data"
ACLS="$ORDERFLOW_HOME/infra/config/kafka-acls.txt"
TOOLS_LOG4J="-Dlog4j2.configurationFile=$ORDERFLOW_HOME/infra/config/log4j2-tools.properties"

# The broker's and tools' jars as resolved by Maven for module infra/kafka (a pom that only lists them); cached in
# infra/kafka/target/classpath.txt and resolved again when a pom changes. No Orderflow module is involved, so
# nothing needs to be built or installed first.
kafka_cp() {
  local dir="$ORDERFLOW_HOME/infra/kafka" cache="$ORDERFLOW_HOME/infra/kafka/target/classpath.txt"
  if [[ ! -f $cache || $dir/pom.xml -nt $cache || $ORDERFLOW_HOME/pom.xml -nt $cache ]]; then
    mkdir -p "$dir/target"
    mvn_quiet "resolving the Kafka classpath" -pl infra/kafka dependency:build-classpath \
      -DincludeScope=runtime -Dmdep.outputFile="$cache.$$"
    mv "$cache.$$" "$cache"   # per-process temp name: two scripts may resolve at once
  fi
  cat "$cache"
}

# admin SUBCOMMAND ARGS...: the AdminClient helper (readiness, topics), one JVM per call.
admin() {
  local cp; cp=$(kafka_cp)
  java -Xmx256m "$TOOLS_LOG4J" -cp "$cp" "$ORDERFLOW_HOME/infra/kafka/KafkaAdmin.java" "$@"
}

ensure_topics() {
  say "creating Orderflow topics from infra/topics.txt"
  admin create-topics "$ORDERFLOW_HOME/infra/topics.txt" "$ORDERFLOW_PARTITIONS"
}

secured() { [[ -n ${ORDERFLOW_KAFKA_CREDENTIALS:-} ]]; }

# One password per principal of the ACL file and for the super user kafka-admin; kept, and completed when the file
# names a new principal.
write_credentials() {
  local name
  (umask 077 && touch "$ORDERFLOW_KAFKA_CREDENTIALS")
  for name in kafka-admin $(sed 's/#.*//' "$ACLS" | awk 'NF {print $1}' | sort -u); do
    grep -q "^$name=" "$ORDERFLOW_KAFKA_CREDENTIALS" \
      || echo "$name=$(head -c 24 /dev/urandom | base64 | tr -d '/+=')" >>"$ORDERFLOW_KAFKA_CREDENTIALS"
  done
}

admin_password() { sed -n 's/^kafka-admin=//p' "$ORDERFLOW_KAFKA_CREDENTIALS"; }

# Principals and ACLs, after every start (both idempotent), so a changed ACL file takes effect.
ensure_security() {
  if secured; then
    say "securing Kafka: SCRAM credentials and ACLs from infra/config/kafka-acls.txt"
    admin secure "$ACLS"
  fi
}

start() {
  local pid cp
  if pid=$(proc_pid kafka); then
    say "Kafka already running (pid $pid) on $ORDERFLOW_KAFKA_BOOTSTRAP"
    ! secured || [[ -f $KAFKA_DIR/secured ]] \
      || die "Kafka in $ORDERFLOW_RUN_DIR runs without security; stop it (scripts/down.sh) and use another ORDERFLOW_RUN_DIR for --secure"
    ensure_topics
    ensure_security
    return
  fi
  require_port_free "$ORDERFLOW_KAFKA_PORT" "Kafka"
  require_port_free "$ORDERFLOW_KAFKA_CONTROLLER_PORT" "the Kafka controller"
  cp=$(kafka_cp)

  mkdir -p "$KAFKA_DIR"
  sed -e "s|@KAFKA_PORT@|$ORDERFLOW_KAFKA_PORT|g" \
      -e "s|@CONTROLLER_PORT@|$ORDERFLOW_KAFKA_CONTROLLER_PORT|g" \
      -e "s|@DATA_DIR@|$DATA|g" \
      -e "s|@PARTITIONS@|$ORDERFLOW_PARTITIONS|g" \
      "$ORDERFLOW_HOME/infra/config/kafka.properties" >"$CONF"
  local scram=()
  if secured; then
    [[ ! -f $DATA/meta.properties || -f $KAFKA_DIR/secured ]] \
      || die "the Kafka data in $DATA was formatted without security; use another ORDERFLOW_RUN_DIR for --secure (or infra/kafka.sh stop; rm -rf $KAFKA_DIR)"
    write_credentials
    chmod 600 "$CONF"   # it holds the super user's password
    sed -e "s|@KAFKA_PORT@|$ORDERFLOW_KAFKA_PORT|g" -e "s|@CONTROLLER_PORT@|$ORDERFLOW_KAFKA_CONTROLLER_PORT|g" \
        -e "s|@ADMIN_PASSWORD@|$(admin_password)|g" "$ORDERFLOW_HOME/infra/config/kafka-secure.properties" >>"$CONF"
    scram=(--add-scram "SCRAM-SHA-512=[name=kafka-admin,password=$(admin_password)]")
  fi

  # Format the storage once; later starts keep the data (and the cluster id).
  if [[ ! -f $DATA/meta.properties ]]; then
    say "formatting Kafka storage in $DATA"
    local cluster_id
    cluster_id=$(java "$TOOLS_LOG4J" -cp "$cp" kafka.tools.StorageTool random-uuid)
    # Transactions v1: under load, v2 (KIP-890) on this 4.2 broker left exactly-once producers retrying an
    # out-of-order sequence forever (OutOfOrderSequenceException "expected sequence 0"), stalling the engine.
    java "$TOOLS_LOG4J" -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$CONF" --standalone \
      --feature transaction.version=1 "${scram[@]}" >/dev/null
    if secured; then touch "$KAFKA_DIR/secured"; fi
  fi

  say "starting Kafka on $ORDERFLOW_KAFKA_BOOTSTRAP (log: $(log_file kafka))"
  start_java kafka -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    "-Dlog4j2.configurationFile=$ORDERFLOW_HOME/infra/config/log4j2-kafka.properties" \
    -cp "$cp" kafka.Kafka "$CONF"
  await kafka 90 "Kafka port $ORDERFLOW_KAFKA_PORT" port_open "$ORDERFLOW_KAFKA_PORT"
  await kafka 60 "Kafka to answer clients" admin await 10
  say "Kafka ready after ${SECONDS}s$(secured && echo ' (secured: SASL/SCRAM, ACLs)')"
  ensure_topics
  ensure_security
}

case "${1:-}" in
  start)  start ;;
  stop)   stop_proc kafka 60 ;;
  status) proc_status kafka "on $ORDERFLOW_KAFKA_BOOTSTRAP, data in $DATA" ;;
  topics)
    proc_pid kafka >/dev/null || die "Kafka is not running (infra/kafka.sh start)"
    ensure_topics
    admin list ;;
  tool)
    shift; [[ $# -ge 1 ]] || die "usage: $0 tool CLASS ARGS..."
    cp=$(kafka_cp)
    exec java -Xmx256m "$TOOLS_LOG4J" -cp "$cp" "$@" ;;
  *) echo "usage: $0 start|stop|status|topics|tool CLASS ARGS..." >&2; exit 2 ;;
esac
