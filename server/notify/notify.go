// Package notify delivers messages to people: activation links by e-mail
// (SMTP) and SMS, and notices about password changes through a queue in the
// store that a worker retries with backoff, so that a mail server that is
// down never fails a password change and nothing is lost across restarts.
//
// Providers' errors become this package's errors at the edge (ErrTemporary,
// ErrPermanent, ErrRateLimited, ErrInvalidRecipient): callers never see SMTP
// or HTTP types. No message body, link or token is ever logged or put in an
// error.
package notify

import (
	"context"
	"errors"
)

// Errors of every sender, for errors.Is.
var (
	// ErrTemporary: the message was not delivered but may be on a retry
	// (server down, timeout, 4xx SMTP reply).
	ErrTemporary = errors.New("notify: temporary delivery failure")
	// ErrPermanent: the message will never be delivered as it is (5xx SMTP
	// reply, account or configuration refused).
	ErrPermanent = errors.New("notify: permanent delivery failure")
	// ErrRateLimited: the provider asked us to slow down.
	ErrRateLimited = errors.New("notify: rate limited by the provider")
	// ErrInvalidRecipient: the address or number is not one we can send to.
	ErrInvalidRecipient = errors.New("notify: invalid recipient")
	// ErrCapReached: the institution's daily SMS cap is used up.
	ErrCapReached = errors.New("notify: daily SMS cap reached")
	// ErrNotConfigured: no sender is configured for the channel.
	ErrNotConfigured = errors.New("notify: channel not configured")
	// ErrNotTried: the message was not sent, since the channel failed
	// too often in a row just before (an import's mail server down).
	ErrNotTried = errors.New("notify: not tried")
	// ErrUnconfirmed: the whole message was sent and the server's reply to
	// its end did not come (a mail server slower than the time limit, or
	// the connection lost then). It may have arrived: neither a failure
	// nor worth another attempt, which could be a duplicate; the person
	// is asked first.
	ErrUnconfirmed = errors.New("notify: delivery unconfirmed")
)

// Message is one e-mail: a text part and an HTML alternative.
type Message struct {
	To        string
	Subject   string
	Text      string
	HTML      string
	MessageID string // without angle brackets; empty: one is made
}

// Mailer sends e-mail. *SMTP is one.
type Mailer interface {
	Send(ctx context.Context, m Message) error
}

// MailerFunc adapts a function to a Mailer.
type MailerFunc func(ctx context.Context, m Message) error

// Send calls f.
func (f MailerFunc) Send(ctx context.Context, m Message) error { return f(ctx, m) }

// SMSSender sends one text message to an E.164 number. *Twilio is one.
type SMSSender interface {
	SendSMS(ctx context.Context, to, body string) error
}

// Retryable reports whether err is worth another attempt later.
func Retryable(err error) bool {
	return errors.Is(err, ErrTemporary) || errors.Is(err, ErrRateLimited)
}
