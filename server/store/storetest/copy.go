package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store"
)

// Fill puts rows into every table of store.Tables through the store's own
// methods, with NULL and set values in the columns that may hold NULL, and
// text beyond ASCII: what a store in use for a while holds.
func Fill(t *testing.T, s store.Store) {
	t.Helper()
	c := ctx(t)
	at := T0
	hour := time.Hour
	// Links: one issued with a contact and its audit event, one delivered
	// and revoked, one used (its password, history and steps after it),
	// one claimed, one with a one-time code sent again.
	issue := func(token, user string) store.Issue {
		return store.Issue{
			Activation: NewActivation(token, user, 24*hour),
			Contact:    store.Contact{Email: user + "@example.no", Phone: "+4791234567", Lang: "nn", CreatedBy: "admin:desk"},
			Created:    store.AuditEvent{Time: at, Event: store.EventCreated, Actor: "admin:desk", Username: user, Institution: "uio", Detail: "lenkje til Åse"},
		}
	}
	require.NoError(t, s.IssueActivations(c, []store.Issue{issue("copy-1", "åse"), issue("copy-2", "kari"), issue("copy-3", "kari")}))
	require.NoError(t, s.MarkDelivered(c, TokenHash("copy-1"), at.Add(time.Minute), true))
	require.NoError(t, s.Revoke(c, TokenHash("copy-1"), at.Add(2*time.Minute)))
	require.NoError(t, s.Complete(c, TokenHash("copy-2"), nil, at.Add(3*time.Minute), EncodedHash(1), 5, 10))
	_, err := s.Claim(c, TokenHash("copy-3"), at.Add(4*time.Minute), time.Minute, EncodedHash(2), 10)
	require.NoError(t, err)
	coded := NewActivation("copy-4", "per", 24*hour)
	coded.CodeHash = TokenHash("copy-4-code")
	require.NoError(t, s.CreateActivation(c, coded))
	_, err = s.ReplaceCode(c, coded.TokenHash, TokenHash("copy-4-code-2"), at.Add(10*time.Minute), time.Minute, 3, 10)
	require.NoError(t, err)
	_, err = s.RecordFailure(c, coded.TokenHash)
	require.NoError(t, err)
	// A change's password and its steps after it; a history of two.
	require.NoError(t, s.SetPassword(c, "uio", "kari", at.Add(time.Hour), EncodedHash(3), 5,
		&store.Followup{Key: "change:kari:copy", Kind: "change", Username: "kari", Name: "Kari Nordmann", Institution: "uio", At: at.Add(time.Hour)}))
	_, err = s.AppendAudit(c, store.AuditEvent{Time: at.Add(time.Hour), Event: store.EventRefused, Actor: "user:kari",
		Username: "kari", Institution: "uio", RemoteAddr: "192.0.2.1", RequestID: "req-1", Detail: `{"rule":"common"}`})
	require.NoError(t, err)
	// Notices: one sent, one given up, one waiting.
	for i, key := range []string{"notice-sent", "notice-failed", "notice-waiting"} {
		_, err := s.EnqueueNotification(c, store.Notification{Key: key, Channel: "email", Recipient: "kari@example.no",
			Subject: "Passordet ditt er endra", Text: "Hei Kari", HTML: "<p>Hei Kari</p>", MessageID: "<" + key + "@styrke>",
			Username: "kari", Institution: "uio", CreatedAt: at, NextAttempt: at.Add(time.Duration(i) * time.Minute)})
		require.NoError(t, err)
	}
	ns, err := s.Notifications(c, 10)
	require.NoError(t, err)
	for _, n := range ns {
		switch n.Key {
		case "notice-sent":
			require.NoError(t, s.NotificationSent(c, n.ID, at.Add(5*time.Minute)))
		case "notice-failed":
			require.NoError(t, s.NotificationFailed(c, n.ID, at.Add(time.Hour), "smtp: 550 mailbox unavailable", true))
		}
	}
	_, _, err = s.TakeSMS(c, "uio", "2026-03-01", 100)
	require.NoError(t, err)
	// The reset: identities, a sign-in under way, two sessions (one
	// claimed), a throttle count.
	require.NoError(t, s.PutIdentities(c, []store.AccountIdentity{
		{Institution: "uio", Username: "kari", Name: "Kari Nordmann", IdentityHash: TokenHash("id-kari"), UpdatedAt: at},
		{Institution: "uit", Username: "åse", Name: "Åse Ødegård", IdentityHash: TokenHash("id-åse"), UpdatedAt: at},
	}))
	require.NoError(t, s.CreateLogin(c, store.Login{StateHash: TokenHash("state"), Nonce: "n", Verifier: "v", ACR: "idporten-loa-substantial",
		Institution: "uio", Lang: "nb", ExpiresAt: at.Add(10 * time.Minute)}, at))
	for _, id := range []string{"session-1", "session-2"} {
		require.NoError(t, s.CreateResetSession(c, store.ResetSession{IDHash: TokenHash(id), Username: "kari", Name: "Kari Nordmann",
			Institution: "uio", BirthDate: "1990-01-01", CreatedAt: at, ExpiresAt: at.Add(15 * time.Minute)}))
	}
	require.NoError(t, s.ClaimReset(c, TokenHash("session-2"), at.Add(time.Minute), at.Add(2*time.Minute)))
	_, err = s.Fail(c, TokenHash("throttle"), at, time.Hour)
	require.NoError(t, err)
	// An address on file, reminders (one sent, one claimed), the shared
	// secrets and an account's lease.
	require.NoError(t, s.PutAddress(c, "uio", "åse", "ase@example.no", "nn", at))
	_, err = s.ClaimReminder(c, "reminder-sent", at)
	require.NoError(t, err)
	require.NoError(t, s.ConfirmReminder(c, "reminder-sent"))
	_, err = s.ClaimReminder(c, "reminder-claimed", at)
	require.NoError(t, err)
	_, err = s.Secret(c, "throttle")
	require.NoError(t, err)
	_, err = s.Keep(c, "identity-key", TokenHash("fingerprint"))
	require.NoError(t, err)
	require.NoError(t, s.LockAccount(c, "lock:kari", TokenHash("holder")[:16], at, at.Add(time.Minute)))
	// Where the retention last counted from.
	require.NoError(t, s.SetRetentionMark(c, at.Add(-time.Hour)))
}

