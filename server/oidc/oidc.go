// Package oidc signs people in with ID-porten (or another OpenID provider
// that follows its rules) by the authorization code flow, and answers with
// who they are: the pid claim (fødselsnummer or D-number) and the level of
// assurance. Provider and JOSE types stay inside this package; callers see
// Identity and this package's errors.
//
// What it does, as ID-porten requires of a relying party:
//   - PKCE (S256), state and nonce on every request. Begin returns them as a
//     Pending that the caller keeps server-side and passes to Finish once:
//     this package keeps no state between the two.
//   - acr_values from the configuration (default idporten-loa-substantial);
//     an ID token with a lower acr is refused, idporten-loa-high satisfies
//     idporten-loa-substantial.
//   - prompt=login when configured (no single sign-on from an earlier visit).
//   - Pushed authorization requests (RFC 9126) when configured and the
//     provider advertises pushed_authorization_request_endpoint; the browser
//     then carries only client_id and request_uri.
//   - Client authentication with private_key_jwt (a signed assertion, iss =
//     sub = client id, aud = issuer, 60 s lifetime, unique jti) or
//     client_secret_post.
//   - The authorization response's iss (RFC 9207) must be the issuer when
//     the provider advertises authorization_response_iss_parameter_supported
//     (and whenever it is present).
//   - The ID token's signature (against the provider's JWKS, re-fetched when
//     it names an unknown key), issuer, audience, expiry and nonce.
//   - The provider's metadata is fetched on first use and kept for
//     MetadataTTL (default 24 h); a failed refresh keeps the old copy.
//
// No error of this package holds a code, a token, a pid or the provider's
// free-text error description.
package oidc

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	gooidc "github.com/coreos/go-oidc/v3/oidc"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"
	"golang.org/x/oauth2"
)

// Levels of assurance of ID-porten, lowest first.
const (
	LevelLow         = "idporten-loa-low"
	LevelSubstantial = "idporten-loa-substantial"
	LevelHigh        = "idporten-loa-high"
)

// levels orders the known acr values; an acr not listed here satisfies
// only itself.
var levels = map[string]int{LevelLow: 1, LevelSubstantial: 2, LevelHigh: 3}

// Satisfies reports whether an ID token's acr got meets the required want:
// equal, or a known level at least as high (high satisfies substantial).
func Satisfies(got, want string) bool {
	if got == want {
		return true
	}
	g, gok := levels[got]
	w, wok := levels[want]
	return gok && wok && g >= w
}

// Errors of Finish (and Begin), for errors.Is. Each names what went wrong
// without any value from the request or the token.
var (
	// ErrState: the response's state is missing or is not the pending one.
	ErrState = errors.New("oidc: state missing or wrong")
	// ErrIssuer: the authorization response's iss is missing or not the
	// configured issuer (RFC 9207).
	ErrIssuer = errors.New("oidc: authorization response from another issuer")
	// ErrCanceled: the person cancelled at the provider (access_denied).
	ErrCanceled = errors.New("oidc: sign-in cancelled")
	// ErrProvider: the provider answered the authorization request with
	// another error code (its code is in ProviderError).
	ErrProvider = errors.New("oidc: the provider refused the request")
	// ErrCode: the code is missing or the token endpoint refused it (used
	// already, expired, or not issued to this client).
	ErrCode = errors.New("oidc: authorization code missing or refused")
	// ErrIDToken: the ID token is missing, badly signed, from another
	// issuer or for another audience.
	ErrIDToken = errors.New("oidc: ID token invalid")
	// ErrExpired: the ID token has expired (also matches ErrIDToken).
	ErrExpired = fmt.Errorf("%w: expired", ErrIDToken)
	// ErrNonce: the ID token's nonce is not the pending one.
	ErrNonce = errors.New("oidc: nonce mismatch")
	// ErrACR: the ID token's acr is lower than required.
	ErrACR = errors.New("oidc: level of assurance too low")
	// ErrUnavailable: the provider could not be reached or answered
	// something that is not OpenID Connect.
	ErrUnavailable = errors.New("oidc: provider unavailable")
	// ErrConfig: the configuration is incomplete or contradicts the
	// provider's metadata.
	ErrConfig = errors.New("oidc: configuration error")
)

