#!/bin/bash
# First-start initialisation for the `db` service (the official postgres image runs every
# *.sh / *.sql in /docker-entrypoint-initdb.d once, when the data volume is empty).
#
# Creates the same roles and databases as the dev stack (scripts/services.sh):
#   ckan_default       owns the catalogue database `ckan` and the DataStore database `datastore`
#                      (the DataStore write user is the same role, as in dev)
#   datastore_default  the DataStore read-only role used by ckan.datastore.read_url
# The read-only role gets no CONNECT on `ckan`; its SELECT grants on `datastore` are applied by
# `ckan datastore set-permissions`, which the CKAN container's entrypoint runs as the database owner.
#
# Passwords come from docker/.env through docker-compose.yml (PG_CKAN_PASSWORD, PG_DATASTORE_PASSWORD).
set -euo pipefail

: "${PG_CKAN_PASSWORD:?PG_CKAN_PASSWORD is not set (docker/.env)}"
: "${PG_DATASTORE_PASSWORD:?PG_DATASTORE_PASSWORD is not set (docker/.env)}"

psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
  --set=ckan_pw="$PG_CKAN_PASSWORD" --set=ds_pw="$PG_DATASTORE_PASSWORD" <<'SQL'
CREATE ROLE ckan_default LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'ckan_pw';
CREATE ROLE datastore_default LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'ds_pw';

CREATE DATABASE ckan OWNER ckan_default ENCODING 'UTF8' TEMPLATE template0;
CREATE DATABASE datastore OWNER ckan_default ENCODING 'UTF8' TEMPLATE template0;

-- Only the owner may connect to the catalogue database; the read-only role may reach the
-- DataStore database and nothing else (CONNECT is granted to PUBLIC by default).
REVOKE ALL ON DATABASE ckan FROM PUBLIC;
REVOKE ALL ON DATABASE datastore FROM PUBLIC;
GRANT CONNECT ON DATABASE datastore TO datastore_default;
SQL

# In PostgreSQL 15 the `public` schema belongs to pg_database_owner (here ckan_default), so the
# owner can run CKAN's set-permissions SQL without superuser rights. Make that explicit.
for db in ckan datastore; do
  psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "$db" \
    -c "REVOKE CREATE ON SCHEMA public FROM PUBLIC;"
done
