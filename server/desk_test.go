package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/internal/syncbuf"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/notify/smtptest"
	"github.com/styrke-iam/styrke/server/notify/twiliotest"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

const (
	deskKey  = "desk-key-0123456789abcdef0123456789"
	hrKey    = "hr-key-0123456789abcdef0123456789ab"
	smtpPass = "smtp-pass-5d1f"
	baseURL  = "https://styrke.example"
)

type deskEnv struct {
	srv    *httptest.Server
	st     store.Store
	dbPath string
	logs   *syncbuf.Buffer
	smtp   *smtptest.Server
	sms    *twiliotest.Server
	queue  *notify.Queue
}

// deskSMTP are the options of the desk tests' mail server.
var deskSMTP = smtptest.Options{Mode: smtptest.StartTLS, User: "styrke", Password: smtpPass}

// newDeskEnv runs the handler with a real SMTP server (STARTTLS and AUTH),
// the Twilio fake and a notification queue (run by the test with RunOnce).
// The mail server is the package's one (smtptest.Shared), with a mailbox
// of the test's own; a test that stops it uses newDeskEnvOwnSMTP.
func newDeskEnv(t *testing.T, mod func(*server.Deps)) *deskEnv {
	t.Helper()
	return newDeskEnvWith(t, smtptest.Shared(t, deskSMTP), mod)
}

// newDeskEnvOwnSMTP is newDeskEnv with a mail server of the test's own,
// which it may stop (Down) and start again (Up).
func newDeskEnvOwnSMTP(t *testing.T, mod func(*server.Deps)) *deskEnv {
	t.Helper()
	return newDeskEnvWith(t, smtptest.Start(t, deskSMTP), mod)
}

func newDeskEnvWith(t *testing.T, mail *smtptest.Server, mod func(*server.Deps)) *deskEnv {
	t.Helper()
	return newDeskEnvServer(t, mail, mod, nil)
}

// newDeskEnvServer is newDeskEnvWith whose HTTP server srv sets up before
// it starts (nil: httptest's defaults).
func newDeskEnvServer(t *testing.T, mail *smtptest.Server, mod func(*server.Deps), srv func(*http.Server)) *deskEnv {
	t.Helper()
	e := &deskEnv{dbPath: filepath.Join(t.TempDir(), "styrke.db"), logs: &syncbuf.Buffer{}}
	st, err := sqlitetest.Open(t, e.dbPath)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	e.st = st
	e.smtp = mail
	cfg, err := notify.ParseSMTPURL(e.smtp.URL())
	require.NoError(t, err)
	cfg.From, cfg.RootCAs, cfg.Timeout = "Utfjord IT <it@utfjord.example>", e.smtp.CA, 5*time.Second
	mailer, err := notify.NewSMTP(cfg)
	require.NoError(t, err)
	e.sms = twiliotest.New(t)
	tp, err := notify.LoadTemplates("", notify.Profile{Name: "Utfjord kommune", ServiceDesk: "IT-hjelp, 77 00 00 00"})
	require.NoError(t, err)
	logger := slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	e.queue = &notify.Queue{Store: st, Mailer: mailer, Logger: logger, Backoff: func(int) time.Duration { return time.Second }}
	d := server.Deps{
		Store: st, BaseURL: baseURL, Logger: logger, RateLimit: -1, TokenRateLimit: -1,
		DeskDeps: server.DeskDeps{
			AdminKeys: []server.AdminKey{{Name: "desk", Key: deskKey}, {Name: "hr", Key: hrKey}},
			Mailer:    mailer,
			SMS: &notify.Twilio{BaseURL: e.sms.URL(), AccountSID: twiliotest.AccountSID, Secret: twiliotest.AuthToken,
				From: twiliotest.From},
			Templates: tp,
			Notices:   e.queue,
		},
	}
	if mod != nil {
		mod(&d)
	}
	e.srv = httptest.NewUnstartedServer(server.NewHandler(d))
	if srv != nil {
		srv(e.srv.Config)
	}
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	return e
}

func (e *deskEnv) do(t *testing.T, method, path, ctype, body string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.srv.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

func (e *deskEnv) admin(t *testing.T, method, path string, v any, key string) (*http.Response, []byte) {
	t.Helper()
	body := ""
	if v != nil {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		body = string(b)
	}
	return e.do(t, method, path, "application/json", body, "Authorization", "Bearer "+key)
}

type issued struct {
	ID         string            `json:"id"`
	Link       string            `json:"link"`
	ExpiresAt  time.Time         `json:"expiresAt"`
	Deliveries []server.Delivery `json:"deliveries"`
	AlsoOpen   []string          `json:"alsoOpen"`
	Warnings   []string          `json:"warnings"`
	WhatToDo   string            `json:"whatToDo"`
}

func (e *deskEnv) issue(t *testing.T, req map[string]string, key string) issued {
	t.Helper()
	resp, body := e.admin(t, http.MethodPost, "/api/admin/activations", req, key)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "body %s", body)
	var out issued
	require.NoError(t, json.Unmarshal(body, &out))
	return out
}

// resend resends the link id with the desk's key and returns the new link,
// checking it was made (201).
func (e *deskEnv) resend(t *testing.T, id string) issued {
	t.Helper()
	resp, body := e.admin(t, http.MethodPost, "/api/admin/activations/resend", map[string]string{"id": id}, deskKey)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "body %s", body)
	var out issued
	require.NoError(t, json.Unmarshal(body, &out))
	return out
}

// importCSV posts csv to the import API with query and the hr key, and
// returns its report, checking the status.
func (e *deskEnv) importCSV(t *testing.T, query, csv string, status int) server.ImportReport {
	t.Helper()
	resp, body := e.do(t, http.MethodPost, "/api/admin/activations/import?"+query, "text/csv", csv, "Authorization", "Bearer "+hrKey)
	require.Equal(t, status, resp.StatusCode, "%s", body)
	var rep server.ImportReport
	require.NoError(t, json.Unmarshal(body, &rep))
	return rep
}

func (e *deskEnv) auditLog(t *testing.T, f store.AuditFilter) []store.AuditEvent {
	t.Helper()
	ev, err := e.st.Audit(t.Context(), f)
	require.NoError(t, err)
	return ev
}

func tokenOf(t *testing.T, link string) string {
	t.Helper()
	require.Regexp(t, `/(aktiver|nn/aktiver|en/activate)/#/pw/`, link, "link format")
	_, token, _ := strings.Cut(link, "#/pw/")
	return token
}

// linkIn finds the activation link in a message text (the activation
// page in the message's language).
func linkIn(t *testing.T, text string) string {
	t.Helper()
	i := -1
	for _, path := range server.ActivatePaths {
		if k := strings.Index(text, baseURL+path+"#/pw/"); k >= 0 {
			i = k
		}
	}
	require.GreaterOrEqual(t, i, 0, "no link from the base URL in %q", text)
	end := strings.IndexAny(text[i:], " \r\n\"<")
	if end < 0 {
		end = len(text) - i
	}
	return text[i : i+end]
}

func TestNamedAdminKeys(t *testing.T) {
	e := newDeskEnv(t, nil)
	e.issue(t, map[string]string{"username": "kari", "institution": "default"}, deskKey)
	e.issue(t, map[string]string{"username": "ola", "institution": "default"}, hrKey)
	resp, _ := e.admin(t, http.MethodPost, "/api/admin/activations", map[string]string{"username": "x", "institution": "default"}, deskKey[:31])
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	// A refused key is a warning in the log with the client's address (a
	// run of them was only "status=401"), and never the key itself.
	assert.Regexp(t, `level=WARN msg="admin key refused" id=\S+ addr=127\.0\.0\.1`, e.logs.String())
	assert.NotContains(t, e.logs.String(), deskKey[:31])
	got := e.auditLog(t, store.AuditFilter{Event: store.EventCreated})
	require.Len(t, got, 2)
	assert.Equal(t, "admin:desk", got[0].Actor)
	assert.Equal(t, "kari", got[0].Username)
	assert.Equal(t, "admin:hr", got[1].Actor)
	assert.Equal(t, "127.0.0.1", got[1].RemoteAddr)
	assert.Regexp(t, `^[0-9a-f]{16}$`, got[1].RequestID)
}

func TestParseAdminKeys(t *testing.T) {
	keys, err := server.ParseAdminKeys(strings.NewReader("# service desk\ndesk " + deskKey + "\n\n  hr   " + hrKey + "  \n"))
	require.NoError(t, err)
	assert.Equal(t, []server.AdminKey{{Name: "desk", Key: deskKey}, {Name: "hr", Key: hrKey}}, keys)
}

func TestParseAdminKeysRefused(t *testing.T) {
	short := "short-key-0123456789"
	tests := []struct{ name, file string }{
		{"short key", "desk " + short},
		{"one field", "desk"},
		{"three fields", "desk " + deskKey + " extra"},
		{"duplicate name", "desk " + deskKey + "\ndesk " + hrKey},
		{"duplicate key", "desk " + deskKey + "\nhr " + deskKey},
		{"bad name", "de$k " + deskKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := server.ParseAdminKeys(strings.NewReader(tt.file))
			require.ErrorIs(t, err, server.ErrAdminKeys)
			for _, k := range []string{short, deskKey, hrKey} {
				assert.NotContains(t, err.Error(), k, "the error must not show a key")
			}
		})
	}
}

// TestIssueDeliversEmail issues an activation with an e-mail address: the
// real SMTP server receives one multipart message in Nynorsk whose both
// parts carry the link, built from the configured base URL even when the
// request names another host; the response does not show the link.
func TestIssueDeliversEmail(t *testing.T) {
	e := newDeskEnv(t, nil)
	resp, body := e.do(t, http.MethodPost, "/api/admin/activations", "application/json",
		`{"username":"kari","name":"Kari Nordmann","institution":"default","email":"kari@example.org","lang":"nn"}`,
		"Authorization", "Bearer "+deskKey, "Host", "evil.example", "X-Forwarded-Host", "evil.example")
	require.Equal(t, http.StatusCreated, resp.StatusCode, "body %s", body)
	var out issued
	require.NoError(t, json.Unmarshal(body, &out))
	assert.Empty(t, out.Link, "a delivered link is not shown")
	assert.Equal(t, []server.Delivery{{Channel: "email", OK: true}}, out.Deliveries)
	assert.Regexp(t, `^[0-9a-f]{64}$`, out.ID)

	msgs := e.smtp.Messages(t)
	require.Len(t, msgs, 1)
	m := msgs[0]
	assert.Equal(t, "multipart/alternative", m.ContentType)
	assert.Equal(t, "auto-generated", m.Header.Get("Auto-Submitted"))
	assert.Regexp(t, `^<[0-9a-f]{32}@utfjord\.example>$`, m.Header.Get("Message-Id"))
	_, err := m.Header.Date()
	assert.NoError(t, err)
	to, err := m.Header.AddressList("To")
	require.NoError(t, err)
	assert.Equal(t, "kari@example.org", to[0].Address)
	subject, err := mimeDec.DecodeHeader(m.Header.Get("Subject"))
	require.NoError(t, err)
	assert.Equal(t, "Velkomen til Utfjord kommune: aktiver brukarkontoen din", subject)
	assert.Contains(t, m.Text, "Det er oppretta ein brukarkonto til deg (kari)")
	assert.Contains(t, m.Text, "IT-hjelp, 77 00 00 00")
	link := linkIn(t, m.Text)
	assert.True(t, strings.HasPrefix(link, baseURL+"/nn/aktiver/#/pw/"), "the activation page in the message's language (nn): %s", link)
	assert.Contains(t, m.HTML, `href="`+link+`"`)
	assert.NotContains(t, string(m.Raw), "evil.example")

	resp, body = e.do(t, http.MethodPost, "/api/activation/lookup", "application/json", `{"token":"`+tokenOf(t, link)+`"}`)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the mailed link works: %s", body)

	events := e.auditLog(t, store.AuditFilter{Username: "kari"})
	require.Len(t, events, 2)
	assert.Equal(t, store.EventCreated, events[0].Event)
	assert.Equal(t, store.EventDelivered, events[1].Event)
	assert.Equal(t, "id "+out.ID+": email", events[1].Detail, "the delivery names its link")

	list, err := e.st.Activations(t.Context(), store.ActivationFilter{Username: "kari"})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.NotNil(t, list[0].DeliveredAt)
}

var mimeDec = new(mimeWordDecoder)

func TestIssueDeliversSMS(t *testing.T) {
	e := newDeskEnv(t, func(d *server.Deps) { d.SMSDailyCap = 2 })
	for i, user := range []string{"kari", "ola"} {
		out := e.issue(t, map[string]string{"username": user, "institution": "default", "phone": "912 34 56" + string(rune('7'+i)), "lang": "en"}, deskKey)
		assert.Equal(t, []server.Delivery{{Channel: "sms", OK: true}}, out.Deliveries)
	}
	msgs := e.sms.Messages()
	require.Len(t, msgs, 2)
	assert.Equal(t, "+4791234567", msgs[0].To)
	assert.Equal(t, twiliotest.From, msgs[0].From)
	assert.Contains(t, msgs[0].Body, "Welcome to Utfjord kommune! Activate your user account kari")
	link := linkIn(t, msgs[0].Body)
	resp, _ := e.do(t, http.MethodPost, "/api/activation/lookup", "application/json", `{"token":"`+tokenOf(t, link)+`"}`)
	assert.Equal(t, http.StatusOK, resp.StatusCode)

	out := e.issue(t, map[string]string{"username": "per", "institution": "default", "phone": "+4741234567"}, deskKey)
	assert.Equal(t, []server.Delivery{{Channel: "sms", OK: false, Error: "cap reached"}}, out.Deliveries)
	assert.NotEmpty(t, out.Link, "an undelivered link is shown to the admin")
	assert.Len(t, e.sms.Messages(), 2, "the cap stops the third SMS")
	failed := e.auditLog(t, store.AuditFilter{Event: store.EventDeliveryFailed})
	require.Len(t, failed, 1)
	assert.Equal(t, "id "+out.ID+": sms: cap reached", failed[0].Detail)
}

