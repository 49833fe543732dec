#!/usr/bin/env bash
# make bench: runs every benchmark and writes the figures into BENCHMARKS.md,
# each part between the markers of its own section.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# policy: Evaluate and the score at 16, 64 and 127 code points.
go test -run '^$' -bench . -benchmem -count 5 ./policy/ | tee "$tmp/policy.txt"
go run ./scripts/benchmd -in "$tmp/policy.txt" -section policy -file BENCHMARKS.md \
  -note 'Targets (issue 2): `Evaluate` on a 127-code-point password under 5 µs; the score itself at most 2 allocations. `BenchmarkScore` is the score alone, `BenchmarkEvaluate` the whole verdict with every rule, messages and feedback (default policy, username and name given), `BenchmarkResultJSON` the wire encoding into a reused buffer.'

# Further sections: each script writes its own.
for s in scripts/bench-server.sh scripts/bench-meter.sh; do
  if [ -x "$s" ] || [ -f "$s" ]; then bash "$s"; fi
done
