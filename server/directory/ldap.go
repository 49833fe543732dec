package directory

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	mrand "math/rand/v2"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unicode"
	"unicode/utf16"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
)

// Flavour is the kind of LDAP directory.
type Flavour string

// The directory flavours.
const (
	FlavourAD       Flavour = "ad"
	FlavourOpenLDAP Flavour = "openldap"
)

// OIDs this package uses.
const (
	oidPasswordModify = "1.3.6.1.4.1.4203.1.11.1" // RFC 3062
	// LDAP_SERVER_POLICY_HINTS_OID (Windows Server 2012 R2 and later) and
	// its deprecated predecessor: with either, AD applies password history
	// to an administrative reset too.
	oidPolicyHints           = "1.2.840.113556.1.4.2239"
	oidPolicyHintsDeprecated = "1.2.840.113556.1.4.2066"
)

// policyHintsValue is the control's value, the BER of
// SEQUENCE { Flags INTEGER (1) }: enforce the password policy.
const policyHintsValue = "\x30\x03\x02\x01\x01"

// LDAP is a directory reached over LDAPS or StartTLS: Active Directory or
// OpenLDAP. Each call dials, binds as the service account and closes
// again, so a directory that restarts between calls costs nothing but one
// failed call. Make one with Open.
type LDAP struct {
	flavour  Flavour
	addr     string // host:port
	startTLS bool
	tls      *tls.Config
	bindDN   string
	// password is the service account's, read again from passwordFile
	// (when set) at a bind it fails: a rotation needs no restart.
	passwordMu   sync.Mutex
	password     string
	passwordFile string
	// refused is the password the directory last refused for the service
	// account, when and with what error (nil: none since the last bind);
	// see servicePassword.
	refused    string
	refusedAt  time.Time
	refusedErr error
	refusals   int  // refusals of that password in a row
	retrying   bool // a call sends it again, its wait over (servicePassword)
	base       string
	filter     string // with {username}
	policyDN   string
	// The attributes Person reads ("" none).
	nameAttr, phoneAttr, birthAttr string
	timeout                        time.Duration
	url                            string // for String: no credentials

	hints atomic.Int32 // 0 unknown, 1 the server lists a policy-hints OID, 2 it does not
	// kindOK: the server was found to be of the scheme's kind (AD for
	// ad://, another for ldaps://), asked until it is.
	kindOK atomic.Bool

	settingsMu sync.Mutex
	settings   *Settings // cached for classifying AD's unnamed refusals

	// The forest's domains and the domain controller's own naming
	// context, read once (domains).
	domainsMu  sync.Mutex
	domainRefs []domainRef
	ownNC      string

	// binding holds an account (by DN) from the read of its failure count
	// to its bind's answer (see bindAs).
	binding accountLocks
	// holder, when set (HoldWith), holds it across instances too.
	holder atomic.Pointer[Holder]
	// refusedBinds are how long the last refused binds took (bindAs).
	refusedBinds bindTimes
}

// bindTimes keeps how long the last refused binds of accounts took, from
// the read of the account's failure count to the bind's answer: a wrong
// password answered without a bind (an account the directory lacks, or
// one near its lockout) takes as long as one of them, at random (see
// bindAs). While none is kept (after a start), every refused answer, by a
// bind or without, takes firstBindWait: an unknown username was answered
// at once until the first refused bind (on Samba AD about 10 ms against a
// refused bind's 30-90), which told whoever asked first after a restart
// which usernames exist. Safe for concurrent use.
type bindTimes struct {
	mu   sync.Mutex
	d    [32]time.Duration
	n, i int // how many are kept (up to len(d)), and the next to replace
}

// firstBindWait is how long a refused answer takes while no refused bind
// is kept: more than a refused bind takes on the directories measured
// (Samba AD 30-90 ms with its badPwdCount write, OpenLDAP under 10 ms), so
// that the first answers after a start look alike, at the price of a
// quarter of a second for them alone.
const firstBindWait = 250 * time.Millisecond

// record keeps d, in place of the oldest when full, and reports whether
// it is the first kept (then its answer waits for firstBindWait, as the
// answers without a bind before it did).
func (b *bindTimes) record(d time.Duration) (first bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	first = b.n == 0
	b.d[b.i] = d
	b.i = (b.i + 1) % len(b.d)
	b.n = min(b.n+1, len(b.d))
	return first
}

// sample is one of the times kept, at random; firstBindWait while none is.
func (b *bindTimes) sample() time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.n == 0 {
		return firstBindWait
	}
	return b.d[mrand.IntN(b.n)]
}

// waitAsABind returns once as long as a refused bind took has passed since
// start (a sample of them), or ctx ends.
func (b *bindTimes) waitAsABind(ctx context.Context, start time.Time) {
	waitUntil(ctx, start.Add(b.sample()))
}

// refused keeps how long a refused bind that started at start took, and
// returns when its answer may go: at once, or for the first kept, once
// firstBindWait has passed since start (or ctx ends).
func (b *bindTimes) refused(ctx context.Context, start time.Time) {
	if b.record(time.Since(start)) {
		waitUntil(ctx, start.Add(firstBindWait))
	}
}

// waitIfNone returns once firstBindWait has passed since start while no
// refused bind is kept, at once otherwise (or when ctx ends).
func (b *bindTimes) waitIfNone(ctx context.Context, start time.Time) {
	b.mu.Lock()
	none := b.n == 0
	b.mu.Unlock()
	if none {
		waitUntil(ctx, start.Add(firstBindWait))
	}
}

// waitUntil returns at t, or when ctx ends.
func waitUntil(ctx context.Context, t time.Time) {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
	}
}

// Holder holds key for one request across every instance that shares a
// store (an LDAP's own lock holds an account only among its own requests),
// waiting while another holds it until ctx ends; unlock ends the hold.
type Holder func(ctx context.Context, key string) (unlock func(), err error)

// HoldWith makes the check and bind of an account's own password (Verify,
// ChangePassword) hold the account with h as well, from the read of its
// failure count to the bind's answer, under a key that names the account
// by its DN (whatever URL each instance was given for the directory):
// instances that each held it only among their own requests read the same
// count and bound at once, and six of them locked an account the guard
// keeps clear of its lockout.
func (d *LDAP) HoldWith(h Holder) { d.holder.Store(&h) }

// accountLocks hold an account each, one holder at a time.
type accountLocks struct {
	mu sync.Mutex
	m  map[string]*accountLock
}

type accountLock struct {
	ch    chan struct{} // holds one value while held
	users int           // holders and waiters
}

// lock holds key until unlock is called, waiting for another holder
// until ctx ends.
func (l *accountLocks) lock(ctx context.Context, key string) (unlock func(), err error) {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*accountLock{}
	}
	a := l.m[key]
	if a == nil {
		a = &accountLock{ch: make(chan struct{}, 1)}
		l.m[key] = a
	}
	a.users++
	l.mu.Unlock()
	done := func() {
		l.mu.Lock()
		if a.users--; a.users == 0 {
			delete(l.m, key)
		}
		l.mu.Unlock()
	}
	select {
	case a.ch <- struct{}{}:
		return func() { <-a.ch; done() }, nil
	case <-ctx.Done():
		done()
		return nil, ctx.Err()
	}
}

// String implements Directory.
func (d *LDAP) String() string { return d.url }

// Close implements Directory: nothing is held between calls.
func (d *LDAP) Close() error { return nil }

// conn is one connection for one call, closed when ctx ends.
type conn struct {
	*ldap.Conn
	stop func() bool
}

func (c *conn) close() {
	c.stop()
	c.Conn.Close()
}

// dial connects with TLS (LDAPS or StartTLS) within ctx's deadline and the
// directory's timeout; the connection is closed when ctx ends, which makes
// a call in flight fail at once.
func (d *LDAP) dial(ctx context.Context) (*conn, error) {
	var nd net.Dialer
	nc, err := nd.DialContext(ctx, "tcp", d.addr)
	if err != nil {
		return nil, unavailable("connect", err)
	}
	var lc *ldap.Conn
	if d.startTLS {
		lc = ldap.NewConn(nc, false)
		lc.Start()
	} else {
		tc := tls.Client(nc, d.tls)
		if err := tc.HandshakeContext(ctx); err != nil {
			nc.Close()
			return nil, tlsError(err)
		}
		lc = ldap.NewConn(tc, true)
		lc.Start()
	}
	c := &conn{Conn: lc, stop: context.AfterFunc(ctx, func() { lc.Close() })}
	if dl, ok := ctx.Deadline(); ok {
		lc.SetTimeout(time.Until(dl))
	} else {
		lc.SetTimeout(d.timeout)
	}
	if d.startTLS {
		if err := lc.StartTLS(d.tls); err != nil {
			c.close()
			if ctx.Err() == nil && isTLSError(err) {
				return nil, tlsError(err)
			}
			return nil, d.classify(ctx, "starttls", err)
		}
	}
	return c, nil
}

// withTimeout bounds ctx by the directory's own timeout.
func (d *LDAP) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d.timeout)
}

