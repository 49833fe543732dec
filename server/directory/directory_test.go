package directory_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/internal/silent"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
)

var ad, ol *dirtest.Server

func TestMain(m *testing.M) { os.Exit(dirtest.Main(m, &ad, &ol)) }

var userSeq atomic.Int64

// newUser creates a fresh account with a password both directories accept.
func newUser(t *testing.T, s *dirtest.Server) (username, dn string) {
	t.Helper()
	username = "user" + time.Now().Format("150405") + "x" + itoa(userSeq.Add(1))
	dn, err := s.CreateUser(username, initial)
	require.NoError(t, err)
	return username, dn
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

const initial = "Initial!Passw0rd-2026"

// config is the directory configuration for s as Styrke's service account.
func config(s *dirtest.Server, startTLS bool) directory.Config {
	scheme, hostport := "ldaps", s.HostPort()
	if s.Kind == dirtest.AD {
		scheme = "ad"
	}
	if startTLS {
		scheme += "+starttls"
		if s.Kind == dirtest.OpenLDAP {
			scheme = "ldap+starttls"
		}
		hostport = s.StartTLSHostPort()
	}
	return directory.Config{
		URL: scheme + "://" + hostport, BindDN: s.ServiceDN, Password: s.ServicePassword,
		Base: s.PeopleDN, CA: s.CAFile,
	}
}

func open(t *testing.T, c directory.Config) directory.Directory {
	t.Helper()
	d, err := directory.Open(c)
	require.NoError(t, err)
	t.Cleanup(func() { d.Close() })
	return d
}

func both(t *testing.T, f func(t *testing.T, s *dirtest.Server)) {
	for _, s := range []*dirtest.Server{ad, ol} {
		t.Run(string(s.Kind), func(t *testing.T) { f(t, s) })
	}
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

// TestSetPassword: after SetPassword the account binds with the new
// password and no longer with the old, over LDAPS and StartTLS.
func TestSetPassword(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		for _, startTLS := range []bool{false, true} {
			d := open(t, config(s, startTLS))
			user, dn := newUser(t, s)
			pw := "Fresh!Passw0rd-" + user
			require.NoError(t, d.SetPassword(ctx(t), user, pw), "startTLS=%v", startTLS)
			ok, err := s.CanBind(dn, pw)
			require.NoError(t, err)
			assert.True(t, ok, "new password binds (startTLS=%v)", startTLS)
			ok, err = s.CanBind(dn, initial)
			require.NoError(t, err)
			assert.False(t, ok, "old password no longer binds (startTLS=%v)", startTLS)
			assert.NoError(t, d.Verify(ctx(t), user, pw))
			assert.ErrorIs(t, d.Verify(ctx(t), user, initial), directory.ErrInvalidCredentials)
		}
	})
}

// TestRefusals: the directory's own rules come back as stable rule codes,
// and the account keeps its password.
func TestRefusals(t *testing.T) {
	type row struct {
		name     string
		password string
		change   bool // the person's own change (history applies)
		repeat   bool // set the same password twice
		want     string
	}
	rows := map[dirtest.Kind][]row{
		dirtest.AD: {
			{"too short", "Sh0rt!pw", false, false, directory.RuleTooShort},
			{"lowercase passphrase fails complexity", "correct horse battery staple", false, false, directory.RuleComplexity},
			{"own history on change", initial, true, false, directory.RuleHistory},
		},
		dirtest.OpenLDAP: {
			{"too short", "Sh0rt!pw", false, false, directory.RuleTooShort},
			{"in history", "Another!Passw0rd-77", false, true, directory.RuleHistory},
			{"own history on change", initial, true, false, directory.RuleHistory},
		},
	}
	both(t, func(t *testing.T, s *dirtest.Server) {
		d := open(t, config(s, false))
		for _, r := range rows[s.Kind] {
			t.Run(r.name, func(t *testing.T) {
				user, dn := newUser(t, s)
				var err error
				switch {
				case r.change:
					err = d.ChangePassword(ctx(t), user, initial, r.password)
				case r.repeat:
					require.NoError(t, d.SetPassword(ctx(t), user, r.password))
					err = d.SetPassword(ctx(t), user, r.password)
				default:
					err = d.SetPassword(ctx(t), user, r.password)
				}
				var ref *directory.Refusal
				require.ErrorAs(t, err, &ref, "password %q", r.name)
				assert.Equal(t, r.want, ref.Rule)
				assert.NotContains(t, err.Error()+ref.Diagnostic, r.password, "the error never holds the password")
				if !r.repeat {
					ok, err := s.CanBind(dn, initial)
					require.NoError(t, err)
					assert.True(t, ok, "the account keeps its password")
				}
			})
		}
	})
}

