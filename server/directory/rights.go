package directory

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"

	"github.com/go-ldap/ldap/v3"
)

// RightsSample is how many accounts under the base Rights reads the
// service account's rights on at least, when the base holds that many:
// one from each container (sampleAccounts), then more from the first
// containers that hold accounts until there are RightsSample (disabled
// accounts, those protected by AdminSDHolder and the service account
// itself left out).
const RightsSample = 10

// RightsContainers is how many containers under the base Rights searches
// for an account to read the rights on: the base and the first
// RightsContainers-1 others the directory lists. Each is a round trip (and
// on OpenLDAP two more for the account found there), and Rights runs within
// the directory's timeout (10 s by default) at serve's start and in
// `styrke directory check`: 50 is some 150 round trips, 3 s at 20 ms to a
// remote server, while an institution's people rarely sit in more than a
// few dozen OUs (faculties, staff and students). Beyond it Rights says
// that containers were not read.
const RightsContainers = 50

// The GUIDs of AD's delegation that Styrke needs on user objects: the
// extended right Reset Password (User-Force-Change-Password), the
// attribute lockoutTime, and the class user (the ACE's inherited object
// type), as SDDL writes them.
const (
	guidResetPassword = "00299570-246d-11d0-a768-00aa006e0529"
	guidLockoutTime   = "28630ebf-41d5-11d1-a9c1-0000f80367c1"
	guidUserClass     = "bf967aba-0de6-11d0-a285-00aa003049e2"
)

// oidSDFlags is LDAP_SERVER_SD_FLAGS_OID; sdFlagsDACL its value asking for
// the DACL alone (DACL_SECURITY_INFORMATION), which an account with Read
// permissions may read (Authenticated Users may, by default).
const (
	oidSDFlags  = "1.2.840.113556.1.4.801"
	sdFlagsDACL = "\x30\x03\x02\x01\x04"
)

