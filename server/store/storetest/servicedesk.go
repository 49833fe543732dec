package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store"
)

// serviceDeskTests are the suite's tests of store.ServiceDesk.
var serviceDeskTests = []struct {
	name string
	fn   func(*testing.T, Opener)
}{
	{"AuditAppendAndFilter", testAuditAppendAndFilter},
	{"AuditRefused", testAuditRefused},
	{"AuditPrune", testAuditPrune},
	{"AuditNewest", testAuditNewest},
	{"RetentionMark", testRetentionMark},
	{"IssueActivations", testIssueActivations},
	{"ContactsAndList", testContactsAndList},
	{"Revoke", testRevoke},
	{"RevokeRace", testRevokeRace},
	{"RevokeClaimed", testRevokeClaimed},
	{"AddressOnFile", testAddressOnFile},
	{"AddressOnFileByInstitution", testAddressOnFileByInstitution},
	{"Reminders", testReminders},
	{"CountOpen", testCountOpen},
	{"NotificationQueue", testNotificationQueue},
	{"NotificationClaimRace", testNotificationClaimRace},
	{"TakeSMS", testTakeSMS},
	{"TakeSMSRace", testTakeSMSRace},
}

func testAuditAppendAndFilter(t *testing.T, open Opener) {
	s := open(t)
	events := []store.AuditEvent{
		{Time: T0, Event: store.EventCreated, Actor: "admin:desk", Username: "kari", Institution: "uio", RemoteAddr: "192.0.2.1", RequestID: "r1"},
		{Time: T0.Add(time.Minute), Event: store.EventDelivered, Actor: "admin:desk", Username: "kari", Institution: "uio", Detail: "email"},
		// Stored as typed before 2026-12-04, when the username Styrke
		// keeps (store.AccountName) came first.
		{Time: T0.Add(2 * time.Minute), Event: store.EventActivated, Actor: "user:kari", Username: "Kari", Institution: "uio"},
		{Time: T0.Add(3 * time.Minute), Event: store.EventCreated, Actor: "admin:hr", Username: "ola", Institution: "uib"},
	}
	var ids []int64
	for _, e := range events {
		id, err := s.AppendAudit(ctx(t), e)
		require.NoError(t, err)
		ids = append(ids, id)
	}
	assert.IsIncreasing(t, ids)
	tests := []struct {
		name string
		f    store.AuditFilter
		want []int // indexes into events
	}{
		{"all", store.AuditFilter{}, []int{0, 1, 2, 3}},
		{"by username", store.AuditFilter{Username: "kari"}, []int{0, 1, 2}},
		// The directories match a username in any case of its ASCII
		// letters, and so do the change, the reset and the desk (AccountName).
		{"by username in another case", store.AuditFilter{Username: "KaRi"}, []int{0, 1, 2}},
		{"by event", store.AuditFilter{Event: store.EventCreated}, []int{0, 3}},
		{"by actor", store.AuditFilter{Actor: "admin:hr"}, []int{3}},
		{"by institution", store.AuditFilter{Institution: "uio"}, []int{0, 1, 2}},
		{"since inclusive", store.AuditFilter{Since: T0.Add(2 * time.Minute)}, []int{2, 3}},
		{"until exclusive", store.AuditFilter{Until: T0.Add(2 * time.Minute)}, []int{0, 1}},
		{"after id", store.AuditFilter{AfterID: ids[1]}, []int{2, 3}},
		{"limit", store.AuditFilter{Limit: 2}, []int{0, 1}},
		{"combined", store.AuditFilter{Username: "kari", Event: store.EventActivated}, []int{2}},
		{"nothing", store.AuditFilter{Username: "nobody"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Audit(ctx(t), tt.f)
			require.NoError(t, err)
			require.Len(t, got, len(tt.want), "filter %+v", tt.f)
			for i, w := range tt.want {
				want := events[w]
				assert.Equal(t, ids[w], got[i].ID)
				assert.Equal(t, want.Event, got[i].Event)
				assert.Equal(t, want.Actor, got[i].Actor)
				assert.Equal(t, want.Username, got[i].Username)
				assert.Equal(t, want.Institution, got[i].Institution)
				assert.Equal(t, want.RemoteAddr, got[i].RemoteAddr)
				assert.Equal(t, want.RequestID, got[i].RequestID)
				assert.Equal(t, want.Detail, got[i].Detail)
				assertTime(t, want.Time, got[i].Time, "Time")
			}
		})
	}
}

