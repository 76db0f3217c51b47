# The few commands people need. `make demo` and `make test` work on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# One test worker per core; PYTEST_ARGS="-n 0" runs them in one process.
PYTEST_ARGS ?= -n auto

.PHONY: demo test test-postgres lint format migrations-check messages bench clean

$(BIN)/gonghui: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

messages: $(BIN)/gonghui
	$(BIN)/python -m gonghui.core.catalogues

demo: $(BIN)/gonghui messages  ## migrate, load the demo data, serve on http://127.0.0.1:8000
	$(BIN)/gonghui demo

test: $(BIN)/gonghui messages  ## the whole suite on SQLite (DATABASE_URL=postgres://… for PostgreSQL)
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres:
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/gonghui} $(MAKE) test

lint: $(BIN)/gonghui
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/gonghui
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

migrations-check: $(BIN)/gonghui
	$(BIN)/gonghui makemigrations --check --dry-run

makemessages: $(BIN)/gonghui  ## refresh each app's English catalogue (needs gettext)
	for app in gonghui/*/; do [ -d $$app/locale ] && (cd $$app && ../../$(BIN)/django-admin makemessages -l en --no-obsolete) || true; done

bench: $(BIN)/gonghui
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var