// TestChangePassword: the person's own change needs the current password;
// a wrong one or an unknown account look the same.
func TestChangePassword(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		d := open(t, config(s, false))
		user, dn := newUser(t, s)
		pw := "Changed!Passw0rd-" + user
		assert.ErrorIs(t, d.ChangePassword(ctx(t), user, "Wrong!Passw0rd-99", pw), directory.ErrInvalidCredentials)
		assert.ErrorIs(t, d.ChangePassword(ctx(t), "nosuchuser", initial, pw), directory.ErrInvalidCredentials)
		assert.ErrorIs(t, d.ChangePassword(ctx(t), user, "", pw), directory.ErrInvalidCredentials, "empty current password")
		require.NoError(t, d.ChangePassword(ctx(t), user, initial, pw))
		ok, err := s.CanBind(dn, pw)
		require.NoError(t, err)
		assert.True(t, ok)
		ok, err = s.CanBind(dn, initial)
		require.NoError(t, err)
		assert.False(t, ok, "old password no longer binds")
	})
}

// TestVerifyEmptyPassword: an empty password is never an anonymous bind.
func TestVerifyEmptyPassword(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		d := open(t, config(s, false))
		user, _ := newUser(t, s)
		assert.ErrorIs(t, d.Verify(ctx(t), user, ""), directory.ErrInvalidCredentials)
	})
}

// TestFilterInjection: a username with filter syntax matches only an
// account of exactly that name, so it cannot widen the search.
func TestFilterInjection(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		d := open(t, config(s, false))
		user, dn := newUser(t, s)
		for _, name := range []string{"*", "*)(cn=*", user + ")(|(uid=*", "*)(objectClass=*", user[:4] + "*"} {
			err := d.SetPassword(ctx(t), name, "Injected!Passw0rd-1")
			assert.ErrorIs(t, err, directory.ErrAccount, "username %q", name)
		}
		ok, err := s.CanBind(dn, initial)
		require.NoError(t, err)
		assert.True(t, ok, "nobody's password changed")
	})
}

// TestOperatorErrors: what only an operator can fix is ErrOperator, with a
// message that says what to fix.
func TestOperatorErrors(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		outsider := "out" + itoa(userSeq.Add(1)) + time.Now().Format("150405")
		_, err := s.CreateUserOutside(outsider, initial)
		require.NoError(t, err)
		wide := config(s, false)
		wide.Base = s.BaseDN
		wrongPw := config(s, false)
		wrongPw.Password = "not-the-password"
		otherCA := config(s, false)
		otherCA.CA = writeForeignCA(t)
		wrongName := config(s, false)
		wrongName.ServerName = "ldap.example.org"
		noBase := config(s, false)
		noBase.Base = "ou=nowhere," + s.BaseDN
		if s.Kind == dirtest.AD {
			noBase.Base = "OU=Nowhere," + s.BaseDN
		}
		cases := []struct {
			name string
			c    directory.Config
			user string
			want string // in the message
		}{
			{"no right on the account", wide, outsider, "styrke directory check names what to grant"},
			{"wrong service password", wrongPw, outsider, "cannot bind"},
			{"CA that did not sign", otherCA, outsider, "directory-ca"},
			{"certificate for another name", wrongName, outsider, "directory-server-name"},
			{"search base missing", noBase, outsider, "does not exist"},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				d := open(t, c.c)
				err := d.SetPassword(ctx(t), c.user, "Operator!Passw0rd-1")
				require.ErrorIs(t, err, directory.ErrOperator)
				assert.Contains(t, err.Error(), c.want)
				assert.NotContains(t, err.Error(), "Operator!Passw0rd-1")
				assert.NotContains(t, err.Error(), s.ServicePassword)
			})
		}
	})
}

// writeForeignCA writes a fresh CA certificate that signed nothing here.
func writeForeignCA(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Foreign CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	f := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(f, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	return f
}

// TestUnavailable: a stopped directory and one that never answers are
// ErrUnavailable, the latter within the deadline; the same call succeeds
// once the directory is back.
func TestUnavailable(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		d := open(t, config(s, false))
		user, dn := newUser(t, s)
		pw := "Back!Passw0rd-" + user
		s.Stop()
		err := d.SetPassword(ctx(t), user, pw)
		restart, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		require.NoError(t, s.Start(restart))
		require.ErrorIs(t, err, directory.ErrUnavailable)
		assert.NotErrorIs(t, err, directory.ErrAfterWrite, "nothing went out")
		assert.ErrorIs(t, d.Ping(ctx(t)), nil)
		require.NoError(t, d.SetPassword(ctx(t), user, pw))
		ok, err := s.CanBind(dn, pw)
		require.NoError(t, err)
		assert.True(t, ok)
	})
	t.Run("silent server", func(t *testing.T) {
		c := config(ad, false)
		c.URL = "ad://" + silent.Listen(t)
		c.Timeout = 500 * time.Millisecond
		d := open(t, c)
		start := time.Now()
		err := d.SetPassword(context.Background(), "kari", "Silent!Passw0rd-1")
		assert.ErrorIs(t, err, directory.ErrUnavailable)
		assert.NotErrorIs(t, err, directory.ErrAfterWrite, "nothing went out")
		assert.Less(t, time.Since(start), 5*time.Second, "bounded by the timeout")
	})
}

