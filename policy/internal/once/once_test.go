package once

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDoOnce: of many calls at the same time, one runs f, and every call
// returns after f and sees what it wrote (the race detector checks the
// happens-before of `make test`'s -race).
func TestDoOnce(t *testing.T) {
	for range 50 {
		var (
			o     Once
			calls int
			table []int
			wg    sync.WaitGroup
			start = make(chan struct{})
		)
		seen := make([]int, 16)
		for g := range seen {
			wg.Go(func() {
				<-start
				o.Do(func() {
					calls++
					t := make([]int, 1000)
					for i := range t {
						t[i] = i
					}
					table = t
				})
				seen[g] = len(table) + table[999]
			})
		}
		close(start)
		wg.Wait()
		require.Equal(t, 1, calls)
		for g, n := range seen {
			assert.Equal(t, 1999, n, "goroutine %d saw the table unbuilt", g)
		}
	}
}

// TestDoPanics: as with sync.Once, a panicking f counts as done: the panic
// reaches its caller, and later calls neither run f again nor wait.
func TestDoPanics(t *testing.T) {
	var o Once
	assert.Panics(t, func() { o.Do(func() { panic("no") }) })
	ran := false
	o.Do(func() { ran = true })
	assert.False(t, ran)
}

// TestDoSequential: the zero value is ready, and a second Do does nothing.
func TestDoSequential(t *testing.T) {
	var o Once
	n := 0
	o.Do(func() { n++ })
	o.Do(func() { n++ })
	assert.Equal(t, 1, n)
}
