package passhash_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/styrke-iam/styrke/server/passhash"
)

func Example() {
	enc, err := passhash.Hash("correct horse battery staple")
	if err != nil {
		panic(err)
	}
	fmt.Println(strings.HasPrefix(enc, "$argon2id$v=19$m=19456,t=2,p=1$"))

	ok, err := passhash.Verify("correct horse battery staple", enc)
	fmt.Println(ok, err)

	// The history check on submit: is the new password one of the old ones?
	reused, err := passhash.MatchAny(context.Background(), "Tr0ub4dor&3", []string{enc})
	fmt.Println(reused, err)
	// Output:
	// true
	// true <nil>
	// false <nil>
}
