package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/internal/syncbuf"
	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/breach"
	"github.com/styrke-iam/styrke/server/breach/breachtest"
	"github.com/styrke-iam/styrke/server/identity"
	"github.com/styrke-iam/styrke/server/notify/smtptest"
	"github.com/styrke-iam/styrke/server/oidc"
	"github.com/styrke-iam/styrke/server/oidc/oidctest"
	"github.com/styrke-iam/styrke/server/passhash"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

// The test provider (oidc-provider configured like ID-porten), one for the
// package. The callback URL is never fetched by the provider: the test's
// browser stops where the provider sends it back, and the test calls the
// server's callback with that query.
// op is the package's oidc-provider, started by the first test that signs
// in (provider): not by TestMain, which every fuzz worker runs too, so
// that fuzzing ./server started a node process per worker, and a worker
// whose start failed on a busy host ended the run ("fuzzing process
// terminated without fuzzing: EOF").
var (
	op      *oidctest.Provider
	opOnce  sync.Once
	opStart error
)

const (
	opClient   = "styrke"
	opSecret   = "styrke-test-secret-0123456789abcdef0123"
	opRedirect = "https://styrke.test/auth/idporten/callback"
	// opPostLogout is where the provider's logout comes back to.
	opPostLogout = "https://styrke.test" + server.LoggedOutPath
	serviceDsk   = "Orakel, 22 84 00 00"
	// Numbers made with the mod-11 rules (not real people).
	pidOla   = "01019000083"
	pidKari  = "45019000013" // D-number
	pidTest  = "01820000095" // synthetic (month + 80)
	pidNoone = "15058500027"
)

func TestMain(m *testing.M) {
	code := m.Run()
	if op != nil {
		op.Stop()
	}
	if slapd != nil {
		slapd.Close()
	}
	if slapd2 != nil {
		slapd2.Close()
	}
	if pgSrv != nil {
		pgSrv.Stop()
	}
	smtptest.StopShared()
	os.Exit(code)
}

// provider starts op once, for the tests that sign in with ID-porten.
func provider(t *testing.T) {
	t.Helper()
	opOnce.Do(func() {
		op, opStart = oidctest.Start(oidctest.Options{Clients: []oidctest.Client{
			{ID: opClient, RedirectURIs: []string{opRedirect}, Secret: opSecret, PostLogoutRedirectURIs: []string{opPostLogout}},
		}})
	})
	require.NoError(t, opStart, "start the oidc-provider")
}

type resetEnv struct {
	srv    *httptest.Server
	st     store.Store
	logs   *syncbuf.Buffer
	offset atomic.Int64 // added to the server's clock
	client *http.Client // follows no redirects
	// hash are the handler's Argon2id parameters (Deps.PasswordHash), which
	// setPassword uses too.
	hash passhash.Params
}

func (e *resetEnv) advance(d time.Duration) { e.offset.Add(int64(d)) }

func newResetEnv(t *testing.T, mod func(*server.Deps)) *resetEnv {
	t.Helper()
	return newResetEnvServer(t, mod, nil)
}

// newResetEnvServer is newResetEnv whose HTTP server srv sets up before it
// starts (nil: httptest's defaults).
func newResetEnvServer(t *testing.T, mod func(*server.Deps), srv func(*http.Server)) *resetEnv {
	t.Helper()
	provider(t)
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	fake := breachtest.New(t)
	e := &resetEnv{st: st, logs: &syncbuf.Buffer{}}
	idp, err := oidc.New(oidc.Config{Issuer: op.Issuer(), ClientID: opClient, ClientSecret: opSecret, RedirectURL: opRedirect})
	require.NoError(t, err)
	hasher, err := identity.NewHasher(bytes.Repeat([]byte("k"), 32))
	require.NoError(t, err)
	d := server.Deps{
		Store:            st,
		Breach:           breach.New(fake.URL(), breach.Options{Timeout: breachPatience}),
		AdminKey:         adminKey,
		Logger:           slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		RateLimit:        -1,
		TokenRateLimit:   -1,
		IDPorten:         idp,
		Identities:       hasher,
		AllowTestNumbers: true,
		ServiceDesk:      serviceDsk,
		Now:              func() time.Time { return time.Now().Add(time.Duration(e.offset.Load())) },
		PasswordHash:     lightHash,
	}
	if mod != nil {
		mod(&d)
	}
	e.hash = d.PasswordHash
	if e.hash == (passhash.Params{}) {
		e.hash = passhash.Default
	}
	e.srv = httptest.NewUnstartedServer(server.NewHandler(d))
	if srv != nil {
		srv(e.srv.Config)
	}
	e.srv.Start()
	t.Cleanup(e.srv.Close)
	e.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return e
}

func (e *resetEnv) req(t *testing.T, method, path, ctype, body string, cookies ...*http.Cookie) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for _, c := range cookies {
		if c != nil {
			req.AddCookie(c)
		}
	}
	res, err := e.client.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, b
}

func (e *resetEnv) postJSON(t *testing.T, path string, v any, cookies ...*http.Cookie) (*http.Response, []byte) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return e.req(t, http.MethodPost, path, "application/json", string(b), cookies...)
}

// adminPost posts body (of content type ctype) to url with the admin key
// and returns the answer and its body.
func adminPost(t *testing.T, url, ctype, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", ctype)
	req.Header.Set("Authorization", "Bearer "+adminKey)
	res, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, b
}

// importCSV imports identity rows through the admin API.
func (e *resetEnv) importCSV(t *testing.T, csv string) {
	t.Helper()
	res, body := adminPost(t, e.srv.URL+"/api/admin/identities", "text/csv", csv)
	require.Equal(t, http.StatusOK, res.StatusCode, "import: %s", body)
}

func cookie(res *http.Response, name string) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// start begins a sign-in and returns the provider URL and the login cookie.
func (e *resetEnv) start(t *testing.T, query string) (string, *http.Cookie) {
	t.Helper()
	res, _ := e.req(t, http.MethodGet, "/auth/idporten/start?"+query, "", "")
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	loc := res.Header.Get("Location")
	require.True(t, strings.HasPrefix(loc, op.Issuer()+"/"), "start redirects to the provider, got %s", loc)
	var c *http.Cookie
	for _, k := range res.Cookies() {
		if strings.HasPrefix(k.Name, "__Host-styrke-login-") {
			require.Nil(t, c, "one login cookie")
			c = k
		}
	}
	require.NotNil(t, c, "login cookie")
	assert.True(t, c.Secure && c.HttpOnly && c.SameSite == http.SameSiteLaxMode && c.Path == "/", "login cookie flags")
	return loc, c
}

