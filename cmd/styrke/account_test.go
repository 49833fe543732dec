package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/backend"
)

func TestAccountImport(t *testing.T) {
	const fnr, test = "01019000083", "01820000095"
	cases := []struct {
		name, csv  string
		testNums   bool
		wantErr    error
		wantOut    string
		wantStderr []string
	}{
		{name: "two accounts", csv: "username,name,institution,identity number\nola,Ola,default," + fnr + "\nper,Per,uio," + test + "\n",
			testNums: true, wantOut: "imported 2 accounts\n"},
		// As activation import says of an empty file (it said "imported
		// 0 accounts", exit 0: a wrong file looked like a done import).
		{name: "an empty file", csv: "", wantErr: errReported, wantStderr: []string{"the file has no accounts", "nothing was imported"}},
		{name: "a header alone", csv: "username,name,institution,identity number\n", wantErr: errReported, wantStderr: []string{"the file has no accounts"}},
		{name: "a bad line by number", csv: "ola,Ola,default," + fnr + "\nper,Per,uio," + test + "\n",
			wantErr: errReported, wantStderr: []string{"line 2: identity number: is a test number", "nothing was imported"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := dataWithStore(t)
			file := filepath.Join(dir, "accounts.csv")
			require.NoError(t, os.WriteFile(file, []byte(tc.csv), 0o600))
			env := map[string]string{"STYRKE_DATA": dir, "STYRKE_IDENTITY_KEY": strings.Repeat("k", 32)}
			if tc.testNums {
				env["STYRKE_TEST_NUMBERS"] = "true"
			}
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), []string{"account", "import", file}, func(k string) string { return env[k] }, nil, &stdout, &stderr)
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
			} else {
				require.NoError(t, err, "stderr: %s", stderr.String())
			}
			assert.Equal(t, tc.wantOut, stdout.String())
			for _, s := range tc.wantStderr {
				assert.Contains(t, stderr.String(), s)
			}
			for _, secret := range []string{fnr, test, "Ola", "Per"} {
				assert.NotContains(t, stderr.String()+stdout.String(), secret)
			}
		})
	}
	t.Run("audited", func(t *testing.T) {
		// Each account's identity, as the API's import: the CLI's left no
		// trace either.
		dir := dataWithStore(t)
		env := map[string]string{"STYRKE_DATA": dir, "STYRKE_IDENTITY_KEY": strings.Repeat("k", 32)}
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"account", "import", "--actor", "cli:hr", "-"}, func(k string) string { return env[k] },
			strings.NewReader("ola,Ola,default,"+fnr+"\n"), &stdout, &stderr)
		require.NoError(t, err, stderr.String())
		st, err := backend.Open(context.Background(), "sqlite:"+filepath.Join(dir, "styrke.db"))
		require.NoError(t, err)
		defer st.Close()
		evs, err := st.Audit(context.Background(), store.AuditFilter{Event: store.EventIdentitySet})
		require.NoError(t, err)
		require.Len(t, evs, 1)
		assert.Equal(t, "ola", evs[0].Username)
		assert.Equal(t, "cli:hr", evs[0].Actor)
		assert.NotContains(t, evs[0].Detail, fnr)
	})
	t.Run("replace", func(t *testing.T) {
		// The file lists every account of its institution: per, left out,
		// loses his identity number (a person who left).
		dir := dataWithStore(t)
		env := map[string]string{"STYRKE_DATA": dir, "STYRKE_IDENTITY_KEY": strings.Repeat("k", 32), "STYRKE_TEST_NUMBERS": "true"}
		var stdout, stderr bytes.Buffer
		require.NoError(t, run(context.Background(), []string{"account", "import", "-"}, func(k string) string { return env[k] },
			strings.NewReader("ola,Ola,default,"+fnr+"\nper,Per,default,"+test+"\n"), &stdout, &stderr), stderr.String())
		stdout.Reset()
		require.NoError(t, run(context.Background(), []string{"account", "import", "--replace", "-"}, func(k string) string { return env[k] },
			strings.NewReader("ola,Ola,default,"+fnr+"\n"), &stdout, &stderr), stderr.String())
		assert.Equal(t, "imported 1 account, removed 1\n", stdout.String())
		st, err := backend.Open(context.Background(), "sqlite:"+filepath.Join(dir, "styrke.db"))
		require.NoError(t, err)
		defer st.Close()
		_, err = st.IdentityOf(context.Background(), "default", "per")
		assert.ErrorIs(t, err, store.ErrNotFound)
	})
	t.Run("another key", func(t *testing.T) {
		// A desk's own key file: its hashes would match no sign-in, and
		// every reset said "no account found" with no trace of why.
		dir := dataWithStore(t)
		env := map[string]string{"STYRKE_DATA": dir, "STYRKE_IDENTITY_KEY": strings.Repeat("k", 32)}
		var stdout, stderr bytes.Buffer
		require.NoError(t, run(context.Background(), []string{"account", "import", "-"}, func(k string) string { return env[k] },
			strings.NewReader("ola,Ola,default,"+fnr+"\n"), &stdout, &stderr), stderr.String())
		env["STYRKE_IDENTITY_KEY"] = strings.Repeat("x", 32)
		err := run(context.Background(), []string{"account", "import", "-"}, func(k string) string { return env[k] },
			strings.NewReader("per,Per,default,"+fnr+"\n"), &stdout, &stderr)
		require.ErrorIs(t, err, server.ErrIdentityKey)
		st, err := backend.Open(context.Background(), "sqlite:"+filepath.Join(dir, "styrke.db"))
		require.NoError(t, err)
		defer st.Close()
		_, err = st.IdentityOf(context.Background(), "default", "per")
		assert.ErrorIs(t, err, store.ErrNotFound, "nothing imported")
	})
	t.Run("no key", func(t *testing.T) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), []string{"account", "import", "-"}, func(k string) string {
			return map[string]string{"STYRKE_DATA": t.TempDir()}[k]
		}, strings.NewReader(""), &stdout, &stderr)
		require.ErrorIs(t, err, errUsage)
		assert.Contains(t, stderr.String(), "identity key is required")
	})
	t.Run("short key", func(t *testing.T) {
		// The message names where the key came from, as every other
		// setting's does ("identity key: identity key is 2 bytes").
		file := filepath.Join(t.TempDir(), "key")
		require.NoError(t, os.WriteFile(file, []byte("ab\n"), 0o600))
		for _, tc := range []struct {
			args  []string
			env   map[string]string
			names string
		}{
			{[]string{"account", "import", "--identity-key-file", file, "-"}, map[string]string{}, "--identity-key-file"},
			{[]string{"account", "import", "-"}, map[string]string{"STYRKE_IDENTITY_KEY": "ab"}, "STYRKE_IDENTITY_KEY"},
		} {
			tc.env["STYRKE_DATA"] = t.TempDir()
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, func(k string) string { return tc.env[k] }, strings.NewReader(""), &stdout, &stderr)
			require.Error(t, err)
			assert.Contains(t, err.Error()+stderr.String(), tc.names+": the identity key is 2 bytes", tc.names)
		}
	})
}

