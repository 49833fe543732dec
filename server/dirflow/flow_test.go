// Package dirflow tests the activation flow end to end against real
// directories: a Samba AD DC and an OpenLDAP slapd started by dirtest, the
// real HTTP handler and the real SQLite store. It holds tests only.
package dirflow

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/internal/syncbuf"
	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/breach"
	"github.com/styrke-iam/styrke/server/breach/breachtest"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
	"github.com/styrke-iam/styrke/server/passhash"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/sqlite"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

var ad, ol *dirtest.Server

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		os.Exit(child())
	}
	os.Exit(dirtest.Main(m, &ad, &ol))
}

const initial = "Initial!Passw0rd-2026"

// password is a fresh password that Styrke's default policy accepts and
// that meets AD's complexity: 20 random letters and digits with a prefix.
func password(t *testing.T) string {
	t.Helper()
	return acceptedDraw(t, func() string {
		const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789"
		b := []byte("Zq7!-")
		for range 20 {
			b = append(b, alphabet[randN(t, len(alphabet))])
		}
		return string(b)
	})
}

// lowercase is a password Styrke accepts but AD's complexity refuses: 24
// random lower-case letters.
func lowercase(t *testing.T) string {
	t.Helper()
	return acceptedDraw(t, func() string {
		b := make([]byte, 0, 24)
		for len(b) < 24 {
			c := byte('a' + randN(t, 26))
			if len(b) > 0 && (b[len(b)-1] == c || b[len(b)-1]+1 == c || b[len(b)-1] == c+1) {
				continue // no repeats or runs: the score counts neither
			}
			b = append(b, c)
		}
		return string(b)
	})
}

// acceptedDraw draws passwords with draw until the default policy accepts
// one: random letters read as words now and then (the guess estimator
// refuses about 0.5% of 24 random lower-case letters), and a test that
// wants an accepted password must not fail on such a draw.
func acceptedDraw(t *testing.T, draw func() string) string {
	t.Helper()
	for range 100 {
		if pw := draw(); policy.Evaluate(policy.Default(), policy.Input{Password: pw, Name: "Kari Nordmann"}).OK {
			return pw
		}
	}
	t.Fatal("no accepted password in 100 draws")
	return ""
}

// randN is a random number in [0, n).
func randN(t *testing.T, n int) int {
	t.Helper()
	v, err := rand.Int(rand.Reader, big.NewInt(int64(n)))
	require.NoError(t, err)
	return int(v.Int64())
}

// counting counts the writes that reach the real directory.
type counting struct {
	directory.Directory
	writes atomic.Int64
	// loseAnswer: the write reaches the directory, the answer is lost.
	loseAnswer atomic.Bool
	// down: a write does not reach the directory, which does not answer.
	down atomic.Bool
	// settings counts the reads of the directory's password settings.
	settings atomic.Int64
}

func (c *counting) Settings(ctx context.Context) (directory.Settings, error) {
	c.settings.Add(1)
	return c.Directory.Settings(ctx)
}

// errDown is a write's error while down is set: nothing went out.
var errDown = fmt.Errorf("%w: connection refused", directory.ErrUnavailable)

func (c *counting) SetPassword(ctx context.Context, username, password string) error {
	if c.down.Load() {
		return errDown
	}
	c.writes.Add(1)
	err := c.Directory.SetPassword(ctx, username, password)
	if err == nil && c.loseAnswer.Load() {
		return fmt.Errorf("%w: connection reset after the write; %w", directory.ErrUnavailable, directory.ErrAfterWrite)
	}
	return err
}

// ChangePassword loses the answer of a change that reached the directory
// too, while loseAnswer is set; it counts no write.
func (c *counting) ChangePassword(ctx context.Context, username, current, password string) error {
	if c.down.Load() {
		return errDown
	}
	err := c.Directory.ChangePassword(ctx, username, current, password)
	if err == nil && c.loseAnswer.Load() {
		return fmt.Errorf("%w: connection reset after the write; %w", directory.ErrUnavailable, directory.ErrAfterWrite)
	}
	return err
}

type env struct {
	t    *testing.T
	s    *dirtest.Server
	st   *sqlite.Store
	db   string
	dir  *counting
	srv  *httptest.Server
	logs *syncbuf.Buffer
}

func dirConfig(s *dirtest.Server) directory.Config {
	scheme := "ldaps"
	if s.Kind == dirtest.AD {
		scheme = "ad"
	}
	return directory.Config{URL: scheme + "://" + s.HostPort(), BindDN: s.ServiceDN, Password: s.ServicePassword,
		Base: s.PeopleDN, CA: s.CAFile, NameAttribute: "displayName", PhoneAttribute: "mobile", BirthDateAttribute: "employeeNumber"}
}

// lightHash are the Argon2id parameters of the hashes the tests' handlers
// make (Deps.PasswordHash), 256 KiB and one pass: production's
// (passhash.Default) cost far more CPU under the race detector, and only
// TestConcurrentSubmits, whose hashing is bounded by memory, is about them.
var lightHash = passhash.Params{Memory: 256, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 32}