// callback calls the server's callback with the provider's query.
func (e *resetEnv) callback(t *testing.T, q url.Values, login *http.Cookie) (*http.Response, string) {
	t.Helper()
	res, _ := e.req(t, http.MethodGet, "/auth/idporten/callback?"+q.Encode(), "", "", login)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	return res, res.Header.Get("Location")
}

// signIn runs a whole sign-in as pid at acr and returns the reset cookie.
func (e *resetEnv) signIn(t *testing.T, pid string) *http.Cookie {
	t.Helper()
	loc, login := e.start(t, "lang=nn")
	cb, err := op.NewBrowser().Login(loc, pid, oidc.LevelSubstantial)
	require.NoError(t, err)
	res, to := e.callback(t, cb.Query(), login)
	require.Equal(t, "/nn/gloymt/#/pw", to)
	c := cookie(res, "__Host-styrke-reset")
	require.NotNil(t, c, "reset cookie")
	assert.True(t, c.Secure && c.HttpOnly && c.SameSite == http.SameSiteLaxMode && c.Path == "/" && c.Domain == "", "reset cookie flags")
	assert.Equal(t, 600, c.MaxAge)
	return c
}

const accounts = "username,name,institution,identity number\n" +
	"ola,Ola Nordmann,default," + pidOla + "\n" +
	"kari,Kari Nordmann,uio," + pidKari + "\n" +
	"kari2,Kari Nordmann,default," + pidKari + "\n" +
	"testa,Test Testesen,default," + pidTest + "\n"

func TestResetFlow(t *testing.T) {
	e := newResetEnv(t, nil)
	e.importCSV(t, accounts)
	c := e.signIn(t, pidOla)

	res, body := e.postJSON(t, "/api/reset/session", struct{}{}, c)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	var s struct {
		Username, Name, Institution, PolicyVersion, BirthDate string
	}
	require.NoError(t, json.Unmarshal(body, &s))
	assert.Equal(t, "ola", s.Username)
	assert.Equal(t, "Ola Nordmann", s.Name)
	assert.Equal(t, "default", s.Institution)
	assert.Equal(t, "1990-01-01", s.BirthDate, "the date of birth the identity number holds, for the meter")

	// The date of birth the sign-in gave is refused, in any of its forms;
	// the answer names the rule, never the date.
	for _, pw := range []string{"Granskog!Lirype-01.01.1990", "Granskog!Lirype-19900101", "Granskog!1jan90Lirype-Vadmel"} {
		res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": pw}, c)
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "%s", body)
		assert.Contains(t, string(body), `"rule":"birthdate"`)
		assert.NotContains(t, string(body), "1990")
	}

	res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": "short"}, c)
	assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "%s", body)
	hist, err := e.st.History(context.Background(), policy.Institutions(), "ola", 5)
	require.NoError(t, err)
	assert.Empty(t, hist, "nothing set after a refused password")

	res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong}, c)
	requireSavedHere(t, res.StatusCode, body)
	cleared := cookie(res, "__Host-styrke-reset")
	require.NotNil(t, cleared)
	assert.Negative(t, cleared.MaxAge, "the cookie is cleared at success")
	hist, err = e.st.History(context.Background(), policy.Institutions(), "ola", 5)
	require.NoError(t, err)
	require.Len(t, hist, 1)
	ok, err := passhash.Verify(strong, hist[0])
	require.NoError(t, err)
	assert.True(t, ok)

	// The session is single use.
	res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong2}, c)
	assert.Equal(t, http.StatusGone, res.StatusCode)
	assert.Equal(t, "session_used", errCode(t, body))
	hist, _ = e.st.History(context.Background(), policy.Institutions(), "ola", 5)
	assert.Len(t, hist, 1, "nothing set by the reuse")

	// The new password now changes with /api/change (directory none: the store).
	res, body = e.postJSON(t, "/api/change", map[string]string{"username": "ola", "current": strong, "password": strong2})
	assertSavedHere(t, res.StatusCode, body)
	// Both did their steps after the password and marked them done:
	// nothing is left for the sweep.
	left, err := e.st.ClaimPasswordFollowups(context.Background(), time.Now().Add(time.Hour), time.Minute, 10)
	require.NoError(t, err)
	assert.Empty(t, left)
	assertNoSecrets(t, e.logs.String(), pidOla, strong, strong2, c.Value, "1990-01-01", "01.01.1990")
}

// TestResetClosesOpenLinks: a reset ends the person's open activation
// links, as a change does (TestChangeClosesOpenLinks).
func TestResetClosesOpenLinks(t *testing.T) {
	e := newResetEnv(t, nil)
	e.importCSV(t, accounts)
	link := e.issueLink(t, "ola")
	c := e.signIn(t, pidOla)
	res, body := e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong}, c)
	requireSavedHere(t, res.StatusCode, body)
	assert.True(t, e.linkRevoked(t, link))
}