func testAuditRefused(t *testing.T, open Opener) {
	s := open(t)
	tests := []struct {
		name string
		e    store.AuditEvent
	}{
		{"no time", store.AuditEvent{Event: store.EventCreated, Actor: "x"}},
		{"no event", store.AuditEvent{Time: T0, Actor: "x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.AppendAudit(ctx(t), tt.e)
			assert.Error(t, err)
		})
	}
	got, err := s.Audit(ctx(t), store.AuditFilter{})
	require.NoError(t, err)
	assert.Empty(t, got)
}

func testAuditPrune(t *testing.T, open Opener) {
	s := open(t)
	for i := range 5 {
		_, err := s.AppendAudit(ctx(t), store.AuditEvent{Time: T0.Add(time.Duration(i) * 24 * time.Hour), Event: store.EventCreated, Actor: "system"})
		require.NoError(t, err)
	}
	n, err := s.PruneAudit(ctx(t), T0.Add(2*24*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, int64(2), n)
	got, err := s.Audit(ctx(t), store.AuditFilter{})
	require.NoError(t, err)
	require.Len(t, got, 3)
	assertTime(t, T0.Add(2*24*time.Hour), got[0].Time, "oldest kept")
}

// testAuditNewest: the newest event's time, whatever order the events
// were recorded in; the zero time for an empty log.
func testAuditNewest(t *testing.T, open Opener) {
	s := open(t)
	got, err := s.NewestAudit(ctx(t))
	require.NoError(t, err)
	assert.True(t, got.IsZero(), "empty log: got %v, want the zero time", got)
	for _, at := range []time.Time{T0, T0.Add(3 * time.Hour), T0.Add(-time.Hour)} {
		_, err := s.AppendAudit(ctx(t), store.AuditEvent{Time: at, Event: store.EventCreated, Actor: "system"})
		require.NoError(t, err)
	}
	got, err = s.NewestAudit(ctx(t))
	require.NoError(t, err)
	assertTime(t, T0.Add(3*time.Hour), got, "newest, recorded second")
}

// testRetentionMark: none at first (the zero time), then the last one
// set, earlier or later than the one before.
func testRetentionMark(t *testing.T, open Opener) {
	s := open(t)
	got, err := s.RetentionMark(ctx(t))
	require.NoError(t, err)
	assert.True(t, got.IsZero(), "none yet: got %v", got)
	for _, at := range []time.Time{T0, T0.Add(-time.Hour), T0.Add(48 * time.Hour)} {
		require.NoError(t, s.SetRetentionMark(ctx(t), at))
		got, err := s.RetentionMark(ctx(t))
		require.NoError(t, err)
		assertTime(t, at, got, "the last set")
	}
}

func testContactsAndList(t *testing.T, open Opener) {
	s := open(t)
	a1 := NewActivation("c1", "kari", time.Hour)
	a2 := NewActivation("c2", "kari", time.Hour)
	a2.CreatedAt = T0.Add(time.Minute)
	a3 := NewActivation("c3", "ola", time.Hour)
	a3.Institution = "uib"
	a3.CreatedAt = T0.Add(30 * time.Second)
	for _, a := range []store.Activation{a1, a2, a3} {
		create(t, s, a)
	}
	require.NoError(t, s.SetContact(ctx(t), a1.TokenHash, store.Contact{Email: "kari@example.org", Phone: "+4791234567", Lang: "nn", CreatedBy: "admin:desk"}))
	require.NoError(t, s.SetContact(ctx(t), a2.TokenHash, store.Contact{Email: "kari2@example.org", Lang: "en"}))
	require.NoError(t, s.MarkDelivered(ctx(t), a1.TokenHash, T0.Add(time.Second), true))
	// A later delivery that was confirmed says so.
	require.NoError(t, s.MarkDelivered(ctx(t), a1.TokenHash, T0.Add(time.Second), false))
	require.NoError(t, s.MarkDelivered(ctx(t), a3.TokenHash, T0.Add(2*time.Second), true), "no contact row yet")
	assert.ErrorIs(t, s.SetContact(ctx(t), TokenHash("nope"), store.Contact{Email: "x@example.org"}), store.ErrNotFound)
	assert.ErrorIs(t, s.MarkDelivered(ctx(t), TokenHash("nope"), T0, false), store.ErrNotFound)

	tests := []struct {
		name string
		f    store.ActivationFilter
		want []store.Activation
	}{
		{"all newest first", store.ActivationFilter{}, []store.Activation{a2, a3, a1}},
		{"by username", store.ActivationFilter{Username: "kari"}, []store.Activation{a2, a1}},
		{"by institution", store.ActivationFilter{Institution: "uib"}, []store.Activation{a3}},
		{"by token hash", store.ActivationFilter{TokenHash: a1.TokenHash}, []store.Activation{a1}},
		{"limit", store.ActivationFilter{Limit: 1}, []store.Activation{a2}},
		{"none", store.ActivationFilter{Username: "nobody"}, nil},
		// Found where they went, in the store (the desk's list loaded
		// every activation to find them).
		{"by e-mail in any case", store.ActivationFilter{Email: "KARI2@Example.org"}, []store.Activation{a2}},
		{"by phone", store.ActivationFilter{Phone: "+4791234567"}, []store.Activation{a1}},
		{"by e-mail, limit", store.ActivationFilter{Email: "kari@example.org", Limit: 1}, []store.Activation{a1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Activations(ctx(t), tt.f)
			require.NoError(t, err)
			require.Len(t, got, len(tt.want))
			for i, w := range tt.want {
				assert.Equal(t, w.TokenHash, got[i].TokenHash, "row %d", i)
			}
		})
	}
	got, err := s.Activations(ctx(t), store.ActivationFilter{TokenHash: a1.TokenHash})
	require.NoError(t, err)
	require.Len(t, got, 1)
	r := got[0]
	assert.Equal(t, "kari@example.org", r.Email)
	assert.Equal(t, "+4791234567", r.Phone)
	assert.Equal(t, "nn", r.Lang)
	assert.Equal(t, "admin:desk", r.CreatedBy)
	if assert.NotNil(t, r.DeliveredAt) {
		assertTime(t, T0.Add(time.Second), *r.DeliveredAt, "DeliveredAt")
	}
	assert.False(t, r.Unconfirmed)
	assert.Nil(t, r.RevokedAt)
	got, err = s.Activations(ctx(t), store.ActivationFilter{TokenHash: a3.TokenHash})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Empty(t, got[0].Email)
	assert.NotNil(t, got[0].DeliveredAt)
	assert.True(t, got[0].Unconfirmed, "the mail server took it without confirming it")
}

func testRevoke(t *testing.T, open Opener) {
	s := open(t)
	open1 := NewActivation("open", "kari", time.Hour)
	used := NewActivation("used", "kari", time.Hour)
	create(t, s, open1)
	create(t, s, used)
	require.NoError(t, s.Complete(ctx(t), used.TokenHash, nil, T0, EncodedHash(1), 5, 10))

	now := T0.Add(time.Minute)
	require.NoError(t, s.Revoke(ctx(t), open1.TokenHash, now))
	tests := []struct {
		name  string
		token string
		want  error
	}{
		{"again", "open", store.ErrGone},
		{"used", "used", store.ErrGone},
		{"unknown", "unknown", store.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, s.Revoke(ctx(t), TokenHash(tt.token), now), tt.want)
		})
	}
	err := s.Complete(ctx(t), open1.TokenHash, nil, now, EncodedHash(2), 5, 10)
	assert.ErrorIs(t, err, store.ErrGone, "a revoked activation cannot be completed")
	got, err := s.Activations(ctx(t), store.ActivationFilter{TokenHash: open1.TokenHash})
	require.NoError(t, err)
	require.Len(t, got, 1)
	if assert.NotNil(t, got[0].RevokedAt) {
		assertTime(t, now, *got[0].RevokedAt, "RevokedAt")
	}
	assertTime(t, now, got[0].ExpiresAt, "ExpiresAt")
}

