#!/usr/bin/env bash
# bench-desk.sh: the service desk's bulk import (issue 12): 10,000 rows
# without delivery and 1,000 rows each mailed through a real SMTP server
# (aiosmtpd on loopback), into a fresh SQLite file (synchronous=FULL) per
# run; writes the import section of BENCHMARKS.md. Peak heap is the highest
# heap in use above the level at the start, sampled every millisecond.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go test -run '^$' -bench 'Import' -benchtime 1x -count 3 ./server/ | tee "$tmp/import.txt"
peak=$(awk '/^BenchmarkImport10000/ { for (i = 1; i < NF; i++) if ($(i+1) == "MB-peak-heap") print $i }' "$tmp/import.txt" | sort -n | tail -1)
rows=$(awk '/^BenchmarkImport10000/ { for (i = 1; i < NF; i++) if ($(i+1) == "rows/s") print $i }' "$tmp/import.txt" | sort -n | sed -n 2p)
mrows=$(awk '/^BenchmarkImportMail1000/ { for (i = 1; i < NF; i++) if ($(i+1) == "rows/s") print $i }' "$tmp/import.txt" | sort -n | sed -n 2p)
go run ./scripts/benchmd -in "$tmp/import.txt" -section import -file BENCHMARKS.md \
  -note "\`styrke activation import\` (server.Desk.Import): the whole CSV validated first, then per row the username as Styrke keeps it (store.AccountName, since 2026-12-04) and the open-activation check, the activations with their contacts and audit events stored 250 rows a transaction (SQLite, synchronous=FULL). BenchmarkImport10000: 10,000 rows, no delivery, median ${rows} rows/s, peak heap ${peak} MB above the start (the file, the report and the rows are held; B/op is everything allocated). BenchmarkImportMail1000: 1,000 rows, each link mailed through aiosmtpd on loopback (one SMTP connection a message), median ${mrows} rows/s."
