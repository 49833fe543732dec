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
