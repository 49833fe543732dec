package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/server/breach"
)

// rangeSource is a Breacher that passes on whole ranges (breach.Client).
type rangeSource interface {
	Range(ctx context.Context, prefix string) (map[string]int, error)
	HasRange(prefix string) bool
}

// RangeLines is how many lines breachRange answers at least: the real
// suffixes, and made-up ones with count 0 up to it, so that the answer's
// length says nothing of the prefix (the range API pads as much when asked).
const RangeLines = 1000

// breachRange is GET /api/breach/range/{prefix}: the breach range API,
// answered by this server from the breach service it asks (--breach-url)
// and its cache. The pages' meter asks here, so a person's browser sends
// the five hex digits of the hash to the institution's own service, not
// its address and the time to a third party abroad. The answer is the
// range API's: "SUFFIX:COUNT" lines, padded to RangeLines. Every ask
// counts against the client's breach budget (/api/validate's), cached or
// not.
func (h *handler) breachRange() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		prefix := r.PathValue("prefix")
		if !breach.IsPrefix(prefix) {
			writeError(w, errorf(CodeInvalid, "prefix must be five hex digits", "prefix"))
			return
		}
		src, ok := h.Breach.(rangeSource)
		if !ok {
			writeError(w, errorf(CodeBreachUnavailable, "no breach service is configured here"))
			return
		}
		// Every ask spends the client's budget, cached or not: a 429 that
		// depended on the cache told whether someone had checked a
		// password of that prefix a moment ago.
		if h.lookups != nil {
			if wait, ok := h.lookups.allow(h.clientAddr(r)); !ok {
				writeError(w, &Error{Code: CodeRateLimited, Message: "too many breach lookups; try again later", Limit: LimitLookups, RetryAfter: wait})
				return
			}
		}
		suffixes, err := src.Range(r.Context(), prefix)
		if err != nil {
			// (The breach client's errors name the cause, never the URL,
			// whose path is the prefix.)
			h.Logger.WarnContext(r.Context(), "breach range unavailable", "id", RequestID(r.Context()), "err", err)
			writeError(w, &Error{Code: CodeBreachUnavailable, Message: "the breach service does not answer; try again shortly", RetryAfter: 10 * time.Second})
			return
		}
		lines := make([]string, 0, max(len(suffixes), RangeLines))
		for s, n := range suffixes {
			lines = append(lines, s+":"+strconv.Itoa(n))
		}
		var b [18]byte
		for len(lines) < RangeLines {
			rand.Read(b[:])
			fake := strings.ToUpper(hex.EncodeToString(b[:]))[:35]
			if _, real := suffixes[fake]; !real {
				lines = append(lines, fake+":0")
			}
		}
		slices.Sort(lines)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		for _, l := range lines {
			w.Write([]byte(l + "\r\n"))
		}
	})
}
