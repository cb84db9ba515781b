#!/usr/bin/env bash
# What runs: infrastructure, then each service host with the health of its services (its /health/ready).
# Exits 0 only if all of it runs and is ready.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/env.sh

rc=0
infra/status.sh || rc=3
hosts=$(host_names)
[[ -n $hosts ]] || { echo "services: no host started (scripts/up.sh)"; exit 3; }
for host in $hosts; do
  port=$(cat "$ORDERFLOW_PID_DIR/$host.port" 2>/dev/null || true)
  proc_status "$host" "services: $(paste -sd' ' "$ORDERFLOW_PID_DIR/$host.services" 2>/dev/null), log $(log_file "$host")" \
    || { rc=3; continue; }
  # Its readiness, one line per check (Kafka, PostgreSQL, each service): {"status":..,"checks":{"a":"UP",..}}
  health=$(curl -sS --max-time 10 "http://127.0.0.1:$port/health/ready" 2>&1) || rc=3
  if [[ $health == *'"checks":{'* ]]; then
    echo "$health" | sed -e 's/.*"checks":{//' -e 's/}}$//' -e 's/","/"\n"/g' | sed -e 's/^"//' -e 's/"$//' -e 's/":"/: /' \
      | sed 's/^/    /'
    [[ $health == '{"status":"UP"'* ]] || rc=3
  else
    echo "    health: no answer on http://127.0.0.1:$port/health/ready ($health)"
  fi
done
exit $rc
