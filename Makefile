# Two commands: `make run` starts the site on the embedded default, `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# pytest-xdist workers for `make test`: one per core. `--dist load` hands tests out in the order
# pytest-django sorts them, so on every worker the tests that flush the database (live server,
# transactional) still come after those that need the data migrations' rows.
# `make test PYTEST_WORKERS=0` runs the suite serially.
PYTEST_WORKERS ?= auto

# The first interpreter found that is Python 3.12 or newer (Django 6 needs it).
PYTHON ?= $(shell for p in python3.13 python3.12 python3.14 python3 python; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then command -v $$p; break; fi; done)

.PHONY: run test lint setup demo worker beat serve clean

$(BIN)/python:
	@if [ -z "$(PYTHON)" ]; then \
		echo "Teaching File needs Python 3.12 or newer (Django 6). Install it, or run: make PYTHON=/path/to/python3.12 $(MAKECMDGOALS)"; \
		exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python requirements.txt
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

setup: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput

demo: setup
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py demo

run: demo
	@# Figures and imports a crash left half done are finished first (README → Configuration,
	@# "Unfinished work").
	$(BIN)/python manage.py requeue_stalled
	@echo ""
	@echo "  Teaching File is starting on http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@echo ""
	SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)} $(BIN)/python manage.py runserver $(HOST):$(PORT)

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) --dist load $(PYTEST_ARGS)

# A Celery worker for when CELERY_BROKER_URL points at a real broker.
worker: $(VENV)/.installed
	$(BIN)/celery -A teachingfile worker --loglevel=info

# Periodic tasks (review reminders) for when CELERY_BROKER_URL points at a real broker.
beat: $(VENV)/.installed
	$(BIN)/celery -A teachingfile beat --loglevel=info

# Production: gunicorn, a Celery worker and beat (Procfile), on whatever DATABASE_URL,
# CELERY_BROKER_URL, CACHE_URL and storage the environment names. Refuses an insecure
# configuration first, naming the variable to set (README → Deployment).
serve: $(VENV)/.installed
	$(BIN)/python -m teachingfile.preflight
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/honcho start --procfile Procfile

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* media private-media staticfiles .pytest_cache .ruff_cache