// TestActivationRefusesContactPhone: the link's page learns the phone
// number the service desk gave (for the meter), and the server refuses a
// password holding it, however spaced, without saying the number.
func TestActivationRefusesContactPhone(t *testing.T) {
	e := newDeskEnv(t, nil)
	e.issue(t, map[string]string{"username": "kari", "institution": "default", "phone": "912 34 567", "lang": "en"}, deskKey)
	msgs := e.sms.Messages()
	require.Len(t, msgs, 1)
	token := tokenOf(t, linkIn(t, msgs[0].Body))
	resp, body := e.do(t, http.MethodPost, "/api/activation/lookup", "application/json", `{"token":"`+token+`"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	var look struct{ Phone string }
	require.NoError(t, json.Unmarshal(body, &look))
	assert.Equal(t, "+4791234567", look.Phone)

	for _, pw := range []string{"Granskog!Lirype-91234567", "Granskog!Lirype 912 34 567", "Granskog!+47.912.34.567"} {
		resp, body = e.do(t, http.MethodPost, "/api/activation/complete", "application/json", `{"token":"`+token+`","password":"`+pw+`"}`)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "%s", body)
		assert.Contains(t, string(body), `"rule":"phone"`)
		assert.NotContains(t, string(body), "1234")
	}
	resp, body = e.do(t, http.MethodPost, "/api/activation/complete", "application/json", `{"token":"`+token+`","password":"Granskog!Lirype-Vadmel9"}`)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)

	// A link without a phone number: the lookup names none.
	out := e.issue(t, map[string]string{"username": "ola", "institution": "default"}, deskKey)
	require.NotEmpty(t, out.Link, "an undelivered link is shown to the admin")
	resp, body = e.do(t, http.MethodPost, "/api/activation/lookup", "application/json", `{"token":"`+tokenOf(t, out.Link)+`"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.NotContains(t, string(body), "phone")
}

func TestIssueRefused(t *testing.T) {
	e := newDeskEnv(t, nil)
	tests := []struct {
		name   string
		req    map[string]string
		fields []string
		secret string // a value that must not be echoed
	}{
		{"no username", map[string]string{"institution": "default"}, []string{"username"}, ""},
		{"bad email", map[string]string{"username": "kari", "institution": "default", "email": "kari at example"}, []string{"email"}, "kari at example"},
		{"landline", map[string]string{"username": "kari", "institution": "default", "phone": "22123456"}, []string{"phone"}, "22123456"},
		{"identity number as phone", map[string]string{"username": "kari", "institution": "default", "phone": "01017012345"}, []string{"phone"}, "01017012345"},
		{"bad lang", map[string]string{"username": "kari", "institution": "default", "lang": "sv"}, []string{"lang"}, ""},
		{"several", map[string]string{"username": "", "institution": "nowhere", "email": "x"}, []string{"username", "institution", "email"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.admin(t, http.MethodPost, "/api/admin/activations", tt.req, deskKey)
			assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
			var eb struct {
				Error struct {
					Code   string   `json:"code"`
					Fields []string `json:"fields"`
				} `json:"error"`
			}
			require.NoError(t, json.Unmarshal(body, &eb))
			assert.Equal(t, "invalid", eb.Error.Code)
			assert.Equal(t, tt.fields, eb.Error.Fields)
			if tt.secret != "" {
				assert.NotContains(t, string(body), tt.secret)
			}
		})
	}
	assert.Empty(t, e.auditLog(t, store.AuditFilter{}))
}

type listed struct {
	Activations []server.ActivationView `json:"activations"`
}

func (e *deskEnv) list(t *testing.T, query string) []server.ActivationView {
	t.Helper()
	resp, body := e.admin(t, http.MethodGet, "/api/admin/activations?"+query, nil, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", body)
	var l listed
	require.NoError(t, json.Unmarshal(body, &l))
	return l.Activations
}

// TestListSaysWhenCut: a list that stops at its limit (1000 by default)
// says so, "truncated": true, so that the desk does not take the newest
// 1000 of a semester's 10,000 open links for all of them; a list that
// holds every match does not say it, with or without a state to match.
func TestListSaysWhenCut(t *testing.T) {
	e := newDeskEnv(t, nil)
	for _, u := range []string{"kari", "ola", "per"} {
		e.issue(t, map[string]string{"username": u, "institution": "uio"}, deskKey)
	}
	cut := func(query string) (int, bool) {
		t.Helper()
		resp, body := e.admin(t, http.MethodGet, "/api/admin/activations?"+query, nil, deskKey)
		require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", body)
		var l struct {
			Activations []server.ActivationView `json:"activations"`
			Truncated   bool                    `json:"truncated"`
		}
		require.NoError(t, json.Unmarshal(body, &l))
		return len(l.Activations), l.Truncated
	}
	for _, c := range []struct {
		query string
		n     int
		more  bool
	}{
		{"limit=2", 2, true},
		{"limit=2&state=open", 2, true},
		{"limit=3", 3, false},
		{"limit=3&state=open", 3, false},
		{"", 3, false},
		{"limit=1&username=kari", 1, false},
	} {
		n, more := cut(c.query)
		assert.Equal(t, c.n, n, c.query)
		assert.Equal(t, c.more, more, c.query)
	}
}

// TestListByContact: the desk finds a caller's links by the e-mail address
// (any case) or the mobile number (any form a create takes) they were sent
// to, for a new student who does not know the username yet; a number that
// is no number is refused by field, and one no link went to lists none.
func TestListByContact(t *testing.T) {
	e := newDeskEnv(t, nil)
	e.issue(t, map[string]string{"username": "kari", "institution": "uio", "email": "Kari.Nordmann@example.org", "phone": "912 34 567"}, deskKey)
	e.issue(t, map[string]string{"username": "ola", "institution": "uio", "email": "ola@example.org", "phone": "+4741234567"}, deskKey)
	e.issue(t, map[string]string{"username": "per", "institution": "uio"}, deskKey)
	users := func(query string) []string {
		t.Helper()
		var out []string
		for _, v := range e.list(t, query) {
			out = append(out, v.Username)
		}
		return out
	}
	assert.Equal(t, []string{"kari"}, users("email=kari.nordmann%40EXAMPLE.org"))
	assert.Equal(t, []string{"kari"}, users("phone="+url.QueryEscape("912 34 567")))
	assert.Equal(t, []string{"kari"}, users("phone="+url.QueryEscape("+4791234567")+"&state=open"))
	assert.Equal(t, []string{"ola"}, users("phone=41234567&institution=uio"))
	assert.Empty(t, users("email=nobody%40example.org"))
	assert.Empty(t, users("email=ola%40example.org&phone=91234567"), "both must match")

	resp, body := e.admin(t, http.MethodGet, "/api/admin/activations?phone=12345678", nil, deskKey)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"fields":["phone"]`)
}

func TestListRevokeResend(t *testing.T) {
	e := newDeskEnv(t, nil)
	first := e.issue(t, map[string]string{"username": "kari", "name": "Kari", "institution": "default", "email": "kari@example.org"}, deskKey)
	second := e.issue(t, map[string]string{"username": "ola", "institution": "uio"}, hrKey)
	tokens := []string{linkIn(t, e.smtp.Messages(t)[0].Text), second.Link}

	all := e.list(t, "")
	require.Len(t, all, 2)
	assert.Equal(t, server.StateOpen, all[0].State)
	byUser := e.list(t, "username=kari")
	require.Len(t, byUser, 1)
	assert.Equal(t, first.ID, byUser[0].ID)
	assert.Equal(t, "kari@example.org", byUser[0].Email)
	assert.Equal(t, "admin:desk", byUser[0].CreatedBy)
	assert.NotNil(t, byUser[0].DeliveredAt)
	assert.Len(t, e.list(t, "institution=uio"), 1)

	resp, body := e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"id": second.ID}, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", body)
	assert.JSONEq(t, `{"revoked":["`+second.ID+`"]}`, string(body))
	resp, _ = e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"id": second.ID}, deskKey)
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "revoked twice")
	resp, body = e.do(t, http.MethodPost, "/api/activation/complete", "application/json",
		`{"token":"`+tokenOf(t, second.Link)+`","password":"`+strong+`"}`)
	assert.Equal(t, http.StatusGone, resp.StatusCode, "a revoked link cannot be used: %s", body)
	assert.Equal(t, []server.ActivationView{}[:0], e.list(t, "state=open&institution=uio"))
	assert.Len(t, e.list(t, "state=revoked"), 1)

	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/resend", map[string]string{"id": first.ID}, deskKey)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "body %s", body)
	var re issued
	require.NoError(t, json.Unmarshal(body, &re))
	assert.NotEqual(t, first.ID, re.ID)
	assert.Equal(t, []server.Delivery{{Channel: "email", OK: true}}, re.Deliveries)
	msgs := e.smtp.Messages(t)
	require.Len(t, msgs, 2, "the resend mailed a new link")
	newLink := linkIn(t, msgs[1].Text)
	tokens = append(tokens, newLink)
	assert.NotEqual(t, tokens[0], newLink)
	states := map[string]server.State{}
	for _, v := range e.list(t, "username=kari") {
		states[v.ID] = v.State
	}
	assert.Equal(t, map[string]server.State{first.ID: server.StateRevoked, re.ID: server.StateOpen}, states)

	resp, _ = e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"username": "kari"}, deskKey)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Empty(t, e.list(t, "state=open"))

	resp, body = e.admin(t, http.MethodGet, "/api/admin/activations", nil, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	for _, l := range tokens {
		assert.NotContains(t, string(body), tokenOf(t, l), "a list never shows a token")
	}
	revoked := e.auditLog(t, store.AuditFilter{Event: store.EventRevoked})
	assert.Len(t, revoked, 3)

	for name, req := range map[string]map[string]string{
		"bad id":      {"id": "xyz"},
		"unknown id":  {"id": strings.Repeat("ab", 32)},
		"id and user": {"id": first.ID, "username": "kari"},
		"neither":     {},
	} {
		t.Run(name, func(t *testing.T) {
			resp, _ := e.admin(t, http.MethodPost, "/api/admin/activations/revoke", req, deskKey)
			assert.Contains(t, []int{http.StatusBadRequest, http.StatusNotFound}, resp.StatusCode)
		})
	}
}

// TestActivationAuditAndNotice completes an activation after a refused
// attempt: the audit log has every step, the notice goes to the address on
// file through the queue, and neither the database file nor the logs hold
// the password or the token.
func TestActivationAuditAndNotice(t *testing.T) {
	e := newDeskEnv(t, nil)
	out := e.issue(t, map[string]string{"username": "kari", "name": "Kari Nordmann", "institution": "default", "email": "kari@example.org", "lang": "en"}, deskKey)
	token := tokenOf(t, linkIn(t, e.smtp.Messages(t)[0].Text))
	resp, _ := e.do(t, http.MethodPost, "/api/activation/complete", "application/json", `{"token":"`+token+`","password":"sommer2024"}`)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	resp, body := e.do(t, http.MethodPost, "/api/activation/complete", "application/json", `{"token":"`+token+`","password":"`+strong+`"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", body)
	resp, _ = e.do(t, http.MethodPost, "/api/activation/complete", "application/json", `{"token":"`+token+`","password":"`+strong2+`"}`)
	require.Equal(t, http.StatusGone, resp.StatusCode)

	n, err := e.queue.RunOnce(t.Context())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	msgs := e.smtp.Messages(t)
	require.Len(t, msgs, 2)
	notice := msgs[1]
	assert.Contains(t, notice.Text, "The password of your user account kari at Utfjord kommune was set when the account was activated")
	assert.Contains(t, notice.HTML, "set when the account was activated")
	assert.Equal(t, "auto-generated", notice.Header.Get("Auto-Submitted"))

	var got []string
	for _, ev := range e.auditLog(t, store.AuditFilter{Username: "kari"}) {
		if ev.Event == store.EventRefused && strings.HasPrefix(ev.Detail, "rules ") {
			assert.Contains(t, ev.Detail, "too_short", "the rules that failed")
			ev.Detail = "rules …"
		}
		got = append(got, ev.Event+" "+ev.Actor+" "+ev.Detail)
	}
	assert.Equal(t, []string{
		"created admin:desk id " + out.ID,
		"delivered admin:desk id " + out.ID + ": email",
		"refused user:kari rules …",
		"activated user:kari ",
		"refused user:kari token_used",
		"notified system email",
	}, got)

	e.st.Close()
	for _, f := range []string{e.dbPath, e.dbPath + "-wal"} {
		b, err := os.ReadFile(f)
		if os.IsNotExist(err) {
			continue
		}
		require.NoError(t, err)
		for _, secret := range []string{token, strong, strong2, "sommer2024", smtpPass} {
			assert.False(t, bytes.Contains(b, []byte(secret)), "%s holds a secret", filepath.Base(f))
		}
	}
	for _, secret := range []string{token, strong, strong2, "sommer2024", smtpPass} {
		assert.NotContains(t, e.logs.String(), secret)
	}
}

// TestNoticeWaitsForMailServer: the mail server is down when the password
// is set; the change succeeds, the notice waits in the store and arrives
// once the server is back, exactly once.
func TestNoticeWaitsForMailServer(t *testing.T) {
	e := newDeskEnvOwnSMTP(t, nil)
	e.issue(t, map[string]string{"username": "kari", "institution": "default", "email": "kari@example.org"}, deskKey)
	token := tokenOf(t, linkIn(t, e.smtp.Messages(t)[0].Text))
	e.smtp.Down()
	resp, body := e.do(t, http.MethodPost, "/api/activation/complete", "application/json", `{"token":"`+token+`","password":"`+strong+`"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, "a mail server that is down does not fail the change: %s", body)
	_, err := e.queue.RunOnce(t.Context())
	require.NoError(t, err)
	q, err := e.st.Notifications(t.Context(), 0)
	require.NoError(t, err)
	require.Len(t, q, 1)
	assert.Nil(t, q[0].SentAt)
	assert.Equal(t, 1, q[0].Attempts)
	assert.NotEmpty(t, q[0].LastError)

	e.smtp.Up(t)
	require.Eventually(t, func() bool {
		e.queue.RunOnce(t.Context())
		return len(e.smtp.Messages(t)) == 2
	}, 10*time.Second, 100*time.Millisecond)
	n, err := e.queue.RunOnce(t.Context())
	require.NoError(t, err)
	assert.Zero(t, n, "nothing left to send")
	assert.Len(t, e.smtp.Messages(t), 2, "the notice arrived once")
	q, err = e.st.Notifications(t.Context(), 0)
	require.NoError(t, err)
	assert.NotNil(t, q[0].SentAt)
}

// TestDeskUsernameCase: the directories match a username whatever the case
// of its ASCII letters, and so does the desk: a link issued for "KARI" when
// "kari" has one is kari's (stored under "kari", naming the other open
// link), a list or a revoke by "Kari" finds kari's links, and an import row
// "KARI" is skipped while kari's link is open. Until 2026-12-04 each made or
// looked for a second person under the other case.
func TestDeskUsernameCase(t *testing.T) {
	e := newDeskEnv(t, nil)
	first := e.issue(t, map[string]string{"username": "kari", "institution": "default"}, deskKey)
	second := e.issue(t, map[string]string{"username": "KARI", "institution": "default"}, deskKey)
	assert.Equal(t, []string{first.ID}, second.AlsoOpen, "kari's open link")
	links := e.list(t, "username=Kari")
	require.Len(t, links, 2)
	for _, l := range links {
		assert.Equal(t, "kari", l.Username)
	}

	resp, rep := e.do(t, http.MethodPost, "/api/admin/activations/import?deliver=false", "text/csv", "username,name\nKARI,Kari\n", "Authorization", "Bearer "+hrKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", rep)
	var report server.ImportReport
	require.NoError(t, json.Unmarshal(rep, &report))
	assert.Equal(t, 0, report.Created, "kari's link is open")
	assert.Equal(t, 1, report.Skipped)
	resp, rep = e.do(t, http.MethodPost, "/api/admin/activations/import?deliver=false", "text/csv", "username,name\nper,Per\nPER,Per\n", "Authorization", "Bearer "+hrKey)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "%s", rep)
	report = server.ImportReport{}
	require.NoError(t, json.Unmarshal(rep, &report))
	assert.Equal(t, []server.RowError{{Line: 3, Field: "username", Reason: "same person as line 2"}}, report.Errors)

	resp, body := e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"username": "Kari", "institution": "default"}, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", body)
	assert.Empty(t, e.list(t, "username=kari&state=open"), "both revoked")
}

func TestImportAPI(t *testing.T) {
	e := newDeskEnv(t, nil)
	post := func(csv, query string) (*http.Response, server.ImportReport) {
		t.Helper()
		resp, body := e.do(t, http.MethodPost, "/api/admin/activations/import?"+query, "text/csv", csv, "Authorization", "Bearer "+hrKey)
		var rep server.ImportReport
		require.NoError(t, json.Unmarshal(body, &rep), "body %s", body)
		for _, secret := range []string{"01017012345", "kari at example"} {
			assert.NotContains(t, string(body), secret)
		}
		return resp, rep
	}
	good := "username,name,email,lang\nkari,Kari Nordmann,kari@example.org,nb\nola,Ola,ola@example.org,en\nper,Per,,nn\n"

	resp, rep := post("username,name,phone\nkari,Kari,01017012345\nola,\"Ola\n", "")
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.False(t, rep.Imported)
	require.NotEmpty(t, rep.Errors)

	// A quote in a row's first field: a 422 naming the line, not a panic
	// that closed the connection with no answer.
	for _, bad := range []string{"username\nkari\na\"b\n", "username\nkari\n\"unterminated\n"} {
		resp, rep = post(bad, "deliver=false")
		assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "%q", bad)
		assert.Equal(t, []server.RowError{{Line: 3, Reason: rep.Errors[0].Reason}}, rep.Errors, "%q", bad)
	}

	resp, rep = post("username,name,phone,email\nkari,Kari,01017012345,\nola,Ola,,kari at example\nper,Per,,\n", "")
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	assert.False(t, rep.Imported)
	assert.Equal(t, []server.RowError{
		{Line: 2, Field: "phone", Reason: "phone number needs a country code (+NN) unless it has 8 digits (Norwegian)"},
		{Line: 3, Field: "email", Reason: "email is not a plain address (name@example.org)"},
	}, rep.Errors)
	assert.Empty(t, e.list(t, ""), "invalid rows import nothing")

	resp, rep = post(good, "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 3, rep.Created)
	assert.Empty(t, rep.Results[0].Link, "delivered by e-mail")
	assert.NotEmpty(t, rep.Results[2].Link, "per has no address: the link is returned")
	assert.Len(t, e.smtp.Messages(t), 2)

	resp, rep = post(good, "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 0, rep.Created, "a re-run creates nothing")
	assert.Equal(t, 3, rep.Skipped)
	assert.Len(t, e.smtp.Messages(t), 2, "and sends nothing")

	resp, rep = post(good, "reissue=true&deliver=false")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 3, rep.Created)
	assert.Len(t, e.list(t, "username=kari"), 2)
	assert.Len(t, e.smtp.Messages(t), 2, "deliver=false")
	imported := e.auditLog(t, store.AuditFilter{Event: store.EventImported})
	require.Len(t, imported, 3)
	assert.Equal(t, "admin:hr", imported[0].Actor)
}

// TestImportQueryStrict: the import's switches are "true" or "false", and a
// parameter it does not know is refused, naming it; before, anything but
// "false" was not false, so deliver=0 or deliver=no (a script's habit) mailed
// every row the desk meant to hand over, code=1 turned the one-time code off
// where --activation-code made it the default, welcome=yes sent links instead
// of welcomes, and a mistyped delivr=false was passed over and mailed them.
func TestImportQueryStrict(t *testing.T) {
	e := newDeskEnv(t, nil)
	csv := "username,email,phone\nkari,kari@example.org,91234567\n"
	for _, tc := range []struct{ query, field string }{
		{"deliver=0", "deliver"},
		{"deliver=no", "deliver"},
		{"deliver=False", "deliver"},
		{"code=1", "code"},
		{"welcome=yes", "welcome"},
		{"partial=1", "partial"},
		{"reissue=on", "reissue"},
		{"deliver=false&deliver=true", "deliver"},
		{"delivr=false", "delivr"},
	} {
		t.Run(tc.query, func(t *testing.T) {
			resp, body := e.do(t, http.MethodPost, "/api/admin/activations/import?"+tc.query, "text/csv", csv, "Authorization", "Bearer "+hrKey)
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, "query %q: %s", tc.query, body)
			out := decodeError(t, body).Error
			assert.Equal(t, []string{tc.field}, out.Fields, "query %q: %s", tc.query, body)
			assert.Contains(t, out.Message, tc.field, "query %q", tc.query)
		})
	}
	// Several bad switches: the answer names the first by name, the same
	// each time (it named whichever a map's order gave first).
	for range 20 {
		resp, body := e.do(t, http.MethodPost, "/api/admin/activations/import?welcome=yes&deliver=0&code=1", "text/csv", csv, "Authorization", "Bearer "+hrKey)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
		require.Contains(t, string(body), `"fields":["code"]`)
	}
	assert.Empty(t, e.list(t, ""), "nothing imported")
	assert.Equal(t, 0, len(e.smtp.Messages(t)), "nothing sent")
	assert.Equal(t, 0, len(e.sms.Messages()), "nothing sent")

	resp, body := e.do(t, http.MethodPost, "/api/admin/activations/import?deliver=false&reissue=false&partial=true&code=false&welcome=false&institution=uit",
		"text/csv", csv, "Authorization", "Bearer "+hrKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Equal(t, 0, len(e.smtp.Messages(t)), "deliver=false")
	resp, body = e.do(t, http.MethodPost, "/api/admin/activations/import?deliver=true&reissue=true", "text/csv", csv, "Authorization", "Bearer "+hrKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Equal(t, 1, len(e.smtp.Messages(t)), "deliver=true")
}
func TestAuditAPI(t *testing.T) {
	e := newDeskEnv(t, nil)
	e.issue(t, map[string]string{"username": "kari", "institution": "default"}, deskKey)
	e.issue(t, map[string]string{"username": "ola", "institution": "default"}, hrKey)
	resp, body := e.admin(t, http.MethodGet, "/api/admin/audit?actor=admin:hr", nil, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	require.Len(t, lines, 1)
	var ev map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &ev))
	assert.Equal(t, "created", ev["event"])
	assert.Equal(t, "ola", ev["username"])
	assert.Equal(t, "admin:hr", ev["actor"])
	assert.NotEmpty(t, ev["request_id"])
	assert.NotEmpty(t, ev["time"])
	resp, _ = e.admin(t, http.MethodGet, "/api/admin/audit?since=yesterday", nil, deskKey)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	// A mistyped event or institution is said, not answered with nothing.
	for _, q := range []string{"event=activate", "institution=nosuch", "since=2026-12-02T00:00:00Z&until=2026-12-01T00:00:00Z"} {
		resp, body := e.admin(t, http.MethodGet, "/api/admin/audit?"+q, nil, deskKey)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s: %s", q, body)
	}
}

// TestImportAsFormSaysHow: a CSV posted as a form upload (curl -F, a
// browser's or a tool's file field) is refused with how to send it, the
// file as the body; it said only "Content-Type must be text/csv", and the
// desk whose file was a .csv did not see what was wrong.
func TestImportAsFormSaysHow(t *testing.T) {
	e := newDeskEnv(t, nil)
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	fw, err := mw.CreateFormFile("file", "new-students.csv")
	require.NoError(t, err)
	_, err = fw.Write([]byte("username,email\nkari,kari@example.org\n"))
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	resp, body := e.do(t, http.MethodPost, "/api/admin/activations/import", mw.FormDataContentType(), b.String(), "Authorization", "Bearer "+hrKey)
	assert.Equal(t, http.StatusUnsupportedMediaType, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), "not as a form")
	assert.Contains(t, string(body), "--data-binary @FILE.csv")
	assert.Empty(t, e.list(t, ""))
}

// TestAdminKeyScheme: the admin key is taken after "Bearer" in any case of
// its letters (RFC 9110: the scheme is case-insensitive), as a tool that
// sends "bearer KEY" does; it was refused as "admin key missing or wrong",
// and the desk took its right key for a wrong one. A header without the
// scheme, a missing header and a wrong key are each said in their own words,
// none of them quoting what was sent.
func TestAdminKeyScheme(t *testing.T) {
	e := newDeskEnv(t, nil)
	get := func(auth string) (int, string) {
		t.Helper()
		var hdr []string
		if auth != "" {
			hdr = []string{"Authorization", auth}
		}
		resp, body := e.do(t, http.MethodGet, "/api/admin/activations?limit=1", "", "", hdr...)
		return resp.StatusCode, string(body)
	}
	for _, auth := range []string{"Bearer " + deskKey, "bearer " + deskKey, "BEARER  " + deskKey} {
		status, body := get(auth)
		assert.Equal(t, http.StatusOK, status, "%.12s…: %s", auth, body)
	}
	for _, tc := range []struct{ auth, want string }{
		{"", "no admin key: send it as 'Authorization: Bearer KEY'"},
		{deskKey, "the Authorization header must be 'Bearer' and the admin key"},
		{"Basic " + deskKey, "the Authorization header must be 'Bearer' and the admin key"},
		{"Bearer " + deskKey + "x", "admin key wrong"},
	} {
		status, body := get(tc.auth)
		assert.Equal(t, http.StatusUnauthorized, status, "%.12s…", tc.auth)
		assert.Contains(t, body, tc.want, "%.12s…", tc.auth)
		assert.NotContains(t, body, deskKey[:10])
	}
	assert.NotContains(t, e.logs.String(), deskKey[:10])
}

// TestAdminQueryUnknownParameter: a parameter the desk's list, audit or
// expiring does not know is refused, naming it; before, it was passed over
// and the answer was the unfiltered list: ?usrname=kari (or user=, or
// ?username=kari&stat=open) showed everyone's links and events as if they
// were kari's.
func TestAdminQueryUnknownParameter(t *testing.T) {
	e := newDeskEnv(t, nil)
	e.issue(t, map[string]string{"username": "kari", "institution": "default"}, deskKey)
	e.issue(t, map[string]string{"username": "ola", "institution": "default"}, deskKey)
	for _, tc := range []struct{ path, param string }{
		{"/api/admin/activations?usrname=kari", "usrname"},
		{"/api/admin/activations?username=kari&stat=open", "stat"},
		{"/api/admin/activations?username=kari&username=ola", "username"},
		{"/api/admin/audit?user=kari", "user"},
		{"/api/admin/audit?username=kari&evnt=created", "evnt"},
		{"/api/admin/expiring?within=14d&instituion=uit", "instituion"},
	} {
		resp, body := e.admin(t, http.MethodGet, tc.path, nil, deskKey)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "GET %s: %s", tc.path, body)
		out := decodeError(t, body).Error
		assert.Equal(t, []string{tc.param}, out.Fields, "GET %s: %s", tc.path, body)
		assert.Contains(t, out.Message, tc.param, "GET %s", tc.path)
	}
	for _, path := range []string{"/api/admin/activations?username=kari&state=open&institution=default&limit=5",
		"/api/admin/activations?email=kari@example.org&phone=91234567",
		"/api/admin/audit?username=kari&event=created&actor=admin:desk&institution=default&since=2026-01-01T00:00:00Z&until=2099-01-01T00:00:00Z&after=0&limit=5"} {
		resp, body := e.admin(t, http.MethodGet, path, nil, deskKey)
		assert.Equal(t, http.StatusOK, resp.StatusCode, "GET %s: %s", path, body)
	}
}

// TestMetrics scrapes the registry and parses it with the Prometheus text
// parser.
func TestMetrics(t *testing.T) {
	var m *server.Metrics
	e := newDeskEnv(t, func(d *server.Deps) {
		m = server.NewMetrics(d.Store, nil)
		d.Metrics = m
	})
	e.issue(t, map[string]string{"username": "kari", "institution": "default", "email": "kari@example.org"}, deskKey)
	e.issue(t, map[string]string{"username": "ola", "institution": "default"}, deskKey)
	e.do(t, http.MethodGet, "/healthz", "", "")
	m.DirectoryWrite("refused")

	ms := httptest.NewServer(m.Handler())
	defer ms.Close()
	resp, err := http.Get(ms.URL)
	require.NoError(t, err)
	defer resp.Body.Close()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	require.NoError(t, err)
	value := func(name string, labels map[string]string) float64 {
		t.Helper()
		f, ok := fams[name]
		require.True(t, ok, "no family %s", name)
	next:
		for _, mt := range f.Metric {
			for k, v := range labels {
				found := false
				for _, lp := range mt.Label {
					if lp.GetName() == k && lp.GetValue() == v {
						found = true
					}
				}
				if !found {
					continue next
				}
			}
			switch {
			case mt.Counter != nil:
				return mt.Counter.GetValue()
			case mt.Gauge != nil:
				return mt.Gauge.GetValue()
			case mt.Histogram != nil:
				return float64(mt.Histogram.GetSampleCount())
			}
		}
		t.Fatalf("no %s with %v", name, labels)
		return 0
	}
	assert.Equal(t, 2.0, value("styrke_http_requests_total", map[string]string{"route": "/api/admin/activations", "method": "POST", "code": "201"}))
	assert.Equal(t, 1.0, value("styrke_http_requests_total", map[string]string{"route": "/healthz", "code": "200"}))
	assert.Equal(t, 2.0, value("styrke_http_request_duration_seconds", map[string]string{"route": "/api/admin/activations"}))
	assert.Equal(t, 2.0, value("styrke_open_activations", nil))
	assert.Equal(t, 1.0, value("styrke_store_up", nil))
	assert.Equal(t, 1.0, value("styrke_deliveries_total", map[string]string{"channel": "email", "result": "ok"}))
	assert.Equal(t, 2.0, value("styrke_activations_issued_total", nil))
	assert.Equal(t, 1.0, value("styrke_directory_writes_total", map[string]string{"result": "refused"}))
	assert.Equal(t, 2.0, value("styrke_audit_events_total", map[string]string{"event": "created"}))
	assert.Equal(t, 0.0, value("styrke_argon2id_queue", nil))
	assert.Equal(t, 0.0, value("styrke_argon2id_memory_bytes", nil))
}

// TestIssueNamesOtherOpenLinks: a link issued for a person who has other
// open links (a second create, as when a first message went astray) names
// them, since each still works until used, expired or revoked; a used,
// revoked or other person's link is not named, and a resend does not name
// the link it replaces.
func TestIssueNamesOtherOpenLinks(t *testing.T) {
	e := newDeskEnv(t, nil)
	kari := map[string]string{"username": "kari", "institution": "default"}
	first := e.issue(t, kari, deskKey)
	assert.Empty(t, first.AlsoOpen)
	e.issue(t, map[string]string{"username": "kari", "institution": "uio"}, deskKey)
	e.issue(t, map[string]string{"username": "ola", "institution": "default"}, deskKey)
	second := e.issue(t, kari, deskKey)
	assert.Equal(t, []string{first.ID}, second.AlsoOpen, "the person's other open link at this institution")
	third := e.issue(t, kari, deskKey)
	assert.ElementsMatch(t, []string{first.ID, second.ID}, third.AlsoOpen)

	resp, body := e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"id": first.ID}, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", body)
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/resend", map[string]string{"id": second.ID}, deskKey)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "body %s", body)
	var re issued
	require.NoError(t, json.Unmarshal(body, &re))
	assert.Equal(t, []string{third.ID}, re.AlsoOpen, "neither the revoked link nor the one the resend replaced")
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"username": "kari", "institution": "default"}, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", body)
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations", kari, deskKey)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "body %s", body)
	assert.NotContains(t, string(body), "alsoOpen", "none left open: the field is left out")
}

// TestActivationCode: a link issued with a one-time code goes by e-mail,
// the code by SMS apart from it; the link's page learns nothing of the
// person without the code, a wrong code counts against the link and locks
// it at the limit, and the code is never logged or shown again once sent.
func TestActivationCode(t *testing.T) {
	e := newDeskEnv(t, nil)
	resp, body := e.admin(t, http.MethodPost, "/api/admin/activations", map[string]any{"username": "kari", "name": "Kari Nordmann",
		"institution": "default", "email": "kari@example.org", "phone": "912 34 567", "lang": "en", "code": true}, deskKey)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "body %s", body)
	var out struct {
		issued
		Code string `json:"code"`
	}
	require.NoError(t, json.Unmarshal(body, &out))
	assert.Equal(t, []server.Delivery{{Channel: "email", OK: true}, {Channel: "sms", What: "code", OK: true}}, out.Deliveries)
	assert.Empty(t, out.Link, "a delivered link is not shown")
	assert.Empty(t, out.Code, "a delivered code is not shown")

	mails := e.smtp.Messages(t)
	require.Len(t, mails, 1)
	assert.Contains(t, mails[0].Text, "You also need the one-time code we have sent by SMS")
	link := linkIn(t, mails[0].Text)
	token := tokenOf(t, link)
	sms := e.sms.Messages()
	require.Len(t, sms, 1, "one SMS: the code, not the link")
	assert.NotContains(t, sms[0].Body, "/aktiver/", "the link never goes with its code")
	code := regexp.MustCompile(`\b\d{8}\b`).FindString(sms[0].Body)
	require.NotEmpty(t, code, "the code in %q", sms[0].Body)
	assert.Contains(t, sms[0].Body, "Your one-time code to activate the user account kari at Utfjord kommune is "+code)
	assert.NotContains(t, mails[0].Text+mails[0].HTML, code, "the code never goes with its link")

	lookup := func(code string) (*http.Response, string) {
		t.Helper()
		b, err := json.Marshal(map[string]string{"token": token, "code": code})
		require.NoError(t, err)
		resp, body := e.do(t, http.MethodPost, "/api/activation/lookup", "application/json", string(b))
		return resp, string(body)
	}
	resp, got := lookup("")
	require.Equal(t, http.StatusOK, resp.StatusCode, got)
	assert.JSONEq(t, `{"codeRequired":true,"codeDigits":8,"phoneEnding":"67","institution":"default"}`, got,
		"without the code the link tells nothing of the person but the number's last digits")
	wrong := "00000000"
	if code == wrong {
		wrong = "00000001"
	}
	resp, got = lookup(wrong)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, got)
	assert.JSONEq(t, `{"error":{"code":"invalid_code","message":"the code is not the one sent for this link","fields":["code"]},"attemptsLeft":9}`, got)
	resp, got = lookup("12ab")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, got)
	assert.Contains(t, got, `"code must be 8 digits"`, "a code of the wrong form names the form, and is not counted")
	resp, got = lookup(code[:4] + " " + code[4:])
	require.Equal(t, http.StatusOK, resp.StatusCode, "the code with a space in it: %s", got)
	assert.Contains(t, got, `"name":"Kari Nordmann"`)
	assert.Contains(t, got, `"phone":"+4791234567"`)

	complete := func(code, password string) (*http.Response, string) {
		t.Helper()
		b, err := json.Marshal(map[string]string{"token": token, "code": code, "password": password})
		require.NoError(t, err)
		resp, body := e.do(t, http.MethodPost, "/api/activation/complete", "application/json", string(b))
		return resp, string(body)
	}
	resp, got = complete("", "Granskog!Lirype-Vadmel9")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, got)
	assert.Contains(t, got, `"code":"code_required"`)
	resp, got = complete(wrong, "Granskog!Lirype-Vadmel9")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, got)
	assert.Contains(t, got, `"attemptsLeft":8`, "a wrong code at complete counts too")
	resp, got = complete(code, "Granskog!Lirype-Vadmel9")
	require.Equal(t, http.StatusOK, resp.StatusCode, got)

	refused := e.auditLog(t, store.AuditFilter{Event: store.EventRefused, Username: "kari"})
	require.Len(t, refused, 2, "each wrong code is in the audit log")
	assert.Equal(t, "wrong code", refused[0].Detail)
	delivered := e.auditLog(t, store.AuditFilter{Event: store.EventDelivered, Username: "kari"})
	require.Len(t, delivered, 2)
	list := e.list(t, "username=kari")
	require.Len(t, list, 1)
	// The code goes first, so that the e-mail can say whether it went;
	// each names its link (with two open links the desk could not tell
	// which one went).
	id := "id " + list[0].ID + ": "
	assert.Equal(t, []string{id + "sms code", id + "email"}, []string{delivered[0].Detail, delivered[1].Detail})
	assert.True(t, list[0].Code, "the list says which links need a code")
	assert.Equal(t, 2, list[0].Failures)

	// No phone, no code: refused by field.
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations", map[string]any{"username": "ola", "institution": "default",
		"email": "ola@example.org", "code": true}, deskKey)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"fields":["code"]`)

	// Ten wrong codes lock the link; then the right one is refused too.
	sent := len(e.sms.Messages())
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations", map[string]any{"username": "per", "institution": "default",
		"phone": "412 34 567", "code": true}, deskKey)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
	require.NoError(t, json.Unmarshal(body, &out))
	require.NotEmpty(t, out.Link, "without an e-mail address the link is handed over by the desk")
	assert.Empty(t, out.Code, "the code went by SMS")
	token = tokenOf(t, out.Link)
	sms = e.sms.Messages()[sent:]
	require.Len(t, sms, 1)
	assert.NotContains(t, sms[0].Body, "/aktiver/")
	code = regexp.MustCompile(`\b\d{8}\b`).FindString(sms[0].Body)
	wrong = "00000000"
	if code == wrong {
		wrong = "00000001"
	}
	for i := 1; i < server.MaxFailures; i++ {
		resp, got = lookup(wrong)
		require.Equal(t, http.StatusUnauthorized, resp.StatusCode, "attempt %d: %s", i, got)
	}
	resp, got = lookup(wrong)
	assert.Equal(t, http.StatusGone, resp.StatusCode, got)
	assert.Contains(t, got, `"code":"token_locked"`)
	resp, got = lookup(code)
	assert.Equal(t, http.StatusGone, resp.StatusCode, "a locked link stays locked: %s", got)
	assert.Equal(t, server.StateLocked, e.list(t, "username=per")[0].State)

	// Resend: a new link with a new code (by SMS again).
	lockedID := e.list(t, "username=per")[0].ID
	sent = len(e.sms.Messages())
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/resend", map[string]string{"id": lockedID}, deskKey)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
	require.NoError(t, json.Unmarshal(body, &out))
	assert.Equal(t, []server.Delivery{{Channel: "sms", What: "code", OK: true}}, out.Deliveries)
	sms = e.sms.Messages()[sent:]
	require.Len(t, sms, 1)
	newCode := regexp.MustCompile(`\b\d{8}\b`).FindString(sms[0].Body)
	token = tokenOf(t, out.Link)
	resp, got = lookup("")
	assert.Equal(t, http.StatusOK, resp.StatusCode, got)
	assert.Contains(t, got, `"codeRequired":true`, "the new link needs a code as the old one did")
	resp, got = lookup(newCode)
	assert.Equal(t, http.StatusOK, resp.StatusCode, got)

	assertNoSecrets(t, e.logs.String(), code, newCode, token)
}

// TestImportWithCode: an import with code gives every row's link a one-time
// code by SMS (the link by e-mail); a row without a phone number is
// refused by its line, and code with deliver=false is refused whole.
func TestImportWithCode(t *testing.T) {
	e := newDeskEnv(t, nil)
	post := func(csv, query string) (*http.Response, []byte) {
		t.Helper()
		return e.do(t, http.MethodPost, "/api/admin/activations/import?"+query, "text/csv", csv, "Authorization", "Bearer "+hrKey)
	}
	resp, body := post("username,email,phone\nkari,kari@example.org,91234567\nola,ola@example.org,\n", "code=true")
	assert.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "%s", body)
	var rep server.ImportReport
	require.NoError(t, json.Unmarshal(body, &rep))
	assert.Equal(t, []server.RowError{{Line: 3, Field: "code", Reason: "code needs a phone number: the one-time code goes by SMS"}}, rep.Errors)
	assert.Empty(t, e.list(t, ""), "nothing imported")

	resp, body = post("username,email,phone\nkari,kari@example.org,91234567\n", "code=true&deliver=false")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"fields":["code"]`)

	resp, body = post("username,email,phone\nkari,kari@example.org,91234567\nola,,41234567\n", "code=true")
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	require.NoError(t, json.Unmarshal(body, &rep))
	require.Len(t, rep.Results, 2)
	assert.Empty(t, rep.Results[0].Link, "kari's link went by e-mail")
	assert.NotEmpty(t, rep.Results[1].Link, "ola has no address: the link is returned")
	assert.Empty(t, rep.Results[0].Code+rep.Results[1].Code, "the codes went by SMS")
	sms := e.sms.Messages()
	require.Len(t, sms, 2, "one SMS a row: its code")
	for _, m := range sms {
		assert.Regexp(t, `\b\d{8}\b`, m.Body)
		assert.NotContains(t, m.Body, "/aktiver/")
	}
	for _, v := range e.list(t, "") {
		assert.True(t, v.Code, "%s's link needs its code", v.Username)
	}
	resp, body = e.do(t, http.MethodPost, "/api/activation/lookup", "application/json", `{"token":"`+tokenOf(t, rep.Results[1].Link)+`"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), `"codeRequired":true`)
}

