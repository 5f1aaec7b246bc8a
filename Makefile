# Two commands on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip

# What the documented commands need: evidence metadata and hashes, PDF reports and dossiers.
EXTRAS ?= evidence,pdf,secure,web

.PHONY: install demo test lint typecheck unit bench clean catalogs compile-catalogs

LOCALE  := src/qantar/locale
POT     := $(LOCALE)/qantar.pot
LANGS   := kk ru en

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e '.[$(EXTRAS)]'
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(PIP) install -q -e '.[dev]'
	touch $@ $(VENV)/.demo-installed

# The .po files are the source; the .mo files are built here and never committed. Without
# them qantar reads the .po (qantar.i18n), so a plain checkout still speaks every language.
compile-catalogs: | $(BIN)/python
	@$(BIN)/python -c "import babel" 2>/dev/null || $(PIP) install -q 'babel>=2.14'
	$(BIN)/pybabel compile -D qantar -d $(LOCALE) --statistics

# After changing a string in the code or a template: extract it and merge it into each .po.
catalogs: $(VENV)/.dev-installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output \
		--project qantar --msgid-bugs-address "" -o $(POT) .
	# kk and ru are kept wrapped at 100 columns (long Cyrillic lines), en and the template at 76.
	for lang in kk ru; do \
		$(BIN)/pybabel update -D qantar -i $(POT) -d $(LOCALE) -l $$lang -w 100 \
			--no-fuzzy-matching --ignore-obsolete || exit 1; \
	done
	$(BIN)/pybabel update -D qantar -i $(POT) -d $(LOCALE) -l en --no-fuzzy-matching \
		--ignore-obsolete

install: $(VENV)/.demo-installed compile-catalogs
	@echo "qantar is installed in $(VENV): run '. $(VENV)/bin/activate' to put qantar on PATH"

demo: install compile-catalogs
	$(BIN)/qantar demo

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check src tests bench

typecheck: $(VENV)/.dev-installed
	$(BIN)/mypy

unit: $(VENV)/.dev-installed compile-catalogs
	$(BIN)/pytest

test: lint typecheck unit

bench: $(VENV)/.dev-installed
	$(BIN)/python bench/run_all.py

clean:
	rm -rf $(VENV) build dist .mypy_cache .ruff_cache
