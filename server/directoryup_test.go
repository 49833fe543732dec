package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/directory"
)

// pingCounter is a directory whose Ping counts its calls (each a bind of
// the service account on a real one) and answers err.
type pingCounter struct {
	directory.None
	name  string
	pings atomic.Int64
	mu    sync.Mutex
	err   error
}

func (p *pingCounter) Ping(context.Context) error {
	p.pings.Add(1)
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *pingCounter) fail(err error) { p.mu.Lock(); p.err = err; p.mu.Unlock() }

func (p *pingCounter) String() string { return p.name }

// TestDirectoryUpReusesTheLastAnswer: styrke_directory_up reports the
// last answer of a directory's Ping (the last /readyz's, or the last
// scrape's) while it is younger than server.DirectoryUpMaxAge, and asks
// again past that: every scrape bound the service account at every
// directory, so several Prometheus servers scraping several instances
// every 15 s bound that often, besides the readiness probes.
func TestDirectoryUpReusesTheLastAnswer(t *testing.T) {
	var nowMu sync.Mutex
	clock := time.Now()
	now := func() time.Time { nowMu.Lock(); defer nowMu.Unlock(); return clock }
	advance := func(d time.Duration) { nowMu.Lock(); clock = clock.Add(d); nowMu.Unlock() }
	dir := &pingCounter{name: "ad://dc1.example.org"}
	var m *server.Metrics
	e := newEnv(t, func(d *server.Deps) {
		m = server.NewMetrics(d.Store, now)
		d.Directories = &directory.Set{Default: dir}
		m.WatchDirectories(d.Directories.All())
		d.Metrics = m
	})
	up := func() float64 { t.Helper(); return gauges(t, m)["styrke_directory_up"] }

	assert.Equal(t, 1.0, up())
	require.Equal(t, int64(1), dir.pings.Load(), "the first scrape asks")
	for range 5 {
		assert.Equal(t, 1.0, up())
	}
	assert.Equal(t, int64(1), dir.pings.Load(), "five scrapes within the age: no bind")

	// Scrapes at once (two Prometheus servers) past the age ask once.
	advance(server.DirectoryUpMaxAge)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() { defer wg.Done(); gauges(t, m) }()
	}
	wg.Wait()
	assert.Equal(t, int64(2), dir.pings.Load(), "scrapes at once past the age: one bind")

	// The readiness probe's answer is the gauge's: an outage it met shows
	// at the next scrape, without a bind of the scrape's own.
	dir.fail(directory.ErrUnavailable)
	resp, _ := e.do(t, http.MethodGet, "/readyz", "", "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Equal(t, int64(3), dir.pings.Load())
	assert.Equal(t, 0.0, up(), "the probe met the outage")
	assert.Equal(t, int64(3), dir.pings.Load(), "told by the probe's answer")
	dir.fail(nil)
	advance(server.DirectoryUpMaxAge - time.Second)
	assert.Equal(t, 0.0, up(), "the probe's answer, still within the age")
	advance(time.Second)
	assert.Equal(t, 1.0, up(), "past it, asked again")
	assert.Equal(t, int64(4), dir.pings.Load())
}

// slowPing is a directory whose Ping answers nil once released, or its
// context's error (as ErrUnavailable, as a real one's) when that ends
// first.
type slowPing struct {
	directory.None
	release chan struct{}
	pings   atomic.Int64
	ended   chan error // each Ping's answer
}

func (p *slowPing) Ping(ctx context.Context) error {
	p.pings.Add(1)
	var err error
	select {
	case <-p.release:
	case <-ctx.Done():
		err = fmt.Errorf("%w: %w", directory.ErrUnavailable, ctx.Err())
	}
	p.ended <- err
	return err
}

func (p *slowPing) String() string { return "ad://slow.example.org" }

