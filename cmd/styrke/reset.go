package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/identity"
	"github.com/styrke-iam/styrke/server/oidc"
)

// resetConfig is serve's configuration of the reset with ID-porten and the
// change (each flag also STYRKE_NAME).
type resetConfig struct {
	issuer, clientID, keyFile, keyID, secretFile, redirectURL, acr string
	identityKeyFile, sessionTTL, postLogoutURL                     string
	par, promptLogin, testNumbers                                  bool
	identityKey                                                    string // STYRKE_IDENTITY_KEY only, never a flag
}

func envBool(fs *flag.FlagSet, getenv func(string) string, p *bool, name, usage string) {
	env := "STYRKE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	fs.BoolVar(p, name, envTrue(getenv, env), usage+" (env "+env+"=true)")
}

// boolEnvs are the environment variables that hold a boolean.
var boolEnvs = []string{"STYRKE_TRUST_PROXY", "STYRKE_DEMO", "STYRKE_TEST_NUMBERS", "STYRKE_IDPORTEN_PAR", "STYRKE_IDPORTEN_PROMPT_LOGIN"}

// envTrue reads a boolean environment variable as strconv.ParseBool does
// ("true", "1", "TRUE"); anything else is false here, and refused by
// checkBoolEnvs.
func envTrue(getenv func(string) string, env string) bool {
	b, err := strconv.ParseBool(getenv(env))
	return err == nil && b
}

// checkBoolEnvs refuses a boolean variable set to no boolean
// ("STYRKE_TRUST_PROXY=yes" turned it off without a word: behind a load
// balancer every client then shared the proxy's rate limit).
func checkBoolEnvs(getenv func(string) string) error {
	for _, env := range boolEnvs {
		if v := getenv(env); v != "" {
			if _, err := strconv.ParseBool(v); err != nil {
				return fmt.Errorf("%s: want true or false (or 1 or 0)", env)
			}
		}
	}
	return nil
}

// registerIdentityFlags adds the identity key's flag (serve and account
// import share it).
func registerIdentityFlags(fs *flag.FlagSet, getenv func(string) string, c *resetConfig) {
	envString(fs, getenv, &c.identityKeyFile, "identity-key-file", "",
		"file holding the secret (32+ bytes) that keys identity-number hashes (or env STYRKE_IDENTITY_KEY)")
	envBool(fs, getenv, &c.testNumbers, "test-numbers", "accept synthetic test identity numbers (month + 80), for ID-porten's test environment")
	c.identityKey = getenv("STYRKE_IDENTITY_KEY")
}

func registerResetFlags(fs *flag.FlagSet, getenv func(string) string, c *resetConfig) {
	envString(fs, getenv, &c.issuer, "idporten-issuer", "", "ID-porten's issuer: https://test.idporten.no or https://idporten.no (empty: reset with ID-porten off)")
	envString(fs, getenv, &c.clientID, "idporten-client-id", "", "the client id registered with ID-porten")
	envString(fs, getenv, &c.keyFile, "idporten-client-key-file", "", "PEM private key for private_key_jwt")
	envString(fs, getenv, &c.keyID, "idporten-client-key-id", "", "the registered key's kid")
	envString(fs, getenv, &c.secretFile, "idporten-client-secret-file", "", "file holding the client secret (client_secret_post), instead of a key")
	envString(fs, getenv, &c.redirectURL, "idporten-redirect-url", "", "the registered redirect URL (default BASE-URL/auth/idporten/callback)")
	envString(fs, getenv, &c.postLogoutURL, "idporten-post-logout-url", "", "the registered post-logout redirect URI, where ID-porten's logout comes back to (default BASE-URL"+server.LoggedOutPath+")")
	envString(fs, getenv, &c.acr, "idporten-acr", oidc.LevelSubstantial,
		"acr_values: idporten-loa-substantial or idporten-loa-high, optionally per institution: idporten-loa-substantial,uio=idporten-loa-high")
	envBool(fs, getenv, &c.par, "idporten-par", "push the authorization request (PAR) when ID-porten offers it")
	// On unless set false: a reset is the one place where an earlier
	// sign-on must not carry over ("Cancel and log out" left ID-porten's
	// session, and the next person at a shared PC was in the last one's
	// reset with no credentials asked).
	prompt := true
	if getenv("STYRKE_IDPORTEN_PROMPT_LOGIN") != "" {
		prompt = envTrue(getenv, "STYRKE_IDPORTEN_PROMPT_LOGIN")
	}
	fs.BoolVar(&c.promptLogin, "idporten-prompt-login", prompt,
		"send prompt=login: a fresh login at ID-porten for every reset, no single sign-on from an earlier visit (default true; env STYRKE_IDPORTEN_PROMPT_LOGIN=false turns it off)")
	envString(fs, getenv, &c.sessionTTL, "reset-session", server.DefaultResetTTL.String(),
		"how long a person has to choose the password after signing in with ID-porten, 1m to 1h; the page offers more time before the end, up to twelve times as long")
	registerIdentityFlags(fs, getenv, c)
}

