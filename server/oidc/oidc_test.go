package oidc_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/oidc"
	"github.com/styrke-iam/styrke/server/oidc/oidctest"
)

const (
	redirect   = "http://127.0.0.1:9/auth/idporten/callback"
	postLogout = "http://127.0.0.1:9/auth/idporten/logged-out"
)

var env struct {
	op     *oidctest.Provider
	rsaKey *rsa.PrivateKey
	ecKey  *ecdsa.PrivateKey
	secret string
}

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	env.rsaKey, err = rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	env.ecKey, err = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		panic(err)
	}
	env.secret = "test-secret-0123456789abcdef0123456789abcdef"
	env.op, err = oidctest.Start(oidctest.Options{Clients: []oidctest.Client{
		{ID: "jwt", RedirectURIs: []string{redirect}, PublicKey: &env.rsaKey.PublicKey, KeyID: "rsa-1", PostLogoutRedirectURIs: []string{postLogout}},
		{ID: "par", RedirectURIs: []string{redirect}, PublicKey: &env.rsaKey.PublicKey, KeyID: "rsa-1", RequirePAR: true},
		{ID: "ec", RedirectURIs: []string{redirect}, PublicKey: &env.ecKey.PublicKey, KeyID: "ec-1"},
		{ID: "secret", RedirectURIs: []string{redirect}, Secret: env.secret},
	}})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer env.op.Stop()
	return m.Run()
}

func client(t *testing.T, id string, edit func(*oidc.Config)) *oidc.Client {
	t.Helper()
	cfg := oidc.Config{Issuer: env.op.Issuer(), ClientID: id, RedirectURL: redirect}
	switch id {
	case "secret":
		cfg.ClientSecret = env.secret
	case "ec":
		cfg.PrivateKey, cfg.KeyID = env.ecKey, "ec-1"
	default:
		cfg.PrivateKey, cfg.KeyID = env.rsaKey, "rsa-1"
	}
	if id == "par" {
		cfg.PAR = true
	}
	if edit != nil {
		edit(&cfg)
	}
	c, err := oidc.New(cfg)
	require.NoError(t, err)
	return c
}

// signIn runs Begin and the provider's login and returns the callback's
// query and the pending request.
func signIn(t *testing.T, b *oidctest.Browser, c *oidc.Client, pid, acr string, req oidc.AuthRequest) (url.Values, oidc.Pending) {
	t.Helper()
	u, p, err := c.Begin(context.Background(), req)
	require.NoError(t, err)
	cb, err := b.Login(u, pid, acr)
	require.NoError(t, err)
	require.Equal(t, redirect, cb.Scheme+"://"+cb.Host+cb.Path, "callback")
	return cb.Query(), p
}

// pid is a synthetic test person's number (month + 80).
const pid = "01820012345"

func TestFinish(t *testing.T) {
	cases := []struct {
		name, client, pid, acr string
		req                    oidc.AuthRequest
		edit                   func(*oidc.Config)
		wantACR                string
	}{
		{name: "private_key_jwt", client: "jwt", pid: pid, acr: oidc.LevelSubstantial, wantACR: oidc.LevelSubstantial},
		{name: "par required by the client", client: "par", pid: pid, acr: oidc.LevelSubstantial, wantACR: oidc.LevelSubstantial},
		{name: "ecdsa key", client: "ec", pid: pid, acr: oidc.LevelSubstantial, wantACR: oidc.LevelSubstantial},
		{name: "client_secret_post", client: "secret", pid: pid, acr: oidc.LevelSubstantial, wantACR: oidc.LevelSubstantial},
		{name: "high satisfies substantial", client: "jwt", pid: pid, acr: oidc.LevelHigh, wantACR: oidc.LevelHigh},
		{name: "high asked per request", client: "jwt", pid: pid, acr: oidc.LevelHigh, req: oidc.AuthRequest{ACR: oidc.LevelHigh}, wantACR: oidc.LevelHigh},
		{name: "foreign eID without pid", client: "jwt", pid: "", acr: oidc.LevelSubstantial, wantACR: oidc.LevelSubstantial},
		{name: "prompt=login and ui_locales", client: "jwt", pid: pid, acr: oidc.LevelSubstantial, req: oidc.AuthRequest{Locale: "nn"},
			edit: func(c *oidc.Config) { c.PromptLogin = true }, wantACR: oidc.LevelSubstantial},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := client(t, tc.client, tc.edit)
			q, p := signIn(t, env.op.NewBrowser(), c, tc.pid, tc.acr, tc.req)
			id, err := c.Finish(context.Background(), q, p)
			require.NoError(t, err)
			assert.Equal(t, tc.pid, id.PID, "pid")
			assert.Equal(t, tc.wantACR, id.ACR, "acr")
			assert.NotEmpty(t, id.Subject)
			assert.NotEqual(t, tc.pid, id.Subject, "sub is pairwise, not the pid")
		})
	}
}

