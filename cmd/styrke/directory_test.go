package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/internal/syncbuf"
	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
	"github.com/styrke-iam/styrke/server/notify/smtptest"
	"github.com/styrke-iam/styrke/server/notify/twiliotest"
)

// TestDirectoryCommands runs `styrke directory check` against a real Samba
// AD (complexity on, 10 characters, 5 remembered: the default policy's
// lower-case passphrases conflict, exit status 1) and a real slapd (12
// characters: only uio's 8 conflict), and `styrke directory remind` against
// both (testDirectoryRemind): one Samba for the package's directory tests.
func TestDirectoryCommands(t *testing.T) {
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
	t.Run("samba ad, serve's start", func(t *testing.T) {
		// serve says a conflict of an institution it serves in its log at
		// start, as it says a missing right: it said nothing, and people
		// learnt of AD's complexity rule when the directory refused
		// passwords the page had accepted. Of one it does not serve,
		// nothing.
		_, err := ad.CreateUser("conflict"+time.Now().Format("150405"), "Initial!Passw0rd-2026")
		require.NoError(t, err)
		flags, err := ad.Flags(t.TempDir())
		require.NoError(t, err)
		serr, _ := serveUntil(t, append(flags, "--institutions", "uit"), "MISSING RIGHT", "may reset the password of")
		assert.Eventually(t, func() bool { return strings.Contains(serr.String(), "CONFLICT") }, 20*time.Second, 20*time.Millisecond, "no CONFLICT")
		assert.Contains(t, serr.String(), `msg="directory: CONFLICT for uit: the directory enforces AD's complexity rule`)
		assert.Contains(t, serr.String(), "styrke directory check")
		assert.Equal(t, 1, strings.Count(serr.String(), "CONFLICT"), "uit's alone: %s", serr.String())
		assert.NotContains(t, serr.String(), ad.ServicePassword)
	})
	t.Run("slapd", func(t *testing.T) {
		// slapd asks for 12 characters: uio's policy allows 8, but no
		// password under 13 reaches its threshold, so this is a note.
		_, err := ol.CreateUser("rights"+time.Now().Format("150405"), "Initial!Passw0rd-2026")
		require.NoError(t, err)
		out, err := check(t, ol)
		require.NoError(t, err, out)
		assert.Contains(t, out, "uio: note: the directory requires at least 12 characters and the policy's minLength is 8, but no password shorter than 13 characters")
		assert.NotContains(t, out, "CONFLICT")
		out, err = check(t, ol, "--institution", "default")
		require.NoError(t, err, out)
		assert.NotContains(t, out, "CONFLICT")
		assert.Contains(t, out, "default: note: ppolicy's pwdCheckQuality is 2")
		assert.Contains(t, out, "default: note: the service account "+strconv.Quote(ol.ServiceDN)+" may write userPassword of and read pwdAccountLockedTime on ")
		// Under ou=others it may write no password: said, with the
		// olcAccess clause to add, and exit status 1.
		dn, err := ol.CreateUserOutside("others"+time.Now().Format("150405"), "Initial!Passw0rd-2026")
		require.NoError(t, err)
		out, err = check(t, ol, "--institution", "default", "--directory-base", "ou=others,"+ol.BaseDN)
		assert.Equal(t, 1, exitCode(err, &bytes.Buffer{}), out)
		assert.Contains(t, out, "default: MISSING RIGHT: the service account "+strconv.Quote(ol.ServiceDN)+" may not write userPassword of "+dn)
		assert.Contains(t, out, "1 missing right(s)")
	})
	t.Run("samba ad, a service account short of rights", func(t *testing.T) { testDirectoryRights(t, ad) })
	for _, s := range []*dirtest.Server{ad, ol} {
		t.Run("policies of accounts' own "+string(s.Kind), func(t *testing.T) { testAccountPolicies(t, s) })
	}
	for _, s := range []*dirtest.Server{ad, ol} {
		t.Run("remind "+string(s.Kind), func(t *testing.T) { testDirectoryRemind(t, s) })
	}
}

