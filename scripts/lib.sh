# Shared settings and helpers for the portal's scripts. Sourced, never run.
# Every path, port and name the dev/CI stack uses is defined here, once.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VAR="${WESTSUFFOLK_VAR:-$ROOT/var}"
LOGS="$VAR/log"
SECRETS="$VAR/secrets"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
CKAN="$VENV/bin/ckan"

PG_VERSION=15
PG_CLUSTER=main
PG_PORT=5432
REDIS_PORT=6379
SOLR_PORT=8983
SOLR_HOME="$VAR/solr"
SOLR_DIR="$ROOT/docker/solr"
CKAN_PORT=5000
CKAN_HOST=127.0.0.1

export DEBIAN_FRONTEND=noninteractive PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1

mkdir -p "$LOGS" "$SECRETS" "$VAR/run"

say()  { printf '\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\033[31mERROR: %s\033[0m\n' "$*" >&2; exit 1; }

# wait_for NAME LOGFILE TIMEOUT_SECONDS COMMAND...: poll COMMAND until it succeeds.
wait_for() {
  local name=$1 log=$2 timeout=$3; shift 3
  local waited=0
  until "$@" >/dev/null 2>&1; do
    sleep 1; waited=$((waited + 1))
    if [ "$waited" -ge "$timeout" ]; then
      echo "---- last lines of $log ----" >&2; tail -n 40 "$log" >&2 2>/dev/null || true
      fail "$name did not answer within ${timeout}s; its log is $log"
    fi
  done
}

# Per-instance settings: "run" (the portal) or "test" (the pytest suite) get separate
# databases and Solr cores so tests never wipe the demo portal.
instance_env() {
  local instance=$1
  secrets_env
  local suffix=""; [ "$instance" = test ] && suffix="_test"
  # WESTSUFFOLK_CKAN_DB, _DATASTORE_DB, _CKAN_INI, _SITE_ID, _STORAGE_PATH point an instance elsewhere
  # (a restore into other databases: tests/integration/test_backup_restore.py).
  export CKAN_DB="${WESTSUFFOLK_CKAN_DB:-ckan$suffix}" DATASTORE_DB="${WESTSUFFOLK_DATASTORE_DB:-datastore$suffix}"
  export SOLR_CORE="ckan$suffix"
  export CKAN_INI="${WESTSUFFOLK_CKAN_INI:-$VAR/$instance.ini}"
  export CKAN_SITE_ID="${WESTSUFFOLK_SITE_ID:-westsuffolk$suffix}"
  local port=$CKAN_PORT; [ "$instance" = test ] && port=5001
  export CKAN_SITE_URL="${CKAN_SITE_URL_OVERRIDE:-http://$CKAN_HOST:$port}"
  export CKAN_SQLALCHEMY_URL="postgresql://ckan_default:$PG_CKAN_PASSWORD@127.0.0.1:$PG_PORT/$CKAN_DB"
  export CKAN_DATASTORE_WRITE_URL="postgresql://ckan_default:$PG_CKAN_PASSWORD@127.0.0.1:$PG_PORT/$DATASTORE_DB"
  export CKAN_DATASTORE_READ_URL="postgresql://datastore_default:$PG_DATASTORE_PASSWORD@127.0.0.1:$PG_PORT/$DATASTORE_DB"
  export CKAN_SOLR_URL="http://127.0.0.1:$SOLR_PORT/solr/$SOLR_CORE"
  export CKAN_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/$([ "$instance" = test ] && echo 1 || echo 0)"
  export CKAN_STORAGE_PATH="${WESTSUFFOLK_STORAGE_PATH:-$VAR/storage$suffix}"
  export CKAN_MAX_RESOURCE_SIZE_MB="${CKAN_MAX_RESOURCE_SIZE_MB:-200}"
  export WESTSUFFOLK_SITE_TITLE="${WESTSUFFOLK_SITE_TITLE:-West Suffolk Council Open Data}"
  mkdir -p "$CKAN_STORAGE_PATH"
}

# Secrets are generated once per machine into var/secrets (git-ignored), never committed.
secrets_env() {
  local file="$SECRETS/env"
  if [ ! -f "$file" ]; then
    umask 077
    {
      echo "PG_CKAN_PASSWORD=$(openssl rand -hex 16)"
      echo "PG_DATASTORE_PASSWORD=$(openssl rand -hex 16)"
      echo "CKAN_SECRET_KEY=$(openssl rand -hex 32)"
      echo "CKAN_JWT_SECRET=$(openssl rand -hex 32)"
      echo "SYSADMIN_PASSWORD=${WESTSUFFOLK_ADMIN_PASSWORD:-$(openssl rand -base64 18 | tr -d '/+=')}"
    } > "$file"
  fi
  set -a; . "$file"; set +a
}
