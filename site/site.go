// Package site holds the pages of the static site as templ components:
// pure functions from view models to HTML. It does no IO; the build program
// (package build) fills the view models, renders every page in every
// language, and fingerprints the files under assets/.
//
// Regenerate the *_templ.go files with `go tool templ generate` (or
// `make generate`) after editing a .templ file; they are committed.
package site

import (
	"embed"
	"sort"
	"strconv"
	"strings"

	"github.com/styrke-iam/styrke/policy"
)

// Assets holds the page assets (CSS, page JavaScript, SVG) that the build
// minifies and fingerprints, under the folder "assets".
//
//go:embed assets
var Assets embed.FS

// Languages are the languages of every page, the default first.
var Languages = []string{"nb", "nn", "en"}

// PageID names one page; each exists in every language.
type PageID int

// The pages.
const (
	Home PageID = iota
	Activate
	Embed
	Designer
	// Reset is the forgotten-password page (ID-porten).
	Reset
	// Change is the change-password page (the current password).
	Change
)

// MeterPath is the meter's script at a name that never changes (the build
// writes it beside the fingerprinted one, naming the same module), for
// host pages that embed it: revalidated on every use.
const MeterPath = "/meter/styrke-meter.js"

// BreachBase is where the pages' meter asks the breach range API: this
// server's own /api/breach/range/{prefix} (server.breachRange), which asks
// the breach service for it, so a person's browser sends nothing to a
// third party. The CSP's connect-src is 'self' alone.
const BreachBase = "/api/breach"

// Pages lists every page.
var Pages = []PageID{Home, Activate, Embed, Designer, Reset, Change}

var paths = map[PageID][3]string{
	Home:     {"/", "/nn/", "/en/"},
	Activate: {"/aktiver/", "/nn/aktiver/", "/en/activate/"},
	Embed:    {"/embed/", "/nn/embed/", "/en/embed/"},
	Designer: {"/designer/", "/nn/designer/", "/en/designer/"},
	Reset:    {"/glemt/", "/nn/gloymt/", "/en/forgot/"},
	Change:   {"/endre/", "/nn/endre/", "/en/change/"},
}

func langIndex(lang string) int {
	switch lang {
	case "nn":
		return 1
	case "en":
		return 2
	}
	return 0
}

// Path returns the URL path of page id in lang ("nb" for any unknown
// language). Every path ends in "/"; the file is path + "index.html".
func Path(id PageID, lang string) string { return paths[id][langIndex(lang)] }

// Asset is one fingerprinted file as pages reference it.
type Asset struct {
	// URL is the path (or absolute URL) of the fingerprinted file.
	URL string
	// Integrity is its Subresource Integrity value, "sha384-...".
	Integrity string
}

// AssetMap maps a logical asset name ("site.css", "activate.js",
// "styrke-meter.js") to its fingerprinted form.
type AssetMap map[string]Asset

// Get returns the asset named name; the zero Asset when there is none (the
// build's tests catch an empty reference).
func (m AssetMap) Get(name string) Asset { return m[name] }

// PolicyView is what pages show of one policy. Every number a page states
// about a policy comes from here, never from a literal.
type PolicyView struct {
	ID              string
	Name            string
	Version         string
	MinLength       int
	MaxLength       int
	Threshold       float64
	HistorySize     int
	BreachThreshold int
	// PasswordRules is the value of the passwordrules attribute, in the
	// syntax of Apple's Password Manager Resources.
	PasswordRules string
	// BreachCheck is the policy's breachCheck ("prefer" or "require").
	BreachCheck string
	// AllowedClasses and AllowedExtra are the character whitelist; both
	// zero when the policy has none.
	AllowedClasses []string
	AllowedExtra   string
	// RequiredClasses is the least number of characters of each class.
	RequiredClasses map[string]int
}

// NewPolicyView returns the view of p.
func NewPolicyView(p policy.Policy) PolicyView {
	v := PolicyView{
		ID:              p.ID,
		Name:            p.Name,
		Version:         p.Version(),
		MinLength:       p.MinLength,
		MaxLength:       p.MaxLength,
		Threshold:       p.Threshold,
		HistorySize:     p.HistorySize,
		BreachThreshold: p.BreachThreshold,
		PasswordRules:   PasswordRules(p),
		BreachCheck:     p.BreachCheck,
		RequiredClasses: p.RequiredClasses,
	}
	if a := p.AllowedCharacters; a != nil {
		v.AllowedClasses = append([]string{}, a.Classes...)
		v.AllowedExtra = a.Extra
	}
	return v
}

// PasswordRules derives the passwordrules attribute from p: its lengths, the
// classes it requires and, when it has a whitelist, the allowed characters.
func PasswordRules(p policy.Policy) string {
	var parts []string
	parts = append(parts, "minlength: "+strconv.Itoa(p.MinLength), "maxlength: "+strconv.Itoa(p.MaxLength))
	for _, class := range []string{policy.Upper, policy.Lower, policy.Digit, policy.Special} {
		if p.RequiredClasses[class] > 0 {
			parts = append(parts, "required: "+class)
		}
	}
	if a := p.AllowedCharacters; a != nil {
		allowed := append([]string(nil), a.Classes...)
		sort.Strings(allowed)
		if set := bracketSet(a.Extra); set != "" {
			allowed = append(allowed, set)
		}
		if len(allowed) > 0 {
			parts = append(parts, "allowed: "+strings.Join(allowed, ", "))
		}
	}
	return strings.Join(parts, "; ") + ";"
}

// bracketSet writes the ASCII characters of extra as a passwordrules
// character class: "-" first and "]" last as the syntax requires; other
// characters are left out (the syntax only knows ASCII).
func bracketSet(extra string) string {
	var dash, close bool
	var b strings.Builder
	seen := map[rune]bool{}
	for _, r := range extra {
		if r < 0x20 || r > 0x7e || seen[r] {
			continue
		}
		seen[r] = true
		switch r {
		case '-':
			dash = true
		case ']':
			close = true
		default:
			b.WriteRune(r)
		}
	}
	s := b.String()
	if dash {
		s = "-" + s
	}
	if close {
		s += "]"
	}
	if s == "" {
		return ""
	}
	return "[" + s + "]"
}

// Page is what every page needs.
type Page struct {
	ID     PageID
	Lang   string
	Assets AssetMap
	// Policy is the default policy; its version is on every page.
	Policy PolicyView
	// Title, when set, is the page's title instead of its ID's (the 404
	// page's: it had the home page's).
	Title string
	// PrivacyURL is the institution's privacy statement
	// (personvernerklæring), linked from every page's footer; "" links
	// none. GDPR art. 13: the pages that take a person's password and
	// identity say who processes what, and where that is written.
	PrivacyURL string
}

// ActivationPage is the page opened from an activation link.
type ActivationPage struct {
	Page
	// Policies are every built-in policy: the page shows the rules of the
	// one the server names, and checks its version.
	Policies []PolicyView
}

// EmbedPage is the guide for institutions embedding the meter.
type EmbedPage struct {
	Page
	// Origin is the site's origin ("https://styrke.example"), or "" when
	// unknown at build time: snippets then show root-relative URLs.
	Origin string
	// Policies are the built-in policies, whose ids the policy attribute
	// takes.
	Policies []PolicyView
	// Pinned lists the meter's versioned asset URLs.
	Pinned []PinnedAsset
}

// PinnedAsset is a fingerprinted file an institution may pin.
type PinnedAsset struct {
	Name string
	Asset
}

// DesignerPage is the policy designer.
type DesignerPage struct {
	Page
	// Policies are the built-in policies the designer can start from.
	Policies []PolicyView
}
