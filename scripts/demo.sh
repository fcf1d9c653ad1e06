#!/usr/bin/env bash
# Publishes the demo asset register to the running portal (idempotent: a rerun writes nothing).
. "$(dirname "$0")/lib.sh"
instance_env run
REGISTER="$ROOT/publish_jobs/demo/register.xlsx"
if [ ! -f "$REGISTER" ]; then say "No demo register yet ($REGISTER); skipping demo content"; exit 0; fi
say "Publishing the demo asset register (log: $LOGS/publish-demo.log)"
WESTSUFFOLK_PORTAL_URL="$CKAN_SITE_URL" WESTSUFFOLK_API_TOKEN="$(cat "$SECRETS/sysadmin-token")" \
  "$VENV/bin/westsuffolk-publish" run --register "$REGISTER" --report "$VAR/publish-demo-report.json" \
  2>&1 | tee "$LOGS/publish-demo.log" | tail -n 40
