package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy"
)

// runCLI runs the program in-process and returns stdout, stderr and the
// error.
func runCLI(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, func(string) string { return "" }, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestCheckLines(t *testing.T) {
	in := `"correcthorsebatterystaple"
{"password": "Granskog!Lirype-Vadmel9", "username": "olan", "name": "Ola Nordmann"}

"Passw0rd!"
`
	out, errOut, err := runCLI(t, in, "check", "--lang", "en")
	require.NoError(t, err, "stderr: %s", errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3, "one result per non-blank line")
	var r0, r1, r2 map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &r0))
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &r1))
	require.NoError(t, json.Unmarshal([]byte(lines[2]), &r2))
	assert.Equal(t, 37.5, r0["score"])
	assert.Equal(t, true, r1["ok"])
	assert.Equal(t, 23.5, r2["score"])
	// Exactly the bytes of policy.Evaluate's wire JSON.
	want := policy.Evaluate(policy.Default(), policy.Input{Password: "Passw0rd!", Lang: "en"}).AppendJSON(nil)
	assert.Equal(t, string(want), lines[2])
}

// TestCheckBirthDateAndPhone: a line may give the person's date of birth
// and phone number, and the two rules judge by them.
func TestCheckBirthDateAndPhone(t *testing.T) {
	in := `{"password": "Granskog!Lirype-24.07.85", "birthDate": "1985-07-24"}
{"password": "Granskog!Lirype-924 56 789", "phone": "+4792456789"}
{"password": "Granskog!Lirype-24.07.85-924 56 789"}
`
	out, errOut, err := runCLI(t, in, "check", "--lang", "en")
	require.NoError(t, err, "stderr: %s", errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 3)
	assert.Contains(t, lines[0], `"rule":"birthdate"`)
	assert.Contains(t, lines[1], `"rule":"phone"`)
	assert.Contains(t, lines[2], `"ok":true`, "neither rule without its field")
}

func TestCheckPolicyFlag(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "p.json")
	require.NoError(t, os.WriteFile(file, []byte(`{"id":"test","threshold":20}`), 0o600))
	tests := []struct {
		name, policy string
		threshold    float64
	}{
		{"default", "default", 32},
		{"institution uio", "uio", 33},
		{"file", file, 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, _, err := runCLI(t, `"x"`+"\n", "check", "--policy", tt.policy)
			require.NoError(t, err)
			var r map[string]any
			require.NoError(t, json.Unmarshal([]byte(out), &r))
			assert.Equal(t, tt.threshold, r["threshold"])
		})
	}
}

// TestCheckMalformedLines: each bad line is reported by number, never by
// content, processing goes on, and the exit status says something was bad.
func TestCheckMalformedLines(t *testing.T) {
	secret := "Hemmelig-Passord-Som-Ikke-Skal-Vises"
	in := strings.Join([]string{
		`"ok-line-one-aaaaaaa"`,
		`{"password": "` + secret + `", "pasword": 1}`, // unknown field
		`"` + secret,        // unterminated
		`{"username": "u"}`, // no password
		`42`,                // not a string or object
		`{"password": 5}`,   // wrong type
		`"` + strings.Repeat("x", maxLineBytes+10) + `"`,    // too long
		`{"password": "` + secret + `", "password": "abc"}`, // twice: /api/validate refuses it, check took the last
		`{"password": "` + secret + `", "PASSWORD": "abc"}`, // in another case: encoding/json took it for password
		`"ok-line-two-bbbbbbb"`,
	}, "\n")
	out, errOut, err := runCLI(t, in, "check")
	require.Error(t, err)
	assert.True(t, errors.Is(err, errReported))
	assert.Equal(t, 2, strings.Count(out, "\n"), "the two good lines still produce results")
	for _, n := range []int{2, 3, 4, 5, 6, 7, 8, 9} {
		assert.Contains(t, errOut, "line "+strconv.Itoa(n)+":")
	}
	assert.Contains(t, errOut, `field "password" appears more than once`)
	assert.Contains(t, errOut, `unknown field "PASSWORD" (field names are case-sensitive)`)
	assert.NotContains(t, errOut, secret)
	assert.NotContains(t, errOut, "Hemmelig")
	assert.Contains(t, errOut, `unknown field "pasword"`)
}

