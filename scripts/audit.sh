#!/usr/bin/env bash
# `make audit`: known vulnerabilities in the pinned Python requirements and the npm packages the tests use
# (scripts/audit.py says what is checked, and why an unreachable advisory database is a warning).
. "$(dirname "$0")/lib.sh"
exec "$PY" "$ROOT/scripts/audit.py" "$@"
