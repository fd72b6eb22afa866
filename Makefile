# Two commands for a fresh machine: `make demo` and `make test`. Both bootstrap .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP := $(VENV)/.stamp-run
DEV_STAMP := $(VENV)/.stamp-dev

.PHONY: demo test lint imports typecheck unit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(RUN_STAMP) $@

demo: $(RUN_STAMP)
	$(BIN)/proxmox-mpc --demo

lint: $(DEV_STAMP)
	$(BIN)/ruff check pmpc_tui tests benchmarks

imports: $(DEV_STAMP)
	$(BIN)/lint-imports

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

unit: $(DEV_STAMP)
	$(BIN)/pytest -q

test: lint imports typecheck unit

bench: $(DEV_STAMP)
	$(BIN)/python benchmarks/sync_bench.py
	$(BIN)/python benchmarks/iac_bench.py
	$(BIN)/python benchmarks/plan_bench.py
	$(BIN)/python benchmarks/tui_bench.py
	$(BIN)/python benchmarks/nl_eval.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
