# Two commands set everything up on a fresh machine:
#   make demo   a throwaway wallet with the embedded sample credentials: add, verify, stack, export
#   make test   the test suite
# Both build their own virtual environment in .venv (override with VENV=...).

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test test-fast bench completions clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(PY) -m skillwallet.demo

test: $(STAMP)
	$(PY) -m pytest -n 2 -q

test-fast: $(STAMP)
	$(PY) -m pytest -n 2 -q -m "not slow"

bench: $(STAMP)
	$(PY) benchmarks/run_all.py

completions: $(STAMP)
	$(PY) -m skillwallet.cli.completion_gen completions

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .hypothesis
