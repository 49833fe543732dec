package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/store"
)

// TestAdminForget: the desk deletes everything kept of one account (the
// right to erasure): its links stop working, the desk's list no longer has
// them, the audit log says what was deleted in counts (never the address),
// and a second call finds nothing. Another account's stay. Bad requests
// name the field.
func TestAdminForget(t *testing.T) {
	e := newDeskEnv(t, nil)
	e.issue(t, map[string]string{"username": "kari", "name": "Kari Nordmann", "institution": "uio", "email": "kari.private@example.org"}, deskKey)
	ola := e.issue(t, map[string]string{"username": "ola", "institution": "uio", "email": "ola@example.org"}, deskKey)

	resp, body := e.admin(t, http.MethodPost, "/api/admin/accounts/forget", map[string]string{"username": "Kari", "institution": "uio"}, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	var out struct{ Forgotten store.Forgotten }
	require.NoError(t, json.Unmarshal(body, &out))
	assert.Equal(t, store.Forgotten{Links: 1}, out.Forgotten)

	resp, body = e.do(t, http.MethodPost, "/api/activation/lookup", "application/json", `{"token":"`+tokenOf(t, linkIn(t, e.smtp.Messages(t)[0].Text))+`"}`)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "the forgotten link no longer works: %s", body)
	assert.Empty(t, e.list(t, "username=kari"))
	require.Len(t, e.list(t, "username=ola"), 1)
	assert.Equal(t, ola.ID, e.list(t, "username=ola")[0].ID)

	evs := e.auditLog(t, store.AuditFilter{Event: store.EventForgotten})
	require.Len(t, evs, 1)
	assert.Equal(t, "admin:desk", evs[0].Actor)
	assert.Equal(t, "Kari", evs[0].Username)
	assert.Equal(t, "deleted: links (with their addresses) 1", evs[0].Detail)
	all := e.auditLog(t, store.AuditFilter{})
	for _, ev := range all {
		assert.NotContains(t, ev.Detail, "kari.private", "no address in the audit log")
	}

	resp, body = e.admin(t, http.MethodPost, "/api/admin/accounts/forget", map[string]string{"username": "kari", "institution": "uio"}, deskKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"links":0`)
	evs = e.auditLog(t, store.AuditFilter{Event: store.EventForgotten})
	require.Len(t, evs, 2)
	assert.Equal(t, "nothing was kept", evs[1].Detail)

	for _, tt := range []struct {
		req   map[string]string
		field string
	}{
		{map[string]string{"username": "kari"}, "institution"},
		{map[string]string{"institution": "uio"}, "username"},
		{map[string]string{"username": "kari", "institution": "nowhere"}, "institution"},
		{map[string]string{"username": strings.Repeat("k", 300), "institution": "uio"}, "username"},
		{map[string]string{"username": "ka\x00ri", "institution": "uio"}, "username"},
	} {
		resp, body := e.admin(t, http.MethodPost, "/api/admin/accounts/forget", tt.req, deskKey)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%v: %s", tt.req, body)
		assert.Contains(t, string(body), `"`+tt.field+`"`, "%v names the field: %s", tt.req, body)
	}
	resp, _ = e.admin(t, http.MethodPost, "/api/admin/accounts/forget", map[string]string{"username": "ola", "institution": "uio"}, "wrong-key")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	require.Len(t, e.list(t, "username=ola"), 1)
}

// TestIssueRefusesQuotedAddress: an e-mail address with a quoted local
// part or a space ("ola nordmann"@example.org, which net/mail takes) is
// refused naming the field: mail systems differ on it, and an SMTP error
// that quoted it could not be scrubbed whole from the log.
func TestIssueRefusesQuotedAddress(t *testing.T) {
	e := newDeskEnv(t, nil)
	for _, addr := range []string{`"ola nordmann"@example.org`, `"ola\\"x"@example.org`} {
		resp, body := e.admin(t, http.MethodPost, "/api/admin/activations", map[string]string{"username": "ola", "institution": "uio", "email": addr}, deskKey)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s: %s", addr, body)
		assert.Contains(t, string(body), `"email"`)
		assert.NotContains(t, string(body), "nordmann")
	}
}

