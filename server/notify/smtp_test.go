package notify_test

import (
	"context"
	"fmt"
	"net/mail"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/notify/smtptest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	smtptest.StopShared()
	os.Exit(code)
}

func mailer(t *testing.T, s *smtptest.Server, mod func(*notify.SMTPConfig)) *notify.SMTP {
	t.Helper()
	cfg, err := notify.ParseSMTPURL(s.URL())
	require.NoError(t, err)
	cfg.From = "Utfjord IT <it@utfjord.example>"
	cfg.RootCAs = s.CA
	cfg.Timeout = 5 * time.Second
	if mod != nil {
		mod(&cfg)
	}
	m, err := notify.NewSMTP(cfg)
	require.NoError(t, err)
	return m
}

var sample = notify.Message{
	To:      "Kari Nordmann <kari@example.org>",
	Subject: "Velkommen til Utfjord kommune: aktiver brukerkontoen din",
	Text:    "Hei Kari,\n\nÆrlig talt: gå til lenken.\n",
	HTML:    "<p>Hei Kari,</p><p>Ærlig talt: gå til lenken.</p>",
}

// TestSMTPDelivers sends through a real aiosmtpd in each TLS mode and reads
// the message back from its Maildir.
func TestSMTPDelivers(t *testing.T) {
	tests := []struct {
		name string
		opts smtptest.Options
	}{
		{"starttls with auth", smtptest.Options{Mode: smtptest.StartTLS, User: "styrke", Password: "smtp-secret-9f3a"}},
		{"implicit tls with auth", smtptest.Options{Mode: smtptest.Implicit, User: "styrke", Password: "smtp-secret-9f3a"}},
		{"plain relay on loopback", smtptest.Options{Mode: smtptest.Plain}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := smtptest.Start(t, tt.opts)
			m := mailer(t, s, nil)
			msg := sample
			msg.MessageID = "abc123@utfjord.example"
			require.NoError(t, m.Send(t.Context(), msg))
			got := s.Messages(t)
			require.Len(t, got, 1)
			r := got[0]
			assert.Equal(t, "multipart/alternative", r.ContentType)
			assert.Equal(t, "<abc123@utfjord.example>", r.Header.Get("Message-Id"))
			assert.Equal(t, "auto-generated", r.Header.Get("Auto-Submitted"))
			date, err := r.Header.Date()
			require.NoError(t, err, "Date header")
			assert.WithinDuration(t, time.Now(), date, time.Minute)
			subj, err := (&mimeDecoder).DecodeHeader(r.Header.Get("Subject"))
			require.NoError(t, err)
			assert.Equal(t, sample.Subject, subj)
			from, err := r.Header.AddressList("From")
			require.NoError(t, err)
			assert.Equal(t, []*mail.Address{{Name: "Utfjord IT", Address: "it@utfjord.example"}}, from)
			to, err := r.Header.AddressList("To")
			require.NoError(t, err)
			assert.Equal(t, "kari@example.org", to[0].Address)
			assert.Equal(t, sample.Text, strings.ReplaceAll(r.Text, "\r\n", "\n"))
			assert.Equal(t, sample.HTML, strings.ReplaceAll(r.HTML, "\r\n", "\n"))
		})
	}
}