// service dials and binds as the service account.
func (d *LDAP) service(ctx context.Context) (*conn, error) {
	pw, err := d.servicePassword()
	if err != nil {
		return nil, err
	}
	// Whatever this call's end (the refusal recorded again, a bind, a
	// connection that failed), a retry it made is over.
	defer func() {
		d.passwordMu.Lock()
		d.retrying = false
		d.passwordMu.Unlock()
	}()
	c, err := d.dial(ctx)
	if err != nil {
		return nil, err
	}
	err = c.Bind(d.bindDN, pw)
	if err != nil && ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) && d.passwordFile != "" {
		// Rotated? The file's password, if it is another, once.
		if fresh, rerr := ReadSecret(d.passwordFile, ""); rerr == nil && fresh != "" && fresh != pw {
			pw = fresh
			err = c.Bind(d.bindDN, pw)
		}
	}
	if err == nil {
		d.passwordMu.Lock()
		d.password, d.refused, d.refusedErr, d.refusals = pw, "", nil, 0
		d.passwordMu.Unlock()
		return c, nil
	}
	c.close()
	if !ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
		return nil, d.classify(ctx, "bind service account", err)
	}
	// Locked too: a password policy that locks accounts after failed
	// binds locks the service account after a few tries with a wrong
	// password file, and says 49 as for a wrong password.
	err = fmt.Errorf("%w: the service account %q cannot bind (a wrong password, a disabled account, or one the password policy locked after failed binds: exempt the service account from the lockout): %s",
		ErrOperator, d.bindDN, strings.TrimRight(err.Error(), ": "))
	d.passwordMu.Lock()
	if d.refused != pw {
		d.refusals = 0
	}
	d.password, d.refused, d.refusedAt, d.refusedErr = pw, pw, time.Now(), err
	d.refusals++
	d.passwordMu.Unlock()
	return nil, err
}

// ServiceRetry is how long a service account's password that the directory
// refused is not sent again after its first refusal; each further refusal
// of the same password doubles the wait, up to MaxServiceRetry. Every
// request and every readiness probe bound with it before, so a password
// file not updated after a rotation locked the service account within
// seconds wherever the directory locks accounts after failed binds (and
// then the right password did not bind either). A new password in the file
// is tried at once. The wait slows a lockout, it does not prevent one:
// OpenLDAP's ppolicy without pwdFailureCountInterval counts failures until
// a successful bind, and each instance waits on its own; exempt the
// service account from the lockout.
const ServiceRetry = 10 * time.Minute

// MaxServiceRetry is the longest wait between binds with a refused
// service-account password.
const MaxServiceRetry = 24 * time.Hour

// serviceWait is the wait after n refusals in a row of one password.
func serviceWait(n int) time.Duration {
	w := ServiceRetry
	for i := 1; i < n && w < MaxServiceRetry; i++ {
		w *= 2
	}
	return min(w, MaxServiceRetry)
}

// servicePassword is the password to bind the service account with: the
// one last read, or the file's when the directory refused that one and the
// file now holds another. A refused password with no other in the file is
// not sent again until its wait (serviceWait) has passed: the answer is
// then the refusal's error, without a bind. (Binds already under way when
// a password stops working are each refused: as many failures as requests
// in flight at that moment. An account the directory locked or disabled
// refuses the right password too: once that is lifted, it binds at the
// next try after the wait.) Once the wait is over, one call at a time
// sends the refused password again (service ends the retry): every call
// made before the retry's answer sent it, a burst of failed binds under
// load, and one burst could lock the account.
func (d *LDAP) servicePassword() (string, error) {
	d.passwordMu.Lock()
	pw, refused, at, refusal, n := d.password, d.refused, d.refusedAt, d.refusedErr, d.refusals
	wait := serviceWait(n)
	if refusal == nil || pw != refused {
		d.passwordMu.Unlock()
		return pw, nil
	}
	if time.Since(at) >= wait && !d.retrying {
		d.retrying = true
		d.passwordMu.Unlock()
		return pw, nil
	}
	next := "not sent again before " + at.Add(wait).UTC().Format(time.DateTime+" UTC")
	if d.retrying {
		next = "sent again by one call now, the others wait for its answer"
	}
	d.passwordMu.Unlock()
	if d.passwordFile != "" {
		if fresh, err := ReadSecret(d.passwordFile, ""); err == nil && fresh != "" && fresh != pw {
			return fresh, nil
		}
	}
	return "", fmt.Errorf("%w (refused %d time(s) in a row, last at %s; %s, so that probes and requests do not lock the account: a new password in the file is tried at once)",
		refusal, n, at.UTC().Format(time.DateTime+" UTC"), next)
}

// findDN searches the account's entry as the service account. The username
// is escaped (RFC 4515), so "*)(cn=*" matches only an account of that name.
func (d *LDAP) findDN(ctx context.Context, c *conn, username string) (string, error) {
	e, err := d.findEntry(ctx, c, username, []string{"1.1"})
	if err != nil {
		return "", err
	}
	return e.DN, nil
}

// findEntry is findDN's search, for the attributes attrs of the entry ("1.1":
// none).
func (d *LDAP) findEntry(ctx context.Context, c *conn, username string, attrs []string) (*ldap.Entry, error) {
	return d.searchOne(ctx, c, d.filter, username, attrs)
}

// searchOne is the one entry under the base that filter (with {username})
// matches for username, searched as the service account: ErrAccount when
// none or several do (the error names the filter, not the username),
// ErrOperator when the base does not exist.
func (d *LDAP) searchOne(ctx context.Context, c *conn, filter, username string, attrs []string) (*ldap.Entry, error) {
	if username == "" || strings.ContainsRune(username, 0) {
		return nil, fmt.Errorf("%w: empty or invalid username", ErrAccount)
	}
	req := ldap.NewSearchRequest(d.base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 2, 0, false,
		strings.ReplaceAll(filter, "{username}", ldap.EscapeFilter(username)), attrs, nil)
	res, err := c.Search(req)
	if err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
		if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
			return nil, fmt.Errorf("%w: search base %q does not exist: %v", ErrOperator, d.base, err)
		}
		return nil, d.classify(ctx, "search account", err)
	}
	switch {
	case res == nil || len(res.Entries) == 0:
		return nil, fmt.Errorf("%w: no entry matches %s under %q", ErrAccount, filter, d.base)
	case len(res.Entries) > 1 || err != nil:
		return nil, fmt.Errorf("%w: several entries match %s under %q", ErrAccount, filter, d.base)
	}
	return res.Entries[0], nil
}

// Person implements Directory: the configured attributes of the account's
// entry, searched as the service account. An attribute the entry lacks,
// or a date of birth in no form parseBirthDate reads, is left empty.
func (d *LDAP) Person(ctx context.Context, username string) (Person, error) {
	var attrs []string
	for _, a := range []string{d.nameAttr, d.phoneAttr, d.birthAttr} {
		if a != "" {
			attrs = append(attrs, a)
		}
	}
	if len(attrs) == 0 {
		return Person{}, nil
	}
	ctx, cancel := d.withTimeout(ctx)
	defer cancel()
	c, err := d.service(ctx)
	if err != nil {
		return Person{}, err
	}
	defer c.close()
	e, err := d.findEntry(ctx, c, username, attrs)
	if err != nil {
		return Person{}, err
	}
	// An attribute not asked for ("") has no value: "".
	p := Person{Name: e.GetAttributeValue(d.nameAttr), Phone: e.GetAttributeValue(d.phoneAttr)}
	p.BirthDate, _ = parseBirthDate(e.GetAttributeValue(d.birthAttr))
	return p, nil
}

// Disabled implements Directory: AD's userAccountControl ACCOUNTDISABLE,
// or an accountExpires that has passed (the account expired: its bind says
// "data 701" whatever the password), searched as the service account;
// OpenLDAP has no such flag (false, no round trip).
func (d *LDAP) Disabled(ctx context.Context, username string) (bool, error) {
	if d.flavour != FlavourAD {
		return false, nil
	}
	ctx, cancel := d.withTimeout(ctx)
	defer cancel()
	c, err := d.service(ctx)
	if err != nil {
		return false, err
	}
	defer c.close()
	e, err := d.findEntry(ctx, c, username, []string{"userAccountControl", "accountExpires"})
	if err != nil {
		return false, err
	}
	uac, _ := strconv.ParseUint(e.GetAttributeValue("userAccountControl"), 10, 32)
	return uac&uacAccountDisable != 0 || accountExpired(e, time.Now()), nil
}

// accountExpired reports whether AD's accountExpires of entry e has passed
// at now. 0 and the largest value (0x7FFFFFFFFFFFFFFF) are "never"; so is
// an entry without it.
func accountExpired(e *ldap.Entry, now time.Time) bool {
	v, err := strconv.ParseInt(e.GetAttributeValue("accountExpires"), 10, 64)
	if err != nil || v <= 0 || v >= maxFileTime {
		return false
	}
	return !fileTime(v).After(now)
}

