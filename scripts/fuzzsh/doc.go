// Package fuzzsh holds the tests of scripts/fuzz.sh (make fuzz): which
// outcomes of `go test -fuzz` fail the run.
package fuzzsh
