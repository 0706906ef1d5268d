# The two entry points of the README: `make demo` and `make test`.
# Both create the virtual environment .venv and install what they need on first use.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out

.PHONY: demo test lint typecheck pytest examples clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,dask]'
	touch $(VENV)/.installed $@

demo: $(VENV)/.installed
	$(BIN)/fhirmig validate examples/episodic-twitching.json
	mkdir -p $(OUT)
	$(BIN)/fhirmig report examples/chronic-overuse.json -o $(OUT)/chronic-overuse-report.pdf

test: $(VENV)/.installed-test lint typecheck pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check fhirmig tests scripts benchmarks
	$(BIN)/ruff format --check fhirmig tests scripts benchmarks

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test
	$(BIN)/pytest

examples: $(VENV)/.installed
	$(BIN)/python scripts/make_examples.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .mypy_cache .ruff_cache