// AccountName implements Directory. AD forbids "@" and "\" in a
// sAMAccountName, so a username with either is no account's name as typed
// there: "name@suffix" is searched as userPrincipalName under the base,
// and "DOMAIN\name" is name when DOMAIN is the NetBIOS name of the domain
// that holds the base (its crossRef's nETBIOSName, read once from the
// configuration partition) or its DNS name (styrke.test). A filter that
// compares another attribute too ((mail={username})) is searched first,
// and the one account it finds for the username as typed is that
// username's: a mail address may be another account's principal name.
func (d *LDAP) AccountName(ctx context.Context, username string) (string, error) {
	at, backslash := strings.Contains(username, "@"), strings.Contains(username, `\`)
	if d.flavour != FlavourAD || at == backslash {
		return username, nil
	}
	m := usernameAttr.FindStringSubmatch(d.filter)
	if m == nil {
		return username, nil // a filter of its own: nothing to map to
	}
	ctx, cancel := d.withTimeout(ctx)
	defer cancel()
	c, err := d.service(ctx)
	if err != nil {
		return "", err
	}
	defer c.close()
	if !onlySAMAccountName(d.filter) {
		// The filter's own account first: with (mail={username}), Ola's
		// mail that is kari's principal name was kari's account, Ola's
		// right password was told it was wrong and counted against kari.
		switch _, err := d.findEntry(ctx, c, username, []string{"1.1"}); {
		case err == nil:
			return username, nil
		case !errors.Is(err, ErrAccount):
			return "", err
		}
	}
	if backslash {
		domain, name, _ := strings.Cut(username, `\`)
		names, err := d.domainNames(ctx, c)
		if err != nil {
			return "", err
		}
		for _, n := range names {
			if strings.EqualFold(n, domain) && name != "" {
				return name, nil
			}
		}
		return username, nil
	}
	e, err := d.searchOne(ctx, c, "(userPrincipalName={username})", username, []string{m[1]})
	switch {
	case errors.Is(err, ErrAccount):
		return username, nil // none, or several
	case err != nil:
		return "", err
	}
	if v := e.GetAttributeValue(m[1]); v != "" {
		return v, nil
	}
	return username, nil
}

// onlySAMAccountName reports whether filter compares {username} with
// sAMAccountName alone, which AD forbids "@" and "\" in: it finds no
// account for a username with either.
func onlySAMAccountName(filter string) bool {
	n := 0
	for _, m := range usernameAttr.FindAllStringSubmatch(filter, -1) {
		if !strings.EqualFold(m[1], "sAMAccountName") {
			return false
		}
		n++
	}
	return n == strings.Count(filter, "{username}")
}

// domainNames are the names of the domain that holds the base, which a
// down-level logon name may start with: its NetBIOS name and its DNS name
// (domainOf). In a forest the domain controller's own domain (the
// rootDSE's defaultNamingContext) may be another: a global catalog's, or
// one a base in a child domain is searched through.
func (d *LDAP) domainNames(ctx context.Context, c *conn) ([]string, error) {
	refs, own, err := d.domains(ctx, c)
	if err != nil {
		return nil, err
	}
	return domainOf(d.base, refs, own), nil
}

// domainRef is a domain of the forest as its crossRef in the
// configuration partition names it.
type domainRef struct {
	nc    *ldap.DN // nCName, the domain's naming context
	names []string // nETBIOSName, then dnsRoot
}

// domains reads the forest's domains (every crossRef with a NetBIOS name)
// and the domain controller's own naming context, once: a later call has
// them without a search (an error is not kept; the next call asks again).
// Every username typed as DOMAIN\name searched them before.
func (d *LDAP) domains(ctx context.Context, c *conn) ([]domainRef, string, error) {
	d.domainsMu.Lock()
	defer d.domainsMu.Unlock()
	if d.domainRefs != nil {
		return d.domainRefs, d.ownNC, nil
	}
	root, err := d.rootDSE(ctx, c, "defaultNamingContext", "configurationNamingContext")
	if err != nil {
		return nil, "", err
	}
	res, err := c.Search(ldap.NewSearchRequest("CN=Partitions,"+root.GetAttributeValue("configurationNamingContext"),
		ldap.ScopeSingleLevel, ldap.NeverDerefAliases, 0, 0, false,
		"(&(objectClass=crossRef)(nETBIOSName=*))", []string{"nCName", "nETBIOSName", "dnsRoot"}, nil))
	if err != nil {
		return nil, "", d.classify(ctx, "read the domains' names", err)
	}
	refs := []domainRef{}
	for _, e := range res.Entries {
		nc, err := ldap.ParseDN(e.GetAttributeValue("nCName"))
		if err != nil {
			continue
		}
		refs = append(refs, domainRef{nc, append(e.GetAttributeValues("nETBIOSName"), e.GetAttributeValues("dnsRoot")...)})
	}
	d.domainRefs, d.ownNC = refs, root.GetAttributeValue("defaultNamingContext")
	return refs, d.ownNC, nil
}

// domainOf is the names of the domain of refs whose naming context holds
// dn (the deepest, when one domain's is under another's), or, when none
// does, of the domain whose naming context is own.
func domainOf(dn string, refs []domainRef, own string) []string {
	var best *domainRef
	if at, err := ldap.ParseDN(dn); err == nil {
		for i, r := range refs {
			if (r.nc.EqualFold(at) || r.nc.AncestorOfFold(at)) && (best == nil || len(r.nc.RDNs) > len(best.nc.RDNs)) {
				best = &refs[i]
			}
		}
	}
	if best == nil {
		if nc, err := ldap.ParseDN(own); err == nil {
			for i, r := range refs {
				if r.nc.EqualFold(nc) {
					best = &refs[i]
				}
			}
		}
	}
	if best == nil {
		return nil
	}
	return best.names
}

// Find implements Directory. On AD the one search reads the account's
// userAccountControl and accountExpires too, as Disabled does. On OpenLDAP
// the search is followed, on the same connection, by SetPassword's Compare
// of pwdAccountLockedTime (adminLock): an account the administrator locked
// for good is ErrAdminLocked; one whose lock the service account may not
// read is nil (the rights check names the right; SetPassword refuses it).
func (d *LDAP) Find(ctx context.Context, username string) error {
	ctx, cancel := d.withTimeout(ctx)
	defer cancel()
	c, err := d.service(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	if d.flavour != FlavourAD {
		dn, err := d.findDN(ctx, c, username)
		if err != nil {
			return err
		}
		locked, _, err := d.adminLock(ctx, c, dn)
		if err != nil {
			return err
		}
		if locked {
			return fmt.Errorf("%w (pwdAccountLockedTime %s)", ErrAdminLocked, ppolicyLockedForGood)
		}
		return nil
	}
	e, err := d.findEntry(ctx, c, username, []string{"userAccountControl", "accountExpires"})
	if err != nil {
		return err
	}
	uac, _ := strconv.ParseUint(e.GetAttributeValue("userAccountControl"), 10, 32)
	switch {
	case uac&uacAccountDisable != 0:
		return fmt.Errorf("%w (userAccountControl ACCOUNTDISABLE)", ErrDisabled)
	case accountExpired(e, time.Now()):
		return fmt.Errorf("%w (accountExpires has passed)", ErrDisabled)
	}
	return nil
}

// uacAccountDisable is userAccountControl's ACCOUNTDISABLE flag.
const uacAccountDisable = 0x2

// ppolicyLockedForGood is the pwdAccountLockedTime of an OpenLDAP account
// locked by the administrator until an administrator unlocks it
// (slapo-ppolicy(5)): the directory's disabled account.
const ppolicyLockedForGood = "000001010000Z"

// lockedForGood is ErrAdminLocked (an ErrDisabled) when the account at dn
// is locked by the administrator (adminLock), nil when it is not or the
// directory has no ppolicy, and ErrOperator when the service account may
// not read the attribute (the lock would be ended unseen).
func (d *LDAP) lockedForGood(ctx context.Context, c *conn, dn string) error {
	locked, hidden, err := d.adminLock(ctx, c, dn)
	switch {
	case err != nil:
		return err
	case locked:
		return fmt.Errorf("set password: %w (pwdAccountLockedTime %s)", ErrAdminLocked, ppolicyLockedForGood)
	case hidden:
		// slapd checks the right before the value: the lock cannot be
		// seen, and the write would end it unseen (a search that may not
		// read the attribute returns the entry without it, as if there
		// were no lock).
		return fmt.Errorf("%w: the service account %q may not read pwdAccountLockedTime, so an account the administrator locked for good cannot be told apart and the new password would end its lock: grant it read on pwdAccountLockedTime under the people's subtree; nothing set",
			ErrOperator, d.bindDN)
	}
	return nil
}

// adminLock reports whether the OpenLDAP account at dn is locked by the
// administrator (pwdAccountLockedTime at 0000-01-01 00:00 UTC: locked),
// and whether the service account may not read the attribute (hidden:
// slapd answers insufficientAccessRights before it compares); neither
// when it is not locked, is locked only by wrong passwords (any other
// time), or the directory has no ppolicy. It asks the directory with a
// Compare, which matches by the attribute's equality rule
// (generalizedTimeMatch), as ppolicy decides: a value read back is the
// spelling it was written in, and 00000101000000Z, 0000010100Z or
// 000001010000.0Z are the same lock to slapd (a string compare with
// 000001010000Z let the reset end them). An error: the Compare failed
// otherwise (classified).
func (d *LDAP) adminLock(ctx context.Context, c *conn, dn string) (locked, hidden bool, err error) {
	locked, err = c.Compare(dn, "pwdAccountLockedTime", ppolicyLockedForGood)
	switch {
	case err == nil:
		return locked, false, nil
	case ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchAttribute), // not locked
		ldap.IsErrorWithCode(err, ldap.LDAPResultUndefinedAttributeType): // no ppolicy
		return false, false, nil
	case ldap.IsErrorWithCode(err, ldap.LDAPResultInsufficientAccessRights):
		return false, true, nil
	}
	return false, false, d.classify(ctx, "compare pwdAccountLockedTime", err)
}

// SetPassword implements Directory. AD: modify-replace unicodePwd, with
// the policy-hints control when the server lists it, and lockoutTime 0 in
// the same modify when the account is locked out: the person proved who
// they are (a link, ID-porten), and a reset that left the account locked
// by wrong passwords, the commonest reason to reset, would let them log in
// with nothing (AD keeps an account locked across an administrative
// reset). A service account without the right to write lockoutTime then
// fails the whole modify, an operator error, rather than report a password
// the person cannot use. OpenLDAP: the Password Modify extended operation
// with the password-policy control (the ppolicy overlay ends a lockout by
// failures when an administrator sets the password: TestResetUnlocks). An
// OpenLDAP account the administrator locked for good (pwdAccountLockedTime
// 000001010000Z in any spelling, ppolicy's disabled account: lockedForGood)
// is ErrDisabled and nothing is set: ppolicy would end that lock with the
// password too, enabling an account the institution disabled.
func (d *LDAP) SetPassword(ctx context.Context, username, password string) error {
	ctx, cancel := d.withTimeout(ctx)
	defer cancel()
	c, err := d.service(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	attrs := []string{"1.1"} // none
	if d.flavour == FlavourAD {
		attrs = []string{"lockoutTime"}
	}
	e, err := d.findEntry(ctx, c, username, attrs)
	if err != nil {
		return err
	}
	if d.flavour != FlavourAD {
		if err := d.lockedForGood(ctx, c, e.DN); err != nil {
			return err
		}
	}
	switch d.flavour {
	case FlavourAD:
		var controls []ldap.Control
		if d.policyHints(ctx, c) {
			controls = append(controls, ldap.NewControlString(oidPolicyHints, true, policyHintsValue))
		}
		req := ldap.NewModifyRequest(e.DN, controls)
		req.Replace("unicodePwd", []string{encodeUnicodePwd(password)})
		if t := e.GetAttributeValue("lockoutTime"); t != "" && t != "0" {
			req.Replace("lockoutTime", []string{"0"})
		}
		err = c.Modify(req)
	default:
		err = passwordModify(c, e.DN, "", password)
	}
	if err != nil {
		err = d.writeError(ctx, "set password", err, username, password, false)
		if errors.Is(err, ErrUnavailable) {
			// The write went out: the directory may have taken it.
			return fmt.Errorf("%w; %w", err, ErrAfterWrite)
		}
		if ref := (*Refusal)(nil); errors.As(err, &ref) && ref.Rule == RuleTooYoung {
			// ppolicy's minimum age, applied to the service account's set
			// since it is no password administrator (Settings.MinAgeOnSets):
			// the person is told when, the log what to grant.
			ref.NotBefore, ref.MinAge = d.nextChange(ctx, e.DN)
			ref.Diagnostic += " (the service account's set was refused by the policy's minimum age: " + minAgeAdvice + ")"
		}
		return err
	}
	return nil
}

// minAgeAdvice is what an operator does when OpenLDAP's minimum password
// age refuses an activation or a reset.
const minAgeAdvice = "give the service account manage access to userPassword (ppolicy's password administrator, whose sets the minimum age, quality and history rules leave alone) or set pwdMinAge to 0"

// ChangePassword implements Directory: bound as the account itself. AD:
// one modify that deletes the current unicodePwd and adds the new one, so
// that AD checks the current password and applies its history and minimum
// age. OpenLDAP: Password Modify with the old password.
func (d *LDAP) ChangePassword(ctx context.Context, username, current, password string) error {
	ctx, cancel := d.withTimeout(ctx)
	defer cancel()
	dn, c, err := d.bindAs(ctx, username, current)
	if errors.Is(err, ErrMustChange) {
		// AD refuses the account's own bind while its password must be
		// changed (expired, or "must change at next logon", the way a
		// first password is handed out), so the same change is made on
		// the service account's connection: deleting the current value is
		// what proves it, and everyone may change a password they know
		// (AD's Change Password right).
		c, err = d.service(ctx)
	}
	if err != nil {
		return err
	}
	defer c.close()
	switch d.flavour {
	case FlavourAD:
		req := ldap.NewModifyRequest(dn, nil)
		req.Delete("unicodePwd", []string{encodeUnicodePwd(current)})
		req.Add("unicodePwd", []string{encodeUnicodePwd(password)})
		err = c.Modify(req)
	default:
		err = passwordModify(c, "", current, password)
	}
	if err != nil {
		err = d.writeError(ctx, "change password", err, username, password, true)
		if errors.Is(err, ErrUnavailable) {
			// The write went out: the directory may have taken it.
			return fmt.Errorf("%w; %w", err, ErrAfterWrite)
		}
		if ref := (*Refusal)(nil); errors.As(err, &ref) && ref.Rule == RuleTooYoung {
			ref.NotBefore, ref.MinAge = d.nextChange(ctx, dn)
		}
		return err
	}
	return nil
}

// nextChange is when the directory next allows the account at dn a change
// of its own, and its minimum password age: the password's last setting
// (AD's pwdLastSet, ppolicy's pwdChangedTime, read as the service account)
// plus the minimum age: of Settings, or on AD of the fine-grained password
// policy that applies to the account. Zero when either is unknown (a
// fine-grained policy the service account may not read).
func (d *LDAP) nextChange(ctx context.Context, dn string) (time.Time, time.Duration) {
	s, err := d.cachedSettings(ctx)
	if err != nil || dn == "" {
		return time.Time{}, 0
	}
	c, err := d.service(ctx)
	if err != nil {
		return time.Time{}, 0
	}
	defer c.close()
	attrs := []string{"pwdLastSet", d.ownPolicyAttr()}
	if d.flavour == FlavourOpenLDAP {
		attrs[0] = "pwdChangedTime"
	}
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", attrs, nil))
	if err != nil || len(res.Entries) != 1 {
		return time.Time{}, 0
	}
	minAge := s.MinAge
	if own := res.Entries[0].GetAttributeValue(attrs[1]); own != "" {
		// A policy of the account's own applies (AD: a fine-grained one;
		// OpenLDAP: its pwdPolicySubentry), whose minimum age replaces the
		// domain's or the default policy's: its own when the service
		// account may read it (on AD by default only administrators may),
		// else no time rather than the default's, which may be a day
		// where the account's is an hour.
		own, _, _ := d.ownPolicy(c, own)
		minAge = own.MinAge
	}
	if minAge <= 0 {
		return time.Time{}, 0
	}
	v := res.Entries[0].GetAttributeValue(attrs[0])
	var last time.Time
	if d.flavour == FlavourOpenLDAP {
		if last, err = ber.ParseGeneralizedTime([]byte(v)); err != nil {
			return time.Time{}, 0
		}
	} else {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 { // 0: must change at next logon
			return time.Time{}, 0
		}
		last = fileTime(n)
	}
	return last.Add(minAge), minAge
}

// Verify implements Directory: a bind as the account.
func (d *LDAP) Verify(ctx context.Context, username, password string) error {
	ctx, cancel := d.withTimeout(ctx)
	defer cancel()
	_, c, err := d.bindAs(ctx, username, password)
	if err != nil {
		return err
	}
	c.close()
	return nil
}

// bindAs finds username's DN as the service account, then binds as it
// with password on the same connection. An empty password is refused
// before any bind (LDAP would treat it as an anonymous bind).
func (d *LDAP) bindAs(ctx context.Context, username, password string) (string, *conn, error) {
	if password == "" {
		return "", nil, ErrInvalidCredentials
	}
	c, err := d.service(ctx)
	if err != nil {
		return "", nil, err
	}
	dn, findErr := d.findDN(ctx, c, username)
	// An account the directory lacks is not told apart from a wrong
	// password, in the answer nor in its time: it is held as an account
	// is (under its username, which no DN is), and answered once as long
	// as an account's failure count and refused bind take. It was
	// answered at once: on Samba AD, whose refused bind writes
	// badPwdCount, a wrong password took 35 ms and an unknown username 9,
	// an oracle of which usernames exist.
	unknown := errors.Is(findErr, ErrAccount)
	key := strings.ToLower(dn)
	switch {
	case unknown:
		key = "\x00" + strings.ToLower(username)
	case findErr != nil:
		c.close()
		return "", nil, findErr
	}
	// One check and bind of an account at a time: binds that each read
	// the count before the others' were counted all bound, and ten wrong
	// passwords at once locked the account the guard was to keep clear
	// of its lockout. The count is read again once this request holds it.
	unlock, err := d.binding.lock(ctx, key)
	if err != nil {
		c.close()
		return "", nil, d.classify(ctx, "wait for the account's other bind", err)
	}
	defer unlock()
	if h := d.holder.Load(); h != nil {
		// Named by its DN alone: instances may spell the directory's URL
		// each their own way (LDAPS or StartTLS, a name or an address),
		// and with the URL in the key they held one account under two
		// keys and bound at once. Two directories with one DN only wait
		// for each other a bind's time.
		release, err := (*h)(ctx, "bind\x00"+key)
		if err != nil {
			c.close()
			return "", nil, d.classify(ctx, "wait for the account's bind on another instance", err)
		}
		defer release()
	}
	start := time.Now()
	if unknown {
		c.close()
		d.refusedBinds.waitAsABind(ctx, start)
		return "", nil, fmt.Errorf("%w (%w)", ErrInvalidCredentials, findErr)
	}
	cur, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", failureAttrs[d.flavour], nil))
	switch {
	case ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject), err == nil && len(cur.Entries) != 1:
		c.close()
		return "", nil, fmt.Errorf("%w (%v: %s is gone)", ErrInvalidCredentials, ErrAccount, dn)
	case err != nil:
		c.close()
		return "", nil, d.classify(ctx, "read the account's failure count", err)
	}
	if d.nearLockout(ctx, cur.Entries[0], time.Now()) {
		// No bind that could be the one that locks the account: the
		// directory's own count is what matters, whatever Styrke counted
		// (its window is shorter than ppolicy's "until a successful bind"
		// and AD's observation window, and other logins count too). Answered as late as a bind
		// would be, as a wrong password is.
		c.close()
		d.refusedBinds.waitAsABind(ctx, start)
		return "", nil, fmt.Errorf("%w: the directory counts too many wrong passwords for the account; not tried", ErrLocked)
	}
	// With the password-policy request control, OpenLDAP's ppolicy says
	// when the account is locked; AD says so in its diagnostic.
	req := &ldap.SimpleBindRequest{Username: dn, Password: password}
	if d.flavour == FlavourOpenLDAP {
		req.Controls = []ldap.Control{ldap.NewControlBeheraPasswordPolicy()}
	}
	res, err := c.SimpleBind(req)
	if err != nil {
		c.close()
		if ldap.IsErrorWithCode(err, ldap.LDAPResultInvalidCredentials) {
			switch {
			case locked(d.flavour, err, res):
				// Answered as a wrong password is, and as late while no
				// refused bind is kept (not kept itself: the lockout's
				// answer may take its own time).
				d.refusedBinds.waitIfNone(ctx, start)
				return "", nil, ErrLocked
			case d.flavour == FlavourAD && (adData(err, "532") || adData(err, "773")):
				// AD tells these only for the right password.
				return dn, nil, ErrMustChange
			case d.flavour == FlavourAD && (adData(err, "533") || adData(err, "701")):
				return "", nil, ErrDisabled
			}
			d.refusedBinds.refused(ctx, start)
			return "", nil, ErrInvalidCredentials
		}
		return "", nil, fmt.Errorf("%w; %w", d.classify(ctx, "bind as account", err), ErrAfterBind)
	}
	return dn, c, nil
}

// LockoutMargin is how many wrong passwords Styrke leaves a person at the
// directory's own logins: it binds with a password not known to be right
// only while the directory counts fewer than its LockoutThreshold less
// these (at least one fewer).
const LockoutMargin = 2

// failureAttrs are the attributes of an account's entry that say how many
// wrong passwords the directory counts against it now.
var failureAttrs = map[Flavour][]string{
	FlavourAD:       {"badPwdCount", "badPasswordTime"},
	FlavourOpenLDAP: {"pwdFailureTime"},
}

// nearLockout reports whether one more wrong password could bring the
// account of entry e within LockoutMargin of the directory's lockout (or
// to it). Unknown (no lockout, settings unreadable, attributes the service
// account may not read) is false.
func (d *LDAP) nearLockout(ctx context.Context, e *ldap.Entry, now time.Time) bool {
	s, err := d.cachedSettings(ctx)
	if err != nil || s.LockoutThreshold <= 0 {
		return false
	}
	return failures(d.flavour, e, s.LockoutWindow, now) >= max(s.LockoutThreshold-LockoutMargin, 1)
}

// failures is the count of wrong passwords the directory holds against
// entry e at now: AD's badPwdCount unless its last one (badPasswordTime)
// is older than the observation window (AD starts again from 0 then);
// OpenLDAP's pwdFailureTime values, those within pwdFailureCountInterval
// when it has one.
func failures(f Flavour, e *ldap.Entry, window time.Duration, now time.Time) int {
	if f == FlavourAD {
		n, _ := strconv.Atoi(e.GetAttributeValue("badPwdCount"))
		ft, err := strconv.ParseInt(e.GetAttributeValue("badPasswordTime"), 10, 64)
		if n > 0 && window > 0 && err == nil && ft > 0 {
			if now.Sub(fileTime(ft)) >= window {
				return 0
			}
		}
		return n
	}
	n := 0
	for _, v := range e.GetAttributeValues("pwdFailureTime") {
		if window > 0 {
			if t, err := ber.ParseGeneralizedTime([]byte(v)); err == nil && now.Sub(t) >= window {
				continue
			}
		}
		n++
	}
	return n
}

// adData reports whether err is AD's refused bind with the Windows error
// code, in hex, that its diagnostic names after "data " (775 locked out,
// 532 password expired, 773 must change at next logon, 533 disabled, 701
// account expired, 52e wrong).
func adData(err error, code string) bool {
	var le *ldap.Error
	if !errors.As(err, &le) || le.Err == nil {
		return false
	}
	_, rest, ok := strings.Cut(le.Err.Error(), "data "+code)
	// The code ends there: not the start of a longer one ("5320").
	return ok && (rest == "" || !strings.ContainsRune("0123456789abcdefABCDEF", rune(rest[0])))
}

// locked reports whether a bind refused for invalid credentials met a
// locked account: AD's diagnostic "data 775" (ERROR_ACCOUNT_LOCKED_OUT,
// whatever the password), or OpenLDAP's password-policy response control
// with its accountLocked error.
func locked(f Flavour, err error, res *ldap.SimpleBindResult) bool {
	if f == FlavourAD {
		return adData(err, "775")
	}
	if res == nil {
		return false
	}
	for _, c := range res.Controls {
		if pp, ok := c.(*ldap.ControlBeheraPasswordPolicy); ok && pp.Error == 1 { // accountLocked
			return true
		}
	}
	return false
}

// Ping implements Directory: dial and bind as the service account.
func (d *LDAP) Ping(ctx context.Context) error {
	ctx, cancel := d.withTimeout(ctx)
	defer cancel()
	c, err := d.service(ctx)
	if err != nil {
		return err
	}
	defer c.close()
	return d.checkServer(ctx, c)
}

// oidADCapability is LDAP_CAP_ACTIVE_DIRECTORY_OID, which an Active
// Directory's rootDSE lists in supportedCapabilities.
const oidADCapability = "1.2.840.113556.1.4.800"

// checkServer reports the operator's errors a bind does not show: a server
// of the other kind than the scheme says (ldaps:// on AD sets passwords
// with an operation AD lacks; ad:// on OpenLDAP writes unicodePwd), and a
// search base that does not exist. Both were "ready" until every password
// set failed.
func (d *LDAP) checkServer(ctx context.Context, c *conn) error {
	if !d.kindOK.Load() {
		res, err := d.rootDSE(ctx, c, "supportedCapabilities")
		if err != nil {
			return err
		}
		ad := slices.Contains(res.GetAttributeValues("supportedCapabilities"), oidADCapability)
		switch {
		case d.flavour == FlavourAD && !ad:
			return fmt.Errorf("%w: %s is not Active Directory (its rootDSE lists no AD capability): for OpenLDAP use ldaps:// or ldap+starttls://", ErrOperator, d.url)
		case d.flavour != FlavourAD && ad:
			return fmt.Errorf("%w: %s is Active Directory: use ad:// (LDAPS) or ad+starttls://, which set passwords the way AD requires", ErrOperator, d.url)
		}
		d.kindOK.Store(true)
	}
	_, err := c.Search(ldap.NewSearchRequest(d.base, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{"1.1"}, nil))
	if ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject) {
		return fmt.Errorf("%w: search base %q does not exist (--directory-base)", ErrOperator, d.base)
	}
	if err != nil {
		return d.classify(ctx, "read the search base", err)
	}
	return nil
}

// rootDSE reads attrs of the server's rootDSE (its naming contexts, its
// capabilities) as the service account, an error classified.
func (d *LDAP) rootDSE(ctx context.Context, c *conn, attrs ...string) (*ldap.Entry, error) {
	res, err := c.Search(ldap.NewSearchRequest("", ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", attrs, nil))
	if err != nil || len(res.Entries) == 0 {
		return nil, d.classify(ctx, "read rootDSE", err)
	}
	return res.Entries[0], nil
}

// policyHints reports whether the server lists a policy-hints control in
// its rootDSE (asked once; an error asks again next time).
func (d *LDAP) policyHints(ctx context.Context, c *conn) bool {
	switch d.hints.Load() {
	case 1:
		return true
	case 2:
		return false
	}
	res, err := d.rootDSE(ctx, c, "supportedControl")
	if err != nil {
		return false
	}
	for _, oid := range res.GetAttributeValues("supportedControl") {
		if oid == oidPolicyHints || oid == oidPolicyHintsDeprecated {
			d.hints.Store(1)
			return true
		}
	}
	d.hints.Store(2)
	return false
}

// passwordModify sends RFC 3062's extended operation with the
// password-policy request control. go-ldap's PasswordModify cannot carry a
// control, so the request value is built with the BER library as the RFC
// defines it: SEQUENCE { userIdentity [0] OPTIONAL, oldPasswd [1]
// OPTIONAL, newPasswd [2] OPTIONAL }.
func passwordModify(c *conn, dn, old, password string) error {
	v := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "PasswdModifyRequestValue")
	if dn != "" {
		v.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 0, dn, "userIdentity"))
	}
	if old != "" {
		v.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 1, old, "oldPasswd"))
	}
	v.AppendChild(ber.NewString(ber.ClassContext, ber.TypePrimitive, 2, password, "newPasswd"))
	req := ldap.NewExtendedRequest(oidPasswordModify, v)
	req.Controls = []ldap.Control{ldap.NewControlBeheraPasswordPolicy()}
	_, err := c.Extended(req)
	return err
}

// writeError turns a failed password write into this package's errors.
// The raw diagnostic goes into Refusal.Diagnostic (for the log); the
// password never leaves this function.
func (d *LDAP) writeError(ctx context.Context, what string, err error, username, password string, change bool) error {
	var le *ldap.Error
	if ctx.Err() != nil || !errors.As(err, &le) {
		return d.classify(ctx, what, err)
	}
	diag := ""
	if le.Err != nil {
		diag = le.Err.Error()
	}
	switch d.flavour {
	case FlavourAD:
		upper := strings.ToUpper(diag)
		switch {
		case strings.HasPrefix(upper, "00000056"), strings.HasPrefix(upper, "0000056B"):
			// ERROR_INVALID_PASSWORD: the current password was wrong.
			return ErrInvalidCredentials
		case strings.HasPrefix(upper, "0000052D"):
			// ERROR_PASSWORD_RESTRICTION: Windows names no reason; Samba does.
			return &Refusal{Rule: d.adReason(ctx, diag, username, password, change), Diagnostic: diag}
		}
	case FlavourOpenLDAP:
		if code, ok := ppolicyError(le); ok && code == ppMustSupplyOldPassword && !change {
			// No password a person could choose passes: the operator's.
			return fmt.Errorf("%w: %s: the password policy requires the old password with every set (pwdSafeModify TRUE), which an activation or a reset does not have: give the service account manage access to userPassword (ppolicy's password administrator) or set pwdSafeModify to FALSE", ErrOperator, what)
		}
		if rule, ok := ppolicyRule(le); ok {
			return &Refusal{Rule: rule, Diagnostic: diag}
		}
		if le.ResultCode == ldap.LDAPResultInvalidCredentials ||
			(change && le.ResultCode == ldap.LDAPResultUnwillingToPerform && strings.Contains(diag, "old password")) {
			return ErrInvalidCredentials
		}
		if le.ResultCode == ldap.LDAPResultConstraintViolation {
			return &Refusal{Rule: RuleRefused, Diagnostic: diag}
		}
	}
	return d.classify(ctx, what, err)
}

// adReason names AD's reason for ERROR_PASSWORD_RESTRICTION: from Samba's
// diagnostic when it gives one, else by checking the domain's rules
// against the refused password (Windows says no more than "restriction").
func (d *LDAP) adReason(ctx context.Context, diag, username, password string, change bool) string {
	l := strings.ToLower(diag)
	switch {
	case strings.Contains(l, "too short"):
		return RuleTooShort
	case strings.Contains(l, "complexity"):
		return RuleComplexity
	case strings.Contains(l, "history"):
		return RuleHistory
	case strings.Contains(l, "too young"):
		return RuleTooYoung
	}
	s, err := d.cachedSettings(ctx)
	if err != nil {
		return RuleRefused
	}
	// A time limit of its own: the refused write may have used most of
	// the one it shares ctx's with.
	if own, err := d.AccountPolicy(context.WithoutCancel(ctx), username); err == nil && own.Own {
		// A fine-grained policy applies in place of the domain's: its
		// rules name the refusal, and where the service account may not
		// read them, nothing does (the domain's named a refusal for a
		// length of 12 under a policy asking 16 "used before").
		if !own.Read {
			return RuleRefused
		}
		s = own.Settings
	}
	switch {
	case s.MinLength > 0 && len(utf16.Encode([]rune(password))) < s.MinLength:
		return RuleTooShort
	case s.Complexity && !MeetsADComplexity(password, username):
		return RuleComplexity
	case change && s.MinAge > 0:
		return RuleTooYoung
	case s.History > 0:
		return RuleHistory
	}
	return RuleRefused
}

// MeetsADComplexity is AD's "password must meet complexity requirements"
// as Microsoft documents it: characters of at least three of ADKinds
// (upper case, lower case, the digits 0-9, ASCII's special characters,
// letters of no case), and the account name not contained
// (case-insensitively) when it is 3 characters or more. A space, a
// currency sign or another symbol is of no kind (Samba counts the
// non-ASCII ones: there this asks more than the directory, never less).
func MeetsADComplexity(password, username string) bool {
	if len(username) >= 3 && strings.Contains(strings.ToLower(password), strings.ToLower(username)) {
		return false
	}
	return bits.OnesCount8(uint8(ADKinds(password))) >= 3
}

// ADKind is a kind of character of AD's complexity rule, as a bit.
type ADKind uint8

const (
	ADUpper   ADKind = 1 << iota // upper-case letters of any alphabet
	ADLower                      // lower-case letters of any alphabet
	ADDigit                      // 0-9
	ADSpecial                    // ~!@#$%^&*_-+=`|\(){}[]:;"'<>,.?/
	ADLetter                     // letters of no case (CJK, Arabic, ...)
)

// ADKinds are the kinds of AD's complexity rule that password holds.
func ADKinds(password string) ADKind {
	var k ADKind
	for _, r := range password {
		switch {
		case r >= '0' && r <= '9':
			k |= ADDigit
		case r > ' ' && r < 0x7f && !unicode.IsLetter(r):
			k |= ADSpecial
		case unicode.IsUpper(r):
			k |= ADUpper
		case unicode.IsLower(r):
			k |= ADLower
		case unicode.IsLetter(r):
			k |= ADLetter
		}
	}
	return k
}

// ppolicyRule reads the password-policy response control of a failed
// operation (draft-behera): its error names the rule.
func ppolicyRule(le *ldap.Error) (string, bool) {
	code, ok := ppolicyError(le)
	if !ok {
		return "", false
	}
	switch code {
	case 5: // insufficientPasswordQuality
		return RuleQuality, true
	case 6: // passwordTooShort
		return RuleTooShort, true
	case 7: // passwordTooYoung
		return RuleTooYoung, true
	case 8: // passwordInHistory
		return RuleHistory, true
	default:
		return RuleRefused, true
	}
}

// ppolicyError is the error of the password-policy response control in
// le's answer, if it holds one with an error.
func ppolicyError(le *ldap.Error) (int8, bool) {
	if le.Packet == nil || len(le.Packet.Children) < 3 {
		return 0, false
	}
	for _, child := range le.Packet.Children[2].Children {
		ctl, err := ldap.DecodeControl(child)
		if err != nil {
			continue
		}
		if pp, ok := ctl.(*ldap.ControlBeheraPasswordPolicy); ok && pp.Error >= 0 {
			return pp.Error, true
		}
	}
	return 0, false
}

// ppMustSupplyOldPassword is ppolicy's mustSupplyOldPassword (pwdSafeModify;
// 3 is passwordModNotAllowed).
const ppMustSupplyOldPassword = 4

// classify maps a failure that is not a refusal: a deadline, a dropped
// connection or a busy server is ErrUnavailable; missing rights and
// configuration are ErrOperator.
func (d *LDAP) classify(ctx context.Context, what string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%w: %s: %v (%v)", ErrUnavailable, what, ctx.Err(), err)
	}
	var le *ldap.Error
	if errors.As(err, &le) {
		switch le.ResultCode {
		case ldap.LDAPResultInsufficientAccessRights:
			return fmt.Errorf("%w: %s: the service account %q lacks the right (AD: Reset Password, and to write lockoutTime, on the accounts; OpenLDAP: write userPassword; styrke directory check names what to grant on AD): %v", ErrOperator, what, d.bindDN, err)
		case ldap.LDAPResultBusy, ldap.LDAPResultUnavailable, ldap.LDAPResultTimeLimitExceeded,
			ldap.LDAPResultAdminLimitExceeded, ldap.ErrorNetwork, ldap.LDAPResultServerDown,
			ldap.LDAPResultTimeout:
			return unavailable(what, err)
		case ldap.LDAPResultConfidentialityRequired, ldap.LDAPResultStrongAuthRequired:
			return fmt.Errorf("%w: %s: the directory requires a stronger connection: %v", ErrOperator, what, err)
		case ldap.LDAPResultSizeLimitExceeded:
			// OpenLDAP answers an ordinary account with at most its size
			// limit of entries, paged or not: the operator's to raise.
			return fmt.Errorf("%w: %s: the directory stopped the search at its size limit for the service account (OpenLDAP: olcSizeLimit, 500 entries by default; raise it for the service account alone with olcLimits: dn.exact=%q size=unlimited on the database): %v", ErrOperator, what, d.bindDN, err)
		}
		if le.ResultCode >= 200 { // go-ldap's own client-side codes: the connection
			return unavailable(what, err)
		}
		return fmt.Errorf("%w: %s: %v", ErrOperator, what, err)
	}
	if isTLSError(err) {
		return tlsError(err)
	}
	return unavailable(what, err)
}

