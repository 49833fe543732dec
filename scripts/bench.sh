#!/usr/bin/env bash
# make bench: runs every benchmark and writes the figures into BENCHMARKS.md,
# each part between the markers of its own section.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# policy: Evaluate and the score at 16, 64 and 127 code points.
go test -run '^$' -bench . -benchmem -count 5 ./policy/ ./policy/guess/ | tee "$tmp/policy.txt"
go run ./scripts/benchmd -in "$tmp/policy.txt" -section policy -file BENCHMARKS.md \
  -note 'Targets: `Evaluate` on a 127-code-point password at most 20 µs (issue 13; 5 µs before the guess estimator, issue 2); the score itself at most 2 allocations. `BenchmarkScore` is the score alone, `BenchmarkEvaluate` the whole verdict with every rule, messages and feedback (default policy, username and name given), `BenchmarkEvaluatePersonal` the same with a date of birth and a phone number given too (the reset and activation pages), `BenchmarkResultJSON` the wire encoding into a reused buffer, `BenchmarkEstimate` the guess estimator alone (package policy/guess, its embedded lists as the dictionary).'

# Storage and password hashing: one section per package (benchmd merges
# benchmarks that share a name). Argon2id is excluded from the store figures
# (precomputed hashes); passhash measures it alone.
for p in passhash store/sqlite store/postgres; do
  n=$(echo "$p" | tr / -)
  go test -run '^$' -bench . -benchmem -count 5 "./server/$p/" | tee "$tmp/$n.txt"
  go run ./scripts/benchmd -in "$tmp/$n.txt" -section "$n" -file BENCHMARKS.md \
    -note "Package server/$p. Complete = one CreateActivation plus one Complete (token consumed, password and history written in one transaction); Copy = styrke store copy of 20,000 audit events into a new store (SQLite into a new SQLite file, and its seal, in server/store/sqlite; SQLite into a new PostgreSQL schema in server/store/postgres), read back and compared. PostgreSQL runs on a throwaway test server (pgtest) with fsync off, SQLite with synchronous=FULL."
done

# Further sections: each script writes its own.
for s in scripts/bench-guess.sh scripts/bench-instructions.sh scripts/bench-server.sh scripts/bench-burst.sh scripts/bench-meter.sh scripts/bench-designer.sh scripts/bench-desk.sh; do
  if [ -x "$s" ] || [ -f "$s" ]; then bash "$s"; fi
done