// TestCheckStreamsManyLines: 10,000 lines go through with bounded memory
// and in order: three times the reader's 64 KiB of input, some 230
// times the writer's of output, and nine of the checks for a cancel made
// every 1024 lines.
func TestCheckStreamsManyLines(t *testing.T) {
	const n = 10000
	pr, pw := ioPipe()
	go func() {
		w := bufio.NewWriter(pw)
		for i := 0; i < n; i++ {
			w.WriteString(`"pw-` + strconv.Itoa(i) + `-Fjellvann"` + "\n")
		}
		w.Flush()
		pw.Close()
	}()
	var out countingWriter
	var errOut bytes.Buffer
	err := run(context.Background(), []string{"check"}, func(string) string { return "" }, pr, &out, &errOut)
	require.NoError(t, err, errOut.String())
	assert.Equal(t, n, out.lines)
}

func TestCheckUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"bad language", []string{"check", "--lang", "de"}},
		{"unknown flag", []string{"check", "--nope"}},
		{"stray argument", []string{"check", "extra"}},
		{"no command", nil},
		{"unknown command", []string{"frobnicate"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runCLI(t, "", tt.args...)
			assert.True(t, errors.Is(err, errUsage), "got %v", err)
			assert.Equal(t, 2, exitCode(err, &bytes.Buffer{}))
		})
	}
	_, _, err := runCLI(t, "", "check", "--policy", "no-such-institution")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "neither an institution")
}

func TestPolicyCommands(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.json")
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(good, []byte(`{"id":"good","minLength":12}`), 0o600))
	require.NoError(t, os.WriteFile(bad, []byte(`{"id":"bad","minLength":4,"maxLength":300,"historySize":-1}`), 0o600))

	out, _, err := runCLI(t, "", "policy", "validate", good)
	require.NoError(t, err)
	assert.Equal(t, "ok\n", out)

	out, _, err = runCLI(t, "", "policy", "validate", bad)
	require.ErrorIs(t, err, errReported)
	for _, f := range []string{"minLength:", "maxLength:", "historySize:"} {
		assert.Contains(t, out, f)
	}

	out, _, err = runCLI(t, "", "policy", "show", "uio")
	require.NoError(t, err)
	p, err := policy.Parse([]byte(out))
	require.NoError(t, err)
	want, _ := policy.Lookup("uio")
	assert.Equal(t, want, p)

	out, _, err = runCLI(t, "", "policy", "list")
	require.NoError(t, err)
	for _, id := range policy.Institutions() {
		assert.Contains(t, out, id)
	}

	_, _, err = runCLI(t, "", "policy", "nope")
	assert.ErrorIs(t, err, errUsage)

	out, _, err = runCLI(t, "", "policy", "show", good)
	require.NoError(t, err)
	assert.Contains(t, out, `"minLength": 12,`)
}

