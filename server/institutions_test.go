package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/pgtest"
	"github.com/styrke-iam/styrke/server/store/postgres"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

var (
	pgOnce  sync.Once
	pgSrv   *pgtest.Server
	pgStart error

	slapd2Once  sync.Once
	slapd2      *dirtest.Server
	slapd2Start error
)

// postgresStore is a PostgreSQL store on the package's pgtest server
// (started once, stopped by TestMain), in a namespace of its own.
func postgresStore(t *testing.T) store.Store {
	t.Helper()
	pgOnce.Do(func() { pgSrv, pgStart = pgtest.Start() })
	require.NoError(t, pgStart, "start PostgreSQL")
	st, err := postgres.Open(context.Background(), pgSrv.Database(t))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

// twoDirectories are the package's slapd (lockoutDirectory's) and a second
// one (started once, stopped by TestMain), each with a directory on it:
// two institutions' directories, each with accounts of its own.
func twoDirectories(t *testing.T) (servers [2]*dirtest.Server, dirs [2]directory.Directory) {
	t.Helper()
	servers[0], dirs[0] = lockoutDirectory(t)
	slapd2Once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), dirtest.StartTimeout)
		defer cancel()
		slapd2, slapd2Start = dirtest.StartSlapd(ctx)
	})
	require.NoError(t, slapd2Start, "start a second slapd")
	d, err := directory.Open(directory.Config{URL: "ldaps://" + slapd2.HostPort(), BindDN: slapd2.ServiceDN,
		Password: slapd2.ServicePassword, Base: slapd2.PeopleDN, CA: slapd2.CAFile})
	require.NoError(t, err)
	t.Cleanup(func() { d.Close() })
	servers[1], dirs[1] = slapd2, d
	return servers, dirs
}

// sqliteStore is a SQLite store in the test's folder.
func sqliteStore(t *testing.T) store.Store {
	t.Helper()
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	return st
}

// storesToTest are the two stores a test of what the store keeps runs on.
var storesToTest = []struct {
	name string
	open func(*testing.T) store.Store
}{
	{"sqlite", sqliteStore},
	{"postgres", postgresStore},
}

// newInstitutionsEnv is a reset environment (ID-porten, identities) on st
// for a server of --directory-map: uit's accounts in dirs[0], uio's in
// dirs[1].
func newInstitutionsEnv(t *testing.T, st store.Store, dirs [2]directory.Directory) *resetEnv {
	t.Helper()
	e := newResetEnv(t, func(d *server.Deps) {
		d.Store = st
		d.Directories = &directory.Set{ByInstitution: map[string]directory.Directory{"uit": dirs[0], "uio": dirs[1]}}
	})
	e.st = st
	return e
}

// issueLinkAt creates an activation link for username at institution,
// sent to email, through the admin API and returns its id.
func (e *resetEnv) issueLinkAt(t *testing.T, institution, username, email string) string {
	t.Helper()
	b, err := json.Marshal(map[string]string{"username": username, "institution": institution, "email": email})
	require.NoError(t, err)
	res, body := adminPost(t, e.srv.URL+"/api/admin/activations", "application/json", string(b))
	require.Equal(t, http.StatusCreated, res.StatusCode, "%s", body)
	var out struct{ ID string }
	require.NoError(t, json.Unmarshal(body, &out))
	return out.ID
}

// recipients are the addresses of the notices queued for username at
// institution, oldest first.
func (e *resetEnv) recipients(t *testing.T, institution, username string) []string {
	t.Helper()
	ns, err := e.st.Notifications(context.Background(), 100)
	require.NoError(t, err)
	var out []string
	for _, n := range ns {
		if n.Institution == institution && n.Username == username {
			out = append(out, n.Recipient)
		}
	}
	return out
}

// TestAddressOnFileIsTheInstitutions: with --directory-map, "ola" at uit
// and "ola" at uio are two people, each with an account in a directory of
// their own, and the address the desk gave one of them is not the other's.
// uit's desk sends its ola a link to ola-uit@example.org; uio's ola resets
// through ID-porten: the notice after it went to ola-uit@example.org, and
// the reset put that address on file for "ola" for good (once uit's ola's
// own reset had closed uit's link, uio's ola's next reset told
// ola-uit@example.org again). uit's link stays open after uio's reset (a
// reset of another person's account closes none of its links), and uit's
// ola's own notice still goes to uit's address.
func TestAddressOnFileIsTheInstitutions(t *testing.T) {
	servers, dirs := twoDirectories(t)
	for _, tc := range storesToTest {
		t.Run(tc.name, func(t *testing.T) {
			e := newInstitutionsEnv(t, tc.open(t), dirs)
			// Each run its own ola in each directory (the slapds outlive
			// a run).
			ola := "ola" + tc.name
			for _, s := range servers {
				_, err := s.CreateUser(ola, "Initial!Passw0rd-2026")
				require.NoError(t, err)
			}
			e.importCSV(t, "username,name,institution,identity number\n"+
				ola+",Ola Uio,uio,"+pidOla+"\n"+
				ola+",Ola Uit,uit,"+pidTest+"\n")
			link := e.issueLinkAt(t, "uit", ola, "ola-uit@example.org")

			reset := func(pid, password string) {
				t.Helper()
				c := e.signIn(t, pid)
				res, body := e.postJSON(t, "/api/reset/complete", map[string]string{"password": password}, c)
				require.Equal(t, http.StatusNoContent, res.StatusCode, "%s", body)
			}
			reset(pidOla, strong)
			assert.Empty(t, e.recipients(t, "uio", ola), "uio's ola has no address on file: no notice, and none to uit's ola")
			assert.False(t, e.linkRevoked(t, link), "uit's link stays open: another person's")

			// uit's ola's own reset: the notice goes to the address uit's
			// desk gave.
			reset(pidTest, "Multebær på myra bak Tromsdalstinden 27!")
			assert.Equal(t, []string{"ola-uit@example.org"}, e.recipients(t, "uit", ola))

			// Nothing of uit's is on file for uio's ola after the
			// resets either.
			reset(pidOla, strong2)
			assert.Empty(t, e.recipients(t, "uio", ola), "the second reset of uio's ola")

			// uio's desk gives its ola an address: that one is uio's.
			e.issueLinkAt(t, "uio", ola, "ola-uio@example.org")
			reset(pidOla, "Kvitveis ved Brakkvann og Tjeldreir 26!")
			assert.Equal(t, []string{"ola-uio@example.org"}, e.recipients(t, "uio", ola))
		})
	}
}

