package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store"
)

// OldStore is a store at an older schema version, made by an older build
// (a store's KeepMigrations), to be migrated with data in it.
type OldStore struct {
	// Store is the store as the older build opened it: its methods of the
	// tables later versions leave alone (links, their contacts, the audit
	// log, identities, reset sessions) work.
	Store store.Store
	// PutAddress writes a row of version 16's addresses table (kept by
	// username alone), as its PutAddress did.
	PutAddress func(username, email, lang string, at time.Time)
	// PutPassword sets the password of version 17's account username (kept
	// by username alone) to hash at at, its seq, and pushes it onto the
	// history when history is true, as its Complete, CompleteReset and
	// SetPassword did.
	PutPassword func(username string, seq int64, hash string, at time.Time, history bool)
	// Migrate closes Store and opens the store with this build, which
	// migrates it.
	Migrate func() store.Store
}

// RunMigrateAddresses: schema 17 keeps the address on file by institution
// and username. An address kept before goes to the institution of the
// newest link of the username that went to it (in any case of the ASCII
// letters of both), else of the username's newest welcome, else to the one
// institution that has links or an identity for the username; an address
// none of them ties to one institution is kept of none
// (store.NoInstitution), on file at every institution as before. No
// address is lost.
func RunMigrateAddresses(t *testing.T, old func(t *testing.T, version int) OldStore) {
	o := old(t, 16)
	s := o.Store
	link := func(token, institution, username, email string, at time.Time) {
		t.Helper()
		a := NewActivation(token, username, time.Hour)
		a.Institution, a.CreatedAt, a.ExpiresAt = institution, at, at.Add(time.Hour)
		create(t, s, a)
		require.NoError(t, s.SetContact(ctx(t), a.TokenHash, store.Contact{Email: email, Lang: "nb"}))
	}
	// kari: a link of uit went to her address (its username and address
	// in other capitals); uio's link went elsewhere.
	link("kari-uit", "uit", "Kari", "kari@uit.example", T0)
	link("kari-uio", "uio", "kari", "kari@uio.example", T0.Add(time.Minute))
	o.PutAddress("kari", "Kari@UIT.example", "nn", T0.Add(time.Hour))
	// ola: a welcome at uib (the audit log's), a link of uio elsewhere.
	link("ola-uio", "uio", "ola", "ola@uio.example", T0)
	_, err := s.AppendAudit(ctx(t), store.AuditEvent{Time: T0.Add(time.Minute), Event: store.EventWelcomed, Actor: "admin:desk",
		Username: "ola", Institution: "uib"})
	require.NoError(t, err)
	o.PutAddress("ola", "ola.welcome@example.org", "en", T0.Add(time.Hour))
	// per: an identity at uio only (a welcome whose event the audit log
	// no longer has).
	require.NoError(t, s.PutIdentities(ctx(t), []store.AccountIdentity{
		{Institution: "uio", Username: "PER", Name: "Per", IdentityHash: Hash32("per"), UpdatedAt: T0},
		{Institution: "uit", Username: "åse", Name: "Åse", IdentityHash: Hash32("åse"), UpdatedAt: T0},
	}))
	o.PutAddress("per", "per@example.org", "nb", T0.Add(time.Hour))
	// åse: an identity at uit, a link of uio elsewhere: whose is unknown.
	link("åse-uio", "uio", "åse", "ase@uio.example", T0)
	o.PutAddress("åse", "ase@example.org", "nb", T0.Add(time.Hour))
	// nils: nothing else names him.
	o.PutAddress("nils", "nils@example.org", "nb", T0.Add(time.Hour))

	s = o.Migrate()
	tests := []struct {
		username string
		want     map[string]string // institution: the address on file there ("": none)
	}{
		{"kari", map[string]string{"uit": "Kari@UIT.example", "uio": "kari@uio.example", "uib": ""}},
		{"ola", map[string]string{"uib": "ola.welcome@example.org", "uio": "ola@uio.example", "uit": ""}},
		{"per", map[string]string{"uio": "per@example.org", "uit": "", "uib": ""}},
		{"åse", map[string]string{"uit": "ase@example.org", "uio": "ase@example.org", "uib": "ase@example.org"}},
		{"nils", map[string]string{"uit": "nils@example.org", "default": "nils@example.org"}},
	}
	for _, tt := range tests {
		for inst, want := range tt.want {
			email, _, err := s.AddressOnFile(ctx(t), []string{inst}, tt.username)
			if want == "" {
				assert.ErrorIs(t, err, store.ErrNotFound, "%s at %s: got %q", tt.username, inst, email)
				continue
			}
			if assert.NoError(t, err, "%s at %s", tt.username, inst) {
				assert.Equal(t, want, email, "%s at %s", tt.username, inst)
			}
		}
	}
	// The language came along; the migrated rows are PutAddress's.
	_, lang, err := s.AddressOnFile(ctx(t), []string{"uib"}, "ola")
	require.NoError(t, err)
	assert.Equal(t, "en", lang)
	require.NoError(t, s.PutAddress(ctx(t), "uit", "kari", "kari.new@example.org", "nb", T0.Add(2*time.Hour)))
	email, _, err := s.AddressOnFile(ctx(t), []string{"uit"}, "kari")
	require.NoError(t, err)
	assert.Equal(t, "kari.new@example.org", email, "PutAddress replaces the migrated row")
}