// testRevokeRace revokes and completes one token at once: exactly one wins.
func testRevokeRace(t *testing.T, open Opener) {
	s := open(t)
	for i := range 8 {
		a := NewActivation(fmt.Sprintf("rr-%d", i), fmt.Sprintf("u%d", i), time.Hour)
		create(t, s, a)
		var wg sync.WaitGroup
		var revokeErr, completeErr error
		wg.Go(func() { revokeErr = s.Revoke(context.Background(), a.TokenHash, T0) })
		wg.Go(func() { completeErr = s.Complete(context.Background(), a.TokenHash, nil, T0, EncodedHash(i), 5, 10) })
		wg.Wait()
		if revokeErr == nil {
			assert.ErrorIs(t, completeErr, store.ErrGone, "round %d: revoked and completed", i)
		} else {
			assert.ErrorIs(t, revokeErr, store.ErrGone, "round %d", i)
			assert.NoError(t, completeErr, "round %d", i)
		}
	}
}

func testAddressOnFile(t *testing.T, open Opener) {
	s := open(t)
	uio := []string{"uio"}
	old := NewActivation("old", "kari", time.Hour)
	newer := NewActivation("newer", "kari", time.Hour)
	newer.CreatedAt = T0.Add(time.Hour)
	newest := NewActivation("newest", "kari", time.Hour)
	newest.CreatedAt = T0.Add(2 * time.Hour)
	for _, a := range []store.Activation{old, newer, newest} {
		create(t, s, a)
	}
	require.NoError(t, s.SetContact(ctx(t), old.TokenHash, store.Contact{Email: "old@example.org", Lang: "nb"}))
	require.NoError(t, s.SetContact(ctx(t), newer.TokenHash, store.Contact{Email: "new@example.org", Lang: "en"}))
	require.NoError(t, s.SetContact(ctx(t), newest.TokenHash, store.Contact{Phone: "+4791234567", Lang: "nn"}))
	email, lang, err := s.AddressOnFile(ctx(t), uio, "kari")
	require.NoError(t, err)
	assert.Equal(t, "new@example.org", email, "the newest activation with an address")
	assert.Equal(t, "en", lang)
	_, _, err = s.AddressOnFile(ctx(t), uio, "nobody")
	assert.ErrorIs(t, err, store.ErrNotFound)

	// An address given without a link (a welcome): the newer of the two.
	require.NoError(t, s.PutAddress(ctx(t), "uio", "kari", "welcome@example.org", "nn", T0.Add(90*time.Minute)))
	email, lang, err = s.AddressOnFile(ctx(t), uio, "kari")
	require.NoError(t, err)
	assert.Equal(t, "welcome@example.org", email, "the welcome came after the activation with an address")
	assert.Equal(t, "nn", lang)
	later := NewActivation("later", "kari", time.Hour)
	later.CreatedAt = T0.Add(3 * time.Hour)
	create(t, s, later)
	require.NoError(t, s.SetContact(ctx(t), later.TokenHash, store.Contact{Email: "later@example.org", Lang: "en"}))
	email, _, err = s.AddressOnFile(ctx(t), uio, "kari")
	require.NoError(t, err)
	assert.Equal(t, "later@example.org", email)
	// A revoked link's address is no longer on file (a link sent to a
	// wrong address is what revoking is for): the welcome's again.
	require.NoError(t, s.Revoke(ctx(t), later.TokenHash, T0.Add(4*time.Hour)))
	email, _, err = s.AddressOnFile(ctx(t), uio, "kari")
	require.NoError(t, err)
	assert.Equal(t, "welcome@example.org", email, "the revoked link's address is left out")
	require.NoError(t, s.PutAddress(ctx(t), "uio", "ola", "ola@example.org", "nb", T0))
	require.NoError(t, s.PutAddress(ctx(t), "uio", "ola", "ola2@example.org", "en", T0.Add(time.Minute)))
	email, lang, err = s.AddressOnFile(ctx(t), uio, "ola")
	require.NoError(t, err)
	assert.Equal(t, []string{"ola2@example.org", "en"}, []string{email, lang}, "PutAddress replaces")

}

