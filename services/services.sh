#!/usr/bin/env bash
# Real PostgreSQL 15, Redis and Solr 9.10.1 on loopback for development and CI, without Docker;
# and Apache Jena's RdfCheck, built for the DCAT tests.
#
#   services/services.sh up     [postgres|redis|solr|jena ...]   install what is missing, start, wait
#   services/services.sh down   [postgres|redis|solr|jena ...]   stop what this script started
#   services/services.sh status [postgres|redis|solr|jena ...]   say what answers
#   services/services.sh up|down solrcloud   a 2-node SolrCloud for make test-solrcloud (never by default)
#
# Every "up" is idempotent: a service that already answers on its port is reused. Every wait has a
# deadline and ends with a message that says what went wrong; nothing hangs silently.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${DONGCHANG_STATE:-$ROOT/.services}
VENV=${VENV:-$ROOT/.venv}
PG_PORT=5432
REDIS_PORT=6379
SOLR_PORT=8983
DB_USER=ckan_default
DB_PASS=pass
# PostgreSQL refuses to run as root, and a CI clone may sit in a directory only root can enter,
# so as root the cluster lives where the postgres user can reach it (one per checkout).
if [ "$(id -u)" = 0 ]; then
  PG_DIR=/var/tmp/ckanext-dongchang/pg-$(printf '%s' "$ROOT" | md5sum | cut -c1-10)
else
  PG_DIR=$STATE/pg
fi
PG_BIN=/usr/lib/postgresql/15/bin

log() { printf '[services] %s\n' "$*" >&2; }
die() { printf '[services] ERROR: %s\n' "$*" >&2; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  log "installing Debian packages: $*"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@" >/dev/null
}
wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
  log "$what is ready"
}

# --- PostgreSQL ------------------------------------------------------------------------------
pg_as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p $PG_PORT; }
psql_admin() { PGPASSWORD=postgres psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p $PG_PORT -U postgres "$@"; }

postgres_up() {
  [ -x "$PG_BIN/postgres" ] || apt_install postgresql-15 postgresql-contrib
  if pg_ready; then
    psql_admin -c 'select 1' >/dev/null 2>&1 || die "port $PG_PORT answers but is not this project's PostgreSQL (stop it, or free the port)"
    log "PostgreSQL already running on 127.0.0.1:$PG_PORT"
  else
    port_open $PG_PORT && die "port $PG_PORT is taken by something that is not PostgreSQL"
    if [ ! -f "$PG_DIR/data/PG_VERSION" ]; then
      log "creating a private PostgreSQL 15 cluster in $PG_DIR"
      as_root mkdir -p "$PG_DIR"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$PG_DIR"
      echo postgres > "$PG_DIR.pw" && chmod 644 "$PG_DIR.pw"
      pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U postgres --pwfile="$PG_DIR.pw" \
        --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
      rm -f "$PG_DIR.pw"
    fi
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/postgres.log" -w -t 60 \
      -o "-h 127.0.0.1 -p $PG_PORT -k $PG_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null || die "PostgreSQL did not start; see $PG_DIR/postgres.log"
    wait_for 60 "PostgreSQL on 127.0.0.1:$PG_PORT" pg_ready || die "PostgreSQL did not answer; see $PG_DIR/postgres.log"
  fi
  psql_admin -tAc "select 1 from pg_roles where rolname='$DB_USER'" | grep -q 1 ||
    psql_admin -c "create role $DB_USER login password '$DB_PASS'"
  local db
  # ckan_harvest_client: the vanilla CKAN harvest client the system tests start (tests/system)
  for db in ckan ckan_test ckan_harvest_client; do
    psql_admin -tAc "select 1 from pg_database where datname='$db'" | grep -q 1 ||
      psql_admin -c "create database $db owner $DB_USER encoding 'UTF8'"
    # pg_trgm backs duplicate detection; creating it needs a superuser on first use.
    psql_admin -d "$db" -c "set client_min_messages = warning; create extension if not exists pg_trgm" >/dev/null
  done
  # The DataStore's own databases with the read-only role datastore_ro (issue 16 item 4);
  # CKAN's set-permissions needs the DataStore code, so the virtualenv must exist (make venv).
  if [ -x "$VENV/bin/python" ]; then
    VENV=$VENV bash "$ROOT/services/datastore-db.sh" datastore_default ckan
    VENV=$VENV bash "$ROOT/services/datastore-db.sh" datastore_test ckan_test
  else
    log "no virtualenv at $VENV yet: the DataStore databases are made by the next 'make services'"
  fi
}
postgres_down() {
  if [ -f "$PG_DIR/data/postmaster.pid" ]; then
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null && log "PostgreSQL stopped"
  fi
}
postgres_status() { pg_ready && echo "postgres: up on 127.0.0.1:$PG_PORT" || echo "postgres: down"; }

