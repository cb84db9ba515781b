#!/usr/bin/env bash
# Stop the service hosts (each stops its services in reverse start order), then the infrastructure.
#   scripts/down.sh [--services]   --services: stop only the hosts, leave the infrastructure running
# Data stays in $ORDERFLOW_RUN_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/env.sh

for host in $(host_names); do
  stop_proc "$host" 60
done
[[ ${1:-} == --services ]] || infra/down.sh