// TestResetUsernameCase: the identities' file names "OLA" for the account
// Styrke keeps as "ola" (the directories match both): the reset is ola's,
// with ola's one password history (a password used before is refused as
// reused) and ola's open links closed. Until 2026-12-04 it kept a second
// history under "OLA" and left the links open.
func TestResetUsernameCase(t *testing.T) {
	e := newResetEnv(t, nil)
	e.importCSV(t, strings.Replace(accounts, "ola,Ola", "OLA,Ola", 1))
	e.setPassword(t, "ola", strong)
	link := e.issueLink(t, "ola")
	c := e.signIn(t, pidOla)
	res, body := e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong}, c)
	assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"reused"`, "ola's history")
	res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong2}, c)
	requireSavedHere(t, res.StatusCode, body)
	assert.True(t, e.linkRevoked(t, link), "ola's open link")
	hist, err := e.st.History(context.Background(), policy.Institutions(), "ola", 5)
	require.NoError(t, err)
	assert.Len(t, hist, 2, "one history, ola's")
	hist, err = e.st.History(context.Background(), policy.Institutions(), "OLA", 5)
	require.NoError(t, err)
	assert.Empty(t, hist, "none under the capitals")
}

func TestResetSessionExpiredAndEnded(t *testing.T) {
	e := newResetEnv(t, nil)
	e.importCSV(t, accounts)
	c := e.signIn(t, pidOla)
	e.advance(11 * time.Minute)
	res, body := e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong}, c)
	assert.Equal(t, http.StatusGone, res.StatusCode)
	assert.Equal(t, "session_expired", errCode(t, body))
	hist, _ := e.st.History(context.Background(), policy.Institutions(), "ola", 5)
	assert.Empty(t, hist)

	e.advance(-11 * time.Minute)
	c = e.signIn(t, pidOla)
	res, _ = e.postJSON(t, "/api/reset/end", struct{}{}, c)
	require.Equal(t, http.StatusNoContent, res.StatusCode)
	res, body = e.postJSON(t, "/api/reset/session", struct{}{}, c)
	assert.Equal(t, http.StatusGone, res.StatusCode)
	assert.Equal(t, "session_used", errCode(t, body))

	res, body = e.postJSON(t, "/api/reset/session", struct{}{})
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	assert.Equal(t, "session_missing", errCode(t, body))
	res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong},
		&http.Cookie{Name: "__Host-styrke-reset", Value: "forged-value-forged-value-forged-value"})
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	assert.Equal(t, "session_missing", errCode(t, body))
}

func TestResetCallbackErrors(t *testing.T) {
	cases := []struct {
		name     string
		pid, acr string
		query    string // start's query
		tamper   *oidctest.Tamper
		edit     func(q url.Values, login **http.Cookie)
		before   func(e *resetEnv)
		want     string
	}{
		{name: "missing state", edit: func(q url.Values, _ **http.Cookie) { q.Del("state") }, want: "failed"},
		{name: "wrong state", edit: func(q url.Values, _ **http.Cookie) { q.Set("state", q.Get("state")+"x") }, want: "failed"},
		{name: "login cookie missing", edit: func(_ url.Values, c **http.Cookie) { *c = nil }, want: "failed"},
		{name: "login cookie of another sign-in", edit: func(_ url.Values, c **http.Cookie) {
			*c = &http.Cookie{Name: "__Host-styrke-login-0123456789abcdef", Value: "nn.another-state-value"}
		}, want: "failed"},
		{name: "login cookie of this name with another state", edit: func(_ url.Values, c **http.Cookie) {
			*c = &http.Cookie{Name: (*c).Name, Value: "nn.another-state-value"}
		}, want: "failed"},
		{name: "iss mismatch", edit: func(q url.Values, _ **http.Cookie) { q.Set("iss", "https://evil.example") }, want: "failed"},
		{name: "nonce mismatch", tamper: &oidctest.Tamper{Claims: map[string]any{"nonce": "another"}}, want: "failed"},
		{name: "wrong audience", tamper: &oidctest.Tamper{Claims: map[string]any{"aud": "someone-else"}}, want: "failed"},
		{name: "expired ID token", tamper: &oidctest.Tamper{Claims: map[string]any{"exp": time.Now().Add(-time.Hour).Unix()}}, want: "failed"},
		{name: "acr too low", acr: oidc.LevelLow, want: "level"},
		{name: "cancelled", edit: func(q url.Values, _ **http.Cookie) { q.Del("code"); q.Set("error", "access_denied") }, want: "cancelled"},
		// ID-porten's own outage: "not answering, try later", counted as
		// unavailable (it read "the answer did not add up, we stopped to
		// be safe", and escaped the alert on unavailable).
		{name: "ID-porten temporarily unavailable", edit: func(q url.Values, _ **http.Cookie) { q.Del("code"); q.Set("error", "temporarily_unavailable") }, want: "unavailable"},
		{name: "ID-porten's server error", edit: func(q url.Values, _ **http.Cookie) { q.Del("code"); q.Set("error", "server_error") }, want: "unavailable"},
		{name: "request refused by ID-porten", edit: func(q url.Values, _ **http.Cookie) { q.Del("code"); q.Set("error", "login_required") }, want: "failed"},
		{name: "unknown pid", pid: pidNoone, want: "nomatch"},
		{name: "several accounts", pid: pidKari, want: "pw"},
		{name: "one of several in the chosen institution", pid: pidKari, query: "lang=nn&institution=uio", want: "pw"},
		{name: "foreign eID", pid: "-", want: "nonumber"},
		{name: "sign-in took too long", before: func(e *resetEnv) { e.advance(11 * time.Minute) }, want: "expired"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var m *server.Metrics
			e := newResetEnv(t, func(d *server.Deps) { m = server.NewMetrics(d.Store, nil); d.Metrics = m })
			e.importCSV(t, accounts)
			query := tc.query
			if query == "" {
				query = "lang=nn"
			}
			loc, login := e.start(t, query)
			pid, acr := tc.pid, tc.acr
			if pid == "" {
				pid = pidOla
			} else if pid == "-" {
				pid = ""
			}
			if acr == "" {
				acr = oidc.LevelSubstantial
			}
			cb, err := op.NewBrowser().Login(loc, pid, acr)
			require.NoError(t, err)
			q := cb.Query()
			code := q.Get("code")
			if tc.tamper != nil {
				require.NoError(t, op.Tamper(*tc.tamper))
				t.Cleanup(func() { op.Tamper(oidctest.Tamper{}) })
			}
			if tc.edit != nil {
				tc.edit(q, &login)
			}
			if tc.before != nil {
				tc.before(e)
			}
			res, to := e.callback(t, q, login)
			// Counted by result, for an alert on ID-porten (the log alone
			// said so).
			result := tc.want
			if result == "pw" {
				result = "ok"
			}
			assert.Equal(t, map[string]float64{result: 1}, signins(t, m))
			if tc.want == "pw" {
				assert.Equal(t, "/nn/gloymt/#/pw", to)
				return
			}
			assert.Equal(t, "/nn/gloymt/#/error/"+tc.want, to, "a clear page")
			assert.Nil(t, cookie(res, "__Host-styrke-reset"), "no reset session")
			assertNoSecrets(t, e.logs.String(), pid, code, q.Get("state"))
			assertNoSecrets(t, to, pid, code)
		})
	}
}

func TestReplayedCallback(t *testing.T) {
	e := newResetEnv(t, nil)
	e.importCSV(t, accounts)
	loc, login := e.start(t, "lang=en")
	cb, err := op.NewBrowser().Login(loc, pidOla, oidc.LevelSubstantial)
	require.NoError(t, err)
	_, to := e.callback(t, cb.Query(), login)
	require.Equal(t, "/en/forgot/#/pw", to)
	res, to := e.callback(t, cb.Query(), login)
	assert.Equal(t, "/en/forgot/#/error/failed", to, "replayed state and code")
	assert.Nil(t, cookie(res, "__Host-styrke-reset"))
}

func TestResetNotConfigured(t *testing.T) {
	e := newResetEnv(t, func(d *server.Deps) { d.IDPorten = nil })
	res, _ := e.req(t, http.MethodGet, "/auth/idporten/start?lang=en", "", "")
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Equal(t, "/en/forgot/#/error/off", res.Header.Get("Location"))
	res, body := e.req(t, http.MethodGet, "/api/reset/config", "", "")
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.JSONEq(t, `{"idporten":false,"serviceDesk":"`+serviceDsk+`","institutions":[],"served":[],"serviceDesks":{}}`, string(body))
}

func TestResetPathsMatchSite(t *testing.T) {
	// server cannot import site (the function would carry templ); the
	// paths are held equal to site.Path in site's own test.
	assert.Equal(t, "/glemt/", server.ResetPaths["nb"])
	assert.Equal(t, "/nn/gloymt/", server.ResetPaths["nn"])
	assert.Equal(t, "/en/forgot/", server.ResetPaths["en"])
}

func TestImportIdentitiesAPI(t *testing.T) {
	e := newResetEnv(t, func(d *server.Deps) { d.AllowTestNumbers = false })
	req := func(csv, auth string) (*http.Response, []byte) {
		r, err := http.NewRequest(http.MethodPost, e.srv.URL+"/api/admin/identities", strings.NewReader(csv))
		require.NoError(t, err)
		r.Header.Set("Content-Type", "text/csv")
		if auth != "" {
			r.Header.Set("Authorization", "Bearer "+auth)
		}
		res, err := e.client.Do(r)
		require.NoError(t, err)
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	res, _ := req("ola,Ola,default,"+pidOla+"\n", "")
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
	res, body := req("ola,Ola,default,"+pidOla+"\nper,Per,default,"+pidTest+"\nkari,Kari,default,"+pidOla[:10]+"4\n", adminKey)
	require.Equal(t, http.StatusBadRequest, res.StatusCode)
	assert.JSONEq(t, `{"error":{"code":"invalid","message":"invalid lines; nothing was imported"},"lines":[
		{"line":2,"field":"identity number","problem":"is a test number (month + 80), not allowed without test numbers enabled"},
		{"line":3,"field":"identity number","problem":"fails the check digits"}]}`, string(body))
	got, err := e.st.AccountsByIdentity(context.Background(), mustHash(t, pidOla))
	require.NoError(t, err)
	assert.Empty(t, got, "all or nothing")
	res, body = req("ola,Ola,default,"+pidOla+"\n", adminKey)
	require.Equal(t, http.StatusOK, res.StatusCode)
	assert.JSONEq(t, `{"imported":1,"removed":0}`, string(body))
	// The same account again with its username in capitals (the
	// directories match both): ola's identity is replaced, not joined by a
	// second account for "OLA", which would make the number ambiguous and
	// send the person to the service desk.
	res, body = req("OLA,Ola,default,"+pidOla+"\n", adminKey)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	got, err = e.st.AccountsByIdentity(context.Background(), mustHash(t, pidOla))
	require.NoError(t, err)
	require.Len(t, got, 1, "one account")
	assert.Equal(t, "ola", got[0].Username)
	assertNoSecrets(t, e.logs.String(), pidOla, pidTest)

	// Who may reset which account is audited per account, with the key's
	// name and the client (the import left no trace: a misused key could
	// map its holder's number onto another's account, reset its password
	// and map it back).
	evs, err := e.st.Audit(context.Background(), store.AuditFilter{Event: store.EventIdentitySet})
	require.NoError(t, err)
	require.Len(t, evs, 2, "the two imports that stored ola's identity; none for the refused one")
	for _, ev := range evs {
		assert.Equal(t, "ola", ev.Username)
		assert.Equal(t, "default", ev.Institution)
		assert.Equal(t, "admin:admin", ev.Actor)
		assert.NotEmpty(t, ev.RemoteAddr)
		assert.NotEmpty(t, ev.RequestID)
		assertNoSecrets(t, ev.Detail, pidOla)
	}
}

// TestImportIdentitiesReplace: an import with ?replace=true lists every
// account of the institutions it names; an account it leaves out (a
// person who left) loses its identity number, and with it the reset, each
// audited; another institution's stay. Another value of replace is
// refused, not read as false, and so is a parameter it does not take.
func TestImportIdentitiesReplace(t *testing.T) {
	e := newResetEnv(t, nil)
	e.importCSV(t, "ola,Ola,default,"+pidOla+"\nkari,Kari,default,"+pidKari+"\nkari,Kari,uio,"+pidKari+"\n")
	res, body := adminPost(t, e.srv.URL+"/api/admin/identities?replace=yes", "text/csv", "ola,Ola,default,"+pidOla+"\n")
	require.Equal(t, http.StatusBadRequest, res.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"replace"`)
	// A mistyped replace (or any parameter the import does not take) is
	// refused, naming it: it was passed over, and the file imported
	// without removing anyone.
	for _, q := range []string{"replce=true", "replace=true&replace=true"} {
		res, body = adminPost(t, e.srv.URL+"/api/admin/identities?"+q, "text/csv", "ola,Ola,default,"+pidOla+"\n")
		require.Equal(t, http.StatusBadRequest, res.StatusCode, "%s: %s", q, body)
		assert.Contains(t, string(body), `"fields":["`+strings.SplitN(q, "=", 2)[0]+`"]`, q)
	}
	res, body = adminPost(t, e.srv.URL+"/api/admin/identities?replace=true", "text/csv", "ola,Ola,default,"+pidOla+"\n")
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	assert.JSONEq(t, `{"imported":1,"removed":1}`, string(body))
	got, err := e.st.AccountsByIdentity(context.Background(), mustHash(t, pidKari))
	require.NoError(t, err)
	require.Len(t, got, 1, "kari's account at uio stays")
	assert.Equal(t, "uio", got[0].Institution)
	evs, err := e.st.Audit(context.Background(), store.AuditFilter{Event: store.EventIdentityRemoved})
	require.NoError(t, err)
	require.Len(t, evs, 1)
	assert.Equal(t, "kari", evs[0].Username)
	assert.Equal(t, "default", evs[0].Institution)
	assert.Equal(t, "admin:admin", evs[0].Actor)
	assertNoSecrets(t, e.logs.String(), pidOla, pidKari)
}

