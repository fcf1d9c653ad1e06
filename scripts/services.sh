#!/usr/bin/env bash
# Starts, stops and reports the local services (PostgreSQL, Redis, Solr, CKAN + jobs worker).
# Usage: services.sh start-backing | init INSTANCE | create-databases INSTANCE | start-ckan | restart-ckan | stop | status
. "$(dirname "$0")/lib.sh"

pg_run() { runuser -u postgres -- "$@"; }
psql_admin() { pg_run psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qtA "$@"; }

start_postgres() {
  local log="/var/log/postgresql/postgresql-$PG_VERSION-$PG_CLUSTER.log"
  if ! pg_lsclusters -h 2>/dev/null | grep -q "^$PG_VERSION $PG_CLUSTER"; then
    say "Creating PostgreSQL cluster $PG_VERSION/$PG_CLUSTER"
    pg_createcluster "$PG_VERSION" "$PG_CLUSTER" -p "$PG_PORT" > "$LOGS/postgres-create.log" 2>&1
  fi
  if ! pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1==v && $2==c {print $4}' | grep -q online; then
    say "Starting PostgreSQL $PG_VERSION"
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start || fail "PostgreSQL did not start; its log is $log"
  fi
  wait_for PostgreSQL "$log" 60 pg_isready -h 127.0.0.1 -p "$PG_PORT"
}

start_redis() {
  if ! redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then
    say "Starting Redis"
    mkdir -p "$VAR/redis"
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --dir "$VAR/redis" \
      --pidfile "$VAR/run/redis.pid" --logfile "$LOGS/redis.log" --save 60 1000
  fi
  wait_for Redis "$LOGS/redis.log" 30 redis-cli -p "$REDIS_PORT" ping
}

# Lays out the Solr home: solr.xml and one core per instance using CKAN's own schema.xml.
layout_solr_home() {
  local schema; schema=$("$PY" -c 'import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), "config/solr/schema.xml"))')
  mkdir -p "$SOLR_HOME"
  cp "$SOLR_DIR/conf/solr.xml" "$SOLR_HOME/solr.xml"
  for core in ckan ckan_test; do
    mkdir -p "$SOLR_HOME/$core/conf"
    cp "$schema" "$SOLR_HOME/$core/conf/schema.xml"
    cp "$SOLR_DIR/conf/solrconfig.xml" "$SOLR_DIR/conf/stopwords.txt" "$SOLR_HOME/$core/conf/"
    : > "$SOLR_HOME/$core/conf/synonyms.txt"
    : > "$SOLR_HOME/$core/conf/protwords.txt"
    printf 'name=%s\ndataDir=data\n' "$core" > "$SOLR_HOME/$core/core.properties"
  done
}

solr_ping() { curl -sf "http://127.0.0.1:$SOLR_PORT/solr/$1/admin/ping?wt=json" | grep -q '"status":"OK"'; }

start_solr() {
  if ! solr_ping ckan; then
    say "Starting Solr 9 on port $SOLR_PORT (log: $LOGS/solr.log)"
    layout_solr_home
    nohup java -Xms256m -Xmx512m -Dsolr.port="$SOLR_PORT" -Dsolr.log.dir="$LOGS" \
      -cp "$SOLR_DIR/target/classes:$SOLR_DIR/target/lib/*" uk.gov.westsuffolk.solr.Launcher "$SOLR_HOME" \
      > "$LOGS/solr.log" 2>&1 &
    echo $! > "$VAR/run/solr.pid"
  fi
  wait_for "Solr core ckan" "$LOGS/solr.log" 120 solr_ping ckan
  wait_for "Solr core ckan_test" "$LOGS/solr.log" 30 solr_ping ckan_test
}

ensure_role() { # name password
  psql_admin -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='$1') THEN CREATE ROLE $1 LOGIN PASSWORD '$2'; ELSE ALTER ROLE $1 PASSWORD '$2'; END IF; END\$\$;"
}
ensure_db() { # name owner
  [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname='$1'")" = 1 ] \
    || psql_admin -c "CREATE DATABASE $1 OWNER $2 ENCODING 'utf-8' TEMPLATE template0"
}

