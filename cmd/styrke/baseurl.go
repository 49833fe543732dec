package main

import (
	"fmt"
	"net"
	"net/url"
	"strings"
)

// defaultAddr is where styrke serve listens without --addr/STYRKE_ADDR.
const defaultAddr = "127.0.0.1:8080"

// addrURL is the public URL a server listening on addr has when no
// --base-url is given: http://ADDR, with an unspecified host (":8080",
// "0.0.0.0:8080", "[::]:8080") named localhost. styrke serve and the
// activation commands both use it, so that a link printed by the CLI opens
// the server that the same environment configures.
func addrURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// checkOrigins reports the first of a comma-separated list of origins that
// is no origin (scheme://host[:port], as a browser's Origin header says
// it): an origin is matched exactly, so "https://a.example/" never
// matched.
func checkOrigins(list string) error {
	for o := range strings.SplitSeq(list, ",") {
		if o = strings.TrimSpace(o); o == "" {
			continue
		}
		u, err := url.Parse(o)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.ForceQuery || o != u.Scheme+"://"+u.Host {
			return fmt.Errorf("--origins: %q is no origin; want scheme://host[:port], such as https://www.uit.no", o)
		}
	}
	return nil
}

// checkBaseURL reports why s cannot be the site's public URL (links are
// built by appending a path to it): it must be an absolute http or https
// URL with a host and without a path, a query or a fragment.
func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil:
		return fmt.Errorf("--base-url: not a URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return fmt.Errorf("--base-url: want an http:// or https:// URL, got scheme %q", u.Scheme)
	case u.Host == "":
		return fmt.Errorf("--base-url: no host")
	case u.User != nil:
		return fmt.Errorf("--base-url: no credentials in the URL (every link is built from it, and mailed)")
	case u.RawQuery != "" || u.Fragment != "" || u.ForceQuery:
		return fmt.Errorf("--base-url: no query or fragment allowed")
	case u.Path != "" && u.Path != "/":
		// The pages, their assets and the API are at the root of their
		// host: a link under a path led nowhere.
		return fmt.Errorf("--base-url: no path (%s): Styrke is served at the root of its own host, such as https://passord.uit.no", u.Path)
	}
	return nil
}