// TestDirectoryUpIgnoresAProbeThatHungUp: a /readyz whose client hung up
// (or whose own time ran out) before the directory answered tells nothing
// of the directory, and styrke_directory_up does not report it: the next
// scrape asks the directory itself. /readyz is public, and a client that
// hung up on it at once (curl -m 0.05, a kubelet probe's 1 s timeout) set
// the gauge to 0 for DirectoryUpMaxAge while the directory was up.
func TestDirectoryUpIgnoresAProbeThatHungUp(t *testing.T) {
	dir := &slowPing{release: make(chan struct{}), ended: make(chan error, 4)}
	var m *server.Metrics
	e := newEnv(t, func(d *server.Deps) {
		m = server.NewMetrics(d.Store, time.Now)
		d.Directories = &directory.Set{Default: dir}
		m.WatchDirectories(d.Directories.All())
		d.Metrics = m
	})
	ctx, cancel := context.WithCancel(t.Context())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.srv.URL+"/readyz", nil)
	require.NoError(t, err)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if resp, err := e.srv.Client().Do(req); err == nil {
			resp.Body.Close()
		}
	}()
	require.Eventually(t, func() bool { return dir.pings.Load() == 1 }, 5*time.Second, 5*time.Millisecond, "the probe asks")
	cancel() // the client hangs up while the directory is yet to answer
	<-done
	require.ErrorIs(t, <-dir.ended, context.Canceled, "the probe's Ping ended with its request")
	require.Eventually(t, func() bool { return strings.Contains(e.logs.String(), "directory unavailable") }, 5*time.Second, 5*time.Millisecond,
		"the probe has answered")
	close(dir.release) // the directory answers from now on
	assert.Equal(t, 1.0, gauges(t, m)["styrke_directory_up"], "the directory is up")
	assert.Equal(t, int64(2), dir.pings.Load(), "the scrape asked the directory itself")
}

// TestReadyzNamesServedInstitutions: /readyz names a directory by the
// first institution this installation serves (--institutions) that uses
// it, and says nothing of a directory no served institution uses: its
// outage, or its refusal of the service account, keeps no served person
// from a password. With --institutions uit only, it named uit's directory
// "directory of default" when default shared it, listed (and was made
// unready by) the directories of institutions not served.
func TestReadyzNamesServedInstitutions(t *testing.T) {
	down := func(name string) *pingCounter {
		p := &pingCounter{name: name}
		p.fail(fmt.Errorf("%w: connection refused", directory.ErrUnavailable))
		return p
	}
	refusing := &pingCounter{name: "ad://refusing.example.org"}
	refusing.fail(fmt.Errorf("%w: invalid credentials", directory.ErrOperator))
	shared, uio := down("ad://shared.example.org"), down("ad://uio.example.org")
	for _, tc := range []struct {
		name   string
		served []string
		dirs   *directory.Set
		want   map[string]string // the answer's directories
		unused []*pingCounter    // not asked
	}{
		{"one directory for all", []string{"uit"}, &directory.Set{Default: shared},
			map[string]string{"directory of uit": "unavailable"}, nil},
		{"one of uit's own, the default unused", []string{"uit"},
			&directory.Set{Default: down("ad://default.example.org"), ByInstitution: map[string]directory.Directory{"uit": shared, "uio": uio}},
			map[string]string{"directory of uit": "unavailable"}, []*pingCounter{uio}},
		{"a refusing directory of an institution not served", []string{"uit", "utfjord"},
			&directory.Set{Default: shared, ByInstitution: map[string]directory.Directory{"uio": refusing}},
			map[string]string{"directory of uit": "unavailable"}, []*pingCounter{refusing}},
		{"every institution served", nil,
			&directory.Set{Default: shared, ByInstitution: map[string]directory.Directory{"uio": uio}},
			map[string]string{"directory of default": "unavailable", "directory of uio": "unavailable"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, func(d *server.Deps) { d.Directories, d.Institutions = tc.dirs, tc.served })
			before := make([]int64, len(tc.unused))
			for i, p := range tc.unused {
				before[i] = p.pings.Load()
			}
			resp, body := e.do(t, http.MethodGet, "/readyz", "", "")
			require.Equal(t, http.StatusOK, resp.StatusCode, "served %v: %s", tc.served, body)
			var got struct {
				Status      string
				Directories map[string]string
			}
			require.NoError(t, json.Unmarshal(body, &got), "%s", body)
			assert.Equal(t, "ready", got.Status)
			assert.Equal(t, tc.want, got.Directories, "served %v: %s", tc.served, body)
			for i, p := range tc.unused {
				assert.Equal(t, before[i], p.pings.Load(), "served %v: %s was asked", tc.served, p.name)
			}
		})
	}
	t.Run("a served institution's refusing directory", func(t *testing.T) {
		e := newEnv(t, func(d *server.Deps) {
			d.Directories, d.Institutions = &directory.Set{Default: shared, ByInstitution: map[string]directory.Directory{"utfjord": refusing}}, []string{"uit", "utfjord"}
		})
		resp, body := e.do(t, http.MethodGet, "/readyz", "", "")
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "%s", body)
		assert.Contains(t, string(body), "directory not ready: directory of utfjord")
	})
}
