package meter_test

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
)

// fakeRange is a protocol-exact fake of the HIBP range API: GET
// /{mode}/range/{5 hex} answers uppercase 35-hex suffixes with counts,
// CRLF line ends and padding lines with count 0. Mode "ok" answers at once,
// "slow" never answers (until the client gives up), "bad" answers 200 with
// a body that is not the range format. It records every
// request path and whether Add-Padding was sent. CORS is open, as on the
// real API.
type fakeRange struct {
	*httptest.Server
	mu       sync.Mutex
	requests []string // "GET /ok/range/ABCDE padding=true"
	counts   map[string]int
}

func newFakeRange() *fakeRange {
	f := &fakeRange{counts: map[string]int{}}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// add makes the fake know password with count (0: a padding line that
// matches the password's suffix, which the client must ignore).
func (f *fakeRange) add(password string, count int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.counts[sha1Hex(password)] = count
}

func (f *fakeRange) take() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := f.requests
	f.requests = nil
	return r
}

func sha1Hex(s string) string {
	h := sha1.Sum([]byte(s))
	return strings.ToUpper(hex.EncodeToString(h[:]))
}

var rangePath = regexp.MustCompile(`^/(ok|slow|bad)/range/(.*)$`)

func (f *fakeRange) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Access-Control-Allow-Headers", "Add-Padding")
	if r.Method == http.MethodOptions {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	m := rangePath.FindStringSubmatch(r.URL.Path)
	f.mu.Lock()
	f.requests = append(f.requests, r.Method+" "+r.URL.Path+" padding="+r.Header.Get("Add-Padding"))
	f.mu.Unlock()
	if m == nil || r.Method != http.MethodGet {
		http.NotFound(w, r)
		return
	}
	switch m[1] {
	case "slow":
		<-r.Context().Done()
		return
	case "bad":
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body>Service temporarily unavailable</body></html>")
		return
	}
	prefix := m[2]
	var b strings.Builder
	f.mu.Lock()
	for h, n := range f.counts {
		if h[:5] == prefix {
			fmt.Fprintf(&b, "%s:%d\r\n", h[5:], n)
		}
	}
	f.mu.Unlock()
	for i := range 20 { // padding
		fmt.Fprintf(&b, "%035X:0\r\n", i+1)
	}
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprint(w, strings.TrimSuffix(b.String(), "\r\n"))
}