# --- Redis -----------------------------------------------------------------------------------
redis_ping() { [ "$(redis-cli -h 127.0.0.1 -p $REDIS_PORT ping 2>/dev/null)" = PONG ]; }
redis_up() {
  command -v redis-server >/dev/null || apt_install redis-server
  if redis_ping; then log "Redis already running on 127.0.0.1:$REDIS_PORT"; return; fi
  port_open $REDIS_PORT && die "port $REDIS_PORT is taken by something that is not Redis"
  mkdir -p "$STATE/redis"
  redis-server --bind 127.0.0.1 --port $REDIS_PORT --daemonize yes --save '' --appendonly no \
    --dir "$STATE/redis" --pidfile "$STATE/redis/redis.pid" --logfile "$STATE/redis/redis.log"
  wait_for 30 "Redis on 127.0.0.1:$REDIS_PORT" redis_ping || die "Redis did not answer; see $STATE/redis/redis.log"
}
redis_down() {
  if redis_ping; then redis-cli -h 127.0.0.1 -p $REDIS_PORT shutdown nosave >/dev/null 2>&1 || true; log "Redis stopped"; fi
}
redis_status() { redis_ping && echo "redis: up on 127.0.0.1:$REDIS_PORT" || echo "redis: down"; }

# --- Solr ------------------------------------------------------------------------------------
SOLR_SRC=$ROOT/services/solr
SOLR_HOME=$STATE/solr-home
SOLR_URL=http://127.0.0.1:$SOLR_PORT/solr/ckan
solr_ping() { curl -fsS "$SOLR_URL/admin/ping" 2>/dev/null | grep -q '"OK"'; }
ckan_schema() {
  [ -x "$VENV/bin/python" ] || die "no virtualenv at $VENV: run 'make venv' first (Solr needs CKAN's schema.xml)"
  "$VENV/bin/python" -c 'import ckan, os; print(os.path.join(os.path.dirname(ckan.__file__), "config", "solr", "schema.xml"))'
}
solr_build() {
  command -v javac >/dev/null || apt_install openjdk-17-jdk-headless  # Maven compiles SolrLauncher
  command -v mvn >/dev/null || apt_install maven
  java -version 2>&1 | grep -qE 'version "(1[7-9]|2[0-9])' || die "Solr 9 needs Java 17 or newer; found: $(java -version 2>&1 | head -1)"
  if [ ! -f "$SOLR_SRC/target/classes/SolrLauncher.class" ] || [ ! -d "$SOLR_SRC/target/lib" ] ||
     [ "$SOLR_SRC/pom.xml" -nt "$SOLR_SRC/target/classes/SolrLauncher.class" ] ||
     [ "$SOLR_SRC/src/main/java/SolrLauncher.java" -nt "$SOLR_SRC/target/classes/SolrLauncher.class" ] ||
     [ ! -f "$SOLR_SRC/target/classes/SolrCloudLauncher.class" ] ||
     [ "$SOLR_SRC/src/main/java/SolrCloudLauncher.java" -nt "$SOLR_SRC/target/classes/SolrCloudLauncher.class" ]; then
    log "building the Solr 9.10.1 launcher from Maven Central (first time: a few minutes)"
    (cd "$SOLR_SRC" && mvn -B -q package -DskipTests) || die "Maven could not build services/solr"
  fi
}
solr_home() {
  local schema; schema=$(ckan_schema)
  mkdir -p "$SOLR_HOME/ckan/conf"
  cp "$SOLR_SRC/conf/solr.xml" "$SOLR_HOME/"
  cp "$SOLR_SRC/conf/solrconfig.xml" "$SOLR_SRC/conf/protwords.txt" "$SOLR_SRC/conf/synonyms.txt" "$SOLR_HOME/ckan/conf/"
  cp "$schema" "$SOLR_HOME/ckan/conf/schema.xml"
  echo "name=ckan" > "$SOLR_HOME/ckan/core.properties"
}
solr_up() {
  solr_start
  solr_core harvest_client  # the harvest client of the system tests (tests/system)
}
solr_start() {
  if solr_ping; then log "Solr already running at $SOLR_URL"; return; fi
  port_open $SOLR_PORT && die "port $SOLR_PORT is taken by something that is not this project's Solr"
  solr_build
  solr_home
  log "starting Solr 9.10.1 on 127.0.0.1:$SOLR_PORT"
  nohup java -Xms256m -Xmx768m -Dsolr.port=$SOLR_PORT \
    -Dlog4j2.configurationFile="$SOLR_SRC/conf/log4j2.xml" \
    -cp "$SOLR_SRC/target/classes:$SOLR_SRC/target/lib/*" SolrLauncher "$SOLR_HOME" \
    >"$STATE/solr.log" 2>&1 </dev/null &
  echo $! > "$STATE/solr.pid"
  local deadline=$((SECONDS + 180))
  until grep -q SOLR_READY "$STATE/solr.log" 2>/dev/null && solr_ping; do
    if ! kill -0 "$(cat "$STATE/solr.pid")" 2>/dev/null || grep -q SOLR_FAILED "$STATE/solr.log"; then
      tail -n 30 "$STATE/solr.log" >&2
      die "Solr failed to start (see $STATE/solr.log)"
    fi
    [ $SECONDS -lt $deadline ] || die "Solr did not answer within 180 s (see $STATE/solr.log)"
    sleep 1
  done
  log "Solr is ready at $SOLR_URL"
}
solr_core() {  # solr_core NAME: an empty core with CKAN's schema, made through CoreAdmin if missing
  curl -fsS "http://127.0.0.1:$SOLR_PORT/solr/admin/cores?action=STATUS&core=$1" | grep -q '"instanceDir"' && return
  mkdir -p "$SOLR_HOME/$1/conf"
  cp "$SOLR_HOME/ckan/conf/"* "$SOLR_HOME/$1/conf/"
  curl -fsS "http://127.0.0.1:$SOLR_PORT/solr/admin/cores?action=CREATE&name=$1&instanceDir=$SOLR_HOME/$1" >/dev/null ||
    die "Solr could not create the core $1 (see $STATE/solr.log)"
  log "Solr core $1 created"
}
solr_down() {
  if [ -f "$STATE/solr.pid" ] && kill -0 "$(cat "$STATE/solr.pid")" 2>/dev/null; then
    kill "$(cat "$STATE/solr.pid")"
    local deadline=$((SECONDS + 30))
    while kill -0 "$(cat "$STATE/solr.pid")" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
    rm -f "$STATE/solr.pid"
    log "Solr stopped"
  fi
}
solr_status() { solr_ping && echo "solr: up at $SOLR_URL" || echo "solr: down"; }

