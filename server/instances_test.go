package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/passhash"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

// twoInstances starts two handlers on one store, as two instances behind a
// load balancer on one database, neither with a throttle key of its own.
func twoInstances(t *testing.T, mod func(*server.Deps)) (store.Store, [2]*httptest.Server) {
	t.Helper()
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	var out [2]*httptest.Server
	for i := range out {
		d := server.Deps{Store: st, AdminKey: adminKey, RateLimit: -1, TokenRateLimit: -1,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), PasswordHash: lightHash}
		if mod != nil {
			mod(&d)
		}
		out[i] = httptest.NewServer(server.NewHandler(d))
		t.Cleanup(out[i].Close)
	}
	return st, out
}

func postTo(t *testing.T, srv *httptest.Server, path string, v any, hdr ...string) (int, []byte) {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, srv.URL+path, bytes.NewReader(b))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, body
}

// TestChangeThrottleAcrossInstances: two instances on one store count a
// person's wrong current passwords together: each had a random key of its
// own for the counters without an identity key, so a client spread over
// both tried twice the limit, and the directory locked the account.
func TestChangeThrottleAcrossInstances(t *testing.T) {
	st, srv := twoInstances(t, func(d *server.Deps) { d.ChangeUserLimit, d.ChangeAddrLimit = 3, 100 })
	enc, err := passhash.HashWith(strong, lightHash)
	require.NoError(t, err)
	require.NoError(t, st.SetPassword(context.Background(), "default", "ola", time.Now(), enc, 5, nil))
	var codes []int
	for i := range 6 {
		code, _ := postTo(t, srv[i%2], "/api/change", change("ola", "wrong-"+string(rune('a'+i)), strong2))
		codes = append(codes, code)
	}
	assert.Equal(t, []int{401, 401, 401, 429, 429, 429}, codes)
}

// TestTwoLinksAtOnce: two links of one person submitted at the same moment
// on two instances set one password: one answer says done, the other that
// a password is being set (409) or that the link was closed by the first
// (410). Both said done, and one of the two passwords did not work.
func TestTwoLinksAtOnce(t *testing.T) {
	t.Run("one key", func(t *testing.T) { twoLinksAtOnce(t, nil) })
	// Each instance counting failures under a key of its own (a wrong
	// identity key file on one): the lease named the account by a hash
	// under that key, and each instance held its own.
	n := 0
	t.Run("a key each", func(t *testing.T) {
		twoLinksAtOnce(t, func(d *server.Deps) { n++; d.ThrottleKey = bytes.Repeat([]byte{byte(n)}, 32) })
	})
}

func twoLinksAtOnce(t *testing.T, mod func(*server.Deps)) {
	_, srv := twoInstances(t, mod)
	for round := range 6 {
		user := "kari" + string(rune('a'+round))
		var tokens [2]string
		for i := range tokens {
			code, body := postTo(t, srv[0], "/api/admin/activations", map[string]string{"username": user, "institution": "default"},
				"Authorization", "Bearer "+adminKey)
			require.Equal(t, http.StatusCreated, code, "%s", body)
			var out struct{ Link string }
			require.NoError(t, json.Unmarshal(body, &out))
			tokens[i] = tokenOf(t, out.Link)
		}
		var codes [2]int
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range tokens {
			pw := []string{strong, strong2}[i]
			wg.Go(func() {
				<-start
				codes[i], _ = postTo(t, srv[i], "/api/activation/complete", map[string]string{"token": tokens[i], "password": pw})
			})
		}
		close(start)
		wg.Wait()
		done := 0
		for _, c := range codes {
			switch c {
			case http.StatusOK:
				done++
			case http.StatusConflict, http.StatusGone:
			default:
				t.Errorf("round %d: status %d", round, c)
			}
		}
		assert.Equal(t, 1, done, "round %d: %v", round, codes)
	}
}

// TestResetAndLinkAtOnce: a reset and an activation link of one account
// submitted at the same moment are set one after the other, never over
// each other: the link's person was told done with a password the reset
// had replaced meanwhile. Both may succeed only in the order link, then
// reset (a reset after the link is a new password, legitimately); a link
// after a reset is closed by it (410).
func TestResetAndLinkAtOnce(t *testing.T) {
	e := newResetEnv(t, nil)
	e.importCSV(t, "ola,Ola Nordmann,default,"+pidOla+"\n")
	for round := range 4 {
		c := e.signIn(t, pidOla)
		res, body := adminPost(t, e.srv.URL+"/api/admin/activations", "application/json", `{"username":"ola","institution":"default"}`)
		require.Equal(t, http.StatusCreated, res.StatusCode, "%s", body)
		var out struct{ Link string }
		require.NoError(t, json.Unmarshal(body, &out))
		token := tokenOf(t, out.Link)
		var codes [2]int
		var wg sync.WaitGroup
		start := make(chan struct{})
		wg.Go(func() {
			<-start
			res, _ := e.postJSON(t, "/api/reset/complete", map[string]string{"password": strong + "-" + string(rune('a'+round))}, c)
			codes[0] = res.StatusCode
		})
		wg.Go(func() {
			<-start
			res, _ := e.postJSON(t, "/api/activation/complete", map[string]string{"token": token, "password": strong2 + "-" + string(rune('a'+round))})
			codes[1] = res.StatusCode
		})
		close(start)
		wg.Wait()
		assert.Contains(t, []int{http.StatusNoContent, http.StatusOK, http.StatusConflict}, codes[0], "round %d: the reset: %v", round, codes)
		resetDone := codes[0] != http.StatusConflict
		switch codes[1] {
		case http.StatusConflict, http.StatusGone:
			assert.True(t, resetDone, "round %d: one of the two is done: %v", round, codes)
		case http.StatusOK:
			if !resetDone {
				break
			}
			// Both done: the link's must have been first, the reset after.
			evs, err := e.st.Audit(context.Background(), store.AuditFilter{Username: "ola"})
			require.NoError(t, err)
			var order []string
			for _, ev := range evs {
				if ev.Event == store.EventActivated || ev.Event == store.EventReset {
					order = append(order, ev.Event)
				}
			}
			assert.Equal(t, []string{store.EventActivated, store.EventReset}, order[len(order)-2:], "round %d: both done, in this order", round)
		default:
			t.Errorf("round %d: the link: %v", round, codes)
		}
	}
}

