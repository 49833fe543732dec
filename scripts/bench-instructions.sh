#!/usr/bin/env bash
# bench-instructions.sh: instructions one call of the policy package's
# benchmarks executes, counted by valgrind's callgrind (installed here when
# missing); writes the "instructions" section of BENCHMARKS.md. The count
# repeats within 0.1% on a host whose timings vary by 20%.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v valgrind >/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq </dev/null
  $SUDO apt-get install -y -qq --no-install-recommends valgrind </dev/null >/dev/null
fi
go run ./scripts/benchinstr -file BENCHMARKS.md