func newEnv(t *testing.T, s *dirtest.Server, mod func(*server.Deps)) *env {
	t.Helper()
	return newEnvTimeout(t, s, 0, mod)
}

// newEnvTimeout is newEnv with each directory call bounded by timeout
// (0: directory.DefaultTimeout), for a test that waits one out.
func newEnvTimeout(t *testing.T, s *dirtest.Server, timeout time.Duration, mod func(*server.Deps)) *env {
	t.Helper()
	db := filepath.Join(t.TempDir(), "styrke.db")
	st, err := sqlitetest.Open(t, db)
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	cfg := dirConfig(s)
	cfg.Timeout = timeout
	d, err := directory.Open(cfg)
	require.NoError(t, err)
	e := &env{t: t, s: s, st: st, db: db, dir: &counting{Directory: d}, logs: &syncbuf.Buffer{}}
	// A breach service that answers (the local fake of the range API): the
	// flows run as in production, where a skipped check is a 200 saying so.
	fake := breachtest.New(t)
	deps := server.Deps{
		Store:          st,
		Breach:         breach.New(fake.URL(), breach.Options{Timeout: 2 * time.Second}),
		Directories:    &directory.Set{Default: e.dir},
		Logger:         slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		RateLimit:      -1,
		TokenRateLimit: -1,
		PasswordHash:   lightHash,
	}
	if mod != nil {
		mod(&deps)
	}
	e.srv = httptest.NewServer(server.NewHandler(deps))
	t.Cleanup(e.srv.Close)
	return e
}

// activation creates an account in the directory and an activation link
// for it; it returns the account's DN and the link's token.
func (e *env) activation(username string) (dn, token string) {
	e.t.Helper()
	dn, err := e.s.CreateUser(username, initial)
	require.NoError(e.t, err)
	token, _, err = server.CreateActivation(context.Background(), e.st, time.Now(), username, "Kari Nordmann", "default", time.Hour)
	require.NoError(e.t, err)
	return dn, token
}

var seq atomic.Int64

func newUsername() string {
	return fmt.Sprintf("u%s%d", time.Now().Format("150405"), seq.Add(1))
}

type answer struct {
	Status     int
	Body       []byte
	RetryAfter string
}

func (a answer) code() string {
	var v struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	json.Unmarshal(a.Body, &v)
	return v.Error.Code
}

func (a answer) rules() []string {
	var v struct {
		Violations []struct {
			Rule    string `json:"rule"`
			Message string `json:"message"`
		} `json:"violations"`
	}
	json.Unmarshal(a.Body, &v)
	var out []string
	for _, x := range v.Violations {
		out = append(out, x.Rule)
	}
	return out
}

func post(t *testing.T, base, token, pw, lang string) answer {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"token": token, "password": pw})
	req, err := http.NewRequest(http.MethodPost, base+"/api/activation/complete", bytes.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	if lang != "" {
		req.Header.Set("Accept-Language", lang)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, b, resp.Header.Get("Retry-After")}
}

func (e *env) complete(token, pw, lang string) answer {
	e.t.Helper()
	return post(e.t, e.srv.URL, token, pw, lang)
}

func (e *env) binds(dn, pw string) bool {
	e.t.Helper()
	ok, err := e.s.CanBind(dn, pw)
	require.NoError(e.t, err)
	return ok
}

// noSecrets fails when a log line holds one of secrets.
func (e *env) noSecrets(secrets ...string) {
	e.t.Helper()
	logs := e.logs.String()
	require.Contains(e.t, logs, "route=", "the logs were captured")
	for i, s := range append(secrets, e.s.ServicePassword) {
		assert.False(e.t, strings.Contains(logs, s), "secret #%d appears in the logs", i)
	}
}

func both(t *testing.T, f func(t *testing.T, s *dirtest.Server)) {
	for _, s := range []*dirtest.Server{ad, ol} {
		t.Run(string(s.Kind), func(t *testing.T) { f(t, s) })
	}
}