// testAddressOnFileByInstitution: an address is on file for the username
// at the institution whose link or PutAddress gave it, and at those asked
// with it (the institutions of one directory), never at another: "ola" at
// uit and "ola" at uio of another directory are two people. One of no
// institution (kept before schema 17, tied to none) is on file at all.
func testAddressOnFileByInstitution(t *testing.T, open Opener) {
	s := open(t)
	uit := NewActivation("uit", "ola", time.Hour)
	uit.Institution = "uit"
	create(t, s, uit)
	require.NoError(t, s.SetContact(ctx(t), uit.TokenHash, store.Contact{Email: "ola-uit@example.org", Lang: "nn"}))
	require.NoError(t, s.PutAddress(ctx(t), "uib", "ola", "ola-uib@example.org", "en", T0.Add(time.Hour)))
	tests := []struct {
		name         string
		institutions []string
		want         string // "": none on file
	}{
		{"the link's institution", []string{"uit"}, "ola-uit@example.org"},
		{"PutAddress's institution", []string{"uib"}, "ola-uib@example.org"},
		{"another institution", []string{"uio"}, ""},
		{"none asked", nil, ""},
		{"one directory's institutions: the newest", []string{"uio", "uit", "uib"}, "ola-uib@example.org"},
		{"one directory's, the link's", []string{"uio", "uit"}, "ola-uit@example.org"},
	}
	for _, tt := range tests {
		email, _, err := s.AddressOnFile(ctx(t), tt.institutions, "ola")
		if tt.want == "" {
			assert.ErrorIs(t, err, store.ErrNotFound, "%s: %v gave %q", tt.name, tt.institutions, email)
			continue
		}
		require.NoError(t, err, tt.name)
		assert.Equal(t, tt.want, email, "%s: %v", tt.name, tt.institutions)
	}
	// PutAddress at one institution replaces that institution's only.
	require.NoError(t, s.PutAddress(ctx(t), "uio", "ola", "ola-uio@example.org", "nb", T0.Add(2*time.Hour)))
	email, _, err := s.AddressOnFile(ctx(t), []string{"uib"}, "ola")
	require.NoError(t, err)
	assert.Equal(t, "ola-uib@example.org", email, "uib's stays")
	email, _, err = s.AddressOnFile(ctx(t), []string{"uio"}, "ola")
	require.NoError(t, err)
	assert.Equal(t, "ola-uio@example.org", email)

	// An address of no institution is on file at every one, by its time.
	require.NoError(t, s.PutAddress(ctx(t), store.NoInstitution, "kari", "kari@example.org", "nn", T0))
	for _, inst := range []string{"uio", "uit"} {
		email, lang, err := s.AddressOnFile(ctx(t), []string{inst}, "kari")
		require.NoError(t, err, inst)
		assert.Equal(t, []string{"kari@example.org", "nn"}, []string{email, lang}, inst)
	}
	require.NoError(t, s.PutAddress(ctx(t), "uio", "kari", "kari-uio@example.org", "nb", T0.Add(time.Minute)))
	email, _, err = s.AddressOnFile(ctx(t), []string{"uio"}, "kari")
	require.NoError(t, err)
	assert.Equal(t, "kari-uio@example.org", email, "the newer, uio's")
	email, _, err = s.AddressOnFile(ctx(t), []string{"uit"}, "kari")
	require.NoError(t, err)
	assert.Equal(t, "kari@example.org", email, "uio's is not uit's")
}

