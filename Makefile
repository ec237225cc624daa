# Two commands on a fresh machine: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint services bench model clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/claimbot demo

services:
	bash scripts/ensure-services.sh

lint: $(STAMP)
	$(BIN)/ruff check .

# One pytest process per core (at most 4; each loads the spaCy pipeline once); a file's tests stay in one
# process (--dist loadfile): they share its module fixtures and its Redis database number.
test: services $(STAMP) lint
	$(BIN)/python -m pytest -q --db=both -n auto --maxprocesses 4 --dist loadfile

# The attribution bench needs the PolNeAR gold file (see bench/attribution.py); without it, it says how to make it.
bench: $(STAMP)
	-$(BIN)/python bench/attribution.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/slack_latency.py

# Rebuild bot/claims/attribution_model.json from PolNeAR train: POLNEAR=checkout (else the converted gold file).
model: $(STAMP)
	$(BIN)/python bench/train_attribution.py $(POLNEAR)

clean:
	rm -rf $(VENV) claimbot.db .pytest_cache
