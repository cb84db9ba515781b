#!/usr/bin/env bash
# Local single-node Kafka (KRaft: broker and controller in one JVM) on 127.0.0.1,
# run from Maven Central's Kafka jars (module infra/kafka); no Docker needed.
#   infra/kafka.sh start|stop|status|topics
#   infra/kafka.sh tool CLASS ARGS...   run a Kafka tool, e.g. org.apache.kafka.tools.ConsoleProducer
set -euo pipefail
source "$(dirname "$0")/env.sh"

KAFKA_DIR="$ORDERFLOW_RUN_DIR/kafka"
CONF="$KAFKA_DIR/server.properties"
DATA="$KAFKA_DIR/data"
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

start() {
  local pid cp
  if pid=$(proc_pid kafka); then
    say "Kafka already running (pid $pid) on $ORDERFLOW_KAFKA_BOOTSTRAP"
    ensure_topics
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

  # Format the storage once; later starts keep the data (and the cluster id).
  if [[ ! -f $DATA/meta.properties ]]; then
    say "formatting Kafka storage in $DATA"
    local cluster_id
    cluster_id=$(java "$TOOLS_LOG4J" -cp "$cp" kafka.tools.StorageTool random-uuid)
    # Transactions v1: under load, v2 (KIP-890) on this 4.2 broker left exactly-once producers retrying an
    # out-of-order sequence forever (OutOfOrderSequenceException "expected sequence 0"), stalling the engine.
    java "$TOOLS_LOG4J" -cp "$cp" kafka.tools.StorageTool format -t "$cluster_id" -c "$CONF" --standalone \
      --feature transaction.version=1 >/dev/null
  fi

  say "starting Kafka on $ORDERFLOW_KAFKA_BOOTSTRAP (log: $(log_file kafka))"
  start_java kafka -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    "-Dlog4j2.configurationFile=$ORDERFLOW_HOME/infra/config/log4j2-kafka.properties" \
    -cp "$cp" kafka.Kafka "$CONF"
  await kafka 90 "Kafka port $ORDERFLOW_KAFKA_PORT" port_open "$ORDERFLOW_KAFKA_PORT"
  await kafka 60 "Kafka to answer clients" admin await 10
  say "Kafka ready after ${SECONDS}s"
  ensure_topics
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
