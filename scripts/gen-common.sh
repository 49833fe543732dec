#!/usr/bin/env bash
# Regenerates policy/common_passwords.txt from the npm package
# @zxcvbn-ts/language-common (MIT) and policy/internal/gencommon/norwegian.txt,
# and, first, the estimator's list of the words people build
# passwords of from the same package (lists/passwords_short.txt of
# policy/guess/internal/genwords, and policy/guess/words.go): the common
# list is pruned to what the estimator cannot refuse on its own, so the
# estimator's lists come first.
# Needs npm and the npm registry; run after changing Fold or the lists.
set -euo pipefail
cd "$(dirname "$0")/.."
version=${ZXCVBN_COMMON_VERSION:-4.1.3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "@zxcvbn-ts/language-common@$version" >/dev/null && tar xzf ./*.tgz)
go run ./policy/guess/internal/genwords -passwords "$tmp/package/src/passwords.json"
go run ./policy/internal/gencommon -npm "$tmp/package" -out policy/common_passwords.txt
wc -l policy/common_passwords.txt
