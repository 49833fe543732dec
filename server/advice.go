package server

import (
	"slices"
	"strings"

	"github.com/styrke-iam/styrke/server/notify"
)

// Steps are the words for the desk's next steps in one client of the
// desk: the CLI's commands (cmd/styrke) or the admin API's requests
// (APISteps). UndeliveredAdvice and WelcomeAdvice put them into what to do.
type Steps struct {
	// Link and Address name the link, or the welcome's address, as the
	// client shows them ("the link above").
	Link, Address string
	// Create issues a new link; Welcome welcomes the person again.
	Create, Welcome string
	// Revoke and Resend the link id.
	Revoke, Resend func(id string) string
	// NoMail and NoSMS say that the client's side had no mail server, or
	// no SMS provider, set up; Again what to do once it has them.
	NoMail, NoSMS, Again string
}

// APISteps are the admin API's: its requests, and this server's settings.
var APISteps = Steps{
	Link: "the link in this answer", Address: "the address in this answer",
	Create:  "POST /api/admin/activations",
	Welcome: "POST /api/admin/welcome",
	Revoke:  func(id string) string { return `POST /api/admin/activations/revoke {"id":"` + id + `"}` },
	Resend:  func(id string) string { return `POST /api/admin/activations/resend {"id":"` + id + `"}` },
	NoMail:  "this server has no mail server set up (styrke serve --smtp-url or STYRKE_SMTP_URL)",
	NoSMS:   "this server has no SMS provider set up (styrke serve --twilio-account-sid and the rest, or STYRKE_TWILIO_…)",
	Again:   "send it again once the server has them",
}

// UndeliveredAdvice says what the desk does with a link no channel
// delivered, by why its deliveries failed ("" when none was tried, or one
// delivered it): a refused address needs a link to the right one (a
// resend goes to the same), a client without delivery settings sent
// nothing, and any other failure is not tried again by Styrke. The
// failures alone ("email: not configured") left the desk to guess.
func UndeliveredAdvice(is Issued, s Steps) string {
	f := failuresOf(is.Deliveries)
	switch {
	case len(f.failed) == 0 || is.Sent():
		return ""
	case len(f.refused) > 0:
		who, what := f.refusals()
		return who + " (invalid recipient): check it with the person, then issue a link to the right one (" + s.Create +
			") and revoke this one (" + s.Revoke(is.ID) + "); a resend goes to the same " + what
	case len(f.notSetUp) == len(f.failed):
		return "nothing was sent: " + f.notSetUpWords(s) + "; hand " + s.Link + " to the person yourself, " +
			"or revoke it (" + s.Revoke(is.ID) + ") and " + s.Again
	}
	return "no one was sent the link: Styrke does not try again; hand " + s.Link + " to the person yourself (it is not shown again), " +
		"or send a new one when the mail server or SMS provider answers again: " + s.Resend(is.ID)
}

// WelcomeAdvice is UndeliveredAdvice for a welcome no channel delivered
// ("" when one did, or none was tried): it is not recorded as sent, so the
// same welcome sends it again.
func WelcomeAdvice(deliveries []Delivery, s Steps) string {
	f := failuresOf(deliveries)
	switch {
	case len(f.failed) == 0 || len(f.failed) < len(deliveries):
		return ""
	case len(f.refused) > 0:
		who, _ := f.refusals()
		return who + " (invalid recipient): check it with the person, then welcome them again to the right one (" + s.Welcome + ")"
	case len(f.notSetUp) == len(f.failed):
		return "nothing was sent: " + f.notSetUpWords(s) + "; " + s.Again + " (" + s.Welcome + "), or give the person " + s.Address + " yourself"
	}
	return "no one was sent the welcome: Styrke does not try again; run the welcome again when the mail server or SMS provider answers (" + s.Welcome + "), " +
		"or give the person " + s.Address + " yourself"
}

// failures are the channels whose delivery of a link or welcome failed
// (a link's code aside), and of those the ones that refused the address
// or number, and the ones the client had no settings for.
type failures struct{ failed, refused, notSetUp []string }

func failuresOf(deliveries []Delivery) failures {
	var f failures
	for _, d := range deliveries {
		if d.OK || d.Unconfirmed() || d.What == "code" {
			continue
		}
		f.failed = append(f.failed, d.Channel)
		switch d.Error {
		case notify.ErrorClass(notify.ErrInvalidRecipient):
			f.refused = append(f.refused, d.Channel)
		case notify.ErrorClass(notify.ErrNotConfigured):
			f.notSetUp = append(f.notSetUp, d.Channel)
		}
	}
	return f
}

// refusals says who refused what, and what was refused.
func (f failures) refusals() (who, what string) {
	switch {
	case !slices.Contains(f.refused, "email"):
		return "the SMS provider refused the number", "number"
	case slices.Contains(f.refused, "sms"):
		return "the mail server refused the address, and the SMS provider the number", "address and number"
	}
	return "the mail server refused the address", "address"
}

// notSetUpWords names the settings the client had none of.
func (f failures) notSetUpWords(s Steps) string {
	var none []string
	if slices.Contains(f.notSetUp, "email") {
		none = append(none, s.NoMail)
	}
	if slices.Contains(f.notSetUp, "sms") {
		none = append(none, s.NoSMS)
	}
	return strings.Join(none, ", and ")
}
