package server

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"golang.org/x/time/rate"
)

// TestLimitersEviction: a full table drops idle clients (refilled buckets,
// no different from new ones) and keeps a client that is being limited; only
// when every client is busy does it drop arbitrary ones, down to half.
func TestLimitersEviction(t *testing.T) {
	t.Run("idle first", func(t *testing.T) {
		l := newLimiters(1, 2)
		l.max = 10
		for range 3 {
			l.allow("busy") // two tokens taken, the third refused
		}
		for i := range 9 {
			l.allow("idle-" + strconv.Itoa(i)) // one of two tokens taken
		}
		assert.Len(t, l.m, 10)
		l.evict(time.Now().Add(1500 * time.Millisecond)) // idle ones refilled, busy has 1.5 of 2
		assert.Equal(t, []string{"busy"}, keys(l.m))
	})
	t.Run("a flood of busy clients", func(t *testing.T) {
		l := newLimiters(1, 2)
		l.max = 10
		for i := range 10 {
			for range 3 {
				l.allow("flood-" + strconv.Itoa(i))
			}
		}
		l.evict(time.Now())
		assert.LessOrEqual(t, len(l.m), 5)
	})
	t.Run("the table never outgrows its cap", func(t *testing.T) {
		l := newLimiters(1, 2)
		l.max = 10
		for i := range 1000 {
			l.allow("client-" + strconv.Itoa(i))
			assert.LessOrEqual(t, len(l.m), 10)
		}
	})
}

func keys(m map[string]*rate.Limiter) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
