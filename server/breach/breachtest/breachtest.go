// Package breachtest is a protocol-exact local fake of the Have I Been Pwned
// range API for tests: GET /range/{5 upper-case hex digits} answers
// SUFFIX:COUNT lines joined by CRLF with 35-digit upper-case suffixes, and
// padding lines with count 0 when the request says Add-Padding: true. It can
// be switched to slow, down, failing (500) and malformed answers, and records
// which prefixes were asked.
package breachtest

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// Mode is how the fake answers.
type Mode int

// Modes for SetMode.
const (
	Normal    Mode = iota // the exact protocol
	Slow                  // waits Delay (default 5 s) or until the client gives up
	Down                  // the listener is closed: connections are refused
	Fail                  // 500 Internal Server Error
	Malformed             // 200 with a body that is not SUFFIX:COUNT lines
)

// TB is the part of testing.TB the fake uses.
type TB interface {
	Helper()
	Cleanup(func())
}

// Server is the fake range API.
type Server struct {
	srv *httptest.Server
	url string

	mu       sync.Mutex
	mode     Mode
	delay    time.Duration
	hashes   map[string]int // upper-case SHA-1 hex -> count
	requests []string
}

// New starts a fake on loopback and closes it when t's test ends.
func New(t TB) *Server {
	t.Helper()
	s := Start()
	t.Cleanup(s.Close)
	return s
}

// Start starts a fake on loopback outside a test (benchmarks, tools); the
// caller must Close it.
func Start() *Server {
	s := &Server{hashes: map[string]int{}, delay: 5 * time.Second}
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	s.url = s.srv.URL
	return s
}

// URL is the base URL to give the client (without /range/).
func (s *Server) URL() string { return s.url }

// Close stops the fake.
func (s *Server) Close() { s.srv.CloseClientConnections(); s.srv.Close() }

// Add records that password was seen count times in breaches.
func (s *Server) Add(password string, count int) {
	sum := sha1.Sum([]byte(password))
	s.AddHash(hex.EncodeToString(sum[:]), count)
}

// AddHash is Add given the password's SHA-1 in hex (either case).
func (s *Server) AddHash(sha1hex string, count int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hashes[strings.ToUpper(sha1hex)] = count
}

// SetMode switches how the fake answers from now on. Down closes the
// listener for good: its URL then refuses connections.
func (s *Server) SetMode(m Mode) {
	s.mu.Lock()
	s.mode = m
	s.mu.Unlock()
	if m == Down {
		s.srv.CloseClientConnections()
		s.srv.Listener.Close()
	}
}

// SetDelay sets how long Slow answers wait (default 5 s).
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	s.delay = d
	s.mu.Unlock()
}

// Requests returns the prefixes asked so far, in order.
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

var prefixRE = regexp.MustCompile(`^/range/([0-9A-F]{5})$`)

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	m := prefixRE.FindStringSubmatch(r.URL.Path)
	if r.Method != http.MethodGet || m == nil {
		http.Error(w, "The hash prefix was not in a valid format", http.StatusBadRequest)
		return
	}
	prefix := m[1]
	s.mu.Lock()
	s.requests = append(s.requests, prefix)
	mode, delay := s.mode, s.delay
	var lines []string
	for h, c := range s.hashes {
		if strings.HasPrefix(h, prefix) {
			lines = append(lines, fmt.Sprintf("%s:%d", h[5:], c))
		}
	}
	s.mu.Unlock()
	switch mode {
	case Slow:
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	case Fail:
		http.Error(w, "boom", http.StatusInternalServerError)
		return
	case Malformed:
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "<html>not a range answer</html>\r\n")
		return
	}
	if r.Header.Get("Add-Padding") == "true" {
		for i := 0; i < 3; i++ {
			sum := sha1.Sum([]byte(fmt.Sprintf("padding-%s-%d", prefix, i)))
			lines = append(lines, strings.ToUpper(hex.EncodeToString(sum[:]))[5:]+":0")
		}
	}
	sort.Strings(lines)
	w.Header().Set("Content-Type", "text/plain")
	fmt.Fprint(w, strings.Join(lines, "\r\n"))
}
