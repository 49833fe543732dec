// Package oidctest starts a real OpenID provider for tests: oidc-provider
// from npm (panva, OpenID-certified) in Node, configured like ID-porten
// (PKCE S256 required, PAR offered, private_key_jwt and client_secret_post,
// RFC 9207 iss, pid and acr in the ID token, pairwise sub). It is a test
// double of an outside service and lives in tests only.
//
// The provider's Node script (provider.mjs, embedded) runs from the folder
// that scripts/deps.sh installs oidc-provider into,
// $(go env GOCACHE)/styrke-oidc-provider; when the package is missing there
// Start installs it with npm (it never skips).
//
//	p, err := oidctest.Start(oidctest.Options{Clients: []oidctest.Client{{ID: "styrke", ...}}})
//	defer p.Stop()
//
// Login drives the provider's own login page over HTTP the way a person
// would in a browser (the e2e tests use Chromium on the same page).
package oidctest

import (
	"bufio"
	"bytes"
	"context"
	"crypto"
	_ "embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"

	jose "github.com/go-jose/go-jose/v4"
)

//go:embed provider.mjs
var script []byte

// StartTimeout bounds Node's start-up (and an npm install, when needed).
const StartTimeout = 120 * time.Second

// Client is one registered client.
type Client struct {
	ID           string
	RedirectURIs []string
	// PublicKey (with KeyID) registers the client for private_key_jwt;
	// otherwise Secret for client_secret_post.
	PublicKey crypto.PublicKey
	KeyID     string
	Secret    string
	// RequirePAR makes the provider refuse authorization requests that
	// were not pushed.
	RequirePAR bool
	// PostLogoutRedirectURIs are where the provider's logout may send the
	// browser back to.
	PostLogoutRedirectURIs []string
}

// Options configure Start.
type Options struct {
	Clients []Client
	// Log receives the provider's stdout and stderr (default discarded).
	Log io.Writer
}

// Provider is a running test provider.
type Provider struct {
	issuer string
	cmd    *exec.Cmd
	dir    string
	done   chan struct{}
	mu     sync.Mutex
	werr   error
}

// Dir is the folder oidc-provider is installed into:
// $(go env GOCACHE)/styrke-oidc-provider.
func Dir() (string, error) {
	out, err := exec.Command("go", "env", "GOCACHE").Output()
	if err != nil {
		return "", fmt.Errorf("oidctest: go env GOCACHE: %w", err)
	}
	return filepath.Join(strings.TrimSpace(string(out)), "styrke-oidc-provider"), nil
}

// PackageVersion is the oidc-provider release the harness installs.
const PackageVersion = "9"

// install makes sure oidc-provider is in dir/node_modules (npm install,
// once; scripts/deps.sh normally did it already).
func install(ctx context.Context, dir string) error {
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "oidc-provider", "package.json")); err == nil {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "npm", "install", "--no-audit", "--no-fund", "--silent", "oidc-provider@"+PackageVersion)
	cmd.Dir = dir
	cmd.Stdin = nil
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("oidctest: npm install oidc-provider (run scripts/deps.sh): %w\n%s", err, out)
	}
	return nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start installs (when needed) and starts a provider on a free loopback