func mustHash(t *testing.T, pid string) []byte {
	h, err := identity.NewHasher(bytes.Repeat([]byte("k"), 32))
	require.NoError(t, err)
	return h.Hash(pid)
}

// assertNoSecrets fails when s holds any of the secrets.
func assertNoSecrets(t *testing.T, s string, secrets ...string) {
	t.Helper()
	for _, x := range secrets {
		if len(x) >= 6 {
			assert.NotContains(t, s, x, "a secret in the logs or URL")
		}
	}
}

// TestResetACRPerInstitution: an institution that requires
// idporten-loa-high asks for it and refuses substantial; others take
// substantial.
func TestResetACRPerInstitution(t *testing.T) {
	e := newResetEnv(t, func(d *server.Deps) { d.IDPortenACR = map[string]string{"uio": oidc.LevelHigh} })
	e.importCSV(t, accounts)
	loc, login := e.start(t, "lang=nn&institution=uio")
	u, err := url.Parse(loc)
	require.NoError(t, err)
	assert.Equal(t, oidc.LevelHigh, u.Query().Get("acr_values"))
	cb, err := op.NewBrowser().Login(loc, pidKari, oidc.LevelSubstantial)
	require.NoError(t, err)
	_, to := e.callback(t, cb.Query(), login)
	assert.Equal(t, "/nn/gloymt/#/error/levelhigh", to, "uio requires high")

	loc, login = e.start(t, "lang=nn&institution=uio")
	cb, err = op.NewBrowser().Login(loc, pidKari, oidc.LevelHigh)
	require.NoError(t, err)
	_, to = e.callback(t, cb.Query(), login)
	assert.Equal(t, "/nn/gloymt/#/pw", to)

	loc, _ = e.start(t, "lang=nn&institution=default")
	u, err = url.Parse(loc)
	require.NoError(t, err)
	assert.Equal(t, oidc.LevelSubstantial, u.Query().Get("acr_values"))

	// A sign-in started without an institution (the start link's
	// ?institution= left out) at substantial, for a person whose only
	// account is at uio, which requires high: refused as too low once the
	// account is known. It was let through: the level was only ever the
	// named institution's.
	const pidUna = "05839028549" // synthetic, month + 80
	e.importCSV(t, "una,Una,uio,"+pidUna+"\n")
	loc, login = e.start(t, "lang=nn")
	cb, err = op.NewBrowser().Login(loc, pidUna, oidc.LevelSubstantial)
	require.NoError(t, err)
	_, to = e.callback(t, cb.Query(), login)
	assert.Equal(t, "/nn/gloymt/#/error/levelhigh", to, "uio requires high")

	// Kari, with accounts at uio and default, signed in at substantial
	// with no institution named: only default's account is offered, and
	// the page is told that another needs a higher level (#/pw/high).
	loc, login = e.start(t, "lang=nn")
	cb, err = op.NewBrowser().Login(loc, pidKari, oidc.LevelSubstantial)
	require.NoError(t, err)
	res, to := e.callback(t, cb.Query(), login)
	require.Equal(t, "/nn/gloymt/#/pw/high", to)
	res, body := e.postJSON(t, "/api/reset/session", struct{}{}, cookie(res, "__Host-styrke-reset"))
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"username":"kari2"`)
	assert.NotContains(t, string(body), `"accounts"`, "one account reached: no choice")
}

// TestResetCompleteInProgress: a reset session held by another submit (a
// second tab) is answered 409 in_progress, the code the activation uses for
// the same thing (it was a reset-only "busy"), and works once released.
func TestResetCompleteInProgress(t *testing.T) {
	e := newResetEnv(t, nil)
	e.importCSV(t, accounts)
	c := e.signIn(t, pidOla)
	idHash := sha256.Sum256([]byte(c.Value))
	now := time.Now().Add(time.Duration(e.offset.Load()))
	require.NoError(t, e.st.ClaimReset(context.Background(), idHash[:], now, now.Add(time.Minute)))

	res, body := e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong}, c)
	assert.Equal(t, http.StatusConflict, res.StatusCode, "%s", body)
	assert.Equal(t, "in_progress", errCode(t, body))

	require.NoError(t, e.st.ReleaseReset(context.Background(), idHash[:]))
	res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong}, c)
	assertSavedHere(t, res.StatusCode, body)
}

// TestResetCompleteNamesItsAccount: the page sends the username it shows;
// a session that is another account's (a second sign-in in another tab of
// the same browser replaced the cookie) is answered 409 session_changed
// and sets nothing. It set the other account's password while the page
// showed the first.
func TestResetCompleteNamesItsAccount(t *testing.T) {
	e := newResetEnv(t, nil)
	e.importCSV(t, accounts)
	testa := e.signIn(t, pidTest) // the cookie of the second sign-in
	res, body := e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong, "username": "ola"}, testa)
	assert.Equal(t, http.StatusConflict, res.StatusCode, "%s", body)
	assert.Equal(t, "session_changed", errCode(t, body))
	res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong, "username": "TESTA"}, testa)
	assertSavedHere(t, res.StatusCode, body, "its own account, in any case")
}

// jar is a browser's cookies for the test server (net/http/cookiejar sends
// no Secure cookie over the test's http): Set-Cookie replaces by name, and
// a Max-Age below zero deletes.
type jar map[string]*http.Cookie

func (j jar) take(res *http.Response) {
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 {
			delete(j, c.Name)
		} else {
			j[c.Name] = c
		}
	}
}

func (j jar) all() []*http.Cookie {
	var out []*http.Cookie
	for _, c := range j {
		out = append(out, c)
	}
	return out
}

// TestParallelSignIns: two sign-ins started in two tabs of one browser,
// both waiting at ID-porten, both come back to a reset form, in either
// order. The login cookie held one state: the second start replaced the
// first's, whose callback was refused as "failed", and that refusal
// cleared the cookie, so the second failed too.
func TestParallelSignIns(t *testing.T) {
	for _, order := range []string{"first back first", "second back first"} {
		t.Run(order, func(t *testing.T) {
			e := newResetEnv(t, nil)
			e.importCSV(t, accounts)
			b := jar{}
			var locs [2]string
			for i, lang := range []string{"nb", "en"} {
				res, _ := e.req(t, http.MethodGet, "/auth/idporten/start?lang="+lang, "", "", b.all()...)
				require.Equal(t, http.StatusSeeOther, res.StatusCode)
				b.take(res)
				locs[i] = res.Header.Get("Location")
			}
			var cbs [2]url.Values
			for i, pid := range []string{pidOla, pidTest} {
				cb, err := op.NewBrowser().Login(locs[i], pid, oidc.LevelSubstantial)
				require.NoError(t, err)
				cbs[i] = cb.Query()
			}
			want := [2]string{"/glemt/#/pw", "/en/forgot/#/pw"}
			users := [2]string{"ola", "testa"}
			turns := []int{0, 1}
			if order == "second back first" {
				turns = []int{1, 0}
			}
			for _, i := range turns {
				res, _ := e.req(t, http.MethodGet, "/auth/idporten/callback?"+cbs[i].Encode(), "", "", b.all()...)
				to := res.Header.Get("Location")
				assert.Equal(t, want[i], to, "sign-in %d", i+1)
				b.take(res)
				res, body := e.postJSON(t, "/api/reset/session", struct{}{}, b.all()...)
				require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
				assert.Contains(t, string(body), `"username":"`+users[i]+`"`)
			}
		})
	}
}

// TestSignInsUnderWayBounded: a browser keeps at most four sign-ins'
// cookies; the fifth start ends the others.
func TestSignInsUnderWayBounded(t *testing.T) {
	e := newResetEnv(t, nil)
	b := jar{}
	count := func() int {
		n := 0
		for name := range b {
			if strings.HasPrefix(name, "__Host-styrke-login-") {
				n++
			}
		}
		return n
	}
	for i := 1; i <= 5; i++ {
		res, _ := e.req(t, http.MethodGet, "/auth/idporten/start?lang=nb", "", "", b.all()...)
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		b.take(res)
		if i <= 4 {
			assert.Equal(t, i, count(), "start %d", i)
		}
	}
	assert.Equal(t, 1, count(), "the fifth start ends the four under way")
}

// TestResetSeveralAccounts: a person with accounts at two institutions
// (Kari: kari at uio, kari2 at default) chooses which to reset after the
// sign-in. It ended at "no account, or more than one".
func TestResetSeveralAccounts(t *testing.T) {
	e := newResetEnv(t, nil)
	e.importCSV(t, accounts)
	c := e.signIn(t, pidKari)

	res, body := e.postJSON(t, "/api/reset/session", struct{}{}, c)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	var choice struct {
		Username string
		Accounts []struct{ Username, Name, Institution, InstitutionName string }
	}
	require.NoError(t, json.Unmarshal(body, &choice))
	assert.Empty(t, choice.Username, "no account chosen yet")
	require.Len(t, choice.Accounts, 2, "%s", body)
	assert.Equal(t, "kari2", choice.Accounts[0].Username)
	assert.Equal(t, "default", choice.Accounts[0].Institution)
	assert.Equal(t, "kari", choice.Accounts[1].Username)
	assert.Equal(t, "uio", choice.Accounts[1].Institution)
	assert.NotEmpty(t, choice.Accounts[1].InstitutionName)
	assert.Equal(t, "Kari Nordmann", choice.Accounts[1].Name)

	res, body = e.postJSON(t, "/api/reset/session", map[string]string{"username": "kari", "institution": "uio"}, c)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"username":"kari"`)
	assert.Contains(t, string(body), `"extendable":true`)
	assert.Contains(t, string(body), `"institution":"uio"`)
	assert.Contains(t, string(body), `"accounts":[`, "the form may offer the other account")

	// An account the sign-in did not find, and no account named at all.
	res, body = e.postJSON(t, "/api/reset/session", map[string]string{"username": "ola"}, c)
	assert.Equal(t, http.StatusConflict, res.StatusCode, "%s", body)
	res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong}, c)
	assert.Equal(t, http.StatusBadRequest, res.StatusCode, "%s", body)
	assert.Equal(t, "invalid", errCode(t, body))
	assert.Contains(t, string(body), "username")
	res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong, "username": "kari", "institution": "default"}, c)
	assert.Equal(t, http.StatusConflict, res.StatusCode, "kari is uio's, not default's: %s", body)
	res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": strings.Repeat("x", 100), "username": strings.Repeat("k", 300)}, c)
	assert.Equal(t, http.StatusBadRequest, res.StatusCode, "%s", body)
	assert.Contains(t, string(body), "username is longer than")
	hist, _ := e.st.History(context.Background(), policy.Institutions(), "kari", 5)
	assert.Empty(t, hist, "nothing set yet")

	res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong, "username": "kari", "institution": "uio"}, c)
	requireSavedHere(t, res.StatusCode, body)
	hist, _ = e.st.History(context.Background(), policy.Institutions(), "kari", 5)
	assert.Len(t, hist, 1, "kari's password set")
	hist, _ = e.st.History(context.Background(), policy.Institutions(), "kari2", 5)
	assert.Empty(t, hist, "kari2's not")

	// The sign-in's other account ended with it.
	res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong2, "username": "kari2", "institution": "default"}, c)
	assert.Equal(t, http.StatusGone, res.StatusCode, "%s", body)
	res, _ = e.postJSON(t, "/api/reset/session", struct{}{}, c)
	assert.Equal(t, http.StatusGone, res.StatusCode)
	assertNoSecrets(t, e.logs.String(), pidKari, strong, strong2, c.Value)
}

