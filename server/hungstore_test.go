package server_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/store"
)

// hungStore is a database that hangs (a frozen host, a network partition):
// the change's throttle and the reset's session and sign-in never answer.
type hungStore struct{ store.Store }

func (hungStore) Fail(ctx context.Context, _ []byte, _ time.Time, _ time.Duration) (int, error) {
	<-ctx.Done()
	return 0, ctx.Err()
}

func (hungStore) ResetSession(ctx context.Context, _ []byte) (store.ResetSession, error) {
	<-ctx.Done()
	return store.ResetSession{}, ctx.Err()
}

// TestHungStoreChangeAndReset: while the database hangs, the change and the
// reset's session answer a retryable 503 within the store's deadline, as
// the activation's lookup and complete do. They waited for the database
// as long as the client did (a minute, past the server's write timeout,
// so the person's browser got a dropped connection), and the log said
// 500 "throttle failed: context canceled".
func TestHungStoreChangeAndReset(t *testing.T) {
	e := newEnv(t, func(d *server.Deps) {
		d.Store = hungStore{d.Store}
		d.StoreTimeout = 300 * time.Millisecond
	})
	client := &http.Client{Timeout: 5 * time.Second}
	for _, tc := range []struct{ path, body, cookie string }{
		{"/api/change", `{"username":"kari","institution":"default","current":"gammelt passord","password":"` + strong + `"}`, ""},
		{"/api/reset/session", `{}`, "__Host-styrke-reset=" + strings.Repeat("a", 43)},
	} {
		req, err := http.NewRequest(http.MethodPost, e.srv.URL+tc.path, strings.NewReader(tc.body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		if tc.cookie != "" {
			req.Header.Set("Cookie", tc.cookie)
		}
		start := time.Now()
		resp, err := client.Do(req)
		require.NoError(t, err, "%s: answered before the client gave up", tc.path)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Less(t, time.Since(start), 3*time.Second, tc.path)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "%s: %s", tc.path, body)
		assert.Equal(t, "unavailable", errCode(t, body), tc.path)
		assert.NotEmpty(t, resp.Header.Get("Retry-After"), tc.path)
	}
}
