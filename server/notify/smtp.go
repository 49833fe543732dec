package notify

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/textproto"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// TLSMode is how the SMTP connection is encrypted.
type TLSMode int

// TLS modes.
const (
	StartTLS TLSMode = iota // plain connect, then STARTTLS, required (port 587)
	Implicit                // TLS from the first byte (port 465)
	NoTLS                   // no encryption: only for a relay on loopback
)

// SMTPConfig is where and how to send e-mail.
type SMTPConfig struct {
	Host     string
	Port     int // default 587 (StartTLS), 465 (Implicit), 25 (NoTLS)
	TLS      TLSMode
	Username string // empty: no authentication
	Password string
	From     string // the sender address, "Name <addr>" allowed
	// RootCAs verifies the server's certificate; nil uses the system's.
	RootCAs *x509.CertPool
	// Timeout bounds connecting and each command; default 15 s.
	Timeout time.Duration
	// Domain is the right-hand side of generated Message-IDs; default the
	// From address's domain.
	Domain string
}

// ParseSMTPURL reads an SMTP server URL:
//
//	smtp://user:pass@host:587    STARTTLS (required)
//	smtps://user:pass@host:465   implicit TLS
//	smtp+plain://host:25         no TLS (a relay on loopback only)
//
// User and password are optional (and percent-encoded). Errors never
// contain the password.
func ParseSMTPURL(raw string) (SMTPConfig, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return SMTPConfig{}, errors.New("notify: SMTP URL does not parse")
	}
	var c SMTPConfig
	switch u.Scheme {
	case "smtp":
		c.TLS, c.Port = StartTLS, 587
	case "smtps":
		c.TLS, c.Port = Implicit, 465
	case "smtp+plain":
		c.TLS, c.Port = NoTLS, 25
	default:
		return SMTPConfig{}, fmt.Errorf("notify: SMTP URL scheme %q is not smtp, smtps or smtp+plain", u.Scheme)
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return SMTPConfig{}, errors.New("notify: SMTP URL has no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return SMTPConfig{}, fmt.Errorf("notify: SMTP URL port %q is not 1..65535", p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return SMTPConfig{}, errors.New("notify: SMTP URL has a path or query; only scheme, user, host and port are used")
	}
	return c, nil
}

// SMTP is a Mailer that opens one connection per message through
// github.com/wneessen/go-mail.
type SMTP struct {
	cfg  SMTPConfig
	from *mail.Address
}

// NewSMTP checks cfg and returns its Mailer.
func NewSMTP(cfg SMTPConfig) (*SMTP, error) {
	if cfg.Host == "" {
		return nil, errors.New("notify: SMTP host is empty")
	}
	from, err := mail.ParseAddress(cfg.From)
	if err != nil {
		return nil, fmt.Errorf("notify: sender address %q: %w", cfg.From, err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.Domain == "" {
		_, cfg.Domain, _ = strings.Cut(from.Address, "@")
	}
	if cfg.Port == 0 {
		cfg.Port = map[TLSMode]int{StartTLS: 587, Implicit: 465, NoTLS: 25}[cfg.TLS]
	}
	return &SMTP{cfg: cfg, from: from}, nil
}

// NewMessageID returns a fresh Message-ID (without angle brackets) under
// domain.
func NewMessageID(domain string) string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:]) + "@" + domain
}

// Domain is the right-hand side of the Message-IDs s makes.
func (s *SMTP) Domain() string { return s.cfg.Domain }

// Send implements Mailer: a multipart/alternative message (text, then
// HTML) with Message-ID, Date and Auto-Submitted: auto-generated.
func (s *SMTP) Send(ctx context.Context, m Message) error {
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return fmt.Errorf("%w: e-mail address does not parse", ErrInvalidRecipient)
	}
	msg := gomail.NewMsg()
	msg.FromMailAddress(s.from)
	msg.ToMailAddress(to)
	msg.Subject(m.Subject)
	id := m.MessageID
	if id == "" {
		id = NewMessageID(s.cfg.Domain)
	}
	msg.SetMessageIDWithValue(id)
	msg.SetDate()
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	msg.SetUserAgent("Styrke")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}

	tlsConfig := &tls.Config{ServerName: s.cfg.Host, RootCAs: s.cfg.RootCAs, MinVersion: tls.VersionTLS12}
	// The connection is dialled here, with a deadline for everything
	// before the first command go-mail times itself (the greeting, EHLO,
	// STARTTLS, AUTH), and closed when ctx ends: go-mail read the server's
	// greeting with no deadline, and a server that took the connection and
	// never spoke (STARTTLS pointed at an implicit-TLS port) held a desk's
	// request and the notice worker for minutes.
	var stops []func() bool
	defer func() {
		for _, stop := range stops {
			stop()
		}
	}()
	var watched *watchedConn
	dial := func(dctx context.Context, network, addr string) (net.Conn, error) {
		raw, err := (&net.Dialer{}).DialContext(dctx, network, addr)
		if err != nil {
			return nil, err
		}
		if err := raw.SetDeadline(time.Now().Add(s.cfg.Timeout)); err != nil {
			raw.Close()
			return nil, err
		}
		// Watched beneath TLS: what went to the server and what came
		// back, whatever the encryption.
		watched = &watchedConn{Conn: raw}
		var conn net.Conn = watched
		if s.cfg.TLS == Implicit {
			tc := tls.Client(watched, tlsConfig)
			if err := tc.HandshakeContext(dctx); err != nil {
				raw.Close()
				return nil, err
			}
			conn = tc
		}
		stops = append(stops, context.AfterFunc(ctx, func() { conn.Close() }))
		return conn, nil
	}
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(s.cfg.Timeout),
		gomail.WithTLSConfig(tlsConfig),
		gomail.WithDialContextFunc(dial),
	}
	switch s.cfg.TLS {
	case StartTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case Implicit:
		// TLS from the first byte: dial makes it (go-mail's own
		// WithSSL dialling is not used with a dial function of ours).
		opts = append(opts, gomail.WithSSL())
	case NoTLS:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.cfg.Username != "" {
		auth := gomail.SMTPAuthPlain
		if s.cfg.TLS == NoTLS {
			auth = gomail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, gomail.WithSMTPAuth(auth), gomail.WithUsername(s.cfg.Username), gomail.WithPassword(s.cfg.Password))
	}
	c, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return fmt.Errorf("%w: smtp client: %v", ErrPermanent, scrub(err, s.cfg.Password))
	}
	err = c.DialAndSendWithContext(ctx, msg)
	switch {
	case err == nil, msg.IsDelivered():
		// The server answered 250 to the message: what failed after it
		// (RSET, QUIT) does not undo it, and a retry would send it twice.
		return nil
	case unanswered(err, watched):
		return fmt.Errorf("%w: the whole message was sent and the server's reply to its end did not come: %s", ErrUnconfirmed, scrub(err, s.cfg.Password))
	}
	return classify(err, s.cfg.Password)
}

