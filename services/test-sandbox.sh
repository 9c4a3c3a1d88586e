#!/usr/bin/env bash
# A private test database, Solr core, Redis database and mail port, so several test runs can
# share this machine's services at once (parallel work, the several-workers test).
#   eval "$(services/test-sandbox.sh NAME)"   then run pytest as usual.
# CKAN reads these CKAN_* variables over test.ini (CONFIG_FROM_ENV_VARS).
set -euo pipefail
name=${1:?usage: test-sandbox.sh NAME}
[[ $name =~ ^[a-z0-9_]{1,20}$ ]] || { echo "NAME: a-z, 0-9, _ only" >&2; exit 2; }
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${DONGCHANG_STATE:-$ROOT/.services}
db=ckan_test_$name
psql_admin() { PGPASSWORD=postgres psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres "$@"; }
# $db and $core for our site, their _client twins for the harvest client of tests/system
for d in "$db" "${db}_client"; do
  psql_admin -tAc "select 1 from pg_database where datname='$d'" | grep -q 1 ||
    psql_admin -c "create database $d owner ckan_default encoding 'UTF8'" >&2
done
psql_admin -d "$db" -c "set client_min_messages = warning; create extension if not exists pg_trgm" >/dev/null
# The sandbox's own DataStore database, read by datastore_ro (issue 16 item 4)
bash "$ROOT/services/datastore-db.sh" "datastore_test_$name" "$db"
core=test_$name
for c in "$core" "${core}_client"; do
  if ! curl -fsS "http://127.0.0.1:8983/solr/admin/cores?action=STATUS&core=$c" | grep -q "\"instanceDir\""; then
    dir=$STATE/solr-home/$c
    mkdir -p "$dir/conf"
    cp "$STATE/solr-home/ckan/conf/"* "$dir/conf/"
    curl -fsS "http://127.0.0.1:8983/solr/admin/cores?action=CREATE&name=$c&instanceDir=$dir" >/dev/null
  fi
done
# A stable small number per name for the Redis database and the mail port.
n=$(( $(printf '%s' "$name" | cksum | cut -d' ' -f1) % 12 + 2 ))
echo "export CKAN_SQLALCHEMY_URL=postgresql://ckan_default:pass@127.0.0.1:5432/$db"
echo "export CKAN_SOLR_URL=http://127.0.0.1:8983/solr/$core"
echo "export CKAN_REDIS_URL=redis://127.0.0.1:6379/$n"
echo "export CKAN_DATASTORE_WRITE_URL=postgresql://ckan_default:pass@127.0.0.1:5432/datastore_test_$name"
echo "export CKAN_DATASTORE_READ_URL=postgresql://datastore_ro:pass@127.0.0.1:5432/datastore_test_$name"
echo "export CKAN_SITE_ID=dongchang-test-$name"
echo "export CKAN_SMTP_SERVER=127.0.0.1:$((8025 + n))"
echo "export DONGCHANG_HARVEST_CLIENT_DB=postgresql://ckan_default:pass@127.0.0.1:5432/${db}_client"
echo "export DONGCHANG_HARVEST_CLIENT_SOLR=http://127.0.0.1:8983/solr/${core}_client"
