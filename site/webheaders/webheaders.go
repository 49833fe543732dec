// Package webheaders is the one definition of the HTTP response headers of
// the static site: the Content-Security-Policy, HSTS and the other security
// headers, the caching of fingerprinted assets and of HTML, and the
// WebAssembly content type.
//
// The build writes these rules to dist/_headers in Netlify's format
// ([Rules.Netlify]); a Go server serving dist/ reads that file back with
// [ParseNetlify] and applies it with [Rules.Handler], so Netlify and
// `styrke serve` send the same bytes.
//
// Matching follows Netlify: a rule's path is either exact ("/aktiver/") or
// ends in "*" and matches every path with that prefix ("/assets/*"). Every
// matching rule applies, in order. The rules made by [ForSite] never set one
// header name in two rules that can match the same path, so the merge order
// never matters.
package webheaders

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// ContentSecurityPolicy is the site's CSP: nothing inline, scripts and styles
// only from the site itself, WebAssembly allowed to compile, and fetches only
// to the site (the API) and the breach range API.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// StrictTransportSecurity keeps browsers on HTTPS for two years.
const StrictTransportSecurity = "max-age=63072000; includeSubDomains"

// Cache-Control values.
const (
	// CacheImmutable is for fingerprinted assets: their name changes with
	// their content.
	CacheImmutable = "public, max-age=31536000, immutable"
	// CacheRevalidate is for HTML and other files whose URL is stable: the
	// browser may keep them but asks every time whether they changed.
	CacheRevalidate = "no-cache"
)

// AssetPrefix is the URL folder of every fingerprinted asset.
const AssetPrefix = "/assets/"

// Header is one response header.
type Header struct {
	Name  string
	Value string
}

// Rule is a path pattern and the headers of every response whose path it
// matches.
type Rule struct {
	// Path is exact, or a prefix followed by "*".
	Path    string
	Headers []Header
}

// Rules are applied in order; every matching rule adds its headers.
type Rules []Rule

// Security returns the headers that every response of the site carries.
func Security() []Header {
	return []Header{
		{"Content-Security-Policy", ContentSecurityPolicy},
		{"Strict-Transport-Security", StrictTransportSecurity},
		{"X-Content-Type-Options", "nosniff"},
		{"Referrer-Policy", "no-referrer"},
		{"Cross-Origin-Opener-Policy", "same-origin"},
		{"Permissions-Policy", "camera=(), microphone=(), geolocation=()"},
	}
}

// Site is what ForSite needs to know about a built site.
type Site struct {
	// Pages are the URL paths of the HTML pages, such as "/" and
	// "/en/activate/". Each gets a rule for the folder form and one for
	// its index.html.
	Pages []string
	// Stable are the URL paths of other files with stable names (policy
	// JSON, the manifest): revalidated on every use.
	Stable []string
	// Shared are stable files other origins load (the meter's script at
	// its name that never changes): revalidated on every use, and readable
	// cross-origin as the assets are.
	Shared []string
	// Wasm are the URL paths of WebAssembly modules.
	Wasm []string
}

// ForSite returns the rules of a built site: [Security] on every path;
// assets under [AssetPrefix] cached for a year as immutable and readable
// cross-origin (institutions embed the meter from this site); pages and
// stable files revalidated; WebAssembly served as application/wasm.
// Paths are sorted, so equal sites give equal rules.
func ForSite(s Site) Rules {
	rules := Rules{
		{Path: "/*", Headers: Security()},
		{Path: AssetPrefix + "*", Headers: []Header{
			{"Cache-Control", CacheImmutable},
			{"Access-Control-Allow-Origin", "*"},
			{"Cross-Origin-Resource-Policy", "cross-origin"},
		}},
	}
	var stable []string
	for _, p := range s.Pages {
		stable = append(stable, p)
		if strings.HasSuffix(p, "/") {
			stable = append(stable, p+"index.html")
		}
	}
	stable = append(stable, s.Stable...)
	sort.Strings(stable)
	for _, p := range stable {
		rules = append(rules, Rule{Path: p, Headers: []Header{{"Cache-Control", CacheRevalidate}}})
	}
	shared := append([]string(nil), s.Shared...)
	sort.Strings(shared)
	for _, p := range shared {
		rules = append(rules, Rule{Path: p, Headers: []Header{
			{"Cache-Control", CacheRevalidate},
			{"Access-Control-Allow-Origin", "*"},
			{"Cross-Origin-Resource-Policy", "cross-origin"},
		}})
	}
	wasm := append([]string(nil), s.Wasm...)
	sort.Strings(wasm)
	for _, p := range wasm {
		rules = append(rules, Rule{Path: p, Headers: []Header{{"Content-Type", "application/wasm"}}})
	}
	return rules
}

// Match returns the headers of every rule matching path, in rule order.
func (r Rules) Match(path string) []Header {
	var out []Header
	for _, rule := range r {
		if match(rule.Path, path) {
			out = append(out, rule.Headers...)
		}
	}
	return out
}

func match(pattern, path string) bool {
	if prefix, ok := strings.CutSuffix(pattern, "*"); ok {
		return strings.HasPrefix(path, prefix)
	}
	return pattern == path
}

// Netlify returns the rules in the format of Netlify's _headers file: each
// path on its own line, its headers indented below it.
func (r Rules) Netlify() []byte {
	var b bytes.Buffer
	b.WriteString("# Generated by `go run ./build` from package site/webheaders. Do not edit.\n")
	for _, rule := range r {
		b.WriteString(rule.Path)
		b.WriteByte('\n')
		for _, h := range rule.Headers {
			fmt.Fprintf(&b, "  %s: %s\n", h.Name, h.Value)
		}
	}
	return b.Bytes()
}

// ParseNetlify reads a _headers file as written by [Rules.Netlify]: comment
// lines start with "#", a path line starts with "/", and each header line is
// indented and holds "Name: value".
func ParseNetlify(data []byte) (Rules, error) {
	var rules Rules
	sc := bufio.NewScanner(bytes.NewReader(data))
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		trimmed := strings.TrimSpace(text)
		switch {
		case trimmed == "" || strings.HasPrefix(trimmed, "#"):
		case strings.HasPrefix(text, "/"):
			rules = append(rules, Rule{Path: trimmed})
		case text[0] == ' ' || text[0] == '\t':
			name, value, ok := strings.Cut(trimmed, ":")
			if !ok || len(rules) == 0 || strings.TrimSpace(name) == "" {
				return nil, fmt.Errorf("_headers line %d: want an indented \"Name: value\" after a path", line)
			}
			last := &rules[len(rules)-1]
			last.Headers = append(last.Headers, Header{strings.TrimSpace(name), strings.TrimSpace(value)})
		default:
			return nil, fmt.Errorf("_headers line %d: want a path starting with \"/\" or an indented header", line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("_headers: %w", err)
	}
	return rules, nil
}

// Handler sets the headers of every rule matching the request's path, then
// calls next. A header set by several matching rules keeps the last value.
func (r Rules) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		h := w.Header()
		for _, hd := range r.Match(req.URL.Path) {
			h.Set(hd.Name, hd.Value)
		}
		next.ServeHTTP(w, req)
	})
}
