# Two commands do everything on a fresh machine; each does its own set-up:
#   make crawl START=2025-01-01 [END=2025-01-31]   mirror days into output/
#   make test                                      lint and run every test
#   make quick                                     lint and the tests not marked slow
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: crawl test quick install install-test clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

crawl: install
	$(BIN)/scrapy crawl apod $(if $(START),-a start=$(START)) $(if $(END),-a end=$(END)) \
		$(if $(DATES),-a dates=$(DATES)) $(ARGS)

test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

quick: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -m "not slow"

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .ruff_cache