// RunCopy is the suite for store.Copier: open gives an empty store of the
// kind under test, other one of the other kind (or the same). Both must be
// store.Copier.
func RunCopy(t *testing.T, open, other Opener) {
	t.Run("ThereAndBack", func(t *testing.T) { testCopyThereAndBack(t, open, other) })
	t.Run("NotEmpty", func(t *testing.T) { testCopyNotEmpty(t, open, other) })
	t.Run("Snapshot", func(t *testing.T) { testCopySnapshot(t, open, other) })
	t.Run("Empty", func(t *testing.T) { testCopyEmpty(t, open, other) })
}

func copier(t *testing.T, s store.Store) store.Copier {
	t.Helper()
	c, ok := s.(store.Copier)
	require.True(t, ok, "%T is not a store.Copier", s)
	return c
}

// testCopyThereAndBack fills a store, copies it to one of the other kind
// and back to a third, and finds every row the same, read as rows and
// through the stores' methods; the copies go on working (their sequences
// are past the ids copied, leases and secrets are the same).
func testCopyThereAndBack(t *testing.T, open, other Opener) {
	src := open(t)
	Fill(t, src)
	want, err := store.Sums(ctx(t), copier(t, src))
	require.NoError(t, err)
	for _, s := range want {
		assert.Positive(t, s.Rows, "Fill put no row into %s", s.Table)
	}
	mid := other(t)
	copied, err := store.Copy(ctx(t), copier(t, src), copier(t, mid))
	require.NoError(t, err)
	assert.Equal(t, want, copied)
	back := open(t)
	copied, err = store.Copy(ctx(t), copier(t, mid), copier(t, back))
	require.NoError(t, err)
	assert.Equal(t, want, copied)
	got, err := store.Sums(ctx(t), copier(t, back))
	require.NoError(t, err)
	assert.Equal(t, want, got)

	for _, dst := range []store.Store{mid, back} {
		sameThroughMethods(t, src, dst)
	}
	// The copy goes on where the source was: new ids after the copied,
	// the lease and the SMS count kept.
	c := ctx(t)
	for _, dst := range []store.Store{mid, back} {
		old, err := src.Audit(c, store.AuditFilter{})
		require.NoError(t, err)
		id, err := dst.AppendAudit(c, store.AuditEvent{Time: T0.Add(2 * time.Hour), Event: store.EventCreated, Actor: "system"})
		require.NoError(t, err)
		assert.Greater(t, id, old[len(old)-1].ID)
		queued, err := dst.EnqueueNotification(c, store.Notification{Key: "after-copy", Channel: "email", Recipient: "a@example.no",
			MessageID: "<after@styrke>", CreatedAt: T0, NextAttempt: T0})
		require.NoError(t, err)
		assert.True(t, queued)
		ns, err := dst.Notifications(c, 10)
		require.NoError(t, err)
		assert.Len(t, ns, 4)
		assert.ErrorIs(t, dst.LockAccount(c, "lock:kari", TokenHash("other")[:16], T0, T0.Add(time.Minute)), store.ErrBusy)
		n, ok, err := dst.TakeSMS(c, "uio", "2026-03-01", 100)
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, 2, n)
	}
}

