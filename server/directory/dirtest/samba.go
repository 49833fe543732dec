package dirtest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// Samba's domain in every test directory.
const (
	sambaRealm  = "STYRKE.TEST"
	sambaDomain = "STYRKE"
	sambaBase   = "DC=styrke,DC=test"
)

// SambaPasswordSettings are the domain's password rules after StartSamba:
// complexity on, at least 10 characters, 5 remembered, no minimum age,
// lockout after 5 wrong passwords.
var SambaPasswordSettings = []string{
	"--complexity=on", "--min-pwd-length=10", "--history-length=5",
	"--min-pwd-age=0", "--max-pwd-age=0", "--account-lockout-threshold=5",
}

// StartSamba provisions a Samba AD domain controller (realm STYRKE.TEST)
// that serves only LDAP, on a fresh loopback address with LDAPS on 636 and
// StartTLS on 389, creates OU=People, the service account styrke-svc with
// the Reset Password right and the right to write lockoutTime (to unlock)
// on OU=People's accounts and nothing more, and starts it.
func StartSamba(ctx context.Context) (_ *Server, err error) {
	if err := need("samba", "samba-tool"); err != nil {
		return nil, err
	}
	if _, err := os.Stat("/usr/share/samba/setup/ad-schema"); err != nil {
		return nil, fmt.Errorf("dirtest: Samba's AD schema files are missing; run `make deps` (scripts/deps.sh installs samba-ad-provision)")
	}
	dir, err := os.MkdirTemp("", "styrke-samba-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(dir)
		}
	}()
	host, err := freeHost(636, 389)
	if err != nil {
		return nil, err
	}
	if err := writeTLS(dir, host); err != nil {
		return nil, err
	}
	s := &Server{
		Kind: AD, Host: host, LDAPSPort: 636, LDAPPort: 389,
		CAFile: filepath.Join(dir, "ca.pem"), BaseDN: sambaBase, PeopleDN: "OU=People," + sambaBase,
		ServiceDN: "CN=styrke-svc,CN=Users," + sambaBase, ServicePassword: "Svc!" + randomSecret(),
		AdminDN: "CN=Administrator,CN=Users," + sambaBase, AdminPassword: "Adm!" + randomSecret(),
		dir: dir, logFile: filepath.Join(dir, "samba.log"),
	}
	target := filepath.Join(dir, "dc")
	opt := func(kv string) string { return "--option=" + kv }
	if err := run(ctx, "samba-tool", "domain", "provision", "--server-role=dc", "--dns-backend=NONE",
		"--realm="+sambaRealm, "--domain="+sambaDomain, "--adminpass="+s.AdminPassword, "--targetdir="+target,
		opt("interfaces="+host+"/8"), opt("bind interfaces only=yes"),
		opt("server services=ldap"), opt("tls enabled=yes"),
		opt("tls keyfile="+filepath.Join(dir, "key.pem")), opt("tls certfile="+filepath.Join(dir, "cert.pem")),
		opt("tls cafile="+s.CAFile), opt("log file="+filepath.Join(dir, "samba-file.log")),
	); err != nil {
		return nil, err
	}
	// Provisioning drops this option: without it the old password still
	// binds for an hour after a change.
	smbConf := filepath.Join(target, "etc", "smb.conf")
	b, err := os.ReadFile(smbConf)
	if err != nil {
		return nil, err
	}
	// Every run directory of its own, so that several DCs can run at once
	// (the defaults are under /run/samba).
	global := "[global]\n\told password allowed period = 0\n"
	for _, opt := range []string{"pid directory", "ncalrpc dir", "winbindd socket directory", "ntp signd socket directory"} {
		global += "\t" + opt + " = " + filepath.Join(dir, "run") + "\n"
	}
	if err := os.Mkdir(filepath.Join(dir, "run"), 0o755); err != nil {
		return nil, err
	}
	b = []byte(strings.Replace(string(b), "[global]\n", global, 1))
	if err := os.WriteFile(smbConf, b, 0o600); err != nil {
		return nil, err
	}
	conf := "--configfile=" + smbConf
	if err := run(ctx, "samba-tool", "ou", "create", s.PeopleDN, conf); err != nil {
		return nil, err
	}
	if err := run(ctx, "samba-tool", "user", "create", "styrke-svc", s.ServicePassword, conf); err != nil {
		return nil, err
	}
	out, err := exec.CommandContext(ctx, "samba-tool", "user", "show", "styrke-svc", "--attributes=objectSid", conf).Output()
	if err != nil {
		return nil, fmt.Errorf("dirtest: samba-tool user show: %w", err)
	}
	_, sid, ok := strings.Cut(string(out), "objectSid: ")
	if !ok {
		return nil, fmt.Errorf("dirtest: no objectSid for styrke-svc in %q", out)
	}
	sid = strings.TrimSpace(sid)
	// Reset Password (00299570-…) and write lockoutTime (28630ebf-…, the
	// unlock a reset does) on user objects (bf967aba-…) below OU=People,
	// inherited: the service account's only rights beyond reading, the
	// delegation README asks an institution for.
	for _, ace := range []string{ResetPasswordACE, WriteLockoutTimeACE} {
		if err := run(ctx, "samba-tool", "dsacl", "set", "--objectdn="+s.PeopleDN, "--sddl="+fmt.Sprintf(ace, sid), conf); err != nil {
			return nil, err
		}
	}
	args := append([]string{"domain", "passwordsettings", "set", conf}, SambaPasswordSettings...)
	if err := run(ctx, "samba-tool", args...); err != nil {
		return nil, err
	}
	if err := s.Start(ctx); err != nil {
		return nil, err
	}
	return s, nil
}

// The ACEs (SDDL, %s the service account's SID) that StartSamba sets on
// PeopleDN for the service account, inherited by its user objects (bf967aba-…):
// the extended right Reset Password (00299570-…) and the right to write
// lockoutTime (28630ebf-…, the unlock a reset does).
const (
	ResetPasswordACE    = "(OA;CI;CR;00299570-246d-11d0-a768-00aa006e0529;bf967aba-0de6-11d0-a285-00aa003049e2;%s)"
	WriteLockoutTimeACE = "(OA;CI;WP;28630ebf-41d5-11d1-a9c1-0000f80367c1;bf967aba-0de6-11d0-a285-00aa003049e2;%s)"
)

// CreateServiceAccount adds another account under CN=Users of the AD
// domain, as a limited service account: it may read what Authenticated
// Users may, and holds on PeopleDN only the ACEs given (ResetPasswordACE,
// WriteLockoutTimeACE; none: no right beyond reading). It returns the
// account's DN, a password of its own and its SID.
func (s *Server) CreateServiceAccount(name string, aces ...string) (dn, password, sid string, err error) {
	if s.Kind != AD {
		return "", "", "", fmt.Errorf("dirtest: CreateServiceAccount on %s: delegation by ACE is AD's", s.Kind)
	}
	password = "Svc!" + randomSecret()
	dn = "CN=" + ldap.EscapeDN(name) + ",CN=Users," + s.BaseDN
	if _, err := s.createUserIn(dn, name, password); err != nil {
		return "", "", "", err
	}
	if sid, err = s.SID(dn); err != nil {
		return "", "", "", err
	}
	for _, ace := range aces {
		if err := s.AddACE(s.PeopleDN, fmt.Sprintf(ace, sid)); err != nil {
			return "", "", "", err
		}
	}
	return dn, password, sid, nil
}

// AddACE adds the ACE (SDDL) to the DACL of the AD object at dn, with
// samba-tool as the domain's administrator; the directory propagates an
// inheritable one to the objects below.
func (s *Server) AddACE(dn, ace string) error {
	if s.Kind != AD {
		return fmt.Errorf("dirtest: AddACE on %s: an ACE is AD's", s.Kind)
	}
	return run(context.Background(), "samba-tool", "dsacl", "set", "--objectdn="+dn, "--sddl="+ace,
		"--configfile="+filepath.Join(s.dir, "dc", "etc", "smb.conf"))
}

// SID is the SID (S-1-…) of the AD object at dn, for an ACE that names
// it.
func (s *Server) SID(dn string) (string, error) {
	c, err := s.Admin()
	if err != nil {
		return "", err
	}
	defer c.Close()
	res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 1, 0, false,
		"(objectClass=*)", []string{"objectSid"}, nil))
	if err != nil || len(res.Entries) != 1 {
		return "", fmt.Errorf("dirtest: read the objectSid of %s: %v", dn, err)
	}
	sid := sidString(res.Entries[0].GetRawAttributeValue("objectSid"))
	if sid == "" {
		return "", fmt.Errorf("dirtest: the objectSid of %s is no SID", dn)
	}
	return sid, nil
}

// sidString is a binary SID as S-1-….
func sidString(b []byte) string {
	if len(b) < 8 || len(b) < 8+4*int(b[1]) {
		return ""
	}
	var auth uint64
	for _, x := range b[2:8] {
		auth = auth<<8 | uint64(x)
	}
	s := fmt.Sprintf("S-%d-%d", b[0], auth)
	for i := 0; i < int(b[1]); i++ {
		o := 8 + 4*i
		s += fmt.Sprintf("-%d", uint32(b[o])|uint32(b[o+1])<<8|uint32(b[o+2])<<16|uint32(b[o+3])<<24)
	}
	return s
}
