package site_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/a-h/templ"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/site"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testAssets is a fixed asset map, so that snapshots do not change with the
// content of the assets.
var testAssets = site.AssetMap{
	"site.css":        {URL: "/assets/site.0000000000000001.css", Integrity: "sha384-css"},
	"icon.svg":        {URL: "/assets/icon.0000000000000002.svg", Integrity: "sha384-svg"},
	"toggle.js":       {URL: "/assets/toggle.0000000000000003.js", Integrity: "sha384-toggle"},
	"activate.js":     {URL: "/assets/activate.0000000000000004.js", Integrity: "sha384-activate"},
	"designer.js":     {URL: "/assets/designer.0000000000000005.js", Integrity: "sha384-designer"},
	"styrke-meter.js": {URL: "/assets/styrke-meter.0000000000000006.js", Integrity: "sha384-meter"},
	"batch.js":        {URL: "/assets/batch.0000000000000007.js", Integrity: "sha384-batch"},
	"langlinks.js":    {URL: "/assets/langlinks.0000000000000008.js", Integrity: "sha384-langlinks"},
	"embed.js":        {URL: "/assets/embed.000000000000000b.js", Integrity: "sha384-embed"},
	"wasm_exec.js":    {URL: "/assets/wasm_exec.0000000000000009.js", Integrity: "sha384-exec"},
	"styrke.wasm":     {URL: "/assets/styrke.000000000000000a.wasm", Integrity: "sha384-wasm"},
	"reset.js":        {URL: "/assets/reset.000000000000000b.js", Integrity: "sha384-reset"},
	"change.js":       {URL: "/assets/change.000000000000000c.js", Integrity: "sha384-change"},
	"form.js":         {URL: "/assets/form.000000000000000d.js", Integrity: "sha384-form"},
}

func mustPolicy(t *testing.T, id string) policy.Policy {
	t.Helper()
	p, err := policy.Lookup(id)
	require.NoError(t, err, "policy %s", id)
	return p
}

// snapshotPolicies are the institutions the snapshots show: a fixed list,
// so that adding an institution does not change every golden file.
var snapshotPolicies = []string{"default", "uio", "uit"}

func views(t *testing.T) []site.PolicyView {
	var out []site.PolicyView
	for _, id := range snapshotPolicies {
		out = append(out, site.NewPolicyView(mustPolicy(t, id)))
	}
	return out
}

func page(t *testing.T, id site.PageID, lang string) site.Page {
	return site.Page{ID: id, Lang: lang, Assets: testAssets, Policy: site.NewPolicyView(policy.Default())}
}

// render renders c, compares it with testdata/<name>/expected.html, and on a
// mismatch writes actual.html beside it for a reviewer to diff.
func render(t *testing.T, name string, c templ.Component) *html.Node {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, c.Render(context.Background(), &buf))
	// An asset a page names but the map lacks renders as an empty URL,
	// which a browser silently ignores.
	assert.NotContains(t, buf.String(), `src=""`, "case %s: a script or image without its asset", name)
	assert.NotContains(t, buf.String(), `href=""`, "case %s: a link without its asset", name)
	dir := filepath.Join("testdata", name)
	expected := filepath.Join(dir, "expected.html")
	actual := filepath.Join(dir, "actual.html")
	if *update {
		require.NoError(t, os.MkdirAll(dir, 0o755))
		require.NoError(t, os.WriteFile(expected, buf.Bytes(), 0o644))
	}
	want, err := os.ReadFile(expected)
	require.NoError(t, err, "golden file missing: run go test ./site -update")
	if !bytes.Equal(want, buf.Bytes()) {
		require.NoError(t, os.WriteFile(actual, buf.Bytes(), 0o644))
		t.Errorf("case %s: rendered HTML differs from %s; see %s", name, expected, actual)
	} else {
		os.Remove(actual)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	return doc
}