func unavailable(what string, err error) error {
	return fmt.Errorf("%w: %s: %v", ErrUnavailable, what, err)
}

func isTLSError(err error) bool {
	var cv *tls.CertificateVerificationError
	var rh tls.RecordHeaderError
	return errors.As(err, &cv) || errors.As(err, &rh)
}

// tlsError: a certificate that does not verify is the operator's to fix
// (--directory-ca, --directory-server-name); anything else in the
// handshake may pass.
func tlsError(err error) error {
	// An answer that is no TLS, or a server that hangs up at the
	// handshake: most likely LDAP's plain port with an LDAPS scheme.
	const plain = "if this is LDAP's plain port (389), use ad+starttls:// or ldap+starttls://; LDAPS is port 636"
	var rh tls.RecordHeaderError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &rh):
		return fmt.Errorf("%w: TLS: the server did not answer in TLS (%v): %s", ErrOperator, err, plain)
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		// Neither flag mends it (LDAPS certificates of AD's domain
		// controllers run out yearly).
		return fmt.Errorf("%w: TLS: the directory's certificate has expired or is not valid yet (%v): renew it on the directory server, or check this machine's clock", ErrOperator, err)
	case isTLSError(err):
		return fmt.Errorf("%w: TLS: %v (check --directory-ca and --directory-server-name)", ErrOperator, err)
	case errors.Is(err, io.EOF), errors.Is(err, syscall.ECONNRESET):
		return unavailable("TLS handshake (the server closed the connection: "+plain+")", err)
	}
	return unavailable("TLS handshake", err)
}

