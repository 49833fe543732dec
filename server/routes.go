package server

import "net/http"

// routes is the one place every route is registered.
func (h *handler) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/healthz", get(h.healthz()))
	mux.Handle("/readyz", get(h.readyz()))
	mux.Handle("/api/admin/activations", h.api(h.admin(h.adminActivations())))
	mux.Handle("/api/admin/activations/revoke", h.api(h.admin(post(h.adminRevoke()))))
	mux.Handle("/api/admin/activations/resend", h.api(h.admin(post(h.adminResend()))))
	mux.Handle("/api/admin/activations/import", h.api(h.admin(post(h.adminImport()))))
	mux.Handle("/api/admin/audit", h.api(h.admin(get(h.adminAudit()))))
	mux.Handle("/api/activation/lookup", h.api(post(h.lookup())))
	mux.Handle("/api/activation/complete", h.api(post(h.complete())))
	mux.Handle("/api/validate", h.cors(h.api(post(h.validate()))))
	mux.Handle("/api/", h.api(notFound()))
	if h.Site != nil {
		mux.Handle("/", h.Site)
	} else {
		mux.Handle("/", apiHeaders(notFound()))
	}
	return h.requestID(h.instrument(h.logging(mux)))
}
