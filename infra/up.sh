#!/usr/bin/env bash
# Start all local infrastructure (each part is a no-op if already running):
# Kafka, PostgreSQL, GreenMail, sandbox gateway + carrier.
set -euo pipefail
cd "$(dirname "$0")"
source ./env.sh

./kafka.sh start
./postgres.sh start
./mail.sh start
./sandbox.sh start
say "infrastructure up (${SECONDS}s); data and logs in $ORDERFLOW_RUN_DIR"
./status.sh || true
