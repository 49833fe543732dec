package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/breach"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/passhash"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

// setPassword gives username a current password in the store (directory
// none), hashed with the handler's parameters.
func (e *resetEnv) setPassword(t *testing.T, username, password string) {
	t.Helper()
	enc, err := passhash.HashWith(password, e.hash)
	require.NoError(t, err)
	require.NoError(t, e.st.SetPassword(context.Background(), "default", username, time.Now(), enc, 5, nil))
}

func change(username, current, password string) map[string]string {
	return map[string]string{"username": username, "current": current, "password": password}
}

func TestChange(t *testing.T) {
	e := newResetEnv(t, nil)
	e.setPassword(t, "ola", strong)
	res, body := e.postJSON(t, "/api/change", change("ola", strong, strong2))
	requireSavedHere(t, res.StatusCode, body)
	res, body = e.postJSON(t, "/api/change", change("ola", strong, "Kvitveis ved Brakkvann og Tjeldreir 26!"))
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "the old password no longer works")
	assert.Equal(t, "invalid_credentials", errCode(t, body))
	res, body = e.postJSON(t, "/api/change", change("ola", strong2, strong))
	assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "history: the old one is refused, %s", body)
	assertNoSecrets(t, e.logs.String(), strong, strong2)
}

// TestChangeRetriedAfterLostAnswer: without a directory, a change whose
// answer was lost on the way back, sent again by the page's "Try again"
// with the same fields (its current password now the old one), is
// answered as the change was, and not counted: it was 401, counted, and
// the fourth such retry was throttled. Another new password with the old
// current one is refused as before, and ends the mark: the same fields
// once more are refused too.
func TestChangeRetriedAfterLostAnswer(t *testing.T) {
	e := newResetEnv(t, func(d *server.Deps) { d.ChangeUserLimit = 3 })
	e.setPassword(t, "ola", strong)
	res, body := e.postJSON(t, "/api/change", change("ola", strong, strong2))
	requireSavedHere(t, res.StatusCode, body)
	for range 4 {
		res, body = e.postJSON(t, "/api/change", change("ola", strong, strong2))
		requireSavedHere(t, res.StatusCode, body)
	}
	h, err := e.st.History(context.Background(), policy.Institutions(), "ola", 10)
	require.NoError(t, err)
	assert.Len(t, h, 2, "nothing recorded again")
	res, body = e.postJSON(t, "/api/change", change("ola", strong, "Kvitveis ved Brakkvann og Tjeldreir 26!"))
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "%s", body)
	res, body = e.postJSON(t, "/api/change", change("ola", strong, strong2))
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "the mark ended, %s", body)
	res, body = e.postJSON(t, "/api/change", change("ola", strong2, "Kvitveis ved Brakkvann og Tjeldreir 26!"))
	requireSavedHere(t, res.StatusCode, body)
	assertNoSecrets(t, e.logs.String(), strong, strong2)
}

// TestChangeUsernameCase: without a directory Styrke is the account's
// keeper, and a username typed in other capitals is the same account, as
// at the directories: its password verifies, its one history refuses a
// password used before, and nothing is kept under the capitals.
func TestChangeUsernameCase(t *testing.T) {
	e := newResetEnv(t, nil)
	e.setPassword(t, "ola", strong)
	res, body := e.postJSON(t, "/api/change", change("OLA", strong, strong2))
	requireSavedHere(t, res.StatusCode, body)
	res, body = e.postJSON(t, "/api/change", change("Ola", strong2, strong))
	assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"reused"`)
	for typed, want := range map[string]int{"ola": 2, "OLA": 0, "Ola": 0} {
		h, err := e.st.History(context.Background(), policy.Institutions(), typed, 10)
		require.NoError(t, err)
		assert.Len(t, h, want, typed)
	}
	res, body = e.postJSON(t, "/api/change", change("olа", strong2, "Kvitveis ved Brakkvann og Tjeldreir 26!")) // a Cyrillic а: another name
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "%s", body)
	assertNoSecrets(t, e.logs.String(), strong, strong2)
}

// TestChangeUsernameCaseBeyondASCII: "PÅL" is pål's account, with pål's
// history, as AD and OpenLDAP bind it: a password pål used before is
// refused as reused whatever the case typed. It was another account (NOCASE
// folds ASCII only), and the reuse went through.
func TestChangeUsernameCaseBeyondASCII(t *testing.T) {
	e := newResetEnv(t, nil)
	e.setPassword(t, "pål", strong)
	res, body := e.postJSON(t, "/api/change", change("PÅL", strong, strong2))
	requireSavedHere(t, res.StatusCode, body)
	res, body = e.postJSON(t, "/api/change", change("Pål", strong2, strong))
	assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"reused"`)
	h, err := e.st.History(context.Background(), policy.Institutions(), "pål", 10)
	require.NoError(t, err)
	assert.Len(t, h, 2)
}