// unanswered reports whether err is the end of the message going
// unanswered: every byte of it written to the server, and then the reading
// of the reply failed (a time limit, the connection closed) before any
// write did (the QUIT after it fails too). The server may have taken it, as
// a slow one does that answers only after it has delivered or scanned it;
// a write that failed first left it incomplete, which a server drops.
func unanswered(err error, conn *watchedConn) bool {
	var se *gomail.SendError
	return conn != nil && errors.As(err, &se) && se.Reason == gomail.ErrSMTPDataClose &&
		conn.firstFailure.Load() == readFailed
}

// watchedConn is the connection to the mail server, noting whether a read
// from it or a write to it failed first.
type watchedConn struct {
	net.Conn
	firstFailure atomic.Int32 // 0, readFailed or writeFailed
}

const (
	readFailed = iota + 1
	writeFailed
)

func (c *watchedConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if err != nil {
		c.firstFailure.CompareAndSwap(0, readFailed)
	}
	return n, err
}

func (c *watchedConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	if err != nil {
		c.firstFailure.CompareAndSwap(0, writeFailed)
	}
	return n, err
}

// classify maps a go-mail error to ours: replies 4xx, network errors and
// timeouts are temporary; a 5xx reply to RCPT TO that says the mailbox is
// unknown or the address wrong (550, 551, 553, or an enhanced status 5.1.x:
// "bad destination mailbox address", RFC 3463) is an invalid recipient,
// which the desk must correct; other 5xx replies and TLS or authentication
// failures are permanent (a configuration to fix).
func classify(err error, secret string) error {
	text := scrub(err, secret)
	var se *gomail.SendError
	if errors.As(err, &se) {
		if se.IsTemp() {
			return fmt.Errorf("%w: %s", ErrTemporary, text)
		}
		if se.Reason == gomail.ErrSMTPRcptTo && badMailbox(se.ErrorCode(), se.EnhancedStatusCode(), text) {
			return fmt.Errorf("%w: %s", ErrInvalidRecipient, text)
		}
		if code := se.ErrorCode(); code >= 500 {
			return fmt.Errorf("%w: %s", ErrPermanent, text)
		}
	}
	var tp *textproto.Error
	if errors.As(err, &tp) {
		if tp.Code >= 500 {
			return fmt.Errorf("%w: %s", ErrPermanent, text)
		}
		return fmt.Errorf("%w: %s", ErrTemporary, text)
	}
	var ve *tls.CertificateVerificationError
	var he x509.HostnameError
	var ue x509.UnknownAuthorityError
	if errors.As(err, &ve) || errors.As(err, &he) || errors.As(err, &ue) ||
		strings.Contains(text, "SMTP AUTH failed") || strings.Contains(text, "not support STARTTLS") ||
		errors.Is(err, gomail.ErrPlainAuthNotSupported) {
		return fmt.Errorf("%w: %s", ErrPermanent, text)
	}
	return fmt.Errorf("%w: %s", ErrTemporary, text)
}

// badMailbox reports whether a reply to RCPT TO says the address is wrong:
// an enhanced status 5.1.x (read from the reply's text when go-mail gives
// none apart), or without one 550 (mailbox unavailable), 551 (user not
// local) or 553 (mailbox name not allowed). A 550 5.7.1, relaying denied,
// is the mail setup's, not the address's.
func badMailbox(code int, enhanced, text string) bool {
	if enhanced == "" {
		enhanced = enhancedStatus.FindString(text)
	}
	if enhanced != "" {
		return strings.HasPrefix(enhanced, "5.1.")
	}
	return code == 550 || code == 551 || code == 553
}

// enhancedStatus is an RFC 3463 status code of a permanent failure.
var enhancedStatus = regexp.MustCompile(`\b5\.\d{1,3}\.\d{1,3}\b`)

// scrub is err's text without secret (an SMTP server may echo what it was
// given).
func scrub(err error, secret string) string {
	s := err.Error()
	if secret != "" {
		s = strings.ReplaceAll(s, secret, "***")
	}
	// The server's reply and go-mail quote the recipient ("550 5.1.1
	// <ola.privat@…>: …", "affected recipient(s): <…>"), and the error is
	// logged: a person's private address. Every address goes, the
	// message's id too (it names only the sender's domain).
	return mailAddress.ReplaceAllString(s, "<address>")
}

// mailAddress is anything shaped like an e-mail address in an error's
// text, with its angle brackets.
var mailAddress = regexp.MustCompile(`<?[^\s<>"(),;:]+@[^\s<>"(),;:]+>?`)