// testDirectoryRights runs `styrke directory check` and `styrke serve` on
// Samba AD as service accounts short of the rights Styrke needs on the
// accounts under the base (found only when the first person set a
// password, 503 directory_error): each says which right the account lacks,
// on which account it was read, and the ACE to grant on the base; the
// harness's service account, which has both, hears of none.
func testDirectoryRights(t *testing.T, ad *dirtest.Server) {
	_, err := ad.CreateUser("rights"+time.Now().Format("150405"), "Initial!Passw0rd-2026")
	require.NoError(t, err)
	rows := []struct {
		name    string
		aces    []string
		missing []string // the rights said to be missing
	}{
		{"reset password only", []string{dirtest.ResetPasswordACE}, []string{"Write lockoutTime"}},
		{"read only", nil, []string{"Reset password", "Write lockoutTime"}},
		{"both", []string{dirtest.ResetPasswordACE, dirtest.WriteLockoutTimeACE}, nil},
	}
	for i, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			dn, password, sid, err := ad.CreateServiceAccount(fmt.Sprintf("svc%s%d", time.Now().Format("150405"), i), row.aces...)
			require.NoError(t, err)
			dir := t.TempDir()
			flags, err := ad.Flags(dir)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "directory-password"), []byte(password+"\n"), 0o600))
			for j := range flags {
				if flags[j] == "--directory-bind-dn" {
					flags[j+1] = dn
				}
			}
			var stdout, stderr bytes.Buffer
			err = run(context.Background(), append(append([]string{"directory", "check"}, flags...), "--institution", "default"),
				func(string) string { return "" }, nil, &stdout, &stderr)
			out := stdout.String()
			assert.NotContains(t, out+stderr.String(), password)
			assert.Equal(t, 1, exitCode(err, &bytes.Buffer{}), "stdout %s stderr %s", out, stderr.String())
			for _, right := range []string{"Reset password", "Write lockoutTime"} {
				line := "default: MISSING RIGHT: the service account " + strconv.Quote(dn) + " may not " +
					map[string]string{"Reset password": "reset the password of", "Write lockoutTime": "write lockoutTime of"}[right]
				if !slices.Contains(row.missing, right) {
					assert.NotContains(t, out, line, "%s: %s is not missing", row.name, right)
					continue
				}
				assert.Contains(t, out, line, "%s: %s is missing", row.name, right)
				ace := map[string]string{"Reset password": dirtest.ResetPasswordACE, "Write lockoutTime": dirtest.WriteLockoutTimeACE}[right]
				assert.Contains(t, out, "--objectdn='"+ad.PeopleDN+"' --sddl='"+fmt.Sprintf(ace, sid)+"'", "the ACE to grant")
			}
			if len(row.missing) > 0 {
				assert.Contains(t, out, fmt.Sprintf("%d missing right(s)", len(row.missing)))
			} else {
				assert.NotContains(t, out, "MISSING RIGHT")
				assert.Contains(t, out, "default: note: the service account "+strconv.Quote(dn)+" may reset the password of and write lockoutTime on ")
			}

			// serve says it at start, in the log.
			env := map[string]string{"STYRKE_DATA": t.TempDir(), "STYRKE_ADDR": "127.0.0.1:0"}
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			var sout, serr syncbuf.Buffer
			done := make(chan error, 1)
			go func() { done <- runServe(ctx, flags, func(k string) string { return env[k] }, &sout, &serr) }()
			want := "may reset the password of and write lockoutTime on "
			if len(row.missing) > 0 {
				want = "may not " + map[bool]string{true: "reset the password", false: "write lockoutTime"}[slices.Contains(row.missing, "Reset password")]
			}
			var ended atomic.Bool
			go func() { err := <-done; ended.Store(true); done <- err }()
			require.Eventually(t, func() bool { return ended.Load() || strings.Contains(serr.String(), want) }, 20*time.Second, 20*time.Millisecond,
				"stdout %s stderr %s", sout.String(), serr.String())
			require.False(t, ended.Load(), "serve ended: stdout %s stderr %s", sout.String(), serr.String())
			assert.Equal(t, len(row.missing), strings.Count(serr.String(), "MISSING RIGHT"), serr.String())
			cancel()
			<-done
			assert.NotContains(t, sout.String()+serr.String(), password)
		})
	}
}

// serveUntil starts `styrke serve` with args (a store of its own, a free
// port) for the rest of the test and returns its stderr (its log) and
// stdout once the log holds one of wants.
func serveUntil(t *testing.T, args []string, wants ...string) (logs, stdout *syncbuf.Buffer) {
	t.Helper()
	env := map[string]string{"STYRKE_DATA": t.TempDir(), "STYRKE_ADDR": "127.0.0.1:0"}
	ctx, cancel := context.WithCancel(t.Context())
	var sout, serr syncbuf.Buffer
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, args, func(k string) string { return env[k] }, &sout, &serr) }()
	t.Cleanup(func() { cancel(); <-done })
	var ended atomic.Bool
	go func() { err := <-done; ended.Store(true); done <- err }()
	require.Eventually(t, func() bool {
		return ended.Load() || slices.ContainsFunc(wants, func(w string) bool { return strings.Contains(serr.String(), w) })
	}, 20*time.Second, 20*time.Millisecond, "stdout %s stderr %s", sout.String(), serr.String())
	require.False(t, ended.Load(), "serve ended: stdout %s stderr %s", sout.String(), serr.String())
	return &serr, &sout
}

