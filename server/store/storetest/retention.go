package storetest

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store"
)

// retentionTests are the suite's tests of store.Retention.
var retentionTests = []struct {
	name string
	fn   func(*testing.T, Opener)
}{
	{"Prune", testPrune},
	{"Forget", testForget},
	{"ReplaceIdentities", testReplaceIdentities},
	{"Secret", testSecret},
	{"LockAccount", testLockAccount},
	{"LockAccountRace", testLockAccountRace},
	{"LockAccounts", testLockAccounts},
	{"LockAccountsRace", testLockAccountsRace},
}

// testPrune: what ended before the cut goes, with its addresses; what is
// open, ended after it, or still has work to do stays; what ran out by
// now (sign-ins, dates of birth, old failure counts) goes at once.
func testPrune(t *testing.T, open Opener) {
	s := open(t)
	day := 24 * time.Hour
	now := T0.Add(100 * day)
	ended := now.Add(-90 * day) // T0 + 10 days
	used := func(token string, at time.Time) store.Activation {
		a := NewActivation(token, "u-"+token, time.Hour)
		a.UsedAt = &at
		return a
	}
	old := NewActivation("expired-old", "kari", time.Hour) // expired at T0+1h
	recent := NewActivation("expired-recent", "kari", time.Hour)
	recent.CreatedAt, recent.ExpiresAt = T0.Add(20*day), T0.Add(20*day+time.Hour)
	live := NewActivation("open", "kari", 200*day)
	for _, a := range []store.Activation{old, recent, live, used("used-old", T0.Add(day)), used("used-recent", T0.Add(50*day))} {
		create(t, s, a)
		require.NoError(t, s.SetContact(ctx(t), a.TokenHash, store.Contact{Email: "kari@example.org", Phone: "+4791234567", Lang: "nb"}))
	}
	// A link used before the cut whose steps after the password are not
	// done yet (followup_at set by Complete) stays until they are.
	pending := NewActivation("pending", "ola", time.Hour)
	create(t, s, pending)
	c, err := s.Claim(ctx(t), pending.TokenHash, T0, time.Minute, EncodedHash(1), 5)
	require.NoError(t, err)
	require.NoError(t, s.Complete(ctx(t), pending.TokenHash, c.ID, T0.Add(time.Second), EncodedHash(1), 3, 5))

	// Notices: sent before the cut, given up before it, sent after, queued.
	var ids []int64
	for _, k := range []string{"sent-old", "gaveup-old", "sent-recent", "queued"} {
		n := Notice(k)
		_, err := s.EnqueueNotification(ctx(t), n)
		require.NoError(t, err)
	}
	got, err := s.Notifications(ctx(t), 10)
	require.NoError(t, err)
	byKey := map[string]int64{}
	for _, n := range got {
		byKey[n.Key] = n.ID
		ids = append(ids, n.ID)
	}
	require.Len(t, ids, 4)
	require.NoError(t, s.NotificationSent(ctx(t), byKey["sent-old"], T0.Add(day)))
	require.NoError(t, s.NotificationFailed(ctx(t), byKey["gaveup-old"], T0.Add(day), "smtp: 550", true))
	require.NoError(t, s.NotificationSent(ctx(t), byKey["sent-recent"], T0.Add(50*day)))

	// Sessions and sign-ins: one ran out a minute ago (its date of birth
	// goes, the session stays a day), one two days ago (goes), one live.
	justOut := session("just-out", "ola")
	justOut.CreatedAt, justOut.ExpiresAt = now.Add(-11*time.Minute), now.Add(-time.Minute)
	longOut := session("long-out", "ola")
	longOut.CreatedAt, longOut.ExpiresAt = now.Add(-2*day), now.Add(-2*day+10*time.Minute)
	liveS := session("live", "ola")
	liveS.CreatedAt, liveS.ExpiresAt = now.Add(-time.Minute), now.Add(9*time.Minute)
	// (Each created after the sessions that ran out before it by a day:
	// creating one deletes those.)
	for _, r := range []store.ResetSession{liveS, justOut, longOut} {
		require.NoError(t, s.CreateResetSession(ctx(t), r))
	}
	require.NoError(t, s.CreateLogin(ctx(t), store.Login{StateHash: Hash32("login-live"), Nonce: "n", Verifier: "v", ACR: "a",
		Institution: "uio", Lang: "nb", ExpiresAt: now.Add(9 * time.Minute)}, now.Add(-time.Minute)))
	require.NoError(t, s.CreateLogin(ctx(t), store.Login{StateHash: Hash32("login-old"), Nonce: "n", Verifier: "v", ACR: "a",
		Institution: "uio", Lang: "nb", ExpiresAt: now.Add(-time.Minute)}, now.Add(-11*time.Minute)))
	_, err = s.Fail(ctx(t), Hash32("throttle-old"), now.Add(-2*day), 15*time.Minute)
	require.NoError(t, err)
	_, err = s.Fail(ctx(t), Hash32("throttle-live"), now.Add(-time.Minute), 15*time.Minute)
	require.NoError(t, err)

	p, err := s.Prune(ctx(t), now, ended)
	require.NoError(t, err)
	assert.Equal(t, store.Pruned{Links: 2, Notices: 2, Sessions: 1, Logins: 1, Counters: 1}, p)
	assert.Equal(t, int64(7), p.Total())

	for token, want := range map[string]bool{"expired-old": false, "used-old": false, "expired-recent": true, "used-recent": true, "open": true, "pending": true} {
		recs, err := s.Activations(ctx(t), store.ActivationFilter{TokenHash: TokenHash(token)})
		require.NoError(t, err)
		assert.Equal(t, want, len(recs) == 1, "%s kept", token)
		if want && token != "pending" {
			assert.Equal(t, "kari@example.org", recs[0].Email, "%s keeps its address", token)
		}
	}
	got, err = s.Notifications(ctx(t), 10)
	require.NoError(t, err)
	var keys []string
	for _, n := range got {
		keys = append(keys, n.Key)
	}
	assert.ElementsMatch(t, []string{"sent-recent", "queued"}, keys)

	_, err = s.ResetSession(ctx(t), longOut.IDHash)
	assert.ErrorIs(t, err, store.ErrNotFound, "a session out for two days is gone")
	r, err := s.ResetSession(ctx(t), justOut.IDHash)
	require.NoError(t, err, "a session just out stays a day (its answers say it ran out)")
	assert.Empty(t, r.BirthDate, "but without the date of birth")
	r, err = s.ResetSession(ctx(t), liveS.IDHash)
	require.NoError(t, err)
	assert.Equal(t, "1985-07-24", r.BirthDate, "a live session keeps it")
	_, err = s.TakeLogin(ctx(t), Hash32("login-old"), now.Add(-2*time.Minute))
	assert.ErrorIs(t, err, store.ErrNotFound, "a sign-in that ran out is gone")
	_, err = s.TakeLogin(ctx(t), Hash32("login-live"), now)
	assert.NoError(t, err)
	n, err := s.Failures(ctx(t), Hash32("throttle-live"), now, 15*time.Minute)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "a live count stays")

	// Again: nothing more to do.
	p, err = s.Prune(ctx(t), now, ended)
	require.NoError(t, err)
	assert.Zero(t, p.Total())
	// Once its steps are done, the pending link goes too.
	require.NoError(t, s.FollowedUp(ctx(t), pending.TokenHash))
	p, err = s.Prune(ctx(t), now, ended)
	require.NoError(t, err)
	assert.Equal(t, int64(1), p.Links)
}

