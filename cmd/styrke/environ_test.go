package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeRefusesMistypedVariable: serve started with a variable one or two
// letters from a setting (STYRKE_DBB for STYRKE_DB) stops, naming both,
// before it makes or opens any store. It ignored the variable: serve made a
// new empty SQLite store in ~/.local/share/styrke, said it was listening,
// and the links the desk issued went there, not to the PostgreSQL database
// the variable named. serve runs as a process of its own, with the
// variable in its real environment.
func TestServeRefusesMistypedVariable(t *testing.T) {
	for _, tc := range []struct{ set, want string }{
		{"STYRKE_DBB=sqlite:/nonexistent/styrke.db", "STYRKE_DB"},
		{"STYRKE_INSTITUTION=utfjord", "STYRKE_INSTITUTIONS"},
		{"STYRKE_BASE_URL_FILE=/run/credentials/styrke/base-url", "STYRKE_BASE_URL"},
	} {
		name, _, _ := strings.Cut(tc.set, "=")
		t.Run(name, func(t *testing.T) {
			home := t.TempDir()
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, os.Args[0], "serve", "--addr", "127.0.0.1:0", "--directory", "none")
			cmd.Env = append(withoutStyrkeVariables(os.Environ()), "STYRKE_TEST_AS_MAIN=1", "HOME="+home, "XDG_DATA_HOME=", tc.set)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			require.NoError(t, cmd.Start())
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			var err error
			select {
			case err = <-exited:
			case <-time.After(10 * time.Second):
				cmd.Process.Kill()
				<-exited
				t.Fatalf("serve with %s still runs after 10 s; want it to refuse at start:\n%s", tc.set, out.String())
			}
			require.Error(t, err, "serve exits non-zero: %s", out.String())
			assert.Contains(t, out.String(), name, "names the variable set")
			assert.Contains(t, out.String(), tc.want, "names the setting meant")
			assert.NotContains(t, out.String(), "listening on", "never listened")
			_, err = os.Stat(filepath.Join(home, ".local", "share", "styrke"))
			assert.True(t, os.IsNotExist(err), "no store made in the default data directory (stat: %v)", err)
		})
	}
}

// withoutStyrkeVariables is environ without the STYRKE_ variables of the
// shell the tests run in.
func withoutStyrkeVariables(environ []string) []string {
	var out []string
	for _, kv := range environ {
		if !strings.HasPrefix(kv, "STYRKE_") {
			out = append(out, kv)
		}
	}
	return out
}

// TestCheckEnviron: a STYRKE_ variable no command reads is an error when it
// is a near miss of one (a letter or two apart, or a _FILE form of a
// setting that has none), naming the setting; a warning otherwise; and the
// variables of settings, and those Styrke's own tests set, pass.
func TestCheckEnviron(t *testing.T) {
	t.Run("refused", func(t *testing.T) {
		for _, tc := range []struct{ set, want string }{
			{"STYRKE_DBB=x", "STYRKE_DB"},
			{"STYRKE_INSTITUTION=uio", "STYRKE_INSTITUTIONS"},
			{"STYRKE_ADMIN_KEYS=x", "STYRKE_ADMIN_KEY"},
			{"STYRKE_SMPT_URL=smtp://user:secret-pw@mail", "STYRKE_SMTP_URL"},
			{"STYRKE_DIRECTORY_PASWORD_FILE=/run/pw", "STYRKE_DIRECTORY_PASSWORD_FILE"},
			{"STYRKE_BASE_URL_FILE=/run/url", "STYRKE_BASE_URL"},
		} {
			t.Run(tc.set, func(t *testing.T) {
				_, err := checkEnviron([]string{"HOME=/root", tc.set})
				require.Error(t, err, "set %s", tc.set)
				name, value, _ := strings.Cut(tc.set, "=")
				assert.Contains(t, err.Error(), name+" ")
				assert.Contains(t, err.Error(), tc.want)
				assert.NotContains(t, err.Error(), value, "never the value: it may be a secret")
			})
		}
	})
	t.Run("warned", func(t *testing.T) {
		warnings, err := checkEnviron([]string{"STYRKE_DATABASE_URL=postgres://u:secret-pw@h/d", "STYRKE_DB=sqlite:/x"})
		require.NoError(t, err)
		require.Len(t, warnings, 1)
		assert.Contains(t, warnings[0], "STYRKE_DATABASE_URL")
		assert.NotContains(t, warnings[0], "secret-pw")
	})
	t.Run("known", func(t *testing.T) {
		var environ []string
		for name := range knownEnv {
			environ = append(environ, name+"=x")
		}
		for _, name := range []string{"STYRKE_TEST_AS_MAIN", "STYRKE_SCREENS", "STYRKE_DIRFLOW_DB"} {
			environ = append(environ, name+"=x")
		}
		warnings, err := checkEnviron(append(environ, "HOME=/root", "STYRKEX=1", "NOEQUALS"))
		assert.NoError(t, err)
		assert.Empty(t, warnings)
	})
}

// TestKnownEnvIsComplete: knownEnv holds every variable a command reads:
// each flag's (env STYRKE_NAME), the secrets' _FILE forms, and those read
// by name. A variable left out of it would be refused as a near miss of
// another or warned of as unknown while a command used it.
func TestKnownEnvIsComplete(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	flagName := regexp.MustCompile(`env(?:String|Bool)\(\s*\w+,\s*\w+,\s*&[^,]+,\s*"([a-z0-9-]+)"`)
	calls := regexp.MustCompile(`env(?:String|Bool)\(\s*\w+,\s*\w+,\s*&`)
	literal := regexp.MustCompile(`"(STYRKE_[A-Z0-9_]+)"`)
	var want []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "environ.go" { // the lists themselves
			continue
		}
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		names := flagName.FindAllSubmatch(b, -1)
		require.Len(t, names, len(calls.FindAll(b, -1)), "%s: every envString and envBool names its flag by a literal", f)
		for _, m := range names {
			want = append(want, "STYRKE_"+strings.ToUpper(strings.ReplaceAll(string(m[1]), "-", "_")))
		}
		for _, m := range literal.FindAllSubmatch(b, -1) {
			want = append(want, string(m[1]))
		}
	}
	for name := range secretSettings {
		want = append(want, "STYRKE_"+strings.ToUpper(strings.ReplaceAll(name, "-", "_"))+"_FILE")
	}
	require.Greater(t, len(want), 60)
	for _, name := range want {
		assert.True(t, knownEnv[name], "%s is read by a command but not in knownEnv", name)
	}
}