// TestActivationLostAnswer: the answer of the complete that set the
// password is lost on the way back, and the page says to try again. The
// same password through the used link is answered as the success it was
// (the done page, its login link), without a second write, for 15 minutes;
// it was 410 token_used, and the page said "the link is used, if that was
// not you, ask for a new one". After 15 minutes, until the link would have
// expired, too, while at most server.LateRetryTries other passwords were
// tried through it in a day (until 2026-12-05 it was token_used: a person
// whose phone slept in the page's "Try again" was told someone else may
// have used their link). Another password is token_used as before, and so
// is the same one once the directory holds another.
func TestActivationLostAnswer(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		var now atomic.Int64
		now.Store(time.Now().UnixNano())
		e := newEnv(t, s, func(d *server.Deps) {
			d.Now = func() time.Time { return time.Unix(0, now.Load()) }
			d.LoginURLs = map[string]string{"": "https://login.example.org/"}
		})
		dn, token := e.activation(newUsername())
		pw := password(t)
		a := e.complete(token, pw, "")
		require.Equal(t, http.StatusOK, a.Status, "%s", a.Body)
		retry := e.complete(token, pw, "")
		require.Equal(t, http.StatusOK, retry.Status, "%s", retry.Body)
		assert.JSONEq(t, string(a.Body), string(retry.Body), "the answer the first submit had")
		assert.EqualValues(t, 1, e.dir.writes.Load(), "no second write")
		assert.True(t, e.binds(dn, pw))

		other := e.complete(token, password(t), "")
		assert.Equal(t, http.StatusGone, other.Status)
		assert.Equal(t, "token_used", other.code())

		// Later, the page left in its "Try again" (the phone asleep since):
		// the same password still finishes, until the link would have
		// expired, while no more than server.LateRetryTries other passwords
		// were tried through it that day; then the used link it is.
		now.Add(int64(16 * time.Minute))
		late := e.complete(token, pw, "")
		require.Equal(t, http.StatusOK, late.Status, "the same password after 16 minutes: %s", late.Body)
		assert.JSONEq(t, string(a.Body), string(late.Body), "the answer the first submit had")
		for range server.LateRetryTries {
			guess := e.complete(token, password(t), "")
			assert.Equal(t, http.StatusGone, guess.Status)
			assert.Equal(t, "token_used", guess.code())
		}
		guessed := e.complete(token, pw, "")
		assert.Equal(t, http.StatusGone, guessed.Status, "the same password once %d others were tried late", server.LateRetryTries)
		assert.Equal(t, "token_used", guessed.code())
		now.Add(int64(24 * time.Hour))
		expired := e.complete(token, pw, "")
		assert.Equal(t, http.StatusGone, expired.Status, "the same password past the link's expiry (an hour)")
		assert.Equal(t, "token_used", expired.code())
		now.Add(int64(-24 * time.Hour))
		assert.EqualValues(t, 1, e.dir.writes.Load(), "no second write")

		// Within the window again, but the directory holds another
		// password now (set by an administrator): the store's word is not
		// enough.
		dn2, token2 := e.activation(newUsername())
		pw2 := password(t)
		require.Equal(t, http.StatusOK, e.complete(token2, pw2, "").Status)
		byAdmin := map[string]string{"userPassword": initial}
		if s.Kind == dirtest.AD {
			byAdmin = map[string]string{"unicodePwd": dirtest.EncodeUnicodePwd(initial)}
		}
		require.NoError(t, e.s.SetAttributes(dn2, byAdmin))
		gone := e.complete(token2, pw2, "")
		assert.Equal(t, http.StatusGone, gone.Status, "%s", gone.Body)
		assert.EqualValues(t, 2, e.dir.writes.Load(), "one write per link")
		e.noSecrets(pw, pw2, token, token2)
	})
}

// TestActivation: after a complete, the person binds to the directory with
// the new password and not with the old one; the answer says so; the link
// is spent.
func TestActivation(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		e := newEnv(t, s, func(d *server.Deps) {
			d.LoginURLs = map[string]string{"": "https://login.example.org/", "uit": "https://login.uit.example/"}
		})
		dn, token := e.activation(newUsername())
		pw := password(t)
		a := e.complete(token, pw, "")
		require.Equal(t, http.StatusOK, a.Status, "%s", a.Body)
		// The directory took it: the done page may link to where to log in
		// (the institution has no URL of its own: the one for everyone).
		assert.JSONEq(t, `{"directory": true, "breachChecked": true, "loginURL": "https://login.example.org/"}`, string(a.Body))
		assert.True(t, e.binds(dn, pw), "the new password binds")
		assert.False(t, e.binds(dn, initial), "the old one does not")
		assert.False(t, e.binds(dn, pw+"x"), "nor a wrong one")
		again := e.complete(token, password(t), "")
		assert.Equal(t, http.StatusGone, again.Status)
		assert.Equal(t, "token_used", again.code())
		assert.EqualValues(t, 1, e.dir.writes.Load())
		e.noSecrets(pw, token, initial)
	})
}

// TestRefusal: a password the directory refuses gives its rule in the
// page's language, is not counted against the link, and the link then
// works with another password.
func TestRefusal(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		e := newEnv(t, s, nil)
		user := newUsername()
		dn, token := e.activation(user)
		var refused, want string
		switch s.Kind {
		case dirtest.AD:
			refused, want = lowercase(t), directory.RuleComplexity
		case dirtest.OpenLDAP:
			// Styrke has no history for this account; the directory has.
			refused, want = password(t), directory.RuleHistory
			d, err := directory.Open(dirConfig(s))
			require.NoError(t, err)
			require.NoError(t, d.SetPassword(context.Background(), user, refused))
		}
		for _, lang := range []string{"en", "nn", "nb"} {
			a := e.complete(token, refused, lang)
			require.Equal(t, http.StatusUnprocessableEntity, a.Status, "%s", a.Body)
			assert.Equal(t, []string{want}, a.rules())
			words := map[string]string{"en": "directory", "nn": "Katalogen du loggar", "nb": "Katalogen du logger"}[lang]
			assert.Contains(t, string(a.Body), words, "message in %s", lang)
			assert.NotContains(t, string(a.Body), refused)
		}
		got, err := e.st.Activation(context.Background(), server.HashToken(token))
		require.NoError(t, err)
		assert.Zero(t, got.Failures, "the directory's refusals are not counted against the link")
		assert.Nil(t, got.UsedAt)
		pw := password(t)
		a := e.complete(token, pw, "")
		require.Equal(t, http.StatusOK, a.Status, "%s", a.Body)
		assert.True(t, e.binds(dn, pw))
		e.noSecrets(refused, pw, token)
	})
}

