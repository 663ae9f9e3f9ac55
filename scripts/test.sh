#!/usr/bin/env bash
# `make test`: everything CI checks. The same script runs in CI (.ci/run calls `make test`).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_SETTINGS_MODULE=digisos.settings.test

step() { printf '\n== %s ==\n' "$1"; }

step "ruff (lint and format)"
.venv/bin/ruff check src tests tools bench
.venv/bin/ruff format --check src tests tools bench

step "import-linter (the module map points one way)"
.venv/bin/lint-imports

step "migrations are complete"
$PY manage.py makemigrations --check --dry-run

step "OpenAPI documents match the code"
$PY manage.py export_openapi --check

step "production settings pass the deploy checks"
scripts/check-deploy.sh

step "test suite on a throwaway PostgreSQL, browser journeys in Chromium with axe"
.venv/bin/pytest "$@"