// RunMigrateHistory: schema 18 keeps an account's password and history by
// institution and username. Each password kept before goes to the
// institution of the link used at the moment it was set, else of the reset
// session used then, else of the first activated, reset or changed event
// of the username within a day after it, else to the one institution with
// links, an identity or such events for the username; one none of them
// ties to one institution is kept of none (store.NoInstitution), every
// institution's as before. No password is lost, and an account without a
// history (a policy that keeps none) keeps its account row.
func RunMigrateHistory(t *testing.T, old func(t *testing.T, version int) OldStore) {
	o := old(t, 17)
	s := o.Store
	// kari: set by uit's link, by a reset at uio, by a change at uit (its
	// event written after the password, in other capitals).
	used := T0
	link := NewActivation("kari-uit", "Kari", time.Hour)
	link.Institution, link.UsedAt = "uit", &used
	create(t, s, link)
	o.PutPassword("kari", 1, EncodedHash(1), T0, true)
	rs := session("kari-uio", "kari")
	rs.CreatedAt, rs.ExpiresAt = T0.Add(time.Hour-time.Minute), T0.Add(2*time.Hour)
	require.NoError(t, s.CreateResetSession(ctx(t), rs))
	require.NoError(t, s.EndReset(ctx(t), rs.IDHash, T0.Add(time.Hour)))
	o.PutPassword("kari", 2, EncodedHash(2), T0.Add(time.Hour), true)
	_, err := s.AppendAudit(ctx(t), store.AuditEvent{Time: T0.Add(2*time.Hour + 3*time.Second), Event: store.EventChanged,
		Actor: "user:KARI", Username: "KARI", Institution: "uit"})
	require.NoError(t, err)
	o.PutPassword("kari", 3, EncodedHash(3), T0.Add(2*time.Hour), true)
	// ola: an identity at uib only.
	require.NoError(t, s.PutIdentities(ctx(t), []store.AccountIdentity{
		{Institution: "uib", Username: "ola", Name: "Ola", IdentityHash: Hash32("ola"), UpdatedAt: T0},
		{Institution: "uio", Username: "asa", Name: "Åsa", IdentityHash: Hash32("asa"), UpdatedAt: T0},
	}))
	o.PutPassword("ola", 1, EncodedHash(4), T0, true)
	// per: links at uit and uio, none used then: whose is unknown.
	for _, inst := range []string{"uit", "uio"} {
		a := NewActivation("per-"+inst, "per", time.Hour)
		a.Institution = inst
		create(t, s, a)
	}
	o.PutPassword("per", 1, EncodedHash(5), T0, true)
	// asa: an account without a history, an identity at uio; nils: the
	// same, and nothing else names him.
	o.PutPassword("asa", 1, EncodedHash(6), T0, false)
	o.PutPassword("nils", 1, EncodedHash(7), T0, false)

	s = o.Migrate()
	tests := []struct {
		username string
		want     map[string][]string // institution: its history, newest first
	}{
		{"kari", map[string][]string{"uit": {EncodedHash(3), EncodedHash(1)}, "uio": {EncodedHash(2)}, "uib": nil}},
		{"ola", map[string][]string{"uib": {EncodedHash(4)}, "uit": nil}},
		{"per", map[string][]string{"uit": {EncodedHash(5)}, "uio": {EncodedHash(5)}, "default": {EncodedHash(5)}}},
	}
	for _, tt := range tests {
		for inst, want := range tt.want {
			got, err := s.History(ctx(t), []string{inst}, tt.username, 10)
			require.NoError(t, err)
			if len(got) == 0 {
				got = nil
			}
			assert.Equal(t, want, got, "%s at %s", tt.username, inst)
		}
	}
	got, err := s.History(ctx(t), []string{"uit", "uio"}, "kari", 10)
	require.NoError(t, err)
	assert.Equal(t, []string{EncodedHash(3), EncodedHash(2), EncodedHash(1)}, got, "one directory's, newest first")
	// The accounts without a history: asa's at uio, nils's of none.
	names := []struct {
		institution, typed, want string // want "": none
	}{
		{"uio", "ASA", "asa"},
		{"uit", "asa", ""},
		{"uit", "NILS", "nils"},
		{"uib", "Nils", "nils"},
		{"uit", "KARI", "kari"},
	}
	for _, n := range names {
		name, err := s.AccountName(ctx(t), []string{n.institution}, n.typed)
		if n.want == "" {
			assert.ErrorIs(t, err, store.ErrNotFound, "%s at %s: %q", n.typed, n.institution, name)
			continue
		}
		require.NoError(t, err, "%s at %s", n.typed, n.institution)
		assert.Equal(t, n.want, name, "%s at %s", n.typed, n.institution)
	}
	// The migrated accounts go on: uio's kari's next password follows
	// her reset's, uit's kari's history is hers alone.
	require.NoError(t, s.SetPassword(ctx(t), "uio", "kari", T0.Add(3*time.Hour), EncodedHash(8), 5, nil))
	got, err = s.History(ctx(t), []string{"uio"}, "kari", 10)
	require.NoError(t, err)
	assert.Equal(t, []string{EncodedHash(8), EncodedHash(2)}, got)
	got, err = s.History(ctx(t), []string{"uit"}, "kari", 10)
	require.NoError(t, err)
	assert.Equal(t, []string{EncodedHash(3), EncodedHash(1)}, got)
	require.NoError(t, s.SetPassword(ctx(t), "uio", "asa", T0.Add(time.Hour), EncodedHash(9), 5, nil))
	got, err = s.History(ctx(t), []string{"uio"}, "asa", 10)
	require.NoError(t, err)
	assert.Equal(t, []string{EncodedHash(9)}, got)
}
