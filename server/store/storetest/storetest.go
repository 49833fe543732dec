// Package storetest is the one test suite every store.Store implementation
// passes. An implementation's tests call Run with a function that opens a
// fresh, empty store:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store { ... })
//	}
//
// The suite never hashes a password: it stores precomputed encoded strings,
// so it stays fast; the clock is passed in, so nothing sleeps.
package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store"
)

// Opener opens a fresh, empty store for one test. It registers its own
// cleanup (closing the store more than once must be harmless).
type Opener func(t *testing.T) store.Store

// T0 is the suite's "now": every time is relative to it.
var T0 = time.Date(2026, 3, 1, 12, 0, 0, 123456000, time.UTC)

// Races is how many goroutines the concurrency tests start.
const Races = 16

// OpenAtOnce calls open from n goroutines at once, as n processes starting
// together would, pings and closes each store it gets, and returns each
// goroutine's error (nil for one that opened and pinged).
func OpenAtOnce(n int, open func(context.Context) (store.Store, error)) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			s, err := open(context.Background())
			if err == nil {
				err = s.Ping(context.Background())
				s.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	return errs
}

// TokenHash returns the SHA-256 hash of a test token named by n; tests use
// distinct names for distinct links.
func TokenHash(n string) []byte {
	h := sha256.Sum256([]byte("storetest-token:" + n))
	return h[:]
}

// EncodedHash returns a well-formed fake Argon2id encoding numbered i (no
// hashing is done: the store treats it as an opaque string).
func EncodedHash(i int) string {
	salt := sha256.Sum256(fmt.Appendf(nil, "salt-%d", i))
	key := sha256.Sum256(fmt.Appendf(nil, "key-%d", i))
	enc := base64.RawStdEncoding
	return "$argon2id$v=19$m=19456,t=2,p=1$" + enc.EncodeToString(salt[:16]) + "$" + enc.EncodeToString(key[:])
}

// NewActivation returns an activation for username named by token, created at
// T0 and expiring ttl later.
func NewActivation(token, username string, ttl time.Duration) store.Activation {
	return store.Activation{
		TokenHash:   TokenHash(token),
		Username:    username,
		Name:        "Kari Nordmann",
		Institution: "uio",
		CreatedAt:   T0,
		ExpiresAt:   T0.Add(ttl),
	}
}

// Run runs the whole suite against stores made by open, its tests in
// parallel (open must be safe for concurrent use).
func Run(t *testing.T, open Opener) {
	tests := []struct {
		name string
		fn   func(*testing.T, Opener)
	}{
		{"CreateAndLookup", testCreateAndLookup},
		{"CreateErrors", testCreateErrors},
		{"LookupNotFound", testLookupNotFound},
		{"Complete", testComplete},
		{"Followups", testFollowups},
		{"CompleteRefused", testCompleteRefused},
		{"CompleteAtomic", testCompleteAtomic},
		{"Failures", testFailures},
		{"ReplaceCode", testReplaceCode},
		{"History", testHistory},
		{"HistoryKeepZero", testHistoryKeepZero},
		{"Claim", testClaim},
		{"ClaimRefused", testClaimRefused},
		{"Release", testRelease},
		{"RaceClaim", testRaceClaim},
		{"RaceOneToken", testRaceOneToken},
		{"RaceOneAccount", testRaceOneAccount},
		{"RaceFailures", testRaceFailures},
		{"PingClose", testPingClose},
		{"ContextCancelled", testContextCancelled},
		{"Reset", testReset},
	}
	tests = append(tests, serviceDeskTests...)
	tests = append(tests, retentionTests...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel() // every test has a store of its own
			tt.fn(t, open)
		})
	}
}

func ctx(t *testing.T) context.Context { return t.Context() }

func create(t *testing.T, s store.Store, a store.Activation) {
	t.Helper()
	require.NoError(t, s.CreateActivation(ctx(t), a))
}

