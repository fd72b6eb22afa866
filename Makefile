# Two commands for a fresh machine: `make demo` and `make test`. Both bootstrap .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUN_STAMP := $(VENV)/.stamp-run
DEV_STAMP := $(VENV)/.stamp-dev
# pytest-xdist workers for `make unit`: CI has 2 cores (`make unit WORKERS=auto` uses every core, WORKERS=0 runs serially)
WORKERS ?= 2

.PHONY: demo test lint imports typecheck browser git-tool unit bench clean nl-model

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

# the browser test (tests/web/test_web_console_browser.py) drives Debian's chromium through Playwright's Python
# package (a dev dependency): installed with apt when missing — never a downloaded build, never `playwright install`
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else \
			echo "chromium is missing and apt needs root: sudo apt-get install chromium (the browser test skips)"; \
			exit 0; fi; \
		echo "installing Debian's chromium for the browser test"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

# workspace history runs the git command line (chosen over dulwich by measurement: benchmarks/history_vcs_bench.py);
# installed with apt when missing, as chromium is
git-tool:
	@command -v git >/dev/null 2>&1 || { \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; else \
			echo "git is missing and apt needs root: sudo apt-get install git (the history tests skip)"; \
			exit 0; fi; \
		echo "installing git for workspace history"; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq git; }

test: lint imports typecheck browser git-tool unit

# every script runs the CLI as a user does (a process per command, its own simulator), prints the
# baseline and each ratio of the same run, and exits non-zero when a goal fails; all run, then any failure fails
bench: $(DEV_STAMP) browser
	@status=0; for b in sync_bench cli_bench import_ab plan_bench validate_bench iac_bench tui_bench web_bench nl_eval; do \
		echo "== benchmarks/$$b.py"; $(BIN)/python benchmarks/$$b.py || status=1; done; exit $$status

# regenerate the request model's training data and retrain it (plain Python, ~2-5 min on 2 cores); writes
# pmpc_tui/nl/model/weights.json.gz and meta.json (same seed, same data hash, same weights: commit both)
nl-model: $(RUN_STAMP)
	$(BIN)/python -m pmpc_tui.nl.train.train

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