// TestResendCode: the link's page may ask for the code again: a new code
// by SMS to the number on file (the old one stops working), no sooner than
// a minute after the last, at most three times a link, and audited.
func TestResendCode(t *testing.T) {
	var offset atomic.Int64
	e := newDeskEnv(t, func(d *server.Deps) {
		d.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	resp, body := e.admin(t, http.MethodPost, "/api/admin/activations", map[string]any{"username": "kari", "institution": "default",
		"email": "kari@example.org", "phone": "912 34 567", "lang": "nn", "code": true}, deskKey)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
	token := tokenOf(t, linkIn(t, e.smtp.Messages(t)[0].Text))
	codeIn := func(i int) string {
		t.Helper()
		msgs := e.sms.Messages()
		require.Greater(t, len(msgs), i)
		return regexp.MustCompile(`\b\d{8}\b`).FindString(msgs[i].Body)
	}
	first := codeIn(0)
	post := func(path string, v map[string]string) (*http.Response, string) {
		t.Helper()
		b, err := json.Marshal(v)
		require.NoError(t, err)
		resp, body := e.do(t, http.MethodPost, path, "application/json", string(b))
		return resp, string(body)
	}

	resp, got := post("/api/activation/code", map[string]string{"token": token})
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode, got)
	assert.NotEmpty(t, resp.Header.Get("Retry-After"), "how long to wait")
	assert.Equal(t, server.LimitCode, errLimit(t, []byte(got)), "the code's gap, not the request rate")
	assert.Len(t, e.sms.Messages(), 1, "no SMS within the minute")

	offset.Store(int64(61 * time.Second))
	resp, got = post("/api/activation/code", map[string]string{"token": token})
	require.Equal(t, http.StatusOK, resp.StatusCode, got)
	assert.JSONEq(t, `{"phoneEnding":"67","sendsLeft":2}`, got)
	second := codeIn(1)
	assert.Equal(t, "+4791234567", e.sms.Messages()[1].To, "the number on file")
	assert.Contains(t, e.sms.Messages()[1].Body, "Eingongskoden din", "in the link's language")
	if second != first {
		resp, got = post("/api/activation/lookup", map[string]string{"token": token, "code": first})
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "the old code stops working: %s", got)
	}
	resp, got = post("/api/activation/lookup", map[string]string{"token": token, "code": second})
	assert.Equal(t, http.StatusOK, resp.StatusCode, got)

	for i, at := range []time.Duration{3, 5} {
		offset.Store(int64(at * time.Minute))
		resp, got = post("/api/activation/code", map[string]string{"token": token})
		require.Equal(t, http.StatusOK, resp.StatusCode, got)
		assert.Contains(t, got, fmt.Sprintf(`"sendsLeft":%d`, 1-i))
	}
	offset.Store(int64(10 * time.Minute))
	resp, got = post("/api/activation/code", map[string]string{"token": token})
	assert.Equal(t, http.StatusConflict, resp.StatusCode, got)
	assert.Contains(t, got, `"code":"code_limit"`)
	assert.Len(t, e.sms.Messages(), 4, "the first code and three more")
	sent := e.auditLog(t, store.AuditFilter{Event: store.EventDelivered, Actor: "user:kari"})
	assert.Len(t, sent, 3, "each code sent again is audited as the person's")

	// A link without a code, and an unknown one.
	out := e.issue(t, map[string]string{"username": "ola", "institution": "default"}, deskKey)
	resp, got = post("/api/activation/code", map[string]string{"token": tokenOf(t, out.Link)})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, got)
	resp, got = post("/api/activation/code", map[string]string{"token": "unknown-token-0123456789"})
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, got)
	assertNoSecrets(t, e.logs.String(), first, second, token)
}