// TestLostWriteAnswer: a password write that reached the directory and
// whose answer was lost (a proxy that closes the connection once the
// directory answered the write) is ErrUnavailable joined with
// ErrAfterWrite, so that the reset does not say nothing was changed: the
// directory took the password.
func TestLostWriteAnswer(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		p, err := s.Proxy()
		require.NoError(t, err)
		t.Cleanup(p.Close)
		c := config(s, false)
		c.URL = strings.Replace(c.URL, s.HostPort(), p.HostPort(), 1)
		d := open(t, c)
		user, dn := newUser(t, s)
		pw := "Lost!Answer-" + user
		p.LoseWriteAnswers(true)
		err = d.SetPassword(ctx(t), user, pw)
		assert.ErrorIs(t, err, directory.ErrUnavailable)
		assert.ErrorIs(t, err, directory.ErrAfterWrite)
		assert.EqualValues(t, 1, p.Lost.Load(), "answers lost")
		ok, err := s.CanBind(dn, pw)
		require.NoError(t, err)
		assert.True(t, ok, "the directory took the password")
	})
}

// TestLostChangeAnswer: the person's own change (ChangePassword) whose
// write reached the directory and whose answer was lost is ErrUnavailable
// joined with ErrAfterWrite, as SetPassword's is: the change page said the
// password was not changed, and it was.
func TestLostChangeAnswer(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		p, err := s.Proxy()
		require.NoError(t, err)
		t.Cleanup(p.Close)
		c := config(s, false)
		c.URL = strings.Replace(c.URL, s.HostPort(), p.HostPort(), 1)
		d := open(t, c)
		user, dn := newUser(t, s)
		pw := "Lost!Change-" + user
		p.LoseWriteAnswers(true)
		err = d.ChangePassword(ctx(t), user, initial, pw)
		assert.ErrorIs(t, err, directory.ErrUnavailable)
		assert.ErrorIs(t, err, directory.ErrAfterWrite)
		assert.EqualValues(t, 1, p.Lost.Load(), "answers lost")
		ok, err := s.CanBind(dn, pw)
		require.NoError(t, err)
		assert.True(t, ok, "the directory took the new password")
	})
}

// TestSettings reads each directory's own rules as the harness set them.
func TestSettings(t *testing.T) {
	want := map[dirtest.Kind]directory.Settings{
		dirtest.AD:       {MinLength: 10, Complexity: true, History: 5, LockoutThreshold: 5, LockoutWindow: 30 * time.Minute}, // Samba's default observation window
		dirtest.OpenLDAP: {MinLength: 12, QualityCheck: 2, History: 5, LockoutThreshold: 5},
	}
	both(t, func(t *testing.T, s *dirtest.Server) {
		got, err := open(t, config(s, false)).Settings(ctx(t))
		require.NoError(t, err)
		assert.Equal(t, want[s.Kind], got)
	})
}

// TestADComplexityAsSamba: MeetsADComplexity (which the pages' check
// follows, site/assets/form.js) says what Samba's complexity rule says of
// each password, a space being no kind of character; where Samba counts a
// non-ASCII symbol that Microsoft documents as of no kind, the function
// refuses what Samba accepts (stricter), never the other way.
func TestADComplexityAsSamba(t *testing.T) {
	cases := []struct {
		pw            string
		samba, strict bool // strict: Samba accepts what the function refuses
	}{
		{"fjellbekk lyngmo kvitveis", false, false},
		{"Fjellbekk lyngmo kvitveis", false, false},
		{"fjellbekk lyngmo 2026", false, false},
		{"FJELLBEKK lyngmo", false, false},
		{"fjellbekk-lyngmo-2026", true, false},
		{"fjellbekk~lyngmo2", true, false},
		{"FJELLBEKK~LYNGMO2", true, false},
		{"fjellbekkÆlyngmo2026", true, false},
		{"ФЖЛДЫфжлдыы2026", true, false},
		{"ФЖЛДЫфжлдыы", false, false},
		{"fjellbekk漢字lyngmo2026", true, false},
		{"ǅfjellbekklyngmo2", true, false},
		{"fjellbekk½lyngmo", false, false},
		{"fjellbekk€lyngmo2026", true, true},
		{"fjellbekk\u00a0lyngmo2026", true, true},
		{"fjellbekk§lyngmo2026", true, true},
	}
	for i, c := range cases {
		user := "cx" + itoa(int64(i)) + "x" + itoa(userSeq.Add(1))
		_, err := ad.CreateUser(user, c.pw)
		if err != nil {
			require.Contains(t, err.Error(), "complexity", "%q: refused for another reason", c.pw)
		}
		assert.Equal(t, c.samba, err == nil, "Samba's verdict on %q", c.pw)
		assert.Equal(t, c.samba && !c.strict, directory.MeetsADComplexity(c.pw, user), "%q", c.pw)
	}
}

