package server_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/oidc"
)

// TestIDPortenLogout: after a reset, GET /auth/idporten/logout ends the
// browser's reset sessions here and sends it to ID-porten's logout with
// this client's id and the registered address to come back to (no ID
// token: it would put the identity number in a URL); ID-porten ends its
// sign-in and comes back, and the reset page says so in the language the
// person used. There was no logout: on a shared computer the next person
// reached the first one's services signed in with ID-porten.
func TestIDPortenLogout(t *testing.T) {
	e := newResetEnv(t, func(d *server.Deps) { d.IDPortenPostLogout = opPostLogout })
	e.importCSV(t, accounts)
	b := op.NewBrowser()
	loc, login := e.start(t, "lang=en")
	cb, err := b.Login(loc, pidOla, oidc.LevelSubstantial)
	require.NoError(t, err)
	res, _ := e.callback(t, cb.Query(), login)
	c := cookie(res, "__Host-styrke-reset")
	require.NotNil(t, c)

	loc, _ = e.start(t, "lang=en")
	in, err := b.SignedIn(loc)
	require.NoError(t, err)
	require.True(t, in, "the provider's sign-in outlasts the reset")

	res, _ = e.req(t, http.MethodGet, "/auth/idporten/logout?lang=en", "", "", c)
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	out := cookie(res, "__Host-styrke-reset")
	require.NotNil(t, out)
	assert.Equal(t, -1, out.MaxAge, "the reset cookie is cleared")
	res2, _ := e.postJSON(t, "/api/reset/session", struct{}{}, c)
	assert.Equal(t, http.StatusGone, res2.StatusCode, "the session here is ended")

	to, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, opClient, to.Query().Get("client_id"))
	assert.Equal(t, opPostLogout, to.Query().Get("post_logout_redirect_uri"))
	assert.Empty(t, to.Query().Get("id_token_hint"))
	assert.NotContains(t, to.String(), pidOla)

	back, err := b.Logout(to.String())
	require.NoError(t, err)
	assert.Equal(t, opPostLogout, back.Scheme+"://"+back.Host+back.Path)
	res, _ = e.req(t, http.MethodGet, server.LoggedOutPath+"?"+back.RawQuery, "", "")
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Equal(t, "/en/forgot/#/signedout", res.Header.Get("Location"))
	// The provider's sign-in is over: a new one shows its login page.
	loc, _ = e.start(t, "lang=en")
	in, err = b.SignedIn(loc)
	require.NoError(t, err)
	assert.False(t, in)
}

// TestIDPortenLogoutOff: without ID-porten the logout says so on the
// reset page.
func TestIDPortenLogoutOff(t *testing.T) {
	var m *server.Metrics
	e := newResetEnv(t, func(d *server.Deps) { d.IDPorten = nil; m = server.NewMetrics(d.Store, nil); d.Metrics = m })
	res, _ := e.req(t, http.MethodGet, "/auth/idporten/logout?lang=nn", "", "")
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	assert.Equal(t, "/nn/gloymt/#/error/off", res.Header.Get("Location"))
	assert.Empty(t, signins(t, m), "a logout is no sign-in")
}

// TestIDPortenLogoutCrossSite: a link or an image on another site does not
// end the person's reset and ID-porten sign-in: the logout is refused
// unless the browser says it comes from the pages themselves (or says
// nothing). A page of another host of the same site (another of the
// institution's sites, a person's home page under its domain) is another
// site too: the reset cookie (SameSite=Lax) goes with any request from it,
// an image's included, and Sec-Fetch-Site same-site ended the reset.
func TestIDPortenLogoutCrossSite(t *testing.T) {
	for _, site := range []string{"cross-site", "same-site"} {
		t.Run(site, func(t *testing.T) {
			e := newResetEnv(t, func(d *server.Deps) { d.IDPortenPostLogout = opPostLogout })
			e.importCSV(t, accounts)
			c := e.signIn(t, pidOla)
			req, err := http.NewRequest(http.MethodGet, e.srv.URL+"/auth/idporten/logout?lang=en", nil)
			require.NoError(t, err)
			req.AddCookie(c)
			req.Header.Set("Sec-Fetch-Site", site)
			res, err := e.client.Do(req)
			require.NoError(t, err)
			res.Body.Close()
			require.Equal(t, http.StatusSeeOther, res.StatusCode)
			assert.Equal(t, "/en/forgot/#/", res.Header.Get("Location"), "Sec-Fetch-Site %s", site)
			assert.Nil(t, cookie(res, "__Host-styrke-reset"), "Sec-Fetch-Site %s: the cookie is left alone", site)
			res2, body := e.postJSON(t, "/api/reset/session", struct{}{}, c)
			assert.Equal(t, http.StatusOK, res2.StatusCode, "Sec-Fetch-Site %s: the reset goes on: %s", site, body)
		})
	}
}
