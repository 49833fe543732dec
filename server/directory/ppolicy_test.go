package directory

import (
	"testing"

	ber "github.com/go-asn1-ber/asn1-ber"
	"github.com/go-ldap/ldap/v3"
	"github.com/stretchr/testify/assert"
)

// ppolicyAnswer is an LDAP error as go-ldap reads slapd's answer with the
// password-policy response control (draft-behera) holding error code,
// through its bytes.
func ppolicyAnswer(code int64) *ldap.Error {
	value := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "PasswordPolicyResponseValue")
	value.AppendChild(ber.NewInteger(ber.ClassContext, ber.TypePrimitive, 1, code, "error"))
	control := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "Control")
	control.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, ldap.ControlTypeBeheraPasswordPolicy, "type"))
	control.AppendChild(ber.NewString(ber.ClassUniversal, ber.TypePrimitive, ber.TagOctetString, string(value.Bytes()), "value"))
	msg := ber.Encode(ber.ClassUniversal, ber.TypeConstructed, ber.TagSequence, nil, "LDAPMessage")
	msg.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagInteger, int64(2), "messageID"))
	op := ber.Encode(ber.ClassApplication, ber.TypeConstructed, ldap.ApplicationExtendedResponse, nil, "ExtendedResponse")
	op.AppendChild(ber.NewInteger(ber.ClassUniversal, ber.TypePrimitive, ber.TagEnumerated, int64(ldap.LDAPResultConstraintViolation), "resultCode"))
	msg.AppendChild(op)
	controls := ber.Encode(ber.ClassContext, ber.TypeConstructed, 0, nil, "Controls")
	controls.AppendChild(control)
	msg.AppendChild(controls)
	return &ldap.Error{ResultCode: ldap.LDAPResultConstraintViolation, Packet: ber.DecodePacket(msg.Bytes())}
}

// TestPpolicyRule: ppolicy's refusals by their error code; a quality
// check's (insufficientPasswordQuality, a module such as ppm) is a rule of
// its own, where it was shown in AD's complexity words ("three kinds … a
// space does not count"), which such a module need not go by.
func TestPpolicyRule(t *testing.T) {
	for code, want := range map[int64]string{5: RuleQuality, 6: RuleTooShort, 7: RuleTooYoung, 8: RuleHistory, 2: RuleRefused} {
		rule, ok := ppolicyRule(ppolicyAnswer(code))
		assert.True(t, ok, "code %d", code)
		assert.Equal(t, want, rule, "code %d", code)
	}
	_, ok := ppolicyRule(&ldap.Error{ResultCode: ldap.LDAPResultConstraintViolation})
	assert.False(t, ok, "no control")
}
