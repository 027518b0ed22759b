# Two commands do all set-up on a fresh machine:
#   make site   create .venv, install, validate the example firm, generate and build site/
#   make test   install what the tests need (Debian packages included) and run everything
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock
# Debian packages the test suite needs (installed with apt-get when missing).
DEBIAN_PACKAGES := git chromium fonts-noto-cjk poppler-utils
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: site test check lint types unit bench update-goldens system-deps clean

$(VENV)/.site-installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	touch $@

$(VENV)/.test-installed: $(VENV)/.site-installed
	$(PIP) -e '.[test]'
	touch $@

site: $(VENV)/.site-installed
	$(BIN)/handbook check
	$(BIN)/handbook build

check: $(VENV)/.site-installed
	$(BIN)/handbook check

system-deps:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages: $$missing"; \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
	  $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq $$missing; \
	fi

lint: $(VENV)/.test-installed
	$(BIN)/ruff check generator tests bench
	$(BIN)/ruff format --check generator tests bench

types: $(VENV)/.test-installed
	$(BIN)/mypy

unit: $(VENV)/.test-installed
	$(BIN)/pytest

test: system-deps lint types unit

bench: $(VENV)/.site-installed
	$(BIN)/python bench/run.py
	$(BIN)/python bench/offline.py

update-goldens: $(VENV)/.test-installed
	$(BIN)/pytest tests/test_golden.py --update-goldens

clean:
	rm -rf build site .pytest_cache .mypy_cache .ruff_cache