func TestParseACR(t *testing.T) {
	ok := []struct {
		in, def string
		per     map[string]string
	}{
		{"", "idporten-loa-substantial", map[string]string{}},
		{"idporten-loa-high", "idporten-loa-high", map[string]string{}},
		{"idporten-loa-substantial, uio=idporten-loa-high", "idporten-loa-substantial", map[string]string{"uio": "idporten-loa-high"}},
		{"uit=idporten-loa-high", "idporten-loa-substantial", map[string]string{"uit": "idporten-loa-high"}},
	}
	for _, tc := range ok {
		t.Run(tc.in, func(t *testing.T) {
			def, per, err := parseACR(tc.in)
			require.NoError(t, err)
			assert.Equal(t, tc.def, def)
			assert.Equal(t, tc.per, per)
		})
	}
	for _, bad := range []string{"idporten-loa-low", "Level4", "nowhere=idporten-loa-high", "uio=idporten-loa-low"} {
		t.Run(bad, func(t *testing.T) {
			_, _, err := parseACR(bad)
			require.Error(t, err)
		})
	}
}

// TestPromptLoginByDefault: the reset asks ID-porten for a fresh login
// (prompt=login) unless told not to: without it, "Cancel and log out" left
// the single sign-on session, and the next person at a shared PC was back
// in the previous one's reset with no credentials asked.
func TestPromptLoginByDefault(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		args []string
		want bool
	}{
		{nil, nil, true},
		{map[string]string{"STYRKE_IDPORTEN_PROMPT_LOGIN": "false"}, nil, false},
		{nil, []string{"--idporten-prompt-login=false"}, false},
		{map[string]string{"STYRKE_IDPORTEN_PROMPT_LOGIN": "true"}, nil, true},
	} {
		fs := flag.NewFlagSet("serve", flag.ContinueOnError)
		var rc resetConfig
		registerResetFlags(fs, func(k string) string { return c.env[k] }, &rc)
		require.NoError(t, fs.Parse(c.args))
		assert.Equal(t, c.want, rc.promptLogin, "env %v args %v", c.env, c.args)
	}
}

