#!/usr/bin/env bash
# bench-designer.sh: the policy designer's batch (100,000 pasted passwords,
# two policies) in headless Chromium; writes the designer section of
# BENCHMARKS.md. Needs go and /usr/bin/chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./e2e/site/batchbench -file BENCHMARKS.md "$@"
