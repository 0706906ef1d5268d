# The two entry points of the README: `make demo` and `make test`; plain `make` lists them all.
# Both create the virtual environment .venv and install what they need on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out
# The FHIR test server (SEKMET) lives in its own virtual environment; see tests/upload/conftest.py.
FHIR_SERVER_VENV ?= .venv-fhir-server
FHIR_SERVER_REQS := tests/upload/server-requirements.txt tests/upload/server-constraints.txt

.PHONY: help demo test lint typecheck pytest examples clean browser fhir-server
.DEFAULT_GOAL := help

help: ## List the targets (this text)
	@echo "make TARGET, where TARGET is one of:"
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## /  \1\t/' | expand -t 14

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[web]'
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,dask,web]'
	touch $(VENV)/.installed $@

$(FHIR_SERVER_VENV)/.installed: $(FHIR_SERVER_REQS)
	$(PYTHON) -m venv $(FHIR_SERVER_VENV)
	$(FHIR_SERVER_VENV)/bin/pip install --quiet -r tests/upload/server-requirements.txt -c tests/upload/server-constraints.txt
	touch $@

demo: $(VENV)/.installed ## Make a FHIR bundle and PDF reports of the examples in out/
	mkdir -p $(OUT)
	$(BIN)/fhirmig validate examples/episodic-twitching.json
	$(BIN)/fhirmig convert examples/episodic-twitching.json -o $(OUT)/episodic-twitching.bundle.json
	$(BIN)/fhirmig report examples/episodic-twitching.json -o $(OUT)/episodic-twitching-report.pdf
	$(BIN)/fhirmig report examples/chronic-overuse.json -o $(OUT)/chronic-overuse-report.pdf
	@echo "Open $(OUT)/episodic-twitching-report.pdf; the FHIR bundle is $(OUT)/episodic-twitching.bundle.json"

test: $(VENV)/.installed-test lint typecheck pytest ## The whole gate: lint, typecheck and the full test suite

lint: $(VENV)/.installed-test ## ruff check and ruff format --check
	$(BIN)/ruff check fhirmig tests scripts benchmarks setup.py
	$(BIN)/ruff format --check fhirmig tests scripts benchmarks setup.py

typecheck: $(VENV)/.installed-test ## mypy --strict
	$(BIN)/mypy

# The web page's end-to-end tests drive Debian's Chromium through its chromedriver and check
# accessibility with axe-core from npm. As root with apt, `make test` installs them; elsewhere
# the browser tests skip and say how to enable them. With both present, or in CI, they are
# required: a missing browser is then a failure, not a skip.
CHROMEDRIVER ?= /usr/bin/chromedriver
AXE_DIR := $(VENV)/axe
AXE_VERSION ?= >=4.10 <5

browser: | $(BIN)/python ## Install Chromium and axe-core for the web page's browser tests
	@if [ ! -x $(CHROMEDRIVER) ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver) \
	      || echo "note: could not install chromium; the browser tests will skip"; \
	  else echo "note: no $(CHROMEDRIVER); as root run: apt-get install chromium chromium-driver"; fi; \
	fi
	@if [ ! -f $(AXE_DIR)/node_modules/axe-core/axe.min.js ] && command -v npm >/dev/null; then \
	  npm install --silent --no-save --no-package-lock --no-audit --no-fund \
	    --prefix $(AXE_DIR) "axe-core@$(AXE_VERSION)" \
	    || echo "note: could not install axe-core; the accessibility tests will skip"; \
	fi

pytest: $(VENV)/.installed-test $(FHIR_SERVER_VENV)/.installed browser ## The test suite, with the FHIR test server
	FHIRMIG_TEST_SERVER=required \
	FHIRMIG_BROWSER_TESTS=$$( { [ -n "$$CI" ] || { [ -x $(CHROMEDRIVER) ] && [ -f $(AXE_DIR)/node_modules/axe-core/axe.min.js ]; }; } && echo required ) \
	FHIRMIG_AXE=$(abspath $(AXE_DIR))/node_modules/axe-core/axe.min.js \
	$(BIN)/pytest

# The tests' FHIR server (SEKMET), to try `fhirmig upload` by hand: PORT=8090.
fhir-server: $(VENV)/.installed $(FHIR_SERVER_VENV)/.installed ## Start a local FHIR test server (PORT=8090)
	$(BIN)/python scripts/fhir_server.py --port $(or $(PORT),8090)

examples: $(VENV)/.installed ## Regenerate examples/ (deterministic)
	$(BIN)/python scripts/make_examples.py

clean: ## Remove the virtual environments and caches
	rm -rf $(VENV) $(FHIR_SERVER_VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