func TestPARKeepsParametersOffTheURL(t *testing.T) {
	c := client(t, "par", nil)
	u, p, err := c.Begin(context.Background(), oidc.AuthRequest{})
	require.NoError(t, err)
	pu, err := url.Parse(u)
	require.NoError(t, err)
	q := pu.Query()
	assert.Equal(t, "par", q.Get("client_id"))
	assert.NotEmpty(t, q.Get("request_uri"))
	for _, k := range []string{"state", "nonce", "code_challenge", "redirect_uri"} {
		assert.Empty(t, q.Get(k), "%s in the URL", k)
	}
	assert.NotContains(t, u, p.State)
}

// TestPARRefusedSaysWhy: a pushed request the provider refuses (here a
// redirect URI it does not know, the commonest registration mistake) is a
// configuration error that carries the provider's own description, so the
// operator's log says what to fix: it said only "invalid_request".
func TestPARRefusedSaysWhy(t *testing.T) {
	c := client(t, "par", func(c *oidc.Config) { c.RedirectURL = "https://wrong.example/auth/idporten/callback" })
	_, _, err := c.Begin(context.Background(), oidc.AuthRequest{})
	require.ErrorIs(t, err, oidc.ErrConfig)
	assert.Contains(t, err.Error(), "redirect_uri")
	assert.Contains(t, err.Error(), "did not match")
}

func TestBeginWithoutPAR(t *testing.T) {
	c := client(t, "jwt", func(c *oidc.Config) { c.PromptLogin = true })
	u, p, err := c.Begin(context.Background(), oidc.AuthRequest{Locale: "en"})
	require.NoError(t, err)
	pu, err := url.Parse(u)
	require.NoError(t, err)
	q := pu.Query()
	assert.Equal(t, "S256", q.Get("code_challenge_method"))
	assert.NotEmpty(t, q.Get("code_challenge"))
	assert.NotEqual(t, p.Verifier, q.Get("code_challenge"))
	assert.Equal(t, p.State, q.Get("state"))
	assert.Equal(t, p.Nonce, q.Get("nonce"))
	assert.Equal(t, oidc.LevelSubstantial, q.Get("acr_values"))
	assert.Equal(t, "login", q.Get("prompt"))
	assert.Equal(t, "en", q.Get("ui_locales"))
	assert.Equal(t, "openid", q.Get("scope"))
}

func TestKeyRotation(t *testing.T) {
	c := client(t, "jwt", nil)
	q, p := signIn(t, env.op.NewBrowser(), c, pid, oidc.LevelSubstantial, oidc.AuthRequest{})
	_, err := c.Finish(context.Background(), q, p)
	require.NoError(t, err, "before rotation (the key set is now cached)")
	require.NoError(t, env.op.RotateKey())
	q, p = signIn(t, env.op.NewBrowser(), c, pid, oidc.LevelSubstantial, oidc.AuthRequest{})
	_, err = c.Finish(context.Background(), q, p)
	require.NoError(t, err, "after rotation: the unknown kid makes the client fetch the JWKS again")
}

