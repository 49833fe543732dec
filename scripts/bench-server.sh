#!/usr/bin/env bash
# bench-server.sh: requests/s and p50/p99 of /api/validate and
# /api/activation/complete on loopback (SQLite and a throwaway PostgreSQL),
# with the bounded load generator in server/loadtest; writes the server
# section of BENCHMARKS.md. Set PG=false to measure SQLite only.
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./server/loadtest/loadbench -file BENCHMARKS.md -pg="${PG:-true}" "$@"