// port. The caller must Stop it.
func Start(opts Options) (*Provider, error) {
	if _, err := exec.LookPath("node"); err != nil {
		return nil, errors.New("oidctest: node not found; run scripts/deps.sh")
	}
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	if err := install(ctx, dir); err != nil {
		return nil, err
	}
	// The script must sit beside node_modules for its imports to resolve;
	// a file of its own per provider: one per process, which each provider
	// removes when it exits, was removed under another provider of the
	// same test binary as node started it (parallel tests: "provider
	// exited before it was ready").
	f, err := os.CreateTemp(dir, "provider-*.mjs")
	if err != nil {
		return nil, err
	}
	scriptFile := f.Name()
	_, err = f.Write(script)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	started := false
	defer func() {
		if !started {
			os.Remove(scriptFile)
		}
	}()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	var clients []map[string]any
	for _, c := range opts.Clients {
		m := map[string]any{
			"client_id":      c.ID,
			"redirect_uris":  c.RedirectURIs,
			"grant_types":    []string{"authorization_code"},
			"response_types": []string{"code"},
			"subject_type":   "pairwise",
		}
		if c.RequirePAR {
			m["require_pushed_authorization_requests"] = true
		}
		if len(c.PostLogoutRedirectURIs) > 0 {
			m["post_logout_redirect_uris"] = c.PostLogoutRedirectURIs
		}
		if c.PublicKey != nil {
			jwk := jose.JSONWebKey{Key: c.PublicKey, KeyID: c.KeyID, Use: "sig"}
			m["token_endpoint_auth_method"] = "private_key_jwt"
			m["jwks"] = map[string]any{"keys": []jose.JSONWebKey{jwk}}
		} else {
			m["token_endpoint_auth_method"] = "client_secret_post"
			m["client_secret"] = c.Secret
		}
		clients = append(clients, m)
	}
	cfg, err := json.Marshal(map[string]any{"port": port, "clients": clients})
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "styrke-oidctest-")
	if err != nil {
		return nil, err
	}
	cfgFile := filepath.Join(tmp, "config.json")
	if err := os.WriteFile(cfgFile, cfg, 0o600); err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	cmd := exec.Command("node", scriptFile, cfgFile)
	cmd.Dir = dir
	cmd.Stdin = nil
	logw := opts.Log
	if logw == nil {
		logw = io.Discard
	}
	cmd.Stderr = logw
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		os.RemoveAll(tmp)
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("oidctest: start node: %w", err)
	}
	started = true // the Wait below removes the script
	p := &Provider{cmd: cmd, dir: tmp, done: make(chan struct{})}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			line := sc.Text()
			if iss, ok := strings.CutPrefix(line, "ready "); ok {
				select {
				case ready <- iss:
				default:
				}
				continue
			}
			fmt.Fprintln(logw, line)
		}
	}()
	go func() {
		err := cmd.Wait()
		p.mu.Lock()
		p.werr = err
		p.mu.Unlock()
		close(p.done)
		os.Remove(scriptFile)
	}()
	select {
	case p.issuer = <-ready:
		return p, nil
	case <-p.done:
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("oidctest: provider exited before it was ready: %v", p.werr)
	case <-ctx.Done():
		p.Stop()
		return nil, errors.New("oidctest: provider not ready in time")
	}
}

// Issuer is the provider's issuer URL (http://127.0.0.1:PORT).
func (p *Provider) Issuer() string { return p.issuer }

// Stop ends the provider and removes its files.
func (p *Provider) Stop() error {
	p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
	}
	return os.RemoveAll(p.dir)
}

// Tamper makes the provider overwrite claims of the next ID token it
// issues (re-signed with its own key); remove names claims to drop.
// UnknownKey signs it with a key the provider's JWKS does not hold.
type Tamper struct {
	Claims     map[string]any `json:"claims,omitempty"`
	Remove     []string       `json:"remove,omitempty"`
	UnknownKey bool           `json:"unknownKey,omitempty"`
}

// Tamper arms t for the next token response.
func (p *Provider) Tamper(t Tamper) error {
	b, _ := json.Marshal(t)
	return p.post("/__test/tamper", b)
}

// RotateKey replaces the provider's signing key (the old one leaves its
// JWKS), as a provider's key rotation does.
func (p *Provider) RotateKey() error { return p.post("/__test/rotate", nil) }

func (p *Provider) post(path string, body []byte) error {
	res, err := http.Post(p.issuer+path, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode/100 != 2 {
		b, _ := io.ReadAll(res.Body)
		return fmt.Errorf("oidctest: %s: status %d: %s", path, res.StatusCode, b)
	}
	return nil
}

var formAction = regexp.MustCompile(`<form method="post" action="([^"]+)"`)

// Browser is a cookie-keeping HTTP client that stops at redirects leaving
// the provider, like a browser session at the provider.
type Browser struct {
	p      *Provider
	client *http.Client
}

// NewBrowser returns a fresh browser session (no provider cookies).
func (p *Provider) NewBrowser() *Browser {
	jar, _ := cookiejar.New(nil)
	b := &Browser{p: p}
	b.client = &http.Client{
		Jar:     jar,
		Timeout: 10 * time.Second,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if !strings.HasPrefix(req.URL.String(), p.issuer+"/") {
				return http.ErrUseLastResponse
			}
			return nil
		},
	}
	return b
}

