package directory

import "context"

// ADReason is (*LDAP).adReason for the tests: how a refusal of AD's that
// names no reason (as Windows' do not) is named.
func ADReason(d Directory, ctx context.Context, diag, username, password string, change bool) string {
	return d.(*LDAP).adReason(ctx, diag, username, password, change)
}

// DefaultPolicy is defaultPolicy for the tests.
var DefaultPolicy = defaultPolicy
