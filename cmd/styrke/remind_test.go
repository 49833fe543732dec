package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/directory"
)

func TestParseWindows(t *testing.T) {
	w, err := parseWindows("14d, 3d,72h")
	require.NoError(t, err)
	assert.Equal(t, []time.Duration{14 * 24 * time.Hour, 3 * 24 * time.Hour, 72 * time.Hour}, w)
	for _, bad := range []string{"", "0", "12h", "400d", "14d,", "two weeks", "-3d"} {
		_, err := parseWindows(bad)
		assert.Error(t, err, "%q", bad)
	}
}

// TestRemindTargets: the directories that expire passwords, the default
// one first as "default", then each institution's by id; none is none.
func TestRemindTargets(t *testing.T) {
	ad, err := directory.Open(directory.Config{URL: "ad://dc.example.org", BindDN: "CN=svc", Password: "x", Base: "DC=example"})
	require.NoError(t, err)
	ol, err := directory.Open(directory.Config{URL: "ldaps://ldap.example.org", BindDN: "cn=svc", Password: "x", Base: "dc=example"})
	require.NoError(t, err)
	assert.Empty(t, remindTargets(&directory.Set{}))
	assert.Empty(t, remindTargets(&directory.Set{Default: directory.None{}}))
	got := remindTargets(&directory.Set{Default: directory.None{}, ByInstitution: map[string]directory.Directory{"uit": ol, "uio": ad, "ntnu": directory.None{}}})
	assert.Equal(t, []remindTarget{{"uio", ad}, {"uit", ol}}, got)
	got = remindTargets(&directory.Set{Default: ad, ByInstitution: map[string]directory.Directory{"uit": ol}})
	assert.Equal(t, []remindTarget{{"default", ad}, {"uit", ol}}, got)
}

// TestServeRemindRefuses: serve stops at start-up on a window it cannot
// use and on reminders with no directory that expires passwords.
func TestServeRemindRefuses(t *testing.T) {
	for args, want := range map[string]string{
		"--remind-within=400d":                  "--remind-within",
		"--remind-within=14d --remind-every=1s": "--remind-every",
		"--remind-within=14d,3d":                "no directory expires passwords",
	} {
		env := map[string]string{"STYRKE_DATA": t.TempDir(), "STYRKE_ADDR": "127.0.0.1:0"}
		var stdout, stderr bytes.Buffer
		err := runServe(context.Background(), strings.Fields(args), func(k string) string { return env[k] }, &stdout, &stderr)
		require.Error(t, err, args)
		assert.Contains(t, err.Error(), want, args)
		assert.NotContains(t, stdout.String(), "listening", args)
	}
}

// TestDirectoryRemindNeedsAChannel: a run (not a dry run) with neither
// e-mail nor SMS configured is refused up front; it failed every account,
// one by one, "not configured".
func TestDirectoryRemindNeedsAChannel(t *testing.T) {
	_, stderr, err := runCLI(t, "", "directory", "remind", "--within", "14d", "--data", t.TempDir())
	require.ErrorIs(t, err, errUsage)
	assert.Contains(t, stderr, "no way to send a reminder")
}