// TestDirectoryDown: with the directory stopped mid-flow the person gets a
// retryable answer, nothing is counted, and the same link and password
// succeed once it is back.
func TestDirectoryDown(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		e := newEnv(t, s, nil)
		dn, token := e.activation(newUsername())
		pw := password(t)
		s.Stop()
		a := e.complete(token, pw, "en")
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		require.NoError(t, s.Start(ctx))
		require.Equal(t, http.StatusServiceUnavailable, a.Status, "%s", a.Body)
		assert.Equal(t, "directory_unavailable", a.code())
		assert.NotEmpty(t, a.RetryAfter)
		got, err := e.st.Activation(context.Background(), server.HashToken(token))
		require.NoError(t, err)
		assert.Zero(t, got.Failures)
		assert.Nil(t, got.UsedAt)

		a = e.complete(token, pw, "en")
		require.Equal(t, http.StatusOK, a.Status, "%s", a.Body)
		assert.True(t, e.binds(dn, pw))
		e.noSecrets(pw, token)
	})
}

// TestConcurrentSubmits: of 50 submits on one link exactly one reaches the
// directory; every other is told the link is in use, used, or (hashing is
// bounded) to retry.
//
// The store's calls, the complete and the directory's calls are bounded by
// a minute each here, not by their defaults (5 s a store call, 25 s a
// complete, 10 s a directory call; held by their own tests, such as
// TestFrozenDatabase, TestHungStoreChangeAndReset and TestOpenTimeout):
// the 50 submits' store reads wait for the store's connections together,
// and at load average 15-25 on 2 cores some waited past 5 s, a 503
// "unavailable" (a slow store), not the "overloaded" of the bounded
// hashing that this test is about.
func TestConcurrentSubmits(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		e := newEnvTimeout(t, s, time.Minute, func(d *server.Deps) {
			d.PasswordHash = passhash.Default
			d.StoreTimeout, d.CompleteTimeout = time.Minute, time.Minute
		})
		dn, token := e.activation(newUsername())
		const n = 50
		pws := make([]string, n)
		for i := range pws {
			pws[i] = password(t)
		}
		answers := make([]answer, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Go(func() {
				<-start
				answers[i] = e.complete(token, pws[i], "")
			})
		}
		close(start)
		wg.Wait()
		won := -1
		for i, a := range answers {
			switch a.Status {
			case http.StatusOK:
				assert.Equal(t, -1, won, "submits %d and %d both succeeded", won, i)
				won = i
			case http.StatusConflict:
				assert.Equal(t, "in_progress", a.code())
			case http.StatusGone:
				assert.Equal(t, "token_used", a.code())
			case http.StatusServiceUnavailable:
				// Password hashing is bounded: the rest wait, then are
				// told to retry, with nothing changed.
				assert.Equal(t, "overloaded", a.code())
				assert.NotEmpty(t, a.RetryAfter)
			default:
				t.Errorf("submit %d: %d %s", i, a.Status, a.Body)
			}
		}
		require.NotEqual(t, -1, won, "no submit succeeded")
		assert.EqualValues(t, 1, e.dir.writes.Load(), "directory writes")
		assert.True(t, e.binds(dn, pws[won]), "the winner's password is the one set")
	})
}

// TestFilterInjection: a username with filter syntax finds no account (an
// operator error, 503); nobody's password changes and the link survives.
func TestFilterInjection(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		e := newEnv(t, s, nil)
		victim, _ := e.activation(newUsername())
		for _, name := range []string{"*", "*)(cn=*", "*)(|(objectClass=*"} {
			token, _, err := server.CreateActivation(context.Background(), e.st, time.Now(), name, "", "default", time.Hour)
			require.NoError(t, err)
			a := e.complete(token, password(t), "")
			assert.Equal(t, http.StatusServiceUnavailable, a.Status, "username %q: %s", name, a.Body)
			assert.Equal(t, "directory_error", a.code())
		}
		assert.True(t, e.binds(victim, initial), "the other account keeps its password")
		assert.Contains(t, e.logs.String(), "account not found")
	})
}

// TestLostAnswer: the directory took the password but its answer was lost;
// the retry with the same password finds it there and consumes the link
// without a second write (OpenLDAP's history would refuse one).
func TestLostAnswer(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		e := newEnv(t, s, nil)
		dn, token := e.activation(newUsername())
		pw := password(t)
		e.dir.loseAnswer.Store(true)
		a := e.complete(token, pw, "")
		require.Equal(t, http.StatusServiceUnavailable, a.Status, "%s", a.Body)
		assert.Equal(t, "directory_unconfirmed", a.code(), "not \"the password was not set\"")
		assert.True(t, e.binds(dn, pw), "the write did reach the directory")

		e.dir.loseAnswer.Store(false)
		a = e.complete(token, pw, "")
		require.Equal(t, http.StatusOK, a.Status, "%s", a.Body)
		assert.EqualValues(t, 1, e.dir.writes.Load(), "no second write")
		assert.Contains(t, e.logs.String(), "recovered=true")
	})
}

