package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

// TestRemindRefuses: a window under a day or over a year is refused by
// its field, and a directory that expires no password (none) by
// ErrNoExpiry, before anything is read or sent. (The reminders themselves
// run against Samba and slapd: cmd/styrke's testDirectoryRemind and
// server/dirflow's TestExpiring.)
func TestRemindRefuses(t *testing.T) {
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "s.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	d := server.NewDesk(st, "https://styrke.example", server.DeskDeps{}, nil, nil)
	_, err = d.RemindExpiring(context.Background(), directory.None{}, server.RemindRequest{})
	var none *server.FieldError
	require.ErrorAs(t, err, &none, "no window")
	for _, w := range []time.Duration{0, time.Hour, 367 * 24 * time.Hour} {
		_, err := d.RemindExpiring(context.Background(), directory.None{}, server.RemindRequest{Windows: []time.Duration{14 * 24 * time.Hour, w}})
		var fe *server.FieldError
		require.ErrorAs(t, err, &fe, "%s", w)
		assert.Equal(t, []string{"within"}, fe.Fields)
	}
	_, err = d.RemindExpiring(context.Background(), directory.None{}, server.RemindRequest{Windows: []time.Duration{14 * 24 * time.Hour}})
	assert.ErrorIs(t, err, server.ErrNoExpiry)
}

// TestChangeLink: the change page in the language, naming any institution
// but the default.
func TestChangeLink(t *testing.T) {
	assert.Equal(t, "https://s.example/endre/", server.ChangeLink("https://s.example", "nb", "default"))
	assert.Equal(t, "https://s.example/nn/endre/?institution=uit", server.ChangeLink("https://s.example", "nn", "uit"))
	assert.Equal(t, "https://s.example/en/change/", server.ChangeLink("https://s.example", "en", ""))
	assert.Equal(t, "https://s.example/endre/", server.ChangeLink("https://s.example", "xx", "default"), "an unknown language is nb")
}

// TestAdminExpiringRefuses: GET /api/admin/expiring needs an admin key,
// names a bad window or institution by its field, and answers 409 where
// the institution's directory expires no password. (The listing itself:
// server/dirflow's TestAdminExpiring, against Samba and slapd.)
func TestAdminExpiringRefuses(t *testing.T) {
	e := newDeskEnv(t, nil)
	resp, _ := e.admin(t, http.MethodGet, "/api/admin/expiring?within=14d", nil, "")
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	for q, fields := range map[string][]string{
		"":                                 {"within"},
		"?within=12h":                      {"within"},
		"?within=400d":                     {"within"},
		"?within=fortnight":                {"within"},
		"?within=14d&institution=nosuch":   {"institution"},
		"?within=0d&institution=nosuch!!!": {"institution", "within"},
	} {
		resp, body := e.admin(t, http.MethodGet, "/api/admin/expiring"+q, nil, deskKey)
		require.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s: %s", q, body)
		var v struct {
			Error struct{ Fields []string }
		}
		require.NoError(t, json.Unmarshal(body, &v))
		assert.Equal(t, fields, v.Error.Fields, q)
	}
	resp, body := e.admin(t, http.MethodGet, "/api/admin/expiring?within=14d", nil, deskKey)
	assert.Equal(t, http.StatusConflict, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), "expires no password")
	resp, _ = e.admin(t, http.MethodPost, "/api/admin/expiring?within=14d", map[string]string{}, deskKey)
	assert.Equal(t, http.StatusMethodNotAllowed, resp.StatusCode)
}

// TestReminderUnconfirmedNotSentAgain: an expiry reminder the mail server
// took whole and answered past the time limit may have arrived: it counts
// as sent (its deliveries say unconfirmed), and the next run does not send
// it again. Its claim was released as failed, and every run of the day
// sent the person another reminder.
func TestReminderUnconfirmedNotSentAgain(t *testing.T) {
	ol, dir := lockoutDirectory(t)
	user := fmt.Sprintf("remind%d", time.Now().UnixNano()%1e9)
	dn, err := ol.CreateUser(user, "Initial!Passw0rd-2026")
	require.NoError(t, err)
	require.NoError(t, ol.ExpireAfter(dn, "Initial!Passw0rd-2026", 10*24*time.Hour))
	require.NoError(t, ol.SetAttributes(dn, map[string]string{"mail": user + "@example.org"}))
	slow, mailer := slowMailer(t, 2*time.Second, 500*time.Millisecond)
	tp, err := notify.LoadTemplates("", notify.Profile{Name: "Utfjord kommune"})
	require.NoError(t, err)
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	d := server.NewDesk(st, baseURL, server.DeskDeps{Directories: &directory.Set{Default: dir}, Mailer: mailer, Templates: tp}, nil, nil)
	run := func() server.Reminder {
		t.Helper()
		out, err := d.RemindExpiring(t.Context(), dir, server.RemindRequest{Windows: []time.Duration{14 * 24 * time.Hour}, Actor: "cli:test"})
		require.NoError(t, err)
		for _, r := range out {
			if r.Username == user {
				return r
			}
		}
		t.Fatalf("%s is not reminded", user)
		return server.Reminder{}
	}
	first := run()
	assert.Equal(t, server.RemindSent, first.State)
	assert.Equal(t, []server.Delivery{{Channel: "email", What: "expiry reminder", OK: false, Error: "unconfirmed"}}, first.Deliveries)
	assert.Equal(t, server.RemindEarlier, run().State, "not sent again")
	assert.Equal(t, 1, len(slow.Messages(t)), "reminders delivered")
}