// TestResetEndEndsEveryAccount: signing out ends the sessions of every
// account the sign-in found.
func TestResetEndEndsEveryAccount(t *testing.T) {
	e := newResetEnv(t, nil)
	e.importCSV(t, accounts)
	c := e.signIn(t, pidKari)
	res, body := e.postJSON(t, "/api/reset/end", struct{}{}, c)
	require.Equal(t, http.StatusNoContent, res.StatusCode, "%s", body)
	for _, acc := range [][2]string{{"kari", "uio"}, {"kari2", "default"}} {
		res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong, "username": acc[0], "institution": acc[1]}, c)
		assert.Equal(t, http.StatusGone, res.StatusCode, "%s: %s", acc[0], body)
	}
}

// TestResetExtend: the person may ask for more time (WCAG 2.2.1): another
// ten minutes from now, at least ten times, up to two hours after the
// sign-in; the cookie lasts as long. The ten minutes could not be
// extended.
func TestResetExtend(t *testing.T) {
	e := newResetEnv(t, nil)
	e.importCSV(t, accounts)
	c := e.signIn(t, pidKari) // two accounts: both move
	signedIn := time.Now()
	extends := 0
	for {
		e.advance(9 * time.Minute)
		res, body := e.postJSON(t, "/api/reset/extend", struct{}{}, c)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
		var out struct {
			ExpiresAt  time.Time
			Extendable bool
			Now        time.Time
		}
		require.NoError(t, json.Unmarshal(body, &out))
		extends++
		now := time.Now().Add(time.Duration(e.offset.Load()))
		// The server's clock, which the page times the end by (a phone's
		// may be off).
		assert.WithinDuration(t, now, out.Now, 5*time.Second)
		k := cookie(res, "__Host-styrke-reset")
		require.NotNil(t, k, "the cookie lasts as long")
		assert.Equal(t, c.Value, k.Value)
		assert.InDelta(t, out.ExpiresAt.Sub(now).Seconds(), float64(k.MaxAge), 2)
		if !out.Extendable {
			assert.WithinDuration(t, signedIn.Add(2*time.Hour), out.ExpiresAt, 5*time.Second, "two hours after the sign-in at most")
			break
		}
		assert.WithinDuration(t, now.Add(10*time.Minute), out.ExpiresAt, 5*time.Second)
		require.Less(t, extends, 20)
	}
	assert.GreaterOrEqual(t, extends, 10, "ten extensions at least")
	for _, acc := range [][2]string{{"kari", "uio"}, {"kari2", "default"}} {
		res, body := e.postJSON(t, "/api/reset/session", map[string]string{"username": acc[0], "institution": acc[1]}, c)
		assert.Equal(t, http.StatusOK, res.StatusCode, "%s: %s", acc[0], body)
		// A page loaded now knows not to offer more time (it offered it,
		// and said it gave some).
		assert.Contains(t, string(body), `"extendable":false`)
		var at struct{ Now time.Time }
		require.NoError(t, json.Unmarshal(body, &at))
		assert.WithinDuration(t, time.Now().Add(time.Duration(e.offset.Load())), at.Now, 5*time.Second, "the server's clock")
	}
	// Past the limit the session ends, and is not extended.
	e.advance(time.Until(signedIn.Add(2*time.Hour+time.Second)) - time.Duration(e.offset.Load()))
	res, body := e.postJSON(t, "/api/reset/extend", struct{}{}, c)
	assert.Equal(t, http.StatusGone, res.StatusCode, "%s", body)
	res, _ = e.postJSON(t, "/api/reset/session", map[string]string{"username": "kari", "institution": "uio"}, c)
	assert.Equal(t, http.StatusGone, res.StatusCode)

	// A used session is not extended.
	c = e.signIn(t, pidOla)
	res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong}, c)
	requireSavedHere(t, res.StatusCode, body)
	res, body = e.postJSON(t, "/api/reset/extend", struct{}{}, c)
	assert.Equal(t, http.StatusGone, res.StatusCode, "%s", body)
	res, body = e.postJSON(t, "/api/reset/extend", struct{}{})
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "no cookie: %s", body)
}

