# Two commands for a fresh machine: `make demo` and `make test`. Both bootstrap .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP := $(VENV)/.stamp-run
DEV_STAMP := $(VENV)/.stamp-dev
# pytest-xdist workers for `make unit`: CI has 2 cores (`make unit WORKERS=auto` uses every core, WORKERS=0 runs serially)
WORKERS ?= 2

.PHONY: demo test lint imports typecheck unit bench clean nl-model

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

# a test file runs whole in one worker (--dist loadfile in pyproject.toml), so module fixtures are built once
unit: $(DEV_STAMP)
	$(BIN)/pytest -q -n $(WORKERS)

test: lint imports typecheck unit

# every script runs the CLI as a user does (a process per command, its own simulator), prints the
# baseline and each ratio of the same run, and exits non-zero when a goal fails; all run, then any failure fails
bench: $(DEV_STAMP)
	@status=0; for b in sync_bench cli_bench plan_bench validate_bench iac_bench tui_bench nl_eval; do \
		echo "== benchmarks/$$b.py"; $(BIN)/python benchmarks/$$b.py || status=1; done; exit $$status

# regenerate the request model's training data and retrain it (plain Python, ~2-5 min on 2 cores); writes
# pmpc_tui/nl/model/weights.json.gz and meta.json (same seed, same data hash, same weights: commit both)
nl-model: $(RUN_STAMP)
	$(BIN)/python -m pmpc_tui.nl.train.train

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