// TestRemindersAddressIsTheInstitutions: an expiry reminder goes to the
// address on file at the institutions of the directory whose password
// expires. uio's directory's "ola" was to be reminded at the address uit's
// desk gave uit's "ola" (another directory's, another person); on a server
// of one directory, whose reminders run as "default", the address the desk
// gave at uit is still the account's, as before.
func TestRemindersAddressIsTheInstitutions(t *testing.T) {
	servers, dirs := twoDirectories(t)
	for _, tc := range storesToTest {
		t.Run(tc.name, func(t *testing.T) {
			st := tc.open(t)
			ola := "olarem" + tc.name
			for _, s := range servers {
				dn, err := s.CreateUser(ola, "Initial!Passw0rd-2026")
				require.NoError(t, err)
				require.NoError(t, s.ExpireAfter(dn, "Initial!Passw0rd-2026", 10*24*time.Hour))
			}
			a := store.Activation{TokenHash: sha256Of(ola), Username: ola, Name: "Ola Uit", Institution: "uit",
				CreatedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}
			require.NoError(t, st.CreateActivation(context.Background(), a))
			require.NoError(t, st.SetContact(context.Background(), a.TokenHash, store.Contact{Email: "ola-uit@example.org", Lang: "nn"}))
			remind := func(set *directory.Set, institution string) server.Reminder {
				t.Helper()
				d := server.NewDesk(st, baseURL, server.DeskDeps{Directories: set}, nil, nil)
				out, err := d.RemindExpiring(context.Background(), set.For(institution), server.RemindRequest{
					Institution: institution, Windows: []time.Duration{30 * 24 * time.Hour}, DryRun: true})
				require.NoError(t, err)
				for _, r := range out {
					if r.Username == ola {
						return r
					}
				}
				t.Fatalf("%s: %s is not reminded", institution, ola)
				return server.Reminder{}
			}
			mapped := &directory.Set{ByInstitution: map[string]directory.Directory{"uit": dirs[0], "uio": dirs[1]}}
			assert.Equal(t, server.RemindNoAddress, remind(mapped, "uio").State, "uio's ola: uit's address is not theirs")
			assert.Equal(t, server.RemindWouldSend, remind(mapped, "uit").State, "uit's ola")
			one := &directory.Set{Default: dirs[0]}
			assert.Equal(t, server.RemindWouldSend, remind(one, "default").State, "one directory: the link's address at uit")
		})
	}
}

func sha256Of(s string) []byte {
	sum := sha256.Sum256([]byte(s))
	return sum[:]
}

// TestHistoryIsTheInstitutions: a password uit's "ola" has is no password
// uio's "ola" (of another directory) has used. Styrke kept one history by
// username alone, and refused uio's ola's choice of uit's ola's password
// as "used before": that told uio's ola uit's ola's password, for any
// guess, as often as the reset page was submitted. uio's ola's own
// history still refuses what uio's ola used.
func TestHistoryIsTheInstitutions(t *testing.T) {
	servers, dirs := twoDirectories(t)
	for _, tc := range storesToTest {
		t.Run(tc.name, func(t *testing.T) {
			e := newInstitutionsEnv(t, tc.open(t), dirs)
			ola := "olahist" + tc.name
			for _, s := range servers {
				_, err := s.CreateUser(ola, "Initial!Passw0rd-2026")
				require.NoError(t, err)
			}
			e.importCSV(t, "username,name,institution,identity number\n"+
				ola+",Ola Uio,uio,"+pidOla+"\n"+
				ola+",Ola Uit,uit,"+pidTest+"\n")
			reset := func(pid, password string) (int, []byte) {
				t.Helper()
				c := e.signIn(t, pid)
				res, body := e.postJSON(t, "/api/reset/complete", map[string]string{"password": password}, c)
				return res.StatusCode, body
			}
			status, body := reset(pidTest, strong)
			require.Equal(t, http.StatusNoContent, status, "uit's ola: %s", body)
			status, body = reset(pidOla, strong)
			assert.Equal(t, http.StatusNoContent, status, "uio's ola may choose what uit's ola has: %s", body)
			assert.NotContains(t, string(body), `"reused"`)
			status, body = reset(pidOla, strong2)
			require.Equal(t, http.StatusNoContent, status, "%s", body)
			status, body = reset(pidOla, strong)
			assert.Equal(t, http.StatusUnprocessableEntity, status, "uio's ola's own history: %s", body)
			assert.Contains(t, string(body), `"reused"`)
			status, body = reset(pidTest, strong2)
			assert.Equal(t, http.StatusNoContent, status, "uit's ola may choose what uio's ola has: %s", body)
		})
	}
}
