# banns: the two commands a newcomer needs are `make run` and `make test`; the rest are their parts.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
ASSETS := web/static/vendor/.built
TRANSLATIONS := web/translations
CATALOGUE := $(TRANSLATIONS)/cy/LC_MESSAGES/messages.mo
INSTANCE ?= instance
export BANNS_INSTANCE := $(abspath $(INSTANCE))

.PHONY: run test setup assets browser serve scheduler sample bench lint migration clean help i18n i18n-check

help:
	@echo "make run    set up, load the sample programme into a new database, serve the UI and the scheduler"
	@echo "make test   set up and run every test (PostgreSQL too when BANNS_TEST_DATABASE_URL is set)"
	@echo "make bench  every figure of issue 12 against its target, a table and the machine (BENCH_ARGS=--quick: CI)"
	@echo "make lint   ruff, the format check, mypy, the import layers and the Welsh catalogue's check"
	@echo "make i18n   extract the marked strings into web/translations and merge them into the Welsh catalogue"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(STAMP) assets $(CATALOGUE)

# The Welsh catalogue, compiled (the .mo is built, never committed); `make i18n` updates the .po.
$(CATALOGUE): $(TRANSLATIONS)/cy/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel -q compile -d $(TRANSLATIONS) -D messages

i18n: $(STAMP)
	$(BIN)/python -m web.i18n update

# Fails, saying what to do, when a marked string is missing from messages.pot or has no Welsh translation.
i18n-check: $(STAMP)
	$(BIN)/python -m web.i18n check

# The GOV.UK Frontend styles, fonts-free build and axe-core come from npm; copied into web/static/vendor.
$(ASSETS): package.json $(wildcard web/static/src/*)
	npm install --no-audit --no-fund --silent
	$(BIN)/python -m web.assets
	touch $@

assets: $(STAMP) $(ASSETS)

# Debian's Chromium for the browser tests (Playwright cannot download its own browser here).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	  || { echo "could not install chromium: the browser tests will fail"; exit 1; }; }

run: setup
	@test -f $(INSTANCE)/banns.sqlite3 || { $(BIN)/banns init && $(BIN)/banns dev sample; }
	$(BIN)/banns dev run

# pytest-xdist: one worker per core, a test file per worker at a time (its module fixtures stay together);
# under PostgreSQL each worker has its own database beside the configured one (tests/conftest.py).
test: setup browser
	$(BIN)/pytest -n auto --dist loadfile $(PYTEST_ARGS)

serve: setup
	$(BIN)/banns serve

scheduler: setup
	$(BIN)/banns scheduler

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

# The house rules: one style, types, and the layers of .importlinter. CI runs exactly this.
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/python -m web.i18n check

migration: $(STAMP)
	$(BIN)/python -c "from workflow.engine import schema; from workflow.engine.db import Database; from workflow.settings import load_settings; schema.revise(Database(load_settings().database_url), '$(m)')"

clean:
	rm -rf $(VENV) node_modules web/static/vendor .pytest_cache .hypothesis
