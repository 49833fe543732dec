package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/styrke-iam/styrke/policy"
)

// parseLoginURLs reads --login-url: a comma-separated list of URL (every
// institution) or INSTITUTION=URL (that institution's, before the one for
// every institution), where people log in with the password Styrke set.
// Each URL must be an absolute http(s) URL without credentials, each
// institution one of the server's, none given twice.
func parseLoginURLs(s string) (map[string]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	out := map[string]string{}
	for _, item := range strings.Split(s, ",") {
		item = strings.TrimSpace(item)
		inst, raw := "", item
		if i := strings.Index(item, "="); i > 0 && !strings.Contains(item[:i], "/") {
			inst, raw = item[:i], item[i+1:]
			if !slices.Contains(policy.Institutions(), inst) {
				return nil, fmt.Errorf("--login-url: unknown institution %q (%s)", inst, strings.Join(policy.Institutions(), ", "))
			}
		}
		u, err := url.Parse(raw)
		switch {
		case raw == "":
			return nil, fmt.Errorf("--login-url: an empty URL")
		case err != nil:
			return nil, fmt.Errorf("--login-url: %q is not a URL", raw)
		case u.Scheme != "https" && u.Scheme != "http":
			return nil, fmt.Errorf("--login-url: want an http:// or https:// URL, got scheme %q", u.Scheme)
		case u.Host == "":
			return nil, fmt.Errorf("--login-url: %q has no host", raw)
		case u.User != nil:
			return nil, fmt.Errorf("--login-url: no credentials in the URL")
		}
		if _, dup := out[inst]; dup {
			name := inst
			if name == "" {
				name = "every institution"
			}
			return nil, fmt.Errorf("--login-url: two URLs for %s", name)
		}
		out[inst] = u.String()
	}
	return out, nil
}