// testReminders: a reminder key is claimed once; a released one can be
// claimed again; claims at once agree on one winner.
func testReminders(t *testing.T, open Opener) {
	s := open(t)
	ok, err := s.ClaimReminder(ctx(t), "uit|kari|1800000000|14", T0)
	require.NoError(t, err)
	assert.True(t, ok, "the first claim")
	ok, err = s.ClaimReminder(ctx(t), "uit|kari|1800000000|14", T0.Add(store.ReminderLease-time.Second))
	require.NoError(t, err)
	assert.False(t, ok, "claimed, its send under way")
	// A run killed after its claim and before the send: the next run
	// sends it (it was lost for good).
	ok, err = s.ClaimReminder(ctx(t), "uit|kari|1800000000|14", T0.Add(store.ReminderLease))
	require.NoError(t, err)
	assert.True(t, ok, "a claim never confirmed, claimed again after its lease")
	require.NoError(t, s.ConfirmReminder(ctx(t), "uit|kari|1800000000|14"))
	ok, err = s.ClaimReminder(ctx(t), "uit|kari|1800000000|14", T0.Add(24*time.Hour))
	require.NoError(t, err)
	assert.False(t, ok, "the next day's run finds it sent")
	ok, err = s.ClaimReminder(ctx(t), "uit|kari|1800000000|3", T0)
	require.NoError(t, err)
	assert.True(t, ok, "another window is another reminder")
	sent, err := s.ReminderSent(ctx(t), "uit|kari|1800000000|14")
	require.NoError(t, err)
	assert.True(t, sent)
	require.NoError(t, s.ReleaseReminder(ctx(t), "uit|kari|1800000000|14"))
	sent, err = s.ReminderSent(ctx(t), "uit|kari|1800000000|14")
	require.NoError(t, err)
	assert.False(t, sent, "released")
	ok, err = s.ClaimReminder(ctx(t), "uit|kari|1800000000|14", T0)
	require.NoError(t, err)
	assert.True(t, ok, "released: nothing was delivered, so the next run tries again")
	require.NoError(t, s.ReleaseReminder(ctx(t), "never-claimed"))

	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok, err := s.ClaimReminder(context.Background(), "uit|ola|1800000000|14", T0)
			assert.NoError(t, err)
			if ok {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), wins.Load(), "one of the runs at once sends it")

	ok, err = s.ClaimReminder(ctx(t), "uit|per|1800000000|14", T0.Add(48*time.Hour))
	require.NoError(t, err)
	require.True(t, ok)
	require.NoError(t, s.ConfirmReminder(ctx(t), "uit|per|1800000000|14"))
	n, err := s.PruneReminders(ctx(t), T0.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, int64(3), n, "those sent before: kari's two keys and ola's")
	ok, err = s.ClaimReminder(ctx(t), "uit|kari|1800000000|3", T0.Add(72*time.Hour))
	require.NoError(t, err)
	assert.True(t, ok, "pruned: it could be sent again (the expiry is long past by then)")
	ok, err = s.ClaimReminder(ctx(t), "uit|per|1800000000|14", T0.Add(72*time.Hour))
	require.NoError(t, err)
	assert.False(t, ok, "kept: sent after the cut")
}

