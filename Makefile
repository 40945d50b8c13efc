# exo_industry — two commands on a fresh machine: `make all` and `make test` (see README.md).
# `make help` lists every target; each target's line below carries its one-line description
# after `## `.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.exo-installed
TEST_STAMP := $(VENV)/.exo-test-installed
# Exact versions with hashes, generated from pyproject.toml by `make lock`:
# requirements.lock (runtime) and requirements-test.lock (runtime + the test extra).
LOCK      ?= requirements.lock
TEST_LOCK ?= requirements-test.lock
PYTEST_ARGS ?=
# uv creates the environment when it is on PATH (pip install uv); otherwise pip does.
# uv is told to compile bytecode as pip does: without it every kernel compiles pandas and
# matplotlib from source again whenever PYTHONDONTWRITEBYTECODE is set (the build's floor
# went from 10 s to 24 s on this machine).
UV        ?= $(shell command -v uv 2>/dev/null)
INSTALLER ?= $(if $(UV),uv,pip)


.PHONY: all test env test-env lint benchmark benchmark-refresh lock clean-build clean-notebooks help

all: $(STAMP) ## create .venv if missing, execute every notebook whose inputs changed, export the briefings
	$(BIN)/exo-industry build

test: $(TEST_STAMP) ## lint (ruff check and format) and run the test suite (what CI runs); PYTEST_ARGS=... passes options to pytest
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(TEST_STAMP) ## ruff check and ruff format --check over src, tests and scripts (part of `make test`)
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

env: $(STAMP) ## create .venv with the runtime packages (pinned) and register the notebook kernel

test-env: $(TEST_STAMP) ## add the test tools (the `test` extra, pinned) to .venv

# Installs the pinned lock: $(1) is the lock file.
ifeq ($(INSTALLER),uv)
define install_lock
	@test -x $(BIN)/python || $(UV) venv --quiet --python "$$(command -v $(PYTHON))" $(VENV)
	$(UV) pip install --quiet --compile-bytecode --python $(BIN)/python --require-hashes -r $(1)
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
endef
else
define install_lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(1)
	$(BIN)/python -m pip install --quiet --no-deps -e .
endef
endif

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "exo_industry needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(call install_lock,$(LOCK))
	$(BIN)/python -m compileall -q src/exo_industry  # the editable package too (see the uv note above)
	$(BIN)/python -c 'from exo_industry.execute import ensure_kernel; ensure_kernel()'
	@touch $(STAMP)

$(TEST_STAMP): $(STAMP) $(TEST_LOCK)
	$(call install_lock,$(TEST_LOCK))
	@touch $(TEST_STAMP)

lock: ## regenerate requirements*.lock and environment*.yml from pyproject.toml (needs uv)
	@command -v uv >/dev/null || { echo "make lock needs uv: $(PYTHON) -m pip install uv" >&2; exit 2; }
	uv pip compile pyproject.toml --quiet --generate-hashes --universal --python-version 3.11 -o requirements.lock
	uv pip compile pyproject.toml --quiet --extra test --generate-hashes --universal --python-version 3.11 -o requirements-test.lock
	$(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON)) scripts/sync_environment.py

benchmark: $(STAMP) ## time builds (full, no-op, one table changed) and set-up against bare kernel start-up
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
