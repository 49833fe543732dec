package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/directory"
)

// slowWrite is a directory whose SetPassword says it started, then takes
// the password once released, or fails as a real one does (ErrUnavailable)
// when its context ends first.
type slowWrite struct {
	directory.None
	started, release chan struct{}
	ended            chan error
}

func (d *slowWrite) SetPassword(ctx context.Context, _, _ string) error {
	close(d.started)
	var err error
	select {
	case <-d.release:
	case <-ctx.Done():
		err = fmt.Errorf("%w: set password: %w", directory.ErrUnavailable, ctx.Err())
	}
	d.ended <- err
	return err
}

func (d *slowWrite) String() string { return "ldaps://slow.example.org" }

// TestCompleteRunsToItsEndWhenTheClientHangsUp: a person who reloads the
// activation page during the submit (or closes the tab, or whose phone
// drops the connection) ends the request, not the work it started: the
// directory's write and the link's close run to their end. They ran on
// the request's context, so a reload cut them wherever they were: the
// directory took the password and the link stayed open and claimed (the
// reloaded page showed the form, the next try "in progress" for two
// minutes, the log an ERROR "password set in the directory but not
// recorded"), or the write was cut and logged, audited and counted as the
// directory not answering, a false outage.
func TestCompleteRunsToItsEndWhenTheClientHangsUp(t *testing.T) {
	dir := &slowWrite{started: make(chan struct{}), release: make(chan struct{}), ended: make(chan error, 1)}
	e := newEnv(t, func(d *server.Deps) { d.Directories = &directory.Set{Default: dir} })
	token := e.create(t, "default")

	ctx, hangUp := context.WithCancel(context.Background())
	body, _ := json.Marshal(map[string]string{"token": token, "password": strong})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+"/api/activation/complete", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	gone := make(chan error, 1)
	go func() {
		res, err := e.srv.Client().Do(req)
		if err == nil {
			res.Body.Close()
		}
		gone <- err
	}()
	select {
	case <-dir.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the write never started")
	}
	hangUp()
	require.Error(t, <-gone, "the client hung up")
	time.Sleep(200 * time.Millisecond) // the server sees the connection closed
	close(dir.release)
	require.NoError(t, <-dir.ended, "the directory's write was cut by the client's hang-up")

	// The link is closed: used, not claimed and open.
	require.Eventually(t, func() bool {
		res, _ := e.post(t, "/api/activation/lookup", map[string]string{"token": token})
		return res.StatusCode == http.StatusGone
	}, 5*time.Second, 50*time.Millisecond, "the link was not closed after the directory took the password")
	assert.NotContains(t, e.logs.String(), "directory unavailable")
	assert.NotContains(t, e.logs.String(), "not recorded")
}

// TestResetRunsToItsEndWhenTheClientHangsUp: a person who reloads the
// reset page during the submit (or closes the tab, or whose phone drops
// the connection) ends the request, not the directory's write it started:
// the write runs to its end, bounded by its own time limit, and the reset
// is recorded. The write ran on the request's context, so a hang-up cut
// it: the directory may have taken the password, and the reset was not
// recorded but logged and answered as the directory not answering.
func TestResetRunsToItsEndWhenTheClientHangsUp(t *testing.T) {
	dir := &slowWrite{started: make(chan struct{}), release: make(chan struct{}), ended: make(chan error, 1)}
	e := newResetEnv(t, func(d *server.Deps) { d.Directories = &directory.Set{Default: dir} })
	e.importCSV(t, accounts)
	c := e.signIn(t, pidOla)

	ctx, hangUp := context.WithCancel(context.Background())
	body, _ := json.Marshal(map[string]string{"password": strong})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+"/api/reset/complete", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(c)
	gone := make(chan error, 1)
	go func() {
		res, err := e.client.Do(req)
		if err == nil {
			res.Body.Close()
		}
		gone <- err
	}()
	select {
	case <-dir.started:
	case <-time.After(10 * time.Second):
		t.Fatal("the write never started")
	}
	hangUp()
	require.Error(t, <-gone, "the client hung up")
	time.Sleep(200 * time.Millisecond) // the server sees the connection closed
	close(dir.release)
	require.NoError(t, <-dir.ended, "the directory's write was cut by the client's hang-up")

	// The reset is recorded: the password is the account's in the history.
	require.Eventually(t, func() bool {
		return strings.Contains(e.logs.String(), "password reset")
	}, 5*time.Second, 50*time.Millisecond, "the reset was not recorded after the directory took the password")
	assert.NotContains(t, e.logs.String(), "directory unavailable")
	assert.NotContains(t, e.logs.String(), "not recorded")
}
