package directory

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-ldap/ldap/v3"
)

// Config says where and how to set passwords. The zero value (or URL
// "none") is None.
type Config struct {
	// URL is "none", "ad://HOST:PORT" (Active Directory over LDAPS),
	// "ad+starttls://HOST:PORT", "ldaps://HOST:PORT" (OpenLDAP) or
	// "ldap+starttls://HOST:PORT". Plain ldap:// is refused: AD refuses
	// password writes without TLS, and no password may cross a network in
	// clear.
	URL string `json:"url"`
	// BindDN is the service account's DN.
	BindDN string `json:"bindDN"`
	// Password is the service account's password. In a mapping file it is
	// read from PasswordFile; it never comes from a flag.
	Password string `json:"-"`
	// PasswordFile holds the service account's password (mapping file,
	// --directory-password-file); it is read again at a service bind that
	// fails, so that a rotated password needs no restart.
	PasswordFile string `json:"passwordFile"`
	// Base is the subtree searched for accounts.
	Base string `json:"base"`
	// Filter finds an account; {username} is replaced by the escaped
	// username. Default (sAMAccountName={username}) for AD and
	// (uid={username}) for OpenLDAP.
	Filter string `json:"filter"`
	// CA is a PEM bundle of the CAs to trust; empty trusts the system's.
	CA string `json:"ca"`
	// ServerName is the name the certificate must carry; default the URL's
	// host.
	ServerName string `json:"serverName"`
	// PolicyDN is OpenLDAP's default ppolicy entry, for Settings; empty
	// searches for it.
	PolicyDN string `json:"policyDN"`
	// NameAttribute, PhoneAttribute and BirthDateAttribute name the
	// account's attributes whose values the password may not contain (the
	// policy's name, phone and birthdate rules), read by the service
	// account where the person sets or changes a password (Person): e.g.
	// displayName, mobile, and Feide's norEduPersonBirthDate (YYYYMMDD) or
	// norEduPersonNIN (a national identity number; any attribute that
	// holds either or YYYY-MM-DD). Each is read only when named: a read is
	// one more connection and bind per page and per password set (about
	// 70 ms at the median on Samba, BENCHMARKS.md), which an institution
	// chooses. Empty or "-" reads none.
	NameAttribute      string `json:"nameAttribute"`
	PhoneAttribute     string `json:"phoneAttribute"`
	BirthDateAttribute string `json:"birthDateAttribute"`
	// Timeout bounds each call; default DefaultTimeout.
	Timeout time.Duration `json:"-"`
}