// testForget: everything of one account at one institution goes, in any
// case of its letters; another account's, and the same username's at
// another institution (links, identity), stay.
func testForget(t *testing.T, open Opener) {
	s := open(t)
	mine := NewActivation("mine", "kari", time.Hour)
	other := NewActivation("other", "ola", time.Hour)
	elsewhere := NewActivation("elsewhere", "kari", time.Hour)
	elsewhere.Institution = "uib"
	for _, a := range []store.Activation{mine, other, elsewhere} {
		create(t, s, a)
		require.NoError(t, s.SetContact(ctx(t), a.TokenHash, store.Contact{Email: a.Username + "@example.org", Lang: "nb"}))
	}
	kari := Notice("kari-notice")
	kari.Username, kari.Institution = "kari", mine.Institution
	olaN := Notice("ola-notice")
	olaN.Username, olaN.Institution = "ola", mine.Institution
	for _, n := range []store.Notification{kari, olaN} {
		_, err := s.EnqueueNotification(ctx(t), n)
		require.NoError(t, err)
	}
	require.NoError(t, s.PutIdentities(ctx(t), []store.AccountIdentity{
		{Institution: mine.Institution, Username: "kari", Name: "Kari", IdentityHash: Hash32("p1"), UpdatedAt: T0},
		{Institution: "uib", Username: "kari", Name: "Kari", IdentityHash: Hash32("p1"), UpdatedAt: T0},
		{Institution: mine.Institution, Username: "ola", Name: "Ola", IdentityHash: Hash32("p2"), UpdatedAt: T0},
	}))
	rs := session("kari-session", "kari")
	rs.Institution = mine.Institution
	require.NoError(t, s.CreateResetSession(ctx(t), rs))
	require.NoError(t, s.PutAddress(ctx(t), mine.Institution, "kari", "kari.home@example.org", "nb", T0))
	require.NoError(t, s.PutAddress(ctx(t), store.NoInstitution, "kari", "kari.old@example.org", "nb", T0))
	require.NoError(t, s.SetPassword(ctx(t), mine.Institution, "kari", T0, EncodedHash(1), 5, &store.Followup{Key: "change:kari", Kind: "change",
		Username: "kari", Name: "Kari", Institution: mine.Institution, At: T0}))
	require.NoError(t, s.SetPassword(ctx(t), mine.Institution, "kari", T0.Add(time.Minute), EncodedHash(2), 5, nil))
	require.NoError(t, s.SetPassword(ctx(t), mine.Institution, "ola", T0, EncodedHash(3), 5, nil))
	require.NoError(t, s.SetPassword(ctx(t), store.NoInstitution, "kari", T0.Add(-time.Hour), EncodedHash(9), 5, nil))

	f, err := s.Forget(ctx(t), mine.Institution, "KARI")
	require.NoError(t, err)
	// Kari's address on file and history at the institution go. A
	// history and an address of no institution (kept before schemas 17
	// and 18) are kept by username alone, and uib has a link and an
	// identity for "kari": they stay (uib's kari's too, another person of
	// another directory perhaps).
	assert.Equal(t, store.Forgotten{Links: 1, Notices: 1, Identities: 1, Sessions: 1, Followups: 1, Addresses: 1, Passwords: 2}, f)
	email, _, err := s.AddressOnFile(ctx(t), []string{mine.Institution}, "kari")
	require.NoError(t, err)
	assert.Equal(t, "kari.old@example.org", email, "the address of no institution stays")
	h, err := s.History(ctx(t), []string{mine.Institution, "uib"}, "kari", 10)
	require.NoError(t, err)
	assert.Equal(t, []string{EncodedHash(9)}, h, "kept: the history of no institution")
	// Forgotten at uib too: nothing else names kari, and they go.
	f, err = s.Forget(ctx(t), "uib", "kari")
	require.NoError(t, err)
	assert.Equal(t, store.Forgotten{Links: 1, Identities: 1, Addresses: 1, Passwords: 1}, f)

	recs, err := s.Activations(ctx(t), store.ActivationFilter{Username: "kari"})
	require.NoError(t, err)
	assert.Empty(t, recs)
	recs, err = s.Activations(ctx(t), store.ActivationFilter{Username: "ola"})
	require.NoError(t, err)
	assert.Len(t, recs, 1)
	got, err := s.AccountsByIdentity(ctx(t), Hash32("p1"))
	require.NoError(t, err)
	assert.Empty(t, got)
	_, err = s.IdentityOf(ctx(t), mine.Institution, "ola")
	assert.NoError(t, err)
	_, err = s.ResetSession(ctx(t), rs.IDHash)
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, _, err = s.AddressOnFile(ctx(t), []string{mine.Institution, "uib"}, "kari")
	assert.ErrorIs(t, err, store.ErrNotFound)
	h, err = s.History(ctx(t), []string{mine.Institution, "uib"}, "kari", 10)
	require.NoError(t, err)
	assert.Empty(t, h)
	h, err = s.History(ctx(t), []string{mine.Institution, "uib"}, "ola", 10)
	require.NoError(t, err)
	assert.Len(t, h, 1)
	fs, err := s.ClaimPasswordFollowups(ctx(t), T0.Add(time.Hour), time.Minute, 10)
	require.NoError(t, err)
	assert.Empty(t, fs)
	ns, err := s.Notifications(ctx(t), 10)
	require.NoError(t, err)
	require.Len(t, ns, 1)
	assert.Equal(t, "ola", ns[0].Username)

	f, err = s.Forget(ctx(t), mine.Institution, "kari")
	require.NoError(t, err)
	assert.Zero(t, f.Total(), "forgotten already")
}

