#!/usr/bin/env bash
# bench-meter.sh: the live meter's budgets (wire size, first score, keystroke
# p99) and zxcvbn 4.4.2 for comparison, in headless Chromium; writes the
# meter section of BENCHMARKS.md. Needs go, brotli, npm, /usr/bin/chromium.
# Its log also says where the slow keystrokes went (a fifth, traced page
# load: the main thread's own time against the wall) and what a page fault
# costs on this machine, the two things that decide the keystroke p99 here.
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./scripts/pagefault
go run ./e2e/meter/bench -trace -file BENCHMARKS.md