// sameThroughMethods reads what Fill wrote from a and from b through the
// store's methods and finds it the same.
func sameThroughMethods(t *testing.T, a, b store.Store) {
	t.Helper()
	c := ctx(t)
	for _, user := range []string{"kari", "åse"} {
		ha, err := a.History(c, []string{"uio"}, user, 10)
		require.NoError(t, err)
		hb, err := b.History(c, []string{"uio"}, user, 10)
		require.NoError(t, err)
		if len(ha) == 0 && len(hb) == 0 {
			ha, hb = nil, nil // the stores differ in nil and empty
		}
		assert.Equal(t, ha, hb, user)
		assert.Equal(t, len(ha) > 0, user == "kari", user)
	}
	la, err := a.Activations(c, store.ActivationFilter{})
	require.NoError(t, err)
	lb, err := b.Activations(c, store.ActivationFilter{})
	require.NoError(t, err)
	assert.ElementsMatch(t, la, lb)
	ea, err := a.Audit(c, store.AuditFilter{})
	require.NoError(t, err)
	eb, err := b.Audit(c, store.AuditFilter{})
	require.NoError(t, err)
	assert.Equal(t, ea, eb)
	na, err := a.Notifications(c, 10)
	require.NoError(t, err)
	nb, err := b.Notifications(c, 10)
	require.NoError(t, err)
	assert.Equal(t, na, nb)
	for _, name := range []string{"throttle"} {
		sa, err := a.Secret(c, name)
		require.NoError(t, err)
		sb, err := b.Secret(c, name)
		require.NoError(t, err)
		assert.Equal(t, sa, sb, "secret %s", name)
	}
	kept, err := b.Keep(c, "identity-key", TokenHash("another key"))
	require.NoError(t, err)
	assert.Equal(t, TokenHash("fingerprint"), kept)
	ids, err := b.AccountsByIdentity(c, TokenHash("id-åse"))
	require.NoError(t, err)
	require.Len(t, ids, 1)
	assert.Equal(t, "Åse Ødegård", ids[0].Name)
	ra, err := a.ResetSession(c, TokenHash("session-2"))
	require.NoError(t, err)
	rb, err := b.ResetSession(c, TokenHash("session-2"))
	require.NoError(t, err)
	assert.Equal(t, ra, rb)
	email, lang, err := b.AddressOnFile(c, []string{"uio"}, "åse")
	require.NoError(t, err)
	assert.Equal(t, []string{"ase@example.no", "nn"}, []string{email, lang})
	sent, err := b.ReminderSent(c, "reminder-sent")
	require.NoError(t, err)
	assert.True(t, sent)
	fa, err := a.Failures(c, TokenHash("throttle"), T0, time.Hour)
	require.NoError(t, err)
	fb, err := b.Failures(c, TokenHash("throttle"), T0, time.Hour)
	require.NoError(t, err)
	assert.Equal(t, fa, fb)
	assert.Equal(t, 1, fb)
	login, err := b.TakeLogin(c, TokenHash("state"), T0)
	require.NoError(t, err)
	assert.Equal(t, "v", login.Verifier)
	fs, err := b.ClaimPasswordFollowups(c, T0.Add(48*time.Hour), time.Minute, 10)
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, "change:kari:copy", fs[0].Key)
}

