package breach_test

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/breach"
	"github.com/styrke-iam/styrke/server/breach/breachtest"
)

func prefixOf(password string) string {
	s := sha1.Sum([]byte(password))
	return strings.ToUpper(hex.EncodeToString(s[:]))[:5]
}

func TestCount(t *testing.T) {
	fake := breachtest.New(t)
	fake.Add("passord1", 1234)
	// A lower-case hash: the client must compare case-insensitively.
	s := sha1.Sum([]byte("Sommer2024"))
	fake.AddHash(hex.EncodeToString(s[:]), 7)
	c := breach.New(fake.URL(), breach.Options{})
	tests := []struct {
		name, password string
		want           int
	}{
		{"breached", "passord1", 1234},
		{"lower-case hash", "Sommer2024", 7},
		{"unseen", "Kveldssol over Lyngen 42!", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.Count(context.Background(), tt.password)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	t.Run("cache", func(t *testing.T) {
		before := len(fake.Requests())
		_, err := c.Count(context.Background(), "passord1")
		require.NoError(t, err)
		assert.Equal(t, before, len(fake.Requests()), "a cached prefix was asked again")
		assert.Contains(t, fake.Requests(), prefixOf("passord1"))
	})
}

func TestCountFaults(t *testing.T) {
	tests := []struct {
		name string
		mode breachtest.Mode
	}{
		{"slow", breachtest.Slow}, {"down", breachtest.Down}, {"failing", breachtest.Fail}, {"malformed", breachtest.Malformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := breachtest.New(t)
			fake.SetMode(tt.mode)
			c := breach.New(fake.URL(), breach.Options{Timeout: 200 * time.Millisecond})
			_, err := c.Count(context.Background(), "passord1")
			assert.ErrorIs(t, err, breach.ErrUnavailable)
			assert.NotContains(t, err.Error(), "passord1")
			// Nor the hash prefix the request's path held.
			sum := sha1.Sum([]byte("passord1"))
			assert.NotContains(t, strings.ToUpper(err.Error()), strings.ToUpper(hex.EncodeToString(sum[:])[:5]))
		})
	}
	// The cause is named (the log said "range request failed" for a
	// refusal, a timeout and a TLS failure alike).
	c := breach.New("http://127.0.0.1:1", breach.Options{Timeout: time.Second})
	_, err := c.Count(context.Background(), "passord1")
	assert.ErrorIs(t, err, breach.ErrUnavailable)
	assert.Contains(t, err.Error(), "connection refused")
}

func TestParse(t *testing.T) {
	ok := []struct {
		name, body string
		want       map[string]int
	}{
		{"crlf and padding", "0018A45C4D1DEF81644B54AB7F969B88D65:3\r\n00D4F6E8FA6EECAD2A3AA415EEC418D38EC:0\r\n", map[string]int{"0018A45C4D1DEF81644B54AB7F969B88D65": 3}},
		{"lower case", "0018a45c4d1def81644b54ab7f969b88d65:2", map[string]int{"0018A45C4D1DEF81644B54AB7F969B88D65": 2}},
		{"empty", "", map[string]int{}},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			got, err := breach.Parse(bufio.NewScanner(strings.NewReader(tt.body)))
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	bad := []struct{ name, body string }{
		{"html", "<html></html>"},
		{"short suffix", "0018A45C4D1DEF81644B54AB7F969B88D6:3"},
		{"not hex", "Z018A45C4D1DEF81644B54AB7F969B88D65:3"},
		{"bad count", "0018A45C4D1DEF81644B54AB7F969B88D65:x"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := breach.Parse(bufio.NewScanner(strings.NewReader(tt.body)))
			assert.ErrorIs(t, err, breach.ErrMalformed)
		})
	}
}

// TestCacheEviction: a full cache drops expired answers first and keeps
// fresh ones, rather than emptying itself.
func TestCacheEviction(t *testing.T) {
	fake := breachtest.New(t)
	c := breach.New(fake.URL(), breach.Options{CacheSize: 4, CacheTTL: time.Minute})
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	breach.SetNow(c, func() time.Time { return now })
	// Five passwords with five different prefixes.
	var pws []string
	seen := map[string]bool{}
	for i := 0; len(pws) < 5; i++ {
		pw := "passord-" + strings.Repeat("x", i)
		if !seen[prefixOf(pw)] {
			seen[prefixOf(pw)] = true
			pws = append(pws, pw)
		}
	}
	ask := func(pw string) {
		t.Helper()
		_, err := c.Count(context.Background(), pw)
		require.NoError(t, err)
	}
	ask(pws[0])
	ask(pws[1])
	now = now.Add(2 * time.Minute) // the first two expire
	ask(pws[2])
	ask(pws[3])
	ask(pws[4]) // full: the expired two make room
	before := len(fake.Requests())
	ask(pws[2])
	ask(pws[3])
	ask(pws[4])
	assert.Equal(t, before, len(fake.Requests()), "fresh answers survived the eviction")
	ask(pws[0])
	assert.Equal(t, before+1, len(fake.Requests()), "an expired answer is asked again")
}

// TestConcurrentAskersShareOneRequest: many submits of one password at once
// cost one range request, and a caller that gives up does not fail the
// others.
func TestConcurrentAskersShareOneRequest(t *testing.T) {
	fake := breachtest.New(t)
	fake.Add("passord1", 42)
	fake.SetMode(breachtest.Slow)
	fake.SetDelay(300 * time.Millisecond)
	c := breach.New(fake.URL(), breach.Options{})
	quitter, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.Count(quitter, "passord1")
	assert.ErrorIs(t, err, breach.ErrUnavailable, "a cancelled caller gets an error at once")

	var wg sync.WaitGroup
	counts := make([]int, 10)
	errs := make([]error, 10)
	for i := range 10 {
		wg.Go(func() { counts[i], errs[i] = c.Count(context.Background(), "passord1") })
	}
	wg.Wait()
	for i := range 10 {
		require.NoError(t, errs[i])
		assert.Equal(t, 42, counts[i])
	}
	assert.Equal(t, 1, len(fake.Requests()), "one request for eleven askers")
}

// TestCached: Cached answers only from a fresh cache entry and never asks.
func TestCached(t *testing.T) {
	fake := breachtest.New(t)
	fake.Add("passord1", 1234)
	c := breach.New(fake.URL(), breach.Options{CacheTTL: time.Minute})
	now := time.Now()
	breach.SetNow(c, func() time.Time { return now })

	_, ok := c.Cached("passord1")
	assert.False(t, ok, "nothing cached yet")
	assert.Empty(t, fake.Requests(), "Cached never asks")

	_, err := c.Count(context.Background(), "passord1")
	require.NoError(t, err)
	n, ok := c.Cached("passord1")
	assert.True(t, ok)
	assert.Equal(t, 1234, n)

	now = now.Add(2 * time.Minute)
	_, ok = c.Cached("passord1")
	assert.False(t, ok, "an expired entry is not an answer")
	assert.Len(t, fake.Requests(), 1)
}
