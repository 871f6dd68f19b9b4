# Backcare API. `make run` serves the API; `make test` runs the suite on SQLite and PostgreSQL.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 python3.12 python3.11 python3; do command -v $$p >/dev/null && $$p -c 'import sys; sys.exit(sys.version_info < (3, 11))' && echo $$p && break; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml constraints.txt | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
FLASK := $(BIN)/flask --app service

.PHONY: install system-parts web-packages run dev prepare test test-sqlite test-postgresql lint fmt typecheck openapi migration bench bench-workers bench-import fuzz audit clean

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

## Programs from outside .venv that the tests run, listed in tests/system_parts.py: installed
## with apt-get where root allows it, otherwise named in a banner (and a failure with CI=true).
system-parts: install
	$(BIN)/python -m tests.system_parts --install

## web/'s npm packages (openapi-typescript, typescript, openapi-fetch) at the exact versions of
## web/package-lock.json, for the TypeScript client check; without npm, the banner names it.
web-packages: system-parts
	@if ! command -v npm >/dev/null; then \
		echo "npm is missing: web/'s TypeScript client check is skipped (a failure with CI=true)" >&2; \
	elif [ ! web/node_modules/.installed -nt web/package-lock.json ] || \
		[ ! web/node_modules/.installed -nt web/package.json ]; then \
		echo "Installing web/'s npm packages (npm ci)"; \
		cd web && npm ci --no-audit --no-fund --loglevel=error && touch node_modules/.installed; \
	fi

## The whole suite on SQLite, then on a PostgreSQL database of its own (dropped afterwards).
test: install system-parts web-packages lint typecheck
	$(BIN)/python -m pytest --backend sqlite -q
	$(BIN)/python -m pytest --backend postgresql -q

test-sqlite: install
	$(BIN)/python -m pytest --backend sqlite -q

test-postgresql: install
	$(BIN)/python -m pytest --backend postgresql -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: install
	$(BIN)/mypy service gunicorn_worker.py tests bench

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
	$(BIN)/python -m bench $(BENCH_ARGS)

## gunicorn's sync workers against the gevent workers `make run` uses, on SQLite and PostgreSQL:
## throughput of normal requests, and a normal client's answers while slow clients trickle.
## Writes its tables to docs/performance.md.
bench-workers: install
	@command -v wrk >/dev/null || apt-get install -y -q wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
	$(BIN)/python -m bench.workers $(BENCH_ARGS)

## Large imports through gunicorn, as jobs: 100,000 valid items, then 1,000,000 invalid ones,
## on PostgreSQL and SQLite. Writes docs/performance.md. BENCH_IMPORT_ARGS="--items 10000".
bench-import: install
	$(BIN)/python -m bench.imports $(BENCH_IMPORT_ARGS)

## Fuzz the service under gunicorn with schemathesis: every operation, every check,
## FUZZ_EXAMPLES examples each, on a fresh database (FUZZ_BACKEND=postgresql or sqlite).
## The suite runs a bounded version of it (tests/reliability/test_fuzz.py).
FUZZ_BACKEND ?= postgresql
FUZZ_EXAMPLES ?= 100
fuzz: install
	$(BIN)/python -m tests.reliability.run_fuzz --backend $(FUZZ_BACKEND) -n $(FUZZ_EXAMPLES)

## Known vulnerabilities in every pinned dependency (pip-audit against constraints.txt). It needs
## PyPI's vulnerability data; when that cannot be reached it says so and fails, never passes.
audit: install
	@log=$$(mktemp); \
	if $(BIN)/pip-audit --requirement constraints.txt --no-deps --disable-pip --strict \
		--progress-spinner off >$$log 2>&1; then cat $$log; rm -f $$log; \
	elif grep -qE 'could not be audited|ConnectionError|Max retries|Name or service not known' $$log; then \
		tail -n 5 $$log; rm -f $$log; \
		echo "make audit: PyPI's vulnerability data could not be reached: NOTHING was audited." >&2; \
		exit 2; \
	else cat $$log; rm -f $$log; echo "make audit: vulnerable dependencies (above)." >&2; exit 1; fi

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache web/node_modules web/generated web/build