// find returns the elements whose data-testid is id.
func find(n *html.Node, id string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && attr(n, "data-testid") == id {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

// elements returns the elements named tag under n.
func elements(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == tag {
			out = append(out, n)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return out
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, name string) bool {
	for _, a := range n.Attr {
		if a.Key == name {
			return true
		}
	}
	return false
}

func text(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func one(t *testing.T, doc *html.Node, id string) *html.Node {
	t.Helper()
	nodes := find(doc, id)
	require.Len(t, nodes, 1, "data-testid=%q", id)
	return nodes[0]
}

func TestHomePage(t *testing.T) {
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			doc := render(t, "home-"+lang, site.HomePage(page(t, site.Home, lang)))
			def := policy.Default()
			assert.Equal(t, def.Version(), text(one(t, doc, "policy-version")))
			rules := text(one(t, doc, "rules-default"))
			assert.Contains(t, rules, site.Texts(lang).RuleLength(site.NewPolicyView(def)), "lang %s", lang)
			// The site is static and may run where the reset with ID-porten
			// is off: its tile promises ID-porten only where offered (it
			// said "Log in with ID-porten" whatever the forgot page said).
			tiles := text(one(t, doc, "home-links"))
			assert.Contains(t, tiles, map[string]string{"nb": "der institusjonen din tilbyr det", "nn": "der institusjonen din tilbyr det", "en": "where your institution offers it"}[lang])
			links := elements(one(t, doc, "lang-switch"), "a")
			require.Len(t, links, 3)
			for i, a := range links {
				assert.Equal(t, site.Path(site.Home, site.Languages[i]), attr(a, "href"))
				assert.Equal(t, site.Languages[i] == lang, hasAttr(a, "aria-current"), "link %d on %s page", i, lang)
			}
		})
	}
}

func TestActivatePage(t *testing.T) {
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			doc := render(t, "activate-"+lang, site.ActivatePage(site.ActivationPage{Page: page(t, site.Activate, lang), Policies: views(t)}))
			pw := one(t, doc, "new-password")
			assert.Equal(t, "new-password", attr(pw, "autocomplete"))
			assert.Equal(t, "password", attr(pw, "type"))
			assert.Equal(t, "minlength: 16; maxlength: 127;", attr(pw, "passwordrules"))
			// Described by the rules themselves (it named their heading
			// alone: "Passordet må oppfylle dette") and by the hint naming
			// characters the policy does not allow (said nowhere else), and
			// the hint naming the kinds the directory's rule lacks.
			assert.Equal(t, "rules-box not-allowed directory-hint", attr(pw, "aria-describedby"))
			assert.Equal(t, "rules-box", attr(one(t, doc, "rules-box"), "id"))
			assert.Equal(t, "not-allowed", attr(one(t, doc, "not-allowed"), "id"))
			assert.Equal(t, "directory-hint", attr(one(t, doc, "directory-hint"), "id"))
			assert.Equal(t, "username", attr(one(t, doc, "username"), "autocomplete"))
			assert.Equal(t, "new-password", attr(one(t, doc, "confirm-password"), "autocomplete"))
			assert.Equal(t, "new-password", attr(one(t, doc, "meter"), "for"))
			assert.False(t, hasAttr(one(t, doc, "toggle"), "aria-pressed"), "the label says the state")
			for _, state := range []string{"missing", "unknown", "expired", "used", "mismatch", "error", "done", "form"} {
				assert.True(t, hasAttr(one(t, doc, "state-"+state), "hidden"), "state %s starts hidden", state)
			}
			assert.False(t, hasAttr(one(t, doc, "state-loading"), "hidden"))
			for _, id := range snapshotPolicies {
				p := mustPolicy(t, id)
				rules := one(t, doc, "rules-"+id)
				assert.Contains(t, text(rules), site.Texts(lang).RuleScore(site.NewPolicyView(p)), "policy %s", id)
			}
			assert.NotContains(t, strings.ToLower(text(doc)), "hint", "no password hints")
		})
	}
}

