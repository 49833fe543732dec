package server

import (
	"bufio"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"regexp"
	"strings"
	"sync"
	"time"
)

// MinAdminKeyLen is the shortest admin key accepted (characters).
const MinAdminKeyLen = 32

// AdminKey is one named bearer key of the admin API; the name goes into
// the audit log as "admin:NAME".
type AdminKey struct {
	Name string
	Key  string
}

// ErrAdminKeys: an admin key or the keys file is not acceptable.
var ErrAdminKeys = errors.New("server: bad admin keys")

var keyName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// CheckAdminKey refuses a key shorter than MinAdminKeyLen or with
// whitespace. The error names the key by its name, never shows it.
func CheckAdminKey(k AdminKey) error {
	if !keyName.MatchString(k.Name) {
		return fmt.Errorf("%w: name %q must be 1-64 letters, digits, . _ @ -", ErrAdminKeys, k.Name)
	}
	if n := len([]rune(k.Key)); n < MinAdminKeyLen {
		return fmt.Errorf("%w: key %q is %d characters; at least %d are required", ErrAdminKeys, k.Name, n, MinAdminKeyLen)
	}
	if strings.ContainsFunc(k.Key, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return fmt.Errorf("%w: key %q contains whitespace or control characters", ErrAdminKeys, k.Name)
	}
	return nil
}

// ParseAdminKeys reads an admin keys file: one "name key" a line, blank
// lines and lines starting with # ignored. Every key is checked with
// CheckAdminKey; names and keys must be unique. Errors name the line
// number and the key's name, never a key.
func ParseAdminKeys(r io.Reader) ([]AdminKey, error) {
	var keys []AdminKey
	names, values := map[string]bool{}, map[string]bool{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("%w: line %d: want \"name key\", got %d fields", ErrAdminKeys, n, len(f))
		}
		k := AdminKey{Name: f[0], Key: f[1]}
		if err := CheckAdminKey(k); err != nil {
			return nil, fmt.Errorf("line %d: %w", n, err)
		}
		if names[k.Name] {
			return nil, fmt.Errorf("%w: line %d: name %q appears twice", ErrAdminKeys, n, k.Name)
		}
		if values[k.Key] {
			return nil, fmt.Errorf("%w: line %d: key %q is the same as an earlier one", ErrAdminKeys, n, k.Name)
		}
		names[k.Name], values[k.Key] = true, true
		keys = append(keys, k)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrAdminKeys, err)
	}
	return keys, nil
}

// adminKeys are the keys the handler accepts, as SHA-256 digests (so that
// comparing takes the same time whatever a key's length).
type adminKeys []struct {
	name   string
	digest [32]byte
}

func newAdminKeys(d Deps) adminKeys {
	var ks adminKeys
	add := func(name, key string) {
		if key == "" {
			return
		}
		ks = append(ks, struct {
			name   string
			digest [32]byte
		}{name, sha256.Sum256([]byte(key))})
	}
	add("admin", d.AdminKey)
	for _, k := range d.AdminKeys {
		add(k.Name, k.Key)
	}
	return ks
}

// match returns the name of the key given, comparing with every key in
// constant time.
func (ks adminKeys) match(key string) (string, bool) {
	got := sha256.Sum256([]byte(key))
	name, ok := "", false
	for _, k := range ks {
		if subtle.ConstantTimeCompare(got[:], k.digest[:]) == 1 {
			name, ok = k.name, true
		}
	}
	return name, ok
}

type actorKey struct{}

// Actor returns who acts in ctx: "admin:NAME" inside an admin route, else
// "".
func Actor(ctx context.Context) string {
	a, _ := ctx.Value(actorKey{}).(string)
	return a
}

// requireAdmin guards an admin route: a bearer key from the configured
// ones, whose name becomes the request's Actor.
func (h *handler) requireAdmin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := h.adminName(w, r)
		if !ok {
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), actorKey{}, "admin:"+name)))
	})
}

// adminName checks the bearer admin key against every configured key and
// returns its name, or answers 401 and returns false.
//
// The scheme is "Bearer" in any case of its letters (RFC 9110), as some
// tools send it ("bearer KEY" was refused as a wrong key). The answer says
// which of a missing header, one without the scheme, or a wrong key it
// was, and never quotes what was sent.
func (h *handler) adminName(w http.ResponseWriter, r *http.Request) (string, bool) {
	auth := strings.TrimSpace(r.Header.Get("Authorization"))
	scheme, key, _ := strings.Cut(auth, " ")
	bearer := strings.EqualFold(scheme, "Bearer")
	name, found := "", false
	if keys := h.adminKeys(); bearer && len(keys) > 0 {
		name, found = keys.match(strings.TrimSpace(key))
	}
	if !found {
		h.Logger.WarnContext(r.Context(), "admin key refused", "id", RequestID(r.Context()), "addr", h.clientAddr(r))
		w.Header().Set("WWW-Authenticate", `Bearer realm="styrke"`)
		msg := "admin key wrong (or removed from the admin keys file)"
		switch {
		case auth == "":
			msg = "no admin key: send it as 'Authorization: Bearer KEY'"
		case !bearer:
			msg = "the Authorization header must be 'Bearer' and the admin key ('Authorization: Bearer KEY')"
		}
		writeError(w, errorf(CodeUnauthorized, msg))
		return "", false
	}
	return name, true
}

// keysFile reads Deps.AdminKeysFile again when it changed (its size or
// time, looked at once a second at most): a key added or revoked took a
// restart, so a leaked key kept working until one. A file that cannot be
// read or holds no valid key keeps the keys in use, and says so.
type keysFile struct {
	mu      sync.Mutex
	keys    adminKeys
	checked time.Time
	size    int64
	mod     time.Time
}

// adminKeys returns the keys in use, read again from the file if it
// changed.
func (h *handler) adminKeys() adminKeys {
	f := &h.keyFile
	f.mu.Lock()
	defer f.mu.Unlock()
	if h.AdminKeysFile == "" || time.Since(f.checked) < time.Second {
		return f.keys
	}
	f.checked = time.Now()
	fi, err := os.Stat(h.AdminKeysFile)
	if err != nil {
		h.Logger.Error("admin keys file: the keys in use stay", "err", err)
		return f.keys
	}
	if fi.Size() == f.size && fi.ModTime().Equal(f.mod) {
		return f.keys
	}
	file, err := os.Open(h.AdminKeysFile)
	if err != nil {
		h.Logger.Error("admin keys file: the keys in use stay", "err", err)
		return f.keys
	}
	defer file.Close()
	keys, err := ParseAdminKeys(file)
	if err == nil && len(keys) == 0 {
		err = errors.New("no keys")
	}
	if err != nil {
		h.Logger.Error("admin keys file: the keys in use stay", "path", h.AdminKeysFile, "err", err)
		return f.keys
	}
	d := h.Deps
	d.AdminKeys = keys
	f.keys, f.size, f.mod = newAdminKeys(d), fi.Size(), fi.ModTime()
	h.Logger.Info("admin keys read again", "path", h.AdminKeysFile, "keys", len(keys))
	return f.keys
}