// TestResetCookieOfTwoSignIns: a cookie that joins the sessions of two
// sign-ins (a leftover or stolen token beside one's own) is no session:
// it extended the old one past its two hours, again and again.
func TestResetCookieOfTwoSignIns(t *testing.T) {
	e := newResetEnv(t, nil)
	e.importCSV(t, accounts)
	ola := e.signIn(t, pidOla)
	e.advance(time.Minute)
	testa := e.signIn(t, pidTest)
	joined := &http.Cookie{Name: "__Host-styrke-reset", Value: testa.Value + "." + ola.Value}
	for _, path := range []string{"/api/reset/extend", "/api/reset/session"} {
		res, body := e.postJSON(t, path, struct{}{}, joined)
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "%s: %s", path, body)
	}
	res, body := e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong, "username": "ola"}, joined)
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "%s", body)
	// Each alone still works.
	res, body = e.postJSON(t, "/api/reset/extend", struct{}{}, ola)
	assert.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
}

// TestResetOneAccountPerSignIn: a submit for one account of a sign-in
// holds every account's session, so a second tab's submit for another
// account of it waits (409 in_progress) and is then ended: one sign-in
// sets one password. Two submits at once both went through.
func TestResetOneAccountPerSignIn(t *testing.T) {
	e := newResetEnv(t, nil)
	e.importCSV(t, accounts)
	c := e.signIn(t, pidKari)
	tokens := strings.Split(c.Value, ".")
	require.Len(t, tokens, 2)
	// The other tab's submit for kari2 (default's, the first) is under way.
	other := sha256.Sum256([]byte(tokens[0]))
	now := time.Now()
	require.NoError(t, e.st.ClaimReset(context.Background(), other[:], now, now.Add(30*time.Second)))
	res, body := e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong, "username": "kari", "institution": "uio"}, c)
	assert.Equal(t, http.StatusConflict, res.StatusCode, "%s", body)
	assert.Equal(t, "in_progress", errCode(t, body))
	h, _ := e.st.History(context.Background(), policy.Institutions(), "kari", 5)
	assert.Empty(t, h, "nothing set beside the other tab's")
	// The other tab finishes: this sign-in is spent.
	require.NoError(t, e.st.CompleteReset(context.Background(), other[:], now, "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", 5, nil))
	res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong, "username": "kari", "institution": "uio"}, c)
	assert.Equal(t, http.StatusGone, res.StatusCode, "%s", body)
}

