#!/usr/bin/env bash
# Writes the development site's ckan.ini (git-ignored) with CKAN's own generator, then sets the
# options this portal needs. Run once; edit ckan.ini freely afterwards.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=${1:-$ROOT/ckan.ini}
ckan=$ROOT/.venv/bin/ckan
"$ckan" generate config "$out" >/dev/null
"$ckan" config-tool "$out" \
  "sqlalchemy.url=postgresql://ckan_default:pass@127.0.0.1:5432/ckan" \
  "solr_url=http://127.0.0.1:8983/solr/ckan" \
  "ckan.redis.url=redis://127.0.0.1:6379/0" \
  "ckan.site_url=http://127.0.0.1:5000" \
  "ckan.site_title=东昌府区政务数据资源目录" \
  "ckan.storage_path=$ROOT/.services/storage" \
  "ckan.plugins=dongchang activity scheming_datasets scheming_organizations dcat datastore xloader" \
  "ckan.datastore.write_url=postgresql://ckan_default:pass@127.0.0.1:5432/datastore_default" \
  "ckan.datastore.read_url=postgresql://datastore_ro:pass@127.0.0.1:5432/datastore_default" \
  "ckan.datastore.sqlsearch.enabled=false" \
  "ckan.datastore.public_table_search=" \
  "ckanext.xloader.site_url=http://127.0.0.1:5000" \
  "ckanext.xloader.unidecode_headers=false" \
  "scheming.dataset_schemas=ckanext.dongchang:schemas/catalog_entry.yaml ckanext.dongchang:schemas/data_product.yaml" \
  "scheming.organization_schemas=ckanext.dongchang:schemas/department.yaml" \
  "scheming.presets=ckanext.scheming:presets.json ckanext.dcat.schemas:presets.yaml" \
  "ckanext.dcat.rdf.profiles=euro_dcat_ap_3 dongchang_dcat" \
  "ckanext.dcat.enable_content_negotiation=true" \
  "ckan.locale_default=zh_Hans_CN" \
  "ckan.locales_offered=zh_Hans_CN en" \
  "ckan.locale_order=zh_Hans_CN en" \
  "ckan.display_timezone=Asia/Shanghai" \
  "ckan.auth.create_user_via_web=true" \
  "ckan.auth.user_create_organizations=false" \
  "ckan.auth.user_create_groups=false" \
  "ckan.gravatar_default=disabled" \
  "ckan.auth.public_user_details=false" \
  "smtp.server=127.0.0.1:8025" \
  "smtp.mail_from=noreply@dongchangfu.example.gov.cn" \
  "ckanext.dongchang.bureau_org=dcf-dsjj" >/dev/null
mkdir -p "$ROOT/.services/storage"
echo "wrote $out"