// TestSharedMailboxes: mailboxes of one shared server (smtptest.Shared,
// one aiosmtpd for the test binary) each hold only what was sent with
// their own login; a login of another user or a wrong password is
// refused; Down and Up refuse a shared server, which other tests use.
func TestSharedMailboxes(t *testing.T) {
	const secret = "smtp-secret-9f3a"
	o := smtptest.Options{Mode: smtptest.StartTLS, User: "styrke", Password: secret}
	a, b := smtptest.Shared(t, o), smtptest.Shared(t, o)
	require.Equal(t, a.Port, b.Port, "one server")
	require.NotEqual(t, a.Opts.User, b.Opts.User)
	for i, s := range []*smtptest.Server{a, b, a} {
		msg := sample
		msg.MessageID = fmt.Sprintf("m%d@utfjord.example", i)
		require.NoError(t, mailer(t, s, nil).Send(t.Context(), msg))
	}
	ids := func(s *smtptest.Server) []string {
		var out []string
		for _, m := range s.Messages(t) {
			out = append(out, m.Header.Get("Message-Id"))
		}
		return out
	}
	assert.Equal(t, []string{"<m0@utfjord.example>", "<m2@utfjord.example>"}, ids(a))
	assert.Equal(t, []string{"<m1@utfjord.example>"}, ids(b))
	assert.Empty(t, smtptest.Shared(t, o).Messages(t), "a new mailbox is empty")

	for name, mod := range map[string]func(*notify.SMTPConfig){
		"another user's login":               func(c *notify.SMTPConfig) { c.Username = "other+1" },
		"a login not the user's plus digits": func(c *notify.SMTPConfig) { c.Username = "styrke+1/../x" },
		"wrong password":                     func(c *notify.SMTPConfig) { c.Password = "wrong-" + secret },
	} {
		err := mailer(t, a, mod).Send(t.Context(), sample)
		assert.ErrorIs(t, err, notify.ErrPermanent, name)
	}
	assert.Len(t, a.Messages(t), 2, "nothing more delivered")
	assert.Panics(t, a.Down)
}

func TestSMTPMessageIDGenerated(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{Mode: smtptest.Plain})
	require.NoError(t, mailer(t, s, nil).Send(t.Context(), sample))
	got := s.Messages(t)
	require.Len(t, got, 1)
	id := got[0].Header.Get("Message-Id")
	assert.Regexp(t, `^<[0-9a-f]{32}@utfjord\.example>$`, id)
}

// TestSMTPFailures checks each failure becomes the right class of error and
// that no error quotes the SMTP password.
func TestSMTPFailures(t *testing.T) {
	const secret = "smtp-secret-9f3a"
	up := smtptest.Start(t, smtptest.Options{Mode: smtptest.StartTLS, User: "styrke", Password: secret, RejectDomain: "unknown.example"})
	down := smtptest.New(t, smtptest.Options{Mode: smtptest.StartTLS})
	plain := smtptest.Start(t, smtptest.Options{Mode: smtptest.Plain})
	tests := []struct {
		name string
		m    *notify.SMTP
		msg  notify.Message
		want error
	}{
		{"server down", mailer(t, down, nil), sample, notify.ErrTemporary},
		{"wrong password", mailer(t, up, func(c *notify.SMTPConfig) { c.Password = "wrong-" + secret }), sample, notify.ErrPermanent},
		{"untrusted certificate", mailer(t, up, func(c *notify.SMTPConfig) { c.RootCAs = nil }), sample, notify.ErrPermanent},
		{"server without STARTTLS", mailer(t, plain, func(c *notify.SMTPConfig) { c.TLS = notify.StartTLS }), sample, notify.ErrPermanent},
		{"bad recipient", mailer(t, up, nil), notify.Message{To: "not an address", Subject: "x", Text: "x"}, notify.ErrInvalidRecipient},
		// The desk is told the address is wrong, not "permanent", which
		// reads as the mail setup's fault.
		{"unknown mailbox", mailer(t, up, nil), notify.Message{To: "nobody@unknown.example", Subject: "x", Text: "x"}, notify.ErrInvalidRecipient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
			defer cancel()
			err := tt.m.Send(ctx, tt.msg)
			require.ErrorIs(t, err, tt.want)
			assert.NotContains(t, err.Error(), secret)
			// Nor the address: the server's reply quotes it, and the
			// error goes to the log (a person's private address).
			if strings.Contains(tt.msg.To, "@") {
				assert.NotContains(t, err.Error(), tt.msg.To)
				assert.NotContains(t, err.Error(), "nobody@")
			}
		})
	}
	assert.Empty(t, up.Messages(t))
}