// testReplaceIdentities: a file that lists every account of its
// institutions removes those institutions' other mappings (and says
// which), and leaves the institutions it does not name alone.
func testReplaceIdentities(t *testing.T, open Opener) {
	s := open(t)
	require.NoError(t, s.PutIdentities(ctx(t), []store.AccountIdentity{
		{Institution: "uio", Username: "ola", Name: "Ola", IdentityHash: Hash32("p1"), UpdatedAt: T0},
		{Institution: "uio", Username: "kari", Name: "Kari", IdentityHash: Hash32("p2"), UpdatedAt: T0},
		{Institution: "uio", Username: "per", Name: "Per", IdentityHash: Hash32("p3"), UpdatedAt: T0},
		{Institution: "uib", Username: "kari", Name: "Kari", IdentityHash: Hash32("p2"), UpdatedAt: T0},
	}))
	// Per, who left, is signed in for a reset right now.
	rs := session("per-session", "per")
	require.NoError(t, s.CreateResetSession(ctx(t), rs))
	removed, err := s.ReplaceIdentities(ctx(t), []store.AccountIdentity{
		{Institution: "uio", Username: "ola", Name: "Ola N", IdentityHash: Hash32("p1"), UpdatedAt: T0.Add(time.Hour)},
		{Institution: "uio", Username: "eva", Name: "Eva", IdentityHash: Hash32("p4"), UpdatedAt: T0.Add(time.Hour)},
	})
	require.NoError(t, err)
	var gone []string
	for _, a := range removed {
		gone = append(gone, a.Institution+"/"+a.Username)
	}
	assert.ElementsMatch(t, []string{"uio/kari", "uio/per"}, gone)
	for who, want := range map[[2]string]bool{{"uio", "ola"}: true, {"uio", "eva"}: true, {"uio", "kari"}: false, {"uio", "per"}: false, {"uib", "kari"}: true} {
		_, err := s.IdentityOf(ctx(t), who[0], who[1])
		if want {
			assert.NoError(t, err, "%v kept", who)
		} else {
			assert.ErrorIs(t, err, store.ErrNotFound, "%v removed", who)
		}
	}
	id, err := s.IdentityOf(ctx(t), "uio", "ola")
	require.NoError(t, err)
	assert.Equal(t, "Ola N", id.Name)
	_, err = s.ResetSession(ctx(t), rs.IDHash)
	assert.ErrorIs(t, err, store.ErrNotFound, "the reset session of an account removed ends with it")
	// A bad hash stores and removes nothing.
	_, err = s.ReplaceIdentities(ctx(t), []store.AccountIdentity{{Institution: "uib", Username: "x", Name: "X", IdentityHash: []byte("short"), UpdatedAt: T0}})
	require.Error(t, err)
	_, err = s.IdentityOf(ctx(t), "uib", "kari")
	assert.NoError(t, err)
}

