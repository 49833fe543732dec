package main

import (
	"strconv"
	"testing"
)

// TestPolicyCache: the meter's cache of parsed policies gives each policy
// text its own policy, when more texts come than it holds (the oldest goes
// first) and when they come back in another order; the last policy asked
// for is answered without parsing.
func TestPolicyCache(t *testing.T) {
	text := func(i int) string {
		return `{"id":"x` + strconv.Itoa(i) + `","minLength":` + strconv.Itoa(8+i) + `,"maxLength":127}`
	}
	check := func(i int) {
		t.Helper()
		p, code, err := loadPolicy(request{policyKind: 2, policy: text(i)})
		if err != nil || code != "" {
			t.Fatalf("policy %d: %s %v", i, code, err)
		}
		if p.MinLength != 8+i || p.ID != "x"+strconv.Itoa(i) {
			t.Fatalf("policy %d: got id %q, minLength %d", i, p.ID, p.MinLength)
		}
	}
	for i := range 40 {
		check(i)
	}
	for _, i := range []int{39, 24, 38, 0, 3, 25, 24, 24, 17, 39} {
		check(i)
	}
	// The same text by another kind is another policy.
	if p, _, err := loadPolicy(request{policyKind: 0, policy: text(3)}); err != nil || p.ID != "default" {
		t.Fatalf("the default policy by kind 0: %q %v", p.ID, err)
	}
}