# --- SolrCloud (make test-solrcloud only; never started by a plain "up") ----------------------
# Two Solr nodes and an embedded ZooKeeper from the same Maven build (SolrCloudLauncher,
# MiniSolrCloudCluster), a collection "ckan" of two shards, one per node, on its own ports so the
# shared standalone Solr on $SOLR_PORT keeps serving. Started afresh each time (no state kept).
SOLRCLOUD_PORT=${SOLRCLOUD_PORT:-8990}  # node 1; node 2 listens on the next port
SOLRCLOUD_DIR=$STATE/solrcloud
SOLRCLOUD_URL=http://127.0.0.1:$SOLRCLOUD_PORT/solr/ckan
solrcloud_ping() { curl -fsS "$SOLRCLOUD_URL/admin/ping" 2>/dev/null | grep -q '"OK"'; }
solrcloud_configset() {  # CKAN's schema with the standalone core's solrconfig, as one configset
  local schema; schema=$(ckan_schema)
  rm -rf "$SOLRCLOUD_DIR/configset"; mkdir -p "$SOLRCLOUD_DIR/configset"
  cp "$SOLR_SRC/conf/solrconfig.xml" "$SOLR_SRC/conf/protwords.txt" "$SOLR_SRC/conf/synonyms.txt" \
    "$SOLRCLOUD_DIR/configset/"
  cp "$schema" "$SOLRCLOUD_DIR/configset/schema.xml"
}
solrcloud_up() {
  if solrcloud_ping; then log "SolrCloud already running at $SOLRCLOUD_URL"; return; fi
  local port
  for port in $SOLRCLOUD_PORT $((SOLRCLOUD_PORT + 1)); do
    port_open $port && die "port $port is taken (set SOLRCLOUD_PORT to move the SolrCloud nodes)"
  done
  solr_build
  rm -rf "$SOLRCLOUD_DIR"; mkdir -p "$SOLRCLOUD_DIR"
  solrcloud_configset
  log "starting SolrCloud (ZooKeeper + 2 nodes) on 127.0.0.1:$SOLRCLOUD_PORT and :$((SOLRCLOUD_PORT + 1))"
  nohup java -Xms256m -Xmx1g -Dsolr.port=$SOLRCLOUD_PORT \
    -Dlog4j2.configurationFile="$SOLR_SRC/conf/log4j2.xml" \
    -cp "$SOLR_SRC/target/classes:$SOLR_SRC/target/lib/*" SolrCloudLauncher \
    "$SOLRCLOUD_DIR/cluster" "$SOLRCLOUD_DIR/configset" ckan \
    >"$STATE/solrcloud.log" 2>&1 </dev/null &
  echo $! > "$STATE/solrcloud.pid"
  local deadline=$((SECONDS + 240))
  until grep -q SOLRCLOUD_READY "$STATE/solrcloud.log" 2>/dev/null && solrcloud_ping; do
    if ! kill -0 "$(cat "$STATE/solrcloud.pid")" 2>/dev/null || grep -q SOLRCLOUD_FAILED "$STATE/solrcloud.log"; then
      tail -n 30 "$STATE/solrcloud.log" >&2
      solrcloud_down
      die "SolrCloud failed to start (see $STATE/solrcloud.log)"
    fi
    [ $SECONDS -lt $deadline ] || { solrcloud_down; die "SolrCloud did not answer within 240 s (see $STATE/solrcloud.log)"; }
    sleep 1
  done
  log "SolrCloud is ready at $SOLRCLOUD_URL (2 shards on 2 nodes)"
}
solrcloud_down() {
  if [ -f "$STATE/solrcloud.pid" ] && kill -0 "$(cat "$STATE/solrcloud.pid")" 2>/dev/null; then
    kill "$(cat "$STATE/solrcloud.pid")"
    local deadline=$((SECONDS + 60))
    while kill -0 "$(cat "$STATE/solrcloud.pid")" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.5; done
    kill -0 "$(cat "$STATE/solrcloud.pid")" 2>/dev/null && kill -9 "$(cat "$STATE/solrcloud.pid")"
    log "SolrCloud stopped"
  fi
  rm -f "$STATE/solrcloud.pid"
}
solrcloud_status() { solrcloud_ping && echo "solrcloud: up at $SOLRCLOUD_URL" || echo "solrcloud: down"; }