func TestPolicyValidateMalformed(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"unknown nested field", `{"id":"x","score":{"tiers":[{"from":1,"points":4},{"from":2,"points":2},{"from":9,"pointz":1}]}}`, "score.tiers[2].pointz: unknown field\n"},
		{"wrong type", `{"id":"x","minLength":"16"}`, "minLength: want an integer, got a string\n"},
		{"duplicate key", `{"id":"x","id":"y"}`, "syntax error at line 1, column 11: duplicate key \"id\"\n"},
		{"trailing data", `{"id":"x"} {}`, "syntax error at line 1, column 12: unexpected data after the JSON value\n"},
		// By line and column, as an editor shows them (it said "at byte 36").
		{"a bare word on line 4", "{\n  \"id\": \"x\",\n  \"minLength\": 16,\n  oops\n}\n", "syntax error at line 4, column 3: want a string key\n"},
		{"after a letter of two bytes", "{\"name\": \"Tromsø\",\n \"ø\" 1}", "syntax error at line 2, column 6: want ':' after an object key\n"},
		// Said as such (it was "syntax error at byte 0: unexpected end of
		// input", and ": want an object" with no field named).
		{"empty file", "\n", "the file is empty; want a JSON object, {…}\n"},
		{"an array", "[1]", "(document): want an object, got an array\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "p.json")
			require.NoError(t, os.WriteFile(file, []byte(tt.doc), 0o600))
			out, errOut, err := runCLI(t, "", "policy", "validate", file)
			require.ErrorIs(t, err, errReported)
			assert.Equal(t, tt.want, out)
			assert.Contains(t, errOut, "not a well-formed policy")

			_, _, err = runCLI(t, "", "check", "--policy", file)
			assert.ErrorIs(t, err, policy.ErrMalformed)
		})
	}
}

func TestWriteBreakdownHidesPassword(t *testing.T) {
	secret := "Granskog!Lirype-Vadmel9"
	r := policy.Evaluate(policy.Default(), policy.Input{Password: secret, Lang: "en"})
	var b bytes.Buffer
	writeBreakdown(&b, policy.Default(), r, "en")
	assert.NotContains(t, b.String(), secret)
	assert.NotContains(t, b.String(), "Fjell")
	assert.Contains(t, b.String(), "score ")
	assert.Equal(t, len(r.Chars)+6, strings.Count(b.String(), "\n"))
}

type countingWriter struct{ lines int }

func (w *countingWriter) Write(p []byte) (int, error) {
	w.lines += bytes.Count(p, []byte("\n"))
	return len(p), nil
}

func BenchmarkCheck(b *testing.B) {
	var in bytes.Buffer
	for i := 0; i < 1000; i++ {
		in.WriteString(`{"password":"Granskog!Lirype-Vadmel` + strconv.Itoa(i) + `","username":"olan","name":"Ola Nordmann"}` + "\n")
	}
	data := in.Bytes()
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		var out countingWriter
		if err := checkStream(context.Background(), policy.Default(), "nb", bytes.NewReader(data), &out, &bytes.Buffer{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*1000)/b.Elapsed().Seconds(), "lines/s")
}

// ioPipe is io.Pipe, named so the streaming test reads as what it does.
func ioPipe() (*io.PipeReader, *io.PipeWriter) { return io.Pipe() }

// TestCheckAnswersEachLineBeforeTheNext: check streams: each result is
// written as soon as its line is read, before the next line exists, so
// nothing waits for (or holds) the whole input.
func TestCheckAnswersEachLineBeforeTheNext(t *testing.T) {
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	done := make(chan error, 1)
	go func() {
		err := run(context.Background(), []string{"check"}, func(string) string { return "" }, inR, outW, io.Discard)
		outW.Close()
		done <- err
	}()
	results := bufio.NewReader(outR)
	for i := range 3 {
		_, err := io.WriteString(inW, `"line-`+strconv.Itoa(i)+`-Fjellvann-Morgen"`+"\n")
		require.NoError(t, err)
		line, err := results.ReadBytes('\n')
		require.NoError(t, err, "result for line %d", i+1)
		var r map[string]any
		require.NoError(t, json.Unmarshal(line, &r), "result for line %d", i+1)
		assert.Contains(t, r, "score")
	}
	require.NoError(t, inW.Close())
	_, err := results.ReadBytes('\n')
	assert.ErrorIs(t, err, io.EOF)
	require.NoError(t, <-done)
}