func TestFinishErrors(t *testing.T) {
	cases := []struct {
		name   string
		acr    string
		req    oidc.AuthRequest
		tamper *oidctest.Tamper
		edit   func(q url.Values, p *oidc.Pending)
		want   error
	}{
		{name: "wrong state", edit: func(q url.Values, _ *oidc.Pending) { q.Set("state", "x"+q.Get("state")) }, want: oidc.ErrState},
		{name: "missing state", edit: func(q url.Values, _ *oidc.Pending) { q.Del("state") }, want: oidc.ErrState},
		{name: "no pending state", edit: func(q url.Values, p *oidc.Pending) { q.Del("state"); p.State = "" }, want: oidc.ErrState},
		{name: "iss mismatch", edit: func(q url.Values, _ *oidc.Pending) { q.Set("iss", "https://evil.example") }, want: oidc.ErrIssuer},
		{name: "iss missing", edit: func(q url.Values, _ *oidc.Pending) { q.Del("iss") }, want: oidc.ErrIssuer},
		{name: "missing code", edit: func(q url.Values, _ *oidc.Pending) { q.Del("code") }, want: oidc.ErrCode},
		{name: "wrong code verifier", edit: func(_ url.Values, p *oidc.Pending) { p.Verifier = strings.Repeat("a", 43) }, want: oidc.ErrCode},
		{name: "provider error", edit: func(q url.Values, _ *oidc.Pending) { q.Del("code"); q.Set("error", "access_denied") }, want: oidc.ErrCanceled},
		{name: "provider unavailable for now", edit: func(q url.Values, _ *oidc.Pending) { q.Del("code"); q.Set("error", "temporarily_unavailable") }, want: oidc.ErrUnavailable},
		{name: "provider's own error", edit: func(q url.Values, _ *oidc.Pending) { q.Del("code"); q.Set("error", "server_error") }, want: oidc.ErrUnavailable},
		{name: "provider refused the request", edit: func(q url.Values, _ *oidc.Pending) { q.Del("code"); q.Set("error", "invalid_request") }, want: oidc.ErrProvider},
		{name: "nonce mismatch", edit: func(_ url.Values, p *oidc.Pending) { p.Nonce = "another" }, want: oidc.ErrNonce},
		{name: "nonce changed in the token", tamper: &oidctest.Tamper{Claims: map[string]any{"nonce": "another"}}, want: oidc.ErrNonce},
		{name: "acr too low", acr: oidc.LevelLow, want: oidc.ErrACR},
		{name: "substantial when high is required", acr: oidc.LevelSubstantial, req: oidc.AuthRequest{ACR: oidc.LevelHigh}, want: oidc.ErrACR},
		{name: "acr missing", tamper: &oidctest.Tamper{Remove: []string{"acr"}}, want: oidc.ErrACR},
		{name: "another audience", tamper: &oidctest.Tamper{Claims: map[string]any{"aud": "someone-else"}}, want: oidc.ErrIDToken},
		{name: "several audiences without azp", tamper: &oidctest.Tamper{Claims: map[string]any{"aud": []string{"jwt", "someone-else"}}}, want: oidc.ErrIDToken},
		{name: "another issuer in the token", tamper: &oidctest.Tamper{Claims: map[string]any{"iss": "https://evil.example"}}, want: oidc.ErrIDToken},
		{name: "signed with an unknown key", tamper: &oidctest.Tamper{UnknownKey: true}, want: oidc.ErrIDToken},
		{name: "expired by its exp", tamper: &oidctest.Tamper{Claims: map[string]any{"exp": time.Now().Add(-time.Hour).Unix()}}, want: oidc.ErrExpired},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := client(t, "jwt", nil)
			acr := tc.acr
			if acr == "" {
				acr = oidc.LevelSubstantial
			}
			q, p := signIn(t, env.op.NewBrowser(), c, pid, acr, tc.req)
			code := q.Get("code")
			if tc.tamper != nil {
				require.NoError(t, env.op.Tamper(*tc.tamper))
				t.Cleanup(func() { env.op.Tamper(oidctest.Tamper{}) })
			}
			if tc.edit != nil {
				tc.edit(q, &p)
			}
			_, err := c.Finish(context.Background(), q, p)
			require.ErrorIs(t, err, tc.want)
			for _, secret := range []string{pid, code, p.Nonce, p.Verifier} {
				if secret != "" {
					assert.NotContains(t, err.Error(), secret, "the error holds a secret")
				}
			}
		})
	}
}

