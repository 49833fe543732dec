#!/usr/bin/env bash
# make bench: runs every benchmark and writes the figures into BENCHMARKS.md
# between the markers each section owns.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
go test -run '^$' -bench . -benchmem -count 5 ./policy/ | tee "$out"
go run ./scripts/benchmd -in "$out" -section policy -file BENCHMARKS.md