// Crash between the directory write and the database commit: a child
// process (this test binary) serves complete with a store whose Complete
// kills the process, so the directory takes the password and the commit
// never happens. The parent then serves the same SQLite file and retries.

const (
	childEnv   = "STYRKE_DIRFLOW_CHILD"
	childLease = 6 * time.Second
)

// dying is a store whose Complete kills the process first.
type dying struct{ store.Store }

func (dying) Complete(context.Context, []byte, []byte, time.Time, string, int, int) error {
	syscall.Kill(os.Getpid(), syscall.SIGKILL)
	select {}
}

// child serves the handler on a loopback port (printed on stdout) until it
// is killed.
func child() int {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, os.Getenv("STYRKE_DIRFLOW_DB"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	var c directory.Config
	if err := json.Unmarshal([]byte(os.Getenv("STYRKE_DIRFLOW_DIRECTORY")), &c); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	c.Password = os.Getenv("STYRKE_DIRECTORY_PASSWORD")
	d, err := directory.Open(c)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	fmt.Printf("listening http://%s\n", ln.Addr())
	h := server.NewHandler(server.Deps{
		Store: dying{st}, Directories: &directory.Set{Default: d}, ClaimLease: childLease,
		RateLimit: -1, TokenRateLimit: -1, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	http.Serve(ln, h)
	return 1
}

func TestCrashBetweenWriteAndCommit(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		// This server's clock, moved past the child's lease below
		// instead of waiting it out.
		var ahead atomic.Int64
		e := newEnv(t, s, func(d *server.Deps) {
			d.Now = func() time.Time { return time.Now().Add(time.Duration(ahead.Load())) }
		})
		dn, token := e.activation(newUsername())
		pw := password(t)

		cfg, err := json.Marshal(dirConfig(s))
		require.NoError(t, err)
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"=1", "STYRKE_DIRFLOW_DB="+e.db,
			"STYRKE_DIRFLOW_DIRECTORY="+string(cfg), "STYRKE_DIRECTORY_PASSWORD="+s.ServicePassword)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		stderr := &syncbuf.Buffer{} // written by exec's copying goroutine
		cmd.Stderr = stderr
		require.NoError(t, cmd.Start())
		defer cmd.Process.Kill()
		line, err := bufio.NewReader(out).ReadString('\n')
		require.NoError(t, err, "child: %s", stderr.String())
		base := strings.TrimSpace(strings.TrimPrefix(line, "listening "))

		body, _ := json.Marshal(map[string]string{"token": token, "password": pw})
		posted := time.Now() // the child's claim (and its lease) starts after this
		resp, err := http.Post(base+"/api/activation/complete", "application/json", bytes.NewReader(body))
		if err == nil {
			resp.Body.Close()
		}
		require.Error(t, err, "the child died before answering")
		werr := cmd.Wait()
		var ee *exec.ExitError
		require.True(t, errors.As(werr, &ee), "child exit: %v", werr)
		assert.Equal(t, syscall.SIGKILL, ee.Sys().(syscall.WaitStatus).Signal(), "killed")

		assert.True(t, e.binds(dn, pw), "the directory took the password before the crash")
		got, err := e.st.Activation(context.Background(), server.HashToken(token))
		require.NoError(t, err)
		assert.Nil(t, got.UsedAt, "the commit never happened")

		// Within the lease the link is held; after it the same password
		// consumes it without a second write.
		a := e.complete(token, pw, "")
		if time.Since(posted) < childLease {
			// The lease cannot have run out yet: the link must be held.
			assert.Equal(t, http.StatusConflict, a.Status, "%s", a.Body)
		} else {
			// A loaded machine took longer than the lease to get here;
			// the recovery below is what must hold then.
			t.Logf("the lease ran out before the retry (%v after the post)", time.Since(posted))
		}
		ahead.Store(int64(childLease)) // the lease has run out for this server
		deadline := time.Now().Add(childLease + 10*time.Second)
		for a.Status == http.StatusConflict && time.Now().Before(deadline) {
			time.Sleep(200 * time.Millisecond)
			a = e.complete(token, pw, "")
		}
		require.Equal(t, http.StatusOK, a.Status, "%s", a.Body)
		assert.Zero(t, e.dir.writes.Load(), "no second write")
		assert.Contains(t, e.logs.String(), "recovered=true")
		assert.True(t, e.binds(dn, pw))
		again := e.complete(token, password(t), "")
		assert.Equal(t, http.StatusGone, again.Status)
	})
}

