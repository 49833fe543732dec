package directory

import (
	"encoding/binary"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// sidBytes is a SID S-1-… in binary.
func sidBytes(s string) []byte {
	parts := strings.Split(s, "-")[1:] // 1, authority, sub-authorities
	rev, _ := strconv.Atoi(parts[0])
	auth, _ := strconv.ParseUint(parts[1], 10, 48)
	b := []byte{byte(rev), byte(len(parts) - 2), 0, 0, byte(auth >> 24), byte(auth >> 16), byte(auth >> 8), byte(auth)}
	for _, p := range parts[2:] {
		n, _ := strconv.ParseUint(p, 10, 32)
		b = binary.LittleEndian.AppendUint32(b, uint32(n))
	}
	return b
}

// testACE is one ACE of a DACL for securityDescriptor.
type testACE struct {
	typ, flags byte
	mask       uint32
	object     string // the object type's GUID; "" none
	inherited  string // the inherited object type's GUID; "" none
	sid        string
}

// securityDescriptor is a self-relative security descriptor with a DACL
// of aces (nil aces: none present).
func securityDescriptor(aces []testACE) []byte {
	sd := make([]byte, 20)
	sd[0] = 1
	if aces == nil {
		return sd
	}
	binary.LittleEndian.PutUint16(sd[2:], seDACLPresent|0x8000)
	binary.LittleEndian.PutUint32(sd[16:], 20)
	var body []byte
	for _, a := range aces {
		ace := binary.LittleEndian.AppendUint32(nil, a.mask)
		if a.typ == 5 || a.typ == 6 {
			var f uint32
			var guids []byte
			if a.object != "" {
				f |= aceObjectType
				guids = append(guids, guidBytes(a.object)...)
			}
			if a.inherited != "" {
				f |= aceInheritedType
				guids = append(guids, guidBytes(a.inherited)...)
			}
			ace = append(binary.LittleEndian.AppendUint32(ace, f), guids...)
		}
		ace = append(ace, sidBytes(a.sid)...)
		body = append(body, a.typ, a.flags)
		body = binary.LittleEndian.AppendUint16(body, uint16(4+len(ace)))
		body = append(body, ace...)
	}
	acl := []byte{4, 0}
	acl = binary.LittleEndian.AppendUint16(acl, uint16(8+len(body)))
	acl = binary.LittleEndian.AppendUint16(acl, uint16(len(aces)))
	acl = append(acl, 0, 0)
	return append(append(sd, acl...), body...)
}

// TestControlAccess: Reset password is read from a DACL as AD's access
// check decides it: the first ACE of the token's that names the right (or
// all extended rights, or full control) decides, a deny before an allow
// wins, an inherit-only ACE and another right or SID count for nothing.
func TestControlAccess(t *testing.T) {
	const (
		svc   = "S-1-5-21-1-2-3-1102"
		group = "S-1-5-21-1-2-3-1200"
		other = "S-1-5-21-1-2-3-1300"
		unexp = "bf967a86-0de6-11d0-a285-00aa003049e2" // another GUID (the computer class)
	)
	token := []string{svc, group, "S-1-1-0", "S-1-5-11"}
	allowReset := testACE{typ: 5, mask: adsControlAccess, object: guidResetPassword, inherited: guidUserClass, sid: svc}
	rows := []struct {
		name string
		aces []testACE
		want bool
	}{
		{"delegated to the account, inherited to users", []testACE{allowReset}, true},
		{"delegated to a group it is in", []testACE{{typ: 5, mask: adsControlAccess, object: guidResetPassword, sid: group}}, true},
		{"all extended rights", []testACE{{typ: 5, mask: adsControlAccess, sid: svc}}, true},
		{"full control", []testACE{{typ: 0, mask: 0xF01FF, sid: group}}, true},
		{"generic all", []testACE{{typ: 0, mask: genericAll, sid: svc}}, true},
		{"no DACL", nil, true},
		{"an empty DACL", []testACE{}, false},
		{"another extended right", []testACE{{typ: 5, mask: adsControlAccess, object: unexp, sid: svc}}, false},
		{"write property only", []testACE{{typ: 5, mask: 0x20, object: guidLockoutTime, sid: svc}}, false},
		{"another account", []testACE{{typ: 5, mask: adsControlAccess, object: guidResetPassword, sid: other}}, false},
		{"inherit-only", []testACE{{typ: 5, flags: aceInheritOnly | 0x02, mask: adsControlAccess, object: guidResetPassword, sid: svc}}, false},
		{"denied first", []testACE{{typ: 6, mask: adsControlAccess, object: guidResetPassword, sid: svc}, allowReset}, false},
		{"denied to everyone first", []testACE{{typ: 1, mask: adsControlAccess, sid: "S-1-1-0"}, allowReset}, false},
		{"allowed before a deny", []testACE{allowReset, {typ: 6, mask: adsControlAccess, object: guidResetPassword, sid: group}}, true},
		{"a deny of another right first", []testACE{{typ: 6, mask: adsControlAccess, object: unexp, sid: svc}, allowReset}, true},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			sd := securityDescriptor(row.aces)
			assert.Equal(t, row.want, controlAccess(sd, token, guidResetPassword), "aces %+v", row.aces)
		})
	}
	t.Run("truncated", func(t *testing.T) {
		sd := securityDescriptor([]testACE{allowReset})
		for n := range len(sd) - 1 {
			assert.False(t, controlAccess(sd[:n], token, guidResetPassword), "first %d bytes", n)
		}
	})
	assert.Equal(t, svc, sidString(sidBytes(svc)))
}

// TestGrantee: the ACE printed for a missing right names the service
// account's own SID, or a placeholder when it was not found, never a SID
// of the token guessed to be the account's: the first of the rootDSE's
// tokenGroups was taken, and a server that lists a group first (Domain
// Users) would have had the operator grant Reset password to the group.
func TestGrantee(t *testing.T) {
	assert.Equal(t, "S-1-5-21-1-2-3-1102", grantee("S-1-5-21-1-2-3-1102"))
	assert.Equal(t, "<the service account's SID>", grantee(""))
}