func testCreateAndLookup(t *testing.T, open Opener) {
	s := open(t)
	used := T0.Add(time.Minute)
	tests := []struct {
		name string
		a    store.Activation
	}{
		{"fresh", NewActivation("fresh", "kari", 72*time.Hour)},
		{"unicode name", store.Activation{
			TokenHash: TokenHash("unicode"), Username: "ærlige", Name: "Åse Øvergård-Ødegård", Institution: "ntnu",
			CreatedAt: T0, ExpiresAt: T0.Add(time.Hour),
		}},
		{"used with failures", store.Activation{
			TokenHash: TokenHash("used"), Username: "ola", Name: "Ola", Institution: "uib",
			CreatedAt: T0, ExpiresAt: T0.Add(time.Hour), UsedAt: &used, Failures: 3,
		}},
		{"with a code", store.Activation{
			TokenHash: TokenHash("coded"), Username: "liv", Name: "Liv", Institution: "uit",
			CreatedAt: T0, ExpiresAt: T0.Add(time.Hour), CodeHash: TokenHash("code"),
		}},
		{"non-UTC times", store.Activation{
			TokenHash: TokenHash("zone"), Username: "per", Name: "Per", Institution: "uio",
			CreatedAt: T0.In(time.FixedZone("CET", 3600)), ExpiresAt: T0.Add(time.Hour).In(time.FixedZone("X", -7200)),
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			create(t, s, tt.a)
			got, err := s.Activation(ctx(t), tt.a.TokenHash)
			require.NoError(t, err)
			assert.Equal(t, tt.a.TokenHash, got.TokenHash)
			assert.Equal(t, tt.a.Username, got.Username)
			assert.Equal(t, tt.a.Name, got.Name)
			assert.Equal(t, tt.a.Institution, got.Institution)
			assert.Equal(t, tt.a.Failures, got.Failures)
			assert.Equal(t, tt.a.CodeHash, got.CodeHash, "CodeHash (nil: none)")
			assertTime(t, tt.a.CreatedAt, got.CreatedAt, "CreatedAt")
			assertTime(t, tt.a.ExpiresAt, got.ExpiresAt, "ExpiresAt")
			if tt.a.UsedAt == nil {
				assert.Nil(t, got.UsedAt)
			} else if assert.NotNil(t, got.UsedAt) {
				assertTime(t, *tt.a.UsedAt, *got.UsedAt, "UsedAt")
			}
		})
	}
}

// assertTime checks a stored time came back as the same instant, in UTC, at
// microsecond precision.
func assertTime(t *testing.T, want, got time.Time, what string) {
	t.Helper()
	assert.True(t, want.Truncate(time.Microsecond).Equal(got), "%s: got %v, want %v", what, got, want)
	assert.Equal(t, time.UTC, got.Location(), "%s location", what)
}

func testCreateErrors(t *testing.T, open Opener) {
	s := open(t)
	create(t, s, NewActivation("dup", "kari", time.Hour))
	tests := []struct {
		name string
		a    store.Activation
		want error // nil: any error
	}{
		{"duplicate token hash", NewActivation("dup", "ola", time.Hour), store.ErrExists},
		{"short token hash", store.Activation{TokenHash: []byte("short"), Username: "x", Name: "x", Institution: "uio", CreatedAt: T0, ExpiresAt: T0.Add(time.Hour)}, nil},
		{"nil token hash", store.Activation{Username: "x", Name: "x", Institution: "uio", CreatedAt: T0, ExpiresAt: T0.Add(time.Hour)}, nil},
		{"short code hash", store.Activation{TokenHash: TokenHash("short code"), Username: "x", Name: "x", Institution: "uio",
			CreatedAt: T0, ExpiresAt: T0.Add(time.Hour), CodeHash: []byte("short")}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.CreateActivation(ctx(t), tt.a)
			require.Error(t, err)
			if tt.want != nil {
				assert.ErrorIs(t, err, tt.want)
			}
		})
	}
	got, err := s.Activation(ctx(t), TokenHash("dup"))
	require.NoError(t, err)
	assert.Equal(t, "kari", got.Username, "a refused duplicate must not overwrite")
}

