#!/usr/bin/env bash
# One line per infrastructure part; exits 0 only if all of them are running.
set -euo pipefail
cd "$(dirname "$0")"
source ./env.sh

rc=0
for part in kafka postgres mail sandbox; do
  ./$part.sh status || rc=3
done
exit $rc
