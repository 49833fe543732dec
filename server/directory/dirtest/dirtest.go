// Package dirtest starts real, throwaway directories for tests: a Samba
// Active Directory domain controller and an OpenLDAP slapd with the ppolicy
// overlay, each on its own loopback address (127.x.y.z, so that several test
// packages can run at once on the standard ports), with TLS from a CA made
// for the run, a least-privileged service account for Styrke, and
// everything removed when it stops.
//
// Use one of each per test package, from TestMain:
//
//	var ad, ol *dirtest.Server
//
//	func TestMain(m *testing.M) { os.Exit(dirtest.Main(m, &ad, &ol)) }
//
// Either pointer may be nil to start only the other. Provisioning Samba takes
// 10-20 s on a 2-core machine; slapd about one.
//
// If Samba or slapd is not installed, Start fails (it never skips):
// `make deps` (scripts/deps.sh) installs Debian's samba, samba-ad-dc and
// slapd packages.
package dirtest

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	mrand "math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/go-ldap/ldap/v3"
)

// StartTimeout bounds provisioning plus the server's start-up.
const StartTimeout = 120 * time.Second

// Kind is the flavour of a test directory.
type Kind string

// The kinds of test directory.
const (
	AD       Kind = "ad"
	OpenLDAP Kind = "openldap"
)

// Server is a running throwaway directory.
type Server struct {
	Kind Kind
	// Host is the loopback address it listens on; LDAPSPort and LDAPPort
	// its ports (LDAP with StartTLS on LDAPPort).
	Host                string
	LDAPSPort, LDAPPort int
	// CAFile is the PEM file of the CA that signed the server certificate
	// (for 127.x.y.z and localhost).
	CAFile string
	// BaseDN holds the people; PeopleDN is where CreateUser puts accounts
	// (the service account may reset passwords there and nowhere else).
	BaseDN, PeopleDN string
	// ServiceDN and ServicePassword are Styrke's least-privileged service
	// account: it may search and reset passwords under PeopleDN.
	ServiceDN, ServicePassword string
	// UnlimitedDN (OpenLDAP only) is a service account with ServicePassword
	// whose size limit olcLimits lifts (size=unlimited), as the README asks
	// of an institution whose directory holds more accounts than slapd's
	// default limit of 500; it may read what any account may, and write
	// nothing.
	UnlimitedDN string
	// AdminDN and AdminPassword can do anything (for the tests' own setup).
	AdminDN, AdminPassword string

	dir     string
	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{}
	logFile string
}

// Main starts the directories that ad and ol point to (nil skips one), runs
// m and stops them. It returns m.Run's code, or 1 if a directory could not
// start (the error is printed).
func Main(m *testing.M, ad, ol **Server) int {
	ctx, cancel := context.WithTimeout(context.Background(), StartTimeout)
	defer cancel()
	var wg sync.WaitGroup
	var errs [2]error
	if ad != nil {
		wg.Add(1)
		go func() { defer wg.Done(); *ad, errs[0] = StartSamba(ctx) }()
	}
	if ol != nil {
		wg.Add(1)
		go func() { defer wg.Done(); *ol, errs[1] = StartSlapd(ctx) }()
	}
	wg.Wait()
	defer func() {
		for _, p := range []**Server{ad, ol} {
			if p != nil && *p != nil {
				(*p).Close()
			}
		}
	}()
	if err := errors.Join(errs[:]...); err != nil {
		fmt.Fprintln(os.Stderr, "dirtest:", err)
		return 1
	}
	return m.Run()
}

// freeHost picks a loopback address 127.a.b.c (never 127.0.0.1) on which
// nothing listens on any of ports.
func freeHost(ports ...int) (string, error) {
	for range 50 {
		host := fmt.Sprintf("127.%d.%d.%d", 1+mrand.IntN(250), mrand.IntN(256), 1+mrand.IntN(254))
		ok := true
		for _, p := range ports {
			ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
			if err != nil {
				ok = false
				break
			}
			ln.Close()
		}
		if ok {
			return host, nil
		}
	}
	return "", errors.New("dirtest: no free loopback address")
}