func testLookupNotFound(t *testing.T, open Opener) {
	s := open(t)
	create(t, s, NewActivation("exists", "kari", time.Hour))
	for name, h := range map[string][]byte{
		"unknown": TokenHash("unknown"),
		"empty":   nil,
		"prefix":  TokenHash("exists")[:16],
	} {
		t.Run(name, func(t *testing.T) {
			_, err := s.Activation(ctx(t), h)
			assert.ErrorIs(t, err, store.ErrNotFound)
		})
	}
}

func history(t *testing.T, s store.Store, username string, limit int) []string {
	t.Helper()
	h, err := s.History(ctx(t), []string{"uio"}, username, limit)
	require.NoError(t, err)
	return h
}

func testComplete(t *testing.T, open Opener) {
	s := open(t)
	a := NewActivation("ok", "kari", time.Hour)
	create(t, s, a)
	now := T0.Add(59 * time.Minute)
	require.NoError(t, s.Complete(ctx(t), a.TokenHash, nil, now, EncodedHash(1), 5, 10))

	got, err := s.Activation(ctx(t), a.TokenHash)
	require.NoError(t, err)
	if assert.NotNil(t, got.UsedAt) {
		assertTime(t, now, *got.UsedAt, "UsedAt")
	}
	assert.Equal(t, []string{EncodedHash(1)}, history(t, s, "kari", 5))
	assert.Empty(t, history(t, s, "someone-else", 5))

	err = s.Complete(ctx(t), a.TokenHash, nil, now, EncodedHash(2), 5, 10)
	assert.ErrorIs(t, err, store.ErrGone, "second use")
	assert.Equal(t, []string{EncodedHash(1)}, history(t, s, "kari", 5))
}

// testFollowups: Complete marks a used activation's steps after the
// password as to do, in its transaction; ClaimFollowups hands out those
// not marked done within wait, each once until wait passes again; an
// activation not used, or marked done, is never handed out.
func testFollowups(t *testing.T, open Opener) {
	s := open(t)
	a := NewActivation("fu", "kari", time.Hour)
	b := NewActivation("fu-open", "kari", time.Hour)
	create(t, s, a)
	create(t, s, b)
	claim := func(at time.Duration) []string {
		t.Helper()
		got, err := s.ClaimFollowups(ctx(t), T0.Add(at), time.Minute, 10)
		require.NoError(t, err)
		var names []string
		for _, g := range got {
			names = append(names, g.Username+"/"+g.Institution)
			assert.Equal(t, a.TokenHash, g.TokenHash)
			if assert.NotNil(t, g.UsedAt) {
				assertTime(t, T0.Add(time.Minute), *g.UsedAt, "UsedAt")
			}
		}
		return names
	}
	assert.Empty(t, claim(10*time.Minute), "nothing used yet")
	require.NoError(t, s.Complete(ctx(t), a.TokenHash, nil, T0.Add(time.Minute), EncodedHash(1), 5, 10))
	assert.Empty(t, claim(90*time.Second), "within wait: the request's own steps run")
	assert.Equal(t, []string{"kari/" + a.Institution}, claim(3*time.Minute), "interrupted: handed out")
	assert.Empty(t, claim(3*time.Minute+30*time.Second), "held by the claim")
	assert.Len(t, claim(5*time.Minute), 1, "a claim whose holder did not finish comes back")
	require.NoError(t, s.FollowedUp(ctx(t), a.TokenHash))
	assert.Empty(t, claim(time.Hour), "done")
}

