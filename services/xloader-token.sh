#!/usr/bin/env bash
# Gives xloader an API token of CKAN's site user (ckanext.xloader.api_token), once the site's
# database exists: xloader's job fetches uploaded files through the portal with it.
#   services/xloader-token.sh ckan.ini        (idempotent: keeps a token already set)
set -euo pipefail
ini=${1:?usage: xloader-token.sh CKAN_INI}
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ckan=$ROOT/.venv/bin/ckan
grep -qE '^ckanext\.xloader\.api_token *= *[^ N]' "$ini" && exit 0
# CKAN names its site user after ckan.site_id and makes it when any command starts.
site_user=$(sed -n 's/^ckan\.site_id *= *//p' "$ini" | tail -n 1)
site_user=${site_user:-default}
token=$("$ckan" -c "$ini" user token add "$site_user" xloader | tail -n 1 | tr -d '[:space:]')
"$ckan" config-tool "$ini" "ckanext.xloader.api_token=$token" >/dev/null
echo "xloader's API token set in $ini"
