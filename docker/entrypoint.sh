#!/bin/sh
# Entrypoint of the CKAN image (docker/Dockerfile), for both the web (`ckan`) and the jobs `worker`
# services of docker/docker-compose.yml.
#
#  1. renders $CKAN_INI from docker/ckan.ini.template with scripts/render_ini.py (the same renderer
#     the dev stack uses; it stops with an error naming any variable that is not set);
#  2. when CKAN_INIT_DB=true (the `ckan` service only, never the workers or extra web replicas):
#       ckan db upgrade                       catalogue tables (idempotent; alembic migrations)
#       ckan datastore set-permissions        DataStore grants for the read-only role, applied as the
#                                             DataStore database owner (see docker/README.md);
#  3. execs the command (gunicorn by default, `ckan ... jobs worker` for workers, any `ckan` command).
set -eu

: "${CKAN_INI:?CKAN_INI must name the ini file to write}"
APP_DIR="${WESTSUFFOLK_APP_DIR:-/srv/app}"

# Refuse to start with the placeholders of docker/.env.example still in place.
for name in CKAN_SECRET_KEY CKAN_JWT_SECRET CKAN_SQLALCHEMY_URL CKAN_DATASTORE_WRITE_URL CKAN_DATASTORE_READ_URL; do
  value=$(printenv "$name" || true)
  case "$value" in
    *change-me*) echo "entrypoint: $name still holds the change-me placeholder; set real secrets in docker/.env" >&2; exit 1 ;;
  esac
done

umask 077   # the rendered ini holds secrets
python "$APP_DIR/scripts/render_ini.py" "$CKAN_INI"
umask 022
mkdir -p "$CKAN_STORAGE_PATH"

if [ "${CKAN_INIT_DB:-false}" = "true" ]; then
  echo "entrypoint: ckan db upgrade" >&2
  ckan -c "$CKAN_INI" db upgrade

  echo "entrypoint: applying ckan datastore set-permissions as the DataStore database owner" >&2
  # The generated SQL starts with psql's `\connect <datastore db>`; we are already connected to it
  # through ckan.datastore.write_url, so that line is dropped and the rest runs in one session.
  ckan -c "$CKAN_INI" datastore set-permissions | python -c '
import os, sys
import psycopg2
sql = "\n".join(line for line in sys.stdin.read().splitlines() if not line.startswith("\\connect"))
conn = psycopg2.connect(os.environ["CKAN_DATASTORE_WRITE_URL"])
conn.autocommit = True
with conn.cursor() as cur:
    cur.execute(sql)
conn.close()
' || {
    echo "entrypoint: datastore set-permissions failed. Apply it by hand as a superuser:" >&2
    echo "  docker compose exec ckan ckan -c \"\$CKAN_INI\" datastore set-permissions \\" >&2
    echo "    | docker compose exec -T db psql -U postgres" >&2
    exit 1
  }
fi

exec "$@"