// encodeUnicodePwd is AD's unicodePwd value: the password in double
// quotes, UTF-16LE.
func encodeUnicodePwd(password string) string {
	u := utf16.Encode([]rune(`"` + password + `"`))
	b := make([]byte, 0, 2*len(u))
	for _, r := range u {
		b = append(b, byte(r), byte(r>>8))
	}
	return string(b)
}

// Settings implements Directory. AD: minPwdLength, pwdProperties'
// complexity bit, pwdHistoryLength, minPwdAge, maxPwdAge, lockoutThreshold
// and lockOutObservationWindow of the domain object (the rootDSE's
// defaultNamingContext). OpenLDAP: the
// ppolicy entry at the configured policy DN, or the one entry of class
// pwdPolicy under the base's naming context.
func (d *LDAP) Settings(ctx context.Context) (Settings, error) {
	ctx, cancel := d.withTimeout(ctx)
	defer cancel()
	c, err := d.service(ctx)
	if err != nil {
		return Settings{}, err
	}
	defer c.close()
	if err := d.checkServer(ctx, c); err != nil {
		return Settings{}, err
	}
	root, err := d.rootDSE(ctx, c, "defaultNamingContext", "namingContexts")
	if err != nil {
		return Settings{}, err
	}
	if d.flavour == FlavourAD {
		domain := root.GetAttributeValue("defaultNamingContext")
		res, err := c.Search(ldap.NewSearchRequest(domain, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
			"(objectClass=*)", domainAttrs[:], nil))
		if err != nil || len(res.Entries) == 0 {
			return Settings{}, d.classify(ctx, "read domain password settings", err)
		}
		return adSettings(res.Entries[0], domainAttrs), nil
	}
	base, scope, filter := d.policyDN, ldap.ScopeBaseObject, "(objectClass=pwdPolicy)"
	if base == "" {
		base, scope = d.namingContext(root), ldap.ScopeWholeSubtree
	}
	res, err := c.Search(ldap.NewSearchRequest(base, scope, ldap.NeverDerefAliases, 0, 0, false, filter, ppolicyAttrs, nil))
	if err != nil {
		return Settings{}, d.classify(ctx, "read password policy", err)
	}
	if len(res.Entries) == 0 {
		return Settings{}, nil // no policy: no rules of the directory's own
	}
	return ppolicySettings(defaultEntry(res.Entries)), nil
}