// testDirectoryRemind runs `styrke directory remind` against s: a dry run
// lists and sends nothing; a run reminds by e-mail (a real SMTP server)
// and SMS (the Twilio fake) the account whose password expires within the
// window, with the change page and the day, and names the one with
// nowhere to send it; the next run sends nothing again; a reminder that
// reached nobody (the SMTP server down, no number) fails the run with exit
// status 1 and is sent by the next one.
func testDirectoryRemind(t *testing.T, s *dirtest.Server) {
	smtp := smtptest.Start(t, smtptest.Options{Mode: smtptest.Implicit, User: "styrke", Password: "smtp-pass-77aa"})
	sms := twiliotest.New(t)
	env := map[string]string{"STYRKE_DATA": dataWithStore(t), "STYRKE_SMTP_URL": smtp.URL(), "STYRKE_SMTP_CA_FILE": smtp.CAFile,
		"STYRKE_MAIL_FROM": "it@utfjord.example", "STYRKE_BASE_URL": "https://styrke.example",
		"STYRKE_TWILIO_URL": sms.URL(), "STYRKE_TWILIO_ACCOUNT_SID": twiliotest.AccountSID, "STYRKE_TWILIO_SECRET": twiliotest.AuthToken,
		"STYRKE_TWILIO_FROM": twiliotest.From}
	flags, err := s.Flags(t.TempDir())
	require.NoError(t, err)
	flags = append(flags, "--directory-phone-attribute", "mobile", "--directory-name-attribute", "displayName")
	var all bytes.Buffer
	cli := func(args ...string) ([]server.Reminder, string, error) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append(append([]string{"directory", "remind"}, flags...), args...),
			func(k string) string { return env[k] }, nil, &stdout, &stderr)
		all.Write(stdout.Bytes())
		all.Write(stderr.Bytes())
		var out []server.Reminder
		for _, line := range strings.Split(strings.TrimSpace(stdout.String()), "\n") {
			if line == "" {
				continue
			}
			var r server.Reminder
			require.NoError(t, json.Unmarshal([]byte(line), &r), line)
			out = append(out, r)
		}
		return out, stderr.String(), err
	}
	mine := map[string]bool{}
	create := func(maxAge time.Duration, attrs map[string]string) string {
		user := fmt.Sprintf("rem%s%d", time.Now().Format("150405"), len(mine))
		mine[user] = true
		dn, err := s.CreateUser(user, "Initial!Passw0rd-2026")
		require.NoError(t, err)
		if maxAge > 0 {
			require.NoError(t, s.ExpireAfter(dn, "Initial!Passw0rd-2026", maxAge))
		}
		if attrs != nil {
			require.NoError(t, s.SetAttributes(dn, attrs))
		}
		return user
	}
	kari := create(20*24*time.Hour, map[string]string{"mail": "kari@example.org", "mobile": "+47 912 34 567", "displayName": "Kari Nordmann"})
	nowhere := create(20*24*time.Hour, nil)
	later := create(60*24*time.Hour, map[string]string{"mail": "later@example.org", "preferredLanguage": "en-GB"})
	create(0, map[string]string{"mail": "never@example.org"}) // never expires
	byUser := func(rs []server.Reminder) map[string]server.Reminder {
		m := map[string]server.Reminder{}
		for _, r := range rs {
			if mine[r.Username] {
				m[r.Username] = r
			}
		}
		return m
	}

	out, stderr, err := cli("--within", "30d", "--dry-run")
	require.NoError(t, err, stderr)
	got := byUser(out)
	assert.Equal(t, map[string]string{kari: server.RemindWouldSend, nowhere: server.RemindNoAddress},
		map[string]string{kari: got[kari].State, nowhere: got[nowhere].State}, "%v", out)
	assert.Len(t, got, 2, "later and the one that never expires are not within 30 days")
	assert.WithinDuration(t, time.Now().Add(20*24*time.Hour), got[kari].Expires, time.Minute)
	assert.Contains(t, stderr, "(dry run)")
	assert.Empty(t, smtp.Messages(t), "a dry run sends nothing")
	assert.Empty(t, sms.Messages())

	out, stderr, err = cli("--within", "30d")
	require.NoError(t, err, stderr)
	got = byUser(out)
	assert.Equal(t, server.RemindSent, got[kari].State)
	assert.Len(t, got[kari].Deliveries, 2, "e-mail and SMS")
	msgs := smtp.Messages(t)
	require.Len(t, msgs, 1)
	assert.Equal(t, "<kari@example.org>", msgs[0].Header.Get("To"))
	subject, err := new(mime.WordDecoder).DecodeHeader(msgs[0].Header.Get("Subject"))
	require.NoError(t, err)
	assert.Contains(t, subject, "går ut")
	assert.Contains(t, msgs[0].Text, "Hei Kari Nordmann")
	assert.Contains(t, msgs[0].Text, "https://styrke.example/endre/")
	assert.Contains(t, msgs[0].Text, kari)
	assert.Contains(t, msgs[0].HTML, `href="https://styrke.example/endre/"`)
	texts := sms.Messages()
	require.Len(t, texts, 1)
	assert.Equal(t, "+4791234567", texts[0].To)
	assert.Contains(t, texts[0].Body, "https://styrke.example/endre/")
	assert.Contains(t, stderr, "1 without an address")

	out, stderr, err = cli("--within", "30d")
	require.NoError(t, err, stderr)
	assert.Equal(t, server.RemindEarlier, byUser(out)[kari].State, "the next day's run")
	assert.Len(t, smtp.Messages(t), 1, "sent once")
	out, stderr, err = cli("--within", "30d", "--dry-run")
	require.NoError(t, err, stderr)
	assert.Equal(t, server.RemindEarlier, byUser(out)[kari].State, "a dry run sees the earlier run's reminder")

	// A window of 70 days reminds later too, and kari again (a second job,
	// nearer or further from the day, is a reminder of its own).
	smtp.Down()
	out, stderr, err = cli("--within", "70d")
	require.ErrorIs(t, err, errReported, "a reminder reached nobody: %s", stderr)
	got = byUser(out)
	assert.Equal(t, server.RemindFailed, got[later].State)
	assert.Equal(t, server.RemindSent, got[kari].State, "the SMS went")
	assert.Contains(t, stderr, "failed")
	smtp.Up(t)
	out, stderr, err = cli("--within", "70d")
	require.NoError(t, err, stderr)
	got = byUser(out)
	assert.Equal(t, server.RemindSent, got[later].State, "tried again")
	assert.Equal(t, server.RemindEarlier, got[kari].State)
	msgs = smtp.Messages(t)
	last := msgs[len(msgs)-1]
	assert.Equal(t, "<later@example.org>", last.Header.Get("To"))
	assert.Contains(t, last.Text, "https://styrke.example/en/change/", "in the account's preferredLanguage")
	assert.Contains(t, last.Text, "expires")

	// Both windows at once: each account falls in the smallest window its
	// expiry is in, whose reminder went already.
	out, stderr, err = cli("--within", "70d,30d")
	require.NoError(t, err, stderr)
	got = byUser(out)
	assert.Equal(t, []any{server.RemindEarlier, 30, server.RemindEarlier, 70},
		[]any{got[kari].State, got[kari].Window, got[later].State, got[later].Window})

	// styrke serve --remind-within does the same at start and then every
	// --remind-every, against the same store: only the new account's
	// reminder goes.
	create(10*24*time.Hour, map[string]string{"mail": "served@example.org"})
	before := len(smtp.Messages(t))
	ctx, cancel := context.WithCancel(context.Background())
	var sout, serr syncbuf.Buffer
	done := make(chan error, 1)
	serveEnv := map[string]string{"STYRKE_ADDR": "127.0.0.1:0"}
	for k, v := range env {
		serveEnv[k] = v
	}
	go func() {
		done <- runServe(ctx, append(append([]string{}, flags...), "--remind-within", "30d,70d", "--remind-every", "1h"),
			func(k string) string { return serveEnv[k] }, &sout, &serr)
	}()
	// The run's summary line is logged after its reminders went.
	require.Eventually(t, func() bool { return strings.Contains(serr.String(), "msg=\"expiry reminders\"") }, 20*time.Second, 50*time.Millisecond,
		"stdout %s stderr %s", sout.String(), serr.String())
	cancel()
	require.NoError(t, <-done)
	msgs = smtp.Messages(t)
	require.Len(t, msgs, before+1, "only the new account's")
	assert.Equal(t, "<served@example.org>", msgs[len(msgs)-1].Header.Get("To"))
	assert.Contains(t, sout.String(), "expiry reminders: within 30d,70d, every 1h0m0s, for default")
	assert.Contains(t, serr.String(), "sent=1")
	all.WriteString(sout.String() + serr.String())

	audit := func(args ...string) string {
		var stdout bytes.Buffer
		require.NoError(t, run(context.Background(), append([]string{"audit"}, args...), func(k string) string { return env[k] }, nil, &stdout, &bytes.Buffer{}))
		return stdout.String()
	}
	assert.Contains(t, audit("--username", kari, "--event", "delivered"), "email expiry reminder")
	assert.Contains(t, audit("--username", later, "--event", "delivery_failed"), "email expiry reminder")
	assert.NotContains(t, all.String(), s.ServicePassword)
	assert.NotContains(t, all.String(), "smtp-pass-77aa")
	assert.NotContains(t, all.String(), twiliotest.AuthToken)
}

