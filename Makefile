# SIGAP portal. `make help` lists the targets.
VENV ?= .venv
PYTHON ?= python3
PORT ?= 5000
BIN := $(VENV)/bin
FLASK := SIGAP_ENV=development $(BIN)/flask --app wsgi
E2E_VENDOR := tests/e2e/vendor

.PHONY: help install run test test-fast lint bench translations browser nginx kannel clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/activate setup.cfg pyproject.toml
	$(BIN)/pip install -q -e ".[test]"
	touch $@

install: $(VENV)/.installed ## Create .venv and install the portal with its test tools

run: install ## Migrate, load demo data, serve at http://127.0.0.1:$(PORT) with a task-queue worker (Procfile; make run PORT=8000)
	$(FLASK) db upgrade
	$(FLASK) demo seed
	@echo "Portal: http://127.0.0.1:$(PORT)  (petugas: http://127.0.0.1:$(PORT)/petugas/masuk)"
	PATH="$(CURDIR)/$(BIN):$$PATH" SIGAP_ENV=development PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)}" \
		$(BIN)/honcho start -f Procfile -p $(PORT)

browser: ## Debian's Chromium for browser tests, plus htmx and axe-core from npm (ignored folder)
	@test -x /usr/bin/chromium || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; else echo "Install Chromium: sudo apt-get install -y chromium"; fi; }
	@test -f $(E2E_VENDOR)/node_modules/htmx.org/dist/htmx.min.js -a -f $(E2E_VENDOR)/node_modules/axe-core/axe.min.js || \
		npm install --silent --no-audit --no-fund --prefix $(E2E_VENDOR) htmx.org@2.0.11 axe-core@4

nginx: ## Debian's nginx and openssl for the reverse-proxy test (tests/integration/test_reverse_proxy.py)
	@{ command -v nginx || test -x /usr/sbin/nginx; } >/dev/null && command -v openssl >/dev/null || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl; else echo "Install nginx: sudo apt-get install -y nginx openssl"; fi; }

kannel: ## Debian's Kannel (bearerbox, smsbox) and its fake SMSC for the SMS tests (tests/integration/test_kannel_channel.py)
	@test -x /usr/sbin/bearerbox -a -x /usr/sbin/smsbox -a -x /usr/lib/kannel/test/fakesmsc || { if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq kannel kannel-extras; else echo "Install Kannel: sudo apt-get install -y kannel kannel-extras"; fi; }

test: install browser nginx kannel ## Run the whole test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)
	$(BIN)/pip-audit --skip-editable --progress-spinner off
	$(BIN)/ruff check portal tests bench
	$(BIN)/ruff format --check portal tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/pytest

test-fast: install ## Tests without the browser
	$(BIN)/pytest -m "not browser"

lint: install ## ruff (rules and format), import-linter (the arrows of docs/architecture.md) and mypy
	$(BIN)/ruff check portal tests bench
	$(BIN)/ruff format --check portal tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

bench: install ## Benchmarks (see docs/benchmarks.md)
	$(BIN)/python bench/run_all.py

translations: install ## Extract, update and compile the Flask-Babel catalogs
	$(BIN)/pybabel extract -F babel.cfg -k _l -o portal/translations/messages.pot .
	$(BIN)/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching
	$(BIN)/pybabel compile -d portal/translations

clean: ## Remove the virtualenv and caches (keeps instance/)
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache $(E2E_VENDOR)
