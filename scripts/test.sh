#!/usr/bin/env bash
# Runs the whole pytest suite against the test instance (services already started by `make test`).
. "$(dirname "$0")/lib.sh"
instance_env test
cd "$ROOT"
say "Running the test suite (config: $CKAN_INI)"
exec "$PY" -m pytest -p ckan --ckan-ini="$CKAN_INI" "$@"