// TestDirectoryCheckUsage: directory check exits 0 when every directory
// agrees with its policy, 1 when one conflicts (TestDirectoryCommands) and
// 2 when it could not check, so that a monitoring script tells "conflict"
// from "not checked"; before, both were 1.
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
		{"plain ldap", []string{"directory", "check", "--directory", "ldap://dc.example.org"}, "in clear", 2},
		{"a directory that does not answer", []string{"directory", "check", "--directory", "ldaps://127.0.0.1:1",
			"--directory-bind-dn", "cn=svc,dc=example,dc=org", "--directory-base", "dc=example,dc=org", "--directory-password-file", pw}, "could not check", 2},
		{"a date-of-birth attribute that is no attribute name", []string{"directory", "check", "--directory", "ad://dc.example.org",
			"--directory-bind-dn", "CN=svc,DC=example,DC=org", "--directory-base", "DC=example,DC=org", "--directory-password-file", pw,
			"--directory-birthdate-attribute", "fødselsdato"}, "--directory-birthdate-attribute", 2},
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
		{"minimum age (AD: the person's change)", directory.Settings{MinAge: 24 * time.Hour}, false,
			"a person's own change within it of the password's last setting is refused"},
		{"minimum age (OpenLDAP: sets too)", directory.Settings{MinAge: time.Hour, MinAgeOnSets: true}, true,
			"an activation or a reset within 1 hour of the password's last setting (an account created with an initial password, or a password changed yesterday) is refused"},
		{"safe modify (OpenLDAP)", directory.Settings{SafeModify: true}, true,
			"it requires the old password with every set, which an activation or a reset does not have, so every one fails"},
		{"must change (OpenLDAP)", directory.Settings{MustChange: true}, true,
			"every activation and reset makes the person change the password they just chose at their next login"},
		{"maximum age", directory.Settings{MaxAge: 42 * 24 * time.Hour}, false, "passwords expire after 42 days: expiry reminders"},
		{"lockout in a window", directory.Settings{LockoutThreshold: 5, LockoutWindow: 30 * time.Minute}, false,
			"locks an account after 5 wrong passwords in 30 minutes: the change page stops 2 before"},
		{"lockout until a login", directory.Settings{LockoutThreshold: 10}, false,
			"locks an account after 10 wrong passwords without a successful login between them: the change page stops 2 before (it tries no current password while the directory counts 8 or more"},
		{"lockout at the first", directory.Settings{LockoutThreshold: 1, LockoutWindow: 90 * time.Second}, false,
			"after 1 wrong password in 90 seconds: the change page cannot stop before it"},
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

