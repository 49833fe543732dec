package server

import "net/http"

// routes is the one place every route is registered.
func (h *handler) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/healthz", get(h.healthz()))
	mux.Handle("/readyz", get(h.readyz()))
	mux.Handle("/api/admin/activations", h.api(post(h.createActivation())))
	mux.Handle("/api/activation/lookup", h.api(post(h.lookup())))
	mux.Handle("/api/activation/complete", h.api(post(h.complete())))
	mux.Handle("/api/validate", h.cors(h.api(post(h.validate()))))
	mux.Handle("/api/", h.api(notFound()))
	if h.Site != nil {
		mux.Handle("/", h.Site)
	} else {
		mux.Handle("/", apiHeaders(notFound()))
	}
	return h.requestID(h.logging(mux))
}
