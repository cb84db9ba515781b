#!/usr/bin/env bash
# Stop all local infrastructure, in reverse order of start. Data is kept in
# $ORDERFLOW_RUN_DIR; delete that folder for a clean slate.
set -euo pipefail
cd "$(dirname "$0")"
source ./env.sh

rc=0
for part in sandbox mail postgres kafka; do
  ./$part.sh stop || rc=1   # keep stopping the rest
done
exit $rc
