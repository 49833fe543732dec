// Package twiliotest is a protocol-exact local fake of Twilio's Messages
// API (2010-04-01) for tests: POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json with HTTP Basic
// authentication and a form-encoded To, Body and From or
// MessagingServiceSid answers 201 Created with the message resource as
// JSON; mistakes get Twilio's error body ({"code", "message", "more_info",
// "status"}) with its codes: 20003 (authentication), 21604/21602/21603
// (missing To, Body, From), 21211 (invalid To), 21617 (body over 1600
// characters), 20429 (rate limit, with a 429 status). It can be switched to
// rate-limiting, failing (500) and down, and records what it accepted.
package twiliotest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// Mode is how the fake answers.
type Mode int

// Modes for SetMode.
const (
	Normal      Mode = iota // the exact protocol
	RateLimited             // 429 with code 20429 and Retry-After: 1
	Fail                    // 500 with code 20500
	Down                    // connections are refused
)

// Test credentials the fake accepts.
const (
	AccountSID = "AC00000000000000000000000000000000"
	AuthToken  = "twiliotest-auth-token-0123456789ab"
	From       = "+4759440000"
)

// Message is one accepted message.
type Message struct {
	SID, To, From, Body, MessagingServiceSID string
}

// TB is the part of testing.TB the fake uses.
type TB interface {
	Helper()
	Cleanup(func())
}

// Server is the fake.
type Server struct {
	srv *httptest.Server
	url string

	mu   sync.Mutex
	mode Mode
	msgs []Message
	reqs int
}

// New starts a fake on loopback, closed when t's test ends.
func New(t TB) *Server {
	t.Helper()
	s := &Server{}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.url = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the base URL to give the client (in place of https://api.twilio.com).
func (s *Server) URL() string { return s.url }

// SetMode switches how the fake answers; Down closes the listener for good.
func (s *Server) SetMode(m Mode) {
	s.mu.Lock()
	s.mode = m
	s.mu.Unlock()
	if m == Down {
		s.srv.CloseClientConnections()
		s.srv.Listener.Close()
	}
}

// Messages returns the accepted messages in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Requests is how many requests reached the fake.
func (s *Server) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reqs
}

var (
	pathRE = regexp.MustCompile(`^/2010-04-01/Accounts/(AC[0-9a-f]{32})/Messages\.json$`)
	e164   = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
)

func fail(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{
		"code": code, "message": msg, "more_info": fmt.Sprintf("https://www.twilio.com/docs/errors/%d", code), "status": status,
	})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.reqs++
	mode := s.mode
	s.mu.Unlock()
	m := pathRE.FindStringSubmatch(r.URL.Path)
	if m == nil {
		fail(w, http.StatusNotFound, 20404, "The requested resource "+r.URL.Path+" was not found")
		return
	}
	if r.Method != http.MethodPost {
		fail(w, http.StatusMethodNotAllowed, 20004, "Method not allowed")
		return
	}
	user, pass, ok := r.BasicAuth()
	if !ok || user != AccountSID || pass != AuthToken || m[1] != AccountSID {
		w.Header().Set("WWW-Authenticate", `Basic realm="Twilio API"`)
		fail(w, http.StatusUnauthorized, 20003, "Authenticate")
		return
	}
	switch mode {
	case RateLimited:
		w.Header().Set("Retry-After", "1")
		fail(w, http.StatusTooManyRequests, 20429, "Too Many Requests")
		return
	case Fail:
		fail(w, http.StatusInternalServerError, 20500, "Internal Server Error")
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "application/x-www-form-urlencoded" {
		fail(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	}
	if err := r.ParseForm(); err != nil {
		fail(w, http.StatusBadRequest, 21602, "Message body is required.")
		return
	}
	to, body := r.PostForm.Get("To"), r.PostForm.Get("Body")
	from, svc := r.PostForm.Get("From"), r.PostForm.Get("MessagingServiceSid")
	switch {
	case to == "":
		fail(w, http.StatusBadRequest, 21604, "A 'To' phone number is required.")
	case !e164.MatchString(to):
		fail(w, http.StatusBadRequest, 21211, "Invalid 'To' Phone Number")
	case body == "":
		fail(w, http.StatusBadRequest, 21602, "Message body is required.")
	case utf8.RuneCountInString(body) > 1600:
		fail(w, http.StatusBadRequest, 21617, "The concatenated message body exceeds the 1600 character limit.")
	case from == "" && svc == "":
		fail(w, http.StatusBadRequest, 21603, "A 'From' phone number is required.")
	default:
		var b [16]byte
		rand.Read(b[:])
		sid := "SM" + hex.EncodeToString(b[:])
		s.mu.Lock()
		s.msgs = append(s.msgs, Message{SID: sid, To: to, From: from, Body: body, MessagingServiceSID: svc})
		s.mu.Unlock()
		now := time.Now().UTC().Format(time.RFC1123Z)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		json.NewEncoder(w).Encode(map[string]any{
			"account_sid": AccountSID, "api_version": "2010-04-01", "body": body,
			"date_created": now, "date_sent": nil, "date_updated": now, "direction": "outbound-api",
			"error_code": nil, "error_message": nil, "from": from, "messaging_service_sid": nilIfEmpty(svc),
			"num_media": "0", "num_segments": fmt.Sprint(segments(body)), "price": nil, "price_unit": "USD",
			"sid": sid, "status": "queued", "to": to,
			"uri": strings.Join([]string{"/2010-04-01/Accounts", AccountSID, "Messages", sid + ".json"}, "/"),
		})
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// segments counts a message's SMS segments as Twilio does: in GSM-7 (the
// GSM 03.38 default alphabet, its extension table's characters taking two
// septets), 160 septets in one segment and 153 a segment beyond; anything
// outside it sends the whole message in UCS-2, 70 UTF-16 code units in one
// and 67 a segment beyond. (Until 2026-12-04 only æøå, é, ü, ä and ö were
// GSM-7 here: è, à, ò, Ñ counted as UCS-2.)
func segments(body string) int {
	septets, gsm := 0, true
	for _, r := range body {
		switch {
		case strings.ContainsRune(gsmBasic, r):
			septets++
		case strings.ContainsRune(gsmExtension, r):
			septets += 2
		default:
			gsm = false
		}
	}
	if gsm {
		if septets <= 160 {
			return 1
		}
		return (septets + 152) / 153
	}
	units := len(utf16.Encode([]rune(body)))
	if units <= 70 {
		return 1
	}
	return (units + 66) / 67
}

// The GSM 03.38 default alphabet and its extension table (each of those
// sent as an escape and the character).
const (
	gsmBasic     = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtension = "\f^{}\\[~]|€"
)
