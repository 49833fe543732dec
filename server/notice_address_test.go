package server_test

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/store"
)

// TestNoticeAfterResetGoesToOpenLinksAddress: a person whose only address
// on file is that of an open activation link (the desk sent a link, and the
// person used "Forgot password" with ID-porten instead, or changed the
// password on the change page) gets the notice after the reset or the
// change at that address. The steps after the password revoked the open
// link first, and a revoked link's address is not on file: the notice
// ("if this was not you, call the service desk") went nowhere, silently.
// The address stays on file for the next notice too.
func TestNoticeAfterResetGoesToOpenLinksAddress(t *testing.T) {
	for _, kind := range []string{notify.HowReset, notify.HowChange} {
		t.Run(kind, func(t *testing.T) {
			e := newDeskEnv(t, nil)
			link := e.issue(t, map[string]string{"username": "ola", "institution": "default", "email": "ola@example.org"}, deskKey)
			at := time.Now().Add(time.Second)
			f := &store.Followup{Key: kind + ":1", Kind: kind, Username: "ola", Name: "Ola Nordmann", Institution: "default"}
			const enc = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"
			if kind == notify.HowReset {
				id := bytes.Repeat([]byte{7}, 32)
				require.NoError(t, e.st.CreateResetSession(context.Background(), store.ResetSession{IDHash: id,
					Username: "ola", Name: "Ola Nordmann", Institution: "default", CreatedAt: at, ExpiresAt: at.Add(10 * time.Minute)}))
				require.NoError(t, e.st.CompleteReset(context.Background(), id, at, enc, 5, f))
			} else {
				require.NoError(t, e.st.SetPassword(context.Background(), "default", "ola", at, enc, 5, f))
			}
			tp, err := notify.LoadTemplates("", notify.Profile{Name: "Utfjord kommune"})
			require.NoError(t, err)
			d := server.NewDesk(e.st, baseURL, server.DeskDeps{Templates: tp}, nil, func() time.Time { return at.Add(2 * server.FollowupWait) })
			n, err := d.SweepFollowups(context.Background())
			require.NoError(t, err)
			require.Equal(t, 1, n)
			for _, v := range e.list(t, "") {
				if v.ID == link.ID {
					assert.Equal(t, server.StateRevoked, v.State, "the open link closed")
				}
			}
			ns, err := e.st.Notifications(context.Background(), 10)
			require.NoError(t, err)
			require.Len(t, ns, 1, "the notice after the %s", kind)
			assert.Equal(t, "ola@example.org", ns[0].Recipient)
			email, _, err := e.st.AddressOnFile(context.Background(), []string{"default"}, "ola")
			require.NoError(t, err, "the address stays on file")
			assert.Equal(t, "ola@example.org", email)
		})
	}
}