// TestChangeUsernameCompatibilityForms: a username typed in a
// compatibility form (fullwidth letters, decomposed letters) is the
// account the directories match it to, with its history: a password it
// used before is refused as reused. It was another account, with none.
func TestChangeUsernameCompatibilityForms(t *testing.T) {
	e := newResetEnv(t, nil)
	e.setPassword(t, "kari", strong)
	res, body := e.postJSON(t, "/api/change", change("ｋａｒｉ", strong, strong2))
	requireSavedHere(t, res.StatusCode, body)
	res, body = e.postJSON(t, "/api/change", change("ＫＡＲＩ", strong2, strong))
	assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"reused"`)
	e.setPassword(t, "pål", strong)
	res, body = e.postJSON(t, "/api/change", change("pa\u030Al", strong, strong2))
	requireSavedHere(t, res.StatusCode, body, "decomposed å")
	h, err := e.st.History(context.Background(), policy.Institutions(), "pål", 10)
	require.NoError(t, err)
	assert.Len(t, h, 2)
}

func TestChangeErrors(t *testing.T) {
	cases := []struct {
		name   string
		req    map[string]string
		status int
		code   string
	}{
		{"wrong current password", change("ola", strong+"x", strong2), http.StatusUnauthorized, "invalid_credentials"},
		{"unknown username", change("nobody", strong, strong2), http.StatusUnauthorized, "invalid_credentials"},
		{"empty username", change("", strong, strong2), http.StatusBadRequest, "invalid"},
		{"a NUL in the username", change("ola\x00", strong, strong2), http.StatusBadRequest, "invalid"},
		{"a zero-width space in the username", change("o\u200bla", strong, "kort"), http.StatusBadRequest, "invalid"},
		{"a username of 300 characters", change(strings.Repeat("o", 300), strong, strong2), http.StatusBadRequest, "invalid"},
		{"empty current", change("ola", "", strong2), http.StatusBadRequest, "invalid"},
		{"unknown institution", map[string]string{"username": "ola", "institution": "nowhere", "current": strong, "password": strong2}, http.StatusBadRequest, "invalid"},
		{"same password", change("ola", strong, strong), http.StatusBadRequest, "invalid"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newResetEnv(t, nil)
			e.setPassword(t, "ola", strong)
			res, body := e.postJSON(t, "/api/change", tc.req)
			assert.Equal(t, tc.status, res.StatusCode, "%s", body)
			if tc.code != "" {
				assert.Equal(t, tc.code, errCode(t, body))
			}
			hist, _ := e.st.History(context.Background(), policy.Institutions(), "ola", 5)
			assert.Len(t, hist, 1, "nothing set")
		})
	}
	t.Run("weak new password refused before the current is checked", func(t *testing.T) {
		e := newResetEnv(t, nil)
		e.setPassword(t, "ola", strong)
		res, _ := e.postJSON(t, "/api/change", change("ola", "wrong", "short"))
		assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
	})
}

func TestChangeThrottle(t *testing.T) {
	e := newResetEnv(t, func(d *server.Deps) { d.ChangeUserLimit, d.ChangeAddrLimit = 3, 6 })
	e.setPassword(t, "ola", strong)
	for i := range 3 {
		res, _ := e.postJSON(t, "/api/change", change("ola", "wrong-"+string(rune('a'+i)), strong2))
		require.Equal(t, http.StatusUnauthorized, res.StatusCode, "try %d", i+1)
	}
	res, body := e.postJSON(t, "/api/change", change("ola", strong, strong2))
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode, "even the right password waits after the limit")
	assert.Equal(t, "rate_limited", errCode(t, body))
	// The account's count, a quarter of an hour: the page says which
	// limit and how long (it said a quarter of an hour for the
	// network's request rate too).
	assert.Equal(t, server.LimitAccount, errLimit(t, body))
	assert.Equal(t, "900", res.Header.Get("Retry-After"))
	// An unknown username is throttled the same way (nothing told apart).
	for range 3 {
		e.postJSON(t, "/api/change", change("nobody", "wrong", strong2))
	}
	res, body = e.postJSON(t, "/api/change", change("nobody", "wrong", strong2))
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode, "per address (6) reached")
	assert.Equal(t, server.LimitAddress, errLimit(t, body), "the address's count")
	assert.Equal(t, "900", res.Header.Get("Retry-After"))
	e.advance(server.ChangeWindow + time.Second)
	res, body = e.postJSON(t, "/api/change", change("ola", strong, strong2))
	assertSavedHere(t, res.StatusCode, body, "after the window")

	// Each refusal is in the audit log with the username and the client
	// (the server's log line names neither): 3 wrong and 1 throttled for
	// ola, 3 wrong and 1 throttled for nobody.
	evs, err := e.st.Audit(context.Background(), store.AuditFilter{Event: store.EventRefused})
	require.NoError(t, err)
	var details []string
	for _, ev := range evs {
		details = append(details, ev.Username+": "+ev.Detail)
		assert.NotEmpty(t, ev.RemoteAddr)
		assertNoSecrets(t, ev.Detail, strong, strong2)
	}
	wrong, throttled := "change: wrong current password or unknown username", "change: too many wrong current passwords; throttled"
	// A username Styrke and the directory know nothing of is not kept as
	// typed (it may be a password typed into the wrong field), but as a
	// keyed hash, the same for each try: the run is still seen.
	require.Len(t, details, 8)
	hash := regexp.MustCompile(`\(a username unknown here, keyed hash [0-9a-f]{12}\)$`).FindString(details[4])
	require.NotEmpty(t, hash, details[4])
	assert.Equal(t, []string{"ola: " + wrong, "ola: " + wrong, "ola: " + wrong, "ola: " + throttled,
		": " + wrong + " " + hash, ": " + wrong + " " + hash, ": " + wrong + " " + hash, ": " + throttled + " " + hash}, details)
	for _, ev := range evs {
		assert.NotContains(t, ev.Actor+ev.Detail, "nobody")
	}
}

// TestChangeThrottleConcurrent: wrong current passwords sent at once are
// counted before they are tried, so no more than the limit reach the
// check (the directory, which locks the account after its own few): the
// count was read before the check and written after it, and 40 at once
// let 35 through to the directory. A right current password with a new
// one the policy refuses costs nothing (its count is taken back).
func TestChangeThrottleConcurrent(t *testing.T) {
	e := newResetEnv(t, func(d *server.Deps) { d.ChangeUserLimit, d.ChangeAddrLimit = 3, 100 })
	e.setPassword(t, "ola", strong)
	for range 4 {
		res, body := e.postJSON(t, "/api/change", change("ola", strong, "kort"))
		require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "%s", body)
	}
	const n = 12
	codes := make([]int, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			res, _ := e.postJSON(t, "/api/change", change("ola", "wrong-"+strconv.Itoa(i), strong2))
			codes[i] = res.StatusCode
		})
	}
	close(start)
	wg.Wait()
	tried := 0
	for _, c := range codes {
		switch c {
		case http.StatusUnauthorized:
			tried++
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		default:
			t.Errorf("status %d", c)
		}
	}
	assert.LessOrEqual(t, tried, 3, "wrong passwords checked: %v", codes)
	evs, err := e.st.Audit(context.Background(), store.AuditFilter{Event: store.EventRefused})
	require.NoError(t, err)
	checked := 0
	for _, ev := range evs {
		if ev.Detail == "change: wrong current password or unknown username" {
			checked++
		}
	}
	assert.LessOrEqual(t, checked, 3, "checks of a wrong password in the audit log")
}

// TestChangeOverloaded: with the password hashing saturated, a change is a
// 503 overloaded with Retry-After, never "wrong password" and never a
// reused password let through because its history could not be checked
// (issue 15 item 2).
func TestChangeOverloaded(t *testing.T) {
	e := newResetEnv(t, productionHash)
	const n = 10
	users := make([]string, n)
	for i := range users {
		users[i] = "ola" + string(rune('a'+i))
		e.setPassword(t, users[i], strong2) // older
		e.setPassword(t, users[i], strong)  // current
	}
	old := passhash.SetWorkLimits(passhash.WorkLimits{Memory: uint64(passhash.Default.Memory), Queue: -1, Wait: time.Second})
	t.Cleanup(func() { passhash.SetWorkLimits(old) })
	type answer struct {
		status     int
		code       string
		retryAfter string
	}
	answers := make([]answer, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, u := range users {
		wg.Go(func() {
			<-start
			// strong2 is in the history: the only right answers are 422 and 503.
			res, body := e.postJSON(t, "/api/change", change(u, strong, strong2))
			answers[i] = answer{res.StatusCode, errCodeOrEmpty(body), res.Header.Get("Retry-After")}
		})
	}
	close(start)
	wg.Wait()
	busy := 0
	for i, a := range answers {
		switch a.status {
		case http.StatusUnprocessableEntity:
		case http.StatusServiceUnavailable:
			busy++
			assert.Equal(t, "overloaded", a.code, "change %d", i)
			assert.NotEmpty(t, a.retryAfter, "change %d", i)
		default:
			t.Errorf("change %d: status %d code %q; want 422 reused or 503 overloaded", i, a.status, a.code)
		}
	}
	assert.Positive(t, busy, "some of %d concurrent changes find the hashing busy", n)
	assertNoSecrets(t, e.logs.String(), strong, strong2)
}

// errCodeOrEmpty is the error code of an API answer, "" for any other body.
func errCodeOrEmpty(body []byte) string {
	var e apiError
	if json.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.Error.Code
}

// TestWellKnownChangePassword: password managers find the change page at
// /.well-known/change-password (W3C "A Well-Known URL for Changing
// Passwords").
func TestWellKnownChangePassword(t *testing.T) {
	e := newResetEnv(t, nil)
	res, _ := e.req(t, http.MethodGet, "/.well-known/change-password", "", "")
	assert.Equal(t, http.StatusFound, res.StatusCode)
	assert.Equal(t, "/endre/", res.Header.Get("Location"))
}

// TestChangeChecksNameAndPhoneOnFile: a change refuses the name and the
// phone number the service desk put on file for the account (its newest
// link), but only once the current password is right: before that, the
// answer is the same as for any wrong password, so the change page is no
// way to test which number is someone's.
func TestChangeChecksNameAndPhoneOnFile(t *testing.T) {
	e := newResetEnv(t, nil)
	e.setPassword(t, "ola", strong)
	now := time.Now()
	require.NoError(t, e.st.IssueActivations(context.Background(), []store.Issue{{
		Activation: store.Activation{TokenHash: bytes.Repeat([]byte{7}, 32), Username: "ola", Name: "Ola Nordmann",
			Institution: "default", CreatedAt: now, ExpiresAt: now.Add(time.Hour)},
		Contact: store.Contact{Phone: "+4791234567", Lang: "nb", CreatedBy: "admin:test"},
		Created: store.AuditEvent{Time: now, Event: store.EventCreated, Actor: "admin:test", Username: "ola", Institution: "default"},
	}}))
	withPhone := "Kvitveis ved Brakkvann 912 34 567!"
	withName := "Kvitveis ved Brakkvann-Nordmann 26!"

	res, body := e.postJSON(t, "/api/change", change("ola", "not the password", withPhone))
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "%s", body)
	assert.Equal(t, "invalid_credentials", errCode(t, body))

	res, body = e.postJSON(t, "/api/change", change("ola", strong, withPhone))
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"rule":"phone"`)
	assert.NotContains(t, string(body), "1234")
	res, body = e.postJSON(t, "/api/change", change("ola", strong, withName))
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"rule":"name"`)

	res, body = e.postJSON(t, "/api/change", change("ola", strong, strong2))
	assertSavedHere(t, res.StatusCode, body)
	assertNoSecrets(t, e.logs.String(), strong, strong2, withPhone, "91234567")
}

// issueLink creates an activation link for username at the default
// institution through the admin API and returns its id.
func (e *resetEnv) issueLink(t *testing.T, username string) string {
	t.Helper()
	res, body := adminPost(t, e.srv.URL+"/api/admin/activations", "application/json", `{"username":"`+username+`","institution":"default"}`)
	require.Equal(t, http.StatusCreated, res.StatusCode, "%s", body)
	var out struct{ ID string }
	require.NoError(t, json.Unmarshal(body, &out))
	return out.ID
}

// linkRevoked reports whether the activation link id was revoked.
func (e *resetEnv) linkRevoked(t *testing.T, id string) bool {
	t.Helper()
	h, err := server.ParseID(id)
	require.NoError(t, err)
	recs, err := e.st.Activations(context.Background(), store.ActivationFilter{TokenHash: h})
	require.NoError(t, err)
	require.Len(t, recs, 1)
	return recs[0].RevokedAt != nil
}

// TestChangeClosesOpenLinks: a password set by change (or reset,
// TestResetClosesOpenLinks) ends the person's open activation links at the
// institution, as a used link does (TestUsedLinkClosesOthers): the account
// has a password its owner chose.
func TestChangeClosesOpenLinks(t *testing.T) {
	e := newResetEnv(t, nil)
	e.setPassword(t, "ola", strong)
	olas, karis := e.issueLink(t, "ola"), e.issueLink(t, "kari")
	res, body := e.postJSON(t, "/api/change", change("ola", strong, strong2))
	requireSavedHere(t, res.StatusCode, body)
	assert.True(t, e.linkRevoked(t, olas))
	assert.False(t, e.linkRevoked(t, karis), "another person's link")
}

// TestChangeThrottleAcrossInstitutions: the wrong current passwords of one
// account count together whichever institution of its directory the
// request names. They counted apart per institution, so that choosing
// another one in the list gave a guesser the limit again, and could take a
// person past the directory's lockout, which the limit stays under.
func TestChangeThrottleAcrossInstitutions(t *testing.T) {
	e := newResetEnv(t, func(d *server.Deps) { d.ChangeUserLimit, d.ChangeAddrLimit = 3, 100 })
	e.setPassword(t, "ola", strong)
	insts := []string{"default", "uit", "uio"}
	for i, inst := range insts {
		req := change("ola", "wrong-"+string(rune('a'+i)), strong2)
		req["institution"] = inst
		res, body := e.postJSON(t, "/api/change", req)
		require.Equal(t, http.StatusUnauthorized, res.StatusCode, "try %d at %s: %s", i+1, inst, body)
	}
	for _, inst := range insts {
		req := change("ola", strong, strong2)
		req["institution"] = inst
		res, body := e.postJSON(t, "/api/change", req)
		assert.Equal(t, http.StatusTooManyRequests, res.StatusCode, "at %s: %s", inst, body)
	}
}

// changeAt is change with an institution.
func changeAt(institution, username, current, password string) map[string]string {
	req := change(username, current, password)
	req["institution"] = institution
	return req
}

// TestChangeWrongInstitution: the new password is judged by the policy of
// the institution the account belongs to (its links, its imported
// identity), not by whichever the person picks in the list, which let a
// person at UiT set a password UiT's rules refuse by choosing another
// institution with weaker ones. The answer names the institution only to
// the one who gave the right current password.
func TestChangeWrongInstitution(t *testing.T) {
	e := newResetEnv(t, nil)
	e.setPassword(t, "eva", strong)
	res, body := adminPost(t, e.srv.URL+"/api/admin/activations", "application/json", `{"username":"eva","institution":"uit"}`)
	require.Equal(t, http.StatusCreated, res.StatusCode, "%s", body)
	const uitWord = "Zq8!uitno#Lw4vX2$kR9" // "uitno" is one of UiT's context words
	res, body = e.postJSON(t, "/api/change", changeAt("uit", "eva", strong, uitWord))
	require.Equal(t, http.StatusUnprocessableEntity, res.StatusCode, "UiT's rules refuse it: %s", body)

	res, body = e.postJSON(t, "/api/change", changeAt("default", "eva", strong+"x", uitWord))
	assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "a wrong current password learns nothing of the account: %s", body)
	assert.Equal(t, "invalid_credentials", errCode(t, body))

	res, body = e.postJSON(t, "/api/change", changeAt("default", "EVA", strong, uitWord))
	assert.Equal(t, http.StatusConflict, res.StatusCode, "%s", body)
	assert.Equal(t, "wrong_institution", errCode(t, body))
	assert.Contains(t, string(body), `"institution":"uit"`, "the answer names the account's institution")
	hist, err := e.st.History(context.Background(), policy.Institutions(), "eva", 5)
	require.NoError(t, err)
	assert.Len(t, hist, 1, "nothing set")

	res, body = e.postJSON(t, "/api/change", changeAt("uit", "eva", strong, strong2))
	assertSavedHere(t, res.StatusCode, body, "at its own institution")
	// An account Styrke knows no institution of (no link, no identity)
	// may name any.
	e.setPassword(t, "per", strong)
	res, body = e.postJSON(t, "/api/change", changeAt("uio", "per", strong, strong2))
	assertSavedHere(t, res.StatusCode, body)
	assertNoSecrets(t, e.logs.String(), strong, strong2, uitWord)
}

// TestSetPasswordSaysBreachSkipped: with the breach service down and a
// policy that accepts then (breachCheck prefer), the change and the reset
// say so (200 {"breachChecked":false}), as the activation does, for the
// page to tell the person; they said 204, and the page said nothing,
// against its own rules' promise. With the service up: 204, as before.
func TestSetPasswordSaysBreachSkipped(t *testing.T) {
	down := func(d *server.Deps) {
		d.Breach = breach.New("http://127.0.0.1:1", breach.Options{Timeout: 300 * time.Millisecond})
	}
	e := newResetEnv(t, down)
	e.setPassword(t, "ola", strong)
	res, body := e.postJSON(t, "/api/change", change("ola", strong, strong2))
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	assert.JSONEq(t, `{"breachChecked":false,"directory":false}`, string(body))

	e.importCSV(t, accounts)
	c := e.signIn(t, pidOla)
	res, body = e.postJSON(t, "/api/reset/complete", map[string]string{"password": "Granskog!Lirype-Vadmel9"}, c)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	assert.JSONEq(t, `{"breachChecked":false,"directory":false}`, string(body))

	up := newResetEnv(t, nil)
	up.setPassword(t, "ola", strong)
	res, body = up.postJSON(t, "/api/change", change("ola", strong, strong2))
	assertSavedHere(t, res.StatusCode, body)
}

// TestChangeThrottleLookAlikes: a username in fullwidth letters or with
// the Kelvin sign counts against the same account's limit as its plain
// form (a directory may match them to the same account); each was a
// throttle counter of its own, which gave a guesser the limit again.
func TestChangeThrottleLookAlikes(t *testing.T) {
	e := newResetEnv(t, func(d *server.Deps) { d.ChangeUserLimit, d.ChangeAddrLimit = 3, 100 })
	e.setPassword(t, "kari", strong)
	for i, u := range []string{"kari", "\uff4b\uff41\uff52\uff49", "\u212aari"} {
		res, _ := e.postJSON(t, "/api/change", change(u, "wrong-"+string(rune('a'+i)), strong2))
		require.Equal(t, http.StatusUnauthorized, res.StatusCode, "try %d", i+1)
	}
	res, body := e.postJSON(t, "/api/change", change("kari", strong, strong2))
	assert.Equal(t, http.StatusTooManyRequests, res.StatusCode, "%s", body)
}

// savedHere reports whether a reset's or a change's answer with directory
// none is what it must be: 200 {"directory": false}, Styrke kept the
// password and nothing logs in with it yet (it was 204, and the done pages
// said to use the new password the next time).
func savedHere(status int, body []byte) bool {
	return status == http.StatusOK && strings.TrimSpace(string(body)) == `{"directory":false}`
}

func requireSavedHere(t *testing.T, status int, body []byte, what ...any) {
	t.Helper()
	require.True(t, savedHere(status, body), "status %d, body %s (%s)", status, body, fmt.Sprint(what...))
}

func assertSavedHere(t *testing.T, status int, body []byte, what ...any) {
	t.Helper()
	assert.True(t, savedHere(status, body), "status %d, body %s (%s)", status, body, fmt.Sprint(what...))
}

// loginNames is a directory that maps AD's other login forms (name@realm,
// DOMAIN\name) to an account name as AD's AccountName does, counting each
// such search, and refuses every current password.
type loginNames struct {
	directory.None
	names    map[string]string
	searches atomic.Int32
}

func (d *loginNames) AccountName(_ context.Context, username string) (string, error) {
	if !strings.ContainsAny(username, `@\`) {
		return username, nil // no round trip, as AD's
	}
	d.searches.Add(1)
	if n, ok := d.names[strings.ToLower(username)]; ok {
		return n, nil
	}
	return username, nil
}

func (d *loginNames) Verify(context.Context, string, string) error {
	return directory.ErrInvalidCredentials
}

// TestChangeAccountNameThrottled: AD's search of a user principal name or
// DOMAIN\name is bounded by the address's count of wrong passwords, as every
// other directory call of the change page is. It ran before either count,
// for every try (a new connection, a service-account bind and a search, or
// two for DOMAIN\name), so an address over its limit, or one sending the
// login name of an account already throttled (a try over a limit is not
// counted), reached the domain controller at the request rate: 20 a second,
// where the address's count allows 20 tries a quarter of an hour.
func TestChangeAccountNameThrottled(t *testing.T) {
	for _, tc := range []struct {
		name            string
		userLimit       int
		addrLimit       int
		usernames       []string // tried in turn, each with a wrong password
		wantSearches    int32
		wantLastRefusal int
	}{
		{
			name:      "an address over its limit",
			userLimit: 5, addrLimit: 2,
			usernames:       []string{"a@uio.example", "b@uio.example", `UIO\c`, "d@uio.example", `UIO\e`},
			wantSearches:    2,
			wantLastRefusal: http.StatusTooManyRequests,
		},
		{
			name:      "an account already throttled",
			userLimit: 2, addrLimit: 4,
			usernames: []string{"ola@uio.example", `UIO\ola`, "ola@uio.example", "ola@uio.example",
				"OLA@uio.example", "ola@uio.example", `UIO\ola`, "ola@uio.example"},
			wantSearches:    4,
			wantLastRefusal: http.StatusTooManyRequests,
		},
		{
			name:      "plain account names ask no directory",
			userLimit: 2, addrLimit: 3,
			usernames:       []string{"ola", "ola", "ola", "kari", "per"},
			wantSearches:    0,
			wantLastRefusal: http.StatusTooManyRequests,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := &loginNames{names: map[string]string{"ola@uio.example": "ola", `uio\ola`: "ola"}}
			e := newResetEnv(t, func(d *server.Deps) {
				d.ChangeUserLimit, d.ChangeAddrLimit = tc.userLimit, tc.addrLimit
				d.Directories = &directory.Set{Default: dir}
			})
			var status int
			for i, u := range tc.usernames {
				res, _ := e.postJSON(t, "/api/change", change(u, "wrong-"+strconv.Itoa(i), strong2))
				status = res.StatusCode
			}
			assert.Equal(t, tc.wantSearches, dir.searches.Load(), "directory searches for %q", tc.usernames)
			assert.Equal(t, tc.wantLastRefusal, status, "the last try of %q", tc.usernames)
		})
	}
}

// TestStoredHashParameters: the hashes Styrke keeps of the passwords it
// sets are Argon2id with production's parameters (passhash.Default, m=19
// MiB, t=2, p=1) unless the handler is given others (Deps.PasswordHash,
// which only tests set); NewHandler refuses parameters passhash cannot
// hash with.
func TestStoredHashParameters(t *testing.T) {
	tests := []struct {
		name   string
		params passhash.Params
		prefix string
	}{
		{"none given: production's", passhash.Params{}, "$argon2id$v=19$m=19456,t=2,p=1$"},
		{"the tests' lighter ones", lightHash, "$argon2id$v=19$m=256,t=1,p=1$"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newResetEnv(t, func(d *server.Deps) { d.PasswordHash = tt.params })
			e.setPassword(t, "ola", strong)
			res, body := e.postJSON(t, "/api/change", change("ola", strong, strong2))
			requireSavedHere(t, res.StatusCode, body)
			// An unknown account's current password is checked against a
			// stand-in hash of the same parameters: refused as wrong.
			res, body = e.postJSON(t, "/api/change", change("nobody", strong, strong2))
			assert.Equal(t, http.StatusUnauthorized, res.StatusCode, "%s", body)
			hist, err := e.st.History(context.Background(), policy.Institutions(), "ola", 5)
			require.NoError(t, err)
			require.Len(t, hist, 2)
			assert.True(t, strings.HasPrefix(hist[0], tt.prefix), "the new password's hash has %q", tt.prefix)
		})
	}
	t.Run("invalid", func(t *testing.T) {
		st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
		require.NoError(t, err)
		t.Cleanup(func() { st.Close() })
		assert.PanicsWithValue(t, "server: NewHandler with invalid PasswordHash parameters", func() {
			server.NewHandler(server.Deps{Store: st, PasswordHash: passhash.Params{Memory: 256, Time: 1, Threads: 1, KeyLen: 32}})
		}, "no salt")
	})
}
