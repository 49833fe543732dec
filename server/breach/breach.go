// Package breach asks a Have I Been Pwned style range API how often a
// password has been seen in breaches, by k-anonymity: only the first five hex
// digits of the password's SHA-1 leave the process.
package breach

import (
	"bufio"
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// DefaultURL is the public range API.
const DefaultURL = "https://api.pwnedpasswords.com"

// ErrUnavailable wraps every failure to get an answer: timeout, refused
// connection, a non-200 status or a malformed body.
var ErrUnavailable = errors.New("breach: service unavailable")

// Client looks up passwords in the range API. The zero value is not usable;
// make one with New. A Client is safe for concurrent use.
type Client struct {
	base string
	http *http.Client
	ttl  time.Duration
	max  int
	now  func() time.Time

	mu       sync.Mutex
	cache    map[string]entry
	inflight map[string]*flight // prefixes being fetched now
}

// flight is one range request that every concurrent asker of its prefix
// waits for.
type flight struct {
	done     chan struct{}
	suffixes map[string]int
	err      error
}

type entry struct {
	suffixes map[string]int
	expires  time.Time
}

// Options configures New. Zero fields take their defaults.
type Options struct {
	// Timeout bounds one range request; default 2 s.
	Timeout time.Duration
	// CacheTTL is how long a prefix's answer is reused; default 5 minutes.
	CacheTTL time.Duration
	// CacheSize is how many prefixes are kept; default 1024. When full,
	// expired answers go first, then arbitrary ones down to three quarters,
	// so a full cache never makes every next request a miss.
	CacheSize int
	// Transport, if set, replaces http.DefaultTransport.
	Transport http.RoundTripper
}

// New returns a client for the range API at baseURL (DefaultURL when empty).
func New(baseURL string, o Options) *Client {
	if baseURL == "" {
		baseURL = DefaultURL
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Second
	}
	if o.CacheTTL <= 0 {
		o.CacheTTL = 5 * time.Minute
	}
	if o.CacheSize <= 0 {
		o.CacheSize = 1024
	}
	return &Client{
		base:     strings.TrimRight(baseURL, "/"),
		http:     &http.Client{Timeout: o.Timeout, Transport: o.Transport},
		ttl:      o.CacheTTL,
		max:      o.CacheSize,
		now:      time.Now,
		cache:    map[string]entry{},
		inflight: map[string]*flight{},
	}
}

// Count returns how often password was seen in breaches (0 if never). Its
// errors wrap ErrUnavailable and never contain the password or its hash.
func (c *Client) Count(ctx context.Context, password string) (int, error) {
	prefix, suffix := split(password)
	suffixes, err := c.rangeOf(ctx, prefix)
	if err != nil {
		return 0, err
	}
	return suffixes[suffix], nil
}

// Cached returns how often password was seen in breaches when the answer for
// its prefix is in the cache and fresh, without any request; ok is false
// otherwise.
func (c *Client) Cached(password string) (count int, ok bool) {
	prefix, suffix := split(password)
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.cache[prefix]
	if !ok || !c.now().Before(e.expires) {
		return 0, false
	}
	return e.suffixes[suffix], true
}

// Range returns the suffixes (upper case) and counts the range API holds
// for prefix, five hex digits (ErrPrefix otherwise), from the cache when
// it is fresh; what Styrke's own range endpoint passes on, so that a
// person's browser need not ask the third party itself.
func (c *Client) Range(ctx context.Context, prefix string) (map[string]int, error) {
	if !IsPrefix(prefix) {
		return nil, ErrPrefix
	}
	return c.rangeOf(ctx, strings.ToUpper(prefix))
}

// HasRange reports whether the answer for prefix is in the cache and fresh
// (Range then asks no one).
func (c *Client) HasRange(prefix string) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.cache[strings.ToUpper(prefix)]
	return ok && c.now().Before(e.expires)
}

// ErrPrefix: a range prefix is not five hex digits.
var ErrPrefix = errors.New("breach: the prefix is not five hex digits")

