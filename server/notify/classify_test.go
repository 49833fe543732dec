package notify

import "testing"

// TestBadMailbox: which replies to RCPT TO say the address is wrong (the
// desk must correct it) and which are the mail setup's.
func TestBadMailbox(t *testing.T) {
	for _, tc := range []struct {
		code           int
		enhanced, text string
		want           bool
	}{
		{550, "5.1.1", "550 5.1.1 User unknown", true},
		{550, "", `550 "5.1.1 <x@y>: Recipient address rejected: User unknown"`, true},
		{553, "5.1.3", "553 5.1.3 bad address syntax", true},
		{550, "", "550 No such user here", true},
		{551, "", "551 User not local", true},
		{550, "5.7.1", "550 5.7.1 Relaying denied", false},
		{550, "", "550 5.7.1 Relaying denied", false},
		{554, "", "554 Transaction failed", false},
		{552, "5.2.2", "552 5.2.2 Mailbox full", false},
	} {
		if got := badMailbox(tc.code, tc.enhanced, tc.text); got != tc.want {
			t.Errorf("badMailbox(%d, %q, %q) = %v, want %v", tc.code, tc.enhanced, tc.text, got, tc.want)
		}
	}
}