// writeTLS makes a CA and a server certificate for host and localhost in
// dir: ca.pem, cert.pem, key.pem.
func writeTLS(dir, host string) error {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Styrke dirtest CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(48 * time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return err
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return err
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: host},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(48 * time.Hour),
		DNSNames: []string{"localhost"}, IPAddresses: []net.IP{net.ParseIP(host)},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return err
	}
	files := map[string]*pem.Block{
		"ca.pem":   {Type: "CERTIFICATE", Bytes: caDER},
		"cert.pem": {Type: "CERTIFICATE", Bytes: der},
		"key.pem":  {Type: "PRIVATE KEY", Bytes: keyDER},
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), pem.EncodeToMemory(b), 0o600); err != nil {
			return err
		}
	}
	return nil
}

// run runs a setup command and includes its output in the error.
func run(ctx context.Context, name string, args ...string) error {
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", name, strings.Join(args, " "), err, lastLines(out, 15))
	}
	return nil
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// need reports a missing program with the command that installs it.
func need(progs ...string) error {
	for _, p := range progs {
		if _, err := exec.LookPath(p); err != nil {
			return fmt.Errorf("dirtest: %s not found; run `make deps` (scripts/deps.sh installs Debian's samba, samba-ad-dc, samba-ad-provision and slapd)", p)
		}
	}
	return nil
}

// Stop stops the server process (an outage); Start brings it back with the
// same data.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	pid := s.cmd.Process.Pid
	syscall.Kill(-pid, syscall.SIGTERM) // the whole group: samba forks
	syscall.Kill(-pid, syscall.SIGCONT) // a hung one (Hang) ends too
	select {
	case <-s.done:
	case <-time.After(10 * time.Second):
		syscall.Kill(-pid, syscall.SIGKILL)
		<-s.done
	}
	s.cmd = nil
	// The ports are free once nothing accepts on them.
	for range 100 {
		if !s.listening() {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Hang stops the server's processes without ending them (SIGSTOP to the
// whole group): its ports still take connections, and nothing answers, as
// a directory that hangs does. Resume lets them go on; Stop ends them.
func (s *Server) Hang() { s.signal(syscall.SIGSTOP) }

// Resume lets a server that Hang stopped go on.
func (s *Server) Resume() { s.signal(syscall.SIGCONT) }

func (s *Server) signal(sig syscall.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		syscall.Kill(-s.cmd.Process.Pid, sig)
	}
}

// Start starts the stopped server again and waits until LDAPS answers.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.startLocked(ctx)
}

