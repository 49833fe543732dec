package loadtest_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/loadtest"
)

func TestRunBoundedByCount(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		if r.Method == http.MethodPost {
			w.WriteHeader(http.StatusCreated)
		}
	}))
	t.Cleanup(srv.Close)
	tests := []struct {
		name   string
		body   func(int) []byte
		status int
	}{
		{"get", nil, 200},
		{"post", func(int) []byte { return []byte(`{}`) }, 201},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n.Store(0)
			r, err := loadtest.Run(context.Background(), loadtest.Options{URL: srv.URL, Body: tt.body, Requests: 500, Workers: 4})
			require.NoError(t, err)
			assert.Equal(t, 500, r.Requests)
			assert.EqualValues(t, 500, n.Load())
			assert.Equal(t, map[int]int{tt.status: 500}, r.Statuses)
			assert.LessOrEqual(t, r.P50, r.P99)
			assert.Positive(t, r.RPS())
		})
	}
}

func TestRunBoundedByTime(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}))
	t.Cleanup(func() { close(block); srv.Close() })
	r, err := loadtest.Run(context.Background(), loadtest.Options{URL: srv.URL, Requests: 1000, Workers: 2, Duration: 100 * time.Millisecond})
	require.NoError(t, err)
	assert.Less(t, r.Requests, 1000)
	assert.Less(t, r.Elapsed, 5*time.Second)
}

func TestRunErrors(t *testing.T) {
	_, err := loadtest.Run(context.Background(), loadtest.Options{URL: "http://127.0.0.1:1"})
	assert.ErrorIs(t, err, loadtest.ErrNoRequests)
}