// testSecret: a secret is made once, 32 bytes, and every later ask (every
// instance) gets the same; another name another.
func testSecret(t *testing.T, open Opener) {
	s := open(t)
	a, err := s.Secret(ctx(t), "throttle")
	require.NoError(t, err)
	assert.Len(t, a, 32)
	b, err := s.Secret(ctx(t), "throttle")
	require.NoError(t, err)
	assert.Equal(t, a, b)
	c, err := s.Secret(ctx(t), "other")
	require.NoError(t, err)
	assert.NotEqual(t, a, c)
	first, second := Hash32("first key"), Hash32("second key")
	got, err := s.Keep(ctx(t), "fingerprint", first)
	require.NoError(t, err)
	assert.Equal(t, first, got)
	got, err = s.Keep(ctx(t), "fingerprint", second)
	require.NoError(t, err)
	assert.Equal(t, first, got, "the first kept")
	_, err = s.Keep(ctx(t), "short", []byte("x"))
	assert.Error(t, err)
}

// testLockAccount: one holder at a time until its lease ends; the holder
// renews its own; an unlock by another holder does nothing; a lease that
// ran out is taken over; Prune forgets leases a day old.
func testLockAccount(t *testing.T, open Opener) {
	s := open(t)
	h1, h2 := Hash32("h1")[:16], Hash32("h2")[:16]
	const k = "acct:ola"
	require.NoError(t, s.LockAccount(ctx(t), k, h1, T0, T0.Add(time.Minute)))
	err := s.LockAccount(ctx(t), k, h2, T0.Add(time.Second), T0.Add(time.Minute))
	assert.ErrorIs(t, err, store.ErrBusy)
	var be *store.BusyError
	if assert.ErrorAs(t, err, &be, "says when the holder's lease ends") {
		assert.True(t, be.Until.Equal(T0.Add(time.Minute)), "until %s", be.Until)
	}
	require.NoError(t, s.LockAccount(ctx(t), "acct:kari", h2, T0, T0.Add(time.Minute)), "another account")
	require.NoError(t, s.LockAccount(ctx(t), k, h1, T0.Add(time.Second), T0.Add(2*time.Minute)), "renewed by its holder")
	require.NoError(t, s.UnlockAccount(ctx(t), k, h2))
	assert.ErrorIs(t, s.LockAccount(ctx(t), k, h2, T0.Add(90*time.Second), T0.Add(3*time.Minute)), store.ErrBusy, "another's unlock did nothing")
	require.NoError(t, s.LockAccount(ctx(t), k, h2, T0.Add(2*time.Minute), T0.Add(3*time.Minute)), "the lease ran out")
	assert.ErrorIs(t, s.LockAccount(ctx(t), k, h1, T0.Add(2*time.Minute), T0.Add(3*time.Minute)), store.ErrBusy)
	require.NoError(t, s.UnlockAccount(ctx(t), k, h2))
	require.NoError(t, s.LockAccount(ctx(t), k, h1, T0.Add(2*time.Minute), T0.Add(3*time.Minute)), "free after its unlock")
	assert.Error(t, s.LockAccount(ctx(t), k, []byte("short"), T0, T0.Add(time.Minute)))
	p, err := s.Prune(ctx(t), T0.Add(2*24*time.Hour), time.Time{})
	require.NoError(t, err)
	_ = p
	require.NoError(t, s.LockAccount(ctx(t), k, h2, T0, T0.Add(time.Minute)), "a lease pruned (taken even at a time before its end)")
}

