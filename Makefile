# Backcare API. `make run` serves the API; `make test` runs the suite on SQLite and PostgreSQL.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
FLASK := $(BIN)/flask --app service

.PHONY: install run dev prepare test test-sqlite test-postgresql lint fmt typecheck openapi migration bench clean

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	@test -n "$(PYTHON)" || { echo "Python 3.11 or newer is needed" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $@

## Create the database if needed, migrate it to the latest revision and load the seed content.
prepare: install
	@mkdir -p var
	$(FLASK) create-db
	$(BIN)/alembic upgrade head
	$(FLASK) seed

## Serve the API with gunicorn on HOST:PORT (SQLite under var/ unless DATABASE_URL is set).
run: prepare
	@echo "Backcare API on http://$(HOST):$(PORT)  -  Swagger UI: http://$(HOST):$(PORT)/docs"
	exec $(BIN)/gunicorn --config gunicorn.conf.py --bind $(HOST):$(PORT) 'service:create_app()'

## The Flask development server with auto-reload.
dev: prepare
	@echo "Swagger UI: http://$(HOST):$(PORT)/docs"
	$(FLASK) run --debug --host $(HOST) --port $(PORT)

## The whole suite on SQLite, then on a PostgreSQL database of its own (dropped afterwards).
test: install lint typecheck
	$(BIN)/python -m pytest --backend sqlite -q
	$(BIN)/python -m pytest --backend postgresql -q

test-sqlite: install
	$(BIN)/python -m pytest --backend sqlite -q

test-postgresql: install
	$(BIN)/python -m pytest --backend postgresql -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy service

## Rewrite openapi.yaml from what the service generates.
openapi: install
	$(BIN)/python -m service.openapi > openapi.yaml

## A new Alembic revision from the models: make migration m="what changed"
migration: install
	@test -n "$(m)" || { echo 'usage: make migration m="what changed"' >&2; exit 1; }
	$(BIN)/alembic revision --autogenerate -m "$(m)"

## The service against a bare Flask ceiling under the same gunicorn settings (PostgreSQL, wrk).
## Writes docs/performance.md. BENCH_ARGS="--scales 1000 --load-scales 1000" for a quick run.
bench: install
	@command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache
