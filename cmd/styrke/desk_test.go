package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/internal/syncbuf"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
	"github.com/styrke-iam/styrke/server/notify/smtptest"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/backend"
	"github.com/styrke-iam/styrke/server/store/sqlite"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

const (
	testDeskKey = "desk-key-0123456789abcdef0123456789"
	testPass    = "Kveldssol over Lyngen-fjorden 42!"
)

var metricsRE = regexp.MustCompile(`metrics on (http://\S+)`)

// instance is one running `styrke serve`.
type instance struct {
	base, metrics  string
	stdout, stderr *syncbuf.Buffer
	stop           func()
}

func startServe(t *testing.T, env map[string]string) *instance {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	in := &instance{stdout: &syncbuf.Buffer{}, stderr: &syncbuf.Buffer{}}
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, nil, func(k string) string { return env[k] }, in.stdout, in.stderr) }()
	var early error
	require.Eventually(t, func() bool {
		select {
		case early = <-done:
			return true
		default:
		}
		m := listenRE.FindStringSubmatch(in.stdout.String())
		if m == nil {
			return false
		}
		in.base = m[1]
		resp, err := http.Get(in.base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}, 10*time.Second, 10*time.Millisecond, "serve did not start")
	if t.Failed() {
		t.Logf("stdout %s\nstderr %s", in.stdout.String(), in.stderr.String())
	}
	require.NoError(t, early, "serve stopped at once")
	if m := metricsRE.FindStringSubmatch(in.stdout.String()); m != nil {
		in.metrics = m[1]
	}
	var once bool
	in.stop = func() {
		if once {
			return
		}
		once = true
		cancel()
		select {
		case err := <-done:
			assert.NoError(t, err)
		case <-time.After(15 * time.Second):
			t.Fatal("serve did not stop")
		}
	}
	t.Cleanup(in.stop)
	return in
}

func (in *instance) post(t *testing.T, path, body string, auth bool) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, in.base+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if auth {
		req.Header.Set("Authorization", "Bearer "+testDeskKey)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	return resp.StatusCode, b.Bytes()
}

// TestServeNoticeSurvivesRestart: the mail server is down when a person
// activates their account; the activation succeeds and the notice waits in
// the store; styrke serve is stopped and started again; once the mail
// server is back the notice arrives, exactly once.
func TestServeNoticeSurvivesRestart(t *testing.T) {
	data := t.TempDir()
	smtp := smtptest.New(t, smtptest.Options{Mode: smtptest.StartTLS, User: "styrke", Password: "smtp-pass-77aa"})
	keys := filepath.Join(t.TempDir(), "keys")
	require.NoError(t, os.WriteFile(keys, []byte("desk "+testDeskKey+"\n"), 0o600))
	env := map[string]string{
		"STYRKE_DATA": data, "STYRKE_ADDR": "127.0.0.1:0", "STYRKE_BREACH_URL": "http://127.0.0.1:1",
		"STYRKE_ADMIN_KEYS_FILE": keys, "STYRKE_SMTP_URL": smtp.URL(), "STYRKE_SMTP_CA_FILE": smtp.CAFile,
		"STYRKE_MAIL_FROM": "Utfjord IT <it@utfjord.example>", "STYRKE_ORG_NAME": "Utfjord kommune",
		"STYRKE_NOTIFY_POLL": "50ms", "STYRKE_NOTIFY_RETRY": "100ms", "STYRKE_METRICS_ADDR": "127.0.0.1:0",
		"STYRKE_BASE_URL": "https://styrke.example",
	}
	first := startServe(t, env)
	status, body := first.post(t, "/api/admin/activations",
		`{"username":"kari","name":"Kari Nordmann","institution":"default","email":"kari@example.org"}`, true)
	require.Equal(t, http.StatusCreated, status, "body %s", body)
	var created struct {
		Link       string `json:"link"`
		Deliveries []struct {
			OK    bool   `json:"ok"`
			Error string `json:"error"`
		} `json:"deliveries"`
	}
	require.NoError(t, json.Unmarshal(body, &created))
	require.Len(t, created.Deliveries, 1)
	assert.False(t, created.Deliveries[0].OK, "the mail server is down")
	require.NotEmpty(t, created.Link, "an undelivered link goes to the admin")
	_, token, _ := strings.Cut(created.Link, "/aktiver/#/pw/")
	status, body = first.post(t, "/api/activation/complete", `{"token":"`+token+`","password":"`+testPass+`"}`, false)
	require.Equal(t, http.StatusOK, status, "the activation succeeds with the mail server down: %s", body)
	dsn := "sqlite:" + filepath.Join(data, "styrke.db")
	st, err := backend.Open(context.Background(), dsn)
	require.NoError(t, err)
	defer st.Close()
	require.Eventually(t, func() bool {
		q, err := st.Notifications(context.Background(), 0)
		return err == nil && len(q) == 1 && q[0].Attempts > 0 && q[0].LastError != ""
	}, 10*time.Second, 20*time.Millisecond, "the worker tried the notice and failed")
	first.stop()
	q, err := st.Notifications(context.Background(), 0)
	require.NoError(t, err)
	require.Len(t, q, 1, "the notice waits in the store")
	assert.Nil(t, q[0].SentAt)

	smtp.Up(t)
	second := startServe(t, env)
	require.Eventually(t, func() bool { return len(smtp.Messages(t)) >= 1 }, 15*time.Second, 50*time.Millisecond)
	require.Eventually(t, func() bool {
		q, err := st.Notifications(context.Background(), 0)
		return err == nil && q[0].SentAt != nil
	}, 10*time.Second, 50*time.Millisecond)
	assert.Never(t, func() bool { return len(smtp.Messages(t)) > 1 }, 500*time.Millisecond, 50*time.Millisecond, "sent twice")
	msgs := smtp.Messages(t)
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0].Text, "Passordet til brukerkontoen din kari hos Utfjord kommune ble satt da kontoen ble aktivert")
	assert.Equal(t, q[0].MessageID, strings.Trim(msgs[0].Header.Get("Message-Id"), "<>"), "the queued Message-ID")

	resp, err := http.Get(second.metrics)
	require.NoError(t, err)
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	sent := fams["styrke_notifications_total"]
	require.NotNil(t, sent)
	assert.Equal(t, "sent", sent.Metric[0].Label[0].GetValue())
	assert.Equal(t, 1.0, sent.Metric[0].Counter.GetValue())
	second.stop()

	var out, errb bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"audit", "--db", dsn, "--username", "kari"}, func(string) string { return "" }, nil, &out, &errb))
	var events []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var e store.AuditEvent
		require.NoError(t, json.Unmarshal([]byte(line), &e), "line %s", line)
		events = append(events, e.Event+" "+e.Actor)
		assert.NotEmpty(t, e.Time)
	}
	assert.Equal(t, []string{"created admin:desk", "delivery_failed admin:desk", "activated user:kari", "notified system"}, events)
	for _, secret := range []string{token, testPass, "smtp-pass-77aa", testDeskKey} {
		assert.NotContains(t, first.stderr.String()+second.stderr.String()+out.String(), secret)
	}
}

func TestServeRefusesShortAdminKeys(t *testing.T) {
	dir := t.TempDir()
	short := filepath.Join(dir, "short")
	require.NoError(t, os.WriteFile(short, []byte("desk short-key-0123456789\n"), 0o600))
	tests := []struct {
		name string
		env  map[string]string
	}{
		{"--admin-key", map[string]string{"STYRKE_ADMIN_KEY": "short-key-0123456789"}},
		{"--admin-keys-file", map[string]string{"STYRKE_ADMIN_KEYS_FILE": short}},
		{"missing keys file", map[string]string{"STYRKE_ADMIN_KEYS_FILE": filepath.Join(dir, "none")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env["STYRKE_DATA"], tt.env["STYRKE_ADDR"] = t.TempDir(), "127.0.0.1:0"
			var stdout, stderr syncbuf.Buffer
			err := runServe(context.Background(), nil, func(k string) string { return tt.env[k] }, &stdout, &stderr)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), "short-key-0123456789")
			assert.NotContains(t, stdout.String(), "listening")
		})
	}
}

// TestActivationListSaysWhenCut: "activation list" stops at --limit (1000
// by default) and then says on stderr that more match, not only the
// newest; a list that holds every match says nothing.
func TestActivationListSaysWhenCut(t *testing.T) {
	env := map[string]string{"STYRKE_DATA": dataWithStore(t), "STYRKE_BASE_URL": "https://styrke.example"}
	cli := func(args ...string) (string, string) {
		t.Helper()
		var stdout, stderr bytes.Buffer
		require.NoError(t, run(context.Background(), args, func(k string) string { return env[k] }, nil, &stdout, &stderr), stderr.String())
		return stdout.String(), stderr.String()
	}
	for _, u := range []string{"kari", "ola", "per"} {
		cli("activation", "create", "--username", u, "--institution", "uio")
	}
	for _, c := range []struct {
		args []string
		n    int
		more bool
	}{
		{[]string{"--limit", "2"}, 2, true},
		{[]string{"--limit", "2", "--state", "open"}, 2, true},
		{[]string{"--limit", "3"}, 3, false},
		{nil, 3, false},
	} {
		stdout, stderr := cli(append([]string{"activation", "list"}, c.args...)...)
		assert.Len(t, strings.Split(strings.TrimSpace(stdout), "\n"), c.n, c.args)
		if c.more {
			assert.Contains(t, stderr, "more activations match; these are the newest 2", c.args)
		} else {
			assert.NotContains(t, stderr, "more activations match", c.args)
		}
	}
}