// TestSettingsOpenLDAPSets: an OpenLDAP policy with a minimum age applies
// it to the service account's sets too (MinAgeOnSets), and pwdMustChange
// and pwdSafeModify are read, for directory check's findings.
func TestSettingsOpenLDAPSets(t *testing.T) {
	ol.SetSlapdPolicy(t, map[string]string{"pwdMinAge": "86400", "pwdMustChange": "TRUE", "pwdSafeModify": "TRUE"})
	got, err := open(t, config(ol, false)).Settings(ctx(t))
	require.NoError(t, err)
	assert.Equal(t, directory.Settings{MinLength: 12, QualityCheck: 2, History: 5, LockoutThreshold: 5,
		MinAge: 24 * time.Hour, MinAgeOnSets: true, MustChange: true, SafeModify: true}, got)
}

func TestPing(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		assert.NoError(t, open(t, config(s, false)).Ping(ctx(t)))
		bad := config(s, false)
		bad.Password = "wrong"
		assert.ErrorIs(t, open(t, bad).Ping(ctx(t)), directory.ErrOperator)
	})
}

// TestBindWithUPN: AD's service account may be named by its user principal
// name (name@realm), as AD binds it; it was refused as "not a DN". On
// OpenLDAP a UPN is refused at Open, saying to give the DN.
func TestBindWithUPN(t *testing.T) {
	c := config(ad, false)
	c.BindDN = "styrke-svc@styrke.test" // dirtest's realm STYRKE.TEST
	d := open(t, c)
	require.NoError(t, d.Ping(ctx(t)))
	o := config(ol, false)
	o.BindDN = "styrke@example.org"
	_, err := directory.Open(o)
	require.ErrorIs(t, err, directory.ErrConfig)
	assert.Contains(t, err.Error(), "only Active Directory")
}

