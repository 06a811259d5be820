# Deep Learning, Proved and Run: build and test.
#
#   make book        set up .venv if needed, build the site into _build/html
#   make test        set up .venv if needed, run every test (what CI runs)
#
# Both start from a fresh clone: the first run creates .venv from requirements.txt (about
# 2.5 GB, a few minutes) and installs lecturelib into it in editable mode.
# Other targets: handout (the book without solutions), notebooks (re-execute changed
# notebooks), seeds, full (GPU), lint, clean.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
export PATH := $(BIN):$(PATH)
# Kernels started by the build and the tests use this interpreter (the venv's)
export PYTHONNOUSERSITE := 1

JB_FLAGS := -W -n --keep-going
# `make test` is hermetic: the quick profile, each notebook's own seed, and the offline
# stand-in datasets (an empty data folder, no download), whatever the shell and the network;
# the committed notebook outputs were produced the same way, so nbval compares like with like
TEST_DATA := $(CURDIR)/_build/test-data
TEST_ENV := env -u LECTURELIB_SEED LECTURELIB_PROFILE=quick LECTURELIB_OFFLINE=1 \
	LECTURELIB_DATA=$(TEST_DATA)
NBVAL := python -m pytest -p tests.nbval_capture --nbval book --nbval-current-env \
	--nbval-sanitize-with tests/nbval-sanitize.cfg -p no:cacheprovider
SEEDS ?= 1 2 3 4

.PHONY: help book test unit nbval site handout chromium notebooks seeds full lint clean

help:
	@sed -n '2,10p' Makefile | sed 's/^# \{0,1\}//'

$(STAMP): requirements.txt pyproject.toml
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --editable .
	@touch $(STAMP)

## The site: executes notebooks that changed (cached otherwise); -W turns warnings into errors
book: $(STAMP)
	jupyter-book build . $(JB_FLAGS)
	@echo
	@echo "The book is built: open file://$(CURDIR)/_build/html/index.html"

## Everything CI checks, in order of increasing cost
test: $(STAMP)
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory unit nbval site; \
	echo "make test: all passed in $$(( $$(date +%s) - start )) s"

# unit tests, repository checks, and every docstring example in lecturelib (run offline)
unit: $(STAMP)
	ruff check lecturelib tests book/_ext
	$(TEST_ENV) python -m pytest tests lecturelib --doctest-modules \
		-p no:cacheprovider --cov=lecturelib --cov-report=term-missing --cov-fail-under=90 \
		-m "not site"

# nbval executes every notebook in the quick profile and compares its text outputs with the
# committed .ipynb; what it executed seeds the site's execution cache (no second execution)
nbval: $(STAMP)
	rm -rf _build/nbval
	$(TEST_ENV) $(NBVAL) --nbval-capture _build/nbval -q
	$(TEST_ENV) python tests/notebook_tools.py seed-cache _build/nbval

# the site and the instructor's handout, then both checked (the site in headless Chromium)
site: $(STAMP) chromium
	$(TEST_ENV) jupyter-book build . $(JB_FLAGS)
	$(TEST_ENV) BOOK_SOLUTIONS=hide jupyter-book build . $(JB_FLAGS) --path-output _build/handout
	$(TEST_ENV) python -m pytest tests -p no:cacheprovider -m site -q --durations=5

## The instructor's handout: the same book with every exercise solution removed
handout: $(STAMP)
	BOOK_SOLUTIONS=hide jupyter-book build . $(JB_FLAGS) --path-output _build/handout
	@echo "The handout is built: open file://$(CURDIR)/_build/handout/_build/html/index.html"

# the browser tests drive Debian's Chromium (Playwright downloads no browser)
chromium:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
		command -v google-chrome >/dev/null || { \
		echo "installing Debian's chromium for the browser tests"; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get install -y -qq chromium >/dev/null 2>&1 || { \
			$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium; }; }

## Regenerate and execute the .ipynb twin of every notebook whose .md changed
notebooks: $(STAMP)
	python tests/notebook_tools.py sync

## Run every notebook's checks under other seeds (no output comparison)
seeds: $(STAMP)
	@for seed in $(SEEDS); do \
		echo "== LECTURELIB_SEED=$$seed"; \
		$(TEST_ENV) LECTURELIB_SEED=$$seed python -m pytest -p tests.nbval_capture --nbval-lax book \
			--nbval-current-env -p no:cacheprovider -q; \
	done

## On a GPU machine: GPU unit tests, every notebook's checks in the full profile, full build
full: $(STAMP)
	python -m pytest tests -p no:cacheprovider -m gpu -q
	LECTURELIB_PROFILE=full python -m pytest -p tests.nbval_capture --nbval-lax book \
		--nbval-current-env -p no:cacheprovider -q --durations=0
	LECTURELIB_PROFILE=full jupyter-book build . $(JB_FLAGS)

lint: $(STAMP)
	ruff check lecturelib tests book/_ext

clean:
	rm -rf _build