func testCompleteRefused(t *testing.T, open Opener) {
	s := open(t)
	used := T0.Add(time.Minute)
	create(t, s, NewActivation("valid", "valid", time.Hour))
	create(t, s, store.Activation{TokenHash: TokenHash("used"), Username: "used", Name: "U", Institution: "uio",
		CreatedAt: T0, ExpiresAt: T0.Add(time.Hour), UsedAt: &used})
	create(t, s, store.Activation{TokenHash: TokenHash("locked"), Username: "locked", Name: "L", Institution: "uio",
		CreatedAt: T0, ExpiresAt: T0.Add(time.Hour), Failures: 10})
	tests := []struct {
		name        string
		token, user string
		now         time.Time
		maxFailures int
		want        error
	}{
		{"unknown token", "unknown", "nobody", T0, 10, store.ErrNotFound},
		{"expired exactly at expiry", "valid", "valid", T0.Add(time.Hour), 10, store.ErrGone},
		{"expired later", "valid", "valid", T0.Add(100 * time.Hour), 10, store.ErrGone},
		{"already used", "used", "used", T0.Add(2 * time.Minute), 10, store.ErrGone},
		{"locked at max failures", "locked", "locked", T0, 10, store.ErrGone},
		{"locked below stored failures", "locked", "locked", T0, 3, store.ErrGone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Complete(ctx(t), TokenHash(tt.token), nil, tt.now, EncodedHash(1), 5, tt.maxFailures)
			require.ErrorIs(t, err, tt.want)
			assert.Empty(t, history(t, s, tt.user, 5), "a refused Complete stores nothing")
		})
	}
	t.Run("state unchanged", func(t *testing.T) {
		got, err := s.Activation(ctx(t), TokenHash("valid"))
		require.NoError(t, err)
		assert.Nil(t, got.UsedAt)
		got, err = s.Activation(ctx(t), TokenHash("used"))
		require.NoError(t, err)
		if assert.NotNil(t, got.UsedAt) {
			assertTime(t, used, *got.UsedAt, "UsedAt")
		}
	})
	t.Run("valid still completes", func(t *testing.T) {
		require.NoError(t, s.Complete(ctx(t), TokenHash("valid"), nil, T0.Add(time.Hour-time.Microsecond), EncodedHash(1), 5, 10))
	})
	t.Run("no failure limit", func(t *testing.T) {
		require.NoError(t, s.Complete(ctx(t), TokenHash("locked"), nil, T0, EncodedHash(1), 5, 0))
	})
}

// testCompleteAtomic makes the password write fail after the token has been
// consumed inside the transaction (the database refuses hashes over 512
// bytes) and checks the transaction left the old state whole.
func testCompleteAtomic(t *testing.T, open Opener) {
	s := open(t)
	first := NewActivation("first", "kari", time.Hour)
	second := NewActivation("second", "kari", time.Hour)
	create(t, s, first)
	create(t, s, second)
	require.NoError(t, s.Complete(ctx(t), first.TokenHash, nil, T0, EncodedHash(1), 5, 10))

	huge := EncodedHash(2) + strings.Repeat("A", 600)
	err := s.Complete(ctx(t), second.TokenHash, nil, T0, huge, 5, 10)
	require.Error(t, err)
	assert.NotErrorIs(t, err, store.ErrGone)
	assert.NotErrorIs(t, err, store.ErrNotFound)

	got, err := s.Activation(ctx(t), second.TokenHash)
	require.NoError(t, err)
	assert.Nil(t, got.UsedAt, "token consumed by a failed Complete")
	assert.Equal(t, 0, got.Failures)
	assert.Equal(t, []string{EncodedHash(1)}, history(t, s, "kari", 5), "history changed by a failed Complete")

	require.NoError(t, s.Complete(ctx(t), second.TokenHash, nil, T0, EncodedHash(2), 5, 10), "the token is still usable")
	assert.Equal(t, []string{EncodedHash(2), EncodedHash(1)}, history(t, s, "kari", 5))
}