# Databases, ini file, CKAN tables, DataStore permissions and the sysadmin for one instance.
create_databases() { # instance: the roles and (empty) databases, as a restore needs them
  instance_env "$1"
  ensure_role ckan_default "$PG_CKAN_PASSWORD"
  ensure_role datastore_default "$PG_DATASTORE_PASSWORD"
  ensure_db "$CKAN_DB" ckan_default
  ensure_db "$DATASTORE_DB" ckan_default
}

init_instance() {
  local instance=$1
  create_databases "$instance"
  # A session left "idle in transaction" (a request that failed half-way) must not hold its locks
  # for ever: the test suite drops and rebuilds tables between tests.
  [ "$instance" = test ] && psql_admin -c "ALTER DATABASE $CKAN_DB SET idle_in_transaction_session_timeout = '600s'"
  "$PY" "$ROOT/scripts/render_ini.py" "$CKAN_INI"
  say "Initialising the CKAN database ($instance: $CKAN_DB)"
  "$CKAN" -c "$CKAN_INI" db upgrade > "$LOGS/ckan-db-$instance.log" 2>&1 \
    || { tail -n 30 "$LOGS/ckan-db-$instance.log" >&2; fail "ckan db upgrade failed; see $LOGS/ckan-db-$instance.log"; }
  # CKAN's SQL grants the read-only role SELECT on every table before it creates "_table_stats" (as the
  # superuser here, so the write role's default grants do not apply): grant that one too, or a fresh
  # DataStore's readers (the ward figures' cache stamp) are refused.
  { "$CKAN" -c "$CKAN_INI" datastore set-permissions 2>>"$LOGS/ckan-db-$instance.log" &&
    echo 'GRANT SELECT ON "_table_stats" TO datastore_default;'; } \
    | runuser -u postgres -- psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -q -d "$DATASTORE_DB" >> "$LOGS/ckan-db-$instance.log" 2>&1 \
    || fail "datastore set-permissions failed; see $LOGS/ckan-db-$instance.log"
  if [ "$instance" = run ]; then
    ensure_sysadmin
    # A new or lost Solr index with an existing database: index what is missing (quick when nothing is).
    "$CKAN" -c "$CKAN_INI" search-index rebuild --only-missing --quiet >> "$LOGS/ckan-db-$instance.log" 2>&1 \
      || fail "search-index rebuild failed; see $LOGS/ckan-db-$instance.log"
  fi
  return 0
}

# The sysadmin "admin" with a password from WESTSUFFOLK_ADMIN_PASSWORD or generated (printed once),
# and an API token in var/secrets/sysadmin-token for the publish jobs.
ensure_sysadmin() {
  if ! "$CKAN" -c "$CKAN_INI" user show admin 2>/dev/null | grep -q "name=admin"; then
    "$CKAN" -c "$CKAN_INI" user add admin email=opendata@westsuffolk.gov.uk password="$SYSADMIN_PASSWORD" \
      > "$LOGS/ckan-user.log" 2>&1 || fail "creating the sysadmin failed; see $LOGS/ckan-user.log"
    "$CKAN" -c "$CKAN_INI" sysadmin add admin >> "$LOGS/ckan-user.log" 2>&1
    say "Created sysadmin 'admin' with password: $SYSADMIN_PASSWORD  (kept in $SECRETS/env)"
  fi
  if [ ! -s "$SECRETS/sysadmin-token" ]; then
    "$CKAN" -c "$CKAN_INI" user token add admin publish-jobs 2>>"$LOGS/ckan-user.log" | tail -n 1 | tr -d '[:space:]' \
      > "$SECRETS/sysadmin-token"
    [ -s "$SECRETS/sysadmin-token" ] || fail "could not create the sysadmin API token; see $LOGS/ckan-user.log"
  fi
}

ckan_up() { curl -sf "http://$CKAN_HOST:$CKAN_PORT/api/3/action/status_show" | grep -q '"success": true'; }

