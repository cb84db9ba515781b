#!/usr/bin/env bash
# What runs: infrastructure, then services. Exits 0 only if all of it runs.
set -euo pipefail
cd "$(dirname "$0")/.."
source infra/env.sh

rc=0
infra/status.sh || rc=3
while read -r name dir main; do
  proc_status "$name" "($main), log $(log_file "$name")" || rc=3
done < <(service_lines)
exit $rc