// ErrNoRedirect: the provider answered with a page instead of sending the
// browser back to the client (its error page, or an unexpected form).
var ErrNoRedirect = errors.New("oidctest: the provider did not redirect back to the client")

// Login follows authURL at the provider, signs in as pid (empty: a foreign
// eID without pid) at level acr when the login page is shown, and returns
// the URL the provider redirects back to (the client's callback).
func (b *Browser) Login(authURL, pid, acr string) (*url.URL, error) {
	loc, page, err := b.visit(authURL)
	if loc != nil || err != nil {
		return loc, err
	}
	m := formAction.FindSubmatch(page.body)
	if m == nil {
		return nil, page.noRedirect()
	}
	return b.submit(b.p.issuer+string(m[1]), url.Values{"pid": {pid}, "acr": {acr}})
}

// SignedIn reports whether following authURL sends the browser straight
// back to the client, without the login page: the provider's single
// sign-on session is alive.
func (b *Browser) SignedIn(authURL string) (bool, error) {
	loc, _, err := b.visit(authURL)
	return loc != nil, err
}

// Logout follows logoutURL (the client's RP-initiated logout) at the
// provider, confirms it as the person would on the provider's page, and
// returns the URL the provider sends the browser back to.
func (b *Browser) Logout(logoutURL string) (*url.URL, error) {
	loc, page, err := b.visit(logoutURL)
	if loc != nil || err != nil {
		return loc, err
	}
	action, xsrf := logoutAction.FindSubmatch(page.body), logoutXSRF.FindSubmatch(page.body)
	if action == nil || xsrf == nil {
		return nil, page.noRedirect()
	}
	target := string(action[1])
	if strings.HasPrefix(target, "/") {
		target = b.p.issuer + target
	}
	return b.submit(target, url.Values{"xsrf": {string(xsrf[1])}, "logout": {"yes"}})
}

// page is what the provider answered instead of sending the browser back.
type page struct {
	status int
	body   []byte
}

func (p page) noRedirect() error {
	return fmt.Errorf("%w: status %d: %.300s", ErrNoRedirect, p.status, p.body)
}

// visit gets u at the provider: the URL it sends the browser back to the
// client with, or the page it shows.
func (b *Browser) visit(u string) (*url.URL, page, error) {
	res, err := b.client.Get(u)
	if err != nil {
		return nil, page{}, err
	}
	loc, p := b.answer(res)
	return loc, p, nil
}

// submit posts form to the provider's target and returns the URL it sends
// the browser back to the client with.
func (b *Browser) submit(target string, form url.Values) (*url.URL, error) {
	res, err := b.client.PostForm(target, form)
	if err != nil {
		return nil, err
	}
	loc, p := b.answer(res)
	if loc == nil {
		return nil, p.noRedirect()
	}
	return loc, nil
}

// answer reads res: the URL back to the client, or the page.
func (b *Browser) answer(res *http.Response) (*url.URL, page) {
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if loc, ok := leaving(res, b.p.issuer); ok {
		return loc, page{}
	}
	return nil, page{res.StatusCode, body}
}

var (
	logoutAction = regexp.MustCompile(`<form[^>]*action="([^"]+)"`)
	logoutXSRF   = regexp.MustCompile(`name="xsrf" value="([^"]+)"`)
)

func leaving(res *http.Response, issuer string) (*url.URL, bool) {
	if res.StatusCode/100 != 3 {
		return nil, false
	}
	loc, err := res.Location()
	if err != nil || strings.HasPrefix(loc.String(), issuer+"/") {
		return nil, false
	}
	return loc, true
}
