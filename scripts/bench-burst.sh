#!/usr/bin/env bash
# bench-burst.sh: the semester-start burst (40 people completing at once for
# 60 s, accounts with 5 history entries) on a throwaway PostgreSQL; writes
# the burst section of BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./server/loadtest/burstbench -file BENCHMARKS.md "$@"