func testCountOpen(t *testing.T, open Opener) {
	s := open(t)
	create(t, s, NewActivation("o1", "a", time.Hour))
	create(t, s, NewActivation("o2", "b", 2*time.Hour))
	locked := NewActivation("o3", "c", time.Hour)
	locked.Failures = 10
	locked.Institution = "utfjord"
	create(t, s, locked)
	used := NewActivation("o4", "d", time.Hour)
	used.Institution = "uit"
	create(t, s, used)
	require.NoError(t, s.Complete(ctx(t), used.TokenHash, nil, T0, EncodedHash(1), 5, 10))
	tests := []struct {
		name string
		now  time.Time
		want int
	}{
		{"at creation", T0, 2},
		{"after the first expires", T0.Add(time.Hour), 1},
		{"all expired", T0.Add(3 * time.Hour), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := s.CountOpenActivations(ctx(t), tt.now, 10)
			require.NoError(t, err)
			assert.Equal(t, tt.want, n)
		})
	}
	other := NewActivation("o5", "e", 2*time.Hour)
	other.Institution = "baerum"
	create(t, s, other)
	insts, err := s.OpenInstitutions(ctx(t), T0, 10)
	require.NoError(t, err)
	assert.Equal(t, []string{"baerum", "uio"}, insts, "sorted, each once; not the locked or used links'")
	insts, err = s.OpenInstitutions(ctx(t), T0.Add(3*time.Hour), 10)
	require.NoError(t, err)
	assert.Empty(t, insts)
}

// Notice returns a queued e-mail notice keyed by key, due at T0.
func Notice(key string) store.Notification {
	return store.Notification{
		Key: key, Channel: "email", Recipient: key + "@example.org", Subject: "Passordet ditt er endret",
		Text: "text " + key, HTML: "<p>html " + key + "</p>", MessageID: key + "@styrke.test",
		Username: "kari", Institution: "uio", CreatedAt: T0, NextAttempt: T0,
	}
}

