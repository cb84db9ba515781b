#!/usr/bin/env bash
# Restart the services in seconds, without Maven: stop the hosts, then start one on the distribution built last
# (scripts/up.sh --no-build). Arguments as for scripts/up.sh, e.g. `scripts/restart.sh engine payment`.
# After changing code: mvn -q package -DskipTests && scripts/restart.sh (or scripts/up.sh, which builds).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/down.sh --services
exec scripts/up.sh --no-build "$@"