// TestReadyz: while the directory does not answer, /readyz answers 200
// and names it unavailable in its body, and styrke_directory_up is 0:
// every instance shares the directory, so a 503 took them all out of the
// load balancer at once, and with them the pages' own "try again shortly"
// and the service desk's links. A service account that cannot bind (this
// instance's settings) is 503 naming the directory, as before; neither
// body holds the service password.
func TestReadyz(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		var m *server.Metrics
		e := newEnv(t, s, func(d *server.Deps) {
			m = server.NewMetrics(d.Store, nil)
			m.WatchDirectories(d.Directories.All())
			d.Metrics = m
		})
		get := func(srv *httptest.Server) (int, string) {
			resp, err := http.Get(srv.URL + "/readyz")
			require.NoError(t, err)
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(b)
		}
		up := func() float64 {
			t.Helper()
			mfs, err := m.Registry.Gather()
			require.NoError(t, err)
			for _, mf := range mfs {
				if mf.GetName() == "styrke_directory_up" {
					require.Len(t, mf.GetMetric(), 1)
					return mf.GetMetric()[0].GetGauge().GetValue()
				}
			}
			t.Fatal("no styrke_directory_up")
			return 0
		}
		code, body := get(e.srv)
		assert.Equal(t, http.StatusOK, code)
		assert.NotContains(t, body, "unavailable")
		assert.Equal(t, 1.0, up())
		s.Stop()
		code, body = get(e.srv)
		down := up()
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		require.NoError(t, s.Start(ctx))
		assert.Equal(t, http.StatusOK, code, "%s", body)
		// Named by the institution it serves: the endpoint is public, and
		// the directory's address is an internal host's (the log has it).
		assert.Contains(t, body, `"directory of default":"unavailable"`)
		assert.NotContains(t, body, s.HostPort())
		assert.Contains(t, e.logs.String(), e.dir.String())
		assert.Equal(t, 0.0, down)
		code, body = get(e.srv)
		assert.Equal(t, http.StatusOK, code)
		assert.NotContains(t, body, "unavailable")
		assert.Equal(t, 1.0, up())

		// A service account the directory refuses: this instance's own.
		dn, err := s.CreateUser(newUsername(), initial)
		require.NoError(t, err)
		c := dirConfig(s)
		c.BindDN, c.Password = dn, "Stale!Passw0rd-2025"
		wrong, err := directory.Open(c)
		require.NoError(t, err)
		t.Cleanup(func() { wrong.Close() })
		bad := newEnv(t, s, func(d *server.Deps) { d.Directories = &directory.Set{Default: wrong} })
		code, body = get(bad.srv)
		assert.Equal(t, http.StatusServiceUnavailable, code)
		assert.Contains(t, body, "directory not ready: directory of default")
		assert.NotContains(t, body, s.HostPort())
		for _, b := range []string{body, bad.logs.String(), e.logs.String()} {
			assert.NotContains(t, b, s.ServicePassword)
			assert.NotContains(t, b, c.Password)
		}
	})
}

// TestDirectoryRules: GET /api/directory/rules says the rules of the
// institution's directory that a password the policy accepts may break
// (Samba's complexity rule; the least lengths of both directories are
// under what the default policy's score needs), for the pages to list and
// check before a password is sent; the settings are read once for many
// asks; while the directory is down the rules are not known (said in the
// log once, not at every ask), and are read again once it is back, and
// once read, a later failed read leaves them standing; an institution
// unknown or not served is refused by name.
func TestDirectoryRules(t *testing.T) {
	want := map[dirtest.Kind]string{
		dirtest.AD:       `{"institution":"default","known":true,"kinds":3,"minLength":0,"history":0}`,
		dirtest.OpenLDAP: `{"institution":"default","known":true,"kinds":0,"minLength":0,"history":0}`,
	}
	ask := func(srv *httptest.Server, query string) (int, string, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + "/api/directory/rules" + query)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, strings.TrimSpace(string(b)), resp.Header.Get("Retry-After")
	}
	both(t, func(t *testing.T, s *dirtest.Server) {
		e := newEnv(t, s, nil)
		for range 3 {
			code, body, _ := ask(e.srv, "?institution=default")
			assert.Equal(t, http.StatusOK, code)
			assert.JSONEq(t, want[s.Kind], body)
		}
		assert.Equal(t, int64(1), e.dir.settings.Load(), "read once, kept")
		if s.Kind == dirtest.OpenLDAP {
			t.Run("a longer history", func(t *testing.T) {
				// A directory that remembers more passwords than the policy
				// (5): said, for the pages to list in place of the policy's.
				s.SetSlapdPolicy(t, map[string]string{"pwdInHistory": "24"})
				code, body, _ := ask(newEnv(t, s, nil).srv, "?institution=default")
				assert.Equal(t, http.StatusOK, code)
				assert.JSONEq(t, `{"institution":"default","known":true,"kinds":0,"minLength":0,"history":24}`, body)
			})
		}

		for _, q := range []string{"", "?institution=", "?institution=nosuch"} {
			code, body, _ := ask(e.srv, q)
			assert.Equal(t, http.StatusBadRequest, code, q)
			assert.Contains(t, body, `"fields":["institution"]`, q)
		}
		notServed := newEnv(t, s, func(d *server.Deps) { d.Institutions = []string{"uit"} })
		code, body, _ := ask(notServed.srv, "?institution=default")
		assert.Equal(t, http.StatusBadRequest, code)
		assert.Contains(t, body, "not one this installation serves")

		var skew atomic.Int64 // the down server's clock, ahead of the host's
		down := newEnv(t, s, func(d *server.Deps) {
			d.Now = func() time.Time { return time.Now().Add(time.Duration(skew.Load())) }
		})
		s.Stop()
		restarted := false
		t.Cleanup(func() {
			if !restarted {
				ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
				defer cancel()
				_ = s.Start(ctx)
			}
		})
		for range 2 {
			code, body, _ := ask(down.srv, "?institution=default")
			assert.Equal(t, http.StatusOK, code)
			assert.JSONEq(t, `{"institution":"default","known":false,"kinds":0,"minLength":0,"history":0}`, body)
		}
		assert.Equal(t, 1, strings.Count(down.logs.String(), "directory rules: the directory did not say"), "said once while kept")
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		require.NoError(t, s.Start(ctx))
		restarted = true
		code, body, _ = ask(down.srv, "?institution=default")
		assert.Contains(t, body, `"known":false`, "a failure is kept for 30 seconds")
		skew.Store(int64(31 * time.Second))
		code, body, _ = ask(down.srv, "?institution=default")
		assert.Equal(t, http.StatusOK, code, "read again after 30 seconds: %s", body)
		assert.JSONEq(t, want[s.Kind], body)

		// Read well once, then down when they are read again (10 minutes
		// on): the rules read last stand, and are read again 30 seconds on.
		s.Stop()
		skew.Store(int64(31*time.Second + 11*time.Minute))
		_, body, _ = ask(down.srv, "?institution=default")
		assert.JSONEq(t, want[s.Kind], body, "the last good rules")
		assert.Equal(t, 2, strings.Count(down.logs.String(), "directory rules: the directory did not say"), "the failed read said")
		_, body, _ = ask(down.srv, "?institution=default")
		assert.JSONEq(t, want[s.Kind], body)
		assert.Equal(t, 2, strings.Count(down.logs.String(), "directory rules: the directory did not say"), "not read again within 30 seconds")
		ctx2, cancel2 := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel2()
		require.NoError(t, s.Start(ctx2))
	})
}

