package storetest

import (
	"crypto/sha256"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store"
)

// Hash32 returns a 32-byte test hash named by n (identity hashes, state
// hashes, session hashes, throttle keys).
func Hash32(n string) []byte {
	h := sha256.Sum256([]byte("storetest-32:" + n))
	return h[:]
}

// testReset runs the schema-4 tests (identity mapping, sign-ins, reset
// sessions, throttle counters) as subtests.
func testReset(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"Identities", testIdentities},
		{"Logins", testLogins},
		{"LoginRace", testLoginRace},
		{"ResetSession", testResetSession},
		{"ResetClaimRace", testResetClaimRace},
		{"ExtendReset", testExtendReset},
		{"PasswordFollowups", testPasswordFollowups},
		{"SetPassword", testSetPassword},
		{"HistoryByInstitution", testHistoryByInstitution},
		{"AccountName", testAccountName},
		{"AccountNameByInstitution", testAccountNameByInstitution},
		{"AccountNameOfLinks", testAccountNameOfLinks},
		{"Throttle", testThrottle},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open)
		})
	}
}

func testIdentities(t *testing.T, open Opener) {
	s := open(t)
	got, err := s.AccountsByIdentity(ctx(t), Hash32("p1"))
	require.NoError(t, err)
	assert.Empty(t, got)
	require.NoError(t, s.PutIdentities(ctx(t), []store.AccountIdentity{
		{Institution: "uio", Username: "ola", Name: "Ola", IdentityHash: Hash32("p1"), UpdatedAt: T0},
		{Institution: "default", Username: "ola2", Name: "Ola", IdentityHash: Hash32("p1"), UpdatedAt: T0},
		{Institution: "uio", Username: "kari", Name: "Kari", IdentityHash: Hash32("p2"), UpdatedAt: T0},
	}))
	id, err := s.IdentityOf(ctx(t), "uio", "kari")
	require.NoError(t, err)
	assert.Equal(t, Hash32("p2"), id.IdentityHash)
	assert.Equal(t, "Kari", id.Name)
	assertTime(t, T0, id.UpdatedAt, "updated at")
	for _, who := range [][2]string{{"uio", "per"}, {"default", "kari"}, {"uio", "Kari"}} {
		_, err = s.IdentityOf(ctx(t), who[0], who[1])
		assert.ErrorIs(t, err, store.ErrNotFound, "%s/%s", who[0], who[1])
	}
	got, err = s.AccountsByIdentity(ctx(t), Hash32("p1"))
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "default", got[0].Institution)
	assert.Equal(t, "ola2", got[0].Username)
	assert.Equal(t, "ola", got[1].Username)
	assertTime(t, T0, got[1].UpdatedAt, "updated at")

	// Re-import moves kari's mapping to p1 and renames her; p2 then has none.
	require.NoError(t, s.PutIdentities(ctx(t), []store.AccountIdentity{
		{Institution: "uio", Username: "kari", Name: "Kari N", IdentityHash: Hash32("p1"), UpdatedAt: T0.Add(time.Hour)},
	}))
	got, err = s.AccountsByIdentity(ctx(t), Hash32("p1"))
	require.NoError(t, err)
	assert.Len(t, got, 3)
	got, err = s.AccountsByIdentity(ctx(t), Hash32("p2"))
	require.NoError(t, err)
	assert.Empty(t, got)

	// All or none: a bad hash in the batch stores nothing.
	err = s.PutIdentities(ctx(t), []store.AccountIdentity{
		{Institution: "uio", Username: "per", Name: "Per", IdentityHash: Hash32("p3"), UpdatedAt: T0},
		{Institution: "uio", Username: "bad", Name: "Bad", IdentityHash: []byte("short"), UpdatedAt: T0},
	})
	require.Error(t, err)
	got, err = s.AccountsByIdentity(ctx(t), Hash32("p3"))
	require.NoError(t, err)
	assert.Empty(t, got)
}

func login(state string, exp time.Time) store.Login {
	return store.Login{StateHash: Hash32(state), Nonce: "n-" + state, Verifier: "v-" + state,
		ACR: "idporten-loa-substantial", Institution: "uio", Lang: "nn", ExpiresAt: exp}
}

