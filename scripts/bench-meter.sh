#!/usr/bin/env bash
# bench-meter.sh: the live meter's budgets (wire size, first score, keystroke
# p99) and zxcvbn 4.4.2 for comparison, in headless Chromium; writes the
# meter section of BENCHMARKS.md. Needs go, brotli, npm, /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./e2e/meter/bench -file BENCHMARKS.md