// Rights reports the rights on the accounts under the base that Styrke
// needs and the service account lacks, each a Finding with Conflict set
// (the write that needs it fails, 503 directory_error), saying which right
// to grant on which object; a note (Conflict false) when the directory did
// not let it read them, or when it lacks none. AD: "Reset password" (every
// activation and reset) and "Write lockoutTime" (a reset of an account
// locked out by wrong passwords), read as the service account on the
// enabled accounts sampleAccounts finds under the base (one in each
// container, at least RightsSample in all), each right missing said with
// the containers where it is missing: the first
// from the DACL (nTSecurityDescriptor, with the SD flags control) held
// against the rootDSE's tokenGroups (every group the bound account counts
// in) and the service account's own objectSid, the second from the
// account's allowedAttributesEffective, the directory's own answer.
// OpenLDAP: openLDAPRights. None: nothing, without a round trip.
func (d *LDAP) Rights(ctx context.Context) ([]Finding, error) {
	ctx, cancel := d.withTimeout(ctx)
	defer cancel()
	c, err := d.service(ctx)
	if err != nil {
		return nil, err
	}
	defer c.close()
	if err := d.checkServer(ctx, c); err != nil {
		return nil, err
	}
	if d.flavour != FlavourAD {
		return d.openLDAPRights(ctx, c)
	}
	root, err := d.rootDSE(ctx, c, "tokenGroups")
	if err != nil {
		return nil, err
	}
	var token []string
	for _, v := range root.GetRawAttributeValues("tokenGroups") {
		if s := sidString(v); s != "" {
			token = append(token, s)
		}
	}
	self, logon := d.serviceAccount(ctx, c)
	groupsRead := len(token) > 0 // without them a right given to a group is not seen
	if self != "" && !slices.Contains(token, self) {
		token = append(token, self)
	}
	self = grantee(self)
	// Enabled accounts only: Styrke sets no password of a disabled one
	// (Guest, krbtgt).
	filter := "(&(objectClass=user)(!(objectClass=computer))(!(adminCount=1))(!(userAccountControl:1.2.840.113556.1.4.803:=2))" +
		strings.ReplaceAll(d.filter, "{username}", "*") + ")"
	sample, err := d.sampleAccounts(c, filter, []string{"objectSid", "allowedAttributesEffective", "nTSecurityDescriptor"},
		[]ldap.Control{ldap.NewControlString(oidSDFlags, false, sdFlagsDACL)},
		func(e *ldap.Entry) bool {
			return slices.Contains(token, sidString(e.GetRawAttributeValue("objectSid")))
		})
	if err != nil {
		return nil, d.classify(ctx, "read the rights on the accounts", err)
	}
	accounts := sample.accounts
	if len(accounts) == 0 {
		return append([]Finding{{false, fmt.Sprintf("no enabled account under %q matches %s (besides the service account and accounts AD protects), so the service account's rights there were not checked.", d.base, d.filter)}}, sample.capNote()...), nil
	}
	read := readOf(accounts)
	grant := func(right, wizard, dsacls, mask, guid string) string {
		return fmt.Sprintf("Grant it %q on descendant User objects of %s: in Active Directory Users and Computers, Delegate Control… on it, %s; or dsacls \"%s\" /I:S /G \"%s:%s;user\"; or on Samba: samba-tool dsacl set --objectdn='%s' --sddl='(OA;CI;%s;%s;%s;%s)'.",
			right, d.base, wizard, d.base, logon, dsacls, d.base, mask, guid, guidUserClass, self)
	}
	var out []Finding
	unread := 0
	if dn, n, where := sample.lacking(func(e *ldap.Entry) bool {
		sd := e.GetRawAttributeValue("nTSecurityDescriptor")
		if len(sd) == 0 || !groupsRead {
			unread++
			return true // not known: said below
		}
		return controlAccess(sd, token, guidResetPassword)
	}); n > 0 {
		out = append(out, Finding{true, fmt.Sprintf("the service account %q may not reset the password of %s (%s): every activation and reset of such an account fails (503 directory_error). %s %s",
			d.bindDN, dn, read(n), where, grant("Reset password", `"Reset user passwords and force password change at next logon"`, "CA;Reset Password", "CR", guidResetPassword))})
	}
	if unread > 0 {
		out = append(out, Finding{false, fmt.Sprintf("the directory did not let the service account read the permissions (nTSecurityDescriptor's DACL, or the rootDSE's tokenGroups) of %d of the %d accounts read under the base, so its right to reset their passwords was not checked.", unread, len(accounts))})
	}
	if dn, n, where := sample.lacking(func(e *ldap.Entry) bool {
		return slices.ContainsFunc(e.GetAttributeValues("allowedAttributesEffective"), func(a string) bool { return strings.EqualFold(a, "lockoutTime") })
	}); n > 0 {
		out = append(out, Finding{true, fmt.Sprintf("the service account %q may not write lockoutTime of %s (%s): a reset of such an account while AD has it locked out by wrong passwords, the commonest reason to reset, fails (503 directory_error). %s %s",
			d.bindDN, dn, read(n), where, grant("Write lockoutTime", `a custom task for User objects, property-specific "Write lockoutTime"`, "WP;lockoutTime", "WP", guidLockoutTime))})
	}
	if len(out) == 0 {
		out = append(out, Finding{false, fmt.Sprintf("the service account %q may reset the password of and write lockoutTime on %s read under %q%s.", d.bindDN, eachOf(accounts), d.base, sample.spread())})
	}
	return append(out, sample.capNote()...), nil
}

// readOf says of n of the accounts read that they lack a right.
func readOf(accounts []*ldap.Entry) func(n int) string {
	return func(n int) string {
		if len(accounts) == 1 {
			return "the only account read under the base"
		}
		return fmt.Sprintf("%d of the %d accounts read under the base", n, len(accounts))
	}
}

// eachOf names all the accounts read.
func eachOf(accounts []*ldap.Entry) string {
	if len(accounts) == 1 {
		return "the only account"
	}
	return fmt.Sprintf("each of the %d accounts", len(accounts))
}

// rightsSample is the accounts Rights reads the rights on, each with the
// container it was found in.
type rightsSample struct {
	base       string
	accounts   []*ldap.Entry
	containers []string // accounts[i] is in containers[i]
	searched   int      // the containers searched
	holding    int      // of them, those that held an account read
	capped     bool     // the base held more than RightsContainers
}