func testLogins(t *testing.T, open Opener) {
	s := open(t)
	require.NoError(t, s.CreateLogin(ctx(t), login("a", T0.Add(10*time.Minute)), T0))
	require.ErrorIs(t, s.CreateLogin(ctx(t), login("a", T0.Add(10*time.Minute)), T0), store.ErrExists)
	require.NoError(t, s.CreateLogin(ctx(t), login("old", T0.Add(time.Minute)), T0))

	got, err := s.TakeLogin(ctx(t), Hash32("a"), T0.Add(time.Minute))
	require.NoError(t, err)
	want := login("a", T0.Add(10*time.Minute))
	assert.Equal(t, want.Nonce, got.Nonce)
	assert.Equal(t, want.Verifier, got.Verifier)
	assert.Equal(t, want.ACR, got.ACR)
	assert.Equal(t, "uio", got.Institution)
	assert.Equal(t, "nn", got.Lang)
	assertTime(t, want.ExpiresAt, got.ExpiresAt, "expires")

	_, err = s.TakeLogin(ctx(t), Hash32("a"), T0.Add(time.Minute))
	require.ErrorIs(t, err, store.ErrNotFound, "taken once")
	_, err = s.TakeLogin(ctx(t), Hash32("old"), T0.Add(2*time.Minute))
	require.ErrorIs(t, err, store.ErrGone, "expired")
	_, err = s.TakeLogin(ctx(t), Hash32("old"), T0)
	require.ErrorIs(t, err, store.ErrNotFound, "an expired one is gone after the take")

	// Creating a login deletes expired ones.
	require.NoError(t, s.CreateLogin(ctx(t), login("b", T0.Add(time.Minute)), T0))
	require.NoError(t, s.CreateLogin(ctx(t), login("c", T0.Add(time.Hour)), T0.Add(2*time.Minute)))
	_, err = s.TakeLogin(ctx(t), Hash32("b"), T0)
	require.ErrorIs(t, err, store.ErrNotFound)
}

func testLoginRace(t *testing.T, open Opener) {
	s := open(t)
	require.NoError(t, s.CreateLogin(ctx(t), login("r", T0.Add(time.Hour)), T0))
	var won atomic.Int32
	errs := race(func(int) error {
		_, err := s.TakeLogin(ctx(t), Hash32("r"), T0)
		if err == nil {
			won.Add(1)
		}
		return err
	})
	assert.Equal(t, int32(1), won.Load(), "exactly one take wins")
	for _, err := range errs {
		if err != nil {
			assert.ErrorIs(t, err, store.ErrNotFound)
		}
	}
}

func session(id, username string) store.ResetSession {
	return store.ResetSession{IDHash: Hash32(id), Username: username, Name: "Name " + username,
		Institution: "uio", BirthDate: "1985-07-24", CreatedAt: T0, ExpiresAt: T0.Add(10 * time.Minute)}
}

