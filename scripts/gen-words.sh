#!/usr/bin/env bash
# Regenerates policy/guess/internal/genwords/lists/english.txt from the npm
# package @zxcvbn-ts/language-en (MIT), then policy/guess/words.go from every
# list. Needs npm and the npm registry; without them,
# `go run ./policy/guess/internal/genwords` rewrites words.go from the
# committed lists alone.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${ZXCVBN_EN_VERSION:-4.1.1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@zxcvbn-ts/language-en@$version" >/dev/null && tar xzf ./*.tgz)
go run ./policy/guess/internal/genwords -en "$tmp/package"
wc -l policy/guess/internal/genwords/lists/*.txt