// containerClasses are the object classes of the entries sampleAccounts
// searches for accounts besides the base: AD's (every class a user object
// may be put under, hidden ones left out as Active Directory Users and
// Computers leaves them out: CN=System and its dozens of containers hold
// no people), and on OpenLDAP any entry with entries below it (slapd
// answers hasSubordinates in a filter; a server that does not still
// finds its OUs).
func (d *LDAP) containerClasses() string {
	if d.flavour == FlavourAD {
		return "(&(|(objectClass=organizationalUnit)(objectClass=container)(objectClass=organization)(objectClass=domainDNS)(objectClass=builtinDomain))(!(showInAdvancedViewOnly=TRUE)))"
	}
	return "(|(hasSubordinates=TRUE)(objectClass=organizationalUnit)(objectClass=organization)(objectClass=domain)(objectClass=dcObject))"
}

// sampleAccounts is the accounts under the base Rights reads the rights
// on, AD's and OpenLDAP's alike: the first account filter finds (with
// attrs, controls) directly in each container, the base first, then the
// containers below it in the order the directory lists them, up to
// RightsContainers in all; then more from the first containers that hold
// accounts until there are RightsSample, when there are that many. Before,
// Rights read the first RightsSample accounts the directory returned, and
// where an institution delegated the right on one OU (staff) and not
// another (students) listed after it, it said nothing was missing. The
// accounts skip says (the service account) are left out; a container that
// is gone or hidden from the service account is passed by. At most
// RightsContainers+1 round trips.
func (d *LDAP) sampleAccounts(c *conn, filter string, attrs []string, controls []ldap.Control, skip func(*ldap.Entry) bool) (rightsSample, error) {
	s := rightsSample{base: d.base}
	res, err := c.Search(ldap.NewSearchRequest(d.base, ldap.ScopeWholeSubtree, ldap.NeverDerefAliases,
		RightsContainers+1, 0, false, d.containerClasses(), []string{"1.1"}, nil))
	if err != nil && !ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded) {
		return s, fmt.Errorf("list the containers: %w", err)
	}
	containers := []string{d.base}
	base, _ := ldap.ParseDN(d.base) // checked by Open
	for _, e := range res.Entries {
		if dn, err := ldap.ParseDN(e.DN); err == nil && base != nil && dn.EqualFold(base) {
			continue
		}
		containers = append(containers, e.DN)
	}
	if len(containers) > RightsContainers || err != nil {
		s.capped = true
		containers = containers[:min(len(containers), RightsContainers)]
	}
	var more []*ldap.Entry // past each container's first, in order
	var moreIn []string
	for _, dn := range containers {
		// One account, and one past the service account; while the
		// sample is short, enough to fill it.
		limit := 2
		if len(s.accounts)+len(more) < RightsSample {
			limit = RightsSample + 1
		}
		res, err := c.Search(ldap.NewSearchRequest(dn, ldap.ScopeSingleLevel, ldap.NeverDerefAliases,
			limit, 0, false, filter, attrs, controls))
		switch {
		case err == nil, ldap.IsErrorWithCode(err, ldap.LDAPResultSizeLimitExceeded):
		case ldap.IsErrorWithCode(err, ldap.LDAPResultNoSuchObject), ldap.IsErrorWithCode(err, ldap.LDAPResultInsufficientAccessRights):
			continue
		default:
			return s, fmt.Errorf("find accounts in %s: %w", dn, err)
		}
		s.searched++
		first := true
		for _, e := range res.Entries {
			switch {
			case skip(e):
			case first:
				s.accounts, s.containers, first = append(s.accounts, e), append(s.containers, dn), false
				s.holding++
			case len(s.accounts)+len(more) < RightsSample:
				more, moreIn = append(more, e), append(moreIn, dn)
			}
		}
	}
	n := min(len(more), max(0, RightsSample-len(s.accounts)))
	s.accounts, s.containers = append(s.accounts, more[:n]...), append(s.containers, moreIn[:n]...)
	return s, nil
}

