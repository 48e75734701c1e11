PYTHON ?= python3.11
VENV ?= .venv

.PHONY: demo test

# The main job: install, migrate, run everything on the demo catalog, print the producers, stop.
demo: $(VENV)/.installed
	$(VENV)/bin/discovery demo

test: $(VENV)/.installed
	$(VENV)/bin/python -m pytest

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet -e ".[test]"
	touch $@