// TestAccountForget: the CLI deletes what is kept of an account (its
// identity number's keyed hash here) and says what, in counts; a missing
// flag or an unknown institution is a usage error that names it.
func TestAccountForget(t *testing.T) {
	const fnr = "01019000083"
	dir := dataWithStore(t)
	env := map[string]string{"STYRKE_DATA": dir, "STYRKE_IDENTITY_KEY": strings.Repeat("k", 32), "STYRKE_TEST_NUMBERS": "true"}
	getenv := func(k string) string { return env[k] }
	var stdout, stderr bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"account", "import", "-"}, getenv,
		strings.NewReader("ola,Ola,default,"+fnr+"\nper,Per,default,01820000095\n"), &stdout, &stderr), stderr.String())
	stdout.Reset()
	require.NoError(t, run(context.Background(), []string{"account", "forget", "--actor", "cli:dpo", "--institution", "default", "--username", "OLA"}, getenv, nil, &stdout, &stderr), stderr.String())
	assert.Equal(t, "deleted: links 0, notices 0, identity number 1, reset sessions 0, steps after a password 0, address on file 0, password history 0\n", stdout.String())
	stdout.Reset()
	require.NoError(t, run(context.Background(), []string{"account", "forget", "--institution", "default", "--username", "ola"}, getenv, nil, &stdout, &stderr))
	assert.Equal(t, "nothing was kept of this account\n", stdout.String())
	// Without serve's directory settings it cannot name the account's
	// lease as serve does where institutions have directories of their own.
	assert.Contains(t, stderr.String(), "note: no directory settings (STYRKE_DIRECTORY…)")

	st, err := backend.Open(context.Background(), "sqlite:"+filepath.Join(dir, "styrke.db"))
	require.NoError(t, err)
	defer st.Close()
	_, err = st.IdentityOf(context.Background(), "default", "ola")
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = st.IdentityOf(context.Background(), "default", "per")
	assert.NoError(t, err, "another account's stays")
	evs, err := st.Audit(context.Background(), store.AuditFilter{Event: store.EventForgotten})
	require.NoError(t, err)
	require.Len(t, evs, 2)
	assert.Equal(t, "cli:dpo", evs[0].Actor)
	assert.Equal(t, "deleted: identity number 1", evs[0].Detail)

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--username", "ola"}, "give --institution and --username"},
		{[]string{"--institution", "default"}, "give --institution and --username"},
		{[]string{"--institution", "nowhere", "--username", "ola"}, "institution is not a known institution id"},
	} {
		stderr.Reset()
		err := run(context.Background(), append([]string{"account", "forget"}, tc.args...), getenv, nil, &stdout, &stderr)
		assert.ErrorIs(t, err, errUsage, "%v", tc.args)
		assert.Contains(t, stderr.String(), tc.want, "%v", tc.args)
	}
}