func testFailures(t *testing.T, open Opener) {
	s := open(t)
	a := NewActivation("fail", "kari", time.Hour)
	create(t, s, a)
	for want := 1; want <= 3; want++ {
		n, err := s.RecordFailure(ctx(t), a.TokenHash)
		require.NoError(t, err)
		assert.Equal(t, want, n)
	}
	got, err := s.Activation(ctx(t), a.TokenHash)
	require.NoError(t, err)
	assert.Equal(t, 3, got.Failures)

	err = s.Complete(ctx(t), a.TokenHash, nil, T0, EncodedHash(1), 5, 3)
	assert.ErrorIs(t, err, store.ErrGone, "3 failures with maxFailures 3")
	require.NoError(t, s.Complete(ctx(t), a.TokenHash, nil, T0, EncodedHash(1), 5, 4), "3 failures with maxFailures 4")

	_, err = s.RecordFailure(ctx(t), TokenHash("unknown"))
	assert.ErrorIs(t, err, store.ErrNotFound)
}

// completeN completes n fresh activations for username with hashes 1..n.
func completeN(t *testing.T, s store.Store, username string, n, keep int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		a := NewActivation(fmt.Sprintf("%s-%d", username, i), username, time.Hour)
		create(t, s, a)
		require.NoError(t, s.Complete(ctx(t), a.TokenHash, nil, T0.Add(time.Duration(i)*time.Second), EncodedHash(i), keep, 10))
	}
}

func testHistory(t *testing.T, open Opener) {
	s := open(t)
	completeN(t, s, "kari", 7, 5)
	completeN(t, s, "ola", 2, 5)
	tests := []struct {
		name     string
		username string
		limit    int
		want     []string
	}{
		{"trimmed to keep, newest first", "kari", 10, []string{EncodedHash(7), EncodedHash(6), EncodedHash(5), EncodedHash(4), EncodedHash(3)}},
		{"limit below keep", "kari", 2, []string{EncodedHash(7), EncodedHash(6)}},
		{"limit one is the current password", "kari", 1, []string{EncodedHash(7)}},
		{"limit zero", "kari", 0, nil},
		{"other account", "ola", 10, []string{EncodedHash(2), EncodedHash(1)}},
		{"unknown account", "nobody", 10, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := history(t, s, tt.username, tt.limit)
			if tt.want == nil {
				assert.Empty(t, got)
			} else {
				assert.Equal(t, tt.want, got)
			}
		})
	}
	t.Run("keep lowered later", func(t *testing.T) {
		a := NewActivation("kari-8", "kari", time.Hour)
		create(t, s, a)
		require.NoError(t, s.Complete(ctx(t), a.TokenHash, nil, T0, EncodedHash(8), 2, 10))
		assert.Equal(t, []string{EncodedHash(8), EncodedHash(7)}, history(t, s, "kari", 10))
	})
}

func testHistoryKeepZero(t *testing.T, open Opener) {
	s := open(t)
	completeN(t, s, "kari", 2, 0)
	assert.Empty(t, history(t, s, "kari", 10))
}

// race runs fn in Races goroutines released together and returns their
// errors.
func race(fn func(i int) error) []error {
	errs := make([]error, Races)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range Races {
		wg.Go(func() {
			<-start
			errs[i] = fn(i)
		})
	}
	close(start)
	wg.Wait()
	return errs
}

func testRaceOneToken(t *testing.T, open Opener) {
	s := open(t)
	a := NewActivation("race", "kari", time.Hour)
	create(t, s, a)
	errs := race(func(i int) error {
		return s.Complete(context.Background(), a.TokenHash, nil, T0, EncodedHash(i), 5, 10)
	})
	won := -1
	for i, err := range errs {
		if err == nil {
			assert.Equal(t, -1, won, "goroutines %d and %d both completed one token", won, i)
			won = i
			continue
		}
		assert.ErrorIs(t, err, store.ErrGone, "goroutine %d", i)
	}
	require.NotEqual(t, -1, won, "no goroutine completed the token")
	assert.Equal(t, []string{EncodedHash(won)}, history(t, s, "kari", 10))
}