// TestCheckRefusesOddFields: a birth date not written YYYY-MM-DD, or a
// phone number with letters, is an error of its line that names the field,
// as /api/validate answers it; both were ignored, so the birthdate and
// phone rules were silently skipped ("24.07.1985"). A byte-order mark
// before the first line (a file saved by Excel or Notepad) is no error.
func TestCheckRefusesOddFields(t *testing.T) {
	secret := "Fjordhest#24071985!"
	in := strings.Join([]string{
		`{"password": "` + secret + `", "birthDate": "24.07.1985"}`,
		`{"password": "` + secret + `", "birthDate": "1985-02-30"}`,
		`{"password": "` + secret + `", "phone": "abc"}`,
		`{"password": "` + secret + `", "birthDate": "1985-07-24", "phone": "+47 912 34 567"}`,
	}, "\n")
	out, errOut, err := runCLI(t, "\uFEFF"+in, "check")
	require.Error(t, err)
	assert.True(t, errors.Is(err, errReported))
	assert.Equal(t, 1, strings.Count(out, "\n"), "the good line's result: %s", errOut)
	assert.Contains(t, errOut, "line 1: birthDate")
	assert.Contains(t, errOut, "line 2: birthDate")
	assert.Contains(t, errOut, "line 3: phone")
	assert.NotContains(t, errOut, "line 4")
	assert.NotContains(t, errOut, secret)
	assert.NotContains(t, errOut, "1985")
	assert.Contains(t, out, `"birthdate"`, "the good line's birth date is judged")

	out, errOut, err = runCLI(t, "\uFEFF\"ok-line-one-aaaaaaa\"\n", "check")
	require.NoError(t, err, errOut)
	assert.Equal(t, 1, strings.Count(out, "\n"))
}

// TestPolicyFileWithBOM: a policy file saved with a byte-order mark (Windows
// Notepad's UTF-8) is read as without one, by validate and by check
// --policy; it was "unexpected character U+FEFF".
func TestPolicyFileWithBOM(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bom.json")
	require.NoError(t, os.WriteFile(path, []byte("\uFEFF{\"id\":\"bom\",\"minLength\":20}\n"), 0o600))
	out, errOut, err := runCLI(t, "", "policy", "validate", path)
	require.NoError(t, err, errOut)
	assert.Equal(t, "ok\n", out)
	out, errOut, err = runCLI(t, `"kort"`+"\n", "check", "--policy", path)
	require.NoError(t, err, errOut)
	assert.Contains(t, out, `"min":20`)
}

// TestWriteBreakdownInItsLanguage: the breakdown's own words are in the
// language of its messages (they were English around Norwegian messages).
func TestWriteBreakdownInItsLanguage(t *testing.T) {
	for lang, want := range map[string][]string{
		"nb": {"Regelsett default", "poeng", "samme som tegnet før", "IKKE GODKJENT"},
		"nn": {"Regelsett default", "poeng", "same som teiknet før", "IKKJE GODKJENT"},
		"en": {"Policy default", "points", "same as the character before", "NOT OK"},
	} {
		r := policy.Evaluate(policy.Default(), policy.Input{Password: "aab", Lang: lang})
		var b bytes.Buffer
		writeBreakdown(&b, policy.Default(), r, lang)
		for _, w := range want {
			assert.Contains(t, b.String(), w, lang)
		}
	}
}

// TestHelpEverywhere: -h (and --help, help) after any command or command
// group prints its usage and exits 0, as `activation -h` and `serve -h`
// did; `check -h` exited 2, `policy -h` called -h an unknown subcommand,
// and `account -h` and `directory -h` exited 2.
func TestHelpEverywhere(t *testing.T) {
	for _, args := range [][]string{
		{"-h"}, {"check", "-h"}, {"policy", "-h"}, {"policy", "help"}, {"account", "-h"}, {"account", "--help"},
		{"directory", "-h"}, {"directory", "help"}, {"activation", "-h"}, {"audit", "-h"}, {"serve", "-h"},
		{"account", "import", "-h"}, {"directory", "check", "-h"}, {"directory", "remind", "-h"},
	} {
		stdout, stderr, err := runCLI(t, "", args...)
		assert.NoError(t, err, "%v", args)
		assert.Contains(t, strings.ToLower(stdout+stderr), "usage", "%v", args)
	}
}

