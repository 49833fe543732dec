package notify_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/notify/twiliotest"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"eight digits are Norwegian", "91234567", "+4791234567"},
		{"spaced", "912 34 567", "+4791234567"},
		{"with +47", "+47 412 34 567", "+4741234567"},
		{"00 prefix", "0047 91234567", "+4791234567"},
		{"swedish", "+46 70 123 45 67", "+46701234567"},
		{"dashes and parentheses", "+1 (415) 555-0100", "+14155550100"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := notify.NormalizePhone(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestNormalizePhoneRefused(t *testing.T) {
	tests := []struct{ name, in string }{
		{"empty", ""},
		{"letters", "9123abcd"},
		{"norwegian landline", "22123456"},
		{"norwegian too long", "+47912345678"},
		{"no country code", "0912345"},
		{"too short", "+461234"},
		{"too long", "+1234567890123456"},
		{"plus inside", "91+234567"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := notify.NormalizePhone(tt.in)
			require.ErrorIs(t, err, notify.ErrInvalidRecipient)
			if tt.in != "" {
				assert.NotContains(t, err.Error(), tt.in, "the error must not echo the number")
			}
		})
	}
}

// TestNormalizePhoneLostPlus: 47 and a Norwegian mobile number without its
// + (a spreadsheet's column of numbers drops it: +4791234567 becomes
// 4791234567) is refused with what happened and what to do; it said only
// that a country code was needed, which the desk could see it had.
func TestNormalizePhoneLostPlus(t *testing.T) {
	for _, in := range []string{"4791234567", "47 412 34 567"} {
		_, err := notify.NormalizePhone(in)
		require.ErrorIs(t, err, notify.ErrInvalidRecipient, in)
		assert.Contains(t, err.Error(), "without the + of +47", in)
		assert.Contains(t, err.Error(), "format the column as text", in)
		assert.NotContains(t, err.Error(), "91234567", "the error must not echo the number")
	}
	_, err := notify.NormalizePhone("4612345678")
	require.ErrorIs(t, err, notify.ErrInvalidRecipient)
	assert.NotContains(t, err.Error(), "+47", "another country's digits are not taken for Norway's")
}

func twilio(f *twiliotest.Server) *notify.Twilio {
	return &notify.Twilio{BaseURL: f.URL(), AccountSID: twiliotest.AccountSID, Secret: twiliotest.AuthToken, From: twiliotest.From}
}

func TestTwilioSends(t *testing.T) {
	f := twiliotest.New(t)
	body := "Velkommen til Utfjord kommune! Aktiver brukerkontoen her: https://styrke.example/aktiver/#/pw/x"
	require.NoError(t, twilio(f).SendSMS(t.Context(), "+4791234567", body))
	svc := twilio(f)
	svc.MessagingServiceSID = "MG00000000000000000000000000000000"
	require.NoError(t, svc.SendSMS(t.Context(), "+4741234567", "to"))
	got := f.Messages()
	require.Len(t, got, 2)
	assert.Equal(t, twiliotest.Message{SID: got[0].SID, To: "+4791234567", From: twiliotest.From, Body: body}, got[0])
	assert.Regexp(t, `^SM[0-9a-f]{32}$`, got[0].SID)
	assert.Equal(t, "MG00000000000000000000000000000000", got[1].MessagingServiceSID)
	assert.Empty(t, got[1].From, "MessagingServiceSid replaces From")
}

func TestTwilioFailures(t *testing.T) {
	tests := []struct {
		name string
		mode twiliotest.Mode
		mod  func(*notify.Twilio)
		to   string
		body string
		want error
	}{
		{"wrong token", twiliotest.Normal, func(c *notify.Twilio) { c.Secret = "wrong" }, "+4791234567", "x", notify.ErrPermanent},
		{"invalid To", twiliotest.Normal, nil, "91234567", "x", notify.ErrInvalidRecipient},
		{"body too long", twiliotest.Normal, nil, "+4791234567", strings.Repeat("x", 1601), notify.ErrPermanent},
		{"rate limited", twiliotest.RateLimited, nil, "+4791234567", "x", notify.ErrRateLimited},
		{"server error", twiliotest.Fail, nil, "+4791234567", "x", notify.ErrTemporary},
		{"down", twiliotest.Down, nil, "+4791234567", "x", notify.ErrTemporary},
		{"not configured", twiliotest.Normal, func(c *notify.Twilio) { c.Secret = "" }, "+4791234567", "x", notify.ErrNotConfigured},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := twiliotest.New(t)
			f.SetMode(tt.mode)
			c := twilio(f)
			if tt.mod != nil {
				tt.mod(c)
			}
			err := c.SendSMS(t.Context(), tt.to, tt.body)
			require.ErrorIs(t, err, tt.want)
			assert.NotContains(t, err.Error(), twiliotest.AuthToken)
			assert.Empty(t, f.Messages())
		})
	}
}

// TestTwiliotestProtocol holds the fake to the documented protocol, so
// that the client is tested against Twilio and not against itself.
func TestTwiliotestProtocol(t *testing.T) {
	f := twiliotest.New(t)
	u := f.URL() + "/2010-04-01/Accounts/" + twiliotest.AccountSID + "/Messages.json"
	tests := []struct {
		name   string
		method string
		url    string
		auth   bool
		form   string
		status int
	}{
		{"created", http.MethodPost, u, true, "To=%2B4791234567&From=%2B4759440000&Body=hei", http.StatusCreated},
		{"no auth", http.MethodPost, u, false, "To=%2B4791234567&From=%2B4759440000&Body=hei", http.StatusUnauthorized},
		{"missing body", http.MethodPost, u, true, "To=%2B4791234567&From=%2B4759440000", http.StatusBadRequest},
		{"missing from", http.MethodPost, u, true, "To=%2B4791234567&Body=hei", http.StatusBadRequest},
		{"GET", http.MethodGet, u, true, "", http.StatusMethodNotAllowed},
		{"wrong path", http.MethodPost, f.URL() + "/2010-04-01/Messages.json", true, "", http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, tt.url, strings.NewReader(tt.form))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tt.auth {
				req.SetBasicAuth(twiliotest.AccountSID, twiliotest.AuthToken)
			}
			resp, err := http.DefaultClient.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			assert.Equal(t, tt.status, resp.StatusCode)
			assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
		})
	}
}