// testRaceOneAccount completes distinct tokens of one account at once: all
// succeed and the history holds every hash once.
func testRaceOneAccount(t *testing.T, open Opener) {
	s := open(t)
	for i := range Races {
		create(t, s, NewActivation(fmt.Sprintf("acct-%d", i), "kari", time.Hour))
	}
	errs := race(func(i int) error {
		return s.Complete(context.Background(), TokenHash(fmt.Sprintf("acct-%d", i)), nil, T0, EncodedHash(i), Races, 10)
	})
	for i, err := range errs {
		assert.NoError(t, err, "goroutine %d", i)
	}
	got := history(t, s, "kari", Races+1)
	want := make([]string, Races)
	for i := range want {
		want[i] = EncodedHash(i)
	}
	assert.ElementsMatch(t, want, got)
}

func testRaceFailures(t *testing.T, open Opener) {
	s := open(t)
	a := NewActivation("failrace", "kari", time.Hour)
	create(t, s, a)
	counts := make([]int, Races)
	errs := race(func(i int) error {
		n, err := s.RecordFailure(context.Background(), a.TokenHash)
		counts[i] = n
		return err
	})
	seen := map[int]bool{}
	for i, err := range errs {
		require.NoError(t, err, "goroutine %d", i)
		assert.False(t, seen[counts[i]], "count %d returned twice", counts[i])
		seen[counts[i]] = true
	}
	got, err := s.Activation(ctx(t), a.TokenHash)
	require.NoError(t, err)
	assert.Equal(t, Races, got.Failures)
}

func testPingClose(t *testing.T, open Opener) {
	s := open(t)
	require.NoError(t, s.Ping(ctx(t)))
	require.NoError(t, s.Close())
	assert.Error(t, s.Ping(ctx(t)), "Ping after Close")
	assert.Error(t, s.CreateActivation(ctx(t), NewActivation("closed", "kari", time.Hour)), "CreateActivation after Close")
	assert.NotPanics(t, func() { _ = s.Close() }, "second Close")
}

func testContextCancelled(t *testing.T, open Opener) {
	s := open(t)
	a := NewActivation("ctx", "kari", time.Hour)
	create(t, s, a)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name string
		call func(context.Context) error
	}{
		{"CreateActivation", func(c context.Context) error {
			return s.CreateActivation(c, NewActivation("ctx2", "ola", time.Hour))
		}},
		{"Activation", func(c context.Context) error { _, err := s.Activation(c, a.TokenHash); return err }},
		{"History", func(c context.Context) error { _, err := s.History(c, []string{"uio"}, "kari", 5); return err }},
		{"Complete", func(c context.Context) error { return s.Complete(c, a.TokenHash, nil, T0, EncodedHash(1), 5, 10) }},
		{"RecordFailure", func(c context.Context) error { _, err := s.RecordFailure(c, a.TokenHash); return err }},
		{"Ping", func(c context.Context) error { return s.Ping(c) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call(cancelled)
			assert.True(t, errors.Is(err, context.Canceled), "%s with a cancelled context: got %v, want context.Canceled", tt.name, err)
		})
	}
	t.Run("nothing changed", func(t *testing.T) {
		got, err := s.Activation(ctx(t), a.TokenHash)
		require.NoError(t, err)
		assert.Nil(t, got.UsedAt)
		assert.Equal(t, 0, got.Failures)
		_, err = s.Activation(ctx(t), TokenHash("ctx2"))
		assert.ErrorIs(t, err, store.ErrNotFound)
	})
}

