package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/oidc"
	"github.com/styrke-iam/styrke/server/store"
)

// TestServedInstitutions: an installation that serves uio alone
// (--institutions uio) refuses every other institution, naming the field:
// on the change page (a person Styrke knows nothing of chose the weakest
// built-in policy there, and the directory took the password), and in the
// desk's links and imports. A change that names none is uio's. The pages
// learn the list from /api/reset/config.
func TestServedInstitutions(t *testing.T) {
	e := newDeskEnv(t, func(d *server.Deps) { d.Institutions = []string{"uio"} })

	resp, body := e.do(t, http.MethodPost, "/api/change", "application/json",
		`{"username":"lise","institution":"default","current":"Start-Lise-2026-xyz","password":"Xq!vB#mz&Kp@w-Fjell-Lyng-9"}`)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"fields":["institution"]`)
	resp, body = e.do(t, http.MethodPost, "/api/change", "application/json",
		`{"username":"lise","current":"Start-Lise-2026-xyz","password":"Xq!vB#mz&Kp@w-Fjell-Lyng-9"}`)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "no institution: uio's, and lise is unknown: %s", body)

	resp, body = e.do(t, http.MethodGet, "/api/reset/config", "", "")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var cfg struct{ Institutions []string }
	require.NoError(t, json.Unmarshal(body, &cfg))
	assert.Equal(t, []string{"uio"}, cfg.Institutions)

	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations", map[string]string{"username": "kari", "institution": "default"}, deskKey)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"fields":["institution"]`)
	assert.Contains(t, string(body), "not one this installation serves")
	resp, body = e.admin(t, http.MethodPost, "/api/admin/activations", map[string]string{"username": "kari", "institution": "uio"}, deskKey)
	assert.Equal(t, http.StatusCreated, resp.StatusCode, "%s", body)

	rep := e.importCSV(t, "partial=true&deliver=false", "username,institution\nola,uio\nper,default\n", http.StatusOK)
	assert.Equal(t, 1, rep.Created)
	require.Len(t, rep.Errors, 1)
	assert.Equal(t, server.RowError{Line: 3, Field: "institution", Reason: "institution is not one this installation serves (--institutions: uio)"}, rep.Errors[0])
	assert.False(t, strings.Contains(e.logs.String(), "Start-Lise-2026-xyz"))
}

// TestServedInstitutionsReset: the reset's start refuses an institution
// not served here, the identity import refuses its lines, and a sign-in
// is not offered an account of it imported before --institutions was set.
func TestServedInstitutionsReset(t *testing.T) {
	e := newResetEnv(t, func(d *server.Deps) { d.Institutions = []string{"uio"} })
	// Kari's account at default, imported before --institutions was set.
	require.NoError(t, e.st.PutIdentities(t.Context(), []store.AccountIdentity{
		{Institution: "default", Username: "kari", Name: "Kari", IdentityHash: mustHash(t, pidKari), UpdatedAt: time.Now()}}))
	loc, login := e.start(t, "lang=en")
	cb, err := op.NewBrowser().Login(loc, pidKari, oidc.LevelSubstantial)
	require.NoError(t, err)
	_, to := e.callback(t, cb.Query(), login)
	assert.Equal(t, "/en/forgot/#/error/nomatch", to, "no account served here")

	res, body := adminPost(t, e.srv.URL+"/api/admin/identities", "text/csv", "ola,Ola,default,"+pidOla+"\n")
	require.Equal(t, http.StatusBadRequest, res.StatusCode, "%s", body)
	assert.Contains(t, string(body), `"field":"institution","problem":"is not a known institution, or not one this installation serves"`)
	res, _ = e.req(t, http.MethodGet, "/auth/idporten/start?institution=default", "", "")
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Contains(t, res.Header.Get("Location"), "#/error/failed")
}

// TestResetConfigErrorLogged: an ID-porten client the provider refuses
// (a redirect URI it does not know) is an error in the log with the
// provider's words, not a warning with its code alone; the person is told
// the service is unavailable.
func TestResetConfigErrorLogged(t *testing.T) {
	e := newResetEnv(t, func(d *server.Deps) {
		c, err := oidc.New(oidc.Config{Issuer: op.Issuer(), ClientID: opClient, ClientSecret: opSecret,
			RedirectURL: "https://wrong.example/auth/idporten/callback", PAR: true})
		require.NoError(t, err)
		d.IDPorten = c
	})
	res, _ := e.req(t, http.MethodGet, "/auth/idporten/start?lang=en", "", "")
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Equal(t, "/en/forgot/#/error/unavailable", res.Header.Get("Location"))
	logs := e.logs.String()
	assert.Contains(t, logs, "level=ERROR")
	assert.Contains(t, logs, "the ID-porten client's configuration")
	assert.Contains(t, logs, "redirect_uri")
}