func testNotificationQueue(t *testing.T, open Opener) {
	s := open(t)
	queued, err := s.EnqueueNotification(ctx(t), Notice("n1"))
	require.NoError(t, err)
	assert.True(t, queued)
	queued, err = s.EnqueueNotification(ctx(t), Notice("n1"))
	require.NoError(t, err)
	assert.False(t, queued, "same key twice")
	later := Notice("n2")
	later.NextAttempt = T0.Add(time.Minute)
	_, err = s.EnqueueNotification(ctx(t), later)
	require.NoError(t, err)

	got, err := s.ClaimNotifications(ctx(t), T0, T0.Add(30*time.Second), 10)
	require.NoError(t, err)
	require.Len(t, got, 1, "only n1 is due")
	n := got[0]
	want := Notice("n1")
	assert.Equal(t, want.Key, n.Key)
	assert.Equal(t, want.Recipient, n.Recipient)
	assert.Equal(t, want.Subject, n.Subject)
	assert.Equal(t, want.Text, n.Text)
	assert.Equal(t, want.HTML, n.HTML)
	assert.Equal(t, want.MessageID, n.MessageID)
	assert.Equal(t, 1, n.Attempts)

	got, err = s.ClaimNotifications(ctx(t), T0.Add(10*time.Second), T0.Add(40*time.Second), 10)
	require.NoError(t, err)
	assert.Empty(t, got, "leased")

	require.NoError(t, s.NotificationFailed(ctx(t), n.ID, T0.Add(20*time.Second), "smtp down", false))
	got, err = s.ClaimNotifications(ctx(t), T0.Add(20*time.Second), T0.Add(50*time.Second), 10)
	require.NoError(t, err)
	require.Len(t, got, 1, "retry due")
	assert.Equal(t, 2, got[0].Attempts)
	assert.Equal(t, "smtp down", got[0].LastError)

	require.NoError(t, s.NotificationSent(ctx(t), n.ID, T0.Add(21*time.Second)))
	got, err = s.ClaimNotifications(ctx(t), T0.Add(time.Hour), T0.Add(2*time.Hour), 10)
	require.NoError(t, err)
	require.Len(t, got, 1, "n1 sent, n2 due")
	assert.Equal(t, "n2", got[0].Key)
	require.NoError(t, s.NotificationFailed(ctx(t), got[0].ID, T0.Add(time.Hour), "mailbox unknown", true))
	got, err = s.ClaimNotifications(ctx(t), T0.Add(10*time.Hour), T0.Add(11*time.Hour), 10)
	require.NoError(t, err)
	assert.Empty(t, got, "sent and given up")

	all, err := s.Notifications(ctx(t), 0)
	require.NoError(t, err)
	require.Len(t, all, 2)
	if assert.NotNil(t, all[0].SentAt) {
		assertTime(t, T0.Add(21*time.Second), *all[0].SentAt, "SentAt")
	}
	assert.Empty(t, all[0].LastError)
	assert.True(t, all[1].GaveUp)
	assert.Nil(t, all[1].SentAt)
}

// testNotificationClaimRace claims from many goroutines: every message is
// handed out exactly once.
func testNotificationClaimRace(t *testing.T, open Opener) {
	s := open(t)
	const n = 40
	for i := range n {
		_, err := s.EnqueueNotification(ctx(t), Notice(fmt.Sprintf("race-%d", i)))
		require.NoError(t, err)
	}
	var mu sync.Mutex
	seen := map[string]int{}
	errs := race(func(int) error {
		for {
			got, err := s.ClaimNotifications(context.Background(), T0, T0.Add(time.Hour), 3)
			if err != nil || len(got) == 0 {
				return err
			}
			mu.Lock()
			for _, m := range got {
				seen[m.Key]++
			}
			mu.Unlock()
		}
	})
	for i, err := range errs {
		require.NoError(t, err, "goroutine %d", i)
	}
	assert.Len(t, seen, n)
	for k, c := range seen {
		assert.Equal(t, 1, c, "%s claimed %d times", k, c)
	}
}

func testTakeSMS(t *testing.T, open Opener) {
	s := open(t)
	for want := 1; want <= 3; want++ {
		n, ok, err := s.TakeSMS(ctx(t), "uio", "2026-03-01", 3)
		require.NoError(t, err)
		assert.True(t, ok)
		assert.Equal(t, want, n)
	}
	_, ok, err := s.TakeSMS(ctx(t), "uio", "2026-03-01", 3)
	require.NoError(t, err)
	assert.False(t, ok, "over the cap")
	_, ok, err = s.TakeSMS(ctx(t), "uio", "2026-03-02", 3)
	require.NoError(t, err)
	assert.True(t, ok, "next day")
	_, ok, err = s.TakeSMS(ctx(t), "uib", "2026-03-01", 3)
	require.NoError(t, err)
	assert.True(t, ok, "other institution")
	_, ok, err = s.TakeSMS(ctx(t), "ntnu", "2026-03-01", 0)
	require.NoError(t, err)
	assert.False(t, ok, "cap zero")
}

