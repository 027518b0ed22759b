# Two commands do all set-up on a fresh machine:
#   make site   create .venv, install, validate the example firm, generate and build site/
#   make test   install what the tests need (Debian packages included) and run everything
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/pip install --quiet --disable-pip-version-check -c requirements.lock
# Debian packages (installed with apt-get when missing): the PDF engine's libraries and CJK fonts
# for `make site`; plus a browser, git and PDF tools for the tests.
SITE_DEBIAN_PACKAGES := fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
DEBIAN_PACKAGES := $(SITE_DEBIAN_PACKAGES) git chromium poppler-utils
# Microsoft's SARIF validator (npm package shipping the SARIF SDK Multitool), used by one test.
SARIF_MULTITOOL := .tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true

.PHONY: site test check lint types unit bench bench-publish update-goldens system-deps site-system-deps clean

$(VENV)/.site-installed: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	$(BIN)/python -m compileall -q generator  # as pip does for a regular install
	touch $@

$(VENV)/.test-installed: $(VENV)/.site-installed
	$(PIP) -e '.[test]'
	touch $@

site: site-system-deps $(VENV)/.site-installed
	$(BIN)/handbook check
	$(BIN)/handbook build --pdf

check: $(VENV)/.site-installed
	$(BIN)/handbook check

site-system-deps:
	@$(MAKE) --no-print-directory system-deps DEBIAN_PACKAGES="$(SITE_DEBIAN_PACKAGES)"

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

$(SARIF_MULTITOOL):
	@command -v npm >/dev/null || { $$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get install -y -qq npm; }
	npm install --silent --prefix .tools --no-audit --no-fund @microsoft/sarif-multitool-linux@5.7.0

test: system-deps $(SARIF_MULTITOOL) lint types unit

bench: $(VENV)/.site-installed
	$(BIN)/python bench/run.py
	$(BIN)/python bench/plan.py
	$(BIN)/python bench/check_rules.py --scale 10
	$(BIN)/python bench/offline.py
	$(BIN)/python bench/scale.py --scales 1 5 10 --repeat 3 --build-repeat 2

bench-publish: $(VENV)/.site-installed
	$(BIN)/python bench/publish.py

update-goldens: $(VENV)/.test-installed
	$(BIN)/pytest tests/test_golden.py tests/test_wiki.py::test_example_firm_export_matches_golden --update-goldens

clean:
	rm -rf build site .pytest_cache .mypy_cache .ruff_cache
