package directory_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
)

// notes are the texts of Conflicts' findings, one a line.
func notes(t *testing.T, id string, s directory.Settings) string {
	t.Helper()
	p, err := policy.Lookup(id)
	require.NoError(t, err)
	var lines []string
	for _, f := range directory.Conflicts(p, s) {
		lines = append(lines, f.Text)
	}
	return strings.Join(lines, "\n")
}

// TestWindowsDefaultPolicy: a real Samba AD set to Windows' default domain
// policy (and a lockout of 5 in 30 minutes). Settings reads its maximum
// password age, and `directory check`'s notes say it and the lockout, as
// README says they are read: both went unsaid.
func TestWindowsDefaultPolicy(t *testing.T) {
	ad.SetDomainPolicy(t, dirtest.WindowsDefaultPolicy)
	s, err := open(t, config(ad, false)).Settings(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, directory.Settings{MinLength: 7, Complexity: true, History: 24, MinAge: 24 * time.Hour,
		MaxAge: 42 * 24 * time.Hour, LockoutThreshold: 5, LockoutWindow: 30 * time.Minute}, s)
	got := notes(t, "default", s)
	for _, want := range []string{
		"the directory's passwords expire after 42 days: expiry reminders tell people before the day",
		"the directory locks an account after 5 wrong passwords in 30 minutes: the change page stops 2 before (it tries no current password while the directory counts 3 or more wrong ones)",
	} {
		assert.Contains(t, got, want)
	}
}

// TestMinimumAgeCountsFromAReset: AD's minimum password age refuses the
// person's change within it of a reset (the service account's, as an
// activation or a forgotten password sets it), not only of an earlier
// change; the note of `directory check` said resets were not affected.
func TestMinimumAgeCountsFromAReset(t *testing.T) {
	p := dirtest.WindowsDefaultPolicy
	p.MinAge = 4 * time.Second // the day, shortened
	ad.SetDomainPolicy(t, p)
	d := open(t, config(ad, false))
	user, _ := newUser(t, ad)
	time.Sleep(p.MinAge + time.Second) // the account's own setting is old enough
	const reset, next, after = "Reset!Passw0rd-2026a", "Next!Passw0rd-2026b", "After!Passw0rd-2026c"
	require.NoError(t, d.SetPassword(ctx(t), user, reset))
	err := d.ChangePassword(ctx(t), user, reset, next)
	var ref *directory.Refusal
	require.ErrorAs(t, err, &ref, "a change at once after a reset")
	assert.Equal(t, directory.RuleTooYoung, ref.Rule)
	time.Sleep(p.MinAge + time.Second)
	require.NoError(t, d.ChangePassword(ctx(t), user, reset, after), "a change once the minimum age has passed")

	s, err := d.Settings(ctx(t))
	require.NoError(t, err)
	got := notes(t, "default", s)
	assert.Contains(t, got, "the directory's minimum password age is 4 seconds")
	assert.Contains(t, got, "an activation or a reset (the service account's) starts it as a change does: a person who activates the account, or resets the password, and then changes it at once on the change page is refused for 4 seconds from that setting")
	assert.NotContains(t, got, "not affected")
}