// testCopyNotEmpty: a copy into a store that holds anything is refused,
// naming the table, and writes nothing.
func testCopyNotEmpty(t *testing.T, open, other Opener) {
	src, dst := open(t), other(t)
	Fill(t, src)
	_, err := dst.AppendAudit(ctx(t), store.AuditEvent{Time: T0, Event: store.EventCreated, Actor: "system"})
	require.NoError(t, err)
	before, err := store.Sums(ctx(t), copier(t, dst))
	require.NoError(t, err)
	_, err = store.Copy(ctx(t), copier(t, src), copier(t, dst))
	var ne *store.NotEmptyError
	require.ErrorAs(t, err, &ne)
	assert.Equal(t, "audit_events", ne.Table)
	assert.EqualValues(t, 1, ne.Rows)
	assert.Contains(t, err.Error(), "audit_events has 1 row")
	after, err := store.Sums(ctx(t), copier(t, dst))
	require.NoError(t, err)
	assert.Equal(t, before, after)
}

// writeDuring is a Copier that writes to its store while the copy reads it.
type writeDuring struct {
	store.Store
	once bool
}

func (w *writeDuring) ReadAll(c context.Context, fn func(t *store.Table, row []any) error) error {
	return w.Store.(store.Copier).ReadAll(c, func(t *store.Table, row []any) error {
		if !w.once {
			w.once = true
			if _, err := w.AppendAudit(c, store.AuditEvent{Time: T0, Event: store.EventCreated, Actor: "system", Detail: "during the copy"}); err != nil {
				return err
			}
		}
		return fn(t, row)
	})
}

func (w *writeDuring) WriteAll(c context.Context, rows func(put func(t *store.Table, row []any) error) error) error {
	return errors.New("not a destination")
}

// testCopySnapshot: what the source's server writes while the copy runs is
// not half in it: the copy is the source as it was when the copy began.
func testCopySnapshot(t *testing.T, open, other Opener) {
	src, dst := open(t), other(t)
	Fill(t, src)
	want, err := store.Sums(ctx(t), copier(t, src))
	require.NoError(t, err)
	copied, err := store.Copy(ctx(t), &writeDuring{Store: src}, copier(t, dst))
	require.NoError(t, err)
	assert.Equal(t, want, copied)
	events, err := src.Audit(ctx(t), store.AuditFilter{})
	require.NoError(t, err)
	assert.Equal(t, "during the copy", events[len(events)-1].Detail, "the write during the copy did not happen")
}

// testCopyEmpty: an empty store copies to an empty store.
func testCopyEmpty(t *testing.T, open, other Opener) {
	copied, err := store.Copy(ctx(t), copier(t, open(t)), copier(t, other(t)))
	require.NoError(t, err)
	for _, s := range copied {
		assert.Zero(t, s.Rows, s.Table)
	}
}