// hasher reads the identity key; nil when none is configured.
func (c *resetConfig) hasher() (*identity.Hasher, error) {
	key, from := []byte(c.identityKey), "STYRKE_IDENTITY_KEY"
	if c.identityKeyFile != "" {
		from = "--identity-key-file"
		b, err := os.ReadFile(c.identityKeyFile)
		if err != nil {
			return nil, fmt.Errorf("--identity-key-file: %w", err)
		}
		key = []byte(strings.TrimSpace(string(b)))
	}
	if len(key) == 0 {
		return nil, nil
	}
	h, err := identity.NewHasher(key)
	if err != nil {
		// Named by where it came from, as every other setting is.
		return nil, fmt.Errorf("%s: the %w", from, err)
	}
	return h, nil
}

// apply fills d's reset fields; baseURL is the site's public URL.
func (c *resetConfig) apply(d *server.Deps, baseURL string) error {
	h, err := c.hasher()
	if err != nil {
		return err
	}
	d.Identities, d.AllowTestNumbers = h, c.testNumbers
	if h != nil {
		d.ThrottleKey = h.Derive("throttle")
	}
	if c.issuer == "" {
		return nil
	}
	if u, err := url.Parse(c.issuer); err != nil || u.Host == "" || u.User != nil ||
		!(u.Scheme == "https" || u.Scheme == "http" && isLoopbackHost(u.Hostname())) {
		return errors.New("--idporten-issuer: want an https:// URL with a host, such as https://test.idporten.no (http only on loopback, for tests)")
	}
	if h == nil {
		return errors.New("ID-porten needs an identity key: --identity-key-file or STYRKE_IDENTITY_KEY")
	}
	if u, _ := url.Parse(c.issuer); c.testNumbers && strings.EqualFold(u.Hostname(), "idporten.no") {
		return errors.New("--test-numbers: not with the production ID-porten (https://idporten.no): synthetic identity numbers are for its test environment (https://test.idporten.no)")
	}
	if c.sessionTTL != "" {
		ttl, err := time.ParseDuration(c.sessionTTL)
		if err != nil || ttl < time.Minute || ttl > time.Hour {
			return errors.New("--reset-session: want a duration from 1m to 1h, such as 10m")
		}
		d.ResetTTL = ttl
	}
	def, perInst, err := parseACR(c.acr)
	if err != nil {
		return err
	}
	d.IDPortenACR = perInst
	cfg := oidc.Config{Issuer: c.issuer, ClientID: c.clientID, RedirectURL: c.redirectURL, PAR: c.par,
		ACR: def, PromptLogin: c.promptLogin, KeyID: c.keyID}
	if cfg.RedirectURL == "" {
		cfg.RedirectURL = strings.TrimRight(baseURL, "/") + server.DefaultCallbackPath
	}
	d.IDPortenPostLogout = c.postLogoutURL
	if d.IDPortenPostLogout == "" {
		d.IDPortenPostLogout = strings.TrimRight(baseURL, "/") + server.LoggedOutPath
	}
	switch {
	case c.keyFile != "" && c.secretFile != "":
		return errors.New("--idporten-client-key-file and --idporten-client-secret-file: choose one")
	case c.keyFile != "":
		b, err := os.ReadFile(c.keyFile)
		if err != nil {
			return fmt.Errorf("--idporten-client-key-file: %w", err)
		}
		if cfg.PrivateKey, err = oidc.ParsePrivateKey(b); err != nil {
			return fmt.Errorf("--idporten-client-key-file: %w", err)
		}
	case c.secretFile != "":
		b, err := os.ReadFile(c.secretFile)
		if err != nil {
			return fmt.Errorf("--idporten-client-secret-file: %w", err)
		}
		cfg.ClientSecret = strings.TrimSpace(string(b))
	}
	client, err := oidc.New(cfg)
	if err != nil {
		return fmt.Errorf("ID-porten: %w", err)
	}
	d.IDPorten = client
	d.IDPortenCallback = callbackPathOf(cfg.RedirectURL)
	return nil
}

func callbackPathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			p := rest[j:]
			if k := strings.IndexAny(p, "?#"); k >= 0 {
				p = p[:k]
			}
			return p
		}
	}
	return server.DefaultCallbackPath
}

// parseACR reads --idporten-acr: a level, and/or ID=level pairs per
// institution, comma-separated ("idporten-loa-substantial,uio=idporten-loa-high").
func parseACR(s string) (string, map[string]string, error) {
	def := oidc.LevelSubstantial
	per := map[string]string{}
	valid := func(l string) bool { return l == oidc.LevelSubstantial || l == oidc.LevelHigh }
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		id, level, ok := strings.Cut(part, "=")
		if !ok {
			level = id
		}
		if !valid(level) {
			return "", nil, fmt.Errorf("--idporten-acr: %q is not idporten-loa-substantial or idporten-loa-high", level)
		}
		if !ok {
			def = level
			continue
		}
		if _, err := policy.Lookup(id); err != nil {
			return "", nil, fmt.Errorf("--idporten-acr: unknown institution %q", id)
		}
		per[id] = level
	}
	return def, per, nil
}

// isLoopbackHost reports whether host is localhost or a loopback address.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