// ProviderError is the provider's error code from an authorization
// response (RFC 6749 4.1.2.1), without its free-text description.
type ProviderError struct{ Code string }

func (e *ProviderError) Error() string { return "oidc: provider error " + e.Code }

// Unwrap makes access_denied match ErrCanceled and others ErrProvider;
// server_error and temporarily_unavailable (RFC 6749 4.1.2.1: the provider
// could not handle the request just now, an outage at ID-porten) match
// ErrUnavailable too, so that the person is told to try again later and the
// outage is counted as one (they read "the answer did not add up").
func (e *ProviderError) Unwrap() []error {
	switch e.Code {
	case "access_denied":
		return []error{ErrCanceled}
	case "server_error", "temporarily_unavailable":
		return []error{ErrProvider, ErrUnavailable}
	}
	return []error{ErrProvider}
}

// Config is a client's registration at the provider. Issuer, ClientID,
// RedirectURL and one of PrivateKey or ClientSecret are required.
type Config struct {
	// Issuer is the provider's issuer (https://test.idporten.no,
	// https://idporten.no); metadata comes from
	// Issuer + "/.well-known/openid-configuration".
	Issuer string
	// ClientID is the client's id at the provider.
	ClientID string
	// RedirectURL is the registered, absolute callback URL. It comes from
	// configuration, never from a request.
	RedirectURL string
	// PrivateKey signs private_key_jwt assertions (RSA: RS256, ECDSA P-256:
	// ES256); KeyID is its registered kid. When nil, ClientSecret is sent
	// with client_secret_post.
	PrivateKey crypto.Signer
	KeyID      string
	// ClientSecret is the client_secret_post secret.
	ClientSecret string
	// PAR pushes the authorization request when the provider offers it.
	PAR bool
	// ACR is the default acr_values (LevelSubstantial when empty).
	ACR string
	// PromptLogin sends prompt=login.
	PromptLogin bool
	// Scopes requested; default ["openid"]. "openid" is always included.
	Scopes []string
	// HTTPClient talks to the provider; default a client with a 10 s
	// timeout.
	HTTPClient *http.Client
	// Now is the clock for the ID token's expiry and the assertion; default
	// time.Now.
	Now func() time.Time
	// MetadataTTL is how long fetched metadata is used; default 24 h.
	MetadataTTL time.Duration
}

// ErrNoLogout: the provider offers no logout endpoint.
var ErrNoLogout = errors.New("oidc: the provider has no end_session_endpoint")

