#!/usr/bin/env bash
# Runs the whole pytest suite against the test instance (services already started by `make test`).
. "$(dirname "$0")/lib.sh"
instance_env test
cd "$ROOT"
# The ini follows this checkout's template (plugins may have changed), and the test database may have
# been rebuilt by another checkout's run: bring its tables (CKAN's and the extension's migrations) up
# to this checkout's head first.
"$PY" "$ROOT/scripts/render_ini.py" "$CKAN_INI"
"$CKAN" -c "$CKAN_INI" db upgrade > "$LOGS/ckan-db-test.log" 2>&1 \
  || { tail -n 30 "$LOGS/ckan-db-test.log" >&2; fail "ckan db upgrade failed; see $LOGS/ckan-db-test.log"; }
say "Running the test suite (config: $CKAN_INI)"
exec "$PY" -m pytest -p ckan --ckan-ini="$CKAN_INI" "$@"