func TestReplayedCode(t *testing.T) {
	c := client(t, "jwt", nil)
	q, p := signIn(t, env.op.NewBrowser(), c, pid, oidc.LevelSubstantial, oidc.AuthRequest{})
	_, err := c.Finish(context.Background(), q, p)
	require.NoError(t, err)
	_, err = c.Finish(context.Background(), q, p)
	require.ErrorIs(t, err, oidc.ErrCode)
}

func TestUnavailable(t *testing.T) {
	c, err := oidc.New(oidc.Config{Issuer: "http://127.0.0.1:9", ClientID: "x", RedirectURL: redirect, ClientSecret: "s"})
	require.NoError(t, err)
	_, _, err = c.Begin(context.Background(), oidc.AuthRequest{})
	require.ErrorIs(t, err, oidc.ErrUnavailable)
}

func TestNewErrors(t *testing.T) {
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	ok := oidc.Config{Issuer: "https://test.idporten.no", ClientID: "c", RedirectURL: "https://s.example/cb", ClientSecret: "s"}
	cases := []struct {
		name string
		edit func(*oidc.Config)
	}{
		{"no issuer", func(c *oidc.Config) { c.Issuer = "" }},
		{"no client id", func(c *oidc.Config) { c.ClientID = "" }},
		{"no redirect", func(c *oidc.Config) { c.RedirectURL = "" }},
		{"relative redirect", func(c *oidc.Config) { c.RedirectURL = "/auth/idporten/callback" }},
		{"no credentials", func(c *oidc.Config) { c.ClientSecret = "" }},
		{"key without kid", func(c *oidc.Config) { c.ClientSecret, c.PrivateKey = "", env.rsaKey }},
		{"short RSA key", func(c *oidc.Config) { c.ClientSecret, c.PrivateKey, c.KeyID = "", small, "k" }},
		{"P-384 key", func(c *oidc.Config) { c.ClientSecret, c.PrivateKey, c.KeyID = "", p384, "k" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.edit(&cfg)
			_, err := oidc.New(cfg)
			require.ErrorIs(t, err, oidc.ErrConfig)
		})
	}
}

func TestSatisfies(t *testing.T) {
	cases := []struct {
		got, want string
		ok        bool
	}{
		{oidc.LevelSubstantial, oidc.LevelSubstantial, true},
		{oidc.LevelHigh, oidc.LevelSubstantial, true},
		{oidc.LevelHigh, oidc.LevelHigh, true},
		{oidc.LevelSubstantial, oidc.LevelHigh, false},
		{oidc.LevelLow, oidc.LevelSubstantial, false},
		{"", oidc.LevelSubstantial, false},
		{"Level4", oidc.LevelSubstantial, false},
		{"custom", "custom", true},
	}
	for _, tc := range cases {
		t.Run(tc.got+" for "+tc.want, func(t *testing.T) {
			assert.Equal(t, tc.ok, oidc.Satisfies(tc.got, tc.want))
		})
	}
}

func TestParsePrivateKey(t *testing.T) {
	pkcs8, err := x509.MarshalPKCS8PrivateKey(env.rsaKey)
	require.NoError(t, err)
	ec, err := x509.MarshalECPrivateKey(env.ecKey)
	require.NoError(t, err)
	ok := []struct {
		name string
		pem  []byte
	}{
		{"pkcs8 rsa", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8})},
		{"pkcs1 rsa", pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(env.rsaKey)})},
		{"sec1 ec", pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: ec})},
	}
	for _, tc := range ok {
		t.Run(tc.name, func(t *testing.T) {
			k, err := oidc.ParsePrivateKey(tc.pem)
			require.NoError(t, err)
			assert.NotNil(t, k)
		})
	}
	bad := []struct {
		name string
		pem  []byte
	}{
		{"not pem", []byte("hello")},
		{"garbage in pem", pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("x")})},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, err := oidc.ParsePrivateKey(tc.pem)
			require.ErrorIs(t, err, oidc.ErrConfig)
		})
	}
}