// TestUnknownFlagIsOneLine: a mistyped flag is said in one line that names
// it and how to list the flags (exit 2); the whole usage (some 60 flags for
// serve) buried it. -h still prints every flag.
func TestUnknownFlagIsOneLine(t *testing.T) {
	for _, args := range [][]string{{"serve", "--nosuch"}, {"audit", "--nosuch"}, {"activation", "create", "--nosuch"},
		{"account", "import", "--nosuch", "x.csv"}, {"check", "--nosuch"}, {"directory", "check", "--nosuch"}} {
		stdout, stderr, err := runCLI(t, "", args...)
		assert.ErrorIs(t, err, errUsage, "%v", args)
		out := strings.TrimSpace(stdout + stderr)
		assert.NotContains(t, out, "\n", "%v: one line: %s", args, out)
		assert.Contains(t, out, "-nosuch", "%v", args)
		assert.Contains(t, out, " -h", "%v", args)
	}
	_, stderr, err := runCLI(t, "", "serve", "-h")
	assert.NoError(t, err)
	assert.Contains(t, stderr, "-admin-key", "-h lists the flags")
}

// TestAuditOlderThanWithoutPrune: --older-than is prune's; the list says
// so by name.
func TestAuditOlderThanWithoutPrune(t *testing.T) {
	for _, args := range [][]string{{"audit", "--older-than", "400d"}, {"audit", "list", "-older-than=400d"}} {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), args, func(string) string { return "" }, nil, &stdout, &stderr)
		require.ErrorIs(t, err, errUsage)
		assert.Contains(t, stderr.String(), "--older-than is for audit prune; to list, use --until")
	}
}

// TestSubcommandHelp: -h after a subcommand, or help before it, prints
// that command's usage and exits 0. `policy show -h` said `policy "-h": neither an institution
// nor a file`, and `audit prune -h` listed the list's filters, which prune
// does not take.
func TestSubcommandHelp(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    []string
		notWant []string
	}{
		{[]string{"policy", "show", "-h"}, []string{"usage: styrke policy", "show ID|FILE", "canonical JSON"}, nil},
		{[]string{"policy", "validate", "--help"}, []string{"validate FILE", "every problem"}, nil},
		{[]string{"policy", "list", "-h"}, []string{"list "}, nil},
		{[]string{"audit", "prune", "-h"}, []string{"usage: styrke audit prune --older-than", "-older-than", "-db"}, []string{"-username", "-event", "-since"}},
		{[]string{"audit", "-h"}, []string{"usage: styrke audit [list]", "-username", "-since"}, []string{"-older-than"}},
		// "styrke help COMMAND" is "styrke COMMAND -h", as git's and go's
		// help are; it printed the list of commands again.
		{[]string{"help", "activation"}, []string{"usage: styrke activation <command>", "welcome  --username"}, []string{"serve the site"}},
		{[]string{"help", "activation", "import"}, []string{"-csv", "-reissue"}, []string{"serve the site"}},
		{[]string{"--help", "audit", "prune"}, []string{"usage: styrke audit prune --older-than"}, []string{"serve the site"}},
		{[]string{"help", "help"}, []string{"usage: styrke <command>", "serve the site"}, nil},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			err := run(context.Background(), tc.args, func(string) string { return "" }, nil, &stdout, &stderr)
			require.NoError(t, err, "stderr: %s", stderr.String())
			assert.NotContains(t, stdout.String()+stderr.String(), "neither an institution")
			out := stdout.String() + stderr.String()
			for _, w := range tc.want {
				assert.Contains(t, out, w)
			}
			for _, w := range tc.notWant {
				assert.NotContains(t, out, w)
			}
		})
	}
}