// signins is styrke_idporten_signins_total of m by result.
func signins(t *testing.T, m *server.Metrics) map[string]float64 {
	t.Helper()
	fams, err := m.Registry.Gather()
	require.NoError(t, err)
	got := map[string]float64{}
	for _, f := range fams {
		if f.GetName() != "styrke_idporten_signins_total" {
			continue
		}
		for _, mt := range f.Metric {
			got[mt.Label[0].GetValue()] = mt.Counter.GetValue()
		}
	}
	return got
}

// TestCallbackWithoutItsSignIn: a callback whose sign-in this server no
// longer holds is answered in the language the person chose, and with a
// reset session in the browser, by that session's page. Opened again
// (reload, Back into it, a second tab, a phone's app switching back), it
// said "something in ID-porten's answer did not add up" in Bokmål while
// the first tab's session still worked; a sign-in that took too long was
// told in Bokmål too (its cookie, which carried the language, had run out
// with it).
func TestCallbackWithoutItsSignIn(t *testing.T) {
	e := newResetEnv(t, nil)
	e.importCSV(t, accounts)
	loc, login := e.start(t, "lang=en")
	cb, err := op.NewBrowser().Login(loc, pidOla, oidc.LevelSubstantial)
	require.NoError(t, err)
	res, to := e.callback(t, cb.Query(), login)
	require.Equal(t, "/en/forgot/#/pw", to)
	session := cookie(res, "__Host-styrke-reset")
	require.NotNil(t, session)
	lang := cookie(res, "__Host-styrke-lang")
	require.NotNil(t, lang, "the language is kept beside the sign-in's cookie")
	assert.True(t, lang.Secure && lang.HttpOnly && lang.SameSite == http.SameSiteLaxMode && lang.Path == "/", "language cookie flags")
	// What the browser holds now: the reset session and the language (the
	// sign-in's cookie was deleted at its first use).
	again := func(q url.Values, cookies ...*http.Cookie) string {
		t.Helper()
		res, _ := e.req(t, http.MethodGet, "/auth/idporten/callback?"+q.Encode(), "", "", cookies...)
		require.Equal(t, http.StatusSeeOther, res.StatusCode)
		assert.Nil(t, cookie(res, "__Host-styrke-reset"), "no new session")
		return res.Header.Get("Location")
	}
	assert.Equal(t, "/en/forgot/#/pw", again(cb.Query(), session, lang), "opened again: the session's page")
	assert.Equal(t, "/en/forgot/#/error/failed", again(cb.Query(), lang), "without a session: failed, in English")

	// A sign-in that took too long: its cookie has run out with it.
	loc, _ = e.start(t, "lang=en")
	cb, err = op.NewBrowser().Login(loc, pidOla, oidc.LevelSubstantial)
	require.NoError(t, err)
	e.advance(11 * time.Minute)
	assert.Equal(t, "/en/forgot/#/error/expired", again(cb.Query(), lang))
}