// IsPrefix reports whether s is a range prefix: five hex digits.
func IsPrefix(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// split returns the upper-case hex SHA-1 of password as prefix and suffix.
func split(password string) (prefix, suffix string) {
	sum := sha1.Sum([]byte(password))
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	return h[:5], h[5:]
}

func (c *Client) rangeOf(ctx context.Context, prefix string) (map[string]int, error) {
	now := c.now()
	c.mu.Lock()
	if e, ok := c.cache[prefix]; ok && now.Before(e.expires) {
		c.mu.Unlock()
		return e.suffixes, nil
	}
	// One request per prefix at a time: concurrent askers (a popular
	// password submitted by many at once) share it. It runs detached from
	// any one caller's cancellation, bounded by the client's timeout.
	f, ok := c.inflight[prefix]
	if !ok {
		f = &flight{done: make(chan struct{})}
		c.inflight[prefix] = f
		go c.fly(context.WithoutCancel(ctx), prefix, f, now)
	}
	c.mu.Unlock()
	select {
	case <-f.done:
		return f.suffixes, f.err
	case <-ctx.Done():
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, ctx.Err())
	}
}

// fly fetches prefix for f, caches a success and releases the waiters.
func (c *Client) fly(ctx context.Context, prefix string, f *flight, now time.Time) {
	f.suffixes, f.err = c.fetch(ctx, prefix)
	c.mu.Lock()
	if f.err == nil {
		if len(c.cache) >= c.max {
			c.evict(now)
		}
		c.cache[prefix] = entry{suffixes: f.suffixes, expires: now.Add(c.ttl)}
	}
	delete(c.inflight, prefix)
	c.mu.Unlock()
	close(f.done)
}

// evict makes room in a full cache (c.mu held): expired entries first, then
// arbitrary ones (map order) until it is three quarters full.
func (c *Client) evict(now time.Time) {
	for k, e := range c.cache {
		if !now.Before(e.expires) {
			delete(c.cache, k)
		}
	}
	for k := range c.cache {
		if len(c.cache) < c.max*3/4+1 {
			break
		}
		delete(c.cache, k)
	}
}

func (c *Client) fetch(ctx context.Context, prefix string) (map[string]int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/range/"+prefix, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	req.Header.Set("Add-Padding", "true")
	req.Header.Set("User-Agent", "styrke")
	resp, err := c.http.Do(req)
	if err != nil {
		// The cause (refused, timed out, TLS) without the request's URL,
		// whose path is the password's hash prefix.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("%w: range request failed: %v", ErrUnavailable, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: status %d", ErrUnavailable, resp.StatusCode)
	}
	suffixes, err := Parse(bufio.NewScanner(resp.Body))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnavailable, err)
	}
	return suffixes, nil
}

// ErrMalformed: a range answer line is not SUFFIX:COUNT.
var ErrMalformed = errors.New("breach: malformed range answer")

// Parse reads a range answer: lines of a 35-hex-digit suffix, a colon and a
// count, separated by CRLF or LF. Suffixes are returned in upper case;
// count-0 (padding) lines are left out. Any other line is ErrMalformed.
func Parse(sc *bufio.Scanner) (map[string]int, error) {
	out := map[string]int{}
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			continue
		}
		suf, cnt, ok := strings.Cut(line, ":")
		if !ok || len(suf) != 35 {
			return nil, fmt.Errorf("%w: line %d", ErrMalformed, n)
		}
		if _, err := hex.DecodeString("0" + suf); err != nil {
			return nil, fmt.Errorf("%w: line %d", ErrMalformed, n)
		}
		count, err := strconv.Atoi(strings.TrimSpace(cnt))
		if err != nil || count < 0 {
			return nil, fmt.Errorf("%w: line %d", ErrMalformed, n)
		}
		if count == 0 {
			continue
		}
		out[strings.ToUpper(suf)] += count
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	return out, nil
}
