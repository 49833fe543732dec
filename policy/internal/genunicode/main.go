// Command genunicode writes policy/internal/unorm/tables.go: the Unicode data that
// policy.Fold needs (compatibility decompositions, canonical combining
// classes, canonical composition pairs, full case folding), derived from
// golang.org/x/text so that Fold agrees with x/text's NFKC and cases.Fold at
// the same Unicode version, without linking x/text (about 280 KB brotli of
// the WebAssembly module, with fmt and reflect).
//
// Run it from policy/internal/unorm: go generate ./policy/internal/unorm (or
// make generate).
package main

import (
	"flag"
	"log"
	"os"

	"github.com/styrke-iam/styrke/policy/internal/unicodetables"
)

func main() {
	out := flag.String("o", "tables.go", "output file")
	flag.Parse()
	src, err := unicodetables.Generate()
	if err != nil {
		log.Fatal(err)
	}
	if err := os.WriteFile(*out, src, 0o644); err != nil {
		log.Fatal(err)
	}
}