// TestLogout: the logout URL ends the person's session at the provider
// (a sign-in after it asks for the login again) and comes back to the
// registered address with the state; it holds no ID token (one in a URL
// puts the identity number in the browser's history).
func TestLogout(t *testing.T) {
	c := client(t, "jwt", nil)
	b := env.op.NewBrowser()
	q, p := signIn(t, b, c, pid, oidc.LevelSubstantial, oidc.AuthRequest{})
	_, err := c.Finish(context.Background(), q, p)
	require.NoError(t, err)
	begin := func() string {
		u, _, err := c.Begin(context.Background(), oidc.AuthRequest{})
		require.NoError(t, err)
		return u
	}
	in, err := b.SignedIn(begin())
	require.NoError(t, err)
	require.True(t, in, "the provider's session is alive after the sign-in")
	u, err := c.LogoutURL(context.Background(), postLogout, "nb.x1")
	require.NoError(t, err)
	lu, err := url.Parse(u)
	require.NoError(t, err)
	assert.Equal(t, "jwt", lu.Query().Get("client_id"))
	assert.Equal(t, postLogout, lu.Query().Get("post_logout_redirect_uri"))
	assert.Empty(t, lu.Query().Get("id_token_hint"))
	assert.NotContains(t, u, pid)
	back, err := b.Logout(u)
	require.NoError(t, err)
	assert.Equal(t, postLogout, back.Scheme+"://"+back.Host+back.Path)
	assert.Equal(t, "nb.x1", back.Query().Get("state"))
	in, err = b.SignedIn(begin())
	require.NoError(t, err)
	assert.False(t, in, "signed out: the next sign-in shows the login page")
}

// roundTripper is an http.RoundTripper from a function.
type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestStaleMetadataRefresh: once the metadata is older than MetadataTTL,
// one request refreshes it while the others go on with the old copy, and a
// refresh that failed is not tried again by every request that follows
// but after a pause. The refresh ran under the client's lock at every
// request after a failure: with the provider's discovery slow or down,
// every sign-in and every callback waited in line for its own attempt (up
// to the HTTP client's timeout each), though the old copy was at hand.
func TestStaleMetadataRefresh(t *testing.T) {
	var offset atomic.Int64 // the client's clock, ahead of the real one
	var discoveries atomic.Int32
	var mode atomic.Int32 // 0 up, 1 down (refused), 2 hanging until release
	release := make(chan struct{})
	hang := func() { <-release }
	rt := roundTripper(func(r *http.Request) (*http.Response, error) {
		if strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration") {
			discoveries.Add(1)
			switch mode.Load() {
			case 1:
				return nil, errors.New("discovery down")
			case 2:
				hang()
				return nil, errors.New("discovery hung")
			}
		}
		return http.DefaultTransport.RoundTrip(r)
	})
	c := client(t, "jwt", func(c *oidc.Config) {
		c.HTTPClient = &http.Client{Transport: rt}
		c.Now = func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	})
	begin := func() error {
		_, _, err := c.Begin(context.Background(), oidc.AuthRequest{})
		return err
	}
	require.NoError(t, begin())
	require.EqualValues(t, 1, discoveries.Load())

	// A day later, the provider's discovery hangs: the request that
	// refreshes waits for it, the others answer from the old copy at once.
	offset.Store(int64(25 * time.Hour))
	mode.Store(2)
	refreshed := make(chan error, 1)
	go func() { refreshed <- begin() }()
	require.Eventually(t, func() bool { return discoveries.Load() == 2 }, 5*time.Second, 10*time.Millisecond)
	done := make(chan error, 1)
	go func() { done <- begin() }()
	select {
	case err := <-done:
		require.NoError(t, err, "the old copy serves while another request refreshes")
	case <-time.After(3 * time.Second):
		close(release)
		<-refreshed
		t.Fatal("a sign-in waited for another request's refresh of the metadata")
	}
	close(release)
	require.NoError(t, <-refreshed, "a failed refresh keeps the old copy")

	// The refresh failed: the next requests use the old copy without
	// asking the provider again, until the pause is over.
	mode.Store(1)
	for range 3 {
		require.NoError(t, begin())
	}
	assert.EqualValues(t, 2, discoveries.Load(), "a failed refresh is tried again after a pause, not by every request")
	mode.Store(0)
	offset.Add(int64(oidc.MetadataRetry + time.Second))
	require.NoError(t, begin())
	assert.EqualValues(t, 3, discoveries.Load(), "tried again after the pause")
	require.NoError(t, begin())
	assert.EqualValues(t, 3, discoveries.Load(), "fresh again")
}
