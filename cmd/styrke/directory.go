package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/directory"
)

// directoryFlags are the --directory-* flags of serve and directory check.
type directoryFlags struct {
	url, bindDN, passwordFile, base, filter, ca, serverName, mapping string
	nameAttr, phoneAttr, birthAttr                                   string
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
	envString(fs, getenv, &f.nameAttr, "directory-name-attribute", "",
		"the account's attribute holding the person's name, which the password may not contain, e.g. displayName (default none)")
	envString(fs, getenv, &f.phoneAttr, "directory-phone-attribute", "",
		"the account's attribute holding the person's phone number, which the password may not contain, e.g. mobile (default none)")
	envString(fs, getenv, &f.birthAttr, "directory-birthdate-attribute", "",
		"the account's attribute holding the date of birth (YYYYMMDD, YYYY-MM-DD or a national identity number: norEduPersonBirthDate, norEduPersonNIN), which the password may not contain (default none)")
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
		URL: f.url, BindDN: f.bindDN, Password: pw, PasswordFile: f.passwordFile, Base: f.base, Filter: f.filter,
		CA: f.ca, ServerName: f.serverName,
		NameAttribute: f.nameAttr, PhoneAttribute: f.phoneAttr, BirthDateAttribute: f.birthAttr,
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

const directoryUsage = `usage: styrke directory check [--institutions ID,...|all] [--institution ID] [--directory URL --directory-bind-dn DN --directory-base DN ...]
       styrke directory remind --within 14d[,3d] [--institution ID] [--dry-run] [--directory URL ...] [--db ... --smtp-url ... --twilio-...]

check reads the directory's own password rules (AD: the domain's minPwdLength,
complexity, pwdHistoryLength, minPwdAge, maxPwdAge, lockoutThreshold and
lockOutObservationWindow; OpenLDAP: the ppolicy entry) and lists every conflict
with each institution's policy, and notes worth knowing (expiry, lockout);
then the conflicts of each password policy of accounts' own that applies to
an account under the base and that the service account may read (AD's
fine-grained policies, OpenLDAP's pwdPolicySubentry entries), and a note
naming each it may see but not read (on AD, by default, every one).
On AD it also reads the service account's rights on the accounts under the
base (Reset password, Write lockoutTime) and names each one missing, with where
to grant it. Exit status 0 when every directory agrees (or none is
configured), 1 when there is a conflict or a missing right, 2 when it could not
check (a setting, or a directory that did not answer).

remind tells everyone whose password the directory expires within --within
(1-366 days; AD: msDS-UserPasswordExpiryTimeComputed, OpenLDAP: pwdChangedTime
and pwdMaxAge) when it expires and where to change it, by e-mail (the account's
mail attribute, else the address on file) and SMS (--directory-phone-attribute).
Run it once a day (or let styrke serve --remind-within do it); each account is
reminded once per expiry and window, in the smallest window its expiry falls in
(--within 14d,3d: two weeks ahead and again three days ahead). It prints a
JSON line per account and exits 1 when a reminder reached nobody (the next run
tries again). It takes the directory flags, the store flags (--db, --data), the
delivery flags of styrke serve and --base-url.
`

func runDirectory(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "remind" {
		return directoryRemind(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprint(stdout, directoryUsage)
		return nil
	}
	if len(args) == 0 || args[0] != "check" {
		fmt.Fprint(stderr, directoryUsage)
		return errUsage
	}
	fs := flag.NewFlagSet("directory check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := addDirectoryFlags(fs, getenv)
	only := fs.String("institution", "", "check only this institution (default: every one served)")
	var servedText string
	servedFlag(fs, getenv, &servedText)
	if err := parseFlags(fs, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	// The institutions served, as serve reads them: with one served, each
	// line was said for every built-in institution.
	ids, err := parseServed(servedText)
	if err != nil {
		fmt.Fprintf(stderr, "directory check: %v\n", err)
		return errUsage
	}
	if ids == nil {
		ids = policy.Institutions()
	}
	set, err := f.open(getenv)
	if err != nil {
		return notChecked{fmt.Errorf("could not check: %w", err)}
	}
	if *only != "" {
		if _, err := policy.Lookup(*only); err != nil {
			fmt.Fprintf(stderr, "directory check: --institution %q: no such institution (styrke policy list)\n", *only)
			return errUsage
		}
		if !slices.Contains(ids, *only) {
			fmt.Fprintf(stderr, "directory check: --institution %q is not among the institutions served (--institutions %s)\n", *only, strings.Join(ids, ","))
			return errUsage
		}
		ids = []string{*only}
	}
	conflicts, missing := 0, 0
	rights := map[directory.Directory][]directory.Finding{} // read once a directory
	owns := map[directory.Directory][]directory.NamedSettings{}
	for _, id := range ids {
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
			return notChecked{fmt.Errorf("%s: could not check: read the settings of %s: %w", id, d, err)}
		}
		found := directory.Conflicts(p, s)
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
		// The policies of accounts' own (AD's fine-grained ones, OpenLDAP's
		// other ppolicy entries): an account under one is held to its
		// rules, not the domain's, so each is checked as the domain's is.
		own, seen := owns[d]
		if lister, ok := d.(accountPolicyLister); ok && !seen {
			cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			own, err = lister.AccountPolicies(cctx)
			cancel()
			if err != nil {
				return notChecked{fmt.Errorf("%s: could not check: list the password policies of accounts' own on %s: %w", id, d, err)}
			}
			owns[d] = own
		}
		ownConflicts := directory.AccountConflicts(p, own)
		for _, c := range ownConflicts {
			fmt.Fprintf(stdout, "%s: CONFLICT (the password policy %s, of the accounts it applies to): %s\n", id, c.DN, c.Text)
		}
		conflicts += len(ownConflicts)
		// Those it may see but not read (AD's default) are not checked,
		// and said so: "agrees" would claim what it cannot know.
		unread := 0
		for _, o := range own {
			if o.Unread {
				unread++
				fmt.Fprintf(stdout, "%s: note: the service account may not read the password policy %s, so it is not checked: an account under the base that it applies to may be held to rules stricter than the policy (README: the read access to grant)\n", id, o.DN)
			}
		}
		if len(found) == 0 && len(ownConflicts) == 0 && unread == 0 {
			fmt.Fprintf(stdout, "%s: %s agrees with the policy\n", id, d)
		}
		r, seen := rights[d]
		if !seen {
			cctx, cancel := context.WithTimeout(ctx, 15*time.Second)
			r, err = d.Rights(cctx)
			cancel()
			if err != nil {
				return notChecked{fmt.Errorf("%s: could not check: read the service account's rights on %s: %w", id, d, err)}
			}
			rights[d] = r
			for _, f := range r {
				if f.Conflict {
					missing++
				}
			}
		}
		for _, f := range r {
			kind := "note"
			if f.Conflict {
				kind = "MISSING RIGHT"
			}
			fmt.Fprintf(stdout, "%s: %s: %s\n", id, kind, f.Text)
		}
	}
	if conflicts > 0 {
		fmt.Fprintf(stdout, "%d conflict(s): passwords that Styrke accepts would be refused by the directory\n", conflicts)
	}
	if missing > 0 {
		fmt.Fprintf(stdout, "%d missing right(s): the service account cannot make writes that Styrke makes\n", missing)
	}
	if conflicts > 0 || missing > 0 {
		return errReported
	}
	return nil
}

// accountPolicyLister is a directory that lists the password policies of
// accounts' own it may read (directory.LDAP).
type accountPolicyLister interface {
	AccountPolicies(context.Context) ([]directory.NamedSettings, error)
}

// notChecked is directory check's error when it could not check (a
// setting, a directory that did not answer): exit status 2, where 1 is a
// conflict found.
type notChecked struct{ error }

func (e notChecked) Unwrap() error { return e.error }

// directoryRemind is `styrke directory remind`: password expiry reminders
// (server.Desk.RemindExpiring) for one institution's directory.
func directoryRemind(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newDeskCmd("directory remind", getenv, stderr)
	f := addDirectoryFlags(c.fs, getenv)
	var r server.RemindRequest
	within := c.fs.String("within", "", "remind of passwords that expire within this many days (1d-366d; e.g. 14d), or of several windows, each once (14d,3d)")
	c.fs.StringVar(&r.Institution, "institution", "default", "policy id of the institution: its directory (--directory-map), name and SMS cap")
	c.fs.BoolVar(&r.DryRun, "dry-run", false, "list whom a run would remind; send and record nothing")
	if err := c.parse(args); err != nil {
		if errors.Is(err, errHelp) {
			return nil
		}
		return err
	}
	var err error
	if r.Windows, err = parseWindows(*within); err != nil {
		fmt.Fprintf(stderr, "directory remind: --within: %v\n", err)
		return errUsage
	}
	if _, err := policy.Lookup(r.Institution); err != nil {
		fmt.Fprintf(stderr, "directory remind: --institution %q: no such institution (styrke policy list)\n", r.Institution)
		return errUsage
	}
	// A run that could send nothing failed every account, one by one.
	if !r.DryRun && c.desk.smtpURL == "" && c.desk.twilioAccount == "" {
		fmt.Fprintln(stderr, "directory remind: no way to send a reminder: give --smtp-url (and --mail-from) or --twilio-…, or --dry-run to list whom a run would remind")
		return errUsage
	}
	set, err := f.open(getenv)
	if err != nil {
		return err
	}
	dir := set.For(r.Institution)
	if directory.IsNone(dir) {
		fmt.Fprintf(stderr, "directory remind: %s has no directory (--directory none): Styrke's own store expires no password\n", r.Institution)
		return errUsage
	}
	d, done, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	r.Actor = c.actor
	d.Directories = set // whose address on file is whose
	out, err := d.RemindExpiring(ctx, dir, r)
	enc := json.NewEncoder(stdout)
	counts := map[string]int{}
	for _, rem := range out {
		counts[rem.State]++
		rem.Expires = rem.Expires.In(oslo)
		if werr := enc.Encode(rem); werr != nil {
			return werr
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	fmt.Fprintf(stderr, "%d expiring within %s: %d sent, %d failed, %d sent earlier, %d without an address", len(out), *within,
		counts[server.RemindSent], counts[server.RemindFailed], counts[server.RemindEarlier], counts[server.RemindNoAddress])
	if r.DryRun {
		fmt.Fprintf(stderr, ", %d would be sent (dry run)", counts[server.RemindWouldSend])
	}
	fmt.Fprintln(stderr)
	if counts[server.RemindFailed] > 0 {
		return errReported
	}
	return nil
}
