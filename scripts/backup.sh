#!/usr/bin/env bash
# `make backup`: everything a lost machine takes with it, in one dated archive
#   var/backups/westsuffolk-<UTC date and time>.tar.gz   (WESTSUFFOLK_BACKUP_DIR elsewhere)
# holding catalogue.dump (PostgreSQL: datasets, users, tokens, activity and the validation results, which
# live in the catalogue's westsuffolk_validation_result table), datastore.dump (every DataStore table),
# storage/ (uploaded files; not webassets, which CKAN rebuilds) and manifest.json (what was in it).
# The Solr index is not kept: `make restore` rebuilds it from the catalogue.
# Usage: backup.sh [run|test]    (the instance: the portal, by default)
. "$(dirname "$0")/lib.sh"
instance_env "${1:-run}"
OUT="${WESTSUFFOLK_BACKUP_DIR:-$VAR/backups}"
mkdir -p "$OUT"
STAMP=$(date -u +%Y-%m-%dT%H%M%SZ)
ARCHIVE="$OUT/westsuffolk-$STAMP.tar.gz"
WORK=$(mktemp -d); trap 'rm -rf "$WORK"' EXIT

count() { psql "$1" -v ON_ERROR_STOP=1 -qtAc "$2"; }

say "Backing up $CKAN_DB, $DATASTORE_DB and $CKAN_STORAGE_PATH"
# One snapshot per database (pg_dump reads each in one transaction); no owners or grants, so the
# archive restores into databases of any name, owned by ckan_default.
pg_dump --format=custom --no-owner --no-acl --file="$WORK/catalogue.dump" "$CKAN_SQLALCHEMY_URL" \
  || fail "pg_dump of $CKAN_DB failed"
pg_dump --format=custom --no-owner --no-acl --file="$WORK/datastore.dump" "$CKAN_DATASTORE_WRITE_URL" \
  || fail "pg_dump of $DATASTORE_DB failed"

datasets=$(count "$CKAN_SQLALCHEMY_URL" "SELECT count(*) FROM package WHERE state <> 'deleted'")
resources=$(count "$CKAN_SQLALCHEMY_URL" "SELECT count(*) FROM resource WHERE state <> 'deleted'")
results=$(count "$CKAN_SQLALCHEMY_URL" "SELECT count(*) FROM westsuffolk_validation_result" 2>/dev/null || echo 0)
tables=$(count "$CKAN_DATASTORE_WRITE_URL" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_table_metadata'")
files=$(find "$CKAN_STORAGE_PATH" -path "$CKAN_STORAGE_PATH/webassets" -prune -o -type f -print | wc -l)
cat > "$WORK/manifest.json" <<EOF
{"created": "$STAMP", "instance": "${1:-run}", "catalogue_database": "$CKAN_DB",
 "datastore_database": "$DATASTORE_DB", "datasets": $datasets, "resources": $resources,
 "validation_results": $results, "datastore_tables": $tables, "files": $files,
 "commit": "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"}
EOF

# storage/ inside the archive: the storage folder's own tree, webassets left out.
tar --create --gzip --file="$ARCHIVE.part" -C "$WORK" manifest.json catalogue.dump datastore.dump \
  -C "$CKAN_STORAGE_PATH" --exclude=./webassets --transform='s,^\.,storage,' . \
  || fail "writing $ARCHIVE failed"
mv "$ARCHIVE.part" "$ARCHIVE"   # a half-written archive never carries the final name
say "Backup written: $ARCHIVE ($(du -h "$ARCHIVE" | cut -f1); $datasets datasets, $resources resources, $files files, $tables DataStore tables)"
echo "$ARCHIVE"
