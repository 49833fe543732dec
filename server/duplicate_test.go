package server_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/store"
)

// heldHistory is a store whose first History call waits until release is
// closed: the request that makes it has read its link as usable and now
// reads the history late.
type heldHistory struct {
	store.Store
	once    sync.Once
	held    chan struct{} // closed when the first History call is waiting
	release chan struct{}
}

func (s *heldHistory) History(ctx context.Context, institutions []string, username string, limit int) ([]string, error) {
	first := false
	s.once.Do(func() { first = true })
	if first {
		close(s.held)
		<-s.release
	}
	return s.Store.History(ctx, institutions, username, limit)
}

// TestDuplicateAfterSuccess: a duplicate submit of the same password that
// read the link before another submit completed it, and the history after,
// is told the link is used (410), not "reused" (422), and counts no
// failure against the link (issue 15 item 7).
func TestDuplicateAfterSuccess(t *testing.T) {
	var hs *heldHistory
	e := newEnv(t, func(d *server.Deps) {
		hs = &heldHistory{Store: d.Store, held: make(chan struct{}), release: make(chan struct{})}
		d.Store = hs
		d.TokenRateLimit = -1
	})
	token := e.create(t, "default")
	dup := make(chan *http.Response, 1)
	go func() {
		resp, _ := e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": strong})
		dup <- resp
	}()
	select {
	case <-hs.held:
	case <-time.After(10 * time.Second):
		t.Fatal("the first submit never read the history")
	}
	resp, body := e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": strong})
	require.Equal(t, http.StatusOK, resp.StatusCode, "the second submit completes: %s", body)
	close(hs.release)
	got := <-dup
	assert.Equal(t, http.StatusGone, got.StatusCode, "the late duplicate")
	a, err := hs.Store.Activation(context.Background(), server.HashToken(token))
	require.NoError(t, err)
	assert.Zero(t, a.Failures, "no failure counted against the used link")
}