// testClaim: a claim holds the activation against other claims and other
// Completes until its lease expires; Complete with the claim's id consumes
// it; a claim after an expired one learns the pending hash it left.
func testClaim(t *testing.T, open Opener) {
	s := open(t)
	a := NewActivation("claim", "kari", time.Hour)
	create(t, s, a)
	lease := time.Minute
	c1, err := s.Claim(ctx(t), a.TokenHash, T0, lease, EncodedHash(1), 10)
	require.NoError(t, err)
	assert.Len(t, c1.ID, 16)
	assert.Equal(t, "kari", c1.Activation.Username)
	assert.Empty(t, c1.PreviousPending)

	_, err = s.Claim(ctx(t), a.TokenHash, T0.Add(lease-time.Second), lease, EncodedHash(2), 10)
	assert.ErrorIs(t, err, store.ErrBusy, "a second claim within the lease")
	var busy *store.BusyError
	if assert.ErrorAs(t, err, &busy, "says when the lease ends") {
		assert.True(t, busy.Until.Equal(T0.Add(lease)), "until %v", busy.Until)
	}
	err = s.Complete(ctx(t), a.TokenHash, nil, T0, EncodedHash(2), 5, 10)
	assert.ErrorIs(t, err, store.ErrGone, "a Complete without the claim within the lease")
	err = s.Complete(ctx(t), a.TokenHash, store.NewClaimID(), T0, EncodedHash(2), 5, 10)
	assert.ErrorIs(t, err, store.ErrGone, "a Complete with another claim's id")
	assert.Empty(t, history(t, s, "kari", 5))

	// The holder crashed: after the lease another claim gets the activation
	// and the hash of what the first was writing.
	c2, err := s.Claim(ctx(t), a.TokenHash, T0.Add(lease), lease, EncodedHash(3), 10)
	require.NoError(t, err)
	assert.Equal(t, EncodedHash(1), c2.PreviousPending)
	assert.NotEqual(t, c1.ID, c2.ID)
	err = s.Complete(ctx(t), a.TokenHash, c1.ID, T0.Add(lease), EncodedHash(1), 5, 10)
	assert.ErrorIs(t, err, store.ErrGone, "the first claim lost its hold")
	require.NoError(t, s.Complete(ctx(t), a.TokenHash, c2.ID, T0.Add(lease), EncodedHash(3), 5, 10))
	assert.Equal(t, []string{EncodedHash(3)}, history(t, s, "kari", 5))
	_, err = s.Claim(ctx(t), a.TokenHash, T0.Add(2*lease), lease, EncodedHash(4), 10)
	assert.ErrorIs(t, err, store.ErrGone, "used")
}

func testClaimRefused(t *testing.T, open Opener) {
	s := open(t)
	create(t, s, NewActivation("expired", "kari", time.Hour))
	locked := NewActivation("locked", "kari", time.Hour)
	locked.Failures = 10
	create(t, s, locked)
	used := NewActivation("used", "kari", time.Hour)
	u := T0
	used.UsedAt = &u
	create(t, s, used)
	cases := []struct {
		name  string
		token string
		now   time.Time
		want  error
	}{
		{"unknown", "nope", T0, store.ErrNotFound},
		{"expired", "expired", T0.Add(time.Hour), store.ErrGone},
		{"locked", "locked", T0, store.ErrGone},
		{"used", "used", T0, store.ErrGone},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := s.Claim(ctx(t), TokenHash(c.token), c.now, time.Minute, EncodedHash(1), 10)
			assert.ErrorIs(t, err, c.want)
		})
	}
}

// testRelease: a released claim frees the activation at once; the pending
// hash stays unless cleared; a stale id releases nothing.
func testRelease(t *testing.T, open Opener) {
	s := open(t)
	a := NewActivation("release", "kari", time.Hour)
	create(t, s, a)
	c1, err := s.Claim(ctx(t), a.TokenHash, T0, time.Minute, EncodedHash(1), 10)
	require.NoError(t, err)
	require.NoError(t, s.Release(ctx(t), a.TokenHash, store.NewClaimID(), true), "a stale id")
	_, err = s.Claim(ctx(t), a.TokenHash, T0, time.Minute, EncodedHash(2), 10)
	assert.ErrorIs(t, err, store.ErrBusy, "a stale id released nothing")

	require.NoError(t, s.Release(ctx(t), a.TokenHash, c1.ID, false))
	c2, err := s.Claim(ctx(t), a.TokenHash, T0, time.Minute, EncodedHash(2), 10)
	require.NoError(t, err, "free again at once")
	assert.Equal(t, EncodedHash(1), c2.PreviousPending, "kept: the directory may have it")

	require.NoError(t, s.Release(ctx(t), a.TokenHash, c2.ID, true))
	c3, err := s.Claim(ctx(t), a.TokenHash, T0, time.Minute, EncodedHash(3), 10)
	require.NoError(t, err)
	assert.Empty(t, c3.PreviousPending, "cleared: the directory refused it")
	got, err := s.Activation(ctx(t), a.TokenHash)
	require.NoError(t, err)
	assert.Nil(t, got.UsedAt)
	assert.Zero(t, got.Failures, "claims and releases count no failure")
}