func testResetSession(t *testing.T, open Opener) {
	s := open(t)
	_, err := s.ResetSession(ctx(t), Hash32("none"))
	require.ErrorIs(t, err, store.ErrNotFound)
	require.ErrorIs(t, s.ClaimReset(ctx(t), Hash32("none"), T0, T0.Add(time.Minute)), store.ErrNotFound)
	require.ErrorIs(t, s.CompleteReset(ctx(t), Hash32("none"), T0, EncodedHash(1), 5, nil), store.ErrNotFound)

	require.NoError(t, s.CreateResetSession(ctx(t), session("s1", "ola")))
	require.ErrorIs(t, s.CreateResetSession(ctx(t), session("s1", "ola")), store.ErrExists)
	got, err := s.ResetSession(ctx(t), Hash32("s1"))
	require.NoError(t, err)
	assert.Equal(t, "ola", got.Username)
	assert.Equal(t, "Name ola", got.Name)
	assert.Equal(t, "uio", got.Institution)
	assert.Equal(t, "1985-07-24", got.BirthDate)
	assertTime(t, T0, got.CreatedAt, "created")
	assertTime(t, T0.Add(10*time.Minute), got.ExpiresAt, "expires")
	assert.Nil(t, got.UsedAt)
	assert.Nil(t, got.ClaimedUntil)

	now := T0.Add(time.Minute)
	require.NoError(t, s.ClaimReset(ctx(t), Hash32("s1"), now, now.Add(30*time.Second)))
	require.ErrorIs(t, s.ClaimReset(ctx(t), Hash32("s1"), now, now.Add(30*time.Second)), store.ErrBusy)
	require.NoError(t, s.ReleaseReset(ctx(t), Hash32("s1")))
	require.NoError(t, s.ClaimReset(ctx(t), Hash32("s1"), now, now.Add(30*time.Second)))
	// A lease that ran out can be taken over.
	require.NoError(t, s.ClaimReset(ctx(t), Hash32("s1"), now.Add(time.Minute), now.Add(90*time.Second)))

	require.NoError(t, s.CompleteReset(ctx(t), Hash32("s1"), now.Add(time.Minute), EncodedHash(1), 5, nil))
	assert.Equal(t, []string{EncodedHash(1)}, history(t, s, "ola", 5))
	got, err = s.ResetSession(ctx(t), Hash32("s1"))
	require.NoError(t, err)
	require.NotNil(t, got.UsedAt)
	assertTime(t, now.Add(time.Minute), *got.UsedAt, "used")
	assert.Empty(t, got.BirthDate, "a used session keeps no date of birth")
	require.ErrorIs(t, s.CompleteReset(ctx(t), Hash32("s1"), now, EncodedHash(2), 5, nil), store.ErrGone, "used once")
	require.ErrorIs(t, s.ClaimReset(ctx(t), Hash32("s1"), now, now.Add(time.Minute)), store.ErrGone)
	assert.Equal(t, []string{EncodedHash(1)}, history(t, s, "ola", 5), "nothing set by the refused reuse")

	// Expired: no claim.
	require.NoError(t, s.CreateResetSession(ctx(t), session("s2", "kari")))
	require.ErrorIs(t, s.ClaimReset(ctx(t), Hash32("s2"), T0.Add(10*time.Minute), T0.Add(11*time.Minute)), store.ErrGone)

	// Sign-out ends it.
	require.NoError(t, s.CreateResetSession(ctx(t), session("s3", "per")))
	require.NoError(t, s.EndReset(ctx(t), Hash32("s3"), T0))
	require.NoError(t, s.EndReset(ctx(t), Hash32("s3"), T0), "ending twice is harmless")
	got, err = s.ResetSession(ctx(t), Hash32("s3"))
	require.NoError(t, err)
	assert.Empty(t, got.BirthDate, "an ended session keeps no date of birth")
	require.ErrorIs(t, s.ClaimReset(ctx(t), Hash32("s3"), T0, T0.Add(time.Minute)), store.ErrGone)
	assert.Empty(t, history(t, s, "per", 5))
	// A session a submit holds is not ended under it (a sign-out in
	// another tab, or another account of the sign-in set): the submit
	// records its password. It was ended, and the password the directory
	// took never reached the history.
	require.NoError(t, s.CreateResetSession(ctx(t), session("s4", "siv")))
	require.NoError(t, s.ClaimReset(ctx(t), Hash32("s4"), T0, T0.Add(30*time.Second)))
	require.NoError(t, s.EndReset(ctx(t), Hash32("s4"), T0.Add(time.Second)))
	require.NoError(t, s.CompleteReset(ctx(t), Hash32("s4"), T0.Add(2*time.Second), EncodedHash(5), 5, nil))
	assert.Equal(t, []string{EncodedHash(5)}, history(t, s, "siv", 5))
}

// testExtendReset: a running session's end moves to until; a used,
// expired or unknown one is not extended.
func testExtendReset(t *testing.T, open Opener) {
	s := open(t)
	require.ErrorIs(t, s.ExtendReset(ctx(t), Hash32("none"), T0, T0.Add(time.Hour)), store.ErrNotFound)
	require.NoError(t, s.CreateResetSession(ctx(t), session("e1", "ola")))
	now := T0.Add(9 * time.Minute)
	require.NoError(t, s.ExtendReset(ctx(t), Hash32("e1"), now, now.Add(10*time.Minute)))
	got, err := s.ResetSession(ctx(t), Hash32("e1"))
	require.NoError(t, err)
	assertTime(t, now.Add(10*time.Minute), got.ExpiresAt, "extended")
	assertTime(t, T0, got.CreatedAt, "created stays")
	// Claimed by a submit: the end still moves (the submit's lease is its
	// own).
	require.NoError(t, s.ClaimReset(ctx(t), Hash32("e1"), now, now.Add(30*time.Second)))
	require.NoError(t, s.ExtendReset(ctx(t), Hash32("e1"), now, now.Add(11*time.Minute)))
	require.NoError(t, s.ReleaseReset(ctx(t), Hash32("e1")))
	require.NoError(t, s.EndReset(ctx(t), Hash32("e1"), now))
	require.ErrorIs(t, s.ExtendReset(ctx(t), Hash32("e1"), now, now.Add(20*time.Minute)), store.ErrGone, "ended")

	require.NoError(t, s.CreateResetSession(ctx(t), session("e2", "kari")))
	require.ErrorIs(t, s.ExtendReset(ctx(t), Hash32("e2"), T0.Add(10*time.Minute), T0.Add(20*time.Minute)), store.ErrGone, "expired")
	got, err = s.ResetSession(ctx(t), Hash32("e2"))
	require.NoError(t, err)
	assertTime(t, T0.Add(10*time.Minute), got.ExpiresAt, "an expired session stays expired")
}

