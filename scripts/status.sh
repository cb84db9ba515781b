#!/usr/bin/env bash
# What runs: infrastructure, then each service host and its services. Exits 0 only if all of it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/env.sh

rc=0
infra/status.sh || rc=3
hosts=$(host_names)
[[ -n $hosts ]] || { echo "services: no host started (scripts/up.sh)"; exit 3; }
for host in $hosts; do
  proc_status "$host" "services: $(paste -sd' ' "$ORDERFLOW_PID_DIR/$host.services" 2>/dev/null), log $(log_file "$host")" \
    || rc=3
done
exit $rc