func (s *Server) startLocked(ctx context.Context) error {
	if s.cmd != nil {
		return nil
	}
	var cmd *exec.Cmd
	switch s.Kind {
	case AD:
		cmd = exec.Command("samba", "-s", filepath.Join(s.dir, "dc", "etc", "smb.conf"), "-i", "--debug-stdout", "-d", "1")
	case OpenLDAP:
		urls := fmt.Sprintf("ldaps://%s:%d/ ldap://%s:%d/", s.Host, s.LDAPSPort, s.Host, s.LDAPPort)
		cmd = exec.Command("slapd", "-F", filepath.Join(s.dir, "cfg"), "-h", urls, "-d", "0")
	}
	logf, err := os.OpenFile(s.logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	// Its own process group (Stop signals all of samba's processes), and
	// killed with the test binary.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("dirtest: start %s: %w", s.Kind, err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); logf.Close(); close(done) }()
	s.cmd, s.done = cmd, done
	for {
		if conn, err := s.dial(); err == nil {
			err = conn.Bind(s.AdminDN, s.AdminPassword)
			conn.Close()
			if err == nil {
				return nil
			}
		}
		select {
		case <-done:
			s.cmd = nil
			log, _ := os.ReadFile(s.logFile)
			return fmt.Errorf("dirtest: %s exited at start:\n%s", s.Kind, lastLines(log, 20))
		case <-ctx.Done():
			return fmt.Errorf("dirtest: %s did not answer: %w", s.Kind, ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func (s *Server) listening() bool {
	c, err := net.DialTimeout("tcp", net.JoinHostPort(s.Host, strconv.Itoa(s.LDAPSPort)), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// Close stops the server and removes its files.
func (s *Server) Close() {
	s.Stop()
	if s.dir != "" {
		os.RemoveAll(s.dir)
	}
}

// TLSConfig trusts the server's CA.
func (s *Server) TLSConfig() *tls.Config {
	pool := x509.NewCertPool()
	b, _ := os.ReadFile(s.CAFile)
	pool.AppendCertsFromPEM(b)
	return &tls.Config{RootCAs: pool, ServerName: s.Host}
}

// LDAPSURL is ldaps://HOST:PORT.
func (s *Server) LDAPSURL() string { return fmt.Sprintf("ldaps://%s:%d", s.Host, s.LDAPSPort) }

// HostPort is HOST:LDAPSPORT; StartTLSHostPort is HOST:LDAPPORT.
func (s *Server) HostPort() string { return net.JoinHostPort(s.Host, strconv.Itoa(s.LDAPSPort)) }

// StartTLSHostPort is HOST:LDAPPORT, where StartTLS is offered.
func (s *Server) StartTLSHostPort() string {
	return net.JoinHostPort(s.Host, strconv.Itoa(s.LDAPPort))
}

// dial connects to LDAPS for the harness's own work (the tests' fixtures:
// accounts made, changed, bound), within 20 s: with 2 s, the connection
// and its TLS handshake at a load average of 20 timed out now and then
// ("LDAP Result Code 200 Network Error: context deadline exceeded" from
// CreateUser), and failed a test before it began. What Styrke itself
// waits for is its own config's, not this.
func (s *Server) dial() (*ldap.Conn, error) {
	return ldap.DialURL(s.LDAPSURL(), ldap.DialWithTLSConfig(s.TLSConfig()),
		ldap.DialWithDialer(&net.Dialer{Timeout: 20 * time.Second}))
}

// Admin returns a connection bound as the administrator.
func (s *Server) Admin() (*ldap.Conn, error) {
	c, err := s.dial()
	if err != nil {
		return nil, err
	}
	c.SetTimeout(10 * time.Second)
	if err := c.Bind(s.AdminDN, s.AdminPassword); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// UserDN is the DN CreateUser gives username.
func (s *Server) UserDN(username string) string {
	if s.Kind == AD {
		return "CN=" + ldap.EscapeDN(username) + "," + s.PeopleDN
	}
	return "uid=" + ldap.EscapeDN(username) + "," + s.PeopleDN
}

// CreateUser adds an enabled account under PeopleDN with password and
// returns its DN.
func (s *Server) CreateUser(username, password string) (string, error) {
	return s.createUserIn(s.UserDN(username), username, password)
}

// CreateUserOutside adds an account where the service account has no rights
// (AD: CN=Users; OpenLDAP: ou=others).
func (s *Server) CreateUserOutside(username, password string) (string, error) {
	var dn string
	if s.Kind == AD {
		dn = "CN=" + ldap.EscapeDN(username) + ",CN=Users," + s.BaseDN
	} else {
		dn = "uid=" + ldap.EscapeDN(username) + ",ou=others," + s.BaseDN
	}
	return s.createUserIn(dn, username, password)
}

// CreateUserAt adds an enabled account at dn (below PeopleDN, for the
// service account's rights to reach it) with password.
func (s *Server) CreateUserAt(dn, username, password string) (string, error) {
	return s.createUserIn(dn, username, password)
}

func (s *Server) createUserIn(dn, username, password string) (string, error) {
	c, err := s.Admin()
	if err != nil {
		return "", err
	}
	defer c.Close()
	add := ldap.NewAddRequest(dn, nil)
	if s.Kind == AD {
		add.Attribute("objectClass", []string{"top", "person", "organizationalPerson", "user"})
		add.Attribute("sAMAccountName", []string{username})
		add.Attribute("userPrincipalName", []string{username + "@styrke.test"})
		add.Attribute("unicodePwd", []string{EncodeUnicodePwd(password)})
		add.Attribute("userAccountControl", []string{"512"})
	} else {
		add.Attribute("objectClass", []string{"inetOrgPerson"})
		add.Attribute("uid", []string{username})
		add.Attribute("cn", []string{username})
		add.Attribute("sn", []string{username})
		add.Attribute("userPassword", []string{password})
	}
	if err := c.Add(add); err != nil {
		return "", fmt.Errorf("dirtest: add %s: %w", dn, err)
	}
	return dn, nil
}

// SetAttributes replaces the account's attributes with the values given
// (one value each), as the directory's administrator.
func (s *Server) SetAttributes(dn string, attrs map[string]string) error {
	c, err := s.Admin()
	if err != nil {
		return err
	}
	defer c.Close()
	mod := ldap.NewModifyRequest(dn, nil)
	for k, v := range attrs {
		mod.Replace(k, []string{v})
	}
	if err := c.Modify(mod); err != nil {
		return fmt.Errorf("dirtest: modify %s: %w", dn, err)
	}
	return nil
}

// DeleteUser removes the account.
func (s *Server) DeleteUser(dn string) error {
	c, err := s.Admin()
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Del(ldap.NewDelRequest(dn, nil))
}

// CanBind reports whether dn binds with password.
func (s *Server) CanBind(dn, password string) (bool, error) {
	c, err := s.dial()
	if err != nil {
		return false, err
	}
	defer c.Close()
	c.SetTimeout(10 * time.Second)
	err = c.Bind(dn, password)
	if ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
		return false, nil
	}
	return err == nil, err
}

// EncodeUnicodePwd is AD's unicodePwd value: the password in double quotes,
// UTF-16LE.
func EncodeUnicodePwd(password string) string {
	u := utf16.Encode([]rune(`"` + password + `"`))
	var b bytes.Buffer
	for _, r := range u {
		b.WriteByte(byte(r))
		b.WriteByte(byte(r >> 8))
	}
	return b.String()
}

// Log returns what the server printed so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(s.logFile)
	return string(b)
}

// Flags are the --directory flags of `styrke serve` and `styrke directory
// check` for this server as Styrke's service account (LDAPS), its password
// written to a file in dir.
func (s *Server) Flags(dir string) ([]string, error) {
	pw := filepath.Join(dir, "directory-password")
	if err := os.WriteFile(pw, []byte(s.ServicePassword+"\n"), 0o600); err != nil {
		return nil, err
	}
	scheme := "ldaps"
	if s.Kind == AD {
		scheme = "ad"
	}
	return []string{
		"--directory", scheme + "://" + s.HostPort(), "--directory-bind-dn", s.ServiceDN,
		"--directory-password-file", pw, "--directory-base", s.PeopleDN, "--directory-ca", s.CAFile,
	}, nil
}

// ExpireAfter gives the account at dn a password policy of its own whose
// passwords expire maxAge after they are set, as the directory's
// administrator, with the domain's or the default policy's other rules,
// and sets password (the account's) again under it. AD: a fine-grained
// password policy (msDS-PasswordSettings) that applies to the account
// alone; OpenLDAP: a ppolicy entry under ou=policies named by the
// account's pwdPolicySubentry, and the password set again, since ppolicy
// records when a password was set (pwdChangedTime) only under a policy
// with a maximum or minimum age. The rest of the directory keeps passwords
// that never expire.
func (s *Server) ExpireAfter(dn, password string, maxAge time.Duration) error {
	c, err := s.Admin()
	if err != nil {
		return err
	}
	defer c.Close()
	name := "expire-" + randomSecret()[:10]
	if s.Kind == AD {
		_, err := s.addPSO(c, dn, name, 0, maxAge, nil)
		return err
	}
	if err := s.addAccountPolicy(c, dn, name, map[string]string{"pwdMaxAge": strconv.FormatInt(int64(maxAge/time.Second), 10)}); err != nil {
		return err
	}
	mod := ldap.NewModifyRequest(dn, nil)
	mod.Replace("userPassword", []string{password})
	if err := c.Modify(mod); err != nil {
		return fmt.Errorf("dirtest: set the password of %s again: %w", dn, err)
	}
	return nil
}

// Locked reports whether the directory has locked the account at dn after
// wrong passwords, as its administrator reads it: OpenLDAP's
// pwdAccountLockedTime, AD's lockoutTime. A test that locks an account
// checks this before it relies on the lock, so that a failure says whether
// the directory ever recorded one.
func (s *Server) Locked(dn string) (bool, error) {
	c, err := s.Admin()
	if err != nil {
		return false, err
	}
	defer c.Close()
	attr := "pwdAccountLockedTime"
	if s.Kind == AD {
		attr = "lockoutTime"
	}
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{attr}, nil))
	if err != nil {
		return false, fmt.Errorf("dirtest: read %s of %s: %w", attr, dn, err)
	}
	if len(res.Entries) == 0 {
		return false, fmt.Errorf("dirtest: no entry %s", dn)
	}
	v := res.Entries[0].GetAttributeValue(attr)
	return v != "" && v != "0", nil
}

// DomainPolicy is an AD domain's password policy as its domain object
// holds it (samba-tool domain passwordsettings, Windows' Default Domain
// Policy). A zero MaxAge is "never"; the lockout duration is set to
// LockoutWindow (AD requires it no shorter).
type DomainPolicy struct {
	MinLength        int
	Complexity       bool
	History          int
	MinAge, MaxAge   time.Duration
	LockoutThreshold int
	LockoutWindow    time.Duration
}

// WindowsDefaultPolicy is Windows Server's default domain password policy
// (complexity on, 7 characters, 24 remembered, a minimum age of 1 day and
// a maximum of 42), with the lockout institutions commonly add to it: 5
// wrong passwords in 30 minutes.
var WindowsDefaultPolicy = DomainPolicy{MinLength: 7, Complexity: true, History: 24, MinAge: 24 * time.Hour,
	MaxAge: 42 * 24 * time.Hour, LockoutThreshold: 5, LockoutWindow: 30 * time.Minute}

// SetDomainPolicy sets the AD domain's password policy to p, as the
// administrator over LDAP, and sets the one before back when t ends. A
// Directory opened before keeps the settings it read.
func (s *Server) SetDomainPolicy(t testing.TB, p DomainPolicy) {
	t.Helper()
	if s.Kind != AD {
		t.Fatalf("dirtest: SetDomainPolicy on %s: a domain policy is AD's", s.Kind)
	}
	c, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Search(ldap.NewSearchRequest(s.BaseDN, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{"pwdProperties"}, nil))
	c.Close()
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("dirtest: read the domain's password properties: %v", err)
	}
	age := func(d time.Duration) string { return strconv.FormatInt(-int64(d/100), 10) } // negative 100 ns units
	props, _ := strconv.ParseInt(res.Entries[0].GetAttributeValue("pwdProperties"), 10, 64)
	props &^= 1
	if p.Complexity {
		props |= 1
	}
	maxAge := "-9223372036854775808" // never
	if p.MaxAge > 0 {
		maxAge = age(p.MaxAge)
	}
	s.replaceUntilCleanup(t, "the domain's password policy", s.BaseDN, map[string]string{
		"minPwdLength": strconv.Itoa(p.MinLength), "pwdProperties": strconv.FormatInt(props, 10),
		"pwdHistoryLength": strconv.Itoa(p.History), "minPwdAge": age(p.MinAge), "maxPwdAge": maxAge,
		"lockoutThreshold": strconv.Itoa(p.LockoutThreshold), "lockOutObservationWindow": age(p.LockoutWindow),
		"lockoutDuration": age(p.LockoutWindow),
	})
}

// replaceUntilCleanup replaces the attributes of the entry at dn (what:
// its name for errors) with attrs, as the administrator, and sets the
// values before back when t ends (an attribute that had none goes).
func (s *Server) replaceUntilCleanup(t testing.TB, what, dn string, attrs map[string]string) {
	t.Helper()
	c, err := s.Admin()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	names := make([]string, 0, len(attrs))
	for k := range attrs {
		names = append(names, k)
	}
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", names, nil))
	if err != nil || len(res.Entries) != 1 {
		t.Fatalf("dirtest: read %s: %v", what, err)
	}
	before := map[string][]string{}
	for _, k := range names {
		before[k] = res.Entries[0].GetAttributeValues(k)
	}
	mod := ldap.NewModifyRequest(dn, nil)
	for k, v := range attrs {
		mod.Replace(k, []string{v})
	}
	if err := c.Modify(mod); err != nil {
		t.Fatalf("dirtest: set %s: %v", what, err)
	}
	t.Cleanup(func() {
		c, err := s.Admin()
		if err == nil {
			defer c.Close()
			mod := ldap.NewModifyRequest(dn, nil)
			for k, v := range before {
				mod.Replace(k, v)
			}
			err = c.Modify(mod)
		}
		if err != nil {
			t.Errorf("dirtest: set %s back: %v", what, err)
		}
	})
}

// SetSlapdPolicy replaces the attributes of OpenLDAP's default password
// policy (cn=default,ou=policies: SlapdPolicy) with attrs, as the
// administrator, and sets the ones before back when t ends. A Directory
// opened before keeps the settings it read.
func (s *Server) SetSlapdPolicy(t testing.TB, attrs map[string]string) {
	t.Helper()
	if s.Kind != OpenLDAP {
		t.Fatalf("dirtest: SetSlapdPolicy on %s: the default policy is OpenLDAP's", s.Kind)
	}
	s.replaceUntilCleanup(t, "the default password policy", "cn=default,ou=policies,"+s.BaseDN, attrs)
}

// PasswordSettings gives the account at dn a password policy of its own
// with minAge and maxAge (0: never), as the administrator. AD: a
// fine-grained password policy (msDS-PasswordSettings) with the domain's
// other rules; the service account sees that one applies
// (msDS-ResultantPSO) but, as on Windows by default, not what it says.
// OpenLDAP: a ppolicy entry under ou=policies (SlapdPolicy's rules and
// these) named by the account's pwdPolicySubentry, which the service
// account may read.
func (s *Server) PasswordSettings(dn string, minAge, maxAge time.Duration) error {
	_, err := s.AccountPolicy(dn, minAge, maxAge, nil)
	return err
}

// AccountPolicy is PasswordSettings with attrs of the policy's own in
// place of the defaults (AD: msDS-MinimumPasswordLength and the other
// attributes of a password settings object; OpenLDAP: pwdMinLength and
// the others of a ppolicy entry), and returns the policy's DN.
func (s *Server) AccountPolicy(dn string, minAge, maxAge time.Duration, attrs map[string]string) (string, error) {
	return s.accountPolicy("pso-"+randomSecret()[:10], dn, minAge, maxAge, attrs)
}

// UnreadableAccountPolicy is AccountPolicy on OpenLDAP, of a policy the
// service account may see but not read (its pwdAttribute, which every
// ppolicy entry has), as AD's are by default.
func (s *Server) UnreadableAccountPolicy(dn string, attrs map[string]string) (string, error) {
	if s.Kind != OpenLDAP {
		return "", errors.New("dirtest: UnreadableAccountPolicy is OpenLDAP's (AD's AccountPolicy is unreadable)")
	}
	return s.accountPolicy(slapdHiddenPolicy+"-"+randomSecret()[:10], dn, 0, 0, attrs)
}

func (s *Server) accountPolicy(name, dn string, minAge, maxAge time.Duration, attrs map[string]string) (string, error) {
	c, err := s.Admin()
	if err != nil {
		return "", err
	}
	defer c.Close()
	if s.Kind == AD {
		return s.addPSO(c, dn, name, minAge, maxAge, attrs)
	}
	own := map[string]string{"pwdMinAge": strconv.FormatInt(int64(minAge/time.Second), 10)}
	if maxAge > 0 {
		own["pwdMaxAge"] = strconv.FormatInt(int64(maxAge/time.Second), 10)
	}
	for k, v := range attrs {
		own[k] = v
	}
	if err := s.addAccountPolicy(c, dn, name, own); err != nil {
		return "", err
	}
	return "cn=" + name + ",ou=policies," + s.BaseDN, nil
}

// addAccountPolicy adds the OpenLDAP ppolicy entry name under ou=policies,
// SlapdPolicy's rules with attrs, and makes it the account's at dn
// (pwdPolicySubentry).
func (s *Server) addAccountPolicy(c *ldap.Conn, dn, name string, attrs map[string]string) error {
	policy := "cn=" + name + ",ou=policies," + s.BaseDN
	add := policyEntry(policy)
	for i, a := range add.Attributes {
		if a.Type == "cn" {
			add.Attributes[i].Vals = []string{name}
		}
	}
	for k, v := range attrs {
		add.Attributes = slices.DeleteFunc(add.Attributes, func(a ldap.Attribute) bool { return strings.EqualFold(a.Type, k) })
		add.Attribute(k, []string{v})
	}
	if err := c.Add(add); err != nil {
		return fmt.Errorf("dirtest: add policy %s: %w", policy, err)
	}
	mod := ldap.NewModifyRequest(dn, nil)
	mod.Replace("pwdPolicySubentry", []string{policy})
	if err := c.Modify(mod); err != nil {
		return fmt.Errorf("dirtest: set the policy of %s: %w", dn, err)
	}
	return nil
}

// addPSO adds the password settings object name that applies to dn.
func (s *Server) addPSO(c *ldap.Conn, dn, name string, minAge, maxAge time.Duration, attrs map[string]string) (string, error) {
	age := func(d time.Duration) string { return strconv.FormatInt(-int64(d/100), 10) } // negative 100 ns units
	maxValue := "-9223372036854775808"                                                  // never
	if maxAge > 0 {
		maxValue = age(maxAge)
	}
	pso := "CN=" + name + ",CN=Password Settings Container,CN=System," + s.BaseDN
	add := ldap.NewAddRequest(pso, nil)
	values := map[string]string{
		"objectClass":                              "msDS-PasswordSettings",
		"msDS-PasswordSettingsPrecedence":          "10",
		"msDS-PasswordReversibleEncryptionEnabled": "FALSE",
		"msDS-PasswordHistoryLength":               "5",
		"msDS-PasswordComplexityEnabled":           "TRUE",
		"msDS-MinimumPasswordLength":               "10",
		"msDS-MinimumPasswordAge":                  age(minAge),
		"msDS-MaximumPasswordAge":                  maxValue,
		"msDS-LockoutThreshold":                    "5",
		"msDS-LockoutObservationWindow":            age(30 * time.Minute),
		"msDS-LockoutDuration":                     age(30 * time.Minute),
		"msDS-PSOAppliesTo":                        dn,
	}
	for k, v := range attrs {
		values[k] = v
	}
	for k, v := range values {
		add.Attribute(k, []string{v})
	}
	if err := c.Add(add); err != nil {
		return "", fmt.Errorf("dirtest: add password settings for %s: %w", dn, err)
	}
	return pso, nil
}
