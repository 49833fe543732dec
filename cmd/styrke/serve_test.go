package main

import (
	"bytes"
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var (
	listenRE = regexp.MustCompile(`listening on (http://\S+)`)
	demoRE   = regexp.MustCompile(`demo activation link: (http://\S+/aktiver/#/pw/(\S+))`)
	expiryRE = regexp.MustCompile(`demo link expires: (\S+)`)
)

// TestServe starts styrke serve --demo with no other configuration but a
// data directory, waits on /healthz, uses the printed demo link (valid 30
// minutes) and shuts down on cancel.
func TestServe(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"STYRKE_DATA": data, "STYRKE_ADDR": "127.0.0.1:0", "STYRKE_BREACH_URL": "http://127.0.0.1:1"}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr lockedBuffer
	done := make(chan error, 1)
	started := time.Now()
	go func() {
		done <- runServe(ctx, []string{"--demo"}, func(k string) string { return env[k] }, &stdout, &stderr)
	}()

	var base string
	require.Eventually(t, func() bool {
		m := listenRE.FindStringSubmatch(stdout.String())
		if m == nil {
			return false
		}
		base = m[1]
		resp, err := http.Get(base + "/healthz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}, 10*time.Second, 10*time.Millisecond, "stdout %s stderr %s", stdout.String(), stderr.String())

	out := stdout.String()
	assert.Contains(t, out, "data directory: "+data)
	assert.Contains(t, out, "sqlite:"+filepath.Join(data, "styrke.db"))
	m := demoRE.FindStringSubmatch(out)
	require.NotNil(t, m, "no demo link in %s", out)
	em := expiryRE.FindStringSubmatch(out)
	require.NotNil(t, em, "no demo expiry in %s", out)
	exp, err := time.Parse(time.RFC3339, em[1])
	require.NoError(t, err)
	// The link lives 30 minutes from when serve made it (issue 15 item 11:
	// it was 72 h); the exact moment lies between start and now.
	assert.False(t, exp.Before(started.Add(30*time.Minute).Truncate(time.Second)), "expiry %v", exp)
	assert.False(t, exp.After(time.Now().Add(30*time.Minute)), "expiry %v", exp)
	resp, err := http.Post(base+"/api/activation/lookup", "application/json", strings.NewReader(`{"token":"`+m[2]+`"}`))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)

	resp, err = http.Get(base + "/readyz")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 200, resp.StatusCode)

	cancel()
	select {
	case err := <-done:
		assert.NoError(t, err)
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after cancel")
	}
	assert.NotContains(t, stderr.String(), m[2], "token in logs")
}

// TestServeNoDemoByDefault: without --demo no activation link is created or
// printed (issue 15 item 11: every start created a live one).
func TestServeNoDemoByDefault(t *testing.T) {
	data := t.TempDir()
	env := map[string]string{"STYRKE_DATA": data, "STYRKE_ADDR": "127.0.0.1:0", "STYRKE_BREACH_URL": "http://127.0.0.1:1"}
	ctx, cancel := context.WithCancel(context.Background())
	var stdout, stderr lockedBuffer
	done := make(chan error, 1)
	go func() { done <- runServe(ctx, nil, func(k string) string { return env[k] }, &stdout, &stderr) }()
	require.Eventually(t, func() bool { return listenRE.MatchString(stdout.String()) }, 10*time.Second, 10*time.Millisecond,
		"stdout %s stderr %s", stdout.String(), stderr.String())
	cancel()
	require.NoError(t, <-done)
	assert.NotContains(t, stdout.String(), "activation link")
	fi, err := os.Stat(filepath.Join(data, "styrke.db"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm(), "the database holds hashes")
}

func TestActivationCreate(t *testing.T) {
	data := t.TempDir()
	var stdout, stderr bytes.Buffer
	getenv := func(k string) string { return map[string]string{"STYRKE_DATA": data}[k] }
	err := runActivation(context.Background(), []string{"create", "--username", "ola", "--name", "Ola Nordmann", "--institution", "uio", "--ttl", "1h"}, getenv, &stdout, &stderr)
	require.NoError(t, err, "stderr %s", stderr.String())
	assert.Regexp(t, `^http://127\.0\.0\.1:8080/aktiver/#/pw/[A-Za-z0-9_-]{43}\n$`, stdout.String())

	errCases := []struct {
		name string
		args []string
	}{
		{"no subcommand", nil},
		{"no username", []string{"create", "--institution", "uio"}},
		{"unknown institution", []string{"create", "--username", "a", "--institution", "nowhere"}},
	}
	for _, tt := range errCases {
		t.Run(tt.name, func(t *testing.T) {
			assert.Error(t, runActivation(context.Background(), tt.args, getenv, &stdout, &stderr))
		})
	}
}
