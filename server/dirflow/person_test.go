package dirflow

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory/dirtest"
)

// call posts body as JSON to the server's path, with cookie c when not
// nil.
func (e *env) call(path string, body any, c *http.Cookie) answer {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+path, bytes.NewReader(b))
	require.NoError(e.t, err)
	req.Header.Set("Content-Type", "application/json")
	if c != nil {
		req.AddCookie(c)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(e.t, err)
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, raw, resp.Header.Get("Retry-After")}
}

// object is a's body as a JSON object.
func (a answer) object(t *testing.T) map[string]any {
	t.Helper()
	v := map[string]any{}
	require.NoError(t, json.Unmarshal(a.Body, &v), "%s", a.Body)
	return v
}

// lookup asks for the activation link's account, as the activation page
// does before it shows the form.
func (e *env) lookup(token string) (status int, body map[string]any) {
	e.t.Helper()
	a := e.call("/api/activation/lookup", map[string]string{"token": token}, nil)
	return a.Status, a.object(e.t)
}

// TestPersonFromDirectory: what the directory holds of the person (its
// mobile and its date of birth, in the attribute configured: employeeNumber
// here) is what the phone and birthdate rules judge, where the service desk
// gave nothing: the activation page's lookup gives the meter both, and
// activation and change refuse a password that holds either, which the
// same password without them would pass. Neither value reaches the log.
func TestPersonFromDirectory(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		e := newEnv(t, s, nil)
		user := newUsername()
		dn, token := e.activation(user)
		require.NoError(t, s.SetAttributes(dn, map[string]string{
			"displayName": "Signe Bakkevold", "mobile": "+47 924 56 789", "employeeNumber": "19850724",
		}))

		status, body := e.lookup(token)
		require.Equal(t, http.StatusOK, status, "%v", body)
		assert.Equal(t, "1985-07-24", body["birthDate"], "the meter's date of birth")
		assert.Equal(t, "+47 924 56 789", body["phone"], "the meter's phone number")
		assert.Equal(t, "Kari Nordmann", body["name"], "the link's name comes first")

		born, mobile := password(t)+"24.07.85", password(t)+"92456789"
		for _, pw := range []string{born, mobile} {
			require.True(t, policy.Evaluate(policy.Default(), policy.Input{Password: pw, Name: "Kari Nordmann"}).OK,
				"accepted without what the directory knows")
		}
		a := e.complete(token, born, "en")
		require.Equal(t, http.StatusUnprocessableEntity, a.Status, "%s", a.Body)
		assert.Equal(t, []string{policy.RuleBirthDate}, a.rules())
		a = e.complete(token, mobile, "en")
		require.Equal(t, http.StatusUnprocessableEntity, a.Status, "%s", a.Body)
		assert.Equal(t, []string{policy.RulePhone}, a.rules())
		assert.True(t, e.binds(dn, initial), "nothing was written")

		first := password(t)
		a = e.complete(token, first, "en")
		require.Equal(t, http.StatusOK, a.Status, "%s", a.Body)

		// The person's own change: after the current password, the
		// directory's date of birth is judged too.
		a = e.change(user, first, password(t)+"24071985")
		require.Equal(t, http.StatusUnprocessableEntity, a.Status, "%s", a.Body)
		assert.Equal(t, []string{policy.RuleBirthDate}, a.rules())
		assert.True(t, e.binds(dn, first), "nothing was written")

		// A reset after ID-porten (whose session has no phone number): the
		// page's meter gets the directory's, and the reset refuses it.
		c := e.resetSession(user)
		status, body = e.resetView(c)
		require.Equal(t, http.StatusOK, status, "%v", body)
		assert.Equal(t, "+47 924 56 789", body["phone"], "the meter's phone number")
		a = e.resetComplete(c, mobile)
		require.Equal(t, http.StatusUnprocessableEntity, a.Status, "%s", a.Body)
		assert.Equal(t, []string{policy.RulePhone}, a.rules())
		assert.True(t, e.binds(dn, first), "nothing was written")
		e.noSecrets(initial, first, born, mobile, "1985-07-24", "19850724", "924 56 789")
	})
}

// resetView asks for the reset session's account, as the reset page does.
func (e *env) resetView(c *http.Cookie) (status int, body map[string]any) {
	e.t.Helper()
	a := e.call("/api/reset/session", struct{}{}, c)
	return a.Status, a.object(e.t)
}

// TestAccountRules: an account under a password policy of its own in the
// directory (AD: a fine-grained one; OpenLDAP: its pwdPolicySubentry) gets
// that policy's rules beyond the institution's policy with the activation
// page's lookup and the reset page's session, for the page to list and
// check in place of the institution's (GET /api/directory/rules, the
// domain's or the default policy's): on OpenLDAP, whose service account
// may read it, its least length of 20; on AD, whose service account may
// not (by default only administrators may), that one applies and its rules
// are not known. An account without one gets none, and the page lists the
// institution's.
func TestAccountRules(t *testing.T) {
	both(t, func(t *testing.T, s *dirtest.Server) {
		e := newEnv(t, s, nil)
		_, plain := e.activation(newUsername())
		status, body := e.lookup(plain)
		require.Equal(t, http.StatusOK, status, "%v", body)
		assert.NotContains(t, body, "directoryRules", "no policy of its own")

		user := newUsername()
		dn, token := e.activation(user)
		attrs := map[string]string{"pwdMinLength": "20", "pwdInHistory": "12"}
		want := `{"institution":"default","known":true,"own":true,"kinds":0,"minLength":20,"history":12}`
		if s.Kind == dirtest.AD {
			attrs = map[string]string{"msDS-MinimumPasswordLength": "20", "msDS-PasswordHistoryLength": "12"}
			want = `{"institution":"default","known":false,"own":true,"kinds":0,"minLength":0,"history":0}`
		}
		_, err := s.AccountPolicy(dn, 0, 0, attrs)
		require.NoError(t, err)
		status, body = e.lookup(token)
		require.Equal(t, http.StatusOK, status, "%v", body)
		got, _ := json.Marshal(body["directoryRules"])
		assert.JSONEq(t, want, string(got), "the activation's lookup")

		status, body = e.resetView(e.resetSession(user))
		require.Equal(t, http.StatusOK, status, "%v", body)
		got, _ = json.Marshal(body["directoryRules"])
		assert.JSONEq(t, want, string(got), "the reset's session")
	})
}
