#!/usr/bin/env bash
# Load run against a system started by scripts/up.sh: places orders (default 10,000), lets the automatic path
# take them to delivered, prints orders/s, transitions/s and latency percentiles. `scripts/load-test.sh --help`.
set -euo pipefail
# shellcheck source=../infra/env.sh
source "$(dirname "${BASH_SOURCE[0]}")/../infra/env.sh"

exec "$(orderflow_launcher)" load-test "$@"
