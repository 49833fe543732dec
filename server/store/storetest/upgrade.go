package storetest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store"
)

// Schema16 is a store at schema version 16, made by an older build (a
// store's KeepMigrations), to be migrated with data in it.
type Schema16 struct {
	// Store is the store as version 16's build opened it: its methods of
	// the tables later versions leave alone (links, their contacts, the
	// audit log, identities) work.
	Store store.Store
	// PutAddress writes a row of version 16's addresses table (kept by
	// username alone), as its PutAddress did.
	PutAddress func(username, email, lang string, at time.Time)
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
func RunMigrateAddresses(t *testing.T, old func(t *testing.T) Schema16) {
	o := old(t)
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