// attributeName is an LDAP attribute description as Person asks for it: a
// name (letters, digits, hyphens, a letter first) or a numeric OID.
var attributeName = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9-]{0,63}|[0-9]+(\.[0-9]+)+)$`)

// personAttribute returns the attribute configured as value under flag
// ("" for none, as "-" is), or a configuration error.
func personAttribute(url, flag, value string) (string, error) {
	if value == "" || value == "-" {
		return "", nil
	}
	if !attributeName.MatchString(value) {
		return "", configError("%s: --%s %q is not an LDAP attribute name (letters, digits and hyphens, or an OID; \"-\" for none)", url, flag, value)
	}
	return value, nil
}

// DefaultTimeout bounds one directory call (dial, bind, search, write).
const DefaultTimeout = 10 * time.Second

// ErrConfig is wrapped by every configuration error of Open and
// LoadMapping.
var ErrConfig = errors.New("directory configuration")

func configError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrConfig}, args...)...)
}

// Open checks c and returns its directory. It does not connect: Ping does.
func Open(c Config) (Directory, error) {
	if c.URL == "" || c.URL == "none" {
		return None{}, nil
	}
	u, err := url.Parse(c.URL)
	if err != nil || u.Host == "" {
		return nil, configError("--directory %q is not a URL like ad://HOST:636", c.URL)
	}
	d := &LDAP{timeout: c.Timeout, policyDN: c.PolicyDN}
	if d.timeout <= 0 {
		d.timeout = DefaultTimeout
	}
	port := "636"
	switch u.Scheme {
	case "ad":
		d.flavour = FlavourAD
	case "ad+starttls":
		d.flavour, d.startTLS, port = FlavourAD, true, "389"
	case "ldaps":
		d.flavour = FlavourOpenLDAP
	case "ldap+starttls":
		d.flavour, d.startTLS, port = FlavourOpenLDAP, true, "389"
	case "ldap":
		return nil, configError("--directory %q: plain ldap:// would send passwords in clear, and Active Directory refuses password writes without TLS; use ldaps://, ldap+starttls://, ad:// (LDAPS) or ad+starttls://", c.URL)
	default:
		return nil, configError("--directory %q: unknown scheme %q (none, ad, ad+starttls, ldaps, ldap+starttls)", c.URL, u.Scheme)
	}
	if u.User != nil || (u.Path != "" && u.Path != "/") || u.RawQuery != "" {
		return nil, configError("--directory %q: only SCHEME://HOST:PORT (credentials go in --directory-bind-dn and the password file)", redactURL(u))
	}
	host := u.Hostname()
	if u.Port() != "" {
		port = u.Port()
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, configError("--directory %q: port %q is not 1..65535", redactURL(u), port)
		}
	}
	d.addr = net.JoinHostPort(host, port)
	d.url = u.Scheme + "://" + d.addr
	if c.BindDN == "" {
		return nil, configError("%s: the service account's DN is missing (--directory-bind-dn)", d.url)
	}
	if upn(c.BindDN) {
		// AD binds a user principal name as well as a DN, and many
		// administrators know the service account by it.
		if d.flavour != FlavourAD {
			return nil, configError("%s: --directory-bind-dn %q is a user principal name, which only Active Directory binds: give the service account's DN (cn=...,dc=...)", d.url, c.BindDN)
		}
	} else if _, err := ldap.ParseDN(c.BindDN); err != nil {
		return nil, configError("%s: --directory-bind-dn is not a DN (CN=...,DC=...) or, for AD, a user principal name (name@domain): %v", d.url, err)
	}
	if c.Password == "" {
		return nil, configError("%s: the service account's password is missing (--directory-password-file or STYRKE_DIRECTORY_PASSWORD)", d.url)
	}
	if c.Base == "" {
		return nil, configError("%s: the search base is missing (--directory-base)", d.url)
	}
	if _, err := ldap.ParseDN(c.Base); err != nil {
		return nil, configError("%s: --directory-base is not a DN: %v", d.url, err)
	}
	d.bindDN, d.password, d.passwordFile, d.base = c.BindDN, c.Password, c.PasswordFile, c.Base
	d.filter = c.Filter
	if d.filter == "" {
		d.filter = "(uid={username})"
		if d.flavour == FlavourAD {
			d.filter = "(sAMAccountName={username})"
		}
	}
	if !strings.Contains(d.filter, "{username}") {
		return nil, configError("%s: --directory-filter %q lacks {username}", d.url, d.filter)
	}
	if _, err := ldap.CompileFilter(strings.ReplaceAll(d.filter, "{username}", "x")); err != nil {
		return nil, configError("%s: --directory-filter %q is not an LDAP filter: %v", d.url, d.filter, err)
	}
	if d.nameAttr, err = personAttribute(d.url, "directory-name-attribute", c.NameAttribute); err != nil {
		return nil, err
	}
	if d.phoneAttr, err = personAttribute(d.url, "directory-phone-attribute", c.PhoneAttribute); err != nil {
		return nil, err
	}
	if d.birthAttr, err = personAttribute(d.url, "directory-birthdate-attribute", c.BirthDateAttribute); err != nil {
		return nil, err
	}
	d.tls = &tls.Config{MinVersion: tls.VersionTLS12, ServerName: host}
	if c.ServerName != "" {
		d.tls.ServerName = c.ServerName
	}
	if c.CA != "" {
		pem, err := os.ReadFile(c.CA)
		if err != nil {
			return nil, configError("%s: --directory-ca: %v", d.url, err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, configError("%s: --directory-ca %q holds no PEM certificate", d.url, c.CA)
		}
		d.tls.RootCAs = pool
	}
	return d, nil
}

func redactURL(u *url.URL) string {
	v := *u
	v.User = nil
	return v.String()
}

// ReadSecret reads a secret from file (trailing newline removed), or
// returns env when file is empty.
func ReadSecret(file, env string) (string, error) {
	if file == "" {
		return env, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", configError("password file: %v", err)
	}
	return string(bytes.TrimRight(b, "\r\n")), nil
}

var institutionID = regexp.MustCompile(`^[a-z0-9_-]{1,64}$`)

// LoadMapping reads a per-institution mapping: a JSON object keyed by
// institution id, each value a Config (with passwordFile, never the
// password itself), and opens each directory. Unknown fields are refused.
func LoadMapping(file string) (map[string]Directory, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, configError("mapping: %v", err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m map[string]Config
	if err := dec.Decode(&m); err != nil {
		return nil, configError("mapping %s: %v", file, err)
	}
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	out := make(map[string]Directory, len(m))
	for _, id := range ids {
		c := m[id]
		if !institutionID.MatchString(id) {
			return nil, configError("mapping %s: %q is not an institution id", file, id)
		}
		if c.URL != "" && c.URL != "none" {
			if c.PasswordFile == "" {
				return nil, configError("mapping %s: %s: passwordFile is missing", file, id)
			}
			if c.Password, err = ReadSecret(c.PasswordFile, ""); err != nil {
				return nil, fmt.Errorf("mapping %s: %s: %w", file, id, err)
			}
		}
		d, err := Open(c)
		if err != nil {
			return nil, fmt.Errorf("mapping %s: %s: %w", file, id, err)
		}
		out[id] = d
	}
	return out, nil
}

// upn reports whether s is a user principal name (name@domain.tld), not a
// DN: an @ with a dot after it, and no "=".
func upn(s string) bool {
	name, domain, ok := strings.Cut(s, "@")
	return ok && name != "" && strings.Contains(domain, ".") && !strings.ContainsAny(s, "=,")
}