// TestAdminKeysFileReread: a key removed from --admin-keys-file stops
// working without a restart, and one added starts (a leaked key worked
// until the next restart); a file that becomes unreadable or empty keeps
// the keys in use.
func TestAdminKeysFileReread(t *testing.T) {
	file := filepath.Join(t.TempDir(), "keys")
	require.NoError(t, os.WriteFile(file, []byte("desk "+deskKey+"\n"), 0o600))
	f, err := os.Open(file)
	require.NoError(t, err)
	keys, err := server.ParseAdminKeys(f)
	f.Close()
	require.NoError(t, err)
	e := newDeskEnv(t, func(d *server.Deps) { d.AdminKeys, d.AdminKeysFile = keys, file })
	status := func(key string) int {
		resp, _ := e.admin(t, http.MethodGet, "/api/admin/activations", nil, key)
		return resp.StatusCode
	}
	require.Equal(t, http.StatusOK, status(deskKey))
	require.Equal(t, http.StatusUnauthorized, status(hrKey))
	require.NoError(t, os.WriteFile(file, []byte("hr "+hrKey+"\n# the desk's key leaked: revoked\n"), 0o600))
	require.Eventually(t, func() bool { return status(deskKey) == http.StatusUnauthorized }, 5*time.Second, 50*time.Millisecond, "the revoked key stops working")
	assert.Equal(t, http.StatusOK, status(hrKey), "the added key works")
	require.NoError(t, os.WriteFile(file, []byte("# nothing\n"), 0o600))
	time.Sleep(1100 * time.Millisecond) // past the once-a-second look, to see that it keeps
	assert.Equal(t, http.StatusOK, status(hrKey), "an empty file keeps the keys in use")
	assert.Contains(t, e.logs.String(), "admin keys file: the keys in use stay")
	assert.NotContains(t, e.logs.String(), hrKey)
}

// heldComplete is a store whose first Complete waits until release is
// closed: a link's submit that has written the directory and holds the
// account's lease.
type heldComplete struct {
	store.Store
	once    sync.Once
	held    chan struct{}
	release chan struct{}
}

func (s *heldComplete) Complete(ctx context.Context, tokenHash, claimID []byte, now time.Time, enc string, keep, maxFailures int) error {
	first := false
	s.once.Do(func() { first = true })
	if first {
		close(s.held)
		<-s.release
	}
	return s.Store.Complete(ctx, tokenHash, claimID, now, enc, keep, maxFailures)
}

// TestForgetWaitsForPasswordWrite: forgetting an account while its link's
// password is being written answers 409 in_progress and deletes nothing;
// the person's submit completes. Forget took no lease: it deleted the link
// under the submit, whose password was in the directory, and the person
// was told the link was gone.
func TestForgetWaitsForPasswordWrite(t *testing.T) {
	var hs *heldComplete
	e := newEnv(t, func(d *server.Deps) {
		hs = &heldComplete{Store: d.Store, held: make(chan struct{}), release: make(chan struct{})}
		d.Store = hs
	})
	token := e.create(t, "default")
	done := make(chan int, 1)
	go func() {
		resp, _ := e.post(t, "/api/activation/complete", map[string]string{"token": token, "password": strong})
		done <- resp.StatusCode
	}()
	select {
	case <-hs.held:
	case <-time.After(10 * time.Second):
		t.Fatal("the submit never reached Complete")
	}
	resp, body := e.post(t, "/api/admin/accounts/forget", map[string]string{"username": "kari", "institution": "default"}, "Authorization", "Bearer "+adminKey)
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"in_progress"`)
	assert.Equal(t, "5", resp.Header.Get("Retry-After"))
	close(hs.release)
	assert.Equal(t, http.StatusOK, <-done, "the submit completes")
	resp, body = e.post(t, "/api/admin/accounts/forget", map[string]string{"username": "kari", "institution": "default"}, "Authorization", "Bearer "+adminKey)
	require.Equal(t, http.StatusOK, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"links":1`)
}
