# DigiSos — the commands (see README.md). Everything a fresh machine needs is installed by these targets.
SHELL := /bin/bash
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: run test bench bench-scale lint deps system-deps python-deps node-deps src-bytecode messages clean

run: deps
	scripts/run.sh

test: deps
	scripts/test.sh

bench: deps
	scripts/bench.sh

# Not part of `make test` nor `make bench`: seeds a million applications and cases (see bench/scale.py).
# BENCH_SCALE_ARGS passes options on, e.g. `make bench-scale BENCH_SCALE_ARGS="--keep /work/scaledb"`.
bench-scale: deps
	scripts/bench-scale.sh $(BENCH_SCALE_ARGS)

lint: python-deps
	$(VENV)/bin/ruff check src tests tools bench
	$(VENV)/bin/ruff format --check src tests tools bench
	$(VENV)/bin/lint-imports

deps: system-deps python-deps node-deps src-bytecode

# Debian packages the project runs on (PostgreSQL binaries, Chromium, gettext). Only installs what is missing.
system-deps:
	@scripts/install-system-deps.sh

python-deps: $(VENV)/.synced

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

# --compile-bytecode: the packages' .pyc files are written once here. Without them every process compiles
# Django, WeasyPrint and the rest again wherever Python may not write its cache (PYTHONDONTWRITEBYTECODE, a
# read-only image), which made each manage.py command, worker boot and test process seconds slower.
$(VENV)/.synced: pyproject.toml uv.lock Makefile | $(UV)
	UV_PYTHON_DOWNLOADS=never $(UV) sync --frozen --compile-bytecode --python python3.11
	@touch $@

# Our own modules' .pyc files, as `uv sync --compile-bytecode` writes the packages'. Where Python may not write
# its cache (PYTHONDONTWRITEBYTECODE, set on the build machine, or a read-only image) every process compiled
# src again: 211 M of the 1,519 M instructions of `manage.py help`, a fifth of Django's own start-up
# (docs/operations.md, "Command start-up"). compileall skips what is up to date; a module edited since is
# compiled in memory, as before, until the next `make deps`.
src-bytecode: python-deps
	$(PY) -m compileall -q src

node-deps: var/assets/aksel/index.css

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

var/assets/aksel/index.css: node_modules/.installed tools/build_assets.py
	python3 tools/build_assets.py

# After changing texts: update the nynorsk and English catalogues, translate the new entries, then run this
# again to compile them (the .po and .mo files are committed; `make test` fails on a missing translation).
messages: python-deps
	cd src/digisos && ../../$(PY) ../../manage.py makemessages -l nn -l en --no-obsolete
	cd src/digisos && ../../$(PY) ../../manage.py compilemessages

clean:
	rm -rf var
