package policy

import "flag"

// update rewrites golden files instead of comparing: go test ./policy -update
var update = flag.Bool("update", false, "rewrite golden files under testdata/")