// lacking is the first account read (its DN) that may not, how many may
// not, and a sentence naming the containers where they are: how many of
// the accounts read in each may not, so that the operator knows where to
// delegate (the first 10 named, then how many more).
func (s rightsSample) lacking(may func(*ldap.Entry) bool) (first string, n int, where string) {
	var order []string
	read, not := map[string]int{}, map[string]int{}
	for i, e := range s.accounts {
		in := s.containers[i]
		read[in]++
		if may(e) {
			continue
		}
		if not[in]++; not[in] == 1 {
			order = append(order, in)
		}
		if n++; first == "" {
			first = e.DN
		}
	}
	if n == 0 {
		return "", 0, ""
	}
	var each []string
	for _, in := range order[:min(len(order), 10)] {
		word := "accounts"
		if read[in] == 1 {
			word = "account"
		}
		each = append(each, fmt.Sprintf("%s: %d of %d %s read there", in, not[in], read[in], word))
	}
	if len(order) > 10 {
		each = append(each, fmt.Sprintf("and %d more containers", len(order)-10))
	}
	return first, n, "It lacks it in " + strings.Join(each, "; ") + "."
}

// spread says how many containers the accounts read came from, when more
// than one.
func (s rightsSample) spread() string {
	if s.holding < 2 {
		return ""
	}
	return fmt.Sprintf(", from the %d containers there that hold accounts (of the %d searched)", s.holding, s.searched)
}

// capNote is a note when the base held more containers than
// RightsContainers: those beyond were not read.
func (s rightsSample) capNote() []Finding {
	if !s.capped {
		return nil
	}
	return []Finding{{false, fmt.Sprintf("the base %q holds more than %d containers: the service account's rights were read in the first %d the directory listed (the base among them), and accounts in the containers beyond were not read.",
		s.base, RightsContainers, RightsContainers)}}
}

// openLDAPRights is Rights on OpenLDAP, which has no attribute of the
// rights a bound account has. It asks slapd on the accounts sampleAccounts
// finds under the base (the service account left out), as
// SetPassword will: whether the service account may write userPassword
// (the Password Modify operation of every activation and reset), by a
// modify that deletes a value of userPassword no account has (a random
// one; slapd checks the access before the values, so it answers
// insufficientAccessRights without the right and noSuchAttribute with it,
// and writes nothing either way, ppolicy's minimum age and safe modify
// notwithstanding); and whether it may read pwdAccountLockedTime (without
// it an account the administrator locked for good cannot be told apart, and
// SetPassword refuses them all), by the Compare SetPassword makes. Before,
// a missing write right showed only when the first person set a password
// (503 directory_error). Another answer (a referral from a read-only
// replica, a server that will not) is a note: the right was not read.
func (d *LDAP) openLDAPRights(ctx context.Context, c *conn) ([]Finding, error) {
	sample, err := d.sampleAccounts(c, strings.ReplaceAll(d.filter, "{username}", "*"), []string{"1.1"}, nil,
		func(e *ldap.Entry) bool { return strings.EqualFold(e.DN, d.bindDN) })
	if err != nil {
		return nil, d.classify(ctx, "find accounts to read the rights on", err)
	}
	accounts := sample.accounts
	if len(accounts) == 0 {
		return append([]Finding{{false, fmt.Sprintf("no account under %q matches %s (besides the service account), so the service account's rights there were not checked.", d.base, d.filter)}}, sample.capNote()...), nil
	}
	probe := "styrke-rights-probe-" + rand.Text()
	var (
		out     []Finding
		unknown []string
	)
	answer := func(e *ldap.Entry, what string, err error, may ...uint16) bool {
		switch {
		case err == nil || slices.ContainsFunc(may, func(code uint16) bool { return ldap.IsErrorWithCode(err, code) }):
			return true
		case ldap.IsErrorWithCode(err, ldap.LDAPResultInsufficientAccessRights):
			return false
		}
		if ctx.Err() == nil && len(unknown) < 3 {
			unknown = append(unknown, fmt.Sprintf("%s on %s: %v", what, e.DN, err))
		}
		return true // not known: said below
	}
	read := readOf(accounts)
	if dn, n, where := sample.lacking(func(e *ldap.Entry) bool {
		req := ldap.NewModifyRequest(e.DN, nil)
		req.Delete("userPassword", []string{probe})
		return answer(e, "the write of userPassword", c.Modify(req), ldap.LDAPResultNoSuchAttribute)
	}); n > 0 {
		out = append(out, Finding{true, fmt.Sprintf("the service account %q may not write userPassword of %s (%s): every activation and reset of such an account fails (503 directory_error). %s Grant it write on userPassword under %s, in an olcAccess rule before any other that matches there: to dn.subtree=%q attrs=userPassword by dn.exact=%q =wx by self =wx by anonymous auth by * none (or manage, whose sets ppolicy's rules leave alone: see the README).",
			d.bindDN, dn, read(n), where, d.base, d.base, d.bindDN)})
	}
	if dn, n, where := sample.lacking(func(e *ldap.Entry) bool {
		_, err := c.Compare(e.DN, "pwdAccountLockedTime", ppolicyLockedForGood)
		return answer(e, "the compare of pwdAccountLockedTime", err, ldap.LDAPResultNoSuchAttribute, ldap.LDAPResultUndefinedAttributeType)
	}); n > 0 {
		out = append(out, Finding{true, fmt.Sprintf("the service account %q may not read pwdAccountLockedTime of %s (%s): an account the administrator locked for good cannot be told apart, so every activation and reset of such an account is refused (503 directory_error) rather than end its lock unseen. %s Grant it read on pwdAccountLockedTime under %s: to dn.subtree=%q attrs=pwdAccountLockedTime by dn.exact=%q read.",
			d.bindDN, dn, read(n), where, d.base, d.base, d.bindDN)})
	}
	if len(unknown) > 0 {
		out = append(out, Finding{false, "the directory did not say whether the service account has the rights Styrke needs (" + strings.Join(unknown, "; ") + "), so they were not checked there."})
	}
	if len(out) == 0 {
		out = append(out, Finding{false, fmt.Sprintf("the service account %q may write userPassword of and read pwdAccountLockedTime on %s read under %q%s.", d.bindDN, eachOf(accounts), d.base, sample.spread())})
	}
	return append(out, sample.capNote()...), nil
}