// TestCodeByDefault: where the desk's default asks for codes, a link
// issued with both an e-mail address and a phone number gets one unless
// the request says otherwise; with a phone number alone it goes by SMS
// as before (there is no second channel for the code).
func TestCodeByDefault(t *testing.T) {
	e := newDeskEnv(t, func(d *server.Deps) { d.CodeByDefault = map[string]bool{"uit": true} })
	issue := func(v map[string]any) []server.Delivery {
		t.Helper()
		resp, body := e.admin(t, http.MethodPost, "/api/admin/activations", v, deskKey)
		require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
		var out issued
		require.NoError(t, json.Unmarshal(body, &out))
		return out.Deliveries
	}
	both := func(user, inst string) map[string]any {
		return map[string]any{"username": user, "institution": inst, "email": user + "@example.org", "phone": "91234567"}
	}
	link, code := server.Delivery{Channel: "sms", OK: true}, server.Delivery{Channel: "sms", What: "code", OK: true}
	mail := server.Delivery{Channel: "email", OK: true}
	assert.Equal(t, []server.Delivery{mail, code}, issue(both("kari", "uit")), "uit's default")
	assert.Equal(t, []server.Delivery{mail, link}, issue(both("ola", "default")), "not the default institution's")
	no := both("per", "uit")
	no["code"] = false
	assert.Equal(t, []server.Delivery{mail, link}, issue(no), "asked against")
	assert.Equal(t, []server.Delivery{link}, issue(map[string]any{"username": "liv", "institution": "uit", "phone": "91234567"}),
		"a phone number alone: the link by SMS")

	resp, body := e.do(t, http.MethodPost, "/api/admin/activations/import", "text/csv",
		"username,institution,email,phone\nanne,uit,anne@example.org,41234567\nbo,uit,,41234568\n", "Authorization", "Bearer "+hrKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	var rep server.ImportReport
	require.NoError(t, json.Unmarshal(body, &rep))
	assert.Equal(t, []server.Delivery{mail, code}, rep.Results[0].Deliveries)
	assert.Equal(t, []server.Delivery{link}, rep.Results[1].Deliveries)
	resp, body = e.do(t, http.MethodPost, "/api/admin/activations/import?code=false", "text/csv",
		"username,institution,email,phone\ncarl,uit,carl@example.org,41234569\n", "Authorization", "Bearer "+hrKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	var rep2 server.ImportReport
	require.NoError(t, json.Unmarshal(body, &rep2))
	assert.Equal(t, []server.Delivery{mail, link}, rep2.Results[0].Deliveries, "code=false against the default")
}

// TestUsedLinkClosesOthers: once one of a person's links has set the
// password, the account is claimed, and the person's other open links at
// that institution are revoked (by "system", in the audit log): until
// 2026-12-04 each kept working until it expired, so a link sent to a wrong
// address, or the second of two channels, could set the password again
// after the person had chosen it. Links at other institutions and other
// people's stay open.
func TestUsedLinkClosesOthers(t *testing.T) {
	e := newDeskEnv(t, nil)
	kari := map[string]string{"username": "kari", "institution": "default"}
	first := e.issue(t, kari, deskKey)
	second := e.issue(t, kari, deskKey)
	elsewhere := e.issue(t, map[string]string{"username": "kari", "institution": "uio"}, deskKey)
	ola := e.issue(t, map[string]string{"username": "ola", "institution": "default"}, deskKey)

	resp, body := e.do(t, http.MethodPost, "/api/activation/complete", "application/json",
		`{"token":"`+tokenOf(t, first.Link)+`","password":"`+strong+`"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", body)
	states := map[string]server.State{}
	for _, v := range e.list(t, "") {
		states[v.ID] = v.State
	}
	assert.Equal(t, map[string]server.State{first.ID: server.StateUsed, second.ID: server.StateRevoked,
		elsewhere.ID: server.StateOpen, ola.ID: server.StateOpen}, states)
	resp, body = e.do(t, http.MethodPost, "/api/activation/complete", "application/json",
		`{"token":"`+tokenOf(t, second.Link)+`","password":"`+strong2+`"}`)
	assert.Equal(t, http.StatusGone, resp.StatusCode, "the other link no longer sets the password: %s", body)
	revoked := e.auditLog(t, store.AuditFilter{Event: store.EventRevoked})
	require.Len(t, revoked, 1)
	assert.Equal(t, "system", revoked[0].Actor)
	assert.Equal(t, "kari", revoked[0].Username)
	assert.Equal(t, "id "+second.ID, revoked[0].Detail)
}

// TestNoticeGoesToTheUsedLinksAddress: a person with two links, the second
// sent to a wrong address, uses the first: the notice that the password was
// set goes to the first link's address, not to the wrong one, which the
// used link's revoking of the other took off file. Until 2026-12-04 it went
// to the newest address the desk had given, the wrong one.
func TestNoticeGoesToTheUsedLinksAddress(t *testing.T) {
	e := newDeskEnv(t, nil)
	e.issue(t, map[string]string{"username": "kari", "institution": "default", "email": "kari@example.org", "lang": "en"}, deskKey)
	e.issue(t, map[string]string{"username": "kari", "institution": "default", "email": "wrong@example.org", "lang": "en"}, deskKey)
	msgs := e.smtp.Messages(t)
	require.Len(t, msgs, 2)
	token := tokenOf(t, linkIn(t, msgs[0].Text))
	resp, body := e.do(t, http.MethodPost, "/api/activation/complete", "application/json", `{"token":"`+token+`","password":"`+strong+`"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", body)
	n, err := e.queue.RunOnce(t.Context())
	require.NoError(t, err)
	require.Equal(t, 1, n)
	msgs = e.smtp.Messages(t)
	require.Len(t, msgs, 3)
	assert.Contains(t, msgs[2].Text, "was set when the account was activated")
	to, err := msgs[2].Header.AddressList("To")
	require.NoError(t, err)
	require.Len(t, to, 1)
	assert.Equal(t, "kari@example.org", to[0].Address, "the notice goes to the address the used link went to")
}

// TestUsedLinkLeavesExpiredOnes: the links a used one revokes are the open
// ones: an expired link, which no one can use, stays expired, and its
// address stays on file for the notice (revoking it took the person's only
// address off file, and the notice went nowhere).
func TestUsedLinkLeavesExpiredOnes(t *testing.T) {
	e := newDeskEnv(t, nil)
	old, _, err := server.CreateActivation(t.Context(), e.st, time.Now().Add(-2*time.Hour), "kari", "", "default", time.Hour)
	require.NoError(t, err)
	oldHash := sha256.Sum256([]byte(old))
	require.NoError(t, e.st.SetContact(t.Context(), oldHash[:], store.Contact{Email: "kari@example.org", Lang: "en"}))
	fresh := e.issue(t, map[string]string{"username": "kari", "institution": "default"}, deskKey)
	resp, body := e.do(t, http.MethodPost, "/api/activation/complete", "application/json", `{"token":"`+tokenOf(t, fresh.Link)+`","password":"`+strong+`"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", body)
	states := map[string]server.State{}
	for _, v := range e.list(t, "") {
		states[v.ID] = v.State
	}
	assert.Equal(t, map[string]server.State{server.ID(oldHash[:]): server.StateExpired, fresh.ID: server.StateUsed}, states)
	n, err := e.queue.RunOnce(t.Context())
	require.NoError(t, err)
	require.Equal(t, 1, n, "the notice went out")
	msgs := e.smtp.Messages(t)
	require.Len(t, msgs, 1)
	to, err := msgs[0].Header.AddressList("To")
	require.NoError(t, err)
	assert.Equal(t, "kari@example.org", to[0].Address)
}

// TestImportRerunSendsUndelivered: a link whose delivery failed (the mail
// server was down) is sent anew when the same import is run again: a new
// link, delivered, and the undelivered one revoked. It was skipped as open
// ("skipped_open"), and the person never got a link. A link delivered, or
// one stored with no address (printed for the desk to hand over), is
// still skipped.
func TestImportRerunSendsUndelivered(t *testing.T) {
	e := newDeskEnvOwnSMTP(t, nil)
	post := func(csv string) server.ImportReport {
		t.Helper()
		return e.importCSV(t, "partial=true", csv, http.StatusOK)
	}
	e.issue(t, map[string]string{"username": "ola", "institution": "default", "email": "ola@example.org"}, deskKey)
	resp, body := e.do(t, http.MethodPost, "/api/admin/activations/import?deliver=false", "text/csv", "username,email\nper,per@example.org\n", "Authorization", "Bearer "+hrKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	e.smtp.Down()
	const csv = "username,email\nkari,kari@example.org\nola,ola@example.org\nper,per@example.org\n"
	first := post(csv)
	require.Len(t, first.Results, 3)
	assert.Equal(t, "created", first.Results[0].Status)
	require.Len(t, first.Results[0].Deliveries, 1)
	assert.False(t, first.Results[0].Deliveries[0].OK, "the mail server is down")
	assert.Equal(t, 1, first.Undelivered, "the summary counts the link that did not go (it said 1 created, 0 failed)")
	assert.Contains(t, e.logs.String(), `msg="delivery failed"`)
	assert.NotContains(t, e.logs.String(), `what=""`, "the log names what failed to go: the link")
	e.smtp.Up(t)

	again := post(csv)
	require.Len(t, again.Results, 3)
	assert.Equal(t, "resent", again.Results[0].Status, "kari's link never went out")
	assert.NotEqual(t, first.Results[0].ID, again.Results[0].ID, "a new link")
	require.Len(t, again.Results[0].Deliveries, 1)
	assert.True(t, again.Results[0].Deliveries[0].OK)
	assert.Equal(t, "skipped_open", again.Results[1].Status, "ola's was delivered")
	assert.Equal(t, "skipped_open", again.Results[2].Status, "per's was stored without delivery, to be handed over")
	assert.Equal(t, [2]int{1, 2}, [2]int{again.Created, again.Skipped}, "a link sent anew is a link created")
	assert.Zero(t, again.Undelivered)
	states := map[string]server.State{}
	for _, v := range e.list(t, "") {
		if v.Username == "kari" {
			states[v.ID] = v.State
		}
	}
	assert.Equal(t, map[string]server.State{first.Results[0].ID: server.StateRevoked, again.Results[0].ID: server.StateOpen}, states)
	msgs := e.smtp.Messages(t)
	require.Len(t, msgs, 2, "ola's first link and kari's new one")
	resp, body = e.do(t, http.MethodPost, "/api/activation/lookup", "application/json", `{"token":"`+tokenOf(t, linkIn(t, msgs[1].Text))+`"}`)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the mailed link works: %s", body)
	revoked := e.auditLog(t, store.AuditFilter{Event: store.EventRevoked, Username: "kari"})
	require.Len(t, revoked, 1)
	assert.Contains(t, revoked[0].Detail, "replaced by")
}

// TestImportSemicolons: a CSV saved by a Norwegian Excel, whose separator
// is the semicolon, imports as the identities' import does; it was one
// unknown column named "username;email".
func TestImportSemicolons(t *testing.T) {
	e := newDeskEnv(t, nil)
	resp, body := e.do(t, http.MethodPost, "/api/admin/activations/import?deliver=false", "text/csv",
		"\ufeffusername;name;email\r\nkari;\"Nordmann, Kari\";kari@example.org\r\nola;Ola;\r\n", "Authorization", "Bearer "+hrKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	var rep server.ImportReport
	require.NoError(t, json.Unmarshal(body, &rep))
	assert.Equal(t, 2, rep.Created)
	names := map[string]string{}
	for _, v := range e.list(t, "") {
		names[v.Username] = v.Name
	}
	assert.Equal(t, map[string]string{"kari": "Nordmann, Kari", "ola": "Ola"}, names)
}

// staleStore answers the next Activation as it stood before its failures:
// the snapshot a request read while other requests' wrong codes, sent at
// the same moment, were being counted.
type staleStore struct {
	store.Store
	stale atomic.Bool
}

func (s *staleStore) Activation(ctx context.Context, tokenHash []byte) (store.Activation, error) {
	a, err := s.Store.Activation(ctx, tokenHash)
	if s.stale.CompareAndSwap(true, false) {
		a.Failures = 0
	}
	return a, err
}

// TestCodeLockHoldsInARace: a right code whose request read the link
// before wrong codes sent with it were counted to the limit is refused as
// locked, as a wrong one is then; it told the person's name, phone and
// birth date (lookup): the limit of ten was checked on the snapshot only,
// so parallel guesses got more than ten codes compared.
func TestCodeLockHoldsInARace(t *testing.T) {
	var stale *staleStore
	e := newDeskEnv(t, func(d *server.Deps) {
		stale = &staleStore{Store: d.Store}
		d.Store = stale
	})
	resp, body := e.admin(t, http.MethodPost, "/api/admin/activations", map[string]any{"username": "kari", "name": "Kari Nordmann",
		"institution": "default", "email": "kari@example.org", "phone": "912 34 567", "lang": "en", "code": true}, deskKey)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "body %s", body)
	mails := e.smtp.Messages(t)
	require.Len(t, mails, 1)
	token := tokenOf(t, linkIn(t, mails[0].Text))
	sms := e.sms.Messages()
	require.Len(t, sms, 1)
	code := regexp.MustCompile(`\b\d{8}\b`).FindString(sms[0].Body)
	require.NotEmpty(t, code)

	for range server.MaxFailures {
		_, err := e.st.RecordFailure(t.Context(), server.HashToken(token))
		require.NoError(t, err)
	}
	stale.stale.Store(true)
	b, err := json.Marshal(map[string]string{"token": token, "code": code})
	require.NoError(t, err)
	resp, got := e.do(t, http.MethodPost, "/api/activation/lookup", "application/json", string(b))
	assert.NotEqual(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(got), `"token_locked"`)
	assert.NotContains(t, string(got), "Kari Nordmann")
}

// TestImportNoDeliverKeepsContacts: an import with deliver=false sends
// nothing but keeps the e-mail address and phone number on file, as its
// help says ("store contacts but send nothing"): the "password changed"
// notice and the phone-number rule use them. They were dropped. A re-run
// does not take such a link for one whose delivery failed (it resends
// those): nothing was sent because nothing was to be.
func TestImportNoDeliverKeepsContacts(t *testing.T) {
	e := newDeskEnv(t, nil)
	csv := "username,name,email,phone\nzara,Zara,zara@example.org,91234567\n"
	for run := range 2 {
		rep := e.importCSV(t, "deliver=false", csv, http.StatusOK)
		want := "created"
		if run == 1 {
			want = "skipped_open"
		}
		assert.Equal(t, want, rep.Results[0].Status, "run %d", run+1)
	}
	assert.Empty(t, e.smtp.Messages(t), "nothing sent")
	assert.Empty(t, e.sms.Messages(), "nothing sent")
	l := e.list(t, "username=zara")
	require.Len(t, l, 1)
	assert.Equal(t, "zara@example.org", l[0].Email)
	assert.Equal(t, "+4791234567", l[0].Phone)
}

// TestImportExcelEmptiedColumnsAndRows: Excel saves the columns and rows
// whose contents were deleted as empty fields ("username;name;email;;;"
// and ";;;;;"); the import refused the whole file ("column 4 is no column
// of the import", then "username is empty" for the row), which the desk
// could not see in Excel. Such columns and rows are passed over; a value
// in a column without a name is refused by line, never repeated.
func TestImportExcelEmptiedColumnsAndRows(t *testing.T) {
	e := newDeskEnv(t, nil)
	csv := "\ufeffusername;name;email;;;\r\n" +
		"kari;Kari Nordmann;kari@example.org;;;\r\n" +
		";;;;;\r\n" +
		"ola;Ola Nordmann;ola@example.org; ;;\r\n" +
		";; ;;;\r\n"
	rep := e.importCSV(t, "deliver=false", csv, http.StatusOK)
	assert.Empty(t, rep.Errors)
	assert.Equal(t, 2, rep.Rows)
	assert.Equal(t, 2, rep.Created)

	rep = e.importCSV(t, "deliver=false", "username;;email\nper;91234567;per@example.org\n", http.StatusUnprocessableEntity)
	require.Len(t, rep.Errors, 1)
	assert.Equal(t, server.RowError{Line: 2, Reason: "column 2 has a value but no name in the header"}, rep.Errors[0])
	assert.NotContains(t, fmt.Sprint(rep), "91234567")
}

// TestImportRowFieldCount: a row with more or fewer fields than the header
// (a comma in an unquoted name, a cell left out) is that row's error, with
// the counts, and the other rows are checked and, with partial, imported.
// The reader's own count check stopped the whole file at the first such
// row: "line 3: malformed CSV at line 3, column 1: wrong number of fields",
// the line said twice, no counts, and no other row's error shown.
func TestImportRowFieldCount(t *testing.T) {
	e := newDeskEnv(t, nil)
	csv := "username,name,email\n" +
		"kari,Kari Nordmann,kari@example.org\n" +
		"ola,Nordmann, Ola,ola@example.org\n" +
		"per,per@example.org\n" +
		"anne,Anne Nordmann,not-an-address\n" +
		"nils,Nils Nordmann,nils@example.org\n"
	rep := e.importCSV(t, "deliver=false", csv, http.StatusUnprocessableEntity)
	require.Len(t, rep.Errors, 3, "%+v", rep.Errors)
	assert.Equal(t, []server.RowError{
		{Line: 3, Reason: "4 fields; the header has 3"},
		{Line: 4, Reason: "2 fields; the header has 3"},
		{Line: 5, Field: "email", Reason: rep.Errors[2].Reason},
	}, rep.Errors)
	rep = e.importCSV(t, "deliver=false&partial=true", csv, http.StatusOK)
	assert.Equal(t, 2, rep.Created, "kari and nils")
	assert.Len(t, rep.Errors, 3)
}

// TestImportHeaderNeverEchoesData: a file whose first line is data, not a
// header (the identities' CSV, which has none, given to this import), is
// said to have no header row, naming the columns, without repeating the
// line: it answered "15038510433: unknown column", an identity number
// back in the error. A header with a mistyped column still names it.
func TestImportHeaderNeverEchoesData(t *testing.T) {
	e := newDeskEnv(t, nil)
	post := func(csv string) server.ImportReport {
		t.Helper()
		resp, body := e.do(t, http.MethodPost, "/api/admin/activations/import?deliver=false", "text/csv", csv, "Authorization", "Bearer "+hrKey)
		require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "%s", body)
		var rep server.ImportReport
		require.NoError(t, json.Unmarshal(body, &rep))
		require.NotEmpty(t, rep.Errors)
		for _, secret := range []string{"15038510433", "kari@privat.no", "Kari Nordmann"} {
			assert.NotContains(t, string(body), secret)
		}
		return rep
	}
	for _, csv := range []string{"15038510433;kari;Kari Nordmann;uio\n", "kari@privat.no,kari\n", "kari\tKari Nordmann\n"} {
		rep := post(csv)
		assert.Equal(t, 1, rep.Errors[0].Line)
		assert.Empty(t, rep.Errors[0].Field)
		assert.Contains(t, rep.Errors[0].Reason, "no header row")
	}
	// ("epost", the example before, is now the Norwegian name of email.)
	rep := post("username,emial\nkari,kari@example.org\n")
	assert.Equal(t, "emial", rep.Errors[0].Field, "a mistyped column is named")
}

// TestUnknownInstitutionRefused: a list or a revoke naming an institution
// no policy has is refused, naming the field; a mistyped one answered
// "nothing" (an empty list, "0 revoked"), which a desk person reads as
// "already handled".
func TestUnknownInstitutionRefused(t *testing.T) {
	e := newDeskEnv(t, nil)
	e.issue(t, map[string]string{"username": "lise", "institution": "default"}, deskKey)
	resp, body := e.admin(t, http.MethodGet, "/api/admin/activations?institution=defualt", nil, deskKey)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"institution"`)
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"username": "lise", "institution": "defualt"}, deskKey)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"institution"`)
	assert.Len(t, e.list(t, "username=lise&state=open"), 1, "nothing revoked")
}

// TestIssueSaysActivatedBefore: a link issued for an account its person
// has already activated says when (activatedAt), since it sets the
// password again; nothing said so, where the import skips such people.
func TestIssueSaysActivatedBefore(t *testing.T) {
	e := newDeskEnv(t, nil)
	first := e.issue(t, map[string]string{"username": "tove", "institution": "default"}, deskKey)
	_, body := e.admin(t, http.MethodPost, "/api/admin/activations", map[string]string{"username": "tove", "institution": "default"}, deskKey)
	assert.NotContains(t, string(body), "activatedAt", "not activated yet")
	b, err := json.Marshal(map[string]string{"token": tokenOf(t, first.Link), "password": "Granskog!Lirype-Vadmel9"})
	require.NoError(t, err)
	resp, got := e.do(t, http.MethodPost, "/api/activation/complete", "application/json", string(b))
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", got)
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations", map[string]string{"username": "tove", "institution": "default"}, deskKey)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
	var out struct{ ActivatedAt *time.Time }
	require.NoError(t, json.Unmarshal(body, &out))
	require.NotNil(t, out.ActivatedAt, "%s", body)
	assert.WithinDuration(t, time.Now(), *out.ActivatedAt, time.Minute)
}

// TestChangeNoticeGreetsByName: the "password changed" notice after a
// change greets the person by the name on file, as the activation's does;
// it greeted by the username ("Hello eva,").
func TestChangeNoticeGreetsByName(t *testing.T) {
	e := newDeskEnv(t, nil)
	e.issue(t, map[string]string{"username": "eva", "name": "Eva English", "institution": "default", "lang": "en", "email": "eva@example.org"}, deskKey)
	mails := e.smtp.Messages(t)
	require.Len(t, mails, 1)
	const pw, pw2 = "Granskog!Lirype-Vadmel9", "Kveldssol over Lyngen-fjorden 42!"
	b, err := json.Marshal(map[string]string{"token": tokenOf(t, linkIn(t, mails[0].Text)), "password": pw})
	require.NoError(t, err)
	resp, got := e.do(t, http.MethodPost, "/api/activation/complete", "application/json", string(b))
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", got)
	b, err = json.Marshal(map[string]string{"username": "eva", "institution": "default", "current": pw, "password": pw2})
	require.NoError(t, err)
	resp, got = e.do(t, http.MethodPost, "/api/change", "application/json", string(b))
	require.Less(t, resp.StatusCode, 300, "%s", got)
	q, err := e.st.Notifications(t.Context(), 0)
	require.NoError(t, err)
	require.NotEmpty(t, q)
	last := q[len(q)-1]
	assert.Contains(t, last.Text, "Hello Eva English,")
	assert.NotContains(t, last.Text, "Hello eva,")
	assert.Contains(t, last.Text, "was changed on ", "a date takes \"on\" in English")
}

// TestImportRerunWithANewAddress: a row whose e-mail address (or phone
// number) is not the one the person's open link went to (a typo mended in
// the file, "gmail.con" → "gmail.com") gets a new link to the new address
// on a re-run, and the old one is revoked: the re-run skipped the row
// ("open"), and the link sent to the mistyped domain kept working for its
// whole lifetime.
func TestImportRerunWithANewAddress(t *testing.T) {
	e := newDeskEnv(t, nil)
	post := func(csv string) server.ImportReport { t.Helper(); return e.importCSV(t, "", csv, http.StatusOK) }
	rep := post("username,email\nq1,q1@example.con\n")
	require.Equal(t, "created", rep.Results[0].Status)
	old := rep.Results[0].ID
	rep = post("username,email\nq1,q1@example.con\n")
	assert.Equal(t, "skipped_open", rep.Results[0].Status, "the same address: nothing to do")
	rep = post("username,email\nq1,q1@example.com\n")
	assert.Equal(t, "resent", rep.Results[0].Status)
	mails := e.smtp.Messages(t)
	require.Len(t, mails, 2)
	assert.Contains(t, mails[1].Header.Get("To"), "q1@example.com")
	states := map[string]server.State{}
	for _, v := range e.list(t, "username=q1") {
		states[v.ID] = v.State
	}
	assert.Equal(t, server.State("revoked"), states[old], "the link to the old address")
	revoked := e.auditLog(t, store.AuditFilter{Event: store.EventRevoked, Username: "q1"})
	require.Len(t, revoked, 1)
	assert.Contains(t, revoked[0].Detail, "address changed")
}

// TestDeliveryFailedLogOutsideRequests: the desk used by the CLI (no HTTP
// request, so no request id) logs a failed delivery with whose link it
// was, and no empty id="" (the line named neither).
func TestDeliveryFailedLogOutsideRequests(t *testing.T) {
	e := newDeskEnvOwnSMTP(t, nil)
	cfg, err := notify.ParseSMTPURL(e.smtp.URL())
	require.NoError(t, err)
	cfg.From, cfg.RootCAs, cfg.Timeout = "Utfjord IT <it@utfjord.example>", e.smtp.CA, 5*time.Second
	mailer, err := notify.NewSMTP(cfg)
	require.NoError(t, err)
	tp, err := notify.LoadTemplates("", notify.Profile{Name: "Utfjord kommune", ServiceDesk: "IT-hjelp, 77 00 00 00"})
	require.NoError(t, err)
	logs := &syncbuf.Buffer{}
	d := server.NewDesk(e.st, baseURL, server.DeskDeps{Mailer: mailer, Templates: tp}, slog.New(slog.NewTextHandler(logs, nil)), nil)
	e.smtp.Down()
	issued, err := d.Issue(context.Background(), server.IssueRequest{Username: "ola", Institution: "default", Email: "ola@example.org", Actor: "cli:test"})
	require.NoError(t, err)
	require.Len(t, issued.Deliveries, 1)
	require.False(t, issued.Deliveries[0].OK)
	line := logs.String()
	assert.Contains(t, line, `msg="delivery failed"`)
	assert.NotContains(t, line, `id=""`)
	assert.Contains(t, line, "username=ola")
	assert.Contains(t, line, "institution=default")
	assert.NotContains(t, line, issued.Link[strings.LastIndex(issued.Link, "/")+1:])
}

// TestFollowupsAfterInterruption: a link used when the server stopped (or
// the store failed) between the password's commit and the steps after it
// leaves those steps to the sweep serve runs: the "activated" event (with
// why it is late), the person's other link closed, the notice queued;
// once. Before, the password was set with no audit event, no notice, and
// the other link still set the password again (a user test's kill -9).
func TestFollowupsAfterInterruption(t *testing.T) {
	e := newDeskEnv(t, nil)
	first := e.issue(t, map[string]string{"username": "ola", "institution": "default", "email": "ola@example.org"}, deskKey)
	second := e.issue(t, map[string]string{"username": "ola", "institution": "default", "email": "ola.nordmann@example.org"}, deskKey)
	msgs := e.smtp.Messages(t)
	require.Len(t, msgs, 2)
	// The crash: Complete committed, and nothing after it ran.
	used := time.Now()
	require.NoError(t, e.st.Complete(context.Background(), server.HashToken(tokenOf(t, linkIn(t, msgs[0].Text))), nil, used, "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", 5, server.MaxFailures))

	// The person calls, and the desk issues a new link before the sweep:
	// the sweep does not close it.
	time.Sleep(2 * time.Millisecond)
	third := e.issue(t, map[string]string{"username": "ola", "institution": "default"}, deskKey)
	tp, err := notify.LoadTemplates("", notify.Profile{Name: "Utfjord kommune", ServiceDesk: "IT-hjelp, 77 00 00 00"})
	require.NoError(t, err)
	logs := &syncbuf.Buffer{}
	clock := used
	d := server.NewDesk(e.st, baseURL, server.DeskDeps{Templates: tp}, slog.New(slog.NewTextHandler(logs, nil)), func() time.Time { return clock })
	n, err := d.SweepFollowups(context.Background())
	require.NoError(t, err)
	assert.Zero(t, n, "within the wait the request's own steps may still run")

	clock = used.Add(2 * server.FollowupWait)
	n, err = d.SweepFollowups(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	ev := e.auditLog(t, store.AuditFilter{Event: store.EventActivated, Username: "ola"})
	require.Len(t, ev, 1)
	assert.Equal(t, "recorded after an interruption", ev[0].Detail)
	assert.Equal(t, "system", ev[0].Actor)
	states := map[string]server.State{}
	for _, v := range e.list(t, "") {
		states[v.ID] = v.State
	}
	assert.Equal(t, server.StateUsed, states[first.ID])
	assert.Equal(t, server.StateRevoked, states[second.ID], "the person's other link closed")
	assert.Equal(t, server.StateOpen, states[third.ID], "a link issued after the interruption stays open")
	ns, err := e.st.Notifications(context.Background(), 10)
	require.NoError(t, err)
	require.Len(t, ns, 1, "the notice queued")
	assert.Equal(t, "activation:"+first.ID, ns[0].Key)

	clock = clock.Add(time.Hour)
	n, err = d.SweepFollowups(context.Background())
	require.NoError(t, err)
	assert.Zero(t, n, "done once")
	assert.Len(t, e.auditLog(t, store.AuditFilter{Event: store.EventActivated, Username: "ola"}), 1)
}

// TestFollowupsDoneByTheRequest: a link used in the ordinary way does its
// steps in the request and marks them done: the sweep finds nothing, and
// writes no second event.
func TestFollowupsDoneByTheRequest(t *testing.T) {
	e := newDeskEnv(t, nil)
	e.issue(t, map[string]string{"username": "kari", "institution": "default", "email": "kari@example.org"}, deskKey)
	resp, body := e.do(t, http.MethodPost, "/api/activation/complete", "application/json", `{"token":"`+tokenOf(t, linkIn(t, e.smtp.Messages(t)[0].Text))+`","password":"Fjellbekk-Sommer!Grønn 42 Lys"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	d := server.NewDesk(e.st, baseURL, server.DeskDeps{}, nil, func() time.Time { return time.Now().Add(time.Hour) })
	n, err := d.SweepFollowups(context.Background())
	require.NoError(t, err)
	assert.Zero(t, n)
	assert.Len(t, e.auditLog(t, store.AuditFilter{Event: store.EventActivated, Username: "kari"}), 1)
}

// TestImportTooLarge: a CSV over the import's limit is 413 naming the
// limit, as the JSON APIs answer theirs, not 422 "unreadable CSV".
func TestImportTooLarge(t *testing.T) {
	e := newDeskEnv(t, nil)
	var b strings.Builder
	b.WriteString("username,name\n")
	long := strings.Repeat("n", 10000)
	for i := 0; b.Len() <= 17<<20; i++ {
		b.WriteString("user" + strconv.Itoa(i) + "," + long + "\n")
	}
	resp, body := e.do(t, http.MethodPost, "/api/admin/activations/import", "text/csv", b.String(), "Authorization", "Bearer "+hrKey)
	require.Equal(t, http.StatusRequestEntityTooLarge, resp.StatusCode, "%.300s", body)
	assert.Contains(t, string(body), "body_too_large")
	assert.Contains(t, string(body), strconv.Itoa(16<<20))

	// The CLI's file too: the import reads it whole (to check it is
	// UTF-8), and a file of any size was read into memory.
	d := server.NewDesk(e.st, baseURL, server.DeskDeps{}, nil, nil)
	rep, err := d.Import(t.Context(), strings.NewReader(b.String()), server.ImportOptions{NoDeliver: true}, nil)
	require.ErrorIs(t, err, server.ErrImportInvalid)
	require.Len(t, rep.Errors, 1)
	assert.Contains(t, rep.Errors[0].Reason, "larger than 16 MiB")
}

// TestPasswordFollowupsAfterInterruption: a reset's or a change's password
// stored when the server stopped before the steps after it (the store kept
// the follow-up with the password) gets them from the sweep: the "reset"
// or "changed" event, the person's open link closed, the notice. Before,
// the link stayed open and could set the password again, and the owner
// heard nothing.
func TestPasswordFollowupsAfterInterruption(t *testing.T) {
	for _, kind := range []string{notify.HowReset, notify.HowChange} {
		t.Run(kind, func(t *testing.T) {
			e := newDeskEnv(t, nil)
			// An address on file (ola's used link's), and an open link.
			e.issue(t, map[string]string{"username": "ola", "institution": "default", "email": "ola@example.org"}, deskKey)
			used := server.HashToken(tokenOf(t, linkIn(t, e.smtp.Messages(t)[0].Text)))
			require.NoError(t, e.st.Complete(context.Background(), used, nil, time.Now(), "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", 5, server.MaxFailures))
			require.NoError(t, e.st.FollowedUp(context.Background(), used))
			link := e.issue(t, map[string]string{"username": "ola", "institution": "default"}, deskKey)
			at := time.Now().Add(time.Second)
			f := &store.Followup{Key: kind + ":crash", Kind: kind, Username: "ola", Name: "Ola Nordmann", Institution: "default"}
			if kind == notify.HowReset {
				require.NoError(t, e.st.CreateResetSession(context.Background(), store.ResetSession{IDHash: bytes.Repeat([]byte{7}, 32),
					Username: "ola", Name: "Ola Nordmann", Institution: "default", CreatedAt: at, ExpiresAt: at.Add(10 * time.Minute)}))
				require.NoError(t, e.st.CompleteReset(context.Background(), bytes.Repeat([]byte{7}, 32), at, "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", 5, f))
			} else {
				require.NoError(t, e.st.SetPassword(context.Background(), "default", "ola", at, "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", 5, f))
			}
			tp, err := notify.LoadTemplates("", notify.Profile{Name: "Utfjord kommune"})
			require.NoError(t, err)
			d := server.NewDesk(e.st, baseURL, server.DeskDeps{Templates: tp}, nil, func() time.Time { return at.Add(2 * server.FollowupWait) })
			n, err := d.SweepFollowups(context.Background())
			require.NoError(t, err)
			assert.Equal(t, 1, n)
			event := map[string]string{notify.HowReset: store.EventReset, notify.HowChange: store.EventChanged}[kind]
			ev := e.auditLog(t, store.AuditFilter{Event: event, Username: "ola"})
			require.Len(t, ev, 1)
			assert.Equal(t, "recorded after an interruption", ev[0].Detail)
			for _, v := range e.list(t, "") {
				if v.ID == link.ID {
					assert.Equal(t, server.StateRevoked, v.State, "the open link closed")
				}
			}
			ns, err := e.st.Notifications(context.Background(), 10)
			require.NoError(t, err)
			require.Len(t, ns, 1)
			assert.Equal(t, kind+":crash", ns[0].Key)
			n, err = d.SweepFollowups(context.Background())
			require.NoError(t, err)
			assert.Zero(t, n, "once")
		})
	}
}

// TestRevokeIssuedBeforeBusyAndFuture: a link being completed when the
// bulk revoke runs is named as not revoked (it was skipped without a word,
// "0 revoked" and a clean exit, and stayed open if its completion failed);
// a cut-off after now is refused (a typo revoked every open link); each
// revocation's audit event names the cut-off (found by a security review).
func TestRevokeIssuedBeforeBusyAndFuture(t *testing.T) {
	e := newDeskEnv(t, nil)
	d := server.NewDesk(e.st, "https://styrke.example", server.DeskDeps{}, nil, nil)
	busyToken, _, err := server.CreateActivation(t.Context(), e.st, time.Now().Add(-time.Minute), "kari", "", "default", time.Hour)
	require.NoError(t, err)
	_, _, err = server.CreateActivation(t.Context(), e.st, time.Now().Add(-time.Minute), "ola", "", "default", time.Hour)
	require.NoError(t, err)
	h := server.HashToken(busyToken)
	_, err = e.st.Claim(t.Context(), h, time.Now(), time.Minute, "$argon2id$pending", server.MaxFailures) // a complete in flight
	require.NoError(t, err)

	_, _, err = d.RevokeIssuedBefore(t.Context(), time.Now().Add(time.Hour), "", "cli:test", "", false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "after now")

	cut := time.Now()
	revoked, busy, err := d.RevokeIssuedBefore(t.Context(), cut, "", "cli:test", "", false)
	require.NoError(t, err)
	assert.Len(t, revoked, 1, "ola's")
	assert.Equal(t, []string{server.ID(h)}, busy, "kari's, being completed")
	events, err := e.st.Audit(t.Context(), store.AuditFilter{Event: store.EventRevoked})
	require.NoError(t, err)
	require.Len(t, events, 1)
	assert.Contains(t, events[0].Detail, "(issued before "+cut.UTC().Format(time.RFC3339)+")")
}

// TestImportStopsDeliveringWhenMailIsDown: an import whose mail server
// is down stops trying it after server.ImportStopAfter failures in a row
// and stores the rest of its links undelivered, as a re-run expects
// them. It tried every row (each up to the SMTP client's timeout against a
// server that never answers: 10,000 rows took hours) and said nothing of
// it. The re-run with the server back sends them all.
func TestImportStopsDeliveringWhenMailIsDown(t *testing.T) {
	e := newDeskEnvOwnSMTP(t, nil)
	var csv strings.Builder
	csv.WriteString("username,email\n")
	const rows = 12
	for i := range rows {
		fmt.Fprintf(&csv, "user%02d,user%02d@example.org\n", i, i)
	}
	e.smtp.Down()
	first := e.importCSV(t, "partial=true", csv.String(), http.StatusOK)
	assert.Equal(t, [2]int{rows, rows}, [2]int{first.Created, first.Undelivered})
	assert.Equal(t, []string{"email"}, first.DeliveryStopped)
	classes := map[string]int{}
	for _, ev := range e.auditLog(t, store.AuditFilter{Event: store.EventDeliveryFailed}) {
		_, detail, ok := strings.Cut(ev.Detail, ": ") // after the link's id
		require.True(t, ok, ev.Detail)
		classes[detail]++
	}
	assert.Equal(t, map[string]int{"email: temporary": server.ImportStopAfter, "email: not tried": rows - server.ImportStopAfter}, classes)
	assert.Equal(t, 1, strings.Count(e.logs.String(), "delivery stopped"), "said once in the log")

	e.smtp.Up(t)
	again := e.importCSV(t, "partial=true", csv.String(), http.StatusOK)
	assert.Equal(t, [2]int{rows, 0}, [2]int{again.Created, again.Undelivered}, "the re-run sends every link anew")
	assert.Empty(t, again.DeliveryStopped)
	assert.Len(t, e.smtp.Messages(t), rows)
}

// TestCodeNotSent: a link with a one-time code whose SMS failed is not
// delivered (the list showed it delivered, since its e-mail went), its
// e-mail says the code did not go and how to get one, not that it was
// sent, and the import's re-run sends the person a new link and code.
func TestCodeNotSent(t *testing.T) {
	e := newDeskEnv(t, nil)
	e.sms.SetMode(twiliotest.Fail)
	const csv = "username,email,phone\nkari,kari@example.org,91234567\n"
	first := e.importCSV(t, "code=true", csv, http.StatusOK)
	require.Len(t, first.Results, 1)
	assert.Equal(t, 1, first.Undelivered, "the link without its code is no delivery")
	assert.NotEmpty(t, first.Results[0].Code, "the code is handed to the desk")
	views := e.list(t, "username=kari")
	require.Len(t, views, 1)
	assert.Nil(t, views[0].DeliveredAt, "not delivered without its code")
	msgs := e.smtp.Messages(t)
	require.Len(t, msgs, 1, "the e-mail went: the page can send a new code")
	// Checked without printing the mail, which holds the link.
	assert.False(t, strings.Contains(msgs[0].Text, "engangskoden vi har sendt"), "the e-mail says the code was sent")
	assert.True(t, strings.Contains(msgs[0].Text, "«Send en ny kode»"), "the e-mail names the page's button for a new code")

	e.sms.SetMode(twiliotest.Normal)
	again := e.importCSV(t, "code=true", csv, http.StatusOK)
	require.Len(t, again.Results, 1)
	assert.Equal(t, "resent", again.Results[0].Status)
	assert.Zero(t, again.Undelivered)
	msgs = e.smtp.Messages(t)
	require.Len(t, msgs, 2)
	assert.True(t, strings.Contains(msgs[1].Text, "engangskoden vi har sendt"), "the new e-mail says the code was sent")
	views = e.list(t, "username=kari&state=open")
	require.Len(t, views, 1)
	assert.NotNil(t, views[0].DeliveredAt)
}

// TestCodeResentDelivers: a link whose code's SMS failed is delivered once
// the page's "Send a new code" got one to the person (who has the link,
// being on its page): a re-run of the import revoked the link the person
// was using and sent another.
func TestCodeResentDelivers(t *testing.T) {
	var offset atomic.Int64
	e := newDeskEnv(t, func(d *server.Deps) {
		d.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	e.sms.SetMode(twiliotest.Fail)
	const csv = "username,email,phone\nkari,kari@example.org,91234567\n"
	first := e.importCSV(t, "code=true", csv, http.StatusOK)
	require.Len(t, first.Results, 1)
	require.Equal(t, 1, first.Undelivered)
	e.sms.SetMode(twiliotest.Normal)
	offset.Add(int64(2 * time.Minute))
	token := tokenOf(t, linkIn(t, e.smtp.Messages(t)[0].Text))
	resp, body := e.do(t, http.MethodPost, "/api/activation/code", "application/json", `{"token":"`+token+`"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	views := e.list(t, "username=kari")
	require.Len(t, views, 1)
	assert.NotNil(t, views[0].DeliveredAt, "the link and its code reached the person")
	again := e.importCSV(t, "code=true", csv, http.StatusOK)
	require.Len(t, again.Results, 1)
	assert.Equal(t, "skipped_open", again.Results[0].Status)
}

// TestGoneLinkNamesItsDesk: the answer for a link that no longer works
// (expired, used, locked) names the service desk of the link's
// institution, which the e-mail named and its page now shows; the page
// showed the server's one for every institution.
func TestGoneLinkNamesItsDesk(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "institutions.json"),
		[]byte(`{"uit": {"name": "UiT", "serviceDesk": "Orakel, 77 64 40 00"}}`), 0o600))
	tp, err := notify.LoadTemplates(dir, notify.Profile{Name: "Styrke", ServiceDesk: "Felles, 22 00 00 00"})
	require.NoError(t, err)
	var offset atomic.Int64
	e := newDeskEnv(t, func(d *server.Deps) {
		d.Templates = tp
		d.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	uit := e.issue(t, map[string]string{"username": "kari", "institution": "uit"}, deskKey)
	other := e.issue(t, map[string]string{"username": "ola", "institution": "default"}, deskKey)
	offset.Store(int64(30 * 24 * time.Hour))
	for link, want := range map[string]string{uit.Link: "Orakel, 77 64 40 00", other.Link: "Felles, 22 00 00 00"} {
		resp, body := e.do(t, http.MethodPost, "/api/activation/lookup", "application/json", `{"token":"`+tokenOf(t, link)+`"}`)
		require.Equal(t, http.StatusGone, resp.StatusCode)
		var got struct {
			Error struct{ Code, ServiceDesk string }
		}
		require.NoError(t, json.Unmarshal(body, &got))
		assert.Equal(t, "token_expired", got.Error.Code)
		assert.Equal(t, want, got.Error.ServiceDesk)
	}
}

// TestResetConfigNamesDesks: /api/reset/config names the service desk of
// each institution whose profile has its own, beside the server's: the
// change page and the reset's form said "contact the service desk" and
// named none, where the activation page names the link's institution's.
// With --institutions, those served only.
func TestResetConfigNamesDesks(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "institutions.json"),
		[]byte(`{"uit": {"name": "UiT", "serviceDesk": "Orakel, 77 64 40 00"}, "uio": {"name": "UiO", "serviceDesk": "IT-hjelp, 22 84 00 00"}}`), 0o600))
	tp, err := notify.LoadTemplates(dir, notify.Profile{Name: "Styrke", ServiceDesk: "Felles, 22 00 00 00"})
	require.NoError(t, err)
	for _, tt := range []struct {
		name   string
		served []string
		want   string
	}{
		{"every institution", nil, `{"uit":"Orakel, 77 64 40 00","uio":"IT-hjelp, 22 84 00 00"}`},
		{"those served", []string{"uit", "default"}, `{"uit":"Orakel, 77 64 40 00"}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newDeskEnv(t, func(d *server.Deps) {
				d.Templates, d.ServiceDesk, d.Institutions = tp, "Felles, 22 00 00 00", tt.served
			})
			resp, body := e.do(t, http.MethodGet, "/api/reset/config", "", "")
			require.Equal(t, http.StatusOK, resp.StatusCode)
			var got struct {
				ServiceDesk  string          `json:"serviceDesk"`
				ServiceDesks json.RawMessage `json:"serviceDesks"`
			}
			require.NoError(t, json.Unmarshal(body, &got))
			assert.Equal(t, "Felles, 22 00 00 00", got.ServiceDesk)
			assert.JSONEq(t, tt.want, string(got.ServiceDesks))
		})
	}
}

// TestImportNorwegianExcel: a file a Norwegian desk makes in Excel: the
// columns named in Norwegian (brukernavn, navn, e-post, mobil, ...) are
// the import's columns; saved as Windows-1252 ("CSV (semikolondelt)", not
// "CSV UTF-8"), it is refused once, saying how to save it, where each row
// was refused with "name is not valid UTF-8".
func TestImportNorwegianExcel(t *testing.T) {
	e := newDeskEnv(t, nil)
	rep := e.importCSV(t, "deliver=false", "Brukernavn;Navn;Institusjon;E-post;Mobil;Språk\r\nkari;Kari Nordmann;default;kari@example.org;912 34 567;nn\r\n", http.StatusOK)
	assert.Equal(t, 1, rep.Created, "%+v", rep.Errors)
	views := e.list(t, "username=kari")
	require.Len(t, views, 1)
	assert.Equal(t, [4]string{"Kari Nordmann", "kari@example.org", "+4791234567", "nn"}, [4]string{views[0].Name, views[0].Email, views[0].Phone, views[0].Lang})

	// "Bjørn Ødegård" in Windows-1252: ø is 0xF8.
	cp1252 := "username;name\r\nbjorn;Bj\xf8rn \xd8deg\xe5rd\r\nola;Ola\r\n"
	resp, body := e.do(t, http.MethodPost, "/api/admin/activations/import?deliver=false", "text/csv", cp1252, "Authorization", "Bearer "+hrKey)
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode, "%s", body)
	var bad server.ImportReport
	require.NoError(t, json.Unmarshal(body, &bad))
	require.Len(t, bad.Errors, 1, "one error for the file, not one a row: %+v", bad.Errors)
	assert.Equal(t, 2, bad.Errors[0].Line)
	assert.Contains(t, bad.Errors[0].Reason, "not UTF-8")
	assert.Contains(t, bad.Errors[0].Reason, "CSV UTF-8")
	assert.Empty(t, e.list(t, "username=ola"), "nothing imported")
}

// TestRevokeReason: a revoke may say why ("wrong address", "the person
// withdrew"), and the audit log keeps it beside the link's id; a reason
// with a line break or over 200 characters is refused by field. The log
// said which link and who, never why.
func TestRevokeReason(t *testing.T) {
	e := newDeskEnv(t, nil)
	out := e.issue(t, map[string]string{"username": "kari", "institution": "default"}, deskKey)
	for _, bad := range []string{"wrong\naddress", strings.Repeat("x", 201)} {
		resp, body := e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"id": out.ID, "reason": bad}, deskKey)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
		assert.Contains(t, string(body), `"reason"`)
	}
	resp, body := e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"id": out.ID, "reason": "sent to the wrong address"}, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	revoked := e.auditLog(t, store.AuditFilter{Event: store.EventRevoked, Username: "kari"})
	require.Len(t, revoked, 1)
	assert.Equal(t, "id "+out.ID+": sent to the wrong address", revoked[0].Detail)
}

