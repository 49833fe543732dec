package server

import "net/http"

// routes is the one place every route is registered.
func (h *handler) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/healthz", h.probe(get(h.healthz())))
	mux.Handle("/readyz", h.probe(get(h.readyz())))
	mux.Handle("/api/admin/activations", h.api(h.requireAdmin(h.adminActivations())))
	mux.Handle("/api/admin/activations/revoke", h.api(h.requireAdmin(post(h.adminRevoke()))))
	mux.Handle("/api/admin/activations/resend", h.api(h.requireAdmin(post(h.adminResend()))))
	mux.Handle("/api/admin/activations/import", h.api(h.requireAdmin(post(h.adminImport()))))
	mux.Handle("/api/admin/welcome", h.api(h.requireAdmin(post(h.adminWelcome()))))
	mux.Handle("/api/admin/audit", h.api(h.requireAdmin(get(h.adminAudit()))))
	mux.Handle("/api/admin/expiring", h.api(h.requireAdmin(get(h.adminExpiring()))))
	mux.Handle("/api/activation/lookup", h.api(post(h.lookup())))
	mux.Handle("/api/activation/complete", h.api(post(h.complete())))
	mux.Handle("/api/activation/code", h.api(post(h.resendCode())))
	mux.Handle("/api/directory/rules", h.api(get(h.directoryRules())))
	mux.Handle("/api/validate", h.cors(h.api(post(h.validate()))))
	mux.Handle("/api/breach/range/{prefix}", h.cors(h.api(get(h.breachRange()))))
	mux.Handle("GET /.well-known/change-password", http.RedirectHandler(ChangePaths["nb"], http.StatusFound))
	mux.Handle("GET /auth/idporten/start", h.idportenStart())
	mux.Handle("GET "+h.IDPortenCallback, h.idportenCallback())
	mux.Handle("GET /auth/idporten/logout", h.idportenLogout())
	mux.Handle("GET "+LoggedOutPath, h.idportenLoggedOut())
	mux.Handle("/api/reset/config", h.api(get(h.resetConfig())))
	mux.Handle("/api/reset/session", h.api(post(h.resetSession())))
	mux.Handle("/api/reset/complete", h.api(post(h.resetComplete())))
	mux.Handle("/api/reset/extend", h.api(post(h.resetExtend())))
	mux.Handle("/api/reset/end", h.api(post(h.resetEnd())))
	mux.Handle("/api/change", h.api(post(h.change())))
	mux.Handle("/api/admin/identities", h.api(h.requireAdmin(post(h.importIdentities()))))
	mux.Handle("/api/admin/accounts/forget", h.api(h.requireAdmin(post(h.adminForget()))))
	mux.Handle("/api/", h.api(notFound()))
	if h.Site != nil {
		mux.Handle("/", h.Site)
	} else {
		mux.Handle("/", apiHeaders(notFound()))
	}
	return h.requestID(h.instrument(h.logging(mux)))
}