// grantee is the SID the printed ACE grants a right to: the service
// account's own, found by serviceAccount, or a placeholder for the
// operator to fill in. Not a SID of the rootDSE's tokenGroups: which of
// them is the account's own the list does not say (Samba's comes first,
// another server's may be a group's, Domain Users), and the ACE would grant
// the right to every member of that group.
func grantee(own string) string {
	if own == "" {
		return "<the service account's SID>"
	}
	return own
}

// serviceAccount is the service account's SID and down-level logon name
// (DOMAIN\name, in the domain that holds it, for dsacls), its entry
// found by the bind DN, or a user principal name or DOMAIN\name bound
// with; "" and DOMAIN\name when the directory does not say.
func (d *LDAP) serviceAccount(ctx context.Context, c *conn) (sid, logon string) {
	logon = `DOMAIN\name`
	refs, own, err := d.domains(ctx, c)
	if err != nil {
		return "", logon
	}
	base, scope, filter := d.bindDN, ldap.ScopeBaseObject, "(objectClass=*)"
	if _, name, ok := strings.Cut(d.bindDN, `\`); ok {
		base, scope, filter = own, ldap.ScopeWholeSubtree, "(sAMAccountName="+ldap.EscapeFilter(name)+")"
	} else if !strings.Contains(d.bindDN, "=") {
		base, scope, filter = own, ldap.ScopeWholeSubtree, "(userPrincipalName="+ldap.EscapeFilter(d.bindDN)+")"
	}
	res, err := c.Search(ldap.NewSearchRequest(base, scope, ldap.NeverDerefAliases, 2, 0, false, filter,
		[]string{"objectSid", "sAMAccountName"}, nil))
	if err != nil || len(res.Entries) != 1 {
		return "", logon
	}
	e := res.Entries[0]
	if names := domainOf(e.DN, refs, own); len(names) > 0 && e.GetAttributeValue("sAMAccountName") != "" {
		logon = names[0] + `\` + e.GetAttributeValue("sAMAccountName")
	}
	return sidString(e.GetRawAttributeValue("objectSid")), logon
}

// sidString is a binary SID as S-1-5-21-…, or "" when b is none.
func sidString(b []byte) string {
	if len(b) < 8 || len(b) != 8+4*int(b[1]) {
		return ""
	}
	var auth uint64
	for _, x := range b[2:8] {
		auth = auth<<8 | uint64(x)
	}
	var s strings.Builder
	fmt.Fprintf(&s, "S-%d-%d", b[0], auth)
	for i := 8; i < len(b); i += 4 {
		fmt.Fprintf(&s, "-%d", binary.LittleEndian.Uint32(b[i:]))
	}
	return s.String()
}

// guidBytes is a GUID as a security descriptor holds it (the first three
// groups little-endian).
func guidBytes(g string) []byte {
	b, _ := hex.DecodeString(strings.ReplaceAll(g, "-", ""))
	slices.Reverse(b[0:4])
	slices.Reverse(b[4:6])
	slices.Reverse(b[6:8])
	return b
}

// Access masks and ACE types of a DACL (MS-DTYP 2.4.4).
const (
	adsControlAccess = 0x100      // ADS_RIGHT_DS_CONTROL_ACCESS
	genericAll       = 0x10000000 // GENERIC_ALL, where it is kept unmapped
	aceInheritOnly   = 0x08
	aceObjectType    = 0x1 // ACE_OBJECT_TYPE_PRESENT
	aceInheritedType = 0x2 // ACE_INHERITED_OBJECT_TYPE_PRESENT
	seDACLPresent    = 0x4
)

// controlAccess reports whether the self-relative security descriptor sd
// grants the extended right guid to a token of the SIDs token: the DACL's
// ACEs in order, the first allowed or denied ACE of the token's that names
// the right (or all extended rights, or everything) decides (MS-DTYP
// 2.5.3.2); inherit-only ACEs apply to children only. No DACL grants
// everything; an empty one nothing.
func controlAccess(sd []byte, token []string, guid string) bool {
	if len(sd) < 20 {
		return false
	}
	control := binary.LittleEndian.Uint16(sd[2:])
	off := int(binary.LittleEndian.Uint32(sd[16:]))
	if control&seDACLPresent == 0 || off == 0 {
		return true
	}
	if off+8 > len(sd) {
		return false
	}
	want := guidBytes(guid)
	n := int(binary.LittleEndian.Uint16(sd[off+4:]))
	p := off + 8
	for range n {
		if p+4 > len(sd) {
			return false
		}
		typ, flags, size := sd[p], sd[p+1], int(binary.LittleEndian.Uint16(sd[p+2:]))
		if size < 8 || p+size > len(sd) {
			return false
		}
		ace := sd[p : p+size]
		p += size
		if flags&aceInheritOnly != 0 {
			continue
		}
		mask := binary.LittleEndian.Uint32(ace[4:])
		if mask&(adsControlAccess|genericAll) == 0 {
			continue
		}
		var sid []byte
		switch typ {
		case 0, 1: // ACCESS_ALLOWED, ACCESS_DENIED
			sid = ace[8:]
		case 5, 6: // ACCESS_ALLOWED_OBJECT, ACCESS_DENIED_OBJECT
			if len(ace) < 12 {
				return false
			}
			objFlags := binary.LittleEndian.Uint32(ace[8:])
			q := 12
			if objFlags&aceObjectType != 0 {
				if len(ace) < q+16 {
					return false
				}
				if !slices.Equal(ace[q:q+16], want) {
					continue // another right
				}
				q += 16
			}
			if objFlags&aceInheritedType != 0 {
				q += 16
			}
			if len(ace) < q {
				return false
			}
			sid = ace[q:]
		default:
			continue
		}
		if len(sid) < 8 || len(sid) < 8+4*int(sid[1]) || !slices.Contains(token, sidString(sid[:8+4*int(sid[1])])) {
			continue
		}
		return typ == 0 || typ == 5
	}
	return false
}