// TestRevokeUsedLinkSaysSo: the desk revokes a link sent to the wrong
// person, and that person has used it already. The answer says that the
// link was used, and when: a password was set with it, and revoking
// changes nothing. It said "already used or revoked", the same as for a
// link revoked before, and a revoke by username said nothing at all of the
// person's used link: the desk could not tell that someone else may hold
// the account.
func TestRevokeUsedLinkSaysSo(t *testing.T) {
	e := newDeskEnv(t, nil)
	used := e.issue(t, map[string]string{"username": "cato", "institution": "default"}, deskKey)
	b, err := json.Marshal(map[string]string{"token": tokenOf(t, used.Link), "password": "Granskog!Lirype-Vadmel9"})
	require.NoError(t, err)
	resp, got := e.do(t, http.MethodPost, "/api/activation/complete", "application/json", string(b))
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", got)
	var usedAt time.Time
	for _, v := range e.list(t, "username=cato") {
		require.NotNil(t, v.UsedAt)
		usedAt = *v.UsedAt
	}

	resp, body := e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"id": used.ID, "reason": "sent to the wrong address"}, deskKey)
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	var out struct {
		Error struct{ Code, Message string }
	}
	require.NoError(t, json.Unmarshal(body, &out), "%s", body)
	assert.Equal(t, "conflict", out.Error.Code)
	assert.Contains(t, out.Error.Message, "was used at "+usedAt.UTC().Format(time.RFC3339), "said: used, and when")
	assert.Contains(t, out.Error.Message, "a password was set with it")

	// Revoked before: said so, not "used".
	other := e.issue(t, map[string]string{"username": "dina", "institution": "default"}, deskKey)
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"id": other.ID}, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"id": other.ID}, deskKey)
	assert.Equal(t, http.StatusConflict, resp.StatusCode)
	assert.Contains(t, string(body), "was revoked at ")
	assert.NotContains(t, string(body), "used")

	// By username: nothing open to revoke, and when the account was set
	// with a link.
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"username": "cato"}, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	var byName struct {
		Revoked     []string
		ActivatedAt *time.Time
	}
	require.NoError(t, json.Unmarshal(body, &byName), "%s", body)
	assert.Empty(t, byName.Revoked)
	require.NotNil(t, byName.ActivatedAt, "%s", body)
	assert.True(t, usedAt.Equal(*byName.ActivatedAt))
	_, body = e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"username": "dina"}, deskKey)
	assert.NotContains(t, string(body), "activatedAt", "never activated")
}

