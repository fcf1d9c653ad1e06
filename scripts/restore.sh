#!/usr/bin/env bash
# `make restore ARCHIVE=var/backups/westsuffolk-….tar.gz`: a backup (scripts/backup.sh) onto this machine,
# a fresh one included (PostgreSQL, Solr and Redis started first: `scripts/services.sh start-backing`).
# The databases must be empty or missing (they are created): a restore never merges into, or overwrites,
# a live catalogue. Then the schema is brought to this checkout's migrations, the DataStore's read-only
# permissions are set again, the uploaded files are put back and the Solr index is rebuilt from the
# catalogue. The counts in the archive's manifest are checked against what was restored.
# Usage: restore.sh ARCHIVE [run|test]
. "$(dirname "$0")/lib.sh"
ARCHIVE=${1:?usage: restore.sh ARCHIVE [run|test]}
INSTANCE=${2:-run}
[ -f "$ARCHIVE" ] || fail "no backup archive at $ARCHIVE"
instance_env "$INSTANCE"
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT
count() { psql "$1" -v ON_ERROR_STOP=1 -qtAc "$2"; }
manifest() { "$PY" -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$WORK/manifest.json" "$1"; }

say "Restoring $ARCHIVE into $CKAN_DB, $DATASTORE_DB and $CKAN_STORAGE_PATH"
tar --extract --gzip --file="$ARCHIVE" -C "$WORK" || fail "$ARCHIVE is not a readable backup archive"
for part in manifest.json catalogue.dump datastore.dump; do
  [ -f "$WORK/$part" ] || fail "$ARCHIVE holds no $part: not a backup made by scripts/backup.sh"
done

"$ROOT/scripts/services.sh" create-databases "$INSTANCE"
for url in "$CKAN_SQLALCHEMY_URL" "$CKAN_DATASTORE_WRITE_URL"; do
  [ "$(count "$url" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" = 0 ] \
    || fail "database ${url##*/} is not empty: a restore goes into empty databases only (drop or rename it first)"
done
if [ -d "$CKAN_STORAGE_PATH/resources" ] && [ -n "$(ls -A "$CKAN_STORAGE_PATH/resources")" ]; then
  fail "$CKAN_STORAGE_PATH/resources already holds files: restore into an empty storage folder"
fi

pg_restore --no-owner --no-acl --exit-on-error --dbname="$CKAN_SQLALCHEMY_URL" "$WORK/catalogue.dump" \
  || fail "restoring the catalogue into $CKAN_DB failed"
pg_restore --no-owner --no-acl --exit-on-error --dbname="$CKAN_DATASTORE_WRITE_URL" "$WORK/datastore.dump" \
  || fail "restoring the DataStore into $DATASTORE_DB failed"
if [ -d "$WORK/storage" ]; then
  mkdir -p "$CKAN_STORAGE_PATH"
  cp -a "$WORK/storage/." "$CKAN_STORAGE_PATH/"
fi

# This checkout's migrations, the DataStore's read-only role, the sysadmin's token when missing.
"$ROOT/scripts/services.sh" init "$INSTANCE"
say "Rebuilding the Solr index from the restored catalogue"
"$CKAN" -c "$CKAN_INI" search-index rebuild --quiet > "$LOGS/restore-index.log" 2>&1 \
  || { tail -n 20 "$LOGS/restore-index.log" >&2; fail "search-index rebuild failed; see $LOGS/restore-index.log"; }

datasets=$(count "$CKAN_SQLALCHEMY_URL" "SELECT count(*) FROM package WHERE state <> 'deleted'")
resources=$(count "$CKAN_SQLALCHEMY_URL" "SELECT count(*) FROM resource WHERE state <> 'deleted'")
tables=$(count "$CKAN_DATASTORE_WRITE_URL" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_table_metadata'")
[ "$datasets" = "$(manifest datasets)" ] && [ "$resources" = "$(manifest resources)" ] \
  && [ "$tables" = "$(manifest datastore_tables)" ] \
  || fail "restored $datasets datasets, $resources resources, $tables DataStore tables; the backup had $(manifest datasets), $(manifest resources), $(manifest datastore_tables)"
say "Restored the backup of $(manifest created): $datasets datasets, $resources resources, $tables DataStore tables, $(manifest files) files"