// TestComplexityConflictNamesThePolicysKinds: the complexity conflict says
// what the policy requires, not that it accepts "lower-case letters and
// spaces" of a policy that refuses spaces and requires a digit (utfjord),
// and what to require instead. A policy's special characters are no kind
// AD counts (they hold the space): a policy requiring upper, lower and
// special accepts "Fjellbekk lyngmo kvitveis dragsug", which AD refuses, and was
// said to be no conflict.
func TestComplexityConflictNamesThePolicysKinds(t *testing.T) {
	for _, tc := range []struct{ id, says string }{
		{"default", "requires no kind of character AD counts (it accepts a passphrase of lower-case letters alone)"},
		{"utfjord", "requires only one kind AD counts (digits)"},
		{"upper, lower, special", "requires only two kinds AD counts (upper-case letters and lower-case letters; its required special characters may be a space or a symbol such as €, which AD counts as none)"},
	} {
		p, err := policy.Lookup(tc.id)
		if tc.id == "upper, lower, special" {
			p, err = policy.Lookup("default")
			p.RequiredClasses = map[string]int{policy.Upper: 1, policy.Lower: 1, policy.Special: 1}
		}
		require.NoError(t, err)
		got := directory.Conflicts(p, directory.Settings{Complexity: true})
		require.Len(t, got, 1)
		assert.True(t, got[0].Conflict, tc.id)
		assert.Contains(t, got[0].Text, tc.says, tc.id)
		assert.Contains(t, got[0].Text, "requiredClasses name upper, lower and digit (its special characters do not count: they include the space)", tc.id)
		if tc.id == "utfjord" {
			assert.NotContains(t, got[0].Text, "spaces")
		}
	}
}

// TestConflictsCountTheScore: a directory minimum above the policy's
// minLength is no conflict when no password that short reaches the
// policy's score threshold (uio: minLength 8, threshold 33, reached at 13
// characters at the least): "passwords of 8 to 9 characters pass Styrke"
// was false. Above that length it is, naming the length that passes.
func TestConflictsCountTheScore(t *testing.T) {
	p, err := policy.Lookup("uio")
	require.NoError(t, err)
	got := directory.Conflicts(p, directory.Settings{MinLength: 10})
	require.Len(t, got, 1)
	assert.False(t, got[0].Conflict, "%s", got[0].Text)
	assert.Contains(t, got[0].Text, "13")
	got = directory.Conflicts(p, directory.Settings{MinLength: 14})
	require.Len(t, got, 1)
	assert.True(t, got[0].Conflict)
	assert.Contains(t, got[0].Text, "passwords of 13 characters")
}

// TestServeWarnsOfAnUnreachableDirectory: a directory that does not answer
// at start is said at once in the log, naming it (the server still starts,
// and /readyz names it unavailable until it answers); only /readyz told
// before.
func TestServeWarnsOfAnUnreachableDirectory(t *testing.T) {
	env := map[string]string{"STYRKE_DATA": t.TempDir(), "STYRKE_ADDR": "127.0.0.1:0",
		"STYRKE_DIRECTORY": "ldaps://127.0.0.1:1", "STYRKE_DIRECTORY_BIND_DN": "CN=svc,DC=example,DC=org",
		"STYRKE_DIRECTORY_PASSWORD": "not-shown-anywhere", "STYRKE_DIRECTORY_BASE": "DC=example,DC=org"}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stdout, stderr syncbuf.Buffer
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, nil, func(k string) string { return env[k] }, &stdout, &stderr) }()
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "directory not ready") }, 15*time.Second, 20*time.Millisecond,
		"stdout %s stderr %s", stdout.String(), stderr.String())
	assert.Contains(t, stderr.String(), "ldaps://127.0.0.1:1")
	cancel()
	<-done
	assert.NotContains(t, stdout.String()+stderr.String(), "not-shown-anywhere")
}