func TestEmbedGuidePage(t *testing.T) {
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			p := site.EmbedPage{Page: page(t, site.Embed, lang), Origin: "https://styrke.example.org", Policies: views(t),
				Pinned: []site.PinnedAsset{{Name: "styrke-meter.js", Asset: testAssets["styrke-meter.js"]}}}
			doc := render(t, "embed-"+lang, site.EmbedGuidePage(p))
			// The two lines name the script at its name that never
			// changes (a rebuild broke pinned pages), async.
			snippet := text(one(t, doc, "snippet"))
			assert.Contains(t, snippet, `<script type="module" async src="https://styrke.example.org/meter/styrke-meter.js"></script>`)
			assert.Contains(t, snippet, `<styrke-meter for="password"`)
			// The breach check through Styrke's server: the lines as
			// printed sent every visitor's hash prefix, and address, to
			// Have I Been Pwned. No lang: it pinned a Nynorsk page to nb.
			assert.Contains(t, snippet, ` base="https://styrke.example.org/api/breach"`)
			assert.NotContains(t, snippet, `lang=`)
			pinned := text(one(t, doc, "pinned-snippet"))
			assert.Contains(t, pinned, `async src="https://styrke.example.org/assets/styrke-meter.0000000000000006.js" integrity="sha384-meter"`)
			preload := text(one(t, doc, "preload-snippet"))
			assert.Contains(t, preload, `<link rel="modulepreload" href="https://styrke.example.org/assets/wasm_exec.0000000000000009.js" integrity="sha384-exec" crossorigin="anonymous">`)
			assert.Contains(t, preload, `<link rel="preload" href="https://styrke.example.org/assets/styrke.000000000000000a.wasm" as="fetch" type="application/wasm" integrity="sha384-wasm" crossorigin="anonymous">`)
			assert.Contains(t, text(one(t, doc, "host-csp")), "'wasm-unsafe-eval'")
			assert.NotContains(t, text(one(t, doc, "host-csp")), "pwnedpasswords")
			// The sources by directive, for a host that has a policy: the
			// line appended to one gave it a second script-src, which the
			// browser ignores, and the page's own kept the meter out.
			var sources []string
			for _, tr := range elements(one(t, doc, "host-csp-sources"), "tr") {
				sources = append(sources, text(elements(tr, "th")[0])+" "+text(elements(tr, "td")[0]))
			}
			assert.Equal(t, []string{"script-src https://styrke.example.org 'wasm-unsafe-eval'", "connect-src https://styrke.example.org"}, sources)
			for _, a := range []string{"for", "policy", "lang", "username", "name", "birthdate", "phone", "username-input", "name-input", "base"} {
				assert.Contains(t, text(one(t, doc, "attributes")), a)
			}
			one(t, doc, "demo-meter")
		})
	}
}

func TestDesignerPage(t *testing.T) {
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			render(t, "designer-"+lang, site.PolicyDesignerPage(site.DesignerPage{Page: page(t, site.Designer, lang), Policies: views(t)}))
		})
	}
}

func TestNotFoundPage(t *testing.T) {
	doc := render(t, "notfound", site.NotFoundPage(page(t, site.Home, "nb")))
	assert.Contains(t, text(one(t, doc, "notfound-nb")), "forsiden")
	// Its own title, not the home page's (WCAG 2.4.2).
	titles := elements(doc, "title")
	require.Len(t, titles, 1)
	assert.Equal(t, "Fant ikke siden · Page not found · Styrke", text(titles[0]))
}

func TestPasswordRules(t *testing.T) {
	tests := []struct {
		name string
		edit func(*policy.Policy)
		want string
	}{
		{"default", func(*policy.Policy) {}, "minlength: 16; maxlength: 127;"},
		{"required classes", func(p *policy.Policy) { p.RequiredClasses = map[string]int{"digit": 1, "upper": 2} },
			"minlength: 16; maxlength: 127; required: upper; required: digit;"},
		{"whitelist with awkward extras", func(p *policy.Policy) {
			p.AllowedCharacters = &policy.AllowedCharacters{Classes: []string{"lower", "digit"}, Extra: "]-!æ "}
		}, "minlength: 16; maxlength: 127; allowed: digit, lower, [-! ]];"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := policy.Default()
			tt.edit(&p)
			assert.Equal(t, tt.want, site.PasswordRules(p))
		})
	}
}

func TestPath(t *testing.T) {
	tests := []struct {
		id   site.PageID
		lang string
		want string
	}{
		{site.Activate, "nb", "/aktiver/"},
		{site.Activate, "nn", "/nn/aktiver/"},
		{site.Activate, "en", "/en/activate/"},
		{site.Home, "xx", "/"},
		{site.Designer, "en", "/en/designer/"},
	}
	for _, tt := range tests {
		t.Run(tt.want+"/"+tt.lang, func(t *testing.T) {
			assert.Equal(t, tt.want, site.Path(tt.id, tt.lang))
		})
	}
}

// TestRuleLabelsComplete: every rule code has its own label in every
// language (a rule without one is shown by its code).
func TestRuleLabelsComplete(t *testing.T) {
	for _, lang := range site.Languages {
		seen := map[string]string{}
		for _, rule := range policy.Rules {
			l := site.Texts(lang).RuleLabel(rule)
			assert.NotEqual(t, rule, l, "%s: rule %s has no label", lang, rule)
			assert.Empty(t, seen[l], "%s: rules %s and %s share the label %q", lang, seen[l], rule, l)
			seen[l] = rule
		}
	}
}

