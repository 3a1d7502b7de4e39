# Carebook: `make run` serves the demo platform; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
FRONTEND_SOURCES := $(shell find frontend/scss frontend/js -type f 2>/dev/null) frontend/build.mjs frontend/favicon.svg

.PHONY: run test test-postgres lint install build migrate demo bench clean check-tools

check-tools:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Carebook needs Python 3.11 or newer ($(PYTHON) was not found): install it, then run make again." >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Carebook needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1)." >&2; exit 1; }
	@$(PYTHON) -c 'import venv' 2>/dev/null || { echo "Carebook needs Python's venv module: install it (on Debian: apt-get install python3-venv), then run make again." >&2; exit 1; }
	@command -v node >/dev/null 2>&1 || { echo "Carebook needs Node.js 20 or newer to build its styles (node was not found): install Node.js and npm, then run make again." >&2; exit 1; }
	@command -v npm >/dev/null 2>&1 || { echo "Carebook needs npm to build its styles (npm was not found): install Node.js 20 or newer with npm, then run make again." >&2; exit 1; }

# The lock file is what gets installed; the stamp makes a second run skip the install.
$(VENV)/.installed: requirements.lock | check-tools
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	@touch $@

node_modules/.installed: package-lock.json | check-tools
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend/dist/.built: node_modules/.installed $(FRONTEND_SOURCES)
	npm run --silent build
	@touch $@

install: $(VENV)/.installed node_modules/.installed

build: frontend/dist/.built

migrate: install
	@mkdir -p var
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py load_demo -v0

run: install build demo
	@echo
	@echo "Carebook is starting on http://$(HOST):$(PORT)/"
	@echo "  Platform home:       http://$(HOST):$(PORT)/"
	@echo "  A manual:            http://$(HOST):$(PORT)/national-library/childrens-social-care/"
	@echo "  Search it:           http://$(HOST):$(PORT)/national-library/childrens-social-care/search/?q=cse+missing+from+home"
	@echo "  An organisation:     http://$(HOST):$(PORT)/northshire/"
	@echo "  Admin:               http://$(HOST):$(PORT)/admin/"
	@echo
	@$(PY) manage.py demo_logins
	@echo
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Unit and integration tests run in parallel; browser tests drive one Chromium per worker.
test: install build lint
	$(VENV)/bin/pytest -n 2 -rs $(PYTEST_ARGS)

test-postgres: install build
	@test -n "$$DATABASE_URL" || { echo "Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/carebook" >&2; exit 1; }
	$(VENV)/bin/pytest -n 2 -rs $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) node_modules frontend/dist var

# Search benchmark on SQLite and PostgreSQL (needs a PostgreSQL server: BENCH_POSTGRES_URL);
# quick run: make bench-search BENCH_ARGS="--manuals 3 --procedures 200".
.PHONY: bench-search
bench-search: install
	$(PY) bench/search_bench.py $(BENCH_ARGS)

# Page render benchmark: loads the demo data on SQLite (temporary directory) and PostgreSQL
# (BENCH_POSTGRES_PAGES_URL) and times each reading page type with Django's test client.
.PHONY: bench-pages
bench-pages: install
	$(PY) bench/page_bench.py $(BENCH_ARGS)

# National update benchmark: the publish request, propagation to 150 subscribing manuals and
# merged rendering, on SQLite (temporary directory) and PostgreSQL
# (BENCH_POSTGRES_ADAPTATION_URL); quick run: make bench-adaptation BENCH_ARGS="--subscribers 10 --repeat 2".
.PHONY: bench-adaptation
bench-adaptation: install
	$(PY) bench/adaptation_bench.py $(BENCH_ARGS)

# Self-audit report benchmark: an audit of 150 participants on a 40-item framework, on SQLite
# (temporary directory) and PostgreSQL (BENCH_POSTGRES_AUDITS_URL); dashboard and XLSX timings,
# and report queries at 10, 50 and 150 participants. Quick run: make bench-audits BENCH_ARGS="--repeat 5".
.PHONY: bench-audits
bench-audits: install
	$(PY) bench/audit_bench.py $(BENCH_ARGS)