// testLockAccountRace: of Races holders asking at once, one gets the lease.
func testLockAccountRace(t *testing.T, open Opener) {
	s := open(t)
	var won atomic.Int32
	var wg sync.WaitGroup
	for i := range Races {
		wg.Go(func() {
			h := Hash32(fmt.Sprint("holder", i))[:16]
			err := s.LockAccount(ctx(t), "acct:race", h, T0, T0.Add(time.Minute))
			if err == nil {
				won.Add(1)
			} else {
				assert.ErrorIs(t, err, store.ErrBusy)
			}
		})
	}
	wg.Wait()
	assert.Equal(t, int32(1), won.Load())
}

// testLockAccounts: a batch's leases, taken at once, are LockAccount's
// each: a key another holds is returned busy and left to it, the others
// held (a key given twice once); the holder renews its own; a lease that
// ran out is taken; UnlockAccounts ends the holder's leases only.
func testLockAccounts(t *testing.T, open Opener) {
	s := open(t)
	h1, h2, h3 := Hash32("h1")[:16], Hash32("h2")[:16], Hash32("h3")[:16]
	require.NoError(t, s.LockAccount(ctx(t), "acct:a", h1, T0, T0.Add(time.Minute)))
	busy, err := s.LockAccounts(ctx(t), []string{"acct:b", "acct:a", "acct:c", "acct:b"}, h2, T0.Add(time.Second), T0.Add(time.Minute))
	require.NoError(t, err)
	assert.Equal(t, []string{"acct:a"}, busy, "h1 holds acct:a")
	for _, k := range []string{"acct:a", "acct:b", "acct:c"} {
		assert.ErrorIs(t, s.LockAccount(ctx(t), k, h3, T0.Add(2*time.Second), T0.Add(time.Minute)), store.ErrBusy, "%s is held", k)
	}

	busy, err = s.LockAccounts(ctx(t), []string{"acct:b", "acct:c"}, h2, T0.Add(2*time.Second), T0.Add(3*time.Minute))
	require.NoError(t, err)
	assert.Empty(t, busy, "its own, renewed")
	assert.ErrorIs(t, s.LockAccount(ctx(t), "acct:b", h3, T0.Add(2*time.Minute), T0.Add(3*time.Minute)), store.ErrBusy, "renewed past its first end")
	busy, err = s.LockAccounts(ctx(t), []string{"acct:a"}, h2, T0.Add(time.Minute), T0.Add(3*time.Minute))
	require.NoError(t, err)
	assert.Empty(t, busy, "h1's lease ran out")

	require.NoError(t, s.UnlockAccounts(ctx(t), []string{"acct:a", "acct:b"}, h1))
	assert.ErrorIs(t, s.LockAccount(ctx(t), "acct:a", h1, T0.Add(90*time.Second), T0.Add(3*time.Minute)), store.ErrBusy, "another's unlock did nothing")
	require.NoError(t, s.UnlockAccounts(ctx(t), []string{"acct:a", "acct:b", "acct:none"}, h2))
	require.NoError(t, s.LockAccount(ctx(t), "acct:a", h1, T0.Add(90*time.Second), T0.Add(3*time.Minute)), "free after its unlock")
	require.NoError(t, s.LockAccount(ctx(t), "acct:b", h1, T0.Add(90*time.Second), T0.Add(3*time.Minute)), "free after its unlock")
	assert.ErrorIs(t, s.LockAccount(ctx(t), "acct:c", h1, T0.Add(90*time.Second), T0.Add(3*time.Minute)), store.ErrBusy, "not unlocked: still h2's")

	busy, err = s.LockAccounts(ctx(t), nil, h2, T0, T0.Add(time.Minute))
	require.NoError(t, err)
	assert.Empty(t, busy)
	require.NoError(t, s.UnlockAccounts(ctx(t), nil, h2))
	_, err = s.LockAccounts(ctx(t), []string{"acct:d"}, []byte("short"), T0, T0.Add(time.Minute))
	assert.Error(t, err)
}

// testLockAccountsRace: Races holders taking overlapping batches at once,
// each given in its own order: every key goes to one of them, and none
// fails (PostgreSQL takes a batch's rows in one order, store.Distinct's,
// so that two batches do not deadlock; not seen here without it).
func testLockAccountsRace(t *testing.T, open Opener) {
	s := open(t)
	keys := []string{"acct:r1", "acct:r2", "acct:r3", "acct:r4"}
	var mu sync.Mutex
	won := map[string]int{}
	var wg sync.WaitGroup
	for i := range Races {
		wg.Go(func() {
			mine := slices.Concat(keys[i%len(keys):], keys[:i%len(keys)])
			h := Hash32(fmt.Sprint("holder", i))[:16]
			busy, err := s.LockAccounts(ctx(t), mine, h, T0, T0.Add(time.Minute))
			if !assert.NoError(t, err) {
				return
			}
			mu.Lock()
			defer mu.Unlock()
			for _, k := range mine {
				if !slices.Contains(busy, k) {
					won[k]++
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, map[string]int{"acct:r1": 1, "acct:r2": 1, "acct:r3": 1, "acct:r4": 1}, won)
}
