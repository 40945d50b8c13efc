# exo_industry — two commands on a fresh machine:
#   make all    create the environment if missing, execute every notebook on the
#               committed data, export the HTML briefings (build/briefings/)
#   make test   run the test suite (what CI runs)
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.exo-installed
PYTEST_ARGS ?=

.PHONY: all test env build benchmark clean-build clean-notebooks help

all: $(STAMP)
	$(BIN)/exo-industry build

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

env: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "exo_industry needs Python 3.11 or newer; set PYTHON=python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -c 'from exo_industry.execute import ensure_kernel; ensure_kernel()'
	@touch $(STAMP)

benchmark: $(STAMP)
	$(BIN)/python scripts/benchmark.py

clean-notebooks: $(STAMP)
	$(BIN)/python scripts/clean_notebooks.py

clean-build:
	rm -rf build

help:
	@sed -n '1,6p' Makefile