// testRaceClaim: of many claims at once exactly one holds the activation.
func testRaceClaim(t *testing.T, open Opener) {
	s := open(t)
	a := NewActivation("raceclaim", "kari", time.Hour)
	create(t, s, a)
	errs := race(func(i int) error {
		_, err := s.Claim(context.Background(), a.TokenHash, T0, time.Minute, EncodedHash(i), 10)
		return err
	})
	won := 0
	for i, err := range errs {
		if err == nil {
			won++
			continue
		}
		assert.ErrorIs(t, err, store.ErrBusy, "goroutine %d", i)
	}
	assert.Equal(t, 1, won, "claims that succeeded")
}

// testReplaceCode: a link's code is replaced at most maxSends times, each
// no sooner than the gap after the last (or the link's creation), only
// while the link can be used and has a code.
func testReplaceCode(t *testing.T, open Opener) {
	s := open(t)
	a := NewActivation("coded", "kari", time.Hour)
	a.CodeHash = TokenHash("code 0")
	create(t, s, a)
	replace := func(code string, at time.Duration) (int, error) {
		return s.ReplaceCode(ctx(t), a.TokenHash, TokenHash(code), T0.Add(at), time.Minute, 3, 10)
	}
	_, err := replace("code 1", 30*time.Second)
	var soon *store.TooSoonError
	require.ErrorAs(t, err, &soon, "a minute after the link was made")
	assert.Equal(t, 30*time.Second, soon.Wait)
	n, err := replace("code 1", time.Minute)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	got, err := s.Activation(ctx(t), a.TokenHash)
	require.NoError(t, err)
	assert.Equal(t, TokenHash("code 1"), got.CodeHash, "the new code's hash replaces the old")
	_, err = replace("code 2", 90*time.Second)
	require.ErrorAs(t, err, &soon)
	assert.Equal(t, 30*time.Second, soon.Wait, "a minute after the last")
	for i, at := range []time.Duration{2 * time.Minute, 3 * time.Minute} {
		n, err = replace("code x", at)
		require.NoError(t, err)
		assert.Equal(t, i+2, n)
	}
	_, err = replace("code 4", 10*time.Minute)
	assert.ErrorIs(t, err, store.ErrLimit)

	plain := NewActivation("plain", "ola", time.Hour)
	create(t, s, plain)
	_, err = s.ReplaceCode(ctx(t), plain.TokenHash, TokenHash("c"), T0.Add(time.Hour/2), time.Minute, 3, 10)
	assert.ErrorIs(t, err, store.ErrGone, "a link without a code gets none")
	b := NewActivation("coded2", "per", time.Hour)
	b.CodeHash = TokenHash("code b")
	create(t, s, b)
	_, err = s.ReplaceCode(ctx(t), b.TokenHash, TokenHash("c"), T0.Add(time.Hour), time.Minute, 3, 10)
	assert.ErrorIs(t, err, store.ErrGone, "expired")
	for range 10 {
		_, err = s.RecordFailure(ctx(t), b.TokenHash)
		require.NoError(t, err)
	}
	_, err = s.ReplaceCode(ctx(t), b.TokenHash, TokenHash("c"), T0.Add(time.Minute), time.Minute, 3, 10)
	assert.ErrorIs(t, err, store.ErrGone, "locked")
	_, err = s.ReplaceCode(ctx(t), TokenHash("unknown"), TokenHash("c"), T0.Add(time.Minute), time.Minute, 3, 10)
	assert.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.ReplaceCode(ctx(t), a.TokenHash, []byte("short"), T0.Add(time.Hour/2), time.Minute, 9, 10)
	assert.Error(t, err, "a code hash of the wrong length")
}