# --- Apache Jena (not a server) -------------------------------------------------------------
# RdfCheck, the suite's second RDF toolchain (strict parsing and SHACL, tests/dcat/
# test_every_document.py): built from Maven Central once, like Solr's launcher, and run per test.
JENA_SRC=$ROOT/services/jena
JENA_CLASS=$JENA_SRC/target/classes/RdfCheck.class
jena_built() {
  [ -f "$JENA_CLASS" ] && [ -d "$JENA_SRC/target/lib" ] && [ ! "$JENA_SRC/pom.xml" -nt "$JENA_CLASS" ] &&
    [ ! "$JENA_SRC/src/main/java/RdfCheck.java" -nt "$JENA_CLASS" ]
}
jena_up() {
  jena_built && return
  command -v javac >/dev/null || apt_install openjdk-17-jdk-headless  # Maven compiles RdfCheck
  command -v mvn >/dev/null || apt_install maven
  log "building RdfCheck on Apache Jena 5.6.0 from Maven Central (first time: a minute)"
  (cd "$JENA_SRC" && mvn -B -q package -DskipTests) || die "Maven could not build services/jena"
}
jena_down() { :; }
jena_status() { jena_built && echo "jena: RdfCheck built" || echo "jena: not built"; }

# --- nginx: installed for the production topology and its test; no daemon here -----------------
nginx_up() { command -v nginx >/dev/null || apt_install nginx-light; }
nginx_down() { :; }
nginx_status() { command -v nginx >/dev/null && echo "nginx: installed" || echo "nginx: missing"; }

# --- dispatch --------------------------------------------------------------------------------
action=${1:-status}; shift || true
services=("$@"); [ ${#services[@]} -gt 0 ] || services=(postgres redis solr jena nginx)
mkdir -p "$STATE"
case $action in
  up|down|status) ;;
  *) die "usage: $0 up|down|status [postgres|redis|solr|jena|nginx|solrcloud ...]" ;;
esac
for service in "${services[@]}"; do
  case $service in
    postgres|redis|solr|jena|nginx|solrcloud) "${service}_${action}" ;;
    *) die "unknown service: $service" ;;
  esac
done