// TestServeWarnsOfNoServiceDesk: with e-mail on and no --service-desk, the
// start says that messages name no service desk to contact ("was it not
// you? contact the service desk at once", with no way to reach it); with
// one, it says nothing.
func TestServeWarnsOfNoServiceDesk(t *testing.T) {
	for _, desk := range []string{"", "Brukerstøtte: 22 84 00 00"} {
		env := map[string]string{"STYRKE_DATA": t.TempDir(), "STYRKE_ADDR": "127.0.0.1:0",
			"STYRKE_SMTP_URL": "smtp+plain://127.0.0.1:1", "STYRKE_MAIL_FROM": "it@example.org", "STYRKE_SERVICE_DESK": desk}
		ctx, cancel := context.WithCancel(t.Context())
		var stdout, stderr syncbuf.Buffer
		done := make(chan error, 1)
		go func() { done <- runServe(ctx, nil, func(k string) string { return env[k] }, &stdout, &stderr) }()
		require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "listening") }, 15*time.Second, 20*time.Millisecond,
			"stdout %s stderr %s", stdout.String(), stderr.String())
		cancel()
		<-done
		if desk == "" {
			assert.Contains(t, stderr.String(), "messages name no service desk")
		} else {
			assert.NotContains(t, stderr.String(), "messages name no service desk")
		}
	}
}

// TestDirectoryCheckServedOnly: directory check reads the institutions
// this installation serves (--institutions, STYRKE_INSTITUTIONS, as serve
// does), not every built-in one: with one served, each line was said for
// all four (found walking the desk's day against Samba AD). --institution
// names one of them, and one not served is refused by name.
func TestDirectoryCheckServedOnly(t *testing.T) {
	check := func(env map[string]string, args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append([]string{"directory", "check"}, args...), func(k string) string { return env[k] }, nil, &stdout, &stderr)
		return stdout.String() + stderr.String(), err
	}
	out, err := check(map[string]string{"STYRKE_INSTITUTIONS": "uit"})
	require.NoError(t, err, out)
	assert.Equal(t, "uit: no directory (passwords are kept in Styrke's own store only)\n", out)

	out, err = check(nil, "--institutions", "uit,default")
	require.NoError(t, err, out)
	assert.Equal(t, "default: no directory (passwords are kept in Styrke's own store only)\nuit: no directory (passwords are kept in Styrke's own store only)\n", out)

	out, err = check(map[string]string{"STYRKE_INSTITUTIONS": "uit"}, "--institution", "default")
	assert.ErrorIs(t, err, errUsage)
	assert.Contains(t, out, `--institution "default" is not among the institutions served (--institutions uit)`)
}

// TestServeWatchesServedDirectoriesOnly: serve reads at its start, and
// styrke_directory_up watches, only the directories of the institutions it
// serves (--institutions): a directory of --directory-map for an
// institution not served got a warning at start ("directory not ready at
// start; …", where /readyz leaves it out) and a gauge at 0 for ever. The
// warning says what /readyz says of it: the directory down, named as
// unavailable (it said "answers 503", which /readyz answers only for
// settings it refuses).
func TestServeWatchesServedDirectoriesOnly(t *testing.T) {
	dir := t.TempDir()
	pw := filepath.Join(dir, "pw")
	require.NoError(t, os.WriteFile(pw, []byte("not-shown-anywhere\n"), 0o600))
	mapping := filepath.Join(dir, "map.json")
	require.NoError(t, os.WriteFile(mapping, []byte(`{"uio": {"url": "ldaps://127.0.0.1:2", "bindDN": "cn=svc,dc=uio,dc=no",
		"base": "dc=uio,dc=no", "passwordFile": `+strconv.Quote(pw)+`}}`), 0o600))
	logs, stdout := serveUntil(t, []string{"--institutions", "uit", "--metrics-addr", "127.0.0.1:0",
		"--directory", "ldaps://127.0.0.1:1", "--directory-bind-dn", "cn=svc,dc=uit,dc=no", "--directory-base", "dc=uit,dc=no",
		"--directory-password-file", pw, "--directory-map", mapping}, "directory not ready at start")
	_, metrics, ok := strings.Cut(stdout.String(), "metrics on ")
	require.True(t, ok, "%s", stdout)
	metrics, _, _ = strings.Cut(metrics, "\n")
	res, err := http.Get(metrics)
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	assert.Contains(t, string(body), `styrke_directory_up{directory="ldaps://127.0.0.1:1"}`)
	assert.NotContains(t, string(body), "127.0.0.1:2", "uio's directory: uio is not served")
	assert.Contains(t, logs.String(), `msg="directory not ready at start; /readyz names it as unavailable until it answers" directory=ldaps://127.0.0.1:1`)
	assert.NotContains(t, logs.String(), "127.0.0.1:2", "uio's directory: uio is not served")
}