// testPasswordFollowups: a follow-up stored with a reset's or a change's
// password is handed out once wait has passed without it being marked
// done, held for wait again, and never after it is done; a password set
// that fails stores none.
func testPasswordFollowups(t *testing.T, open Opener) {
	s := open(t)
	claim := func(at time.Duration) []string {
		t.Helper()
		got, err := s.ClaimPasswordFollowups(ctx(t), T0.Add(at), time.Minute, 10)
		require.NoError(t, err)
		var keys []string
		for _, f := range got {
			keys = append(keys, f.Key+"/"+f.Kind+"/"+f.Username+"/"+f.Name+"/"+f.Institution)
			assertTime(t, T0, f.At, "at")
		}
		return keys
	}
	require.NoError(t, s.CreateResetSession(ctx(t), session("pf", "ola")))
	require.NoError(t, s.CompleteReset(ctx(t), Hash32("pf"), T0, EncodedHash(1), 5,
		&store.Followup{Key: "reset:pf", Kind: "reset", Username: "ola", Name: "Name ola", Institution: "uio"}))
	require.NoError(t, s.SetPassword(ctx(t), "uit", "kari", T0, EncodedHash(2), 5,
		&store.Followup{Key: "change:kari:1", Kind: "change", Username: "kari", Name: "Kari", Institution: "uit"}))
	assert.Empty(t, claim(30*time.Second), "within wait")
	assert.ElementsMatch(t, []string{"reset:pf/reset/ola/Name ola/uio", "change:kari:1/change/kari/Kari/uit"}, claim(2*time.Minute))
	assert.Empty(t, claim(2*time.Minute+30*time.Second), "held")
	require.NoError(t, s.PasswordFollowedUp(ctx(t), "reset:pf"))
	assert.Equal(t, []string{"change:kari:1/change/kari/Kari/uit"}, claim(10*time.Minute))
	require.NoError(t, s.PasswordFollowedUp(ctx(t), "change:kari:1"))
	assert.Empty(t, claim(time.Hour))
	// A reset that fails (the session used) stores no follow-up.
	require.ErrorIs(t, s.CompleteReset(ctx(t), Hash32("pf"), T0, EncodedHash(3), 5,
		&store.Followup{Key: "reset:pf2", Kind: "reset", Username: "ola"}), store.ErrGone)
	assert.Empty(t, claim(2*time.Hour))
}

func testResetClaimRace(t *testing.T, open Opener) {
	s := open(t)
	require.NoError(t, s.CreateResetSession(ctx(t), session("race", "ola")))
	var won atomic.Int32
	errs := race(func(int) error {
		err := s.ClaimReset(ctx(t), Hash32("race"), T0, T0.Add(time.Minute))
		if err == nil {
			won.Add(1)
		}
		return err
	})
	assert.Equal(t, int32(1), won.Load(), "exactly one claim wins")
	for _, err := range errs {
		if err != nil && !errors.Is(err, store.ErrBusy) {
			t.Errorf("claim: got %v, want nil or ErrBusy", err)
		}
	}
}

func testSetPassword(t *testing.T, open Opener) {
	s := open(t)
	for i := 1; i <= 4; i++ {
		require.NoError(t, s.SetPassword(ctx(t), "uio", "ola", T0.Add(time.Duration(i)*time.Minute), EncodedHash(i), 3, nil))
	}
	assert.Equal(t, []string{EncodedHash(4), EncodedHash(3), EncodedHash(2)}, history(t, s, "ola", 10))
	assert.Equal(t, []string{EncodedHash(4)}, history(t, s, "ola", 1), "the newest is the current password")
}