// TestResendThatReachesNoOneKeepsTheOldLink: a person says the e-mail did
// not come, and the desk resends while the mail server is down. The new
// link reaches no one (it is returned to the desk), and the old one stays
// open, named in alsoOpen and a warning: the old e-mail may yet arrive,
// or be in the spam folder. It was revoked all the same, and the person
// who found it there was told the link had expired. A resend that
// delivers revokes the old one, as before.
func TestResendThatReachesNoOneKeepsTheOldLink(t *testing.T) {
	e := newDeskEnvOwnSMTP(t, nil)
	first := e.issue(t, map[string]string{"username": "kari", "institution": "default", "email": "kari@example.org", "lang": "nn"}, deskKey)
	require.Equal(t, []server.Delivery{{Channel: "email", OK: true}}, first.Deliveries)
	oldToken := tokenOf(t, linkIn(t, e.smtp.Messages(t)[0].Text))

	e.smtp.Down()
	re := e.resend(t, first.ID)
	assert.Equal(t, []server.Delivery{{Channel: "email", OK: false, Error: "temporary"}}, re.Deliveries)
	assert.NotEmpty(t, re.Link, "the new link goes to the desk")
	assert.Equal(t, []string{first.ID}, re.AlsoOpen, "the old link is named as still open")
	require.Len(t, re.Warnings, 1)
	assert.Contains(t, re.Warnings[0], "not revoked")
	states := map[string]server.State{}
	for _, v := range e.list(t, "username=kari") {
		states[v.ID] = v.State
	}
	assert.Equal(t, map[string]server.State{first.ID: server.StateOpen, re.ID: server.StateOpen}, states)
	resp, body := e.do(t, http.MethodPost, "/api/activation/lookup", "application/json", `{"token":"`+oldToken+`"}`)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the old link still works: %s", body)
	assert.Empty(t, e.auditLog(t, store.AuditFilter{Event: store.EventRevoked}))

	// Back: a resend that delivers replaces the link resent.
	e.smtp.Up(t)
	again := e.resend(t, first.ID)
	assert.Equal(t, []server.Delivery{{Channel: "email", OK: true}}, again.Deliveries)
	assert.Equal(t, []string{re.ID}, again.AlsoOpen, "the undelivered one is still named")
	states = map[string]server.State{}
	for _, v := range e.list(t, "username=kari") {
		states[v.ID] = v.State
	}
	assert.Equal(t, server.StateRevoked, states[first.ID])
	assert.Equal(t, server.StateOpen, states[again.ID])
}

// TestRevokeByUsernameAcrossInstitutions: a revoke by username without an
// institution, when the username's open links are at more than one
// institution, revokes nothing and names the institutions: "ola" at uit and
// "ola" at uio may be two people (README), and the desk at uit revoking
// its ola's links revoked the other's, who was told the link was withdrawn.
// With the institution, only that one's go; with links at one institution,
// the institution is not needed, as before.
func TestRevokeByUsernameAcrossInstitutions(t *testing.T) {
	e := newDeskEnv(t, nil)
	atUit := e.issue(t, map[string]string{"username": "ola", "institution": "uit"}, deskKey)
	atUio := e.issue(t, map[string]string{"username": "ola", "institution": "uio"}, deskKey)
	resp, body := e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"username": "ola"}, deskKey)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"fields":["institution"]`)
	assert.Contains(t, string(body), "uio and uit")
	for _, v := range e.list(t, "username=ola") {
		assert.Equal(t, server.StateOpen, v.State, "nothing revoked: %s", v.ID)
	}

	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"username": "OLA", "institution": "uit"}, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.JSONEq(t, `{"revoked":["`+atUit.ID+`"]}`, string(body))
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"username": "ola"}, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "one institution left: %s", body)
	assert.JSONEq(t, `{"revoked":["`+atUio.ID+`"]}`, string(body))
}

// TestResendOfARevokedLinkRefused: a resend of a link the desk revoked
// ("sent to the wrong address") sends nothing and says when and why it was
// revoked: a resend goes to the link's address, and it sent a new working
// link to the wrong address, answered 201 without a word. A link replaced
// by a newer one (a resend) or revoked after a restore (issued before) is
// resent as before: that is how such a person gets a new link.
func TestResendOfARevokedLinkRefused(t *testing.T) {
	e := newDeskEnv(t, nil)
	wrong := e.issue(t, map[string]string{"username": "kari", "institution": "default", "email": "kari@wrong.example"}, deskKey)
	resp, body := e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"id": wrong.ID, "reason": "sent to the wrong address"}, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	before := len(e.smtp.Messages(t))

	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/resend", map[string]string{"id": wrong.ID}, deskKey)
	require.Equal(t, http.StatusConflict, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), "revoked at")
	assert.Contains(t, string(body), "sent to the wrong address")
	assert.Contains(t, string(body), "nothing was sent")
	assert.Equal(t, before, len(e.smtp.Messages(t)), "nothing sent")
	for _, v := range e.list(t, "username=kari") {
		assert.NotEqual(t, server.StateOpen, v.State, "no new link: %s", v.ID)
	}

	// Replaced by a resend: resent again after the repeat window, as before.
	ola := e.issue(t, map[string]string{"username": "ola", "institution": "default", "email": "ola@example.org"}, deskKey)
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/resend", map[string]string{"id": ola.ID}, deskKey)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/resend", map[string]string{"id": ola.ID}, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "the same resend again is its repeat: %s", body)

	// Revoked after a restore: resent, a new link to the same address.
	per := e.issue(t, map[string]string{"username": "per", "institution": "default", "email": "per@example.org"}, deskKey)
	d := server.NewDesk(e.st, baseURL, server.DeskDeps{}, nil, nil)
	_, _, err := d.RevokeIssuedBefore(t.Context(), time.Now(), "default", "cli:test", "", false)
	require.NoError(t, err)
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/resend", map[string]string{"id": per.ID}, deskKey)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
}

// TestResendOfALinkClosedByThePassword: a resend of a link that was closed
// when the person set their password (with another of their links) sends
// nothing and answers 409 saying when, how the password was set, that the
// person has one, and what the desk does instead: they sign in with it, or
// (forgotten, or not set by them) a new link. It said only "if they need a
// new password, issue a link", with no word of how it was set or that they
// may simply sign in.
func TestResendOfALinkClosedByThePassword(t *testing.T) {
	e := newDeskEnv(t, nil)
	used := e.issue(t, map[string]string{"username": "kari", "institution": "default"}, deskKey) // handed over
	closed := e.issue(t, map[string]string{"username": "kari", "institution": "default", "email": "kari@privat.example"}, deskKey)
	resp, body := e.do(t, http.MethodPost, "/api/activation/complete", "application/json",
		`{"token":"`+tokenOf(t, used.Link)+`","password":"`+strong+`"}`)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	before := len(e.smtp.Messages(t))

	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/resend", map[string]string{"id": closed.ID}, deskKey)
	require.Equal(t, http.StatusConflict, resp.StatusCode, "%s", body)
	var out struct {
		Error struct{ Code, Message string }
	}
	require.NoError(t, json.Unmarshal(body, &out))
	got := out.Error
	assert.Equal(t, "conflict", got.Code)
	assert.Contains(t, got.Message, "the link was closed at ")
	assert.Contains(t, got.Message, "when the person's password was set with another of their links: they have a password, and nothing was sent")
	assert.Contains(t, got.Message, "they sign in with the password they chose; if they have forgotten it, or did not set it themselves, issue them a new link (create)")
	assert.NotContains(t, got.Message, "Forgot password", "the reset is off")
	assert.Equal(t, before, len(e.smtp.Messages(t)), "nothing sent")
	for _, v := range e.list(t, "username=kari") {
		assert.NotEqual(t, server.StateOpen, v.State, "no new link: %s", v.ID)
	}

	// The link used: when, that the password was set with it, and the
	// same what to do. It said "the activation was already used or
	// revoked", neither when nor which, nor what the desk does now.
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/resend", map[string]string{"id": used.ID}, deskKey)
	require.Equal(t, http.StatusConflict, resp.StatusCode, "%s", body)
	require.NoError(t, json.Unmarshal(body, &out))
	assert.Regexp(t, `^the link was used at 20[0-9-]+T[0-9:]+Z: the person's password was set with it: they have a password, and nothing was sent; `+
		`they sign in with the password they chose; if they have forgotten it, or did not set it themselves, issue them a new link \(create\), which sets it again$`, out.Error.Message)
	assert.Equal(t, before, len(e.smtp.Messages(t)), "nothing sent")
}

