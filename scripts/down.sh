#!/usr/bin/env bash
# Stop the services (reverse order of scripts/services.txt), then the infrastructure.
# Data stays in $ORDERFLOW_RUN_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/env.sh

service_lines | tac | while read -r name _; do
  stop_proc "$name" 30
done
infra/down.sh