// TestAccountName: AD's user principal name (in any case) and down-level
// logon name (NetBIOS or DNS domain name, a backslash, the name) are the
// account's sAMAccountName; another domain's, an unknown principal name
// and a plain username stay as typed, and OpenLDAP maps nothing.
func TestAccountName(t *testing.T) {
	user, _ := newUser(t, ad)
	d := open(t, config(ad, false))
	for typed, want := range map[string]string{
		user + "@styrke.test":                  user,
		strings.ToUpper(user) + "@STYRKE.TEST": user,
		`STYRKE\` + user:                       user,
		`styrke.test\` + user:                  user,
		`OTHER\` + user:                        `OTHER\` + user,
		"nobody" + user + "@styrke.test":       "nobody" + user + "@styrke.test",
		user:                                   user,
		`STYRKE\` + user + "@styrke.test":      `STYRKE\` + user + "@styrke.test",
	} {
		got, err := d.AccountName(ctx(t), typed)
		require.NoError(t, err, "typed %q", typed)
		assert.Equal(t, want, got, "typed %q", typed)
	}
	olUser, _ := newUser(t, ol)
	got, err := open(t, config(ol, false)).AccountName(ctx(t), olUser+"@example.org")
	require.NoError(t, err)
	assert.Equal(t, olUser+"@example.org", got, "OpenLDAP: as typed")
}

// TestAccountNameReadsTheDomainsOnce: the domain's names that DOMAIN\name
// is checked against are read once by a directory, not at every username
// so typed (a search of the configuration partition each): after the
// service account may no longer read the domain's crossRef, the directory
// still maps STYRKE\name, where a directory opened since cannot.
func TestAccountNameReadsTheDomainsOnce(t *testing.T) {
	user, _ := newUser(t, ad)
	dn, password, sid, err := ad.CreateServiceAccount("svcdom"+itoa(userSeq.Add(1)), dirtest.ResetPasswordACE)
	require.NoError(t, err)
	c := config(ad, false)
	c.BindDN, c.Password = dn, password
	d := open(t, c)
	got, err := d.AccountName(ctx(t), `STYRKE\`+user)
	require.NoError(t, err)
	require.Equal(t, user, got)
	require.NoError(t, ad.AddACE("CN=STYRKE,CN=Partitions,CN=Configuration,"+ad.BaseDN, "(D;;RP;;;"+sid+")"))
	got, err = open(t, c).AccountName(ctx(t), `STYRKE\`+user)
	require.NoError(t, err)
	require.Equal(t, `STYRKE\`+user, got, "a directory opened now cannot read the domain's names")
	got, err = d.AccountName(ctx(t), `STYRKE\`+user)
	require.NoError(t, err)
	assert.Equal(t, user, got, "read once, before")
}

// TestLDAPSOnThePlainPort: an LDAPS scheme (ad://, ldaps://) pointed at
// LDAP's plain port says so and what to use; it said only "TLS handshake:
// connection reset by peer" or "EOF".
func TestLDAPSOnThePlainPort(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		c := config(s, false)
		c.URL = strings.Replace(c.URL, s.HostPort(), s.StartTLSHostPort(), 1)
		err := open(t, c).Ping(ctx(t))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "starttls://", "%v", err)
	})
}

// TestPingChecksBaseAndKind: a search base that does not exist, and a
// scheme of the other kind of directory (ldaps:// on AD, ad:// on
// OpenLDAP), are the operator's errors at Ping (readyz, serve's start)
// and at Settings (directory check), each naming what to mend. Both were
// "ready" and "agrees with the policy" until every password set failed.
func TestPingChecksBaseAndKind(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		noBase := config(s, false)
		noBase.Base = "ou=nowhere," + s.BaseDN
		otherKind := config(s, false)
		if s.Kind == dirtest.AD {
			otherKind.URL = "ldaps://" + s.HostPort()
		} else {
			otherKind.URL = "ad://" + s.HostPort()
		}
		for _, c := range []struct {
			name string
			c    directory.Config
			want string
		}{
			{"search base missing", noBase, "does not exist"},
			{"the other kind's scheme", otherKind, map[dirtest.Kind]string{dirtest.AD: "is Active Directory: use ad://", dirtest.OpenLDAP: "is not Active Directory"}[s.Kind]},
		} {
			t.Run(c.name, func(t *testing.T) {
				d := open(t, c.c)
				err := d.Ping(ctx(t))
				require.ErrorIs(t, err, directory.ErrOperator)
				assert.Contains(t, err.Error(), c.want)
				_, err = d.Settings(ctx(t))
				require.ErrorIs(t, err, directory.ErrOperator)
				assert.Contains(t, err.Error(), c.want)
				assert.NotContains(t, err.Error(), s.ServicePassword)
			})
		}
	})
}

// TestPerson: the service account reads the account's name, phone number
// and date of birth from the attributes configured (here displayName,
// mobile, and employeeNumber for the date of birth, as both directories'
// schemas have them), an attribute the entry lacks is empty, none is read
// unless named ("-" or nothing), and an account the filter does not find
// is ErrAccount.
func TestPerson(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		user, dn := newUser(t, s)
		require.NoError(t, s.SetAttributes(dn, map[string]string{
			"displayName": "Signe Bakkevold", "mobile": "+47 924 56 789", "employeeNumber": "19850724",
		}))
		c := config(s, false)
		c.NameAttribute, c.PhoneAttribute, c.BirthDateAttribute = "displayName", "mobile", "employeeNumber"
		p, err := open(t, c).Person(ctx(t), user)
		require.NoError(t, err)
		assert.Equal(t, directory.Person{Name: "Signe Bakkevold", Phone: "+47 924 56 789", BirthDate: "1985-07-24"}, p)

		c.NameAttribute, c.PhoneAttribute, c.BirthDateAttribute = "-", "", "-"
		p, err = open(t, c).Person(ctx(t), user)
		require.NoError(t, err)
		assert.Zero(t, p, "no attribute asked")

		bare, _ := newUser(t, s)
		c.NameAttribute, c.PhoneAttribute, c.BirthDateAttribute = "displayName", "mobile", "employeeNumber"
		p, err = open(t, c).Person(ctx(t), bare)
		require.NoError(t, err)
		assert.Zero(t, p, "an entry without the attributes")

		_, err = open(t, c).Person(ctx(t), "nosuchuser"+itoa(userSeq.Add(1)))
		assert.ErrorIs(t, err, directory.ErrAccount)
	})
}

// TestFind: Find is nil for the one account the filter finds, an account
// AD has locked out after wrong passwords among them (a reset ends the
// lock), and ErrAccount for a username it finds none of. On AD an account
// disabled (userAccountControl ACCOUNTDISABLE) or expired (accountExpires
// passed) is ErrDisabled: it exists, and a password set there signs in
// only once the institution enables or extends it. Before, Find said nil
// for them, and the desk was not told when it issued such a person a link.
func TestFind(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		user, _ := newUser(t, s)
		assert.NoError(t, open(t, config(s, false)).Find(ctx(t), user))
		err := open(t, config(s, false)).Find(ctx(t), "nosuchuser"+itoa(userSeq.Add(1)))
		assert.ErrorIs(t, err, directory.ErrAccount)
	})
	t.Run("locked out", func(t *testing.T) {
		user, dn := newUser(t, ad)
		for range 5 {
			ok, err := ad.CanBind(dn, "Wrong!Passw0rd-2026")
			require.NoError(t, err)
			require.False(t, ok)
		}
		locked, err := ad.Locked(dn)
		require.NoError(t, err)
		require.True(t, locked, "AD locked it out")
		assert.NoError(t, open(t, config(ad, false)).Find(ctx(t), user), "a reset ends the lock")
	})
	for _, tc := range []struct {
		name  string
		attrs map[string]string
	}{
		{"disabled", map[string]string{"userAccountControl": "514"}},
		{"expired", map[string]string{"accountExpires": "1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			user, dn := newUser(t, ad)
			require.NoError(t, ad.SetAttributes(dn, tc.attrs))
			err := open(t, config(ad, false)).Find(ctx(t), user)
			assert.ErrorIs(t, err, directory.ErrDisabled, "%s %v", user, tc.attrs)
			assert.NotErrorIs(t, err, directory.ErrAccount)
		})
	}
	// OpenLDAP: an account the administrator locked for good
	// (pwdAccountLockedTime at 0000-01-01 00:00 UTC, in any spelling) is
	// ErrDisabled, as SetPassword reads it (ErrAdminLocked: the link sets
	// nothing there); one locked by wrong passwords is nil (a reset ends
	// the lock), and so is every account whose lock the service account
	// may not read (the rights check names the missing right). Before,
	// Find said nil for every one, and the desk was not told.
	d := open(t, config(ol, false))
	for _, lock := range []string{"000001010000Z", "00000101000000Z", "000001010100+0100"} {
		t.Run("openldap locked for good "+lock, func(t *testing.T) {
			user, dn := newUser(t, ol)
			require.NoError(t, ol.SetAttributes(dn, map[string]string{"pwdAccountLockedTime": lock}))
			err := d.Find(ctx(t), user)
			assert.ErrorIs(t, err, directory.ErrDisabled, "pwdAccountLockedTime %s", lock)
			assert.ErrorIs(t, err, directory.ErrAdminLocked, "pwdAccountLockedTime %s", lock)
			assert.NotErrorIs(t, err, directory.ErrAccount)
		})
	}
	for _, tc := range []struct {
		name, prefix, lock string
	}{
		{"openldap locked by wrong passwords", "user", "20261205101500Z"},
		{"openldap lock unreadable, locked for good", dirtest.SlapdHiddenLock, "000001010000Z"},
		{"openldap lock unreadable, not locked", dirtest.SlapdHiddenLock, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			user := tc.prefix + time.Now().Format("150405") + "x" + itoa(userSeq.Add(1))
			dn, err := ol.CreateUser(user, initial)
			require.NoError(t, err)
			if tc.lock != "" {
				require.NoError(t, ol.SetAttributes(dn, map[string]string{"pwdAccountLockedTime": tc.lock}))
			}
			assert.NoError(t, d.Find(ctx(t), user), "%s, pwdAccountLockedTime %q", user, tc.lock)
		})
	}
}

// TestNoBindNearLockout: once the directory counts its lockout threshold
// less directory.LockoutMargin wrong passwords against an account (the
// person's own logins, or anyone's), Verify sends no bind, the right
// password included, and the account is not locked; below that it binds
// as before. On AD (badPwdCount within lockOutObservationWindow) and
// OpenLDAP (pwdFailureTime), whose thresholds dirtest sets to 5.
func TestNoBindNearLockout(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		d := open(t, config(s, false))
		user, dn := newUser(t, s)
		wrong := func() {
			t.Helper()
			ok, err := s.CanBind(dn, "Wrong!Passw0rd-"+user)
			require.NoError(t, err)
			require.False(t, ok)
		}
		wrong()
		wrong()
		require.NoError(t, d.Verify(ctx(t), user, initial), "two wrong passwords counted: the right one binds")
		// A successful bind clears OpenLDAP's count; AD's badPwdCount is
		// cleared by a successful logon too.
		for range 5 - directory.LockoutMargin {
			wrong()
		}
		err := d.Verify(ctx(t), user, initial)
		require.ErrorIs(t, err, directory.ErrLocked, "three wrong passwords counted: no bind")
		locked, err := s.Locked(dn)
		require.NoError(t, err)
		assert.False(t, locked, "the account is not locked")
	})
}

// TestVerifyTakesAsLongForAnUnknownUsername: on AD, whose refused bind
// writes the account's badPwdCount, a wrong password answered without a
// bind (a username of no account, an account near its lockout) takes as
// long as one refused by a bind: its median over interleaved tries is at
// least half the bind's (compared, not bounded: the machine's load moves
// both). Both were answered at once (a median of 7-11 ms against 28-36 ms,
// about 26%), an oracle of which usernames exist.
func TestVerifyTakesAsLongForAnUnknownUsername(t *testing.T) {
	d := open(t, config(ad, false))
	kinds := []string{"a wrong password", "no account", "an account near its lockout"}
	took := make([][]time.Duration, len(kinds))
	for range 21 {
		for i, kind := range kinds {
			user, dn := newUser(t, ad)
			switch kind {
			case "no account":
				user = "nobody" + user
			case "an account near its lockout":
				for range 5 - directory.LockoutMargin {
					ok, err := ad.CanBind(dn, "Wrong!Passw0rd-"+user)
					require.NoError(t, err)
					require.False(t, ok)
				}
			}
			start := time.Now()
			err := d.Verify(ctx(t), user, "Wrong!Passw0rd-"+user)
			took[i] = append(took[i], time.Since(start))
			require.Error(t, err, kind)
		}
	}
	medians := make([]time.Duration, len(kinds))
	for i := range kinds {
		slices.Sort(took[i])
		medians[i] = took[i][len(took[i])/2]
	}
	for i, m := range medians[1:] {
		assert.GreaterOrEqual(t, float64(m), 0.5*float64(medians[0]), "%s: median %v, a wrong password's %v", kinds[i+1], m, medians[0])
	}
}

// TestVerifyTakesAsLongAfterAStart: right after a start, while no refused
// bind has been timed, an unknown username's answer takes as long as a
// wrong password's refused by a bind (medians over fresh instances, the
// first answer of each). It was answered at once until the first refused
// bind (on Samba AD a median of about 10 ms against 40-90), an oracle of
// which usernames exist for whoever asked first after a restart.
func TestVerifyTakesAsLongAfterAStart(t *testing.T) {
	kinds := []string{"a wrong password", "no account"}
	took := make([][]time.Duration, len(kinds))
	for range 7 {
		for i, kind := range kinds {
			d := open(t, config(ad, false)) // fresh: no refused bind timed
			user, _ := newUser(t, ad)
			if kind == "no account" {
				user = "nobody" + user
			}
			start := time.Now()
			err := d.Verify(ctx(t), user, "Wrong!Passw0rd-"+user)
			took[i] = append(took[i], time.Since(start))
			require.ErrorIs(t, err, directory.ErrInvalidCredentials, kind)
		}
	}
	medians := make([]time.Duration, len(kinds))
	for i := range kinds {
		slices.Sort(took[i])
		medians[i] = took[i][len(took[i])/2]
	}
	assert.GreaterOrEqual(t, float64(medians[1]), 0.5*float64(medians[0]), "no account: median %v, a wrong password's %v", medians[1], medians[0])
	assert.GreaterOrEqual(t, float64(medians[0]), 0.5*float64(medians[1]), "a wrong password: median %v, no account's %v", medians[0], medians[1])
}

// TestServicePasswordRotated: the service account's password changed in
// the directory and in its password file (a rotation) is read again at
// the first bind it fails, without a restart; every instance had to be
// restarted, and until then every password write failed.
func TestServicePasswordRotated(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		file := filepath.Join(t.TempDir(), "service.pw")
		require.NoError(t, os.WriteFile(file, []byte(s.ServicePassword+"\n"), 0o600))
		c := config(s, false)
		c.PasswordFile = file
		d := open(t, c)
		require.NoError(t, d.Ping(ctx(t)))

		setService := func(pw string) {
			t.Helper()
			admin, err := s.Admin()
			require.NoError(t, err)
			defer admin.Close()
			mod := ldap.NewModifyRequest(s.ServiceDN, nil)
			if s.Kind == dirtest.AD {
				mod.Replace("unicodePwd", []string{dirtest.EncodeUnicodePwd(pw)})
			} else {
				mod.Replace("userPassword", []string{pw})
			}
			require.NoError(t, admin.Modify(mod))
		}
		rotated := s.ServicePassword + "-Rotated!9"
		setService(rotated)
		t.Cleanup(func() { setService(s.ServicePassword) })
		require.NoError(t, os.WriteFile(file, []byte(rotated+"\n"), 0o600))

		user, dn := newUser(t, s)
		require.NoError(t, d.SetPassword(ctx(t), user, "Rotated!Passw0rd-"+user), "the new password file is read")
		ok, err := s.CanBind(dn, "Rotated!Passw0rd-"+user)
		require.NoError(t, err)
		assert.True(t, ok)
	})
}

// TestServiceBindCannotLockTheServiceAccount: a service password the
// directory refuses (a password file not updated after a rotation) is not
// sent again by every request and probe: ten Pings bind once, so the
// directory's lockout (5 wrong passwords here) does not lock the service
// account, and the right password binds at the first call after it is in
// the file. Every Ping bound before, so a few probes of each instance
// locked the account, and then the right password did not bind either.
func TestServiceBindCannotLockTheServiceAccount(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		_, dn := newUser(t, s) // the service account: any account binds and reads
		file := filepath.Join(t.TempDir(), "service.pw")
		const stale = "Stale!Passw0rd-2025"
		require.NoError(t, os.WriteFile(file, []byte(stale+"\n"), 0o600))
		c := config(s, false)
		c.BindDN, c.Password, c.PasswordFile = dn, stale, file
		d := open(t, c)
		for i := range 10 {
			err := d.Ping(ctx(t))
			require.ErrorIs(t, err, directory.ErrOperator, "probe %d", i)
			assert.NotContains(t, err.Error(), stale)
		}
		locked, err := s.Locked(dn)
		require.NoError(t, err)
		assert.False(t, locked, "ten probes with a refused password locked the service account")
		require.NoError(t, os.WriteFile(file, []byte(initial+"\n"), 0o600))
		assert.NoError(t, d.Ping(ctx(t)), "the file's new password is tried at once")
	})
}

// TestSetPasswordLockedForGood: an OpenLDAP account the administrator
// locked for good (pwdAccountLockedTime at 0000-01-01 00:00 UTC) is not
// set, however the time was written: slapd keeps the spelling it was given
// and ppolicy compares the instant. SetPassword compared the string with
// 000001010000Z, so a lock written with seconds, a fraction or an offset
// was ended by the reset, and the account the institution had disabled
// logged in with the new password. A lockout by failures (any other time)
// and no lock are set, as before.
func TestSetPasswordLockedForGood(t *testing.T) {
	d := open(t, config(ol, false))
	set := func(t *testing.T, lock string) (locked, binds bool, err error) {
		t.Helper()
		user, dn := newUser(t, ol)
		if lock != "" {
			require.NoError(t, ol.SetAttributes(dn, map[string]string{"pwdAccountLockedTime": lock}))
		}
		fresh := "Fresh!Passw0rd-" + user
		err = d.SetPassword(ctx(t), user, fresh)
		locked, lerr := ol.Locked(dn)
		require.NoError(t, lerr)
		binds, berr := ol.CanBind(dn, fresh)
		require.NoError(t, berr)
		return locked, binds, err
	}
	for _, lock := range []string{
		"000001010000Z",     // slapo-ppolicy(5)'s spelling
		"00000101000000Z",   // with seconds: generalizedTime's normal form
		"0000010100Z",       // without minutes
		"00000101000000.0Z", // with a fraction
		"000001010100+0100", // with an offset: the same instant
	} {
		t.Run("locked for good "+lock, func(t *testing.T) {
			locked, binds, err := set(t, lock)
			assert.ErrorIs(t, err, directory.ErrDisabled, "pwdAccountLockedTime %s", lock)
			assert.True(t, locked, "pwdAccountLockedTime %s: the lock stays", lock)
			assert.False(t, binds, "pwdAccountLockedTime %s: the new password was set", lock)
		})
	}
	for _, tc := range []struct{ name, lock string }{
		{"no lock", ""},
		{"a lockout by failures", "20261205101500Z"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			locked, binds, err := set(t, tc.lock)
			require.NoError(t, err, "pwdAccountLockedTime %q", tc.lock)
			assert.False(t, locked, "pwdAccountLockedTime %q: the reset ends it", tc.lock)
			assert.True(t, binds, "pwdAccountLockedTime %q: the new password binds", tc.lock)
		})
	}
}

// TestSetPasswordLockUnreadable: where the service account may not read an
// account's pwdAccountLockedTime (an ACL on ppolicy's attributes), nothing
// is set and the error is the operator's, locked or not: the lock cannot
// be seen, and the write would end it. The search returned the entry
// without the attribute, as if there were no lock, and the reset ended the
// lock of an account the institution had disabled.
func TestSetPasswordLockUnreadable(t *testing.T) {
	d := open(t, config(ol, false))
	for _, tc := range []struct{ name, lock string }{
		{"locked for good", "000001010000Z"},
		{"not locked", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			user := dirtest.SlapdHiddenLock + time.Now().Format("150405") + "x" + itoa(userSeq.Add(1))
			dn, err := ol.CreateUser(user, initial)
			require.NoError(t, err)
			if tc.lock != "" {
				require.NoError(t, ol.SetAttributes(dn, map[string]string{"pwdAccountLockedTime": tc.lock}))
			}
			fresh := "Fresh!Passw0rd-" + user
			err = d.SetPassword(ctx(t), user, fresh)
			require.ErrorIs(t, err, directory.ErrOperator, "pwdAccountLockedTime %q", tc.lock)
			assert.Contains(t, err.Error(), "pwdAccountLockedTime")
			assert.NotContains(t, err.Error(), fresh)
			locked, err := ol.Locked(dn)
			require.NoError(t, err)
			assert.Equal(t, tc.lock != "", locked, "pwdAccountLockedTime %q: the lock as it was", tc.lock)
			binds, err := ol.CanBind(dn, fresh)
			require.NoError(t, err)
			assert.False(t, binds, "pwdAccountLockedTime %q: the new password was set", tc.lock)
		})
	}
}

// TestHoldKeyNamesTheAccount: the key an account's check and bind is held
// under across instances (HoldWith) names the account, however each
// instance spells the directory's URL (LDAPS or StartTLS, the host's
// address written otherwise): the key held the URL as configured, and
// instances configured apart held one account under two keys, read the
// same failure count and bound at once, as before the hold.
func TestHoldKeyNamesTheAccount(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		host, _, err := net.SplitHostPort(s.HostPort())
		require.NoError(t, err)
		spelt := config(s, false)
		// The same address as an IPv4-mapped IPv6 one.
		spelt.URL = strings.Replace(spelt.URL, "://"+host, "://[::ffff:"+host+"]", 1)
		user, _ := newUser(t, s)
		var keys []string
		for _, c := range []directory.Config{config(s, false), config(s, true), spelt} {
			d := open(t, c)
			d.(interface{ HoldWith(directory.Holder) }).HoldWith(func(_ context.Context, key string) (func(), error) {
				keys = append(keys, key)
				return func() {}, nil
			})
			err := d.Verify(ctx(t), user, "Wrong!Passw0rd-2026")
			require.ErrorIs(t, err, directory.ErrInvalidCredentials, "%s", c.URL)
		}
		require.Len(t, keys, 3)
		assert.Equal(t, keys[0], keys[1], "LDAPS and StartTLS to one directory")
		assert.Equal(t, keys[0], keys[2], "the host spelt otherwise")

		second, _ := newUser(t, s)
		d := open(t, config(s, false))
		d.(interface{ HoldWith(directory.Holder) }).HoldWith(func(_ context.Context, key string) (func(), error) {
			keys = append(keys, key)
			return func() {}, nil
		})
		require.ErrorIs(t, d.Verify(ctx(t), second, "Wrong!Passw0rd-2026"), directory.ErrInvalidCredentials)
		assert.NotEqual(t, keys[0], keys[3], "two accounts")
	})
}