// testHistoryByInstitution: an account is kept by institution and
// username, its password set by a link at the link's institution, by a
// reset at the session's, by a change at the one it names; History reads
// the accounts of the institutions asked (one directory's) together,
// newest first, and never another's: "ola" at uit and "ola" at uio of
// another directory are two people. One kept of no institution (before
// schema 18) is every institution's.
func testHistoryByInstitution(t *testing.T, open Opener) {
	s := open(t)
	link := NewActivation("hist-uit", "ola", time.Hour)
	link.Institution = "uit"
	create(t, s, link)
	require.NoError(t, s.Complete(ctx(t), link.TokenHash, nil, T0, EncodedHash(1), 5, 10))
	rs := session("hist-uio", "ola")
	rs.Institution = "uio"
	require.NoError(t, s.CreateResetSession(ctx(t), rs))
	require.NoError(t, s.CompleteReset(ctx(t), rs.IDHash, T0.Add(time.Minute), EncodedHash(2), 5, nil))
	require.NoError(t, s.SetPassword(ctx(t), "uit", "ola", T0.Add(2*time.Minute), EncodedHash(3), 5, nil))
	require.NoError(t, s.SetPassword(ctx(t), "uib", "ola", T0.Add(3*time.Minute), EncodedHash(4), 1, nil))
	require.NoError(t, s.SetPassword(ctx(t), "uib", "ola", T0.Add(4*time.Minute), EncodedHash(5), 1, nil))
	tests := []struct {
		name         string
		institutions []string
		limit        int
		want         []string
	}{
		{"the link's and the change's", []string{"uit"}, 10, []string{EncodedHash(3), EncodedHash(1)}},
		{"the reset's", []string{"uio"}, 10, []string{EncodedHash(2)}},
		{"kept one at its institution", []string{"uib"}, 10, []string{EncodedHash(5)}},
		{"another institution's", []string{"default"}, 10, nil},
		{"none asked", nil, 10, nil},
		{"one directory's, newest first", []string{"uio", "uit"}, 10, []string{EncodedHash(3), EncodedHash(2), EncodedHash(1)}},
		{"one directory's, the newest", []string{"uit", "uio", "uib"}, 1, []string{EncodedHash(5)}},
	}
	for _, tt := range tests {
		got, err := s.History(ctx(t), tt.institutions, "ola", tt.limit)
		require.NoError(t, err, tt.name)
		if len(got) == 0 {
			got = nil
		}
		assert.Equal(t, tt.want, got, "%s: %v", tt.name, tt.institutions)
	}
}

// testAccountNameByInstitution: the kept spelling of a username is that of
// the institutions asked (one directory's): uit's "OLA" is not how uio's
// "ola" of another directory is kept.
func testAccountNameByInstitution(t *testing.T, open Opener) {
	s := open(t)
	require.NoError(t, s.SetPassword(ctx(t), "uit", "OLA", T0, EncodedHash(1), 3, nil))
	link := NewActivation("name-uib", "Kari", time.Hour)
	link.Institution = "uib"
	create(t, s, link)
	require.NoError(t, s.PutIdentities(ctx(t), []store.AccountIdentity{
		{Institution: "uio", Username: "PER", Name: "Per", IdentityHash: Hash32("p7"), UpdatedAt: T0}}))
	for _, typed := range []string{"ola", "kari", "per", "pål"} {
		_, err := s.AccountName(ctx(t), []string{"default"}, typed)
		assert.ErrorIs(t, err, store.ErrNotFound, "%s at default", typed)
	}
	tests := []struct {
		institutions []string
		typed, want  string
	}{
		{[]string{"uit"}, "ola", "OLA"},
		{[]string{"uio", "uit"}, "ola", "OLA"},
		{[]string{"uib"}, "KARI", "Kari"},
		{[]string{"uio"}, "per", "PER"},
	}
	for _, tt := range tests {
		got, err := s.AccountName(ctx(t), tt.institutions, tt.typed)
		require.NoError(t, err, "%s at %v", tt.typed, tt.institutions)
		assert.Equal(t, tt.want, got, "%s at %v", tt.typed, tt.institutions)
	}
	_, err := s.AccountName(ctx(t), nil, "ola")
	assert.ErrorIs(t, err, store.ErrNotFound, "none asked")
	// Letters beyond ASCII (the wide search) alike.
	require.NoError(t, s.SetPassword(ctx(t), "uit", "PÅL", T0, EncodedHash(2), 3, nil))
	_, err = s.AccountName(ctx(t), []string{"uio"}, "pål")
	assert.ErrorIs(t, err, store.ErrNotFound, "pål at uio")
	got, err := s.AccountName(ctx(t), []string{"uit"}, "pål")
	require.NoError(t, err)
	assert.Equal(t, "PÅL", got)
}

