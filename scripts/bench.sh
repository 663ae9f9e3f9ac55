#!/usr/bin/env bash
# `make bench`: the benchmarks; each prints its figures.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python bench/run.py