// AD's attributes of password settings, in adSettings' order: the domain
// object's, and a password settings object's (a fine-grained policy).
var (
	domainAttrs = [...]string{"minPwdLength", "pwdProperties", "pwdHistoryLength", "minPwdAge", "maxPwdAge", "lockoutThreshold", "lockOutObservationWindow"}
	psoAttrs    = [...]string{"msDS-MinimumPasswordLength", "msDS-PasswordComplexityEnabled", "msDS-PasswordHistoryLength", "msDS-MinimumPasswordAge", "msDS-MaximumPasswordAge", "msDS-LockoutThreshold", "msDS-LockoutObservationWindow"}
)

// ppolicyAttrs are the attributes of an OpenLDAP ppolicy entry that
// ppolicySettings reads.
var ppolicyAttrs = []string{"pwdMinLength", "pwdCheckQuality", "pwdInHistory", "pwdMinAge", "pwdMaxAge", "pwdMaxFailure", "pwdLockout", "pwdFailureCountInterval", "pwdMustChange", "pwdSafeModify"}

// num is the integer value of e's attr, 0 when it has none.
func num(e *ldap.Entry, attr string) int64 {
	n, _ := strconv.ParseInt(e.GetAttributeValue(attr), 10, 64)
	return n
}

// adSettings reads AD's password settings from e, the domain object or a
// password settings object (attrs: domainAttrs or psoAttrs). The
// complexity is a bit of the domain's pwdProperties, a boolean of its own
// in a password settings object; ages and windows are in 100 ns units,
// stored negative.
func adSettings(e *ldap.Entry, attrs [7]string) Settings {
	var s Settings
	s.MinLength = int(num(e, attrs[0]))
	if v := e.GetAttributeValue(attrs[1]); strings.EqualFold(v, "TRUE") || strings.EqualFold(v, "FALSE") {
		s.Complexity = strings.EqualFold(v, "TRUE") // a password settings object's
	} else {
		s.Complexity = num(e, attrs[1])&1 == 1 // the domain's pwdProperties
	}
	s.History = int(num(e, attrs[2]))
	s.MinAge = time.Duration(max(-num(e, attrs[3]), 0)) * 100
	if n := num(e, attrs[4]); n < 0 && n != math.MinInt64 { // the least int64: never
		s.MaxAge = time.Duration(-n) * 100
	}
	s.LockoutThreshold = int(num(e, attrs[5]))
	s.LockoutWindow = time.Duration(max(-num(e, attrs[6]), 0)) * 100
	return s
}

