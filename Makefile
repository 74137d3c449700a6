# Shugai Portal — `make run` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The calculation-run benchmark's own PostgreSQL database (and <name>_setup beside it); never the suite's.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/shugai_bench
SCALE_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/shugai_scale

.PHONY: setup run test lint check migrate demo messages bench bench-scale clean

$(VENV)/.installed: pyproject.toml constraints.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	@touch $@

setup: $(VENV)/.installed

migrate: setup
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py seed_demo

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ — log in with one of the accounts above."
	$(PY) manage.py runserver $(HOST):$(PORT)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

check: setup
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	DJANGO_SECRET_KEY=check-deploy-key-$$(date +%s)-0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJ \
	DJANGO_ALLOWED_HOSTS=portal.example.gov.cn \
	$(PY) manage.py check --deploy --fail-level WARNING --settings=portal.settings.production

test: lint check
	$(VENV)/bin/pytest $(PYTEST_ARGS)

messages: setup
	$(PY) manage.py makemessages -l zh_Hans --ignore=.venv --ignore=staticfiles --no-obsolete
	$(PY) manage.py compilemessages --ignore=.venv

bench: demo
	$(PY) bench/bench_policy_engine.py
	$(PY) bench/bench_calculation_run.py --database-url $(BENCH_DATABASE_URL)
	$(PY) bench/bench_ledger.py
	$(PY) bench/bench_bulletin.py

# The reviewer's pages at 10,000 and 100,000 generated filings (PostgreSQL databases <name>_10000 and _100000).
bench-scale: setup
	$(PY) bench/bench_scale.py --database-url $(SCALE_DATABASE_URL) --walker

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