// TestActivationListByContact: "activation list --email/--phone" finds a
// caller's links by where they were sent, in any case and any form of the
// number; a number that is no number is refused by name.
func TestActivationListByContact(t *testing.T) {
	env := map[string]string{"STYRKE_DATA": dataWithStore(t), "STYRKE_BASE_URL": "https://styrke.example"}
	cli := func(args ...string) (string, string, error) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), args, func(k string) string { return env[k] }, nil, &stdout, &stderr)
		return stdout.String(), stderr.String(), err
	}
	// No mail server or SMS: the links are printed (exit 1), and stored.
	_, stderr, _ := cli("activation", "create", "--username", "kari", "--institution", "uio", "--email", "kari@example.org", "--phone", "912 34 567")
	require.Contains(t, stderr, "NOT delivered by email")
	_, stderr, _ = cli("activation", "create", "--username", "ola", "--institution", "uio", "--email", "ola@example.org")
	require.Contains(t, stderr, "NOT delivered by email")
	for _, args := range [][]string{{"--email", "KARI@example.org"}, {"--phone", "+47 912 34 567"}, {"--phone", "91234567", "--state", "open"}} {
		stdout, stderr, err := cli(append([]string{"activation", "list"}, args...)...)
		require.NoError(t, err, stderr)
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		require.Len(t, lines, 1, args)
		assert.Contains(t, lines[0], `"username":"kari"`, args)
	}
	stdout, stderr, err := cli("activation", "list", "--email", "nobody@example.org")
	require.NoError(t, err)
	assert.Empty(t, stdout)
	// Said on stderr: an empty terminal left the desk unsure the command
	// had run (it printed nothing at all).
	assert.Equal(t, "note: no link matches (--email or --phone finds a caller's links by where they were sent)\n", stderr)
	_, stderr, err = cli("activation", "list", "--phone", "12345678")
	require.Error(t, err)
	assert.Contains(t, stderr+err.Error(), "mobile")
}

// TestActivationCommands runs the service desk's CLI: create with an
// e-mail address (delivered through a real SMTP server), list, revoke,
// resend, import twice (the second run creates nothing) and the audit log.
func TestActivationCommands(t *testing.T) {
	data := dataWithStore(t)
	smtp := smtptest.Start(t, smtptest.Options{Mode: smtptest.Implicit, User: "styrke", Password: "smtp-pass-77aa"})
	env := map[string]string{"STYRKE_DATA": data, "STYRKE_SMTP_URL": smtp.URL(), "STYRKE_SMTP_CA_FILE": smtp.CAFile,
		"STYRKE_MAIL_FROM": "it@utfjord.example", "STYRKE_BASE_URL": "https://styrke.example"}
	cli := cliEnv(env)

	stdout, stderr, err := cli("activation", "create", "--username", "kari", "--email", "kari@example.org", "--lang", "en", "--actor", "cli:test")
	require.NoError(t, err, stderr)
	assert.Empty(t, stdout, "a delivered link is not printed")
	assert.Contains(t, stderr, "delivered by email")
	require.Len(t, smtp.Messages(t), 1)

	stdout, _, err = cli("activation", "list", "--username", "kari")
	require.NoError(t, err)
	var v struct {
		ID, State, Email, CreatedBy string
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &v))
	assert.Equal(t, "open", v.State)
	assert.Equal(t, "kari@example.org", v.Email)
	assert.Equal(t, "cli:test", v.CreatedBy)

	_, stderr, err = cli("activation", "resend", "--id", v.ID)
	require.NoError(t, err, stderr)
	require.Len(t, smtp.Messages(t), 2)
	_, stderr, err = cli("activation", "revoke", "--id", v.ID)
	require.Error(t, err, "the resend revoked it already")
	// Said in the desk's words, not the server package's error.
	assert.Regexp(t, `that link was revoked at \S+ already: nothing was revoked`, stderr)
	assert.NotContains(t, stderr+err.Error(), "server:")
	stdout, _, err = cli("activation", "revoke", "--username", "kari", "--reason", "sent to the wrong address")
	require.NoError(t, err)
	assert.Len(t, strings.Fields(stdout), 1, "the resent one")
	out, _, err := cli("audit", "--event", "revoked", "--last", "1")
	require.NoError(t, err)
	assert.Contains(t, out, ": sent to the wrong address", "the reason is in the audit log")
	// Nobody's open link: said so, not "0 revoked" alone.
	_, stderr, err = cli("activation", "revoke", "--username", "kari")
	require.NoError(t, err)
	assert.Contains(t, stderr, "kari has no open link: nothing was revoked")

	csvFile := filepath.Join(t.TempDir(), "new.csv")
	require.NoError(t, os.WriteFile(csvFile, []byte("username,name,email,phone\nola,Ola,ola@example.org,\nper,Per,,\n"), 0o600))
	stdout, stderr, err = cli("activation", "import", "--csv", csvFile)
	require.NoError(t, err, stderr)
	assert.Regexp(t, `^3,per,https://styrke\.example/aktiver/#/pw/\S+\n$`, stdout, "only the undelivered link is printed")
	assert.Contains(t, stderr, "2 rows: 2 created, 0 skipped")
	assert.NotContains(t, stderr, "[#", "no progress bar off a terminal")
	stdout, stderr, err = cli("activation", "import", "--csv", csvFile)
	require.NoError(t, err, stderr)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "2 rows: 0 created, 2 skipped")

	bad := filepath.Join(t.TempDir(), "bad.csv")
	require.NoError(t, os.WriteFile(bad, []byte("username,phone\nanne,01017012345\nbob,\"unterminated\n"), 0o600))
	_, stderr, err = cli("activation", "import", "--csv", bad)
	require.Error(t, err)
	assert.Contains(t, stderr, "malformed CSV")
	assert.Contains(t, stderr, "nothing imported")
	assert.NotContains(t, stderr, "01017012345")

	stdout, _, err = cli("audit", "--event", "created")
	require.NoError(t, err)
	assert.Len(t, strings.Split(strings.TrimSpace(stdout), "\n"), 4, "kari, her resend, ola, per")
	stdout, _, err = cli("audit", "--actor", "cli:test", "--limit", "1")
	require.NoError(t, err)
	assert.Len(t, strings.Split(strings.TrimSpace(stdout), "\n"), 1)
	_, stderr, err = cli("audit", "prune", "--older-than", "400d")
	require.NoError(t, err)
	assert.Contains(t, stderr, "0 events deleted")

	// per has the import's open link: a second one names it.
	_, stderr, err = cli("activation", "create", "--username", "per")
	require.NoError(t, err, stderr)
	assert.Regexp(t, `also open: [0-9a-f]{64} \(it still works; revoke it with: styrke activation revoke --id [0-9a-f]{64}\)`, stderr)
	_, stderr, err = cli("activation", "create", "--username", "anne")
	require.NoError(t, err, stderr)
	assert.NotContains(t, stderr, "also open")

	// A link with a one-time code, and no SMS provider configured: the link
	// goes by e-mail, and the code, which no SMS delivered, is printed
	// once for the desk to hand over.
	stdout, stderr, err = cli("activation", "create", "--username", "liv", "--email", "liv@example.org", "--phone", "91234567", "--code")
	require.Error(t, err, "a failed delivery is an error")
	assert.Contains(t, stderr, "delivered by email")
	assert.Contains(t, stderr, "code NOT delivered by sms: not configured")
	assert.Regexp(t, `^code \d{8}\n$`, stdout, "only the code: the link was delivered")
	_, stderr, err = cli("activation", "create", "--username", "liv", "--code")
	require.Error(t, err)
	assert.Contains(t, stderr, "code needs a phone number")
}

// TestActivationWelcomeCommand: `activation welcome` sends the welcome to
// the reset page for an account whose identity number was imported, only
// where ID-porten is configured, and prints the page's link.
func TestActivationWelcomeCommand(t *testing.T) {
	data := dataWithStore(t)
	smtp := smtptest.Start(t, smtptest.Options{Mode: smtptest.Implicit, User: "styrke", Password: "smtp-pass-77aa"})
	env := map[string]string{"STYRKE_DATA": data, "STYRKE_SMTP_URL": smtp.URL(), "STYRKE_SMTP_CA_FILE": smtp.CAFile,
		"STYRKE_MAIL_FROM": "it@utfjord.example", "STYRKE_BASE_URL": "https://styrke.example",
		"STYRKE_IDENTITY_KEY": strings.Repeat("k", 32)}
	cli := cliEnv(env)
	importAccounts(t, cli, "username,name,institution,identity number\nola,Ola Nordmann,default,01019000083\n")

	_, stderr, err := cli("activation", "welcome", "--username", "ola", "--email", "ola@example.org")
	require.Error(t, err)
	assert.Contains(t, stderr, "the reset with ID-porten is not configured")
	env["STYRKE_IDPORTEN_ISSUER"] = "https://test.idporten.no"
	_, stderr, err = cli("activation", "welcome", "--username", "per", "--email", "per@example.org")
	require.Error(t, err)
	assert.Contains(t, stderr, "no identity number is imported for this account")
	assert.Empty(t, smtp.Messages(t))

	stdout, stderr, err := cli("activation", "welcome", "--username", "ola", "--email", "ola@example.org", "--lang", "en")
	require.NoError(t, err, stderr)
	assert.Equal(t, "https://styrke.example/en/forgot/\n", stdout)
	assert.Contains(t, stderr, "welcome delivered by email")
	msgs := smtp.Messages(t)
	require.Len(t, msgs, 1)
	assert.Contains(t, msgs[0].Text, "Hello Ola Nordmann,", "the imported name")
	assert.Contains(t, msgs[0].Text, "log in with ID-porten (BankID, MinID, Buypass or Commfides) and choose your own password")
	assert.Contains(t, msgs[0].Text, "https://styrke.example/en/forgot/")
	assert.NotContains(t, string(msgs[0].Raw), "01019000083", "no identity number in the message")
	stdout, _, err = cli("audit", "--event", "welcomed")
	require.NoError(t, err)
	assert.Contains(t, stdout, `"username":"ola"`)

	// In bulk: ola was welcomed already, per has no identity number.
	rows := filepath.Join(t.TempDir(), "new.csv")
	require.NoError(t, os.WriteFile(rows, []byte("username,email\nola,ola@example.org\nper,per@example.org\n"), 0o600))
	_, stderr, err = cli("activation", "import", "--csv", rows, "--welcome")
	require.Error(t, err)
	assert.Contains(t, stderr, "line 3: username: no identity number is imported for this account")
	assert.Contains(t, stderr, "nothing imported")
	stdout, stderr, err = cli("activation", "import", "--csv", rows, "--welcome", "--partial")
	require.Error(t, err, "the invalid row is still reported")
	assert.Empty(t, stdout, "a welcome has no link to print")
	assert.Contains(t, stderr, "2 rows: 0 welcomed, 1 skipped (welcomed before), 1 failed")
	assert.Len(t, smtp.Messages(t), 1)
}

// TestActivationWelcomeTwiceSendsOnce: the same welcome run twice (the
// command repeated, a script's retry, a second desk worker) sends once;
// the second says when the first went, in Norwegian time, and that
// --again sends another, which it does. It sent the person a second.
func TestActivationWelcomeTwiceSendsOnce(t *testing.T) {
	cli, smtp := mailCLI(t, map[string]string{"STYRKE_IDENTITY_KEY": strings.Repeat("k", 32), "STYRKE_IDPORTEN_ISSUER": "https://test.idporten.no"})
	importAccounts(t, cli, "username,name,institution,identity number\nola,Ola Nordmann,default,01019000083\n")
	welcome := []string{"activation", "welcome", "--username", "ola", "--email", "ola@example.org"}
	_, stderr, err := cli(welcome...)
	require.NoError(t, err, stderr)
	require.Contains(t, stderr, "welcome delivered by email")
	audit, _, err := cli("audit", "--event", "welcomed")
	require.NoError(t, err)
	var ev struct{ Time time.Time }
	require.NoError(t, json.Unmarshal([]byte(audit), &ev), audit)

	stdout, stderr, err := cli(welcome...)
	require.NoError(t, err, stderr)
	assert.Equal(t, "https://styrke.example/glemt/\n", stdout)
	assert.Equal(t, "note: ola was welcomed already at "+osloTime(ev.Time)+": nothing was sent; --again sends another\n", stderr)
	assert.Equal(t, 1, len(smtp.Messages(t)), "sent once")

	_, stderr, err = cli(append(welcome, "--again")...)
	require.NoError(t, err, stderr)
	assert.Contains(t, stderr, "welcome delivered by email")
	assert.Equal(t, 2, len(smtp.Messages(t)), "asked again")
}

// TestActivationCreateTwiceSendsOnce: the same create run twice (the
// desk's command line repeated, a script's retry) mails the person once;
// the second says the link went a moment ago and how to send a new one,
// and prints no link. It created and mailed a second link.
func TestActivationCreateTwiceSendsOnce(t *testing.T) {
	cli, smtp := mailCLI(t, nil)
	create := []string{"activation", "create", "--username", "kari", "--email", "kari@example.org"}
	_, stderr, err := cli(create...)
	require.NoError(t, err, stderr)
	id := regexp.MustCompile(`(?m)^id ([0-9a-f]{64})$`).FindStringSubmatch(stderr)
	require.NotNil(t, id, stderr)
	stdout, stderr, err := cli(create...)
	require.NoError(t, err, stderr)
	assert.True(t, stdout == "", "no link")
	assert.Contains(t, stderr, "id "+id[1]+"\n")
	assert.Contains(t, stderr, "note: the same link for kari was created and delivered ")
	assert.Contains(t, stderr, "styrke activation resend --id "+id[1])
	assert.Equal(t, 1, len(smtp.Messages(t)), "mailed once")
}

// TestActivationResendTwiceSendsOnce: the same resend run twice (the
// desk's command line repeated, a script's retry) mails the new link once;
// the second says it went a moment ago, names it and prints no link. It
// made and mailed a third link.
func TestActivationResendTwiceSendsOnce(t *testing.T) {
	cli, smtp := mailCLI(t, nil)
	idIn := regexp.MustCompile(`(?m)^id ([0-9a-f]{64})$`)
	_, stderr, err := cli("activation", "create", "--username", "kari", "--email", "kari@example.org")
	require.NoError(t, err, stderr)
	first := idIn.FindStringSubmatch(stderr)
	require.NotNil(t, first, stderr)
	_, stderr, err = cli("activation", "resend", "--id", first[1])
	require.NoError(t, err, stderr)
	re := idIn.FindStringSubmatch(stderr)
	require.NotNil(t, re, stderr)
	stdout, stderr, err := cli("activation", "resend", "--id", first[1])
	require.NoError(t, err, stderr)
	assert.True(t, stdout == "", "no link")
	assert.Contains(t, stderr, "id "+re[1]+"\n")
	assert.Contains(t, stderr, "note: a newer link for kari than "+first[1]+" was created and delivered ")
	assert.Contains(t, stderr, "styrke activation resend --id "+re[1])
	assert.NotContains(t, stderr, "delivered by email")
	assert.Equal(t, 2, len(smtp.Messages(t)), "the create's and the resend's")
}

// TestActivationWelcomeUnconfirmedCommand: a mail server that took the
// welcome and answered its end past --smtp-timeout. The desk read "welcome
// NOT delivered by email: unconfirmed", an import of welcomes counted the
// row as failed ("the welcome was not delivered"), and each re-run sent the
// person another. Now both say it may have arrived and to ask the person,
// and a re-run sends it again only with --reissue.
func TestActivationWelcomeUnconfirmedCommand(t *testing.T) {
	data := dataWithStore(t)
	smtp := smtptest.Start(t, smtptest.Options{Mode: smtptest.Plain, DataReplyDelay: 2 * time.Second})
	env := map[string]string{"STYRKE_DATA": data, "STYRKE_SMTP_URL": smtp.URL(), "STYRKE_SMTP_TIMEOUT": "500ms",
		"STYRKE_MAIL_FROM": "it@utfjord.example", "STYRKE_BASE_URL": "https://styrke.example",
		"STYRKE_IDENTITY_KEY": strings.Repeat("k", 32), "STYRKE_IDPORTEN_ISSUER": "https://test.idporten.no"}
	cli := cliEnv(env)
	accounts := filepath.Join(t.TempDir(), "accounts.csv")
	require.NoError(t, os.WriteFile(accounts, []byte("username,name,institution,identity number\n"+
		"ola,Ola Nordmann,default,01019000083\nkari,Kari Nordmann,default,02019000012\n"), 0o600))
	_, stderr, err := cli("account", "import", accounts)
	require.NoError(t, err, stderr)

	stdout, stderr, err := cli("activation", "welcome", "--username", "ola", "--email", "ola@example.org")
	require.Error(t, err, "the desk has something to do")
	assert.Equal(t, "https://styrke.example/glemt/\n", stdout)
	assert.Contains(t, stderr, "welcome UNCONFIRMED by email: the mail server took the message and did not answer in time, so it may have arrived; ask the person before you send it again")
	assert.NotContains(t, stderr, "NOT delivered")
	require.Len(t, smtp.Messages(t), 1, "it arrived")

	rows := filepath.Join(t.TempDir(), "new.csv")
	require.NoError(t, os.WriteFile(rows, []byte("username,email\nola,ola@example.org\nkari,kari@example.org\n"), 0o600))
	_, stderr, err = cli("activation", "import", "--csv", rows, "--welcome")
	require.Error(t, err, "the desk has something to do")
	assert.Contains(t, stderr, "2 rows: 1 welcomed, 1 skipped (welcomed before), 0 failed")
	assert.Contains(t, stderr, "1 of the welcomes went by e-mail UNCONFIRMED: the mail server took them and did not answer in time, so they may have arrived; "+
		"running the same import again does not send them (--reissue does: ask the person first)")
	assert.NotContains(t, stderr, "not delivered")
	assert.Len(t, smtp.Messages(t), 2)

	_, stderr, err = cli("activation", "import", "--csv", rows, "--welcome")
	require.NoError(t, err, stderr)
	assert.Contains(t, stderr, "2 rows: 0 welcomed, 2 skipped (welcomed before), 0 failed")
	assert.Len(t, smtp.Messages(t), 2, "a re-run sends none again")
}

func TestParseInstitutions(t *testing.T) {
	for in, want := range map[string]map[string]bool{"": nil, "all": {"": true}, "uit, uio": {"uit": true, "uio": true}} {
		got, err := parseInstitutions(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	_, err := parseInstitutions("uit,nope")
	assert.EqualError(t, err, `"nope" is not a known institution id (or 'all')`)
}

// TestReadingCommandsNeedTheDatabase: a command that only reads or changes
// what is stored (audit, activation list, revoke, resend) refuses a
// database that does not exist, naming it; a mistyped --db created an
// empty one (and its directories) and answered "nothing", exit 0.
func TestReadingCommandsNeedTheDatabase(t *testing.T) {
	dir := t.TempDir()
	missing := filepath.Join(dir, "typo", "styrke.db")
	for _, args := range [][]string{
		{"audit", "--db", "sqlite:" + missing},
		{"audit", "prune", "--older-than", "400d", "--db", "sqlite:" + missing},
		{"activation", "list", "--db", "sqlite:" + missing},
		{"activation", "revoke", "--username", "kari", "--institution", "default", "--db", "sqlite:" + missing},
		{"audit", "--data", filepath.Join(dir, "nodata")},
	} {
		_, stderr, err := runCLI(t, "", args...)
		assert.Error(t, err, "%v", args)
		assert.Contains(t, stderr+fmt.Sprint(err), "no database", "%v", args)
		_, statErr := os.Stat(filepath.Dir(missing))
		assert.True(t, os.IsNotExist(statErr), "%v created %s", args, filepath.Dir(missing))
		_, statErr = os.Stat(filepath.Join(dir, "nodata"))
		assert.True(t, os.IsNotExist(statErr), "%v created the data directory", args)
	}
}

// TestAuditFlags: what a mistyped audit search asks is said, not answered
// with nothing and exit 0; a date alone is a day.
func TestAuditFlags(t *testing.T) {
	path := filepath.Join(t.TempDir(), "styrke.db")
	sqlitetest.Create(t, path)
	dsn := "sqlite:" + path
	st, err := backend.Open(context.Background(), dsn)
	require.NoError(t, err)
	st.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--event", "activate"}, "--event"},
		{[]string{"--institution", "nosuch"}, "--institution"},
		{[]string{"--older-than", "400d"}, "prune"},
		{[]string{"--since", "7d", "--until", "30d"}, "--since"},
	} {
		_, stderr, err := runCLI(t, "", append([]string{"audit", "--db", dsn}, tc.args...)...)
		assert.ErrorIs(t, err, errUsage, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
	}
	_, stderr, err := runCLI(t, "", "audit", "--db", dsn, "--since", "2026-12-01", "--until", "2026-12-02", "--event", "activated", "--institution", "uit")
	assert.NoError(t, err, stderr)
}

// TestServeRefusesBadSettings: settings that would start a half-working
// or leaking server are refused at start, naming the setting and never
// echoing a secret: each of these started before.
func TestServeRefusesBadSettings(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		env  map[string]string
		want string
	}{
		{"credentials in the base URL (mailed in every link)", map[string]string{"STYRKE_BASE_URL": "https://u:secret-pw@styrke.example.org/"}, "--base-url"},
		{"a boolean variable that is not a boolean", map[string]string{"STYRKE_TRUST_PROXY": "yes"}, "STYRKE_TRUST_PROXY"},
		{"an SMTP password sent unencrypted to another host", map[string]string{"STYRKE_SMTP_URL": "smtp+plain://u:secret-pw@mail.example.org:25", "STYRKE_MAIL_FROM": "it@example.org"}, "smtp+plain"},
		{"an ID-porten issuer without a scheme", map[string]string{"STYRKE_IDPORTEN_ISSUER": "test.idporten.no"}, "--idporten-issuer"},
		// Synthetic identity numbers are ID-porten's test environment's:
		// with the production issuer a test number would be an account's.
		{"test numbers with the production ID-porten", map[string]string{"STYRKE_IDPORTEN_ISSUER": "https://idporten.no", "STYRKE_IDENTITY_KEY": strings.Repeat("k", 32), "STYRKE_TEST_NUMBERS": "true"}, "--test-numbers"},
		{"a reset session of a day", map[string]string{"STYRKE_IDPORTEN_ISSUER": "https://test.idporten.no", "STYRKE_IDENTITY_KEY": strings.Repeat("k", 32), "STYRKE_RESET_SESSION": "24h"}, "--reset-session"},
		{"a templates folder that does not exist", map[string]string{"STYRKE_TEMPLATES": filepath.Join(dir, "nosuch")}, "--templates"},
		{"an origin with a path", map[string]string{"STYRKE_ORIGINS": "https://a.example/"}, "--origins"},
		{"Twilio without an account", map[string]string{"STYRKE_TWILIO_SECRET": "secret-pw", "STYRKE_TWILIO_FROM": "Styrke"}, "--twilio-account-sid"},
		{"less hash memory than one hash takes", map[string]string{"STYRKE_HASH_MEMORY": "1"}, "--hash-memory"},
		{"a store of no known kind", map[string]string{"STYRKE_DB": "mysql://u:secret-pw@h/db"}, "--db"},
		{"a PostgreSQL server that refuses", map[string]string{"STYRKE_DB": "postgres://u:secret-pw@127.0.0.1:1/db"}, "--db"},
		{"a SQLite file in a folder that does not exist (a mistyped path made it, and an empty store)", map[string]string{"STYRKE_DB": "sqlite:" + filepath.Join(dir, "nosuch", "styrke.db")}, "--db: the folder"},
		{"a sender that is no address", map[string]string{"STYRKE_MAIL_FROM": "not an address", "STYRKE_SMTP_URL": "smtp+plain://127.0.0.1:25"}, "--mail-from"},
		{"an SMTP time limit that is no duration", map[string]string{"STYRKE_MAIL_FROM": "it@example.org", "STYRKE_SMTP_URL": "smtp+plain://127.0.0.1:25", "STYRKE_SMTP_TIMEOUT": "15"}, "--smtp-timeout"},
		{"a record retention that is no duration", map[string]string{"STYRKE_RECORD_RETENTION": "three months"}, "--record-retention"},
		{"a breach lookup rate that is no positive number", map[string]string{"STYRKE_BREACH_RATE": "0"}, "--breach-rate"},
		{"a PostgreSQL password with a slash, not percent-encoded", map[string]string{"STYRKE_DB": "postgres://u:secret-pw/x@127.0.0.1:1/db"}, "percent-encode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.env["STYRKE_DATA"], tt.env["STYRKE_ADDR"] = t.TempDir(), "127.0.0.1:0"
			var stdout, stderr syncbuf.Buffer
			// A server that starts anyway stops after a while.
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			err := runServe(ctx, nil, func(k string) string { return tt.env[k] }, &stdout, &stderr)
			require.Error(t, err, "started: %s", stdout.String())
			assert.Contains(t, stderr.String()+err.Error(), tt.want)
			assert.NotContains(t, stderr.String()+stdout.String()+err.Error(), "secret-pw")
			assert.NotContains(t, stdout.String(), "listening")
		})
	}
}

// TestServeSaysNewDatabase: serve on a SQLite file that does not exist yet
// says it made a new one, where (a mistyped name started an empty store
// without a word); on the same file again it does not.
func TestServeSaysNewDatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "styrke.db")
	for i, want := range []bool{true, false} {
		env := map[string]string{"STYRKE_DB": "sqlite:" + path, "STYRKE_DATA": t.TempDir(), "STYRKE_ADDR": "127.0.0.1:0"}
		var stdout, stderr syncbuf.Buffer
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- runServe(ctx, nil, func(k string) string { return env[k] }, &stdout, &stderr) }()
		require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "listening") }, 20*time.Second, 10*time.Millisecond, "run %d: %s", i, stderr.String())
		cancel()
		require.NoError(t, <-done)
		assert.Equal(t, want, strings.Contains(stdout.String(), "new database: "+path), "run %d: %s", i, stdout.String())
	}
}

// TestReadingCommandsDoNotMigrate: audit and activation list on a store a
// schema version behind this binary (an older server still runs on it)
// refuse, naming both versions, and leave the schema as it was; before,
// they migrated it under the server. serve still migrates.
func TestReadingCommandsDoNotMigrate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "styrke.db")
	dsn := "sqlite:" + path
	st, err := backend.Open(context.Background(), dsn)
	require.NoError(t, err)
	st.Close()
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(`DELETE FROM schema_migrations WHERE version = ?`, sqlite.SchemaVersion)
	require.NoError(t, err)
	for _, args := range [][]string{{"audit"}, {"activation", "list"}} {
		_, stderr, err := runCLI(t, "", append(args, "--db", dsn)...)
		require.Error(t, err, "%v", args)
		msg := stderr + err.Error()
		assert.Contains(t, msg, fmt.Sprintf("version %d, this program's is %d", sqlite.SchemaVersion-1, sqlite.SchemaVersion), "%v", args)
		var n int
		require.NoError(t, db.QueryRow(`SELECT count(*) FROM schema_migrations WHERE version = ?`, sqlite.SchemaVersion).Scan(&n))
		assert.Zero(t, n, "%v migrated the schema", args)
	}
}

// TestSecretsNotInHelp: -h prints each flag's default, and a flag's
// default is its environment variable's value; the settings that are or
// hold a secret (the admin key, a DSN or SMTP URL with a password, the
// Twilio secret) are not printed. Before, `serve -h` with STYRKE_DB set
// printed the database password.
func TestSecretsNotInHelp(t *testing.T) {
	env := map[string]string{
		"STYRKE_ADMIN_KEY":     "admin-secret-0123456789abcdef0123456789",
		"STYRKE_DB":            "postgres://styrke:db-secret-pw@db.example.org/styrke",
		"STYRKE_SMTP_URL":      "smtp://it:smtp-secret-pw@mail.example.org:587",
		"STYRKE_TWILIO_SECRET": "twilio-secret-value",
	}
	for _, args := range [][]string{{"serve", "-h"}, {"activation", "create", "-h"}, {"audit", "-h"}, {"account", "import", "-h"}, {"directory", "remind", "-h"}} {
		var stdout, stderr bytes.Buffer
		run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
		out := stdout.String() + stderr.String()
		require.NotEmpty(t, out, "%v printed help", args)
		for _, secret := range []string{"admin-secret", "db-secret-pw", "smtp-secret-pw", "twilio-secret-value"} {
			assert.NotContains(t, out, secret, "%v", args)
		}
	}
}

// TestSecretFromFile: STYRKE_DB_FILE (as each secret setting's _FILE)
// names a file holding the value, as systemd credentials and container
// secrets give it, so that it shows neither in `ps` nor in the process's
// environment; the variable and its _FILE both set, a missing file and an
// empty one are refused, naming the variable and never the value.
func TestSecretFromFile(t *testing.T) {
	dir := t.TempDir()
	sqlitetest.Create(t, filepath.Join(dir, "styrke.db"))
	dsn := "sqlite:" + filepath.Join(dir, "styrke.db")
	st, err := backend.Open(context.Background(), dsn)
	require.NoError(t, err)
	st.Close()
	file := filepath.Join(dir, "db-secret")
	require.NoError(t, os.WriteFile(file, []byte(dsn+"\n"), 0o600))
	empty := filepath.Join(dir, "empty")
	require.NoError(t, os.WriteFile(empty, nil, 0o600))

	runEnv := func(env map[string]string, args ...string) (string, error) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(""), &stdout, &stderr)
		return stdout.String() + stderr.String(), err
	}
	out, err := runEnv(map[string]string{"STYRKE_DB_FILE": file}, "audit")
	require.NoError(t, err, out)

	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"STYRKE_DB_FILE": file, "STYRKE_DB": "postgres://u:other-secret@h/db"}, "STYRKE_DB and STYRKE_DB_FILE are both set"},
		{map[string]string{"STYRKE_DB_FILE": filepath.Join(dir, "nosuch")}, "STYRKE_DB_FILE: open"},
		{map[string]string{"STYRKE_SMTP_URL_FILE": empty}, "STYRKE_SMTP_URL_FILE: " + empty + " is empty"},
	} {
		out, err := runEnv(tc.env, "audit")
		assert.ErrorIs(t, err, errUsage, "%v", tc.env)
		assert.Contains(t, out, tc.want)
		assert.NotContains(t, out, "other-secret")
		assert.NotContains(t, out, dsn, "the file's content")
	}
}

// TestPrune: one round of serve's retention deletes the links that ended
// before --record-retention (with their addresses) and keeps the open ones
// and those that ended since; 0 keeps every link. It says what it deleted
// in the log, by count.
func TestPrune(t *testing.T) {
	now := time.Now()
	for _, tt := range []struct {
		name    string
		records time.Duration
		kept    int
	}{
		{"90 days", 90 * 24 * time.Hour, 2},
		{"forever", 0, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
			require.NoError(t, err)
			defer st.Close()
			for i, created := range []time.Time{now.Add(-200 * 24 * time.Hour), now.Add(-30 * 24 * time.Hour), now} {
				h := make([]byte, 32)
				h[0] = byte(i + 1)
				require.NoError(t, st.CreateActivation(t.Context(), store.Activation{TokenHash: h, Username: fmt.Sprint("u", i), Name: "N",
					Institution: "default", CreatedAt: created, ExpiresAt: created.Add(72 * time.Hour)}))
				require.NoError(t, st.SetContact(t.Context(), h, store.Contact{Email: "private@example.org", Lang: "nb"}))
			}
			var logs syncbuf.Buffer
			prune(t.Context(), st, clockAt(now), 400*24*time.Hour, tt.records, slog.New(slog.NewTextHandler(&logs, nil)))
			recs, err := st.Activations(t.Context(), store.ActivationFilter{})
			require.NoError(t, err)
			assert.Len(t, recs, tt.kept)
			if tt.records > 0 {
				assert.Contains(t, logs.String(), "ended links and notices pruned")
				assert.Contains(t, logs.String(), "links=1")
			} else {
				assert.NotContains(t, logs.String(), "pruned")
			}
			assert.NotContains(t, logs.String(), "private@example.org")
		})
	}
}

// TestServeWarnsOfOpenFiles: serve says which files of secrets and personal
// data others on the machine may read (an existing database of mode 0644,
// its -wal and -shm made the same; an identity key file of 0644): they
// were accepted without a word. It names the file, never its content.
func TestServeWarnsOfOpenFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "styrke.db")
	sqlitetest.Create(t, path)
	st, err := backend.Open(context.Background(), "sqlite:"+path)
	require.NoError(t, err)
	require.NoError(t, st.Close())
	require.NoError(t, os.Chmod(path, 0o644))
	key := filepath.Join(dir, "identity.key")
	const secret = "an-identity-key-of-32-bytes-xxxxxxxxxx"
	require.NoError(t, os.WriteFile(key, []byte(secret), 0o644))
	env := map[string]string{"STYRKE_DB": "sqlite:" + path, "STYRKE_DATA": dir, "STYRKE_ADDR": "127.0.0.1:0", "STYRKE_IDENTITY_KEY_FILE": key}
	var stdout, stderr syncbuf.Buffer
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, nil, func(k string) string { return env[k] }, &stdout, &stderr) }()
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "listening") }, 20*time.Second, 10*time.Millisecond, "%s", stderr.String())
	cancel()
	require.NoError(t, <-done)
	logs := stderr.String()
	for _, what := range []string{"database (--db)", "identity key (--identity-key-file)"} {
		assert.Contains(t, logs, `msg="a file others on this machine may read" file="`+what+`"`)
	}
	assert.Contains(t, logs, "mode=0644")
	assert.NotContains(t, logs+stdout.String(), secret)
}

// TestRevokeIssuedBefore: after a restore, the links used or revoked since
// the backup work again; `activation revoke --issued-before` ends every
// link issued before the backup that is not used or revoked, and leaves
// those issued since (the README's restore said to revoke them one by
// one, with no way to tell which).
func TestRevokeIssuedBefore(t *testing.T) {
	data := dataWithStore(t)
	backup := filepath.Join(t.TempDir(), "backup.db")
	env := map[string]string{"STYRKE_DATA": data, "STYRKE_BASE_URL": "https://styrke.example"}
	cli := cliEnv(env)
	idOf := func(username string) string {
		t.Helper()
		stdout, _, err := cli("activation", "list", "--username", username)
		require.NoError(t, err)
		var v struct{ ID string }
		require.NoError(t, json.Unmarshal([]byte(stdout), &v))
		return v.ID
	}
	for _, u := range []string{"kari", "ola"} {
		_, stderr, err := cli("activation", "create", "--username", u, "--institution", "default")
		require.NoError(t, err, stderr)
	}
	_, stderr, err := cli("activation", "create", "--username", "per", "--institution", "uio")
	require.NoError(t, err, stderr)
	_, stderr, err = cli("store", "copy", "--to", "sqlite:"+backup)
	require.NoError(t, err, stderr)
	backedUp := time.Now()
	// Since the backup: ola's link revoked (it works again after the restore).
	_, stderr, err = cli("activation", "revoke", "--username", "ola")
	require.NoError(t, err, stderr)

	// The restore, and a link issued after it.
	env["STYRKE_DB"] = "sqlite:" + backup
	assert.Equal(t, "open", stateOf(t, cli, "ola"), "the backup's link works again")
	_, stderr, err = cli("activation", "create", "--username", "anne")
	require.NoError(t, err, stderr)
	kari, ola, per, anne := idOf("kari"), idOf("ola"), idOf("per"), idOf("anne")

	at := backedUp.Format(time.RFC3339Nano)
	stdout, stderr, err := cli("activation", "revoke", "--issued-before", at, "--dry-run")
	require.NoError(t, err, stderr)
	assert.ElementsMatch(t, []string{kari, ola, per}, strings.Fields(stdout))
	assert.Contains(t, stderr, "3 would be revoked")
	assert.Equal(t, "open", stateOf(t, cli, "kari"), "a dry run changes nothing")

	stdout, stderr, err = cli("activation", "revoke", "--issued-before", at, "--institution", "uio", "--actor", "cli:restore")
	require.NoError(t, err, stderr)
	assert.Equal(t, []string{per}, strings.Fields(stdout), "only the institution's")
	stdout, stderr, err = cli("activation", "revoke", "--issued-before", at, "--actor", "cli:restore")
	require.NoError(t, err, stderr)
	assert.ElementsMatch(t, []string{kari, ola}, strings.Fields(stdout))
	assert.Contains(t, stderr, "2 revoked: issued before ")
	for _, u := range []string{"kari", "ola", "per"} {
		assert.Equal(t, "revoked", stateOf(t, cli, u), u)
	}
	assert.Equal(t, "open", stateOf(t, cli, "anne"), "issued after the restore: left")
	assert.NotContains(t, stdout, anne)
	stdout, _, err = cli("audit", "--event", "revoked", "--actor", "cli:restore")
	require.NoError(t, err)
	assert.Len(t, strings.Split(strings.TrimSpace(stdout), "\n"), 3)

	// Bad input names the flag.
	for _, args := range [][]string{
		{"--issued-before", "yesterday"},
		{"--issued-before", "2026-13-01"},
		{"--issued-before", "2099-01-01"}, // after now: a typo would revoke every open link
		{"--dry-run", "--username", "kari"},
		{"--id", kari, "--issued-before", at},
		{},
	} {
		_, stderr, err := cli(append([]string{"activation", "revoke"}, args...)...)
		require.Error(t, err, "%v", args)
		assert.Regexp(t, `--issued-before|--id, --username or --issued-before`, stderr, "%v", args)
	}
}

// stateOf is the state of username's newest link, as `activation list`
// says it.
func stateOf(t *testing.T, cli func(...string) (string, string, error), username string) string {
	t.Helper()
	stdout, _, err := cli("activation", "list", "--username", username, "--limit", "1")
	require.NoError(t, err)
	var v struct{ State string }
	require.NoError(t, json.Unmarshal([]byte(strings.SplitN(stdout, "\n", 2)[0]), &v))
	return v.State
}

// TestAuditLast: --last N prints the newest N events, oldest of them
// first; --limit N stays the first N (oldest first), which an export that
// pages with --after needs. The desk asking "what happened just now" with
// --limit got the log's oldest events.
func TestAuditLast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "styrke.db")
	sqlitetest.Create(t, path)
	dsn := "sqlite:" + path
	st, err := backend.Open(context.Background(), dsn)
	require.NoError(t, err)
	// One more than the command's page of 1000: the newest three span
	// the last two pages, and the first page alone ends at u0999.
	const n = 1001
	for i := range n {
		_, err := st.AppendAudit(context.Background(), store.AuditEvent{Time: time.Now(), Event: store.EventCreated, Actor: "cli:test",
			Username: fmt.Sprintf("u%04d", i), Institution: "default"})
		require.NoError(t, err)
	}
	st.Close()
	users := func(out string) []string {
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var e struct{ Username string }
			require.NoError(t, json.Unmarshal([]byte(line), &e))
			got = append(got, e.Username)
		}
		return got
	}
	out, stderr, err := runCLI(t, "", "audit", "--db", dsn, "--last", "3")
	require.NoError(t, err, stderr)
	assert.Equal(t, []string{"u0998", "u0999", "u1000"}, users(out))
	out, stderr, err = runCLI(t, "", "audit", "--db", dsn, "--limit", "2")
	require.NoError(t, err, stderr)
	assert.Equal(t, []string{"u0000", "u0001"}, users(out))
	_, stderr, err = runCLI(t, "", "audit", "--db", dsn, "--last", "3", "--limit", "2")
	assert.ErrorIs(t, err, errUsage)
	assert.Contains(t, stderr, "--last")
}

// TestIssuedBeforeIsNorwegianTime: a date alone given to revoke
// --issued-before is its midnight in Norway, as audit --since reads it
// (it was the machine's zone: on a UTC host, 01:00 Norwegian time).
func TestIssuedBeforeIsNorwegianTime(t *testing.T) {
	got, err := parseIssuedBefore("2026-12-04")
	require.NoError(t, err)
	want, err := timeArg("2026-12-04", time.Now())
	require.NoError(t, err)
	assert.True(t, want.Equal(got), "%v, want %v", got, want)
	assert.Equal(t, "2026-12-03T23:00:00Z", got.UTC().Format(time.RFC3339))
}

// TestImportSaysDeliveryStopped: an import whose mail server is down says
// that sending stopped, and that those people have not been told.
func TestImportSaysDeliveryStopped(t *testing.T) {
	data := dataWithStore(t)
	smtp := smtptest.Start(t, smtptest.Options{Mode: smtptest.Implicit, User: "styrke", Password: "smtp-pass-77aa"})
	smtp.Down()
	env := map[string]string{"STYRKE_DATA": data, "STYRKE_SMTP_URL": smtp.URL(), "STYRKE_SMTP_CA_FILE": smtp.CAFile,
		"STYRKE_MAIL_FROM": "it@utfjord.example", "STYRKE_BASE_URL": "https://styrke.example"}
	var csv strings.Builder
	csv.WriteString("username,email\n")
	for i := range 7 {
		fmt.Fprintf(&csv, "user%d,user%d@example.org\n", i, i)
	}
	file := filepath.Join(t.TempDir(), "people.csv")
	require.NoError(t, os.WriteFile(file, []byte(csv.String()), 0o600))
	var stdout, stderr bytes.Buffer
	err := run(context.Background(), []string{"activation", "import", "--csv", file}, func(k string) string { return env[k] }, nil, &stdout, &stderr)
	require.Error(t, err, "undelivered links: exit non-zero")
	assert.Contains(t, stderr.String(), "Sending by e-mail stopped after 5 failures in a row (the mail server is down or not answering)")
	assert.Contains(t, stderr.String(), "those people have not been told")
}

// TestListsInNorwegianTime: "activation list" and "audit" print their
// times in Norwegian time with its offset (RFC 3339, as "activation create"
// prints a link's expiry), which a desk person reads to a caller as it
// stands; they printed UTC, an hour or two off, beside create's Oslo time.
func TestListsInNorwegianTime(t *testing.T) {
	env := map[string]string{"STYRKE_DATA": dataWithStore(t), "STYRKE_BASE_URL": "https://styrke.example"}
	cli := func(args ...string) string {
		t.Helper()
		var stdout, stderr bytes.Buffer
		require.NoError(t, run(context.Background(), args, func(k string) string { return env[k] }, nil, &stdout, &stderr), stderr.String())
		return stdout.String()
	}
	cli("activation", "create", "--username", "kari", "--institution", "uio")
	oslo, err := time.LoadLocation("Europe/Oslo")
	require.NoError(t, err)
	norwegian := func(what, v string) {
		t.Helper()
		at, err := time.Parse(time.RFC3339Nano, v)
		require.NoError(t, err, "%s %q", what, v)
		assert.Equal(t, at.In(oslo).Format("-07:00"), at.Format("-07:00"), "%s %q is not in Norwegian time", what, v)
	}
	var link struct{ CreatedAt, ExpiresAt string }
	require.NoError(t, json.Unmarshal([]byte(strings.TrimSpace(cli("activation", "list"))), &link))
	norwegian("createdAt", link.CreatedAt)
	norwegian("expiresAt", link.ExpiresAt)
	for _, line := range strings.Split(strings.TrimSpace(cli("audit")), "\n") {
		var e struct{ Time string }
		require.NoError(t, json.Unmarshal([]byte(line), &e))
		norwegian("time", e.Time)
	}
}

// TestRevokeUsedLinkSaysSo: the desk revokes a link it sent to the wrong
// address, and whoever got it has set the account's password with it
// already. `activation revoke --id` says the link was used, when, and what
// to do (a new link to the right person sets the password again); it said
// "that link is used or revoked already", as for a link revoked before.
// `revoke --username` says when the account was set with a link, where it
// said only "has no open link".
func TestRevokeUsedLinkSaysSo(t *testing.T) {
	data := t.TempDir()
	keys := filepath.Join(t.TempDir(), "keys")
	require.NoError(t, os.WriteFile(keys, []byte("desk "+testDeskKey+"\n"), 0o600))
	env := map[string]string{"STYRKE_DATA": data, "STYRKE_ADDR": "127.0.0.1:0", "STYRKE_BREACH_URL": "http://127.0.0.1:1",
		"STYRKE_ADMIN_KEYS_FILE": keys, "STYRKE_BASE_URL": "https://styrke.example"}
	in := startServe(t, env)
	cli := cliEnv(env)
	link, stderr, err := cli("activation", "create", "--username", "cato", "--lang", "nn")
	require.NoError(t, err, stderr)
	id := regexp.MustCompile(`id ([0-9a-f]{64})`).FindStringSubmatch(stderr)[1]
	_, token, _ := strings.Cut(strings.TrimSpace(link), "#/pw/")
	status, body := in.post(t, "/api/activation/complete", `{"token":"`+token+`","password":"`+testPass+`"}`, false)
	require.Equal(t, http.StatusOK, status, "%s", body)
	list, _, err := cli("activation", "list", "--username", "cato")
	require.NoError(t, err)
	var v struct{ UsedAt *time.Time }
	require.NoError(t, json.Unmarshal([]byte(list), &v))
	require.NotNil(t, v.UsedAt)
	when := v.UsedAt.In(oslo).Format(time.RFC3339)

	_, stderr, err = cli("activation", "revoke", "--id", id, "--reason", "sendt til feil adresse")
	require.Error(t, err, "nothing was revoked")
	assert.Contains(t, stderr, "that link was used at "+when+": a password was set with it")
	assert.Contains(t, stderr, "activation create", "what to do")
	assert.NotContains(t, stderr, "used or revoked")

	_, stderr, err = cli("activation", "revoke", "--username", "cato")
	require.NoError(t, err)
	assert.Contains(t, stderr, "cato has no open link: nothing was revoked")
	assert.Contains(t, stderr, "a link of cato's was used at "+when)

	// A link revoked before: said so, not "used".
	_, stderr, err = cli("activation", "create", "--username", "dina")
	require.NoError(t, err, stderr)
	other := regexp.MustCompile(`id ([0-9a-f]{64})`).FindStringSubmatch(stderr)[1]
	_, _, err = cli("activation", "revoke", "--id", other)
	require.NoError(t, err)
	_, stderr, err = cli("activation", "revoke", "--id", other)
	require.Error(t, err)
	assert.Contains(t, stderr, "that link was revoked at ")
	assert.NotContains(t, stderr, "used")
	_, stderr, err = cli("activation", "revoke", "--username", "dina")
	require.NoError(t, err)
	assert.NotContains(t, stderr, "was used", "dina never activated")
}

// TestActivationUnconfirmedCommand: a mail server that took the link's
// e-mail and answered its end past --smtp-timeout. The desk read "NOT
// delivered by email: temporary" and the link, and its resend revoked the
// link in the person's inbox. Now it reads that the e-mail is unconfirmed
// and to ask the person first, no link, the list says so, and a resend
// keeps the old link open.
func TestActivationUnconfirmedCommand(t *testing.T) {
	data := dataWithStore(t)
	smtp := smtptest.Start(t, smtptest.Options{Mode: smtptest.Plain, DataReplyDelay: 2 * time.Second})
	env := map[string]string{"STYRKE_DATA": data, "STYRKE_SMTP_URL": smtp.URL(), "STYRKE_SMTP_TIMEOUT": "500ms",
		"STYRKE_MAIL_FROM": "it@utfjord.example", "STYRKE_BASE_URL": "https://styrke.example"}
	cli := cliEnv(env)
	stdout, stderr, err := cli("activation", "create", "--username", "kari", "--email", "kari@example.org")
	require.Error(t, err, "the desk has something to do")
	assert.True(t, stdout == "", "no link: it may be in the person's inbox")
	assert.Contains(t, stderr, "UNCONFIRMED by email: the mail server took the message and did not answer in time, so it may have arrived; ask the person before you resend")
	assert.NotContains(t, stderr, "NOT delivered")
	require.Len(t, smtp.Messages(t), 1)

	stdout, _, err = cli("activation", "list", "--username", "kari")
	require.NoError(t, err)
	var v struct {
		ID                  string
		DeliveredAt         *time.Time
		DeliveryUnconfirmed bool
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &v))
	assert.NotNil(t, v.DeliveredAt)
	assert.True(t, v.DeliveryUnconfirmed)

	stdout, stderr, err = cli("activation", "resend", "--id", v.ID)
	require.Error(t, err)
	assert.True(t, stdout == "", "no link")
	assert.Contains(t, stderr, "warning: the old link "+v.ID+" was not revoked: the new one's e-mail is unconfirmed")
	stdout, _, err = cli("activation", "list", "--username", "kari", "--state", "open")
	require.NoError(t, err)
	assert.Equal(t, 2, strings.Count(stdout, "\n"), "both open")
}

// mailCLI is the command line (cliEnv) on a new store, mailing through an
// aiosmtpd of the test's own without TLS, with extra in its environment.
// importAccounts imports rows (a CSV with its header) of accounts and their
// identity numbers with cli's "account import".
func importAccounts(t *testing.T, cli func(args ...string) (string, string, error), rows string) {
	t.Helper()
	accounts := filepath.Join(t.TempDir(), "accounts.csv")
	require.NoError(t, os.WriteFile(accounts, []byte(rows), 0o600))
	_, stderr, err := cli("account", "import", accounts)
	require.NoError(t, err, stderr)
}

