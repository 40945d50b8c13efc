# exo_industry — two commands on a fresh machine: `make all` and `make test` (see README.md).
# `make help` lists every target; each target's line below carries its one-line description
# after `## `.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.exo-installed
TEST_STAMP := $(VENV)/.exo-test-installed
PYTEST_ARGS ?=

.PHONY: all test env test-env benchmark benchmark-refresh clean-build clean-notebooks help

all: $(STAMP) ## create .venv if missing, execute every notebook on the committed data, export the briefings
	$(BIN)/exo-industry build

test: $(TEST_STAMP) ## run the test suite (what CI runs); PYTEST_ARGS=... passes options to pytest
	$(BIN)/python -m pytest $(PYTEST_ARGS)

env: $(STAMP) ## create .venv with the runtime packages and register the notebook kernel

test-env: $(TEST_STAMP) ## add the test tools (the `test` extra: pytest, playwright, ruff, jsonschema) to .venv

# Runtime packages only; the test extra is added by $(TEST_STAMP) when tests are run.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "exo_industry needs Python 3.11 or newer; set PYTHON=python3.11")'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -c 'from exo_industry.execute import ensure_kernel; ensure_kernel()'
	@touch $(STAMP)

$(TEST_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $(TEST_STAMP)

benchmark: $(STAMP) ## time `exo-industry build` against bare kernel start-up (scripts/benchmark.py)
	$(BIN)/python scripts/benchmark.py

benchmark-refresh: $(TEST_STAMP) ## requests and time of `exo-industry refresh` against the replay server (200 ms latency)
	$(BIN)/python scripts/benchmark_refresh.py --latency 0.2

clean-notebooks: $(STAMP) ## strip outputs and execution counts from notebooks/*.ipynb before a commit
	$(BIN)/python scripts/clean_notebooks.py

clean-build: ## remove build/ (executed notebooks, briefings, screenshots)
	rm -rf build

help: ## list the targets with one line each
	@echo 'usage: make [TARGET] [PYTHON=python3.11] [PYTEST_ARGS="-k name"]'
	@awk -F ':.*## ' '/^[A-Za-z_-]+:.*## / { printf "  %-16s %s\n", $$1, $$2 }' $(firstword $(MAKEFILE_LIST))