// TestImportTwiceAtOnce: the same file imported on two instances at the
// same moment gives each person one link: one import runs, the other is
// refused (409, another import in progress) or, after it, finds every
// link open and issues none. Each import checked for open links and
// issued in two steps, so both issued: two links and two mails for all.
func TestImportTwiceAtOnce(t *testing.T) {
	st, srv := twoInstances(t, nil)
	var csv strings.Builder
	csv.WriteString("username,institution\n")
	for i := range 300 {
		fmt.Fprintf(&csv, "imp%03d,default\n", i)
	}
	var codes [2]int
	var bodies [2][]byte
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range srv {
		wg.Go(func() {
			<-start
			req, err := http.NewRequest(http.MethodPost, srv[i].URL+"/api/admin/activations/import?deliver=false", strings.NewReader(csv.String()))
			require.NoError(t, err)
			req.Header.Set("Content-Type", "text/csv")
			req.Header.Set("Authorization", "Bearer "+adminKey)
			res, err := srv[i].Client().Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			codes[i] = res.StatusCode
			bodies[i], _ = io.ReadAll(res.Body)
		})
	}
	close(start)
	wg.Wait()
	for i, c := range codes {
		assert.Contains(t, []int{http.StatusOK, http.StatusConflict}, c, "%d: %s", i, bodies[i])
		if c == http.StatusConflict {
			assert.Contains(t, string(bodies[i]), "another import is in progress")
		}
	}
	recs, err := st.Activations(context.Background(), store.ActivationFilter{Limit: 1000})
	require.NoError(t, err)
	per := map[string]int{}
	for _, r := range recs {
		per[r.Username]++
	}
	assert.Len(t, per, 300)
	for u, n := range per {
		if n != 1 {
			t.Errorf("%s has %d links", u, n)
		}
	}
}

// keptLeases is a store whose leases are never ended: an import killed
// (SIGKILL, a lost machine) before it could end its own.
type keptLeases struct{ store.Store }

func (keptLeases) UnlockAccount(context.Context, string, []byte) error { return nil }

// TestKilledImportHoldsBriefly: an import killed before it ended its lease
// blocks other imports for at most two minutes, and says so. It blocked
// them for 15, with no way around it.
func TestKilledImportHoldsBriefly(t *testing.T) {
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	clock := time.Now()
	now := func() time.Time { return clock }
	csv := "username,institution\nola,default\n"
	killed := server.NewDesk(keptLeases{st}, baseURL, server.DeskDeps{}, nil, now)
	_, err = killed.Import(t.Context(), strings.NewReader(csv), server.ImportOptions{NoDeliver: true}, nil)
	require.NoError(t, err)

	next := server.NewDesk(st, baseURL, server.DeskDeps{}, nil, now)
	clock = clock.Add(time.Minute)
	_, err = next.Import(t.Context(), strings.NewReader(csv), server.ImportOptions{NoDeliver: true}, nil)
	require.ErrorIs(t, err, server.ErrImportBusy)
	assert.Contains(t, err.Error(), "at most 2 minutes")
	clock = clock.Add(time.Minute + time.Second)
	rep, err := next.Import(t.Context(), strings.NewReader(csv), server.ImportOptions{NoDeliver: true}, nil)
	require.NoError(t, err, "the killed import's lease ran out")
	assert.Equal(t, 1, rep.Skipped, "ola has her link already")
}

// takenLease is a store where an import's lease, once held, is taken by
// another (it ran out while the store stalled), and whose batch waits.
type takenLease struct {
	store.Store
	calls   atomic.Int32
	waiting chan struct{}
}

func (s *takenLease) LockAccount(ctx context.Context, key string, holder []byte, now, until time.Time) error {
	if key == "import" && s.calls.Add(1) > 1 {
		return store.ErrBusy
	}
	return s.Store.LockAccount(ctx, key, holder, now, until)
}

func (s *takenLease) IssueActivations(ctx context.Context, batch []store.Issue) error {
	close(s.waiting)
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(5 * time.Second):
	}
	return s.Store.IssueActivations(ctx, batch)
}

// TestImportStopsWhenLeaseTaken: a renewal that finds the import's lease
// taken by another import stops the batch under way. The renewal only
// logged it, and the batch issued its links beside the other import's.
func TestImportStopsWhenLeaseTaken(t *testing.T) {
	defer server.SetImportRenew(10 * time.Millisecond)()
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	s := &takenLease{Store: st, waiting: make(chan struct{})}
	d := server.NewDesk(s, baseURL, server.DeskDeps{}, nil, nil)
	start := time.Now()
	_, err = d.Import(t.Context(), strings.NewReader("username,institution\nola,default\n"), server.ImportOptions{NoDeliver: true}, nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the lease was lost")
	assert.Less(t, time.Since(start), 4*time.Second, "stopped by the renewal, not after the batch")
	recs, err := st.Activations(context.Background(), store.ActivationFilter{})
	require.NoError(t, err)
	assert.Empty(t, recs, "nothing issued beside the other import")
}