// testAccountName: the account a typed username names, whatever the case
// of its ASCII letters (as AD's sAMAccountName and OpenLDAP's uid match),
// and only those: "Ærlig" is not "ærlig" (no directory's rule Styrke could
// mirror in both databases), "ola" is not "ola2" nor "o_a".
func testAccountName(t *testing.T, open Opener) {
	s := open(t)
	name := func(typed string) (string, error) { return s.AccountName(ctx(t), []string{"uio", "uit"}, typed) }
	_, err := name("ola")
	require.ErrorIs(t, err, store.ErrNotFound, "no account yet")
	require.NoError(t, s.SetPassword(ctx(t), "uio", "Ola.Nordmann", T0, EncodedHash(1), 3, nil))
	require.NoError(t, s.SetPassword(ctx(t), "uio", "ærlig", T0, EncodedHash(2), 3, nil))
	for _, typed := range []string{"Ola.Nordmann", "ola.nordmann", "OLA.NORDMANN", "oLA.nORDMANN"} {
		got, err := name(typed)
		require.NoError(t, err, typed)
		assert.Equal(t, "Ola.Nordmann", got, typed)
	}
	for _, typed := range []string{"Ola_Nordmann", "Ola.Nordmann2", "Ola.Nordman", "ola%", "ola.nordmann_", "_la.nordmann", "ørlig", "ærli_", "ærlig%", "ærlig\\", ""} {
		_, err := name(typed)
		assert.ErrorIs(t, err, store.ErrNotFound, "%q", typed)
	}
	// Letters beyond ASCII in any case too, as AD and OpenLDAP match them
	// ("PÅL" binds as pål): "ÆRLIG" was another account, with a history
	// of its own, so a password used before went through as new.
	for _, typed := range []string{"ærlig", "Ærlig", "ÆRLIG", "æRLIG"} {
		got, err := name(typed)
		require.NoError(t, err, typed)
		assert.Equal(t, "ærlig", got, typed)
	}
	require.NoError(t, s.SetPassword(ctx(t), "uio", "pål_ø", T0, EncodedHash(4), 3, nil))
	for _, typed := range []string{"PÅL_Ø", "Pål_ø"} {
		got, err := name(typed)
		require.NoError(t, err, typed)
		assert.Equal(t, "pål_ø", got, typed)
	}
	_, err = name("PÅLxØ")
	assert.ErrorIs(t, err, store.ErrNotFound, "an underscore typed is no wildcard")
	require.NoError(t, s.SetPassword(ctx(t), "uio", "kari", T0, EncodedHash(6), 3, nil))
	got, err := name("\u212aari") // the Kelvin sign folds to k
	require.NoError(t, err)
	assert.Equal(t, "kari", got)
	_, err = name("kariø")
	assert.ErrorIs(t, err, store.ErrNotFound, "one code point longer")
	// Two accounts that differ in case only (kept before this lookup
	// existed): the one typed exactly, else the one set last.
	require.NoError(t, s.SetPassword(ctx(t), "uio", "OLA.NORDMANN", T0.Add(time.Minute), EncodedHash(3), 3, nil))
	for typed, want := range map[string]string{"Ola.Nordmann": "Ola.Nordmann", "OLA.NORDMANN": "OLA.NORDMANN", "ola.nordmann": "OLA.NORDMANN"} {
		got, err := name(typed)
		require.NoError(t, err, typed)
		assert.Equal(t, want, got, typed)
	}
}

