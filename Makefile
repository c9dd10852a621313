# Everything runs from a virtualenv in .venv, installed with the pinned
# dependency set in constraints.txt. Only python3 (3.11+) is needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8080
HOST ?= 127.0.0.1
UV_VERSION := $(shell sed -n 's/^uv==\([^ ;]*\).*/\1/p' constraints.txt)
STAMP := $(VENV)/.installed
VENV61 := .venv-6.1
STAMP61 := $(VENV61)/.installed
# The integration and protocol tests that run against Plone 6.1 too; the browser
# and Apache/nginx tests only run against the main pinned set.
PLONE61_TESTS ?= tests/content tests/controlpanel tests/feeds \
	tests/findlinks/test_views.py tests/indexers tests/jsonapi tests/restapi \
	tests/simple/test_views.py tests/simple/test_cache.py tests/tokens tests/upgrades \
	tests/upload tests/security/test_matrix.py tests/security/test_bad_requests.py \
	tests/security/test_methods.py tests/test_claims.py tests/test_names.py \
	tests/test_services.py tests/test_setup.py tests/test_permissions.py \
	tests/test_replay.py

# Most of the suite waits on processes it started (Zope, servers, clients), so
# four workers keep the two cores busy; each worker takes whole test files,
# whose module-scoped instances stay shared. PYTEST_PARALLEL= runs serially.
PYTEST_PARALLEL ?= -n 4 --dist loadfile

# Debian packages the tests start themselves: Apache and nginx serve an exported
# mirror tree, Chromium runs the browser tests.
SYSTEM_PACKAGES := apache2 nginx chromium postgresql
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help install system-packages run test test-plone61 release-check lint format \
	i18n constraints constraints-6.1 clean

help:
	@echo "make run     set up everything and serve a site with a software center:"
	@echo "             front page  http://$(HOST):$(PORT)/Plone"
	@echo "             index       http://$(HOST):$(PORT)/Plone/pypi/"
	@echo "             (PORT=... HOST=... to change; the login is printed at start)"
	@echo "make test    set up everything (Debian's apache2, nginx and chromium"
	@echo "             too) and run the whole test suite"
	@echo "make lint    ruff check, ruff format --check and mypy (with mypy-zope)"
	@echo "make format  format the code with ruff"
	@echo "make i18n    rebuild the .pot from the code, sync and compile the .po files"
	@echo "make constraints  re-resolve the pinned dependency set"
	@echo "make constraints-6.1  re-resolve the pinned Plone 6.1 set"
	@echo "make test-plone61  run the integration and protocol tests on Plone 6.1"
	@echo "make release-check  build, check and install the wheel as a user would"

$(STAMP): setup.py constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode \
		-c constraints.txt -e ".[test,dev]"
	$(BIN)/python -m compileall -q src
	touch $(STAMP)

install: $(STAMP)

$(STAMP61): setup.py constraints-6.1.txt
	$(PYTHON) -m venv $(VENV61)
	$(VENV61)/bin/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(VENV61)/bin/uv pip install --python $(VENV61)/bin/python --quiet \
		--compile-bytecode -c constraints-6.1.txt -e ".[test]" "Plone==6.1.*" setuptools
	$(VENV61)/bin/python -m compileall -q src
	touch $(STAMP61)

system-packages:
	@missing=""; for package in $(SYSTEM_PACKAGES); do \
		dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		$(SUDO) apt-get update -q && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q \
			--no-install-recommends $$missing; \
	fi

run: $(STAMP)
	$(BIN)/psc serve --var var --host $(HOST) --port $(PORT)

test: $(STAMP) system-packages
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) $(PYTEST_ARGS)

test-plone61: $(STAMP61)
	$(VENV61)/bin/python -m pytest $(PYTEST_PARALLEL) $(PLONE61_TESTS) $(PYTEST_ARGS)

release-check: $(STAMP)
	bash tests/release/check_release.sh

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

# The machine pages (simple/, findlinks/) are for installers and stay untranslated.
LOCALES := src/collective/psc/locales
I18N_EXCLUDE := simple findlinks

i18n: $(STAMP)
	$(BIN)/i18ndude rebuild-pot --pot $(LOCALES)/collective.psc.pot \
		--create collective.psc --exclude "$(I18N_EXCLUDE)" src/collective/psc
	for po in $(LOCALES)/*/LC_MESSAGES/collective.psc.po; do \
		$(BIN)/i18ndude sync --pot $(LOCALES)/collective.psc.pot $$po || exit 1; \
	done
	$(BIN)/python -m collective.psc.i18n

# The compile starts from the current pins (its output file), so only what must
# move moves; add UV_ARGS=--upgrade to take the newest versions.
constraints: $(STAMP)
	cp constraints.txt constraints.txt.new
	$(BIN)/uv pip compile $(UV_ARGS) --universal --python-version 3.11 --no-header \
		--no-annotate --quiet setup.py --extra test --extra dev -o constraints.txt.new
	( sed -n '1,2p' constraints.txt; cat constraints.txt.new ) > constraints.txt.tmp
	rm constraints.txt.new
	mv constraints.txt.tmp constraints.txt
	$(BIN)/python tests/release/buildout_versions.py

constraints-6.1: $(STAMP)
	[ ! -f constraints-6.1.txt ] || cp constraints-6.1.txt constraints-6.1.txt.new
	$(BIN)/uv pip compile $(UV_ARGS) --universal --python-version 3.11 --no-header \
		--no-annotate --quiet setup.py tests/release/plone-6.1.in \
		--extra test --extra dev -o constraints-6.1.txt.new
	( echo '# The resolved dependency set of collective.psc on Plone 6.1, made with'; \
	  echo '# "make constraints-6.1"; "make test-plone61" installs with it.'; \
	  cat constraints-6.1.txt.new ) > constraints-6.1.txt
	rm constraints-6.1.txt.new

clean:
	rm -rf $(VENV) $(VENV61) build dist src/*.egg-info