// LogoutURL is where a browser ends the person's single sign-on session at
// the provider (RP-Initiated Logout 1.0, as ID-porten documents it): its
// end_session_endpoint with this client's id and, when postLogout is set,
// the registered address to come back to and state. No ID token goes in
// it: ID-porten takes client_id instead, and an ID token in a URL would
// put the person's identity number in the browser's history.
func (c *Client) LogoutURL(ctx context.Context, postLogout, state string) (string, error) {
	m, err := c.metadata(ctx)
	if err != nil {
		return "", err
	}
	if m.EndSession == "" {
		return "", ErrNoLogout
	}
	u, err := url.Parse(m.EndSession)
	if err != nil {
		return "", fmt.Errorf("%w: end_session_endpoint: %v", ErrConfig, err)
	}
	q := u.Query()
	q.Set("client_id", c.cfg.ClientID)
	if postLogout != "" {
		q.Set("post_logout_redirect_uri", postLogout)
		if state != "" {
			q.Set("state", state)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Pending is what Begin made for one sign-in: the caller keeps it
// server-side (never in a cookie or URL), finds it by State when the
// provider calls back, and uses it once.
type Pending struct {
	State    string
	Nonce    string
	Verifier string // PKCE code verifier
	ACR      string // the level that was asked for
}

// Identity is the signed-in person as the ID token states them.
type Identity struct {
	// PID is the fødselsnummer or D-number; empty for a foreign eID.
	PID string
	// ACR is the level of assurance reached.
	ACR string
	// Subject is the pairwise sub (do not key accounts on it).
	Subject string
}

// AuthRequest holds per-request choices for Begin.
type AuthRequest struct {
	// ACR overrides Config.ACR (an institution's own level).
	ACR string
	// Locale is ui_locales ("nb", "nn", "en"); empty sends none.
	Locale string
}

// Client is an OpenID Connect relying party. It is safe for concurrent use.
type Client struct {
	cfg Config

	mu      sync.Mutex
	meta    *metadata
	fetched time.Time
	// refreshing: a request is fetching newer metadata (the others use
	// meta meanwhile).
	refreshing bool
}

type metadata struct {
	provider *gooidc.Provider
	verifier *gooidc.IDTokenVerifier
	Issuer   string `json:"issuer"`
	AuthURL  string `json:"authorization_endpoint"`
	TokenURL string `json:"token_endpoint"`
	PARURL   string `json:"pushed_authorization_request_endpoint"`
	// EndSession is the provider's logout endpoint (RP-Initiated Logout).
	EndSession string   `json:"end_session_endpoint"`
	ISSParam   bool     `json:"authorization_response_iss_parameter_supported"`
	Methods    []string `json:"token_endpoint_auth_methods_supported"`
}

// New checks cfg and returns a client; it does not contact the provider.
func New(cfg Config) (*Client, error) {
	var missing []string
	if cfg.Issuer == "" {
		missing = append(missing, "issuer")
	}
	if cfg.ClientID == "" {
		missing = append(missing, "client id")
	}
	if cfg.RedirectURL == "" {
		missing = append(missing, "redirect URL")
	}
	if cfg.PrivateKey == nil && cfg.ClientSecret == "" {
		missing = append(missing, "client key or client secret")
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("%w: missing %s", ErrConfig, strings.Join(missing, ", "))
	}
	if u, err := url.Parse(cfg.RedirectURL); err != nil || !u.IsAbs() || u.Host == "" || u.Fragment != "" {
		return nil, fmt.Errorf("%w: redirect URL must be absolute, without a fragment", ErrConfig)
	}
	if cfg.PrivateKey != nil {
		if _, err := signingAlg(cfg.PrivateKey); err != nil {
			return nil, err
		}
		if cfg.KeyID == "" {
			return nil, fmt.Errorf("%w: a client key needs its key id", ErrConfig)
		}
	}
	if cfg.ACR == "" {
		cfg.ACR = LevelSubstantial
	}
	if !slices.Contains(cfg.Scopes, "openid") {
		cfg.Scopes = append([]string{"openid"}, cfg.Scopes...)
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.MetadataTTL <= 0 {
		cfg.MetadataTTL = 24 * time.Hour
	}
	cfg.Issuer = strings.TrimRight(cfg.Issuer, "/")
	return &Client{cfg: cfg}, nil
}

// Issuer is the configured issuer.
func (c *Client) Issuer() string { return c.cfg.Issuer }

// MetadataRetry is how long a client whose refresh of the metadata failed
// keeps using its old copy before it asks the provider again.
const MetadataRetry = time.Minute

// metadata returns the provider's metadata, fetching it when missing or
// older than MetadataTTL. A stale copy is refreshed by one request while
// the others go on with it, and a failed refresh keeps it for
// MetadataRetry before the next try: the refresh ran under the lock at
// every request once it had failed, and with the provider's discovery
// slow every sign-in and callback waited in line for its own attempt.
func (c *Client) metadata(ctx context.Context) (*metadata, error) {
	c.mu.Lock()
	if c.meta != nil && (c.refreshing || c.cfg.Now().Sub(c.fetched) < c.cfg.MetadataTTL) {
		m := c.meta
		c.mu.Unlock()
		return m, nil
	}
	if c.meta == nil {
		defer c.mu.Unlock()
		m, err := c.discover(ctx)
		if err != nil {
			return nil, err
		}
		c.meta, c.fetched = m, c.cfg.Now()
		return m, nil
	}
	// Stale: this request refreshes, outside the lock. The outcome is
	// recorded under it in a deferred call, so that a refresh that
	// panicked leaves neither the lock held nor refreshing set.
	old := c.meta
	c.refreshing = true
	c.mu.Unlock()
	var m *metadata
	defer func() {
		c.mu.Lock()
		defer c.mu.Unlock()
		c.refreshing = false
		if m == nil {
			// Tried again after MetadataRetry.
			c.fetched = c.cfg.Now().Add(min(MetadataRetry, c.cfg.MetadataTTL) - c.cfg.MetadataTTL)
			return
		}
		c.meta, c.fetched = m, c.cfg.Now()
	}()
	m, err := c.discover(ctx)
	if err != nil {
		m = nil
		return old, nil
	}
	return m, nil
}

func (c *Client) discover(ctx context.Context) (*metadata, error) {
	// The key set lives as long as the metadata, so its context must not
	// be the request's.
	kctx := gooidc.ClientContext(context.WithoutCancel(ctx), c.cfg.HTTPClient)
	p, err := gooidc.NewProvider(kctx, c.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: discovery: %v", ErrUnavailable, err)
	}
	m := &metadata{provider: p}
	if err := p.Claims(m); err != nil {
		return nil, fmt.Errorf("%w: metadata: %v", ErrUnavailable, err)
	}
	if m.AuthURL == "" || m.TokenURL == "" {
		return nil, fmt.Errorf("%w: metadata lacks an endpoint", ErrUnavailable)
	}
	method := "client_secret_post"
	if c.cfg.PrivateKey != nil {
		method = "private_key_jwt"
	}
	if len(m.Methods) > 0 && !slices.Contains(m.Methods, method) {
		return nil, fmt.Errorf("%w: the provider does not offer %s", ErrConfig, method)
	}
	m.verifier = p.Verifier(&gooidc.Config{ClientID: c.cfg.ClientID, Now: c.cfg.Now})
	return m, nil
}

// random returns 32 random bytes, base64url.
func random() string {
	var b [32]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Begin starts a sign-in: it returns the URL to send the browser to and the
// Pending to keep server-side until the callback. With PAR the request's
// parameters go to the provider directly.
func (c *Client) Begin(ctx context.Context, r AuthRequest) (string, Pending, error) {
	m, err := c.metadata(ctx)
	if err != nil {
		return "", Pending{}, err
	}
	p := Pending{State: random(), Nonce: random(), Verifier: oauth2.GenerateVerifier(), ACR: r.ACR}
	if p.ACR == "" {
		p.ACR = c.cfg.ACR
	}
	v := url.Values{
		"response_type":         {"code"},
		"client_id":             {c.cfg.ClientID},
		"redirect_uri":          {c.cfg.RedirectURL},
		"scope":                 {strings.Join(c.cfg.Scopes, " ")},
		"state":                 {p.State},
		"nonce":                 {p.Nonce},
		"code_challenge":        {oauth2.S256ChallengeFromVerifier(p.Verifier)},
		"code_challenge_method": {"S256"},
		"acr_values":            {p.ACR},
	}
	if c.cfg.PromptLogin {
		v.Set("prompt", "login")
	}
	if r.Locale != "" {
		v.Set("ui_locales", r.Locale)
	}
	if c.cfg.PAR && m.PARURL != "" {
		uri, err := c.push(ctx, m, v)
		if err != nil {
			return "", Pending{}, err
		}
		v = url.Values{"client_id": {c.cfg.ClientID}, "request_uri": {uri}}
	}
	return addQuery(m.AuthURL, v), p, nil
}

func addQuery(endpoint string, v url.Values) string {
	sep := "?"
	if strings.Contains(endpoint, "?") {
		sep = "&"
	}
	return endpoint + sep + v.Encode()
}

// push sends the authorization request to the PAR endpoint and returns its
// request_uri.
func (c *Client) push(ctx context.Context, m *metadata, v url.Values) (string, error) {
	form := url.Values{}
	for k, vs := range v {
		form[k] = vs
	}
	if err := c.authenticate(form, m.Issuer); err != nil {
		return "", err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, m.PARURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrConfig, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("%w: pushed authorization request: %v", ErrUnavailable, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	if err != nil {
		return "", fmt.Errorf("%w: pushed authorization request: %v", ErrUnavailable, err)
	}
	var out struct {
		RequestURI  string `json:"request_uri"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	json.Unmarshal(body, &out)
	switch {
	case res.StatusCode == http.StatusCreated || res.StatusCode == http.StatusOK:
		if out.RequestURI == "" {
			return "", fmt.Errorf("%w: pushed authorization response without request_uri", ErrUnavailable)
		}
		return out.RequestURI, nil
	case res.StatusCode >= 500:
		return "", fmt.Errorf("%w: pushed authorization request: status %d", ErrUnavailable, res.StatusCode)
	}
	return "", fmt.Errorf("%w: pushed authorization request refused: status %d, error %q%s", ErrConfig, res.StatusCode, safeCode(out.Error), described(out.Description))
}

// described is a provider's error_description for a log line, ", " first:
// printable ASCII of at most 200 characters (RFC 6749 allows %x20-21 /
// %x23-5B / %x5D-7E), else nothing. It says what to fix ("redirect_uri did
// not match any of the client's registered redirect_uris"); the code alone
// did not.
func described(s string) string {
	if s == "" || len(s) > 200 {
		return ""
	}
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return ""
		}
	}
	return ", " + strconv.Quote(s)
}

// safeCode keeps an OAuth error code only if it looks like one (RFC 6749
// allows %x20-21 / %x23-5B / %x5D-7E; we keep letters, digits and _).
func safeCode(s string) string {
	if len(s) > 64 {
		return "invalid"
	}
	for _, r := range s {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return "invalid"
		}
	}
	return s
}

// authenticate adds the client authentication parameters to form.
func (c *Client) authenticate(form url.Values, issuer string) error {
	form.Set("client_id", c.cfg.ClientID)
	if c.cfg.PrivateKey == nil {
		form.Set("client_secret", c.cfg.ClientSecret)
		return nil
	}
	a, err := c.assertion(issuer)
	if err != nil {
		return err
	}
	form.Set("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
	form.Set("client_assertion", a)
	return nil
}

// AssertionLifetime is the validity of a private_key_jwt assertion
// (ID-porten accepts at most 120 s).
const AssertionLifetime = 60 * time.Second

// assertion signs a private_key_jwt client assertion for audience aud.
func (c *Client) assertion(aud string) (string, error) {
	alg, err := signingAlg(c.cfg.PrivateKey)
	if err != nil {
		return "", err
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: alg, Key: jose.JSONWebKey{Key: c.cfg.PrivateKey, KeyID: c.cfg.KeyID}},
		(&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		return "", fmt.Errorf("%w: client key: %v", ErrConfig, err)
	}
	now := c.cfg.Now()
	claims := jwt.Claims{
		Issuer:    c.cfg.ClientID,
		Subject:   c.cfg.ClientID,
		Audience:  jwt.Audience{aud},
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now),
		Expiry:    jwt.NewNumericDate(now.Add(AssertionLifetime)),
		ID:        random(),
	}
	s, err := jwt.Signed(signer).Claims(claims).Serialize()
	if err != nil {
		return "", fmt.Errorf("%w: sign client assertion: %v", ErrConfig, err)
	}
	return s, nil
}

func signingAlg(k crypto.Signer) (jose.SignatureAlgorithm, error) {
	switch pub := k.Public().(type) {
	case *rsa.PublicKey:
		if pub.N.BitLen() < 2048 {
			return "", fmt.Errorf("%w: RSA client key shorter than 2048 bits", ErrConfig)
		}
		return jose.RS256, nil
	case *ecdsa.PublicKey:
		if pub.Curve == elliptic.P256() {
			return jose.ES256, nil
		}
	}
	return "", fmt.Errorf("%w: client key must be RSA (2048 bits or more) or ECDSA P-256", ErrConfig)
}

// ParsePrivateKey reads a PEM private key (PKCS #8, PKCS #1 RSA or SEC 1
// EC) for private_key_jwt.
func ParsePrivateKey(data []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: client key file holds no PEM block", ErrConfig)
	}
	var key any
	var err error
	switch block.Type {
	case "RSA PRIVATE KEY":
		key, err = x509.ParsePKCS1PrivateKey(block.Bytes)
	case "EC PRIVATE KEY":
		key, err = x509.ParseECPrivateKey(block.Bytes)
	default:
		key, err = x509.ParsePKCS8PrivateKey(block.Bytes)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: client key: %v", ErrConfig, err)
	}
	s, ok := key.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("%w: client key cannot sign", ErrConfig)
	}
	if _, err := signingAlg(s); err != nil {
		return nil, err
	}
	return s, nil
}

// Finish completes a sign-in from the callback's query q and the Pending
// that Begin made for it (found by q's state, used once): it checks the
// response's state and iss, redeems the code with the PKCE verifier,
// verifies the ID token and its nonce and acr, and returns who signed in.
func (c *Client) Finish(ctx context.Context, q url.Values, p Pending) (Identity, error) {
	m, err := c.metadata(ctx)
	if err != nil {
		return Identity{}, err
	}
	if p.State == "" || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(p.State)) != 1 {
		return Identity{}, ErrState
	}
	if iss, ok := q["iss"]; ok || m.ISSParam {
		if !ok || len(iss) != 1 || iss[0] != m.Issuer {
			return Identity{}, ErrIssuer
		}
	}
	if e := q.Get("error"); e != "" {
		return Identity{}, &ProviderError{Code: safeCode(e)}
	}
	code := q.Get("code")
	if code == "" {
		return Identity{}, ErrCode
	}
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {c.cfg.RedirectURL},
		"code_verifier": {p.Verifier},
	}
	if err := c.authenticate(form, m.Issuer); err != nil {
		return Identity{}, err
	}
	raw, err := c.token(ctx, m.TokenURL, form)
	if err != nil {
		return Identity{}, err
	}
	tok, err := m.verifier.Verify(ctx, raw)
	if err != nil {
		var exp *gooidc.TokenExpiredError
		if errors.As(err, &exp) {
			return Identity{}, ErrExpired
		}
		return Identity{}, fmt.Errorf("%w: %v", ErrIDToken, err)
	}
	var claims struct {
		PID string `json:"pid"`
		ACR string `json:"acr"`
		AZP string `json:"azp"`
	}
	if err := tok.Claims(&claims); err != nil {
		return Identity{}, fmt.Errorf("%w: claims: %v", ErrIDToken, err)
	}
	if len(tok.Audience) > 1 && claims.AZP != c.cfg.ClientID {
		return Identity{}, fmt.Errorf("%w: several audiences and azp is not this client", ErrIDToken)
	}
	if subtle.ConstantTimeCompare([]byte(tok.Nonce), []byte(p.Nonce)) != 1 || p.Nonce == "" {
		return Identity{}, ErrNonce
	}
	want := p.ACR
	if want == "" {
		want = c.cfg.ACR
	}
	if !Satisfies(claims.ACR, want) {
		return Identity{}, ErrACR
	}
	return Identity{PID: claims.PID, ACR: claims.ACR, Subject: tok.Subject}, nil
}

// token redeems the code at the token endpoint and returns the raw ID token.
func (c *Client) token(ctx context.Context, endpoint string, form url.Values) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrConfig, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	res, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("%w: token endpoint: %v", ErrUnavailable, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("%w: token endpoint: %v", ErrUnavailable, err)
	}
	var out struct {
		IDToken     string `json:"id_token"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	jerr := json.Unmarshal(body, &out)
	switch {
	case res.StatusCode >= 500:
		return "", fmt.Errorf("%w: token endpoint status %d", ErrUnavailable, res.StatusCode)
	case res.StatusCode == http.StatusBadRequest && out.Error == "invalid_grant":
		return "", ErrCode
	case res.StatusCode != http.StatusOK:
		return "", fmt.Errorf("%w: token endpoint status %d, error %q%s", ErrConfig, res.StatusCode, safeCode(out.Error), described(out.Description))
	case jerr != nil:
		return "", fmt.Errorf("%w: token response is not JSON", ErrUnavailable)
	case out.IDToken == "":
		return "", fmt.Errorf("%w: no id_token in the token response", ErrIDToken)
	}
	return out.IDToken, nil
}
