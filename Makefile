# One entry for the routine jobs. `make install` once, then `make test` (lint + types + all tests).
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install fetch lint fmt typecheck check unit test demo local-up local-down clean

install:
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/bcx local fetch

fetch:
	$(BIN)/bcx local fetch

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck:
	$(BIN)/mypy

check: lint typecheck

unit:
	$(BIN)/pytest -m "not integration" -q

test: check
	$(BIN)/pytest -q

demo:
	$(BIN)/bcx demo

local-up:
	$(BIN)/bcx local up

local-down:
	$(BIN)/bcx local down

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
