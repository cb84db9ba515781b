#!/usr/bin/env bash
# GreenMail as the local mail sink: SMTP and IMAP, plus a REST API to read
# mailboxes in tests (GET /api/user/{email}/messages/INBOX), all on 127.0.0.1.
# Accepts mail for any address; any IMAP login works (auth disabled).
# It keeps every mail in memory until purged: `infra/mail.sh purge` empties it (the benchmark does, before it runs).
#   infra/mail.sh start|stop|status|purge
set -euo pipefail
source "$(dirname "$0")/env.sh"

GREENMAIL_VERSION=2.1.13
JAR="$ORDERFLOW_RUN_DIR/lib/greenmail-standalone-$GREENMAIL_VERSION.jar"
API="http://127.0.0.1:$ORDERFLOW_MAIL_API_PORT"

start() {
  local pid
  if pid=$(proc_pid mail); then say "GreenMail already running (pid $pid)"; return; fi
  require_port_free "$ORDERFLOW_SMTP_PORT" "GreenMail SMTP"
  require_port_free "$ORDERFLOW_IMAP_PORT" "GreenMail IMAP"
  require_port_free "$ORDERFLOW_MAIL_API_PORT" "the GreenMail API"

  if [[ ! -f $JAR ]]; then
    say "fetching greenmail-standalone $GREENMAIL_VERSION from Maven"
    mvn_quiet "fetching greenmail-standalone" -N dependency:copy \
      -Dartifact="com.icegreen:greenmail-standalone:$GREENMAIL_VERSION" -DoutputDirectory="$(dirname "$JAR")"
  fi

  say "starting GreenMail: SMTP 127.0.0.1:$ORDERFLOW_SMTP_PORT, IMAP :$ORDERFLOW_IMAP_PORT, API $API (log: $(log_file mail))"
  start_java mail -Xms64m -Xmx1g \
    -Dgreenmail.smtp.hostname=127.0.0.1 "-Dgreenmail.smtp.port=$ORDERFLOW_SMTP_PORT" \
    -Dgreenmail.imap.hostname=127.0.0.1 "-Dgreenmail.imap.port=$ORDERFLOW_IMAP_PORT" \
    -Dgreenmail.api.hostname=127.0.0.1 "-Dgreenmail.api.port=$ORDERFLOW_MAIL_API_PORT" \
    -Dgreenmail.auth.disabled \
    -jar "$JAR"
  await mail 60 "GreenMail readiness ($API/api/service/readiness)" http_ok "$API/api/service/readiness"
  say "GreenMail ready after ${SECONDS}s"
}

case "${1:-}" in
  start)  start ;;
  stop)   stop_proc mail 30 ;;
  status) proc_status mail "SMTP 127.0.0.1:$ORDERFLOW_SMTP_PORT, IMAP :$ORDERFLOW_IMAP_PORT, API $API" ;;
  purge)  curl -fsS -X POST "$API/api/mail/purge" >/dev/null || die "could not purge GreenMail's mail ($API)" ;;
  *) echo "usage: $0 start|stop|status|purge" >&2; exit 2 ;;
esac
