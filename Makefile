# The front door. `make run` starts the app on http://localhost:3000; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

# Project-local JS runtimes (see scripts/ensure-js-runtimes.sh) come first on PATH.
export PATH := $(CURDIR)/.tools/node_modules/.bin:$(CURDIR)/$(BIN):$(PATH)
export REFLEX_USE_SYSTEM_BUN := 1
export NPM_CONFIG_REGISTRY ?= https://registry.npmjs.org
export REFLEX_TELEMETRY_ENABLED := false
export REFLEX_CHECK_LATEST_VERSION := false
export PYTHONDONTWRITEBYTECODE := 1
# node and bun ignore the system CA store; point them at it (needed behind TLS-inspecting
# proxies, harmless elsewhere) unless the environment already says otherwise.
SYSTEM_CA := /etc/ssl/certs/ca-certificates.crt
ifeq ($(origin NODE_EXTRA_CA_CERTS),undefined)
ifneq ($(wildcard $(SYSTEM_CA)),)
export NODE_EXTRA_CA_CERTS := $(SYSTEM_CA)
endif
endif

.PHONY: help run test lint unit integration e2e e2e-scaled deps dev-deps js chromium migrate seed clean

help:
	@echo "make run    start lms_reflex on http://localhost:3000 (SQLite, demo data)"
	@echo "make test   lint, unit, integration and browser tests"

$(BIN)/.deps: requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements.txt
	@touch $@

$(BIN)/.dev-deps: requirements-dev.txt $(BIN)/.deps
	$(BIN)/python -m pip install -q --disable-pip-version-check -r requirements-dev.txt
	@touch $@

deps: $(BIN)/.deps
dev-deps: $(BIN)/.dev-deps

js:
	@bash scripts/ensure-js-runtimes.sh

chromium:
	@bash scripts/ensure-chromium.sh

migrate: deps
	$(BIN)/python -m lms_reflex migrate

seed: migrate
	@if $(BIN)/python -m lms_reflex is-empty; then $(BIN)/python -m lms_reflex seed-demo; fi

run: deps js seed
	$(BIN)/python -m lms_reflex.serve

# ruff (style, complexity) and pyright (types, basic mode; settings in pyproject.toml). The size
# rules run with the unit tests (tests/unit/test_code_rules.py); docs/architecture.md says more.
lint: dev-deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pyright --project pyproject.toml

unit: dev-deps
	$(BIN)/python -m pytest tests/unit -q

integration: dev-deps
	$(BIN)/python -m pytest tests/integration -q

e2e: dev-deps js chromium
	$(BIN)/python -m pytest tests/e2e -q

# The same journeys on PostgreSQL + Redis + 3 backend workers (see tests/e2e/conftest.py).
e2e-scaled: dev-deps js chromium
	LMS_E2E_MODE=scaled REFLEX_WEB_WORKDIR=.web-scaled $(BIN)/python -m pytest tests/e2e -q

# `make test` runs every browser journey on one worker + SQLite and, with LMS_TEST_POSTGRES_URL
# set (CI), the journeys the server's mode could change again on PostgreSQL + Redis + 3
# workers, alongside the first pass (scripts/test-all.sh; `make e2e-scaled` runs them all).
test: dev-deps js chromium lint
	BIN=$(BIN) bash scripts/test-all.sh

clean:
	rm -rf .web .web-scaled .web-forgers .states
