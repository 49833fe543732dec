package server

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/styrke-iam/styrke/site/webheaders"
)

// Static serves a built site from dir: index.html for folders, the
// precompressed .br or .gz beside a file when Accept-Encoding allows it,
// the headers of dir/_headers (Netlify's format) when present (else the
// site's security headers), HTML as no-cache, and dir/404.html (or a JSON
// 404) for anything missing. It fails if dir is not a readable folder or
// _headers is malformed.
func Static(dir string) (http.Handler, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("site %s: %w", dir, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("site %s: not a directory", dir)
	}
	rules := webheaders.Rules{{Path: "/*", Headers: webheaders.Security()}}
	if data, err := os.ReadFile(filepath.Join(dir, "_headers")); err == nil {
		if rules, err = webheaders.ParseNetlify(data); err != nil {
			return nil, fmt.Errorf("site %s: _headers: %w", dir, err)
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("site %s: %w", dir, err)
	}
	s := &static{root: os.DirFS(dir)}
	return rules.Handler(noStoreErrors(s)), nil
}

// noStoreErrors makes every error answer (status 400 and up) Cache-Control:
// no-store, whatever the path's rules set: a 404 under /assets/ during a
// deploy must not be cached as immutable for a year.
func noStoreErrors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&errorCacheWriter{ResponseWriter: w}, r)
	})
}

type errorCacheWriter struct {
	http.ResponseWriter
	wrote bool
}

func (e *errorCacheWriter) WriteHeader(code int) {
	if !e.wrote && code >= 400 {
		e.Header().Set("Cache-Control", "no-store")
	}
	e.wrote = true
	e.ResponseWriter.WriteHeader(code)
}

func (e *errorCacheWriter) Write(b []byte) (int, error) {
	e.wrote = true
	return e.ResponseWriter.Write(b)
}

func (e *errorCacheWriter) Unwrap() http.ResponseWriter { return e.ResponseWriter }

type static struct{ root fs.FS }

func (s *static) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		apiHeaders(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeError(w, errorf(CodeMethodNotAllowed, "method not allowed"))
		})).ServeHTTP(w, r)
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+r.URL.Path), "/")
	if strings.HasSuffix(r.URL.Path, "/") || name == "" {
		name = path.Join(name, "index.html")
	}
	if name == "_headers" {
		s.notFound(w, r)
		return
	}
	if fi, err := fs.Stat(s.root, name); err == nil && fi.IsDir() {
		// The target is built from the cleaned name, never from the request:
		// a decoded path such as "//evil.example/../en" would otherwise
		// become a protocol-relative Location on another host.
		target := (&url.URL{Path: "/" + name + "/"}).EscapedPath()
		w.Header().Set("Location", target)
		w.WriteHeader(http.StatusMovedPermanently)
		return
	}
	if !s.serveFile(w, r, name, http.StatusOK) {
		s.notFound(w, r)
	}
}

func (s *static) notFound(w http.ResponseWriter, r *http.Request) {
	if s.serveFile(w, r, "404.html", http.StatusNotFound) {
		return
	}
	apiHeaders(notFound()).ServeHTTP(w, r)
}

// serveFile sends name (or its precompressed variant) with status; false if
// there is no such file.
func (s *static) serveFile(w http.ResponseWriter, r *http.Request, name string, status int) bool {
	fi, err := fs.Stat(s.root, name)
	if err != nil || fi.IsDir() {
		return false
	}
	h := w.Header()
	ctype := mime.TypeByExtension(path.Ext(name))
	if path.Ext(name) == ".wasm" {
		ctype = "application/wasm"
	}
	if ctype != "" && h.Get("Content-Type") == "" {
		h.Set("Content-Type", ctype)
	}
	if strings.HasPrefix(ctype, "text/html") && h.Get("Cache-Control") == "" {
		h.Set("Cache-Control", "no-cache")
	}
	h.Add("Vary", "Accept-Encoding")
	serve := name
	accept := r.Header.Get("Accept-Encoding")
	for _, enc := range []struct{ token, ext string }{{"br", ".br"}, {"gzip", ".gz"}} {
		if !acceptsEncoding(accept, enc.token) {
			continue
		}
		if vi, err := fs.Stat(s.root, name+enc.ext); err == nil && !vi.IsDir() {
			serve = name + enc.ext
			h.Set("Content-Encoding", enc.token)
			break
		}
	}
	f, err := s.root.Open(serve)
	if err != nil {
		return false
	}
	defer f.Close()
	vi, err := f.Stat()
	if err != nil {
		return false
	}
	if status != http.StatusOK {
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			if rs, ok := f.(interface {
				Read([]byte) (int, error)
			}); ok {
				buf := make([]byte, 32<<10)
				for {
					n, err := rs.Read(buf)
					w.Write(buf[:n])
					if err != nil {
						break
					}
				}
			}
		}
		return true
	}
	rsk, ok := f.(interface {
		Read([]byte) (int, error)
		Seek(int64, int) (int64, error)
	})
	if !ok {
		return false
	}
	// A revalidated file (a page, the meter's script at its name that
	// never changes) gets an ETag of its content: Last-Modified alone kept a
	// stale copy when a deploy kept the file's time. Fingerprinted assets
	// are immutable and need none.
	if h.Get("Cache-Control") == webheaders.CacheRevalidate && h.Get("ETag") == "" {
		sum := sha256.New()
		if _, err := io.Copy(sum, rsk); err == nil {
			if _, err := rsk.Seek(0, io.SeekStart); err != nil {
				return false
			}
			h.Set("ETag", `"`+hex.EncodeToString(sum.Sum(nil)[:16])+`"`)
		}
	}
	http.ServeContent(w, r, name, vi.ModTime(), rsk)
	return true
}

// acceptsEncoding reports whether the Accept-Encoding header allows token
// (present and not q=0).
func acceptsEncoding(header, token string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), token) {
			continue
		}
		p := strings.ReplaceAll(params, " ", "")
		return p != "q=0" && p != "q=0.0" && p != "q=0.00" && p != "q=0.000"
	}
	return false
}