// ppolicySettings reads an OpenLDAP ppolicy entry (ppolicyAttrs).
func ppolicySettings(e *ldap.Entry) Settings {
	var s Settings
	s.MinLength = int(num(e, "pwdMinLength"))
	s.QualityCheck = int(num(e, "pwdCheckQuality"))
	s.History = int(num(e, "pwdInHistory"))
	s.MinAge = time.Duration(num(e, "pwdMinAge")) * time.Second
	s.MinAgeOnSets = s.MinAge > 0
	s.MustChange = strings.EqualFold(e.GetAttributeValue("pwdMustChange"), "TRUE")
	s.SafeModify = strings.EqualFold(e.GetAttributeValue("pwdSafeModify"), "TRUE")
	s.MaxAge = time.Duration(num(e, "pwdMaxAge")) * time.Second
	if strings.EqualFold(e.GetAttributeValue("pwdLockout"), "TRUE") {
		s.LockoutThreshold = int(num(e, "pwdMaxFailure"))
		s.LockoutWindow = time.Duration(num(e, "pwdFailureCountInterval")) * time.Second
	}
	return s
}

// ownPolicyAttr is the attribute of an account's entry that names a
// password policy of its own.
func (d *LDAP) ownPolicyAttr() string {
	if d.flavour == FlavourOpenLDAP {
		return "pwdPolicySubentry"
	}
	return "msDS-ResultantPSO"
}

// AccountPolicy implements Directory: the policy the account's
// msDS-ResultantPSO (AD) or pwdPolicySubentry (OpenLDAP) names, read on
// the account's entry by a search of that entry alone (AD computes
// msDS-ResultantPSO, and constructs such attributes for a base search,
// as nextChange reads it), and its rules where the service account may
// read them. A policy whose read fails for another reason than the
// service account's rights (the directory stopped answering) is an error,
// not a policy it may not read.
func (d *LDAP) AccountPolicy(ctx context.Context, username string) (AccountPolicy, error) {
	ctx, cancel := d.withTimeout(ctx)
	defer cancel()
	c, err := d.service(ctx)
	if err != nil {
		return AccountPolicy{}, err
	}
	defer c.close()
	e, err := d.findEntry(ctx, c, username, []string{"1.1"})
	if err != nil {
		return AccountPolicy{}, err
	}
	attr := d.ownPolicyAttr()
	res, err := c.Search(ldap.NewSearchRequest(e.DN, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{attr}, nil))
	if err != nil || len(res.Entries) != 1 {
		return AccountPolicy{}, d.classify(ctx, "read the account's password policy", err)
	}
	dn := res.Entries[0].GetAttributeValue(attr)
	if dn == "" {
		return AccountPolicy{}, nil
	}
	s, ok, err := d.ownPolicy(c, dn)
	if err != nil {
		return AccountPolicy{}, d.classify(ctx, "read the account's password policy", err)
	}
	return AccountPolicy{Own: true, Read: ok, Settings: s}, nil
}