// TestResendOfAClosedLinkSaysHowAndWhatNext: the answer to a resend of a
// link closed when the password was set says how it was set (another link,
// a reset, a change: the audit log's event between the link's creation and
// its close) and, where the person can reset it themselves (the reset with
// ID-porten on, their identity number imported for this account alone),
// sends them to the Forgot password page rather than to a new link.
func TestResendOfAClosedLinkSaysHowAndWhatNext(t *testing.T) {
	for _, tc := range []struct {
		name, event, how string
		reset, imported  bool
		next             string
	}{
		{"activated", store.EventActivated, "with another of their links", false, false, "or did not set it themselves, issue them a new link (create)"},
		{"reset", store.EventReset, "on the Forgot password page (a reset with ID-porten)", true, true, "they choose a new one themselves on the Forgot password page (ID-porten); if they did not set it themselves, issue them a new link (create)"},
		{"changed", store.EventChanged, "on the Change password page", true, true, "on the Forgot password page"},
		{"reset on, identity not imported", store.EventChanged, "on the Change password page", true, false, "or did not set it themselves, issue them a new link (create)"},
		{"no event", "", "when the person's password was set: they have a password", false, false, "issue them a new link (create)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newDeskEnv(t, nil)
			ctx := t.Context()
			link := e.issue(t, map[string]string{"username": "kari", "institution": "uit"}, deskKey)
			if tc.imported {
				require.NoError(t, e.st.PutIdentities(ctx, []store.AccountIdentity{{Institution: "uit", Username: "kari", Name: "Kari",
					IdentityHash: bytes.Repeat([]byte{7}, 32), UpdatedAt: time.Now()}}))
			}
			if tc.event != "" {
				_, err := e.st.AppendAudit(ctx, store.AuditEvent{Time: time.Now(), Event: tc.event, Actor: "user:kari", Username: "kari", Institution: "uit"})
				require.NoError(t, err)
			}
			h, err := server.ParseID(link.ID)
			require.NoError(t, err)
			require.NoError(t, e.st.Revoke(ctx, h, time.Now()))
			_, err = e.st.AppendAudit(ctx, store.AuditEvent{Time: time.Now(), Event: store.EventRevoked, Actor: "system", Username: "kari", Institution: "uit",
				Detail: "id " + link.ID})
			require.NoError(t, err)

			d := server.NewDesk(e.st, baseURL, server.DeskDeps{IDPortenReset: tc.reset}, nil, nil)
			_, err = d.Resend(ctx, link.ID, "cli:test", "")
			var we *server.WithdrawnError
			require.ErrorAs(t, err, &we)
			assert.Contains(t, err.Error(), tc.how)
			assert.Contains(t, err.Error(), tc.next)
			assert.Equal(t, tc.reset && tc.imported, strings.Contains(err.Error(), "Forgot password page (ID-porten)"), "%s", err)
		})
	}
}

// TestResendToARefusedAddressSaysSo: a resend of a link whose address the
// mail server refuses (550 5.1.1: no such mailbox) goes to the same address
// and is refused again; the old link is kept open as before, but the
// warning no longer says that it "may yet arrive": it says the address was
// refused, and that a link to the right address is what the person needs.
func TestResendToARefusedAddressSaysSo(t *testing.T) {
	opts := deskSMTP
	opts.RejectDomain = "nosuch.example"
	e := newDeskEnvWith(t, smtptest.Start(t, opts), nil)
	first := e.issue(t, map[string]string{"username": "kari", "institution": "default", "email": "kari@nosuch.example"}, deskKey)
	require.Equal(t, []server.Delivery{{Channel: "email", OK: false, Error: "invalid recipient"}}, first.Deliveries)

	re := e.resend(t, first.ID)
	assert.Equal(t, []server.Delivery{{Channel: "email", OK: false, Error: "invalid recipient"}}, re.Deliveries)
	assert.Equal(t, []string{first.ID}, re.AlsoOpen, "the old link is named as still open")
	require.Len(t, re.Warnings, 1)
	assert.Contains(t, re.Warnings[0], "not revoked")
	assert.Contains(t, re.Warnings[0], "refused")
	assert.Contains(t, re.Warnings[0], "right address")
	assert.NotContains(t, re.Warnings[0], "may yet arrive")
}

// TestUnconfirmedDelivery: the mail server takes the link's e-mail whole
// and answers its end past the SMTP client's time limit (smtptest delivers
// it, then answers 250 late). The desk was told "temporary", was shown the
// link, no delivery time was recorded, and an import's re-run revoked the
// link in the person's inbox as never delivered and sent another. Now the
// delivery is "unconfirmed": no link shown, the list has deliveredAt and
// deliveryUnconfirmed, the audit log "delivered … unconfirmed", a resend
// keeps the old link open, and a re-run sends nothing.
func TestUnconfirmedDelivery(t *testing.T) {
	slow, mailer := slowMailer(t, 2*time.Second, 500*time.Millisecond)
	e := newDeskEnv(t, func(d *server.Deps) { d.Mailer = mailer })
	first := e.issue(t, map[string]string{"username": "kari", "institution": "default", "email": "kari@example.org", "lang": "nn"}, deskKey)
	assert.Equal(t, []server.Delivery{{Channel: "email", OK: false, Error: "unconfirmed"}}, first.Deliveries)
	assert.True(t, first.Link == "", "the link may be in the person's inbox: not shown")
	require.Len(t, slow.Messages(t), 1, "it arrived")
	oldToken := tokenOf(t, linkIn(t, slow.Messages(t)[0].Text))

	list := e.list(t, "username=kari")
	require.Len(t, list, 1)
	assert.NotNil(t, list[0].DeliveredAt, "when it was handed over")
	assert.True(t, list[0].DeliveryUnconfirmed)
	assert.Empty(t, e.auditLog(t, store.AuditFilter{Event: store.EventDeliveryFailed}))
	ev := e.auditLog(t, store.AuditFilter{Event: store.EventDelivered})
	require.Len(t, ev, 1)
	assert.Equal(t, "id "+first.ID+": email: unconfirmed", ev[0].Detail)

	// The desk resends all the same: the new one is unconfirmed too, and
	// the old one stays open, named.
	re := e.resend(t, first.ID)
	assert.True(t, re.Link == "", "not shown")
	assert.Equal(t, []string{first.ID}, re.AlsoOpen)
	require.Len(t, re.Warnings, 1)
	assert.Contains(t, re.Warnings[0], "unconfirmed")
	resp, body := e.do(t, http.MethodPost, "/api/activation/lookup", "application/json", `{"token":"`+oldToken+`"}`)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the old link still works: %s", body)
	// The same resend again: the new one may have arrived, so it is
	// answered and nothing sent (it sent a third).
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/resend", map[string]string{"id": first.ID}, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "body %s", body)
	var rep2 struct {
		ID       string   `json:"id"`
		Repeated bool     `json:"repeated"`
		Warnings []string `json:"warnings"`
	}
	require.NoError(t, json.Unmarshal(body, &rep2))
	assert.True(t, rep2.Repeated)
	assert.Equal(t, re.ID, rep2.ID)
	require.Len(t, rep2.Warnings, 1)
	assert.Contains(t, rep2.Warnings[0], "did not confirm it")

	// An import: counted as unconfirmed, not undelivered, no link in its
	// results; its re-run leaves the person's links alone.
	csv := "username,name,email\nola,Ola,ola@example.org\n"
	rep := e.importCSV(t, "", csv, http.StatusOK)
	assert.Equal(t, 1, rep.Created)
	assert.Equal(t, 1, rep.Unconfirmed)
	assert.Zero(t, rep.Undelivered)
	require.Len(t, rep.Results, 1)
	assert.True(t, rep.Results[0].Link == "", "not shown")
	rep = e.importCSV(t, "", csv, http.StatusOK)
	assert.Equal(t, 1, rep.Skipped, "%+v", rep.Results)
	assert.Len(t, slow.Messages(t), 3, "kari's two, ola's one")
	assert.Empty(t, e.auditLog(t, store.AuditFilter{Event: store.EventRevoked}))
}

// TestEndedLinkSaysWhy: a link the desk replaced by a newer one (a resend,
// an import's re-run for a mended address) answers token_replaced, and one
// it withdrew (a revoke, with a reason or without) token_revoked, each
// naming the desk, at the lookup and at the submit; a link that ran out
// stays token_expired and a token that matches nothing token_unknown.
// Both were token_expired: a revoke sets the expiry to its time, and the
// person with the link in the inbox read that links work a short while.
func TestEndedLinkSaysWhy(t *testing.T) {
	var offset atomic.Int64
	e := newDeskEnv(t, func(d *server.Deps) {
		d.ServiceDesk = "IT-hjelp, 77 00 00 00"
		d.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	answer := func(t *testing.T, path, token string) (int, string, string) {
		t.Helper()
		req := `{"token":"` + token + `"}`
		if strings.HasSuffix(path, "/complete") {
			req = `{"token":"` + token + `","password":"Fjellbekk-Sommer!Grønn 42 Lys"}`
		}
		resp, body := e.do(t, http.MethodPost, path, "application/json", req)
		var got struct {
			Error struct{ Code, ServiceDesk string }
		}
		require.NoError(t, json.Unmarshal(body, &got))
		return resp.StatusCode, got.Error.Code, got.Error.ServiceDesk
	}
	tokenIn := func(i int) string { return tokenOf(t, linkIn(t, e.smtp.Messages(t)[i].Text)) }

	first := e.issue(t, map[string]string{"username": "kari", "institution": "default", "email": "kari@example.org"}, deskKey)
	replaced := tokenIn(0)
	resp, body := e.admin(t, http.MethodPost, "/api/admin/activations/resend", map[string]string{"id": first.ID}, deskKey)
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)
	var re issued
	require.NoError(t, json.Unmarshal(body, &re))
	withdrawn := tokenIn(1)
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations/revoke", map[string]string{"id": re.ID, "reason": "replaced by hand, sent to the wrong address"}, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)

	// An import's re-run with a mended address replaces ola's link.
	e.importCSV(t, "", "username,email\nola,ola@exampel.org\n", http.StatusOK)
	readdressed := tokenIn(2)
	e.importCSV(t, "", "username,email\nola,ola@example.org\n", http.StatusOK)
	per := e.issue(t, map[string]string{"username": "per", "institution": "default", "email": "per@example.org"}, deskKey)
	require.NotEmpty(t, per.ID)
	ran := tokenIn(4)

	for _, path := range []string{"/api/activation/lookup", "/api/activation/complete"} {
		for _, tc := range []struct{ name, token, code string }{
			{"resent", replaced, "token_replaced"},
			{"revoked with a reason", withdrawn, "token_revoked"},
			{"replaced by an import", readdressed, "token_replaced"},
		} {
			status, code, desk := answer(t, path, tc.token)
			assert.Equal(t, http.StatusGone, status, "%s %s", path, tc.name)
			assert.Equal(t, tc.code, code, "%s %s", path, tc.name)
			assert.Equal(t, "IT-hjelp, 77 00 00 00", desk, "%s %s", path, tc.name)
		}
		status, code, _ := answer(t, path, randomTokenFor(t))
		assert.Equal(t, http.StatusNotFound, status, "%s: a token that matches nothing", path)
		assert.Equal(t, "token_unknown", code, path)
	}
	offset.Store(int64(30 * 24 * time.Hour))
	for _, path := range []string{"/api/activation/lookup", "/api/activation/complete"} {
		status, code, _ := answer(t, path, ran)
		assert.Equal(t, http.StatusGone, status, path)
		assert.Equal(t, "token_expired", code, "%s: a link that ran out", path)
	}
}

// randomTokenFor is a well-formed token no link has.
func randomTokenFor(t *testing.T) string {
	t.Helper()
	tok, _ := server.NewToken()
	return tok
}

// TestCreateTTLSaysItInTheDesksUnits: a lifetime out of range is said in
// the units the desk typed and the README gives ("ttl is 31 days; want 10
// minutes to 30 days"); it said "ttl is 744h0m0s; want 10m to 720h" of
// "31d".
func TestCreateTTLSaysItInTheDesksUnits(t *testing.T) {
	e := newDeskEnv(t, nil)
	for ttl, is := range map[string]string{"31d": "ttl is 31 days;", "5m": "ttl is 5m;", "721h": "ttl is 721h;", "9m30s": "ttl is 9m30s;"} {
		resp, body := e.admin(t, http.MethodPost, "/api/admin/activations", map[string]string{"username": "kari", "institution": "default", "ttl": ttl}, deskKey)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s: %s", ttl, body)
		assert.Contains(t, string(body), is+" want 10 minutes to 30 days", ttl)
	}
}

// TestCreateWithoutInstitution: the API's create (which, unlike the CLI's,
// the import's and the welcome's, has no default institution) says that the
// institution is missing; it said "institution is not a known institution
// id" of a request that gave none, and the desk looked for a typo.
func TestCreateWithoutInstitution(t *testing.T) {
	e := newDeskEnv(t, nil)
	for _, body := range []map[string]string{
		{"username": "kari", "email": "kari@example.org"},
		{"username": "kari", "email": "kari@example.org", "institution": ""},
		{"username": "kari", "phone": "12345678"},
	} {
		resp, out := e.admin(t, http.MethodPost, "/api/admin/activations", body, deskKey)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%v: %s", body, out)
		assert.Contains(t, string(out), "institution is required", "%v", body)
		assert.NotContains(t, string(out), "not a known institution", "%v", body)
		if body["phone"] != "" {
			assert.Contains(t, string(out), `"fields":["institution","phone"]`, "every field at fault is still named")
		}
	}
	assert.Empty(t, e.list(t, ""))
	resp, out := e.admin(t, http.MethodPost, "/api/admin/activations", map[string]string{"username": "kari", "institution": "nowhere"}, deskKey)
	require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", out)
	assert.Contains(t, string(out), "not a known institution id")
}

// TestCreateTwiceSendsOnce: the desk's create sent again (a double submit,
// a script's retry after its answer timed out) for the same person and
// the same address, while the first link's delivery went, answers the
// first link (200, "repeated", its id, no link, a warning that names
// resend) and sends nothing again; two at once send one. Each created a
// second link and mailed the person twice. A create whose first link
// reached no one (the desk was shown that link once), one to another
// address, and one after IssueRepeatWindow create a link as before.
func TestCreateTwiceSendsOnce(t *testing.T) {
	var offset atomic.Int64
	e := newDeskEnv(t, func(d *server.Deps) {
		d.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	kari := map[string]string{"username": "kari", "institution": "default", "email": "kari@example.org", "lang": "nn"}
	first := e.issue(t, kari, deskKey)
	require.Equal(t, []server.Delivery{{Channel: "email", OK: true}}, first.Deliveries)

	again := func(req map[string]string) (int, map[string]any) {
		t.Helper()
		resp, body := e.admin(t, http.MethodPost, "/api/admin/activations", req, deskKey)
		var v map[string]any
		require.NoError(t, json.Unmarshal(body, &v), "%s", body)
		return resp.StatusCode, v
	}
	kariAgain := map[string]string{"username": "KARI", "institution": "default", "email": "Kari@Example.org", "lang": "nn"}
	status, v := again(kariAgain)
	assert.Equal(t, http.StatusOK, status, "%v", v)
	assert.Equal(t, true, v["repeated"])
	assert.Equal(t, first.ID, v["id"])
	assert.NotContains(t, v, "link", "the link went to the person, and is shown to no one")
	require.Len(t, v["warnings"], 1)
	assert.Contains(t, v["warnings"].([]any)[0], "was created and delivered ")
	assert.Contains(t, v["warnings"].([]any)[0], "resend")
	assert.Equal(t, 1, len(e.smtp.Messages(t)), "sent once")
	assert.Len(t, e.list(t, "username=kari"), 1)
	assert.Len(t, e.auditLog(t, store.AuditFilter{Event: store.EventCreated}), 1)

	// Two at once: one link, one mail.
	ola := map[string]string{"username": "ola", "institution": "default", "email": "ola@example.org"}
	statuses := twoAtOnce(func() int {
		resp, _ := e.admin(t, http.MethodPost, "/api/admin/activations", ola, deskKey)
		return resp.StatusCode
	})
	assert.Contains(t, [][]int{{http.StatusOK, http.StatusCreated}, {http.StatusCreated, http.StatusConflict}}, statuses)
	assert.Len(t, e.list(t, "username=ola"), 1)
	assert.Equal(t, 2, len(e.smtp.Messages(t)), "kari's, ola's")

	// Another address is another link (the first still open, named).
	other := e.issue(t, map[string]string{"username": "kari", "institution": "default", "email": "kari@work.example", "lang": "nn"}, deskKey)
	assert.Equal(t, []string{first.ID}, other.AlsoOpen)
	// A link that reached no one was shown to the desk once: a new create
	// makes a new one to hand over.
	per := map[string]string{"username": "per", "institution": "default", "phone": "+4791234567"}
	e.sms.SetMode(twiliotest.Fail)
	lost := e.issue(t, per, deskKey)
	require.NotEmpty(t, lost.Link)
	e.sms.SetMode(twiliotest.Normal)
	anew := e.issue(t, per, deskKey)
	assert.Equal(t, []server.Delivery{{Channel: "sms", OK: true}}, anew.Deliveries)
	assert.NotEqual(t, lost.ID, anew.ID)
	assert.Equal(t, []string{lost.ID}, anew.AlsoOpen)
	// After the window, the same create is a new link.
	offset.Store(int64(server.IssueRepeatWindow + time.Second))
	later := e.issue(t, kari, deskKey)
	assert.NotEqual(t, first.ID, later.ID)
	assert.Equal(t, 4, len(e.smtp.Messages(t)), "kari's two, ola's, kari's at work")
}

// TestResendTwiceSendsOnce: the desk's resend sent again (a double click,
// a script's retry after its answer timed out) within IssueRepeatWindow of
// the first, whose new link went, answers that new link (200, "repeated",
// its id, no link, a warning naming resend) and sends nothing; two at once
// send one. Each made another link and mailed it, and the person who
// opened the first resend's mail read that the link had been replaced. A
// resend of the newest link (the person did not get it either) still
// sends, as does the same resend after the window; so does one whose first
// new link reached no one, and one whose first went unconfirmed answers it.
func TestResendTwiceSendsOnce(t *testing.T) {
	var offset atomic.Int64
	e := newDeskEnvOwnSMTP(t, func(d *server.Deps) {
		d.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	resend := func(id string) (int, map[string]any) {
		t.Helper()
		resp, body := e.admin(t, http.MethodPost, "/api/admin/activations/resend", map[string]string{"id": id}, deskKey)
		var v map[string]any
		require.NoError(t, json.Unmarshal(body, &v), "%s", body)
		return resp.StatusCode, v
	}
	first := e.issue(t, map[string]string{"username": "kari", "institution": "default", "email": "kari@example.org", "lang": "nn"}, deskKey)
	status, re := resend(first.ID)
	require.Equal(t, http.StatusCreated, status, "%v", re)
	newToken := tokenOf(t, linkIn(t, e.smtp.Messages(t)[1].Text))

	status, again := resend(first.ID)
	assert.Equal(t, http.StatusOK, status, "%v", again)
	assert.Equal(t, true, again["repeated"])
	assert.Equal(t, re["id"], again["id"], "the first resend's link")
	reExp, err := time.Parse(time.RFC3339Nano, re["expiresAt"].(string))
	require.NoError(t, err)
	againExp, err := time.Parse(time.RFC3339Nano, again["expiresAt"].(string))
	require.NoError(t, err)
	assert.WithinDuration(t, reExp, againExp, time.Microsecond, "its expiry, as the store keeps it")
	assert.NotContains(t, again, "link", "the link went to the person, and is shown to no one")
	assert.NotContains(t, again, "deliveries", "nothing was sent")
	require.Len(t, again["warnings"], 1, "%v", again)
	assert.Contains(t, again["warnings"].([]any)[0], "delivered ")
	assert.Contains(t, again["warnings"].([]any)[0], "styrke activation resend --id "+re["id"].(string))
	assert.Equal(t, 2, len(e.smtp.Messages(t)), "the create's and the first resend's")
	resp, body := e.do(t, http.MethodPost, "/api/activation/lookup", "application/json", `{"token":"`+newToken+`"}`)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "the first resend's link still works: %s", body)
	assert.Len(t, e.list(t, "username=kari"), 2)

	// The newest link resent is a new resend: the person did not get it.
	status, third := resend(re["id"].(string))
	require.Equal(t, http.StatusCreated, status, "%v", third)
	assert.NotEqual(t, re["id"], third["id"])
	assert.Equal(t, 3, len(e.smtp.Messages(t)))

	// Two at once: one new link, one mail.
	statuses := twoAtOnce(func() int {
		resp, _ := e.admin(t, http.MethodPost, "/api/admin/activations/resend", map[string]string{"id": third["id"].(string)}, deskKey)
		return resp.StatusCode
	})
	assert.Contains(t, [][]int{{http.StatusOK, http.StatusCreated}, {http.StatusCreated, http.StatusConflict}}, statuses)
	assert.Equal(t, 4, len(e.smtp.Messages(t)))
	assert.Len(t, e.list(t, "username=kari"), 4)

	// A first resend that reached no one is no repeat: the next sends.
	ola := e.issue(t, map[string]string{"username": "ola", "institution": "default", "email": "ola@example.org"}, deskKey)
	e.smtp.Down()
	status, lost := resend(ola.ID)
	require.Equal(t, http.StatusCreated, status, "%v", lost)
	require.NotEmpty(t, lost["link"])
	e.smtp.Up(t)
	status, anew := resend(ola.ID)
	require.Equal(t, http.StatusCreated, status, "%v", anew)
	assert.NotEqual(t, lost["id"], anew["id"])

	// After the window, the same resend sends again.
	before := len(e.smtp.Messages(t))
	offset.Store(int64(server.IssueRepeatWindow + time.Second))
	status, later := resend(first.ID)
	require.Equal(t, http.StatusCreated, status, "%v", later)
	assert.NotContains(t, later, "repeated")
	assert.Equal(t, before+1, len(e.smtp.Messages(t)))
}

// errDiskFull is failingDeskStore's error.
var errDiskFull = errors.New("the disk is full")

// failingDeskStore is a store whose call named fail (LockAccount of a
// person's hold, IssueActivations, Revoke or Audit) fails with errDiskFull.
type failingDeskStore struct {
	store.Store
	fail string
}

func (s failingDeskStore) LockAccount(ctx context.Context, key string, holder []byte, now, until time.Time) error {
	if s.fail == "LockAccount" && strings.HasPrefix(key, "issue:") {
		return errDiskFull
	}
	return s.Store.LockAccount(ctx, key, holder, now, until)
}

func (s failingDeskStore) IssueActivations(ctx context.Context, batch []store.Issue) error {
	if s.fail == "IssueActivations" {
		return errDiskFull
	}
	return s.Store.IssueActivations(ctx, batch)
}

func (s failingDeskStore) Revoke(ctx context.Context, tokenHash []byte, now time.Time) error {
	if s.fail == "Revoke" {
		return errDiskFull
	}
	return s.Store.Revoke(ctx, tokenHash, now)
}

func (s failingDeskStore) Audit(ctx context.Context, f store.AuditFilter) ([]store.AuditEvent, error) {
	if s.fail == "Audit" {
		return nil, errDiskFull
	}
	return s.Store.Audit(ctx, f)
}

// TestDeskErrorsNameTheVerb: a store error in a desk verb is said as that
// verb's (the CLI's last line, the server's log): a resend's, whose new
// link the store could not keep, said "create activation: the disk is
// full", and one whose old link it could not revoke "revoke the old
// activation: …", neither naming the resend.
func TestDeskErrorsNameTheVerb(t *testing.T) {
	create := func(d *server.Desk, _ string) error { // to another address: no repeat of the first link
		_, err := d.Issue(t.Context(), server.IssueRequest{Username: "ola", Institution: "default", Email: "ola.nordmann@example.org", Actor: "cli:test"})
		return err
	}
	resend := func(d *server.Desk, id string) error {
		_, err := d.Resend(t.Context(), id, "cli:test", "")
		return err
	}
	welcome := func(d *server.Desk, _ string) error {
		_, err := d.Welcome(t.Context(), server.WelcomeRequest{Username: "ola", Institution: "default", Email: "ola@example.org", Actor: "cli:test"})
		return err
	}
	for _, tc := range []struct {
		name, fail, want string
		verb             func(d *server.Desk, id string) error
	}{
		{"create, holding the person", "LockAccount", "create activation: ", create},
		{"create, storing the link", "IssueActivations", "create activation: ", create},
		{"resend, holding the person", "LockAccount", "resend activation: ", resend},
		{"resend, storing the new link", "IssueActivations", "resend activation: ", resend},
		{"welcome, holding the person", "LockAccount", "welcome: ", welcome},
		{"welcome, reading the audit log", "Audit", "welcome: ", welcome},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
			require.NoError(t, err)
			t.Cleanup(func() { st.Close() })
			deps := server.DeskDeps{IDPortenReset: true, Mailer: notify.MailerFunc(func(context.Context, notify.Message) error { return nil })}
			require.NoError(t, st.PutIdentities(t.Context(), []store.AccountIdentity{{Institution: "default", Username: "ola",
				IdentityHash: bytes.Repeat([]byte{1}, sha256.Size), UpdatedAt: time.Now()}}))
			old, err := server.NewDesk(st, baseURL, deps, nil, nil).Issue(t.Context(),
				server.IssueRequest{Username: "ola", Institution: "default", Email: "ola@example.org", Actor: "cli:test"})
			require.NoError(t, err)
			require.True(t, old.Delivered())

			d := server.NewDesk(failingDeskStore{st, tc.fail}, baseURL, deps, nil, nil)
			err = tc.verb(d, old.ID)
			require.ErrorIs(t, err, errDiskFull)
			assert.True(t, strings.HasPrefix(err.Error(), tc.want), "%s with %s failing: got %q, want it to start %q", tc.name, tc.fail, err, tc.want)
		})
	}
}

// TestWelcomeImportRowSaysWhyNothingWent: a welcome import's row that sent
// nothing (the audit log, which says whether the person was welcomed,
// could not be read) says so and where to look; it said "the welcome was
// not delivered:" with nothing after the colon.
func TestWelcomeImportRowSaysWhyNothingWent(t *testing.T) {
	st, deps, sent := countingDesk(t)
	require.NoError(t, st.PutIdentities(t.Context(), []store.AccountIdentity{{Institution: "default", Username: "ola",
		IdentityHash: bytes.Repeat([]byte{1}, sha256.Size), UpdatedAt: time.Now()}}))
	d := server.NewDesk(failingDeskStore{st, "Audit"}, baseURL, deps, nil, nil)
	rep, err := d.Import(t.Context(), strings.NewReader("username,email\nola,ola@example.org\n"), server.ImportOptions{Welcome: true, Actor: "cli:test"}, nil)
	require.NoError(t, err)
	assert.Zero(t, *sent, "nothing sent")
	require.Equal(t, 1, rep.Failed, "%+v", rep)
	require.Len(t, rep.Errors, 1)
	reason := rep.Errors[0].Reason
	assert.False(t, strings.HasSuffix(strings.TrimSpace(reason), ":"), "the reason ends in a colon: %q", reason)
	assert.Contains(t, reason, "nothing was sent")
	assert.Contains(t, reason, "server log")
}

// TestResendRevokeFailsSaysSo: a resend whose new link was stored and sent
// but whose old link the store could not revoke answers the new link, with
// a warning that names the old one as still open (and AlsoOpen); it
// answered an error alone (500 in the API), so the desk did not see that
// the person had a new link, and a retry within the repeat window answered
// the new link as a repeat and left the old one open, unsaid.
func TestResendRevokeFailsSaysSo(t *testing.T) {
	st, deps, sent := countingDesk(t)
	old, err := server.NewDesk(st, baseURL, deps, nil, nil).Issue(t.Context(),
		server.IssueRequest{Username: "ola", Institution: "default", Email: "ola@example.org", Actor: "cli:test"})
	require.NoError(t, err)
	require.True(t, old.Delivered())

	d := server.NewDesk(failingDeskStore{st, "Revoke"}, baseURL, deps, nil, nil)
	is, err := d.Resend(t.Context(), old.ID, "cli:test", "")
	require.NoError(t, err, "the new link went out")
	assert.True(t, is.Delivered())
	assert.Equal(t, 2, *sent)
	assert.Contains(t, is.AlsoOpen, old.ID, "the old link is still open")
	require.Len(t, is.Warnings, 1)
	assert.Contains(t, is.Warnings[0], old.ID)
	assert.Contains(t, is.Warnings[0], "not revoked")
	assert.NotContains(t, is.Warnings[0], errDiskFull.Error(), "the store's words stay in the server log")
	recs, err := st.Activations(t.Context(), store.ActivationFilter{Username: "ola"})
	require.NoError(t, err)
	open := 0
	for _, r := range recs {
		if r.RevokedAt == nil && r.UsedAt == nil {
			open++
		}
	}
	assert.Equal(t, 2, open, "both links open, as the answer says")
}

// countingDesk is a migrated SQLite store and desk deps (ID-porten reset
// on) whose mailer counts the messages it is given and sends none.
func countingDesk(t *testing.T) (store.Store, server.DeskDeps, *int) {
	t.Helper()
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	sent := new(int)
	deps := server.DeskDeps{IDPortenReset: true, Mailer: notify.MailerFunc(func(context.Context, notify.Message) error { *sent++; return nil })}
	return st, deps, sent
}

// twoAtOnce runs request twice at once and returns the two status codes it
// answered, sorted.
func twoAtOnce(request func() int) []int {
	statuses := make([]int, 2)
	var wg sync.WaitGroup
	for i := range statuses {
		wg.Go(func() { statuses[i] = request() })
	}
	wg.Wait()
	slices.Sort(statuses)
	return statuses
}

// TestDeskOutlastsWriteTimeout: a create and a resend deliver their link
// before they answer, and a slow mail server (each delivery may take 30 s)
// kept them past the HTTP server's write timeout (serve's 30 s): the desk
// got a dropped connection for a link that was made and sent. Here the
// server's write timeout is 1 s and the mail server answers 2 s late;
// both answer whole.
func TestDeskOutlastsWriteTimeout(t *testing.T) {
	slow, mailer := slowMailer(t, 2*time.Second, 20*time.Second)
	e := newDeskEnvServer(t, smtptest.Shared(t, deskSMTP), func(d *server.Deps) { d.Mailer = mailer },
		func(s *http.Server) { s.WriteTimeout = time.Second })
	body, err := json.Marshal(map[string]string{"username": "kari", "institution": "default", "email": "kari@example.org"})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/api/admin/activations", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+deskKey)
	resp, err := e.srv.Client().Do(req)
	require.NoError(t, err, "the create's answer")
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err, "the create's answer")
	require.Equal(t, http.StatusCreated, resp.StatusCode, "%s", got)
	var first issued
	require.NoError(t, json.Unmarshal(got, &first))
	assert.Equal(t, []server.Delivery{{Channel: "email", OK: true}}, first.Deliveries)

	body, err = json.Marshal(map[string]string{"id": first.ID})
	require.NoError(t, err)
	req, err = http.NewRequest(http.MethodPost, e.srv.URL+"/api/admin/activations/resend", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+deskKey)
	resp, err = e.srv.Client().Do(req)
	require.NoError(t, err, "the resend's answer")
	got, err = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err, "the resend's answer")
	assert.Equal(t, http.StatusCreated, resp.StatusCode, "%s", got)
	assert.Len(t, slow.Messages(t), 2)
}