// testAccountPolicies: directory check holds each password policy of
// accounts' own that the service account may read (OpenLDAP's ppolicy
// entries besides the default, AD's fine-grained ones) to the policy, as it
// does the domain's: one asking 20 characters, where the default policy
// allows 16, is a CONFLICT naming it (an account under it was shown the
// domain's rules, and since 2026-12-06 the pages show its own: the
// institution must know). On AD the harness's service account may read no
// fine-grained policy, as by default: none is checked, and each is named
// as not checked (before, nothing was said, and an operator could not tell
// "none" from "not checked"); a service account granted read on them
// checks them.
func testAccountPolicies(t *testing.T, s *dirtest.Server) {
	dn, err := s.CreateUser("ownpol"+time.Now().Format("150405"), "Initial!Passw0rd-2026")
	require.NoError(t, err)
	attrs := map[string]string{"pwdMinLength": "20"}
	if s.Kind == dirtest.AD {
		attrs = map[string]string{"msDS-MinimumPasswordLength": "20", "msDS-PasswordComplexityEnabled": "FALSE"}
	}
	pso, err := s.AccountPolicy(dn, 0, 0, attrs)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, s.DeleteUser(pso)) })
	// A stricter policy of accounts Styrke does not serve (outside the
	// base: the administrators', say) is none of its business.
	outside, err := s.CreateUserOutside("ownout"+time.Now().Format("150405"), "Initial!Passw0rd-2026")
	require.NoError(t, err)
	strict := map[string]string{"pwdMinLength": "30"}
	if s.Kind == dirtest.AD {
		strict = map[string]string{"msDS-MinimumPasswordLength": "30", "msDS-PasswordSettingsPrecedence": "20"}
	}
	admins, err := s.AccountPolicy(outside, 0, 0, strict)
	require.NoError(t, err)
	t.Cleanup(func() { assert.NoError(t, s.DeleteUser(admins)) })
	dir := t.TempDir()
	flags, err := s.Flags(dir)
	require.NoError(t, err)
	check := func() (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), append(append([]string{"directory", "check"}, flags...), "--institution", "default"),
			func(string) string { return "" }, nil, &stdout, &stderr)
		return stdout.String(), err
	}
	line := "default: CONFLICT (the password policy " + pso + ", of the accounts it applies to): the directory requires at least 20 characters and the policy allows 16"
	if s.Kind == dirtest.AD {
		out, err := check()
		assert.Equal(t, 1, exitCode(err, &bytes.Buffer{}), "the domain's complexity: %s", out)
		assert.NotContains(t, out, "(the password policy", "one the service account may not read is not checked")
		// but said to be unchecked (the container lists it; only
		// administrators may read it): "agrees" would claim what the
		// check cannot know.
		for _, dn := range []string{pso, admins} {
			assert.Contains(t, out, "default: note: the service account may not read the password policy "+dn+", so it is not checked: ", "%s", out)
		}
		// One whose class and msDS-PSOAppliesTo it may read, but not its
		// rules: named where it applies to an account under the base, and
		// not where it applies to one outside (it was taken for an entry
		// of another class, and not named at all).
		// (Deleted before the checks below, which a granted service
		// account would make read them, also when this part fails.)
		func() {
			sid, err := s.SID(s.ServiceDN)
			require.NoError(t, err)
			partly := func(account string) string {
				dn, err := s.AccountPolicy(account, 0, 0, map[string]string{"msDS-MinimumPasswordLength": "22", "msDS-PasswordSettingsPrecedence": "40"})
				require.NoError(t, err)
				return dn
			}
			var made []string
			defer func() {
				for _, dn := range made {
					assert.NoError(t, s.DeleteUser(dn))
				}
			}()
			under := partly(dn)
			made = append(made, under)
			away := partly(outside)
			made = append(made, away)
			for _, pso := range made {
				for _, attr := range []string{"objectClass", "msDS-PSOAppliesTo"} {
					require.NoError(t, s.AddACE(pso, "(OA;;RP;"+schemaGUID(t, s, attr)+";;"+sid+")"))
				}
			}
			out, _ := check()
			assert.Contains(t, out, "default: note: the service account may not read the password policy "+under+", so it is not checked: ", "%s", out)
			assert.NotContains(t, out, away, "a policy of an account outside the base")
		}()
		svc, password, sid, err := s.CreateServiceAccount(fmt.Sprintf("svcown%s", time.Now().Format("150405")), dirtest.ResetPasswordACE, dirtest.WriteLockoutTimeACE)
		require.NoError(t, err)
		require.NoError(t, s.AddACE("CN=Password Settings Container,CN=System,"+s.BaseDN, "(A;CI;RPLCLORC;;;"+sid+")"))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "directory-password"), []byte(password+"\n"), 0o600))
		for j := range flags {
			if flags[j] == "--directory-bind-dn" {
				flags[j+1] = svc
			}
		}
	}
	out, err := check()
	assert.Equal(t, 1, exitCode(err, &bytes.Buffer{}), out)
	assert.Contains(t, out, line)
	assert.NotContains(t, out, "at least 30 characters", "the policy of accounts outside the base")
	assert.Equal(t, 1, strings.Count(out, "(the password policy "), "%s", out)
	assert.NotContains(t, out, "agrees with the policy")
	assert.NotContains(t, out, "may not read the password policy", "read once granted")
	if s.Kind == dirtest.OpenLDAP {
		// One it may see but not read is named as not checked where an
		// account under the base names it, and not where only one outside
		// does.
		under, err := s.CreateUser("ownhid"+time.Now().Format("150405"), "Initial!Passw0rd-2026")
		require.NoError(t, err)
		hidden, err := s.UnreadableAccountPolicy(under, strict)
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, s.DeleteUser(hidden)) })
		away, err := s.CreateUserOutside("ownhidout"+time.Now().Format("150405"), "Initial!Passw0rd-2026")
		require.NoError(t, err)
		hiddenAway, err := s.UnreadableAccountPolicy(away, strict)
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, s.DeleteUser(hiddenAway)) })
		out, err := check()
		assert.Equal(t, 1, exitCode(err, &bytes.Buffer{}), out)
		assert.Contains(t, out, "default: note: the service account may not read the password policy "+hidden+", so it is not checked: ")
		assert.NotContains(t, out, hiddenAway, "the policy of an account outside the base")
		assert.NotContains(t, out, "at least 30 characters", "what it asks is not known")
	}
	if s.Kind == dirtest.AD {
		// A policy that applies to a group an account under the base is
		// in (the group itself outside it) is theirs too.
		group := "CN=ownpolgroup" + time.Now().Format("150405") + ",CN=Users," + s.BaseDN
		c, err := s.Admin()
		require.NoError(t, err)
		add := ldap.NewAddRequest(group, nil)
		add.Attribute("objectClass", []string{"group"})
		add.Attribute("sAMAccountName", []string{"ownpolgroup" + time.Now().Format("150405")})
		add.Attribute("member", []string{dn})
		require.NoError(t, c.Add(add))
		c.Close()
		t.Cleanup(func() { assert.NoError(t, s.DeleteUser(group)) })
		viaGroup, err := s.AccountPolicy(group, 0, 0, map[string]string{"msDS-MinimumPasswordLength": "25", "msDS-PasswordSettingsPrecedence": "30"})
		require.NoError(t, err)
		t.Cleanup(func() { assert.NoError(t, s.DeleteUser(viaGroup)) })
		out, _ = check()
		assert.Contains(t, out, "default: CONFLICT (the password policy "+viaGroup+", of the accounts it applies to): the directory requires at least 25 characters", out)
	}
	// serve says it at its start too, as it says the domain's.
	serr, _ := serveUntil(t, append(slices.Clone(flags), "--institutions", "default"), "CONFLICT for default (the password policy")
	assert.Contains(t, serr.String(), `msg="directory: CONFLICT for default (the password policy `+pso+`, of the accounts it applies to): the directory requires at least 20 characters`)
	// A read of the rules past its time limit is said: serve's start
	// checks shared one limit, and the conflicts' check, last, found it
	// spent and said nothing.
	f := map[string]string{}
	for j := 0; j+1 < len(flags); j += 2 {
		f[flags[j]] = flags[j+1]
	}
	password, err := os.ReadFile(f["--directory-password-file"])
	require.NoError(t, err)
	d, err := directory.Open(directory.Config{URL: f["--directory"], BindDN: f["--directory-bind-dn"], Password: strings.TrimSpace(string(password)),
		Base: f["--directory-base"], CA: f["--directory-ca"]})
	require.NoError(t, err)
	defer d.Close()
	for _, c := range []struct {
		limit time.Duration
		want  string
	}{{time.Nanosecond, `msg="directory: could not read its password rules at start"`}, {time.Minute, "CONFLICT for default (the password policy " + pso}} {
		var logs syncbuf.Buffer
		warnConflicts(t.Context(), c.limit, slog.New(slog.NewTextHandler(&logs, nil)), &directory.Set{Default: d}, d, []string{"default"})
		assert.Contains(t, logs.String(), c.want, "within %s", c.limit)
	}
	// A read of the rights that fails (past its limit) is said, and the
	// conflicts are still checked: it ended serve's start checks there.
	var logs syncbuf.Buffer
	slow := rightsPastLimit{d.(*directory.LDAP)}
	checkAtStart(t.Context(), time.Minute, slog.New(slog.NewTextHandler(&logs, nil)), &directory.Set{Default: slow}, slow, []string{"default"})
	assert.Contains(t, logs.String(), `msg="directory: could not read the service account's rights at start"`)
	assert.Contains(t, logs.String(), "CONFLICT for default (the password policy "+pso)
}

