#!/usr/bin/env bash
# `make bench-scale`: the page figures of `make bench` on a small database and on one seeded with a million
# applications and cases (DIGISOS_BENCH_SCALE_CASES), each ratio's scale value against its small one, and
# EXPLAIN of every query the measured pages run at that size (bench/scale.py). Heavy: about half an hour.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python bench/scale.py run "$@"