// TestIssueWarnsOfNoAccount: a link issued for a username the directory
// has no account of is issued with a warning for the desk (a typo was
// found only when the person called); one for an account it has, without.
func TestIssueWarnsOfNoAccount(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		e := newEnv(t, s, func(d *server.Deps) { d.AdminKey = deskKey })
		user := newUsername()
		_, err := s.CreateUser(user, initial)
		require.NoError(t, err)
		assert.Empty(t, e.issueWarnings(t, user), "the account exists")
		w := e.issueWarnings(t, user+"x")
		require.Len(t, w, 1)
		assert.Contains(t, w[0], "has no account")
		assert.Contains(t, w[0], user+"x")

		// An import asks too, row by row.
		other := newUsername()
		_, err = s.CreateUser(other, initial)
		require.NoError(t, err)
		rep := e.importLinks(t, "username\n"+other+"\n"+other+"y\n")
		require.Len(t, rep.Results, 2)
		assert.Empty(t, rep.Results[0].Warning)
		assert.Contains(t, rep.Results[1].Warning, "has no account")
		assert.Equal(t, 1, rep.Warnings)
	})
}

// TestIssueWarnsOfADisabledAccount: a link issued (a create, an import's
// row) for an account AD has disabled or expired is issued with a warning
// for the desk that says so and what it means: the link sets the password,
// and the person cannot sign in with it until the account is enabled or
// extended. An enabled account, and one locked out after wrong passwords
// (the link's reset ends the lock), have none. Before, nothing was said:
// the desk learnt of it when the person, told on the done page that the
// account was not enabled, called.
func TestIssueWarnsOfADisabledAccount(t *testing.T) {
	e := newEnv(t, ad, func(d *server.Deps) { d.AdminKey = deskKey })
	account := func(attrs map[string]string) string {
		t.Helper()
		user := newUsername()
		dn, err := ad.CreateUser(user, initial)
		require.NoError(t, err)
		if attrs != nil {
			require.NoError(t, ad.SetAttributes(dn, attrs))
		}
		return user
	}
	warning := func(user string) string {
		return `the directory (ad://` + ad.HostPort() + `) has the account "` + user + `" disabled or expired: ` +
			`the link sets its password, but the person cannot sign in with it until the account is enabled ` +
			`(or its expiry moved) in the directory; enable it, or tell the person when it will be`
	}
	disabled, expired := account(map[string]string{"userAccountControl": "514"}), account(map[string]string{"accountExpires": "1"})
	assert.Equal(t, []string{warning(disabled)}, e.issueWarnings(t, disabled))
	assert.Equal(t, []string{warning(expired)}, e.issueWarnings(t, expired))
	assert.Empty(t, e.issueWarnings(t, account(nil)), "an enabled account")
	locked := account(nil)
	for range 5 {
		ok, err := ad.CanBind(ad.UserDN(locked), "Wrong!Passw0rd-2026")
		require.NoError(t, err)
		require.False(t, ok)
	}
	isLocked, err := ad.Locked(ad.UserDN(locked))
	require.NoError(t, err)
	require.True(t, isLocked, "AD locked it out")
	assert.Empty(t, e.issueWarnings(t, locked), "locked out: the link ends the lock")

	enabled, off := account(nil), account(map[string]string{"userAccountControl": "514"})
	rep := e.importLinks(t, "username\n"+enabled+"\n"+off+"\n")
	require.Len(t, rep.Results, 2)
	assert.Empty(t, rep.Results[0].Warning)
	assert.Equal(t, warning(off), rep.Results[1].Warning)
	assert.Equal(t, 1, rep.Warnings)
}