// rightsPastLimit is a directory whose read of the service account's
// rights runs past its time limit, as a directory slow to list many
// accounts does; its other reads are the directory's.
type rightsPastLimit struct{ *directory.LDAP }

func (rightsPastLimit) Rights(context.Context) ([]directory.Finding, error) {
	return nil, context.DeadlineExceeded
}

// schemaGUID is the schemaIDGUID of the AD attribute attr, as SDDL writes
// it (its first three parts little-endian).
func schemaGUID(t *testing.T, s *dirtest.Server, attr string) string {
	t.Helper()
	c, err := s.Admin()
	require.NoError(t, err)
	defer c.Close()
	res, err := c.Search(ldap.NewSearchRequest("CN=Schema,CN=Configuration,"+s.BaseDN, ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 1, 0, false,
		"(lDAPDisplayName="+ldap.EscapeFilter(attr)+")", []string{"schemaIDGUID"}, nil))
	require.NoError(t, err)
	require.Len(t, res.Entries, 1)
	g := res.Entries[0].GetRawAttributeValue("schemaIDGUID")
	require.Len(t, g, 16)
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", binary.LittleEndian.Uint32(g), binary.LittleEndian.Uint16(g[4:]), binary.LittleEndian.Uint16(g[6:]), g[8:10], g[10:])
}