// testAccountNameOfLinks: with no account kept (no password set through
// Styrke yet), the username a link was issued for, whatever the case of its
// ASCII letters: the one typed exactly, else the newest link's; an account
// kept under any case of it comes first.
func testAccountNameOfLinks(t *testing.T, open Opener) {
	s := open(t)
	name := func(typed string) (string, error) { return s.AccountName(ctx(t), []string{"uio", "uit"}, typed) }
	first := NewActivation("l1", "Kari.Lie", time.Hour)
	require.NoError(t, s.CreateActivation(ctx(t), first))
	for _, typed := range []string{"Kari.Lie", "kari.lie", "KARI.LIE"} {
		got, err := name(typed)
		require.NoError(t, err, typed)
		assert.Equal(t, "Kari.Lie", got, typed)
	}
	for _, typed := range []string{"Kari.Li", "Kari_Lie", "kari%", ""} {
		_, err := name(typed)
		assert.ErrorIs(t, err, store.ErrNotFound, "%q", typed)
	}
	second := NewActivation("l2", "kari.lie", time.Hour)
	second.CreatedAt = T0.Add(time.Minute)
	require.NoError(t, s.CreateActivation(ctx(t), second))
	for typed, want := range map[string]string{"Kari.Lie": "Kari.Lie", "kari.lie": "kari.lie", "KARI.LIE": "kari.lie"} {
		got, err := name(typed)
		require.NoError(t, err, typed)
		assert.Equal(t, want, got, typed)
	}
	require.NoError(t, s.SetPassword(ctx(t), "uio", "KARI.lie", T0, EncodedHash(1), 3, nil))
	for _, typed := range []string{"Kari.Lie", "kari.lie", "KARI.LIE"} {
		got, err := name(typed)
		require.NoError(t, err, typed)
		assert.Equal(t, "KARI.lie", got, "%s: the account before the links", typed)
	}
	// With neither an account nor a link, the username an identity number
	// was imported for (at any institution); a link comes before it.
	require.NoError(t, s.PutIdentities(ctx(t), []store.AccountIdentity{
		{Institution: "uio", Username: "Per.Hansen", Name: "Per", IdentityHash: Hash32("p9"), UpdatedAt: T0},
		{Institution: "uit", Username: "Ola.Berg", Name: "Ola", IdentityHash: Hash32("p8"), UpdatedAt: T0},
	}))
	for _, typed := range []string{"Per.Hansen", "per.hansen", "PER.HANSEN"} {
		got, err := name(typed)
		require.NoError(t, err, typed)
		assert.Equal(t, "Per.Hansen", got, typed)
	}
	require.NoError(t, s.CreateActivation(ctx(t), NewActivation("l3", "ola.berg", time.Hour)))
	got, err := name("OLA.BERG")
	require.NoError(t, err)
	assert.Equal(t, "ola.berg", got, "the link before the identity")
	_, err = name("Per.Hanse")
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func testThrottle(t *testing.T, open Opener) {
	s := open(t)
	const w = 15 * time.Minute
	k := Hash32("user:ola")
	n, err := s.Failures(ctx(t), k, T0, w)
	require.NoError(t, err)
	assert.Zero(t, n)
	for i := 1; i <= 3; i++ {
		n, err = s.Fail(ctx(t), k, T0.Add(time.Duration(i)*time.Minute), w)
		require.NoError(t, err)
		assert.Equal(t, i, n)
	}
	n, err = s.Failures(ctx(t), k, T0.Add(10*time.Minute), w)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	n, err = s.Failures(ctx(t), k, T0.Add(17*time.Minute), w)
	require.NoError(t, err)
	assert.Zero(t, n, "the window (from the first failure) is over")
	n, err = s.Fail(ctx(t), k, T0.Add(17*time.Minute), w)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "a new window")
	other, err := s.Failures(ctx(t), Hash32("addr:x"), T0, w)
	require.NoError(t, err)
	assert.Zero(t, other)
	n, err = s.Fail(ctx(t), k, T0.Add(18*time.Minute), w)
	require.NoError(t, err)
	require.Equal(t, 2, n)
	require.NoError(t, s.Refund(ctx(t), k))
	n, err = s.Failures(ctx(t), k, T0.Add(18*time.Minute), w)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "one taken back")
	require.NoError(t, s.ClearFailures(ctx(t), k))
	n, err = s.Failures(ctx(t), k, T0.Add(17*time.Minute), w)
	require.NoError(t, err)
	assert.Zero(t, n)
	require.NoError(t, s.Refund(ctx(t), k), "nothing to take back")
	require.NoError(t, s.Refund(ctx(t), Hash32("never")), "an unknown key")
	n, err = s.Fail(ctx(t), k, T0.Add(19*time.Minute), w)
	require.NoError(t, err)
	assert.Equal(t, 1, n, "never below zero")
	_, err = s.Fail(ctx(t), []byte("short"), T0, w)
	require.Error(t, err)
}
