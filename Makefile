# The two commands of the README: `make run` and `make test`. Both work on a fresh machine and are
# idempotent: a second run reuses the virtualenv, the Solr build and the running services.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PIP := $(VENV)/bin/pip
CKAN := $(VENV)/bin/ckan
SERVICES := bash services/services.sh
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=

.PHONY: run test venv i18n browser-deps services services-down services-status site-db test-db demo lint benchmarks prod prod-down loadtest

$(VENV)/.installed: pyproject.toml dev-requirements.txt
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip setuptools wheel
	$(PIP) install -q "ckan[requirements]==2.12.0" "ckanext-scheming==3.1.0" "ckanext-dcat==2.4.4"
# ckanext-xloader 2.5.2 (CKAN 2.12: yes) loads tabular files into the DataStore (issue 16 item 4).
# Not 2.6.0: it requires certifi/idna/urllib3 newer than ckan[requirements] pins. 2.5.2 declares
# no dependencies; its requirements.txt's are pinned here, chardet at 5 (2.5.2 imports its old path).
	$(PIP) install -q "ckan[requirements]==2.12.0" "ckanext-xloader==2.5.2" "tabulator==1.53.5" \
	  "Unidecode==1.4.0" "chardet==5.2.0"
	$(PIP) install -q -e . -r dev-requirements.txt
	touch $@

venv: $(VENV)/.installed

i18n: venv
	@for po in ckanext/dongchang/i18n/*/LC_MESSAGES/ckanext-dongchang.po; do \
	  [ -f "$$po" ] && $(VENV)/bin/pybabel compile --use-fuzzy -i $$po -o $${po%.po}.mo >/dev/null; done; true

services: venv
	$(SERVICES) up

services-down:
	$(SERVICES) down

services-status:
	$(SERVICES) status

ckan.ini: | venv
	bash services/write-site-config.sh $@

site-db: services ckan.ini i18n
	$(CKAN) -c ckan.ini db upgrade
	$(CKAN) -c ckan.ini db pending-migrations --apply
	bash services/xloader-token.sh ckan.ini

demo: site-db
	$(CKAN) -c ckan.ini dongchang load-demo demo/catalog.json  # indexed as it is created

run: site-db demo
	@$(CKAN) -c ckan.ini sysadmin add admin --create email=admin@dongchangfu.example.gov.cn \
	  password=dongchang-admin-2026 </dev/null >/dev/null
	@echo "CKAN on http://127.0.0.1:5000 — log in as admin / dongchang-admin-2026 (demo users: password dongchang-demo-2026)"
	@# xloader's jobs (issue 16 item 4) and mail run in an RQ worker, stopped with the site
	@$(CKAN) -c ckan.ini jobs worker & worker=$$!; trap 'kill $$worker' EXIT; \
	  $(CKAN) -c ckan.ini run --host 127.0.0.1 --port 5000

browser-deps:
	@command -v chromium >/dev/null && fc-list 2>/dev/null | grep -qi "noto.*cjk" || \
	  { echo "installing Debian's chromium and CJK fonts for the browser journeys"; \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -q >/dev/null && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk >/dev/null; }

test: services i18n browser-deps
	$(VENV)/bin/python -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check ckanext tests

# The search, visibility and DCAT tests against SolrCloud instead of the standalone core: an
# embedded ZooKeeper and 2 Solr nodes (ports 8990, 8991; SOLRCLOUD_PORT), collection "ckan" of
# 2 shards, one per node (services/services.sh up solrcloud). Not part of `make test` (slower).
# The shared standalone Solr keeps running; the cluster is stopped afterwards, pass or fail.
SOLRCLOUD_TESTS ?= tests/access tests/dcat tests/catalog/test_facets.py \
  tests/security/test_hidden_as_missing.py tests/security/test_snapshots_and_existence.py
SOLRCLOUD_SANDBOX ?= solrcloud
.PHONY: test-solrcloud
test-solrcloud: services i18n
	@trap '$(SERVICES) down solrcloud' EXIT; trap 'exit 130' INT TERM; \
	  $(SERVICES) up solrcloud && \
	  eval "$$(bash services/test-sandbox.sh $(SOLRCLOUD_SANDBOX))" && \
	  export CKAN_SOLR_URL=http://127.0.0.1:$${SOLRCLOUD_PORT:-8990}/solr/ckan && \
	  echo "pytest against SolrCloud at $$CKAN_SOLR_URL" && \
	  $(VENV)/bin/python -m pytest $(SOLRCLOUD_TESTS) $(PYTEST_ARGS)

benchmarks: services
	$(VENV)/bin/python benchmarks/run.py

# A grantee's gated download through the portal against CKAN's stock download of the same file,
# and the grantee's datastore_search against stock datastore_search on the same table (issue 16),
# side by side in one run (benchmarks/delivery.py; recreates the benchmark sites).
.PHONY: benchmark-delivery
benchmark-delivery: services
	$(VENV)/bin/python benchmarks/delivery.py $(DELIVERY_ARGS)

# A department's spreadsheet import against vanilla's package_create, per entry (issue 20 item 2;
# benchmarks/import_rate.py; recreates the benchmark sites).
.PHONY: benchmark-import
benchmark-import: services
	$(VENV)/bin/python benchmarks/import_rate.py $(IMPORT_ARGS)

# The site as it runs in production: nginx (Debian) → gunicorn × 4 → CKAN, plus a jobs worker,
# on http://127.0.0.1:8080 (services/prod/prod.sh; PROD_PORT, PROD_WORKERS to change).
prod: site-db demo
	bash services/prod/prod.sh up

prod-down:
	bash services/prod/prod.sh down

# Locust against ours and vanilla, both in the production topology (benchmarks/locust/).
loadtest: services
	$(VENV)/bin/python benchmarks/locust/run_load.py $(LOADTEST_ARGS)
