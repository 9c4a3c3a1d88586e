#!/usr/bin/env bash
# The DataStore's own PostgreSQL database (issue 16 item 4), made once per main database:
#   services/datastore-db.sh DATASTORE_DB MAIN_DB
# ckan_default owns and writes it; datastore_ro (password "pass") may only read it, and may not
# connect to MAIN_DB. The permissions are CKAN's own `ckan datastore set-permissions` script,
# rendered from the installed ckanext-datastore (no ckan.ini needed) and applied as postgres.
# Idempotent: a second run finds everything in place and changes nothing.
set -euo pipefail
ds=${1:?usage: datastore-db.sh DATASTORE_DB MAIN_DB}
main=${2:?usage: datastore-db.sh DATASTORE_DB MAIN_DB}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
WRITE_USER=ckan_default
READ_USER=datastore_ro
psql_admin() { PGPASSWORD=postgres psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p 5432 -U postgres "$@"; }
psql_admin -tAc "select 1 from pg_roles where rolname='$READ_USER'" | grep -q 1 ||
  psql_admin -c "create role $READ_USER login password 'pass' nosuperuser nocreatedb nocreaterole" >&2
psql_admin -tAc "select 1 from pg_database where datname='$ds'" | grep -q 1 ||
  psql_admin -c "create database $ds owner $WRITE_USER encoding 'UTF8'" >&2
# CKAN's script ends by making _table_stats: present means the permissions were applied.
if ! psql_admin -d "$ds" -tAc "select 1 from pg_tables where tablename='_table_stats'" | grep -q 1; then
  "$VENV/bin/python" -c '
import sys
from ckanext.datastore.cli import permissions_sql
print(permissions_sql(maindb=sys.argv[1], datastoredb=sys.argv[2], mainuser=sys.argv[3],
                      writeuser=sys.argv[3], readuser=sys.argv[4]))
' "$main" "$ds" "$WRITE_USER" "$READ_USER" |
    psql_admin -d "$ds" -c "set client_min_messages = warning" -f - >/dev/null
fi
# CKAN's script revokes CONNECT on MAIN_DB from the reader only, but every role may connect
# through PUBLIC's default grant: take that away (the owner ckan_default keeps its own).
psql_admin -c "revoke connect on database $main from public" >&2
