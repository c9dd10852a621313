# Everything runs from a virtualenv in .venv, installed with the pinned
# dependency set in constraints.txt. Only python3 (3.11+) is needed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8080
HOST ?= 127.0.0.1
UV_VERSION := $(shell sed -n 's/^uv==\([^ ;]*\).*/\1/p' constraints.txt)
STAMP := $(VENV)/.installed

# Debian packages the tests start themselves: Apache and nginx serve an exported
# mirror tree, Chromium runs the browser tests.
SYSTEM_PACKAGES := apache2 nginx chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: help install system-packages run test lint format i18n constraints clean

help:
	@echo "make run     set up everything and serve a site with a software center:"
	@echo "             front page  http://$(HOST):$(PORT)/Plone"
	@echo "             index       http://$(HOST):$(PORT)/Plone/pypi/"
	@echo "             (PORT=... HOST=... to change; the login is printed at start)"
	@echo "make test    set up everything (Debian's apache2, nginx and chromium"
	@echo "             too) and run the whole test suite"
	@echo "make lint    ruff check and ruff format --check"
	@echo "make format  format the code with ruff"
	@echo "make i18n    rebuild the .pot from the code, sync and compile the .po files"
	@echo "make constraints  re-resolve the pinned dependency set"

$(STAMP): setup.py constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"
	$(BIN)/uv pip install --python $(BIN)/python --quiet -c constraints.txt -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

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
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks

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

constraints: $(STAMP)
	$(BIN)/uv pip compile --universal --python-version 3.11 --no-header \
		--no-annotate --quiet setup.py --extra test -o constraints.txt.new
	( sed -n '1,2p' constraints.txt; cat constraints.txt.new ) > constraints.txt.tmp
	rm constraints.txt.new
	mv constraints.txt.tmp constraints.txt
	$(BIN)/python -m collective.psc.commands.buildout_versions

clean:
	rm -rf $(VENV) build dist src/*.egg-info
