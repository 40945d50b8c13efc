# exo_industry — two commands on a fresh machine:
#   make all    create the environment if missing, execute every notebook whose inputs
#               changed on the committed data, export the HTML briefings (build/briefings/)
#   make test   run the test suite (what CI runs)
# Also: make lock (refresh the pinned versions), make benchmark, make clean-build.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.exo-installed
# Exact versions with hashes, generated from pyproject.toml by `make lock`:
# requirements.lock (runtime) and requirements-test.lock (runtime + the test extra).
LOCK   ?= requirements-test.lock
PYTEST_ARGS ?=
# uv creates the environment when it is on PATH (pip install uv); otherwise pip does.
UV        ?= $(shell command -v uv 2>/dev/null)
INSTALLER ?= $(if $(UV),uv,pip)

.PHONY: all test env build benchmark lock clean-build clean-notebooks help

all: $(STAMP)
	$(BIN)/exo-industry build

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

env: $(STAMP)

$(STAMP): pyproject.toml $(LOCK)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "exo_industry needs Python 3.11 or newer; set PYTHON=python3.11")'
ifeq ($(INSTALLER),uv)
	@test -x $(BIN)/python || $(UV) venv --quiet --python "$$(command -v $(PYTHON))" $(VENV)
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r $(LOCK)
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
else
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/python -m pip install --quiet --no-deps -e .
endif
	$(BIN)/python -c 'from exo_industry.execute import ensure_kernel; ensure_kernel()'
	@touch $(STAMP)

# Needs uv (pip install uv). Universal locks: one file for every platform and Python >= 3.11.
lock:
	@command -v uv >/dev/null || { echo "make lock needs uv: $(PYTHON) -m pip install uv" >&2; exit 2; }
	uv pip compile pyproject.toml --quiet --generate-hashes --universal --python-version 3.11 -o requirements.lock
	uv pip compile pyproject.toml --quiet --extra test --generate-hashes --universal --python-version 3.11 -o requirements-test.lock
	$(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON)) scripts/sync_environment.py

benchmark: $(STAMP)
	$(BIN)/python scripts/benchmark.py

clean-notebooks: $(STAMP)
	$(BIN)/python scripts/clean_notebooks.py

clean-build:
	rm -rf build

help:
	@sed -n '1,5p' Makefile