// TestIssueWarnsOfAnAccountLockedForGood: on OpenLDAP, a link issued (a
// create, an import's row) for an account the administrator locked for
// good (ppolicy's pwdAccountLockedTime 000001010000Z, in any spelling) is
// issued with a warning that says so and what it means: the link cannot
// set its password (the activation sets nothing there and tells the person
// to contact the service desk) until the account is unlocked. An account
// locked only by wrong passwords (the link's reset ends the lock), and one
// whose lock the service account may not read (the rights check names the
// missing right), have none. Before, nothing was said: the link went out,
// and its activation failed.
func TestIssueWarnsOfAnAccountLockedForGood(t *testing.T) {
	e := newEnv(t, ol, func(d *server.Deps) { d.AdminKey = deskKey })
	account := func(prefix, lock string) string {
		t.Helper()
		user := prefix + newUsername()
		dn, err := ol.CreateUser(user, initial)
		require.NoError(t, err)
		if lock != "" {
			require.NoError(t, ol.SetAttributes(dn, map[string]string{"pwdAccountLockedTime": lock}))
		}
		return user
	}
	warning := func(user string) string {
		return `the directory (ldaps://` + ol.HostPort() + `) has the account "` + user + `" locked by its administrator (disabled): ` +
			`the link cannot set its password until the account is unlocked in the directory (the person is told to contact the service desk); ` +
			`unlock it, or tell the person when it will be`
	}
	for _, lock := range []string{"000001010000Z", "00000101000000Z"} {
		user := account("", lock)
		assert.Equal(t, []string{warning(user)}, e.issueWarnings(t, user), "pwdAccountLockedTime %s", lock)
	}
	assert.Empty(t, e.issueWarnings(t, account("", "")), "not locked")
	assert.Empty(t, e.issueWarnings(t, account("", "20261205101500Z")), "locked by wrong passwords: the link ends the lock")
	assert.Empty(t, e.issueWarnings(t, account(dirtest.SlapdHiddenLock, "000001010000Z")), "a lock the service account may not read")

	unlocked, locked := account("", ""), account("", "000001010000Z")
	rep := e.importLinks(t, "username\n"+unlocked+"\n"+locked+"\n")
	require.Len(t, rep.Results, 2)
	assert.Empty(t, rep.Results[0].Warning)
	assert.Equal(t, warning(locked), rep.Results[1].Warning)
	assert.Equal(t, 1, rep.Warnings)
}

// deskKey is the admin key of the desk's requests (issueWarnings,
// importLinks).
const deskKey = "dirflow-admin-key-0123456789abcdef"

// issueWarnings issues a link for username at default through the admin
// API (deskKey) and returns its warnings.
func (e *env) issueWarnings(t *testing.T, username string) []string {
	t.Helper()
	b := e.desk(t, "/api/admin/activations", "application/json", `{"username":"`+username+`","institution":"default"}`, http.StatusCreated)
	var out struct{ Warnings []string }
	require.NoError(t, json.Unmarshal(b, &out))
	return out.Warnings
}

// importLinks imports csv through the admin API (deskKey), sending nothing.
func (e *env) importLinks(t *testing.T, csv string) server.ImportReport {
	t.Helper()
	b := e.desk(t, "/api/admin/activations/import?deliver=false", "text/csv", csv, http.StatusOK)
	var rep server.ImportReport
	require.NoError(t, json.Unmarshal(b, &rep))
	return rep
}

// desk posts body to the admin API's path with deskKey and returns the
// answer's body, which must come with status want.
func (e *env) desk(t *testing.T, path, contentType, body string, want int) []byte {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+deskKey)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, want, resp.StatusCode, "POST %s: %s", path, b)
	return b
}

// TestFailedWriteAuditSaysWhy: a link whose account the directory lacks
// fails with directory_error, and the audit log says why in words the desk
// can act on ("directory: account: ... no account of this username"); it
// said "directory: account", and the cause was only in the server's log.
func TestFailedWriteAuditSaysWhy(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		e := newEnv(t, s, nil)
		user := newUsername()
		token, _, err := server.CreateActivation(context.Background(), e.st, time.Now(), user, "Kari Nordmann", "default", time.Hour)
		require.NoError(t, err)
		a := e.complete(token, password(t), "")
		require.Equal(t, http.StatusServiceUnavailable, a.Status, "%s", a.Body)
		assert.Equal(t, "directory_error", a.code())
		ev, err := e.st.Audit(context.Background(), store.AuditFilter{Event: store.EventFailed, Username: user})
		require.NoError(t, err)
		require.Len(t, ev, 1)
		assert.Equal(t, "directory: account: the directory has no account of this username, or several", ev[0].Detail)
	})
}