func mailCLI(t *testing.T, extra map[string]string) (func(args ...string) (string, string, error), *smtptest.Server) {
	t.Helper()
	smtp := smtptest.Start(t, smtptest.Options{Mode: smtptest.Plain})
	env := map[string]string{"STYRKE_DATA": dataWithStore(t), "STYRKE_SMTP_URL": smtp.URL(),
		"STYRKE_MAIL_FROM": "it@utfjord.example", "STYRKE_BASE_URL": "https://styrke.example"}
	for k, v := range extra {
		env[k] = v
	}
	return cliEnv(env), smtp
}

// cliEnv runs the command line as the desk's tests do: env is the whole
// environment, and it answers with what was written to stdout and stderr.
func cliEnv(env map[string]string) func(args ...string) (string, string, error) {
	getenv := func(k string) string { return env[k] }
	return func(args ...string) (string, string, error) {
		var stdout, stderr bytes.Buffer
		err := run(context.Background(), args, getenv, nil, &stdout, &stderr)
		return stdout.String(), stderr.String(), err
	}
}

// TestActivationUndeliveredSaysWhatNext: a create or resend whose link no
// channel delivered says, after the failures, what the desk does now, by
// why it failed; it said "NOT delivered by email: not configured" (a shell
// without serve's settings), "invalid recipient" or "temporary" and no more,
// and the desk did not know whether Styrke would try again (it does not),
// whether to hand the link over, or that a resend goes to the refused
// address again.
func TestActivationUndeliveredSaysWhatNext(t *testing.T) {
	smtp := smtptest.Start(t, smtptest.Options{Mode: smtptest.Plain, RejectDomain: "nosuch.example"})
	data := dataWithStore(t)
	env := map[string]string{"STYRKE_DATA": data, "STYRKE_SMTP_URL": smtp.URL(),
		"STYRKE_MAIL_FROM": "it@utfjord.example", "STYRKE_BASE_URL": "https://styrke.example"}
	cli := cliEnv(env)
	bare := cliEnv(map[string]string{"STYRKE_DATA": data, "STYRKE_BASE_URL": "https://styrke.example"})

	for _, tc := range []struct {
		name      string
		cli       func(args ...string) (string, string, error)
		args      []string
		want      []string
		notWanted []string
	}{
		{"no mail server set up", bare, []string{"--username", "kari", "--email", "kari@example.org"},
			[]string{"no mail server is set up", "STYRKE_SMTP_URL", "styrke activation revoke --id "}, []string{"resend"}},
		{"address refused", cli, []string{"--username", "ola", "--email", "ola@nosuch.example"},
			[]string{"refused the address", "styrke activation create", "styrke activation revoke --id "}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, err := tc.cli(append([]string{"activation", "create"}, tc.args...)...)
			require.ErrorIs(t, err, errReported, stderr)
			require.Contains(t, stdout, "https://styrke.example/aktiver/#/pw/", "the link is printed, to hand over")
			for _, w := range tc.want {
				assert.Contains(t, stderr, w)
			}
			for _, w := range tc.notWanted {
				assert.NotContains(t, stderr, w)
			}
		})
	}

	smtp.Down()
	stdout, stderr, err := cli("activation", "create", "--username", "per", "--email", "per@example.org")
	require.ErrorIs(t, err, errReported, stderr)
	require.Contains(t, stdout, "https://styrke.example/aktiver/#/pw/")
	id := strings.TrimPrefix(strings.SplitN(stderr[strings.Index(stderr, "id "):], "\n", 2)[0], "id ")
	assert.Contains(t, stderr, "no one was sent the link: Styrke does not try again")
	assert.Contains(t, stderr, "styrke activation resend --id "+id)
	assert.NotContains(t, stdout+stderr, "refused the address")
}

// TestActivationWelcomeUndeliveredSaysWhatNext: a welcome no channel
// delivered says what the desk does now, as a create's link does
// (TestActivationUndeliveredSaysWhatNext): the address refused, check it
// and welcome again to the right one; no mail server set up for the
// command; the mail server down, Styrke does not try again. It said "NOT
// delivered by email: invalid recipient" and no more.
func TestActivationWelcomeUndeliveredSaysWhatNext(t *testing.T) {
	smtp := smtptest.Start(t, smtptest.Options{Mode: smtptest.Plain, RejectDomain: "nosuch.example"})
	data := dataWithStore(t)
	env := map[string]string{"STYRKE_DATA": data, "STYRKE_SMTP_URL": smtp.URL(),
		"STYRKE_MAIL_FROM": "it@utfjord.example", "STYRKE_BASE_URL": "https://styrke.example",
		"STYRKE_IDENTITY_KEY": strings.Repeat("k", 32), "STYRKE_IDPORTEN_ISSUER": "https://test.idporten.no"}
	cli := cliEnv(env)
	bare := cliEnv(map[string]string{"STYRKE_DATA": data, "STYRKE_BASE_URL": "https://styrke.example",
		"STYRKE_IDENTITY_KEY": strings.Repeat("k", 32), "STYRKE_IDPORTEN_ISSUER": "https://test.idporten.no"})
	accounts := filepath.Join(t.TempDir(), "accounts.csv")
	require.NoError(t, os.WriteFile(accounts, []byte("username,name,institution,identity number\n"+
		"ola,Ola Nordmann,default,01019000083\nkari,Kari Nordmann,default,02019000012\n"), 0o600))
	_, stderr, err := cli("account", "import", accounts)
	require.NoError(t, err, stderr)

	_, stderr, err = bare("activation", "welcome", "--username", "kari", "--email", "kari@example.org")
	require.ErrorIs(t, err, errReported, stderr)
	assert.Contains(t, stderr, "what to do: nothing was sent: no mail server is set up for this command (--smtp-url or STYRKE_SMTP_URL")

	_, stderr, err = cli("activation", "welcome", "--username", "ola", "--email", "ola@nosuch.example")
	require.ErrorIs(t, err, errReported, stderr)
	assert.Contains(t, stderr, "what to do: the mail server refused the address (invalid recipient): check it with the person, then welcome them again to the right one")

	smtp.Down()
	_, stderr, err = cli("activation", "welcome", "--username", "ola", "--email", "ola@example.org")
	require.ErrorIs(t, err, errReported, stderr)
	assert.Contains(t, stderr, "what to do: no one was sent the welcome: Styrke does not try again; run the welcome again when the mail server or SMS provider answers")
}

// TestActivationResendOfARevokedLink: "activation resend --id" of a link
// the desk revoked sends nothing and says when, by whom and why (exit 1);
// it sent a new working link to the address the link was revoked for.
func TestActivationResendOfARevokedLink(t *testing.T) {
	cli, smtp := mailCLI(t, nil)
	_, stderr, err := cli("activation", "create", "--username", "kari", "--email", "kari@wrong.example")
	require.NoError(t, err, stderr)
	id := strings.TrimPrefix(strings.SplitN(stderr, "\n", 2)[0], "id ")
	_, stderr, err = cli("activation", "revoke", "--id", id, "--reason", "sent to the wrong address", "--actor", "cli:desk1")
	require.NoError(t, err, stderr)
	stdout, stderr, err := cli("activation", "resend", "--id", id)
	require.ErrorIs(t, err, errReported, stderr)
	assert.Empty(t, stdout, "no link")
	assert.Contains(t, stderr, "the link was revoked at ")
	assert.Contains(t, stderr, "by cli:desk1 (sent to the wrong address)")
	assert.Contains(t, stderr, "nothing was sent")
	assert.Equal(t, 1, len(smtp.Messages(t)), "the create's message only")
}

// TestActivationResendOfAClosedLink: "activation resend --id" of a link
// that was closed when the person set their password with another link
// sends nothing (exit 1) and says when, in Norwegian time, how the password
// was set, that the person has one and signs in with it, and, where the
// reset with ID-porten is on (--idporten-issuer, as for serve) and their
// identity number imported, that they reset a forgotten one themselves on
// the Forgot password page; a new link only if they did not set it. It said
// "if they need a new password, issue a link with activation create".
func TestActivationResendOfAClosedLink(t *testing.T) {
	data := t.TempDir()
	keys := filepath.Join(t.TempDir(), "keys")
	require.NoError(t, os.WriteFile(keys, []byte("desk "+testDeskKey+"\n"), 0o600))
	env := map[string]string{"STYRKE_DATA": data, "STYRKE_ADDR": "127.0.0.1:0", "STYRKE_BREACH_URL": "http://127.0.0.1:1",
		"STYRKE_ADMIN_KEYS_FILE": keys, "STYRKE_BASE_URL": "https://styrke.example", "STYRKE_IDENTITY_KEY": strings.Repeat("k", 32)}
	in := startServe(t, env)
	cli := cliEnv(env)
	link, stderr, err := cli("activation", "create", "--username", "cato")
	require.NoError(t, err, stderr)
	_, stderr, err = cli("activation", "create", "--username", "cato", "--ttl", "7d")
	require.NoError(t, err, stderr)
	closed := regexp.MustCompile(`id ([0-9a-f]{64})`).FindStringSubmatch(stderr)[1]
	_, token, _ := strings.Cut(strings.TrimSpace(link), "#/pw/")
	status, body := in.post(t, "/api/activation/complete", `{"token":"`+token+`","password":"`+testPass+`"}`, false)
	require.Equal(t, http.StatusOK, status, "%s", body)
	list, _, err := cli("activation", "list", "--username", "cato", "--state", "revoked")
	require.NoError(t, err)
	var v struct{ RevokedAt *time.Time }
	require.NoError(t, json.Unmarshal([]byte(list), &v), list)
	require.NotNil(t, v.RevokedAt)

	stdout, stderr, err := cli("activation", "resend", "--id", closed)
	require.ErrorIs(t, err, errReported, stderr)
	assert.Empty(t, stdout, "no link")
	assert.Equal(t, "activation resend: the link was closed at "+osloTime(*v.RevokedAt)+", when the person's password was set with another of their links: "+
		"they have a password, and nothing was sent; they sign in with the password they chose; "+
		"if they have forgotten it, or did not set it themselves, issue them a new link (activation create), which sets it again\n", stderr)

	accounts := filepath.Join(t.TempDir(), "accounts.csv")
	require.NoError(t, os.WriteFile(accounts, []byte("username,name,institution,identity number\ncato,Cato Nordmann,default,01019000083\n"), 0o600))
	_, stderr, err = cli("account", "import", accounts)
	require.NoError(t, err, stderr)
	env["STYRKE_IDPORTEN_ISSUER"] = "https://test.idporten.no"
	_, stderr, err = cli("activation", "resend", "--id", closed)
	require.ErrorIs(t, err, errReported, stderr)
	assert.Contains(t, stderr, "they sign in with the password they chose, and if they have forgotten it they choose a new one themselves on the Forgot password page (ID-porten); "+
		"if they did not set it themselves, issue them a new link (activation create)")
	list, _, err = cli("activation", "list", "--username", "cato", "--state", "open")
	require.NoError(t, err)
	assert.Empty(t, list, "no new link")

	// The link used: when, in Norwegian time, and the same what to do (it
	// said "that link was used: the account is activated", not when).
	list, _, err = cli("activation", "list", "--username", "cato", "--state", "used")
	require.NoError(t, err)
	var u struct {
		ID     string
		UsedAt *time.Time
	}
	require.NoError(t, json.Unmarshal([]byte(list), &u), list)
	require.NotNil(t, u.UsedAt)
	_, stderr, err = cli("activation", "resend", "--id", u.ID)
	require.ErrorIs(t, err, errReported, stderr)
	assert.Equal(t, "activation resend: the link was used at "+osloTime(*u.UsedAt)+": the person's password was set with it: "+
		"they have a password, and nothing was sent; they sign in with the password they chose, and if they have forgotten it they choose a new one themselves on the Forgot password page (ID-porten); "+
		"if they did not set it themselves, issue them a new link (activation create), which sets it again\n", stderr)
}

