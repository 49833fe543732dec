package notify

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// NormalizePhone returns number in E.164 form. Spaces, dots, dashes and
// parentheses are dropped, a leading 00 becomes +, and eight digits without
// a country code are Norwegian (+47). A Norwegian number must be a mobile
// one (eight digits starting with 4 or 9), since only those receive SMS.
// The error names the problem, never the number.
func NormalizePhone(number string) (string, error) {
	var b strings.Builder
	for i, r := range strings.TrimSpace(number) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r == '+' && i == 0:
			b.WriteRune(r)
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", fmt.Errorf("%w: phone number has a character other than digits, +, spaces or dashes", ErrInvalidRecipient)
		}
	}
	s := b.String()
	switch {
	case strings.HasPrefix(s, "00"):
		s = "+" + s[2:]
	case !strings.HasPrefix(s, "+") && len(s) == 8:
		s = "+47" + s
	case !strings.HasPrefix(s, "+") && len(s) == 10 && strings.HasPrefix(s, "47") && (s[2] == '4' || s[2] == '9'):
		// +4791234567 in a spreadsheet's column of numbers: the + is
		// dropped. Said, not guessed.
		return "", fmt.Errorf("%w: phone number is 47 and a Norwegian mobile number without the + of +47 "+
			"(a spreadsheet drops it from a number: format the column as text, or write the 8 digits alone)", ErrInvalidRecipient)
	case !strings.HasPrefix(s, "+"):
		return "", fmt.Errorf("%w: phone number needs a country code (+NN) unless it has 8 digits (Norwegian)", ErrInvalidRecipient)
	}
	digits := s[1:]
	if len(digits) < 7 || len(digits) > 15 || digits[0] == '0' {
		return "", fmt.Errorf("%w: phone number is not E.164 (country code and 7 to 15 digits)", ErrInvalidRecipient)
	}
	if rest, ok := strings.CutPrefix(digits, "47"); ok {
		if len(rest) != 8 || (rest[0] != '4' && rest[0] != '9') {
			return "", fmt.Errorf("%w: Norwegian mobile numbers have 8 digits starting with 4 or 9", ErrInvalidRecipient)
		}
	}
	return s, nil
}

// TwilioURL is the base URL of Twilio's REST API.
const TwilioURL = "https://api.twilio.com"

// Twilio sends SMS with Twilio's Programmable Messaging API (the Messages
// resource, API version 2010-04-01): POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded To, Body
// and From or MessagingServiceSid, HTTP Basic authentication with the
// account SID (or an API key SID) and its secret; 201 Created with the
// message resource as JSON on success, and {"code", "message", "more_info",
// "status"} on failure.
type Twilio struct {
	// BaseURL defaults to TwilioURL (tests point it at twiliotest).
	BaseURL    string
	AccountSID string
	// KeySID and Secret authenticate: an API key SID and secret, or the
	// account SID and auth token (KeySID empty means AccountSID).
	KeySID, Secret string
	// From is the sender: a number or an alphanumeric sender id; or
	// MessagingServiceSID, which wins when set.
	From, MessagingServiceSID string
	// HTTP is the client; default one with a 15 s timeout.
	HTTP *http.Client
}

// twilioError is the body of a failed request.
type twilioError struct {
	Code     int    `json:"code"`
	Message  string `json:"message"`
	MoreInfo string `json:"more_info"`
	Status   int    `json:"status"`
}

// SendSMS implements SMSSender.
func (t *Twilio) SendSMS(ctx context.Context, to, body string) error {
	if t.AccountSID == "" || t.Secret == "" || (t.From == "" && t.MessagingServiceSID == "") {
		return fmt.Errorf("%w: Twilio needs an account SID, a secret and a sender", ErrNotConfigured)
	}
	base := t.BaseURL
	if base == "" {
		base = TwilioURL
	}
	form := url.Values{"To": {to}, "Body": {body}}
	if t.MessagingServiceSID != "" {
		form.Set("MessagingServiceSid", t.MessagingServiceSID)
	} else {
		form.Set("From", t.From)
	}
	u := strings.TrimRight(base, "/") + "/2010-04-01/Accounts/" + url.PathEscape(t.AccountSID) + "/Messages.json"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, strings.NewReader(form.Encode()))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrPermanent, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	user := t.KeySID
	if user == "" {
		user = t.AccountSID
	}
	req.SetBasicAuth(user, t.Secret)
	hc := t.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		// The error quotes the URL (account SID only), never the body.
		return fmt.Errorf("%w: twilio: %v", ErrTemporary, errors.Unwrap(err))
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK {
		var m struct {
			SID    string `json:"sid"`
			Status string `json:"status"`
		}
		if err := json.Unmarshal(b, &m); err != nil || m.SID == "" {
			return fmt.Errorf("%w: twilio answered %d without a message sid", ErrTemporary, resp.StatusCode)
		}
		if m.Status == "failed" || m.Status == "undelivered" {
			return fmt.Errorf("%w: twilio message %s is %s", ErrPermanent, m.SID, m.Status)
		}
		return nil
	}
	var te twilioError
	_ = json.Unmarshal(b, &te)
	what := fmt.Sprintf("twilio answered %d (code %d)", resp.StatusCode, te.Code)
	switch {
	case resp.StatusCode == http.StatusTooManyRequests || te.Code == 20429:
		if s := resp.Header.Get("Retry-After"); s != "" {
			if n, err := strconv.Atoi(s); err == nil {
				what += fmt.Sprintf(", retry after %d s", n)
			}
		}
		return fmt.Errorf("%w: %s", ErrRateLimited, what)
	case te.Code == 21211 || te.Code == 21614 || te.Code == 21610 || te.Code == 21612 || te.Code == 21408:
		// invalid To, not a mobile, unsubscribed, unreachable, region off
		return fmt.Errorf("%w: %s", ErrInvalidRecipient, what)
	case resp.StatusCode >= 500:
		return fmt.Errorf("%w: %s", ErrTemporary, what)
	default:
		return fmt.Errorf("%w: %s", ErrPermanent, what)
	}
}
