package policy_test

import (
	"fmt"

	"github.com/styrke-iam/styrke/policy"
)

// Evaluate scores a password against a policy and applies every rule. The
// example password is a well-known one, so printing it is harmless.
func ExampleEvaluate() {
	p := policy.Default()
	r := policy.Evaluate(p, policy.Input{Password: "Passw0rd!", Lang: "en"})
	fmt.Printf("score %g (bonus %g) against %g: ok=%v\n", r.Score, r.Bonus, r.Threshold, r.OK)
	for i, c := range r.Chars {
		fmt.Printf("%d %s %g %q\n", i+1, c.Category, c.Points, c.Note)
	}
	for _, v := range r.Violations {
		fmt.Println(v.Rule)
	}
	// Output:
	// score 23.5 (bonus 6) against 32: ok=false
	// 1 upper 4 ""
	// 2 lower 2 ""
	// 3 lower 2 ""
	// 4 lower 0 "repeat"
	// 5 lower 2 ""
	// 6 digit 2 ""
	// 7 lower 2 ""
	// 8 lower 2 ""
	// 9 special 1.5 ""
	// too_short
	// common
	// weak
}

// Parse reads a policy; omitted fields take their defaults, and every
// problem is reported at once.
func ExampleParse() {
	p, err := policy.Parse([]byte(`{"id":"example","minLength":12,"maxLength":64}`))
	fmt.Println(p.MinLength, p.MaxLength, p.Threshold, err)

	_, err = policy.Parse([]byte(`{"id":"example","minLength":4,"maxLength":300}`))
	fmt.Println(err)

	_, err = policy.Parse([]byte(`{"id":"example","score":{"tiers":[{"from":1,"pointz":4}]}}`))
	fmt.Println(err)
	// Output:
	// 12 64 32 <nil>
	// invalid policy: 2 problem(s); minLength: is 4; want 8 to 127; maxLength: is 300; want 64 to 127 (Active Directory's limit)
	// parse policy: score.tiers[0].pointz: unknown field
}