// TestSMTPSilentServer: a server that takes the connection and never
// greets (STARTTLS pointed at an implicit-TLS port, where each side waits
// for the other) fails the send as temporary within the time limit, and a
// cancelled context ends it at once. Both held the send (a desk's request,
// the notice worker) for minutes: the greeting was read with no deadline.
func TestSMTPSilentServer(t *testing.T) {
	implicit := smtptest.Start(t, smtptest.Options{Mode: smtptest.Implicit})
	m := mailer(t, implicit, func(c *notify.SMTPConfig) { c.TLS, c.Timeout = notify.StartTLS, time.Second })
	start := time.Now()
	err := m.Send(t.Context(), sample)
	require.ErrorIs(t, err, notify.ErrTemporary)
	assert.Less(t, time.Since(start), 5*time.Second, "the time limit holds for the greeting")

	m = mailer(t, implicit, func(c *notify.SMTPConfig) { c.TLS, c.Timeout = notify.StartTLS, time.Minute })
	ctx, cancel := context.WithTimeout(t.Context(), 500*time.Millisecond)
	defer cancel()
	start = time.Now()
	require.Error(t, m.Send(ctx, sample))
	assert.Less(t, time.Since(start), 5*time.Second, "a cancelled context ends the send")
	assert.Empty(t, implicit.Messages(t))
}

func TestParseSMTPURL(t *testing.T) {
	tests := []struct {
		name, url string
		want      notify.SMTPConfig
	}{
		{"starttls default port", "smtp://mail.example.org", notify.SMTPConfig{Host: "mail.example.org", Port: 587, TLS: notify.StartTLS}},
		{"implicit with auth", "smtps://user%40x:p%3Ass@mail.example.org:4650", notify.SMTPConfig{Host: "mail.example.org", Port: 4650, TLS: notify.Implicit, Username: "user@x", Password: "p:ss"}},
		{"plain", "smtp+plain://127.0.0.1", notify.SMTPConfig{Host: "127.0.0.1", Port: 25, TLS: notify.NoTLS}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := notify.ParseSMTPURL(tt.url)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestParseSMTPURLRefused(t *testing.T) {
	for name, u := range map[string]string{
		"http scheme": "http://mail.example.org",
		"no host":     "smtp://",
		"bad port":    "smtp://mail.example.org:99999",
		"path":        "smtp://mail.example.org/x",
		"query":       "smtp://mail.example.org?tls=no",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := notify.ParseSMTPURL(u)
			assert.Error(t, err)
		})
	}
	_, err := notify.ParseSMTPURL("smtp://u:topsecret@%zz")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "topsecret")
}

// TestSMTPSlowReplyToData: a mail server that took the whole message and
// answers its end past the time limit (a content scan) has it: the send
// is unconfirmed, neither a failure nor to be tried again (the message
// may have arrived, and a second would be a duplicate). It was temporary,
// and the desk's resend revoked the link in the person's inbox.
func TestSMTPSlowReplyToData(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{Mode: smtptest.StartTLS, User: "styrke", Password: "smtp-secret-9f3a", DataReplyDelay: 3 * time.Second})
	m := mailer(t, s, func(c *notify.SMTPConfig) { c.Timeout = time.Second })
	err := m.Send(t.Context(), sample)
	require.ErrorIs(t, err, notify.ErrUnconfirmed)
	assert.False(t, notify.Retryable(err), "not to be sent again blindly")
	assert.NotErrorIs(t, err, notify.ErrTemporary)
	assert.Equal(t, "unconfirmed", notify.ErrorClass(err))
	assert.NotContains(t, err.Error(), "kari@example.org")
	assert.Len(t, s.Messages(t), 1, "the message arrived")
}

// TestSMTPSlowAfterTheMessage: a server that answered 250 to the message
// and then is slow (to RSET, QUIT) delivered it: the send succeeds. It was
// temporary, and the notice queue sent the notice again.
func TestSMTPSlowAfterTheMessage(t *testing.T) {
	s := smtptest.Start(t, smtptest.Options{Mode: smtptest.Implicit, SlowAfterData: 3 * time.Second})
	m := mailer(t, s, func(c *notify.SMTPConfig) { c.Timeout = time.Second })
	require.NoError(t, m.Send(t.Context(), sample))
	assert.Len(t, s.Messages(t), 1)
}