// TestActivationWelcomeWarnsOfNoAccount: "activation welcome" and
// "activation import --welcome" ask the directory (a real slapd, its flags
// as for serve) whether it has the account, as create does, and warn of a
// username it has none of (the welcome still goes): the person would sign
// in on the reset page and be sent to the desk. The welcome took no
// directory flags and said nothing.
func TestActivationWelcomeWarnsOfNoAccount(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), dirtest.StartTimeout)
	defer cancel()
	ol, err := dirtest.StartSlapd(ctx)
	require.NoError(t, err)
	t.Cleanup(ol.Close)
	_, err = ol.CreateUser("ola", "Initial!Passw0rd-2026")
	require.NoError(t, err)
	flags, err := ol.Flags(t.TempDir())
	require.NoError(t, err)
	cli, smtp := mailCLI(t, map[string]string{"STYRKE_IDENTITY_KEY": strings.Repeat("k", 32), "STYRKE_IDPORTEN_ISSUER": "https://test.idporten.no"})
	importAccounts(t, cli, "username,name,institution,identity number\nola,Ola Nordmann,default,01019000083\nolx,Olav Nordmann,uit,45019000013\n")

	_, stderr, err := cli(append([]string{"activation", "welcome", "--username", "ola", "--email", "ola@example.org"}, flags...)...)
	require.NoError(t, err, stderr)
	assert.NotContains(t, stderr, "warning")
	stdout, stderr, err := cli(append([]string{"activation", "welcome", "--username", "olx", "--institution", "uit", "--email", "ola@example.org"}, flags...)...)
	require.NoError(t, err, stderr)
	assert.Equal(t, "https://styrke.example/glemt/?institution=uit\n", stdout)
	assert.Contains(t, stderr, "welcome delivered by email")
	assert.Contains(t, stderr, `warning: the directory (ldaps://`+ol.HostPort()+`) has no account "olx", or more than one: the reset cannot set a password until it has one; check the username`)
	assert.NotContains(t, stderr, ol.ServicePassword)

	rows := filepath.Join(t.TempDir(), "new.csv")
	require.NoError(t, os.WriteFile(rows, []byte("username,institution,email\nola,default,ola@example.org\nolx,uit,ola@example.org\n"), 0o600))
	_, stderr, err = cli(append([]string{"activation", "import", "--csv", rows, "--welcome", "--reissue"}, flags...)...)
	require.NoError(t, err, stderr)
	assert.Contains(t, stderr, `line 3: warning: the directory (ldaps://`+ol.HostPort()+`) has no account "olx"`)
	assert.NotContains(t, stderr, "line 2: warning")
	assert.Contains(t, stderr, "2 rows: 2 welcomed, 0 skipped (welcomed before), 0 failed\n1 of the welcomes came with a warning from the directory (the lines above say which, and what to do)\n")
	assert.Len(t, smtp.Messages(t), 4)
}

// TestActivationImportWarnsWhenTheDirectoryIsDown: a link import while
// the directory does not answer (slapd stopped) warns of each row with
// why, and its summary counts the warnings without naming a cause: it
// said "2 of the links created are for usernames the directory has no
// account of" of accounts the directory has, and a desk worker looked
// for typos in a file without any.
func TestActivationImportWarnsWhenTheDirectoryIsDown(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), dirtest.StartTimeout)
	defer cancel()
	ol, err := dirtest.StartSlapd(ctx)
	require.NoError(t, err)
	t.Cleanup(ol.Close)
	for _, u := range []string{"ola", "kari"} {
		_, err = ol.CreateUser(u, "Initial!Passw0rd-2026")
		require.NoError(t, err)
	}
	flags, err := ol.Flags(t.TempDir())
	require.NoError(t, err)
	cli := cliEnv(map[string]string{"STYRKE_DATA": dataWithStore(t), "STYRKE_BASE_URL": "https://styrke.example"})
	rows := filepath.Join(t.TempDir(), "new.csv")
	require.NoError(t, os.WriteFile(rows, []byte("username\nola\nkari\n"), 0o600))
	ol.Stop()
	_, stderr, err := cli(append([]string{"activation", "import", "--csv", rows, "--no-deliver"}, flags...)...)
	require.NoError(t, err, stderr)
	assert.Contains(t, stderr, `line 2: warning: the directory (ldaps://`+ol.HostPort()+`) did not answer (`)
	assert.Contains(t, stderr, `line 3: warning: the directory (ldaps://`+ol.HostPort()+`) did not answer (`)
	assert.Contains(t, stderr, "2 rows: 2 created, 0 skipped (open or already activated), 0 failed\n"+
		"2 of the links created came with a warning from the directory (the lines above say which, and what to do)\n")
	assert.NotContains(t, stderr, "no account")
	assert.NotContains(t, stderr, ol.ServicePassword)
	// Said once a row, in the desk's words: not again as the desk's log
	// line ("WARN issue: the directory could not say …"), which went to
	// the terminal beside them.
	assert.NotContains(t, stderr, "could not say whether the account exists")
}

// TestActivationWelcomeImportFailedSaysWhatNext: a welcome import whose
// welcomes the mail server did not take (it is down) says, after its
// count, what the desk does now: run the same import again once the mail
// server answers, which sends the welcomes that failed and skips the people
// welcomed. It said "1 failed" and no more, where a link import says that
// its re-run sends its undelivered links anew. The re-run does so.
func TestActivationWelcomeImportFailedSaysWhatNext(t *testing.T) {
	cli, smtp := mailCLI(t, map[string]string{"STYRKE_IDENTITY_KEY": strings.Repeat("k", 32), "STYRKE_IDPORTEN_ISSUER": "https://test.idporten.no"})
	importAccounts(t, cli, "username,name,institution,identity number\nola,Ola Nordmann,default,01019000083\nper,Per Hansen,default,45019000013\n")
	_, stderr, err := cli("activation", "welcome", "--username", "ola", "--email", "ola@example.org")
	require.NoError(t, err, stderr)

	rows := filepath.Join(t.TempDir(), "new.csv")
	require.NoError(t, os.WriteFile(rows, []byte("username,email\nola,ola@example.org\nper,per@example.org\n"), 0o600))
	smtp.Down()
	_, stderr, err = cli("activation", "import", "--csv", rows, "--welcome")
	require.ErrorIs(t, err, errReported, stderr)
	assert.Contains(t, stderr, "2 rows: 0 welcomed, 1 skipped (welcomed before), 1 failed\n")
	assert.Contains(t, stderr, "what to do: 1 welcome was not sent, and Styrke does not try again: run the same import again once the mail server or SMS provider answers "+
		"(mend an address or number the lines above say was refused first); it sends the welcomes that failed and skips the people welcomed\n")

	smtp.Up(t)
	_, stderr, err = cli("activation", "import", "--csv", rows, "--welcome")
	require.NoError(t, err, stderr)
	assert.Contains(t, stderr, "2 rows: 1 welcomed, 1 skipped (welcomed before), 0 failed\n")
	assert.NotContains(t, stderr, "what to do")
	assert.Len(t, smtp.Messages(t), 2, "ola's single welcome and per's")
}

// TestActivationImportSaysWhatItReplaced: an import row that gives an open
// link's person another address replaces that link (a new one to the row's
// address, the old revoked), and the summary says how many links it
// replaced and that the old ones no longer work; it said "1 created" alone,
// and the desk did not know that a link it had sent before was dead (found
// walking the desk's day against Samba AD). The API's report counts them
// ("replaced").
func TestActivationImportSaysWhatItReplaced(t *testing.T) {
	cli, _ := mailCLI(t, nil)
	_, stderr, err := cli("activation", "create", "--username", "kari", "--email", "kari@old.example")
	require.NoError(t, err, stderr)
	csvFile := filepath.Join(t.TempDir(), "moved.csv")
	require.NoError(t, os.WriteFile(csvFile, []byte("username,name,email\nkari,Kari,kari@new.example\nola,Ola,ola@example.org\n"), 0o600))
	_, stderr, err = cli("activation", "import", "--csv", csvFile)
	require.NoError(t, err, stderr)
	assert.Contains(t, stderr, "2 rows: 2 created, 0 skipped")
	assert.Contains(t, stderr, "1 of the links created replaced an open link of the same person (to another address, or whose delivery had failed): the old link was revoked and no longer works")
}