// NamedSettings are the rules of one password policy of accounts' own, by
// its DN. Unread is a policy the service account may see but not read (AD's
// default: only administrators may read a fine-grained policy), whose
// Settings are zero: what it asks is not known (see AccountPolicies for
// whom it applies to).
type NamedSettings struct {
	DN       string
	Settings Settings
	Unread   bool
}

// AccountPolicies lists the password policies of accounts' own that the
// service account may read and that apply to an account under the base,
// with their rules: AD's fine-grained password settings objects (in the
// domain's Password Settings Container) whose msDS-PSOAppliesTo names an
// account under the base or a group one of them is in (at any depth), and
// OpenLDAP's ppolicy entries (but the default one, as Settings chooses
// it) that an account under the base names as its pwdPolicySubentry.
// Those of accounts Styrke does not serve are not listed (the
// administrators' fine-grained policy, usually stricter, is none of its
// business); those it may see but not read are, as Unread (on AD, by
// default, every one: the container lists them, and only administrators
// may read them), where they apply to an account under the base or that
// cannot be read either (AD's msDS-PSOAppliesTo, by default); those it
// may not see at all are not. A policy whose rules it may read and whose
// msDS-PSOAppliesTo it may not looks like one that applies to nobody: not
// listed (the grant README gives reads both). For directory check, which
// holds each to the policy as it does the domain's (an account under one
// sees its rules on the pages, and its refusals are named by them) and
// says which it could not check.
func (d *LDAP) AccountPolicies(ctx context.Context) ([]NamedSettings, error) {
	ctx, cancel := d.withTimeout(ctx)
	defer cancel()
	c, err := d.service(ctx)
	if err != nil {
		return nil, err
	}
	defer c.close()
	root, err := d.rootDSE(ctx, c, "defaultNamingContext", "namingContexts")
	if err != nil {
		return nil, err
	}
	base, scope, filter, attrs, must := d.namingContext(root), ldap.ScopeWholeSubtree, "(objectClass=pwdPolicy)", append([]string{"pwdAttribute"}, ppolicyAttrs...), "pwdAttribute"
	if d.flavour == FlavourAD {
		base = "CN=Password Settings Container,CN=System," + root.GetAttributeValue("defaultNamingContext")
		// Every child (AD's schema lets only password settings objects be
		// one; others are left out below, defensively): a filter on their
		// class matches none that the service account may not read, where
		// objectClass=* matches each it may see.
		scope, filter, attrs, must = ldap.ScopeSingleLevel, "(objectClass=*)", append([]string{"objectClass", "msDS-PSOAppliesTo"}, psoAttrs[:]...), psoAttrs[0]
	}
	// Paged: AD answers at most 1,000 entries a search (MaxPageSize).
	// (slapd's sizelimit, 500 by default, bounds a paged search too.)
	res, err := c.SearchWithPaging(ldap.NewSearchRequest(base, scope, ldap.NeverDerefAliases, 0, 0, false, filter, attrs, nil), policyPageSize)
	switch {
	case ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject), ldap.IsErrorWithCode(err, ldap.LDAPResultInsufficientAccessRights):
		return nil, nil // none it may see
	case err != nil:
		return nil, d.classify(ctx, "list the password policies of accounts' own", err)
	}
	def := ""
	if d.flavour == FlavourOpenLDAP {
		def = defaultPolicy(res.Entries, d.policyDN)
	}
	var out []NamedSettings
	for _, e := range res.Entries {
		if normDN(e.DN) == normDN(def) {
			continue
		}
		unread := e.GetAttributeValue(must) == ""
		if classes := e.GetAttributeValues("objectClass"); unread && len(classes) > 0 &&
			!slices.ContainsFunc(classes, func(c string) bool { return strings.EqualFold(c, "msDS-PasswordSettings") }) {
			continue // AD: a child of another class
		}
		// Whom an unread AD policy applies to is mostly unread too
		// (msDS-PSOAppliesTo: then it may be anyone's); OpenLDAP's
		// accounts name theirs.
		if !unread || d.flavour == FlavourOpenLDAP || len(e.GetAttributeValues("msDS-PSOAppliesTo")) > 0 {
			served, err := d.appliesUnderBase(c, e)
			if err != nil {
				return nil, d.classify(ctx, "find the accounts a password policy applies to", err)
			}
			if !served {
				continue
			}
		}
		if unread {
			out = append(out, NamedSettings{DN: e.DN, Unread: true})
			continue
		}
		n := NamedSettings{DN: e.DN, Settings: ppolicySettings(e)}
		if d.flavour == FlavourAD {
			n.Settings = adSettings(e, psoAttrs)
		}
		out = append(out, n)
	}
	return out, nil
}

// policyPageSize is the page of AccountPolicies' search.
const policyPageSize = 200

// defaultPolicy is the DN of the ppolicy entry Settings reads among
// entries (in the order its search returned them): the one configured,
// else the last whose DN starts with cn=default, else the first.
func defaultPolicy(entries []*ldap.Entry, configured string) string {
	if configured != "" || len(entries) == 0 {
		return configured
	}
	return defaultEntry(entries).DN
}

// defaultEntry is the last of entries (at least one) whose DN starts with
// cn=default, else the first.
func defaultEntry(entries []*ldap.Entry) *ldap.Entry {
	def := entries[0]
	for _, e := range entries {
		if strings.HasPrefix(strings.ToLower(e.DN), "cn=default,") {
			def = e
		}
	}
	return def
}

// appliesUnderBase reports whether the policy e applies to an account
// under the base: OpenLDAP, one names it as its pwdPolicySubentry; AD, its
// msDS-PSOAppliesTo names one, or a group one is in at any depth
// (LDAP_MATCHING_RULE_IN_CHAIN).
func (d *LDAP) appliesUnderBase(c *conn, e *ldap.Entry) (bool, error) {
	var filters []string
	if d.flavour == FlavourOpenLDAP {
		filters = []string{"(pwdPolicySubentry=" + ldap.EscapeFilter(e.DN) + ")"}
	}
	for _, to := range e.GetAttributeValues("msDS-PSOAppliesTo") {
		if strings.HasSuffix(normDN(to), normDN(d.base)) {
			return true, nil
		}
		filters = append(filters, "(memberOf:1.2.840.113556.1.4.1941:="+ldap.EscapeFilter(to)+")")
	}
	for _, f := range filters {
		res, err := c.Search(ldap.NewSearchRequest(d.base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases, 1, 0, false, f, []string{"1.1"}, nil))
		switch {
		case ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded):
			return true, nil
		case err != nil:
			return false, err
		case len(res.Entries) > 0:
			return true, nil
		}
	}
	return false, nil
}

// ownPolicy reads the password policy at dn (AD: a password settings
// object; OpenLDAP: a ppolicy entry); ok is false when the service account
// may not read it (refused, the entry not found for it, or an attribute
// every such policy has missing). err is any other failure of the search.
func (d *LDAP) ownPolicy(c *conn, dn string) (s Settings, ok bool, err error) {
	attrs, must := psoAttrs[:], psoAttrs[0]
	if d.flavour == FlavourOpenLDAP {
		attrs, must = append([]string{"pwdAttribute"}, ppolicyAttrs...), "pwdAttribute"
	}
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", attrs, nil))
	switch {
	case ldap.IsErrorWithCode(err, ldap.LDAPResultInsufficientAccessRights), ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject):
		return Settings{}, false, nil
	case err != nil:
		return Settings{}, false, err
	case len(res.Entries) != 1 || res.Entries[0].GetAttributeValue(must) == "":
		return Settings{}, false, nil
	case d.flavour == FlavourOpenLDAP:
		return ppolicySettings(res.Entries[0]), true, nil
	}
	return adSettings(res.Entries[0], psoAttrs), true, nil
}

// namingContext is the naming context of the rootDSE root that holds the
// base (where the ppolicy entries are), or the base itself.
func (d *LDAP) namingContext(root *ldap.Entry) string {
	base := d.base
	for _, nc := range root.GetAttributeValues("namingContexts") {
		if strings.HasSuffix(strings.ToLower(d.base), strings.ToLower(nc)) {
			base = nc
		}
	}
	return base
}

// cachedSettings reads Settings once (for classifying refusals).
func (d *LDAP) cachedSettings(ctx context.Context) (Settings, error) {
	d.settingsMu.Lock()
	defer d.settingsMu.Unlock()
	if d.settings != nil {
		return *d.settings, nil
	}
	s, err := d.Settings(context.WithoutCancel(ctx))
	if err != nil {
		return s, err
	}
	d.settings = &s
	return s, nil
}