start_ckan() {
  instance_env run
  if ! ckan_up; then
    say "Starting CKAN (gunicorn) on http://$CKAN_HOST:$CKAN_PORT (log: $LOGS/ckan.log)"
    "$VENV/bin/gunicorn" --daemon --pid "$VAR/run/gunicorn.pid" --workers 2 --threads 4 --timeout 120 --limit-request-line 8190 \
      --bind "$CKAN_HOST:$CKAN_PORT" --env "CKAN_INI=$CKAN_INI" \
      --access-logfile "$LOGS/ckan-access.log" --error-logfile "$LOGS/ckan.log" --capture-output \
      --chdir "$ROOT" "ckanext.westsuffolk.wsgi:application"
  fi
  wait_for CKAN "$LOGS/ckan.log" 120 ckan_up
  if ! { [ -f "$VAR/run/worker.pid" ] && kill -0 "$(cat "$VAR/run/worker.pid")" 2>/dev/null; }; then
    say "Starting the CKAN jobs worker (log: $LOGS/worker.log)"
    nohup "$CKAN" -c "$CKAN_INI" jobs worker > "$LOGS/worker.log" 2>&1 &
    echo $! > "$VAR/run/worker.pid"
  fi
}

stop_pidfile() { # name pidfile
  local pid; pid=$(cat "$2" 2>/dev/null) || return 0
  if kill -0 "$pid" 2>/dev/null; then
    say "Stopping $1"; kill "$pid" 2>/dev/null || true
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
  fi
  rm -f "$2"
}

stop_all() {
  stop_pidfile "CKAN jobs worker" "$VAR/run/worker.pid"
  stop_pidfile "CKAN (gunicorn)" "$VAR/run/gunicorn.pid"
  stop_pidfile Solr "$VAR/run/solr.pid"
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then say "Stopping Redis"; redis-cli -p "$REDIS_PORT" shutdown >/dev/null 2>&1 || true; fi
  if pg_lsclusters -h 2>/dev/null | grep -q "^$PG_VERSION $PG_CLUSTER .* online"; then
    say "Stopping PostgreSQL"; pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop || true
  fi
}

status() {
  local rc=0
  line() { printf '%-22s %s\n' "$1" "$2"; }
  if pg_isready -h 127.0.0.1 -p "$PG_PORT" >/dev/null 2>&1; then line PostgreSQL "up (port $PG_PORT)"; else line PostgreSQL down; rc=1; fi
  if redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1; then line Redis "up (port $REDIS_PORT)"; else line Redis down; rc=1; fi
  if solr_ping ckan 2>/dev/null; then line Solr "up (http://127.0.0.1:$SOLR_PORT/solr)"; else line Solr down; rc=1; fi
  if ckan_up 2>/dev/null; then line CKAN "up (http://$CKAN_HOST:$CKAN_PORT)"; else line CKAN down; rc=1; fi
  if [ -f "$VAR/run/worker.pid" ] && kill -0 "$(cat "$VAR/run/worker.pid")" 2>/dev/null; then line "Jobs worker" up; else line "Jobs worker" down; rc=1; fi
  line Logs "$LOGS"
  return $rc
}

# Services outlive this script: they must not inherit a lock's descriptor (`flock LOCK services.sh …`
# opens LOCK as fd 3 and up), or the lock is held until they stop.
case "${1:-}" in start-backing|start-ckan|restart-ckan) exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- ;; esac

case "${1:-}" in
  start-backing) start_postgres; start_redis; start_solr ;;
  init) init_instance "${2:?instance: run or test}" ;;
  create-databases) create_databases "${2:?instance: run or test}" ;;
  start-ckan) start_ckan ;;
  restart-ckan) stop_pidfile "CKAN jobs worker" "$VAR/run/worker.pid"; stop_pidfile "CKAN (gunicorn)" "$VAR/run/gunicorn.pid"; start_ckan ;;
  stop) stop_all ;;
  status) status ;;
  *) fail "usage: services.sh start-backing | init run|test | start-ckan | restart-ckan | stop | status" ;;
esac