// TestImportBesideCreateSendsOnce: a link import and the desk's single
// create for the same person at the same moment send one link (aiosmtpd,
// answering each message 1 s late). The import's row checked that the
// person had no link, stored its own and sent it later, after the rows
// before it; a create in between found no link sent (the import's not yet
// delivered) and sent a second. Now the row holds the person from before
// its check until its delivery has ended, as a create does: a create in
// between is ErrIssueBusy (409) or a repeat of the row's link, and a row
// whose person a create is sending to waits for it and skips them.
func TestImportBesideCreateSendsOnce(t *testing.T) {
	const csv = "username,email\nkari,kari@example.org\nnils,nils@example.org\nola,ola@example.org\n"
	ola := map[string]string{"username": "ola", "institution": "default", "email": "ola@example.org"}
	setup := func(t *testing.T) *deskEnv {
		return newDeskEnvWith(t, smtptest.Start(t, smtptest.Options{Mode: smtptest.Plain, DataReplyDelay: time.Second}), nil)
	}
	// stored polls until ola has a link stored.
	stored := func(t *testing.T, e *deskEnv) {
		t.Helper()
		require.EventuallyWithT(t, func(c *assert.CollectT) {
			recs, err := e.st.Activations(t.Context(), store.ActivationFilter{Username: "ola"})
			require.NoError(c, err)
			assert.NotEmpty(c, recs)
		}, 10*time.Second, 10*time.Millisecond)
	}
	create := func(t *testing.T, e *deskEnv) (int, map[string]any) {
		resp, body := e.admin(t, http.MethodPost, "/api/admin/activations", ola, deskKey)
		var v map[string]any
		require.NoError(t, json.Unmarshal(body, &v), "%s", body)
		return resp.StatusCode, v
	}
	imp := func(t *testing.T, e *deskEnv) server.ImportRow {
		rep := e.importCSV(t, "", csv, http.StatusOK)
		require.Len(t, rep.Results, 3, "%+v", rep)
		assert.Zero(t, rep.Failed, "%+v", rep)
		return rep.Results[2]
	}
	// sentOnce checks that ola got one link, and kari and nils theirs.
	sentOnce := func(t *testing.T, e *deskEnv, single int, v map[string]any, row server.ImportRow) {
		t.Helper()
		to := map[string]int{}
		for _, m := range e.smtp.Messages(t) {
			to[strings.Trim(m.Header.Get("To"), "<>")]++
		}
		assert.Equal(t, 1, to["ola@example.org"], "mails to ola: the create answered %d %v, the import's row %+v", single, v, row)
		assert.Equal(t, 3, len(e.smtp.Messages(t)), "kari's, nils's, ola's: %v", to)
		assert.Len(t, e.list(t, "username=ola"), 1, "one link for ola")
		switch {
		case single == http.StatusCreated: // the create first: the row waited, and skipped ola
			assert.Equal(t, "skipped_open", row.Status)
		case single == http.StatusConflict: // the row held ola
			e, _ := v["error"].(map[string]any)
			assert.Equal(t, "in_progress", e["code"], "%v", v)
			assert.Equal(t, "created", row.Status)
		case single == http.StatusOK: // the row had sent: a repeat of its link
			assert.Equal(t, true, v["repeated"], "%v", v)
			assert.Equal(t, row.ID, v["id"])
			assert.Equal(t, "created", row.Status)
		default:
			t.Errorf("the create: %d %v, want 201, 409 or 200", single, v)
		}
	}

	t.Run("at once", func(t *testing.T) {
		e := setup(t)
		var (
			single int
			v      map[string]any
			row    server.ImportRow
		)
		var wg sync.WaitGroup
		wg.Go(func() { single, v = create(t, e) })
		wg.Go(func() { row = imp(t, e) })
		wg.Wait()
		sentOnce(t, e, single, v, row)
	})
	t.Run("the create while the import sends", func(t *testing.T) {
		e := setup(t)
		var row server.ImportRow
		done := make(chan struct{})
		go func() { defer close(done); row = imp(t, e) }()
		stored(t, e) // the row's link is stored; kari's and nils's go first
		single, v := create(t, e)
		<-done
		assert.Equal(t, http.StatusConflict, single, "%v", v)
		sentOnce(t, e, single, v, row)
	})
	t.Run("the import while the create sends", func(t *testing.T) {
		e := setup(t)
		var (
			single int
			v      map[string]any
		)
		done := make(chan struct{})
		go func() { defer close(done); single, v = create(t, e) }()
		stored(t, e) // the create's link is stored, and being sent
		row := imp(t, e)
		<-done
		assert.Equal(t, http.StatusCreated, single, "%v", v)
		sentOnce(t, e, single, v, row)
	})
}

// TestImportHoldsThroughSlowDeliveries: a batch whose deliveries take
// longer than a create's lease (issueLease, 2 min: here a mail server
// taking 40 s a message, on the desk's clock) still holds the people it
// has yet to send to, and has let go of those it has sent to: a create for
// the fourth row's person while their link is sent, 160 s after the batch
// took its holds, is ErrIssueBusy, and one for the first row's person
// while the second's is sent (its lease not yet run out) a repeat of its
// link, sent.
func TestImportHoldsThroughSlowDeliveries(t *testing.T) {
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	var offset atomic.Int64
	now := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	var (
		d       *server.Desk
		sent    []string
		nested  bool
		olaErr  error
		kari    server.Issued
		kariErr error
	)
	deps := server.DeskDeps{Mailer: notify.MailerFunc(func(_ context.Context, m notify.Message) error {
		sent = append(sent, m.To)
		if nested {
			return nil
		}
		offset.Add(int64(40 * time.Second))
		nested = true
		defer func() { nested = false }()
		switch m.To {
		case "nils@example.org":
			kari, kariErr = d.Issue(t.Context(), server.IssueRequest{Username: "kari", Institution: "default", Email: "kari@example.org", Actor: "cli:test"})
		case "ola@example.org":
			_, olaErr = d.Issue(t.Context(), server.IssueRequest{Username: "ola", Institution: "default", Email: "ola@example.org", Actor: "cli:test"})
		}
		return nil
	})}
	d = server.NewDesk(st, baseURL, deps, nil, now)
	rep, err := d.Import(t.Context(), strings.NewReader("username,email\nkari,kari@example.org\nnils,nils@example.org\nper,per@example.org\nola,ola@example.org\n"),
		server.ImportOptions{Actor: "cli:test"}, nil)
	require.NoError(t, err)
	assert.Equal(t, 4, rep.Created, "%+v", rep)
	assert.ErrorIs(t, olaErr, server.ErrIssueBusy, "ola's row still held after 160 s")
	require.NoError(t, kariErr, "kari's row has ended")
	assert.True(t, kari.Repeated, "a repeat of kari's link: %+v", kari)
	assert.Equal(t, []string{"kari@example.org", "nils@example.org", "per@example.org", "ola@example.org"}, sent, "one link each")
}

// unsure is a directory whose Find cannot say whether it has an account:
// it answers err.
type unsure struct {
	directory.None
	err error
}

func (u unsure) Find(context.Context, string) error { return u.err }

func (unsure) String() string { return "ad://dc1.uit.example:636" }

// TestIssueWarnsWhyTheDirectoryCannotSay: a link issued while the
// directory cannot say whether it has the account warns the desk with why
// (the directory's error, in words the operator can act on) and what it
// means: down, the link cannot set a password until the directory answers;
// refusing Styrke's service account or TLS, no link can until the settings
// are mended (styrke directory check names what is wrong). The warning
// said only 'the directory (…) could not be asked whether the account
// "kari" exists', the same for an outage and for a wrong setting, and
// neither what it meant for the link nor what to do.
func TestIssueWarnsWhyTheDirectoryCannotSay(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		err        error
	}{
		{"down", `the directory (ad://dc1.uit.example:636) did not answer (directory: unavailable: connect: dial tcp 192.0.2.10:636: connect: connection refused), ` +
			`so whether it has an account "kari" is not known: the link cannot set a password until it answers; ` +
			`when it does, check that the account exists (styrke directory check tells whether it answers)`,
			fmt.Errorf("%w: connect: dial tcp 192.0.2.10:636: connect: connection refused", directory.ErrUnavailable)},
		{"service account refused", `the directory (ad://dc1.uit.example:636) refused Styrke's service account or its connection ` +
			`(directory: service account or configuration error: bind as the service account: invalid credentials), ` +
			`so whether it has an account "kari" is not known: the link cannot set a password there, nor any other link, until the operator mends the directory settings ` +
			`(styrke directory check says what is wrong)`,
			fmt.Errorf("%w: bind as the service account: invalid credentials", directory.ErrOperator)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(d *server.Deps) { d.Directories = &directory.Set{Default: unsure{err: tc.err}} })
			res, body := adminPost(t, e.srv.URL+"/api/admin/activations", "application/json", `{"username":"kari","institution":"default"}`)
			require.Equal(t, http.StatusCreated, res.StatusCode, "%s", body)
			var is server.Issued
			require.NoError(t, json.Unmarshal(body, &is))
			assert.Equal(t, []string{tc.want}, is.Warnings, "%v", tc.err)
		})
	}
}
