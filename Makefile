# Launchpad: `make run` for the demo, `make test` for the whole suite.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
DEV := DEBUG=true

.PHONY: run install install-dev services browser test lint typecheck format migrations-check lock audit bench bench-reminders worker beat

$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.dev: $(VENV)/.runtime
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

## Set up and start the app with demo data on SQLite, tasks run in-process.
run: install
	$(DEV) $(PY) manage.py migrate --noinput
	$(DEV) $(PY) manage.py seed_demo
	@echo ""
	@echo "Launchpad is starting at http://127.0.0.1:8000/  (stop with Ctrl+C)"
	@echo ""
	$(DEV) $(PY) manage.py runserver 127.0.0.1:8000

## Make sure PostgreSQL and Redis answer (starting them if installed but stopped).
services:
	@bash scripts/ensure_services.sh

## Debian's chromium and poppler-utils for the browser and PDF tests.
browser:
	@bash scripts/ensure_browser.sh

lint: install-dev
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: install-dev
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

## Django-aware type check of the reads and writes every page relies on.
TYPED := $(wildcard */queries.py */services.py) core/roles.py core/health.py
typecheck: install-dev
	$(PY) -m mypy $(TYPED)

migrations-check: install-dev
	$(DEV) $(PY) manage.py makemigrations --check --dry-run

## Pin every package in the virtualenv, runtime and test tools alike, in requirements.lock.
lock: install-dev
	@printf '%s\n' \
		'# Every package in .venv, pinned: the versions the suite ran against.' \
		'# Regenerate with `make lock` after changing pyproject.toml; `make audit` checks it.' \
		> requirements.lock
	$(PY) -m pip freeze --exclude-editable >> requirements.lock

## Known vulnerabilities in the locked versions, from PyPI's advisory data (needs pypi.org).
## Every pin is exact and the file is complete, so nothing is resolved or installed.
audit: install-dev
	@PIP_AUDIT=$(VENV)/bin/pip-audit bash scripts/audit.sh

## The whole suite against the local PostgreSQL and Redis, with real Chromium.
test: install-dev services browser lint audit typecheck migrations-check
	$(PY) -m pytest

## Benchmarks on a generated data set in the PostgreSQL database launchpad_bench (README
## "Benchmarks"): make bench [SCALE=county|national|tiny] [SKIP_SEED=1] [REPEATS=30]
## [LOAD_SECONDS=30]. The database is kept, so a second run skips the generation.
BENCH_DB ?= launchpad_bench
# Cached figures in Redis (database 9), shared by the bench and gunicorn's workers, as in
# production; BENCH_CACHE=dummy:// measures with the cache off.
BENCH_CACHE ?= redis://127.0.0.1:6379/9
BENCH_ENV := SECRET_KEY=bench-only DATABASE_URL=postgres://postgres@127.0.0.1:5432/$(BENCH_DB) \
	CACHE_URL=$(BENCH_CACHE)
SCALE ?= county
REPEATS ?= 30
LOAD_SECONDS ?= 30
bench: install-dev services
	@bash scripts/ensure_bench_tools.sh
	@psql -h 127.0.0.1 -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'" \
		| grep -q 1 || psql -h 127.0.0.1 -U postgres -qc 'CREATE DATABASE $(BENCH_DB)'
	$(BENCH_ENV) $(PY) manage.py migrate --noinput -v 0
	@if [ -n "$(SKIP_SEED)" ]; then echo "SKIP_SEED: measuring the data already in $(BENCH_DB)."; \
	elif bash scripts/bench_has_scale.sh $(BENCH_DB) $(SCALE); then :; \
	else $(BENCH_ENV) $(PY) manage.py seed_demo --scale $(SCALE) --force; fi
	$(BENCH_ENV) $(PY) manage.py bench --repeats $(REPEATS)
	$(BENCH_ENV) $(PY) manage.py loadtest --seconds $(LOAD_SECONDS)

## The daily reminder job alone, on the demo world and on STAFF generated people, each in
## a throwaway database of its own (made and dropped by the command).
STAFF ?= 10000
bench-reminders: install-dev services
	-@psql -h 127.0.0.1 -U postgres -qc 'CREATE DATABASE $(BENCH_DB)' >/dev/null 2>&1
	$(BENCH_ENV) $(PY) manage.py bench_reminders --demo
	$(BENCH_ENV) $(PY) manage.py bench_reminders --staff $(STAFF)

worker: install
	$(VENV)/bin/celery -A config worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A config beat --loglevel=info
