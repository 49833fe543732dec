package dirtest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// SlapdPolicy is the ppolicy default policy after StartSlapd: at least 12
// characters, quality checked, 5 remembered, lockout after 5 failures.
const SlapdPolicy = `pwdAttribute: userPassword
pwdMinLength: 12
pwdCheckQuality: 2
pwdInHistory: 5
pwdMaxFailure: 5
pwdLockout: TRUE
`

const slapdBase = "dc=styrke,dc=test"

// SlapdHiddenLock begins the usernames under ou=people whose
// pwdAccountLockedTime the service account may not read or compare (an ACL
// of the kind some installations put on ppolicy's attributes); everyone
// else's it may read.
const SlapdHiddenLock = "hiddenlock"

// slapdHiddenPolicy begins the names of the ppolicy entries under
// ou=policies whose pwdAttribute the service account may not read
// (UnreadableAccountPolicy): a policy it may see but not read.
const slapdHiddenPolicy = "hiddenpolicy"

// StartSlapd starts OpenLDAP's slapd on a fresh loopback address with a
// generated cn=config (mdb, the ppolicy overlay with SlapdPolicy as default,
// cleartext passwords hashed), LDAPS and StartTLS, the base entries, and a
// service account that may write userPassword under ou=people only (and
// may not read SlapdHiddenLock accounts' pwdAccountLockedTime, nor the
// policies of UnreadableAccountPolicy).
func StartSlapd(ctx context.Context) (_ *Server, err error) {
	if err := need("slapd", "slapadd"); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "styrke-slapd-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	host, err := freeHost(1636, 1389)
	if err != nil {
		return nil, err
	}
	if err := writeTLS(dir, host); err != nil {
		return nil, err
	}
	s := &Server{
		Kind: OpenLDAP, Host: host, LDAPSPort: 1636, LDAPPort: 1389,
		CAFile: filepath.Join(dir, "ca.pem"), BaseDN: slapdBase, PeopleDN: "ou=people," + slapdBase,
		ServiceDN: "cn=styrke,ou=services," + slapdBase, ServicePassword: randomSecret(),
		UnlimitedDN: "cn=unlimited,ou=services," + slapdBase,
		AdminDN:     "cn=admin," + slapdBase, AdminPassword: randomSecret(),
		dir: dir, logFile: filepath.Join(dir, "slapd.log"),
	}
	for _, d := range []string{"cfg", "db"} {
		if err := os.Mkdir(filepath.Join(dir, d), 0o700); err != nil {
			return nil, err
		}
	}
	config := fmt.Sprintf(`dn: cn=config
objectClass: olcGlobal
cn: config
olcTLSCACertificateFile: %[1]s/ca.pem
olcTLSCertificateFile: %[1]s/cert.pem
olcTLSCertificateKeyFile: %[1]s/key.pem
olcPidFile: %[1]s/slapd.pid

dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb
olcModuleLoad: ppolicy

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file:///etc/ldap/schema/core.ldif
include: file:///etc/ldap/schema/cosine.ldif
include: file:///etc/ldap/schema/nis.ldif
include: file:///etc/ldap/schema/inetorgperson.ldif

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend
olcPasswordHash: {SSHA}

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcSuffix: %[2]s
olcRootDN: %[3]s
olcRootPW: %[4]s
olcDbDirectory: %[1]s/db
olcDbMaxSize: 104857600
olcLimits: dn.exact="%[8]s" size=unlimited
olcAccess: {0}to dn.regex="^uid=%[6]s[^,]*,ou=people,%[2]s$" attrs=pwdAccountLockedTime by dn.exact="%[5]s" none by * break
olcAccess: {1}to dn.regex="^cn=%[7]s[^,]*,ou=policies,%[2]s$" attrs=pwdAttribute by dn.exact="%[5]s" none by * break
olcAccess: {2}to dn.subtree="ou=people,%[2]s" attrs=userPassword by dn.exact="%[5]s" =wx by self =wx by anonymous auth by * none
olcAccess: {3}to attrs=userPassword by self =wx by anonymous auth by * none
olcAccess: {4}to * by * read

dn: olcOverlay={0}ppolicy,olcDatabase={1}mdb,cn=config
objectClass: olcOverlayConfig
objectClass: olcPPolicyConfig
olcOverlay: {0}ppolicy
olcPPolicyDefault: cn=default,ou=policies,%[2]s
olcPPolicyHashCleartext: TRUE
olcPPolicyUseLockout: TRUE
`, dir, slapdBase, s.AdminDN, s.AdminPassword, s.ServiceDN, SlapdHiddenLock, slapdHiddenPolicy, s.UnlimitedDN)
	cfgFile := filepath.Join(dir, "config.ldif")
	if err := os.WriteFile(cfgFile, []byte(config), 0o600); err != nil {
		return nil, err
	}
	if err := run(ctx, "slapadd", "-n0", "-F", filepath.Join(dir, "cfg"), "-l", cfgFile); err != nil {
		return nil, err
	}
	if err := s.Start(ctx); err != nil {
		return nil, err
	}
	c, err := s.Admin()
	if err != nil {
		s.Close()
		return nil, err
	}
	defer c.Close()
	adds := []*ldap.AddRequest{
		entry(slapdBase, "objectClass", "dcObject", "objectClass", "organization", "o", "styrke", "dc", "styrke"),
		entry("ou=people,"+slapdBase, "objectClass", "organizationalUnit", "ou", "people"),
		entry("ou=others,"+slapdBase, "objectClass", "organizationalUnit", "ou", "others"),
		entry("ou=services,"+slapdBase, "objectClass", "organizationalUnit", "ou", "services"),
		entry("ou=policies,"+slapdBase, "objectClass", "organizationalUnit", "ou", "policies"),
		policyEntry("cn=default,ou=policies," + slapdBase),
		entry(s.ServiceDN, "objectClass", "person", "cn", "styrke", "sn", "service", "userPassword", s.ServicePassword),
		entry(s.UnlimitedDN, "objectClass", "person", "cn", "unlimited", "sn", "service", "userPassword", s.ServicePassword),
	}
	for _, a := range adds {
		if err := c.Add(a); err != nil {
			s.Close()
			return nil, fmt.Errorf("dirtest: add %s: %w", a.DN, err)
		}
	}
	return s, nil
}

// entry is an add request from attribute/value pairs.
func entry(dn string, kv ...string) *ldap.AddRequest {
	a := ldap.NewAddRequest(dn, nil)
	vals := map[string][]string{}
	var order []string
	for i := 0; i+1 < len(kv); i += 2 {
		if _, ok := vals[kv[i]]; !ok {
			order = append(order, kv[i])
		}
		vals[kv[i]] = append(vals[kv[i]], kv[i+1])
	}
	for _, k := range order {
		a.Attribute(k, vals[k])
	}
	return a
}

func policyEntry(dn string) *ldap.AddRequest {
	kv := []string{"objectClass", "applicationProcess", "objectClass", "pwdPolicy", "cn", "default"}
	for _, line := range strings.Split(strings.TrimSpace(SlapdPolicy), "\n") {
		k, v, _ := strings.Cut(line, ": ")
		kv = append(kv, k, v)
	}
	return entry(dn, kv...)
}

// randomSecret is 18 random bytes, base64url.
func randomSecret() string {
	var b [18]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}
