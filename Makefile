# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

# What the documented commands need: evidence metadata and hashes, PDF reports and dossiers.
EXTRAS ?= evidence,pdf,secure,web

.PHONY: install demo test lint typecheck unit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e '.[$(EXTRAS)]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e '.[dev]'
	touch $@ $(VENV)/.demo-installed

install: $(VENV)/.demo-installed
	@echo "qantar is installed in $(VENV): run '. $(VENV)/bin/activate' to put qantar on PATH"

demo: install
	$(BIN)/qantar demo

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests bench

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

unit: $(VENV)/.dev-installed
	$(BIN)/pytest

test: lint typecheck unit

bench: $(VENV)/.dev-installed
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache
