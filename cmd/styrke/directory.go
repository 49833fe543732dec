package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"time"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory"
)

// directoryFlags are the --directory-* flags of serve and directory check.
type directoryFlags struct {
	url, bindDN, passwordFile, base, filter, ca, serverName, mapping string
}

func addDirectoryFlags(fs *flag.FlagSet, getenv func(string) string) *directoryFlags {
	var f directoryFlags
	envString(fs, getenv, &f.url, "directory", "none",
		"where passwords are set: none, ad://HOST:PORT (LDAPS), ad+starttls://HOST:PORT, ldaps://HOST:PORT (OpenLDAP), ldap+starttls://HOST:PORT")
	envString(fs, getenv, &f.bindDN, "directory-bind-dn", "", "DN of the directory service account")
	envString(fs, getenv, &f.passwordFile, "directory-password-file", "",
		"file holding the service account's password (else the environment variable STYRKE_DIRECTORY_PASSWORD)")
	envString(fs, getenv, &f.base, "directory-base", "", "subtree searched for accounts")
	envString(fs, getenv, &f.filter, "directory-filter", "",
		"filter finding an account, with {username} (default (sAMAccountName={username}) for AD, (uid={username}) for OpenLDAP)")
	envString(fs, getenv, &f.ca, "directory-ca", "", "PEM bundle of CAs to trust for the directory (default: the system's)")
	envString(fs, getenv, &f.serverName, "directory-server-name", "", "name the directory's certificate must carry (default: the URL's host)")
	envString(fs, getenv, &f.mapping, "directory-map", "",
		"JSON file mapping institution ids to their own directory (same fields; passwordFile for the secret)")
	return &f
}

// open builds the directories: the flags' one for every institution, and
// the mapping file's per institution.
func (f *directoryFlags) open(getenv func(string) string) (*directory.Set, error) {
	pw, err := directory.ReadSecret(f.passwordFile, getenv("STYRKE_DIRECTORY_PASSWORD"))
	if err != nil {
		return nil, err
	}
	def, err := directory.Open(directory.Config{
		URL: f.url, BindDN: f.bindDN, Password: pw, Base: f.base, Filter: f.filter,
		CA: f.ca, ServerName: f.serverName,
	})
	if err != nil {
		return nil, err
	}
	set := &directory.Set{Default: def}
	if f.mapping != "" {
		if set.ByInstitution, err = directory.LoadMapping(f.mapping); err != nil {
			return nil, err
		}
		for id := range set.ByInstitution {
			if _, err := policy.Lookup(id); err != nil {
				return nil, fmt.Errorf("%w: --directory-map names %q, which is no institution (styrke policy list)", directory.ErrConfig, id)
			}
		}
	}
	return set, nil
}

// describe lists the directories in use, one line each, for start-up.
func describe(set *directory.Set) []string {
	lines := []string{"directory: " + set.For("").String()}
	ids := make([]string, 0, len(set.ByInstitution))
	for id := range set.ByInstitution {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		lines = append(lines, fmt.Sprintf("directory for %s: %s", id, set.ByInstitution[id]))
	}
	return lines
}

const directoryUsage = `usage: styrke directory check [--directory URL --directory-bind-dn DN --directory-base DN ...]

check reads the directory's own password rules (AD: the domain's minPwdLength,
complexity, pwdHistoryLength, minPwdAge, lockoutThreshold; OpenLDAP: the
ppolicy entry) and lists every conflict with each institution's policy.
Exit status 1 when there is a conflict, 0 when there is none.
`

func runDirectory(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprint(stderr, directoryUsage)
		return errUsage
	}
	fs := flag.NewFlagSet("directory check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := addDirectoryFlags(fs, getenv)
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	set, err := f.open(getenv)
	if err != nil {
		return err
	}
	conflicts := 0
	for _, id := range policy.Institutions() {
		p, err := policy.Lookup(id)
		if err != nil {
			return err
		}
		d := set.For(id)
		if directory.IsNone(d) {
			fmt.Fprintf(stdout, "%s: no directory (passwords are kept in Styrke's own store only)\n", id)
			continue
		}
		cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		s, err := d.Settings(cctx)
		cancel()
		if err != nil {
			return fmt.Errorf("%s: read the settings of %s: %w", id, d, err)
		}
		found := Conflicts(p, s)
		for _, c := range found {
			if c.Conflict {
				conflicts++
			}
			kind := "note"
			if c.Conflict {
				kind = "CONFLICT"
			}
			fmt.Fprintf(stdout, "%s: %s: %s\n", id, kind, c.Text)
		}
		if len(found) == 0 {
			fmt.Fprintf(stdout, "%s: %s agrees with the policy\n", id, d)
		}
	}
	if conflicts > 0 {
		fmt.Fprintf(stdout, "%d conflict(s): passwords that Styrke accepts would be refused by the directory\n", conflicts)
		return errReported
	}
	return nil
}

// Finding is one difference between a policy and a directory's own rules.
type Finding struct {
	// Conflict: a password the policy accepts may be refused by the
	// directory. Otherwise a note worth knowing.
	Conflict bool
	Text     string
}

// Conflicts compares an institution's policy with its directory's rules.
func Conflicts(p policy.Policy, s directory.Settings) []Finding {
	var out []Finding
	if s.MinLength > p.MinLength {
		out = append(out, Finding{true, fmt.Sprintf(
			"the directory requires at least %d characters and the policy allows %d: passwords of %d to %d characters pass Styrke and are refused by the directory. Raise the policy's minLength to %d, or lower the directory's minimum to %d or less.",
			s.MinLength, p.MinLength, p.MinLength, s.MinLength-1, s.MinLength, p.MinLength)})
	}
	if s.Complexity && !requiresThreeKinds(p) {
		out = append(out, Finding{true,
			"the directory enforces AD's complexity rule (three kinds of characters, no account name) and the policy accepts passphrases of lower-case letters and spaces, which the directory refuses. Sikt's policy replaces the complexity rule: turn off \"Password must meet complexity requirements\" in the domain's password policy (or its fine-grained policy), or give the policy requiredClasses."})
	}
	if s.History > p.HistorySize {
		out = append(out, Finding{false, fmt.Sprintf(
			"the directory remembers %d passwords and the policy %d: a person who reuses an older one is refused by the directory after Styrke accepted it (the page shows the directory's reason).",
			s.History, p.HistorySize)})
	}
	if s.MinAge > 0 {
		out = append(out, Finding{false, fmt.Sprintf(
			"the directory's minimum password age is %s: a person who changes the password again within it is refused (resets by the service account are not affected).",
			s.MinAge)})
	}
	if s.QualityCheck == 2 {
		out = append(out, Finding{false,
			"ppolicy's pwdCheckQuality is 2: the directory refuses what its quality check cannot judge; Styrke sends the password in clear over TLS, so the check can run."})
	}
	return out
}

// requiresThreeKinds reports whether the policy itself demands characters
// of at least three kinds (so AD's complexity rule refuses nothing more).
func requiresThreeKinds(p policy.Policy) bool {
	n := 0
	for _, k := range []string{policy.Upper, policy.Lower, policy.Digit, policy.Special} {
		if p.RequiredClasses[k] > 0 {
			n++
		}
	}
	return n >= 3
}
