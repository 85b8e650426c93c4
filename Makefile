# Two commands set everything up on a fresh machine: `make demo` and `make test`.
# Both create .venv when missing, install torch's CPU wheel first, then the
# project under constraints.txt (which pins that torch), and re-install only
# when pyproject.toml or constraints.txt change (stamp file).

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.sklearn-iclr-installed
TORCH_VERSION := 2.13.0
# Where the tests and benchmarks find the real data sets (see ../shared/data/README.md).
SKLEARN_ICLR_DATA ?= $(abspath ../shared/data)
export SKLEARN_ICLR_DATA
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export MPLBACKEND := Agg
PYTEST_ARGS ?=
SHELL := /bin/bash
.SHELLFLAGS := -eo pipefail -c
# This machine's pip configuration names local indexes that are partly absent;
# pip warns once per package about them. The filter keeps real errors visible.
QUIET_PIP := 2>&1 | { grep -v 'is ignored: it is neither a file nor a directory' || true; }

.PHONY: install lint demo test test-fast docs bench bench-paper clean help

help:
	@echo "make demo   - install into $(VENV) and run the quick tour"
	@echo "make test   - install into $(VENV), lint (ruff), run the tests (+doctests, examples)"
	@echo "make docs   - build the Sphinx site with the example gallery"
	@echo "make bench  - run every benchmark's quick preset (rewrites benchmarks/results/quick/)"
	@echo "make bench-paper - run every paper preset (hours; see benchmarks/README.md)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip setuptools wheel $(QUIET_PIP)
	$(BIN)/python -m pip install -q "torch==$(TORCH_VERSION)" $(QUIET_PIP)
	$(BIN)/python -m pip install -q -c constraints.txt -e ".[dev]" $(QUIET_PIP)
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/python -m sklearn_iclr

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest tests sklearn_iclr --doctest-modules $(PYTEST_ARGS)

docs: install
	$(BIN)/python -m sphinx -b html -W --keep-going docs docs/_build/html

# Each benchmark's preset writes only benchmarks/results/<preset>/, so `make bench`
# (the quick presets) never touches a paper result; the harness refuses to write
# there from a dirty tree.
BENCH_PRESET ?= quick

bench: install
	@set -e; for f in benchmarks/*.py; do \
	  case $$(basename $$f) in _*) continue;; esac; \
	  echo "== $$f --preset $(BENCH_PRESET)"; \
	  $(BIN)/python $$f --preset $(BENCH_PRESET); done

bench-paper:
	$(MAKE) bench BENCH_PRESET=paper

clean:
	rm -rf docs/_build docs/auto_examples docs/generated .pytest_cache .hypothesis \
	  docs/benchmark_results.rst docs/_benchmark_figures