func testTakeSMSRace(t *testing.T, open Opener) {
	s := open(t)
	const limit = Races / 2
	var mu sync.Mutex
	granted := 0
	errs := race(func(int) error {
		_, ok, err := s.TakeSMS(context.Background(), "uio", "2026-03-01", limit)
		if ok {
			mu.Lock()
			granted++
			mu.Unlock()
		}
		return err
	})
	for i, err := range errs {
		require.NoError(t, err, "goroutine %d", i)
	}
	assert.Equal(t, limit, granted)
}

// testRevokeClaimed: while a complete holds a claim (its directory write is
// under way), Revoke answers ErrBusy and changes nothing; after the lease it
// revokes.
func testRevokeClaimed(t *testing.T, open Opener) {
	s := open(t)
	a := NewActivation("claimed", "kari", time.Hour)
	create(t, s, a)
	_, err := s.Claim(ctx(t), a.TokenHash, T0, time.Minute, EncodedHash(1), 10)
	require.NoError(t, err)
	assert.ErrorIs(t, s.Revoke(ctx(t), a.TokenHash, T0.Add(30*time.Second)), store.ErrBusy)
	got, err := s.Activations(ctx(t), store.ActivationFilter{TokenHash: a.TokenHash})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Nil(t, got[0].RevokedAt)
	require.NoError(t, s.Revoke(ctx(t), a.TokenHash, T0.Add(2*time.Minute)), "after the lease")
}

// testIssueActivations stores activations, their contacts and their audit
// events together, and nothing of a batch when any part is refused.
func testIssueActivations(t *testing.T, open Opener) {
	s := open(t)
	issue := func(token, user string) store.Issue {
		return store.Issue{
			Activation: NewActivation(token, user, time.Hour),
			Contact:    store.Contact{Email: user + "@example.org", Lang: "en", CreatedBy: "admin:desk"},
			Created:    store.AuditEvent{Time: T0, Event: store.EventCreated, Actor: "admin:desk", Username: user, Institution: "uio"},
		}
	}
	coded := issue("i2", "ola")
	coded.Activation.CodeHash = TokenHash("ola's code")
	require.NoError(t, s.IssueActivations(ctx(t), []store.Issue{issue("i1", "kari"), coded}))
	got, err := s.Activations(ctx(t), store.ActivationFilter{TokenHash: TokenHash("i2")})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "ola@example.org", got[0].Email)
	assert.Equal(t, "admin:desk", got[0].CreatedBy)
	assert.Equal(t, TokenHash("ola's code"), got[0].CodeHash)
	c, err := s.Claim(ctx(t), TokenHash("i2"), T0, time.Minute, EncodedHash(1), 10)
	require.NoError(t, err)
	assert.Equal(t, TokenHash("ola's code"), c.Activation.CodeHash, "a claim reads the code hash too")
	got, err = s.Activations(ctx(t), store.ActivationFilter{TokenHash: TokenHash("i1")})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Nil(t, got[0].CodeHash, "no code")
	ev, err := s.Audit(ctx(t), store.AuditFilter{})
	require.NoError(t, err)
	require.Len(t, ev, 2)
	assert.Equal(t, "kari", ev[0].Username)

	badEvent := issue("bad-event", "per")
	badEvent.Created = store.AuditEvent{Time: T0}
	short := issue("short", "per")
	short.Activation.TokenHash = []byte("x")
	tests := []struct {
		name  string
		batch []store.Issue
		want  error // nil: any error
	}{
		{"duplicate token in a batch", []store.Issue{issue("fresh", "per"), issue("i1", "kari")}, store.ErrExists},
		{"bad event", []store.Issue{issue("fresh2", "per"), badEvent}, nil},
		{"short token hash", []store.Issue{short}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.IssueActivations(ctx(t), tt.batch)
			require.Error(t, err)
			if tt.want != nil {
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}
	ev, err = s.Audit(ctx(t), store.AuditFilter{})
	require.NoError(t, err)
	assert.Len(t, ev, 2, "a refused batch writes no audit event")
	for _, tok := range []string{"fresh", "fresh2"} {
		_, err = s.Activation(ctx(t), TokenHash(tok))
		assert.ErrorIs(t, err, store.ErrNotFound, "nor an activation of the batch")
	}
}
