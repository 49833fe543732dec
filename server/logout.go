package server

import (
	"net/http"
	"strings"
)

// LoggedOutPath is where ID-porten's logout sends the browser back to,
// unless Deps.IDPortenPostLogout says otherwise.
const LoggedOutPath = "/auth/idporten/logged-out"

// idportenLogout is GET /auth/idporten/logout?lang=: it ends this
// browser's reset sessions here and sends it to ID-porten's logout, which
// ends the single sign-on session there (the person's other services
// signed in with ID-porten on the same browser: on a shared computer the
// next person reached them) and sends it back to LoggedOutPath. Digdir asks
// clients to offer it.
func (h *handler) idportenLogout() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang := pageLang(r.URL.Query().Get("lang"))
		// Only from the pages themselves: a link on another site would end
		// the person's reset and their ID-porten sign-in behind their back.
		// Another host of the same site (another of the institution's
		// sites, a person's home page under its domain) is another site
		// here: the Lax cookie goes with its requests, an image's too. A
		// browser that sends no Sec-Fetch-Site (Safari before 16.4) is let
		// through: the pages' own link says nothing there either.
		switch r.Header.Get("Sec-Fetch-Site") {
		case "cross-site", "same-site":
			resetRedirect(w, r, lang, "")
			return
		}
		if !h.idportenOn() {
			h.resetRefused(w, r, lang, resetOff, nil)
			return
		}
		if err := h.endResets(r, resetTokens(r), nil); err != nil {
			h.Logger.ErrorContext(r.Context(), "logout: end the reset sessions", "id", RequestID(r.Context()), "err", err)
		}
		setCookie(w, resetCookie, "", 0)
		u, err := h.IDPorten.LogoutURL(r.Context(), h.IDPortenPostLogout, lang+"."+randomToken()[:16])
		if err != nil {
			h.resetRefused(w, r, lang, resetUnavailable, err)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Referrer-Policy", "no-referrer")
		http.Redirect(w, r, u, http.StatusSeeOther)
	})
}

// idportenLoggedOut is LoggedOutPath: ID-porten's logout is done; the reset
// page says so in the language the state carries.
func (h *handler) idportenLoggedOut() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lang, _, _ := strings.Cut(r.URL.Query().Get("state"), ".")
		resetRedirect(w, r, pageLang(lang), "signedout")
	})
}