// TestTextsComplete: every text of every language is written (a field left
// out of one language's table renders as an empty string, silently).
func TestTextsComplete(t *testing.T) {
	for _, lang := range site.Languages {
		v := reflect.ValueOf(site.Texts(lang))
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.IsExported() && f.Type.Kind() == reflect.String {
				assert.NotEmpty(t, v.Field(i).String(), "%s: Text.%s", lang, f.Name)
			}
		}
	}
}

// TestMainNavLinksEveryTask: the main menu links the tasks a person comes
// for, a new account, a forgotten password and a change, before the pages
// for IT staff, in the home page's order, and marks the page itself
// current. On the pages of those tasks it is in the footer, out of the way
// on a phone (the task comes first, issue 14), elsewhere in the header.
func TestMainNavLinksEveryTask(t *testing.T) {
	want := []site.PageID{site.Activate, site.Reset, site.Change, site.Embed, site.Designer}
	for _, lang := range site.Languages {
		for _, tc := range []struct {
			id  site.PageID
			doc func() templ.Component
		}{
			{site.Home, func() templ.Component { return site.HomePage(page(t, site.Home, lang)) }},
			{site.Reset, func() templ.Component {
				return site.ForgotPage(site.ResetPage{Page: page(t, site.Reset, lang), Policies: views(t)})
			}},
			{site.Change, func() templ.Component {
				return site.ChangePasswordPage(site.ChangePage{Page: page(t, site.Change, lang), Policies: views(t)})
			}},
			{site.Activate, func() templ.Component {
				return site.ActivatePage(site.ActivationPage{Page: page(t, site.Activate, lang), Policies: views(t)})
			}},
		} {
			var buf bytes.Buffer
			require.NoError(t, tc.doc().Render(context.Background(), &buf))
			doc, err := html.Parse(&buf)
			require.NoError(t, err)
			nav := one(t, doc, "main-nav")
			where := "header"
			if tc.id != site.Home {
				where = "footer"
			}
			assert.Equal(t, where, nav.Parent.Data, "page %d, %s: the menu's place", tc.id, lang)
			links := elements(nav, "a")
			require.Len(t, links, len(want), "page %d, %s", tc.id, lang)
			for i, a := range links {
				assert.Equal(t, site.Path(want[i], lang), attr(a, "href"), "page %d, %s: link %d", tc.id, lang, i)
				assert.Equal(t, want[i] == tc.id, attr(a, "aria-current") == "page", "page %d, %s: link %d", tc.id, lang, i)
			}
		}
	}
}

// TestPrivacyLink: with the institution's privacy statement given to the
// build, every page's footer links it in the page's language; without, no
// link. The pages that take a password and an identity said nowhere who
// processes what (GDPR art. 13).
func TestPrivacyLink(t *testing.T) {
	want := map[string]string{"nb": "Personvernerklæring", "nn": "Personvernerklæring", "en": "Privacy statement"}
	for _, lang := range site.Languages {
		p := page(t, site.Home, lang)
		p.PrivacyURL = "https://www.uio.no/om/personvern/"
		var buf bytes.Buffer
		require.NoError(t, site.HomePage(p).Render(context.Background(), &buf))
		doc, err := html.Parse(&buf)
		require.NoError(t, err)
		a := one(t, doc, "privacy")
		assert.Equal(t, want[lang], text(a))
		assert.Contains(t, attr(a, "href"), "https://www.uio.no/om/personvern/")
		buf.Reset()
		require.NoError(t, site.HomePage(page(t, site.Home, lang)).Render(context.Background(), &buf))
		doc, err = html.Parse(&buf)
		require.NoError(t, err)
		assert.Empty(t, find(doc, "privacy"))
	}
}

// TestMeterProbesMeterPath: the meter tells a Styrke server that refuses the
// page's origin from one that is down behind a proxy by asking for the
// script at MeterPath, readable from any origin (fetchRange in
// wasm/styrke-meter.js); it names the path as a literal of its own.
func TestMeterProbesMeterPath(t *testing.T) {
	js, err := os.ReadFile(filepath.Join("..", "wasm", "styrke-meter.js"))
	require.NoError(t, err)
	assert.Contains(t, string(js), `"`+site.MeterPath+`"`)
}
