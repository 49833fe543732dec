package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/internal/syncbuf"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

// TestChangeCannotLockTheDirectory: wrong current passwords sent to the
// change never lock the account in the directory, however they are spread
// over time. The throttle counted them per 15 minutes, but OpenLDAP's
// ppolicy keeps failures until a successful bind (pwdFailureCountInterval
// 0, its default) and AD for its observation window (30 minutes by
// default): three wrong passwords, a quarter of an hour's wait and three
// more locked the account (pwdMaxFailure 5), knowing only its username.
func TestChangeCannotLockTheDirectory(t *testing.T) {
	ol, dir := lockoutDirectory(t)
	const username, current = "kari", "Initial!Passw0rd-2026"
	dn, err := ol.CreateUser(username, current)
	require.NoError(t, err)

	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	var offset atomic.Int64
	logs := &syncbuf.Buffer{}
	h := server.NewHandler(server.Deps{
		Store:          st,
		Directories:    &directory.Set{Default: dir},
		Logger:         slog.New(slog.NewTextHandler(logs, nil)),
		RateLimit:      -1,
		TokenRateLimit: -1,
		Now:            func() time.Time { return time.Now().Add(time.Duration(offset.Load())) },
	})
	try := func(password string) int {
		b, err := json.Marshal(map[string]string{"username": username, "current": password, "password": strong2})
		require.NoError(t, err)
		req := httptest.NewRequest(http.MethodPost, "/api/change", bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	// A guesser tries, waits out the throttle's window, and tries again,
	// three rounds in all.
	for round := range 3 {
		for i := range 4 {
			code := try("Wrong!Passw0rd-" + string(rune('a'+4*round+i)))
			require.Contains(t, []int{http.StatusUnauthorized, http.StatusTooManyRequests}, code, "round %d, try %d", round, i)
		}
		offset.Add(int64(server.ChangeWindow + time.Minute))
	}
	locked, err := ol.Locked(dn)
	require.NoError(t, err)
	assert.False(t, locked, "the directory has locked the account")
	ok, err := ol.CanBind(dn, current)
	require.NoError(t, err)
	assert.True(t, ok, "the person still logs in with their password")
}

// TestConcurrentBindsCannotLockTheDirectory: wrong passwords checked at
// once never lock the account. The guard reads the directory's count and
// then binds: requests that all read the count before any of their binds
// was counted all bound, and ten at once locked the account (pwdMaxFailure
// 5) that the guard keeps three failures from the lockout. After the
// change's throttle window (15 minutes) three tries reach the directory
// again, while ppolicy still counts the first round's.
func TestConcurrentBindsCannotLockTheDirectory(t *testing.T) {
	ol, dir := lockoutDirectory(t)
	const current = "Initial!Passw0rd-2026"
	for _, username := range []string{"kari2", "ola2", "per2"} {
		dn, err := ol.CreateUser(username, current)
		require.NoError(t, err)
		const n = 10
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				err := dir.Verify(context.Background(), username, "Wrong!Passw0rd-"+strconv.Itoa(i))
				assert.True(t, errors.Is(err, directory.ErrInvalidCredentials) || errors.Is(err, directory.ErrLocked), "%v", err)
			})
		}
		close(start)
		wg.Wait()
		locked, err := ol.Locked(dn)
		require.NoError(t, err)
		assert.False(t, locked, "%d wrong passwords at once: the directory has locked %s", n, username)
		ok, err := ol.CanBind(dn, current)
		require.NoError(t, err)
		assert.True(t, ok, "%s still logs in with their password", username)
	}
}

var (
	slapdOnce  sync.Once
	slapd      *dirtest.Server
	slapdStart error
)

// lockoutDirectory is the package's slapd (ppolicy: pwdMaxFailure 5),
// started once for the lockout tests and stopped by TestMain, and a
// directory on it.
func lockoutDirectory(t *testing.T) (*dirtest.Server, directory.Directory) {
	t.Helper()
	slapdOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), dirtest.StartTimeout)
		defer cancel()
		slapd, slapdStart = dirtest.StartSlapd(ctx)
	})
	require.NoError(t, slapdStart, "start slapd")
	dir, err := directory.Open(directory.Config{URL: "ldaps://" + slapd.HostPort(), BindDN: slapd.ServiceDN,
		Password: slapd.ServicePassword, Base: slapd.PeopleDN, CA: slapd.CAFile})
	require.NoError(t, err)
	t.Cleanup(func() { dir.Close() })
	return slapd, dir
}

// TestConcurrentBindsAcrossInstancesCannotLockTheDirectory: wrong
// passwords checked at once on several instances (handlers sharing one
// store, each with its own directory client) never lock the account. Each
// instance checked and bound one account at a time only within itself, so
// six instances read the same count and bound at once, and ppolicy
// (pwdMaxFailure 5) locked the account that the guard keeps three
// failures from the lockout.
func TestConcurrentBindsAcrossInstancesCannotLockTheDirectory(t *testing.T) {
	ol, _ := lockoutDirectory(t)
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	const instances = 6
	dirs := make([]directory.Directory, instances)
	for i := range dirs {
		d, err := directory.Open(directory.Config{URL: "ldaps://" + ol.HostPort(), BindDN: ol.ServiceDN,
			Password: ol.ServicePassword, Base: ol.PeopleDN, CA: ol.CAFile})
		require.NoError(t, err)
		t.Cleanup(func() { d.Close() })
		dirs[i] = d
		server.NewHandler(server.Deps{Store: st, Directories: &directory.Set{Default: d},
			Logger: slog.New(slog.NewTextHandler(&syncbuf.Buffer{}, nil)), RateLimit: -1, TokenRateLimit: -1})
	}
	const current = "Initial!Passw0rd-2026"
	for _, username := range []string{"kari3", "ola3", "per3"} {
		dn, err := ol.CreateUser(username, current)
		require.NoError(t, err)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range 2 * instances {
			wg.Go(func() {
				<-start
				err := dirs[i%instances].Verify(context.Background(), username, "Wrong!Passw0rd-"+strconv.Itoa(i))
				assert.True(t, errors.Is(err, directory.ErrInvalidCredentials) || errors.Is(err, directory.ErrLocked), "%v", err)
			})
		}
		close(start)
		wg.Wait()
		locked, err := ol.Locked(dn)
		require.NoError(t, err)
		assert.False(t, locked, "wrong passwords at once on %d instances: the directory has locked %s", instances, username)
		ok, err := ol.CanBind(dn, current)
		require.NoError(t, err)
		assert.True(t, ok, "%s still logs in with their password", username)
	}
}
