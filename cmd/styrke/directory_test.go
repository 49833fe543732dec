package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
)

// TestDirectoryCheck runs `styrke directory check` against a real Samba AD
// (complexity on, 10 characters, 5 remembered: the default policy's
// lower-case passphrases conflict, exit status 1) and a real slapd (12
// characters: only uio's 8 conflict).
func TestDirectoryCheck(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), dirtest.StartTimeout)
	defer cancel()
	ad, err := dirtest.StartSamba(ctx)
	require.NoError(t, err)
	t.Cleanup(ad.Close)
	ol, err := dirtest.StartSlapd(ctx)
	require.NoError(t, err)
	t.Cleanup(ol.Close)

	check := func(t *testing.T, s *dirtest.Server, more ...string) (string, error) {
		flags, err := s.Flags(t.TempDir())
		require.NoError(t, err)
		var stdout, stderr bytes.Buffer
		err = run(context.Background(), append(append([]string{"directory", "check"}, flags...), more...),
			func(string) string { return "" }, nil, &stdout, &stderr)
		assert.NotContains(t, stdout.String()+stderr.String(), s.ServicePassword)
		return stdout.String(), err
	}
	t.Run("samba ad", func(t *testing.T) {
		out, err := check(t, ad)
		assert.ErrorIs(t, err, errReported)
		assert.Equal(t, 1, exitCode(err, &bytes.Buffer{}))
		assert.Contains(t, out, "default: CONFLICT: the directory enforces AD's complexity rule")
		assert.Contains(t, out, "conflict(s)")
	})
	t.Run("slapd", func(t *testing.T) {
		// slapd asks for 12 characters: uio's policy allows 8.
		out, err := check(t, ol)
		assert.ErrorIs(t, err, errReported)
		assert.Contains(t, out, "uio: CONFLICT: the directory requires at least 12 characters and the policy allows 8")
		assert.Contains(t, out, "1 conflict(s)")
		out, err = check(t, ol, "--institution", "default")
		require.NoError(t, err, out)
		assert.NotContains(t, out, "CONFLICT")
		assert.Contains(t, out, "default: note: ppolicy's pwdCheckQuality is 2")
	})
}

func TestDirectoryCheckUsage(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	require.NoError(t, os.WriteFile(pw, []byte("secret\n"), 0o600))
	cases := []struct {
		name string
		args []string
		want string
		code int
	}{
		{"no subcommand", []string{"directory"}, "usage: styrke directory check", 2},
		{"plain ldap", []string{"directory", "check", "--directory", "ldap://dc.example.org"}, "in clear", 1},
		{"a date-of-birth attribute that is no attribute name", []string{"directory", "check", "--directory", "ad://dc.example.org",
			"--directory-bind-dn", "CN=svc,DC=example,DC=org", "--directory-base", "DC=example,DC=org", "--directory-password-file", pw,
			"--directory-birthdate-attribute", "fødselsdato"}, "--directory-birthdate-attribute", 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), c.args, func(string) string { return "" }, nil, &stdout, &stderr)
			var exit bytes.Buffer
			assert.Equal(t, c.code, exitCode(err, &exit))
			assert.Contains(t, stdout.String()+stderr.String()+exit.String(), c.want)
		})
	}
	var stdout bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"directory", "check"}, func(string) string { return "" }, nil, &stdout, &bytes.Buffer{}))
	assert.Contains(t, stdout.String(), "default: no directory")
}

// TestServeRefusesPlainLDAP: serve stops at start-up, before listening,
// with a message that says why and what to use instead.
func TestServeRefusesPlainLDAP(t *testing.T) {
	env := map[string]string{"STYRKE_DATA": t.TempDir(), "STYRKE_ADDR": "127.0.0.1:0",
		"STYRKE_DIRECTORY": "ldap://dc.example.org:389", "STYRKE_DIRECTORY_BIND_DN": "CN=svc,DC=example,DC=org",
		"STYRKE_DIRECTORY_PASSWORD": "not-shown-anywhere", "STYRKE_DIRECTORY_BASE": "DC=example,DC=org"}
	var stdout, stderr bytes.Buffer
	err := runServe(context.Background(), nil, func(k string) string { return env[k] }, &stdout, &stderr)
	require.ErrorIs(t, err, directory.ErrConfig)
	assert.Contains(t, err.Error(), "ldaps://")
	assert.NotContains(t, stdout.String(), "listening")
	assert.False(t, strings.Contains(err.Error()+stdout.String()+stderr.String(), "not-shown-anywhere"))
}

// TestConflicts: each rule of the directory against a policy.
func TestConflicts(t *testing.T) {
	// (in package directory's terms; here the CLI's view of them)
	type row struct {
		name     string
		s        directory.Settings
		conflict bool
		text     string
	}
	rows := []row{
		{"none", directory.Settings{}, false, ""},
		{"longer minimum", directory.Settings{MinLength: 20}, true, "requires at least 20 characters"},
		{"complexity", directory.Settings{Complexity: true}, true, "complexity rule"},
		{"longer history", directory.Settings{History: 24}, false, "remembers 24 passwords"},
	}
	p, err := policy.Lookup("default")
	require.NoError(t, err)
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			got := directory.Conflicts(p, r.s)
			if r.text == "" {
				assert.Empty(t, got)
				return
			}
			require.Len(t, got, 1)
			assert.Equal(t, r.conflict, got[0].Conflict)
			assert.Contains(t, got[0].Text, r.text)
		})
	}
}
