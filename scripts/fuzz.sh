#!/usr/bin/env bash
# make fuzz: runs every fuzz target of an entry point that takes outside
# input for FUZZTIME each (default 12s; about three minutes in all with the
# builds). A crash stops the run; Go writes the input that caused it to the
# package's testdata/fuzz/FuzzName/, which is committed so that every later
# `go test` replays it.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME="${FUZZTIME:-12s}"
GO="${GO:-go}"
targets=(
	"./server FuzzHandler"            # every route through NewHandler: method, path, a header, body
	"./server FuzzStaticPath"         # the static site's path mapping and redirects
	"./server FuzzDecode"             # the API's one JSON decoder, every request type
	"./server/breach FuzzParse"       # range API answers
	"./site/webheaders FuzzParseNetlify" # _headers files
	"./cmd/styrke FuzzCheckStream"    # styrke check's JSON Lines input
	"./netlify/functions/api FuzzInvoke" # the Netlify adapter and the handler behind it
	"./policy FuzzParse"              # policy JSON (also what /api/validate takes)
	"./server/passhash FuzzVerify"    # encoded hashes read from storage
)
for t in "${targets[@]}"; do
	set -- $t
	echo "fuzz $2 in $1 for $FUZZTIME"
	"$GO" test -run='^$' -fuzz="^$2\$" -fuzztime="$FUZZTIME" "$1"
done
