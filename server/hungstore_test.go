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

// hungDeskStore is a database that hangs for the service desk's calls: the
// links' list, issue and revoke, and the audit log.
type hungDeskStore struct{ store.Store }

func (hungDeskStore) Activations(ctx context.Context, _ store.ActivationFilter) ([]store.ActivationRecord, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

func (hungDeskStore) IssueActivations(ctx context.Context, _ []store.Issue) error {
	<-ctx.Done()
	return ctx.Err()
}

func (hungDeskStore) Audit(ctx context.Context, _ store.AuditFilter) ([]store.AuditEvent, error) {
	<-ctx.Done()
	return nil, ctx.Err()
}

// TestHungStoreServiceDesk: while the database hangs, the service desk's
// API answers a retryable 503 within the store's deadline, as the person's
// pages do. It waited for the database as long as the desk's client did,
// and a script issuing links hung with it.
func TestHungStoreServiceDesk(t *testing.T) {
	const key = "hung-desk-admin-key-0123456789abcdef"
	e := newEnv(t, func(d *server.Deps) {
		d.Store = hungDeskStore{d.Store}
		d.StoreTimeout = 300 * time.Millisecond
		d.AdminKeys = []server.AdminKey{{Name: "desk", Key: key}}
	})
	client := &http.Client{Timeout: 5 * time.Second}
	for _, tc := range []struct{ method, path, body string }{
		{http.MethodPost, "/api/admin/activations", `{"username":"kari","institution":"default"}`},
		{http.MethodGet, "/api/admin/activations?username=kari", ""},
		{http.MethodPost, "/api/admin/activations/revoke", `{"username":"kari","institution":"default"}`},
		{http.MethodGet, "/api/admin/audit", ""},
	} {
		req, err := http.NewRequest(tc.method, e.srv.URL+tc.path, strings.NewReader(tc.body))
		require.NoError(t, err)
		req.Header.Set("Authorization", "Bearer "+key)
		if tc.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		start := time.Now()
		resp, err := client.Do(req)
		require.NoError(t, err, "%s %s: answered before the client gave up", tc.method, tc.path)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Less(t, time.Since(start), 3*time.Second, tc.path)
		assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "%s %s: %s", tc.method, tc.path, body)
		assert.Equal(t, "unavailable", errCode(t, body), tc.path)
		assert.NotEmpty(t, resp.Header.Get("Retry-After"), tc.path)
	}
}