// failingStore fails one of the sign-in's store calls (by name) with err.
type failingStore struct {
	store.Store
	call string
	err  error
}

func (s failingStore) fail(call string) error {
	if s.call == call {
		return s.err
	}
	return nil
}

func (s failingStore) CreateLogin(ctx context.Context, l store.Login, now time.Time) error {
	if err := s.fail("CreateLogin"); err != nil {
		return err
	}
	return s.Store.CreateLogin(ctx, l, now)
}

func (s failingStore) TakeLogin(ctx context.Context, stateHash []byte, now time.Time) (store.Login, error) {
	if err := s.fail("TakeLogin"); err != nil {
		return store.Login{}, err
	}
	return s.Store.TakeLogin(ctx, stateHash, now)
}

func (s failingStore) AccountsByIdentity(ctx context.Context, h []byte) ([]store.AccountIdentity, error) {
	if err := s.fail("AccountsByIdentity"); err != nil {
		return nil, err
	}
	return s.Store.AccountsByIdentity(ctx, h)
}

func (s failingStore) AccountName(ctx context.Context, institutions []string, username string) (string, error) {
	if err := s.fail("AccountName"); err != nil {
		return "", err
	}
	return s.Store.AccountName(ctx, institutions, username)
}

func (s failingStore) CreateResetSession(ctx context.Context, rs store.ResetSession) error {
	if err := s.fail("CreateResetSession"); err != nil {
		return err
	}
	return s.Store.CreateResetSession(ctx, rs)
}

// TestResetSignInStoreFails: the sign-in's own store failing (a database
// that does not answer in time, or refuses) at the start or in the
// callback is said as the service's failure, not ID-porten's: the page's
// #/error/store, counted as styrke_idporten_signins_total{result="store"}
// and logged as the store's, at error level. It was #/error/unavailable,
// "ID-porten does not answer", counted with ID-porten's outages, whose
// alert it set off (and the operator looked at ID-porten).
func TestResetSignInStoreFails(t *testing.T) {
	for _, call := range []string{"CreateLogin", "TakeLogin", "AccountsByIdentity", "AccountName", "CreateResetSession"} {
		for _, cause := range []error{context.DeadlineExceeded, errors.New("database is locked")} {
			t.Run(call+"/"+cause.Error(), func(t *testing.T) {
				var m *server.Metrics
				fs := &failingStore{}
				e := newResetEnv(t, func(d *server.Deps) {
					fs.Store = d.Store
					d.Store = fs
					m = server.NewMetrics(fs.Store, nil)
					d.Metrics = m
				})
				e.importCSV(t, accounts)
				fs.call, fs.err = call, cause
				var to string
				if call == "CreateLogin" {
					res, _ := e.req(t, http.MethodGet, "/auth/idporten/start?lang=nn", "", "")
					require.Equal(t, http.StatusSeeOther, res.StatusCode)
					to = res.Header.Get("Location")
				} else {
					fs.call = ""
					loc, login := e.start(t, "lang=nn")
					cb, err := op.NewBrowser().Login(loc, pidOla, oidc.LevelSubstantial)
					require.NoError(t, err)
					fs.call = call
					var res *http.Response
					res, to = e.callback(t, cb.Query(), login)
					assert.Nil(t, cookie(res, "__Host-styrke-reset"), "no reset session")
				}
				assert.Equal(t, "/nn/gloymt/#/error/store", to, "the store's failure, not ID-porten's")
				assert.Equal(t, map[string]float64{"store": 1}, signins(t, m))
				assert.Regexp(t, `level=ERROR msg="reset sign-in: the store failed"`, e.logs.String())
				assertNoSecrets(t, e.logs.String(), pidOla)
			})
		}
	}
}
