package site_test

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/site"
)

// designerTab opens the designer in lang at width px and waits for the
// rule engine and the default policy.
func designerTab(t *testing.T, lang string, width int64) *chrome.Tab {
	t.Helper()
	tb := env.browser.Tab(t)
	run(t, tb, chromedp.EmulateViewport(width, 900), chromedp.Navigate(env.server.URL+site.Path(site.Designer, lang)))
	chrome.Poll[bool](t, tb, `document.querySelector('[data-engine-loading]').hidden && document.querySelector('#f-minLength').value === '16'`)
	return tb
}

// designerBatch types pws into the batch's box, runs it and waits for the
// results.
func designerBatch(t *testing.T, tb *chrome.Tab, pws []string) {
	t.Helper()
	setValue(t, tb, "#batch-input", strings.Join(pws, "\n"))
	chrome.Eval[bool](t, tb, `(delete document.querySelector('[data-batch-results]').dataset.counts, document.querySelector('[data-batch-run]').click(), true)`)
	_, err := chrome.PollErr[bool](tb, `document.querySelector('[data-batch-results]').dataset.counts !== undefined && !document.querySelector('[data-batch-run]').disabled`, time.Minute)
	require.NoError(t, err, "the batch of %d did not finish", len(pws))
}

// leakWatch records every request the tab sends (URL and body) and every
// console message, to check that no password of the batch leaves the page.
type leakWatch struct {
	mu   sync.Mutex
	seen []string
}

func watchLeaks(t *testing.T, tb *chrome.Tab) *leakWatch {
	t.Helper()
	w := &leakWatch{}
	_, err := chromedp.Call(tb, network.Enable, network.EnableParams{})
	require.NoError(t, err)
	require.NoError(t, chromedp.Listen(tb, func(ev any) {
		var s string
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			s = e.Request.URL
			for _, p := range e.Request.PostDataEntries {
				s += " " + string(p.Bytes)
			}
		case *runtime.EventConsoleAPICalled:
			for _, a := range e.Args {
				s += " " + string(a.Value) + a.Description
			}
		}
		if s != "" {
			w.mu.Lock()
			w.seen = append(w.seen, s)
			w.mu.Unlock()
		}
	}))
	return w
}

// leaks returns how many recorded requests and console messages hold one
// of pws (never which: the test output holds no password).
func (w *leakWatch) leaks(pws []string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n := 0
	for _, s := range w.seen {
		for _, pw := range pws {
			if len(pw) >= 6 && strings.Contains(s, pw) {
				n++
				break
			}
		}
	}
	return n
}

// changedRow is one row of the designer's list of changed verdicts.
type changedRow struct {
	Line     int      `json:"line"`
	Password string   `json:"password"`
	Verdict  string   `json:"verdict"`
	Rules    []string `json:"rules"`
	Key      string   `json:"key"`
}

const readChanged = `[...document.querySelectorAll('[data-changed-list] tr')].map((tr) => ({
	line: Number(tr.dataset.line), password: tr.querySelector('code').textContent,
	verdict: tr.cells[2].textContent, rules: tr.dataset.rules.split(' ').filter(Boolean), key: tr.cells[3].textContent}))`

// wantChanged is what the list must hold for pws under cur and ed: by line,
// the verdicts and the rules failed under one policy and not the other.
func wantChanged(pws []string, cur, ed policy.Policy, lang string) map[int]changedRow {
	tx := site.Texts(lang)
	out := map[int]changedRow{}
	verdict := func(ok bool) string {
		if ok {
			return tx.DesPasses
		}
		return tx.DesFails
	}
	for i, pw := range pws {
		a := policy.Evaluate(cur, policy.Input{Password: pw, Lang: lang})
		b := policy.Evaluate(ed, policy.Input{Password: pw, Lang: lang})
		if a.OK == b.OK {
			continue
		}
		rules := func(r policy.Result) map[string]bool {
			m := map[string]bool{}
			for _, v := range r.Violations {
				m[v.Rule] = true
			}
			return m
		}
		ra, rb := rules(a), rules(b)
		var diff []string
		for _, r := range policy.Rules {
			if ra[r] != rb[r] {
				diff = append(diff, r)
			}
		}
		out[i+1] = changedRow{Line: i + 1, Verdict: verdict(a.OK) + " → " + verdict(b.OK), Rules: diff}
	}
	return out
}

// TestDesignerChangedVerdicts: the list of changed verdicts shows the
// passwords themselves (the designer's own lines), their verdicts and the
// rules that changed, in nb, nn and en; it sorts by rule and back by line
// with the keyboard (buttons in the column headings, with accessible names
// and aria-sort); and no password of the list is sent anywhere or logged.
// The old page listed line numbers only ("#12: accepted → rejected").
func TestDesignerChangedVerdicts(t *testing.T) {
	def := policy.Default()
	edited := def
	edited.MinLength = 12
	edited.Threshold = 30
	pws := batchPasswords(400)
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			tx := site.Texts(lang)
			tb := designerTab(t, lang, 1280)
			w := watchLeaks(t, tb)
			setValue(t, tb, "#f-minLength", "12")
			setValue(t, tb, "#f-threshold", "30")
			chrome.Poll[bool](t, tb, `document.querySelector('[data-problems] .ok') !== null`)
			designerBatch(t, tb, pws)

			want := wantChanged(pws, def, edited, lang)
			require.NotEmpty(t, want, "the list must make the edit matter")
			require.Less(t, len(want), 200, "every changed verdict is listed")
			rows := chrome.Eval[[]changedRow](t, tb, readChanged)
			require.Len(t, rows, len(want), "rows in the list")
			var lines, wrongPassword []int
			for _, r := range rows {
				lines = append(lines, r.Line)
				w, ok := want[r.Line]
				if !assert.True(t, ok, "line %d did not change verdict", r.Line) {
					continue
				}
				if r.Password != pws[r.Line-1] {
					wrongPassword = append(wrongPassword, r.Line) // the line number only: no password in test output
				}
				assert.Equal(t, w.Verdict, r.Verdict, "line %d", r.Line)
				assert.ElementsMatch(t, w.Rules, r.Rules, "line %d: the rules that changed", r.Line)
				var labels []string
				for _, rule := range w.Rules {
					labels = append(labels, tx.RuleLabel(rule))
				}
				for _, l := range labels {
					assert.Contains(t, r.Key, l, "line %d: the rule's name in %s", r.Line, lang)
				}
			}
			assert.Empty(t, wrongPassword, "lines whose shown password is not the line's")
			assert.True(t, slices.IsSorted(lines), "by line at first: %v", lines)
			assert.Equal(t, "ascending", chrome.Eval[string](t, tb, `document.querySelector('[data-sort-col=line]').getAttribute('aria-sort')`))

			// Sorting with the keyboard: Tab from the line's button to the
			// rule's, Enter sorts (groups) by rule.
			ruleButton := chrome.AX(t, tb, `document.querySelector('[data-testid=sort-rule]')`)
			assert.Equal(t, "button", ruleButton.Role)
			assert.Equal(t, tx.DesColRule(), ruleButton.Name, "the sort control's accessible name")
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=sort-line]').focus(), true)`)
			run(t, tb, chromedp.KeyEvent(kb.Tab))
			require.Equal(t, "sort-rule", chrome.Eval[string](t, tb, `document.activeElement.dataset.testid || ''`), "Tab reaches the rule's sort button")
			run(t, tb, chromedp.KeyEvent(kb.Enter))
			chrome.Poll[bool](t, tb, `document.querySelector('[data-sort-col=rule]').getAttribute('aria-sort') === 'ascending'`)
			assert.False(t, chrome.Eval[bool](t, tb, `document.querySelector('[data-sort-col=line]').hasAttribute('aria-sort')`))
			assert.Equal(t, tx.DesSortedByRule(), text(t, tb, "sort-status"))
			byRule := chrome.Eval[[]changedRow](t, tb, readChanged)
			require.Len(t, byRule, len(rows))
			var keys []string
			for i, r := range byRule {
				if i == 0 || r.Key != byRule[i-1].Key {
					assert.NotContains(t, keys, r.Key, "rows of one rule are together")
					keys = append(keys, r.Key)
				} else {
					assert.Less(t, byRule[i-1].Line, r.Line, "by line within a rule")
				}
			}
			assert.Greater(t, len(keys), 1, "the list has more than one rule to sort by")
			keysJSON, _ := json.Marshal(keys)
			assert.True(t, chrome.Eval[bool](t, tb, `(() => { const c = new Intl.Collator(document.documentElement.lang === 'en' ? 'en' : 'nb');
				const k = `+string(keysJSON)+`; return k.every((x, i) => i === 0 || c.compare(k[i - 1], x) <= 0); })()`), "rules in alphabetical order: %q", keys)

			// Enter again reverses; Space on the line's button goes back.
			run(t, tb, chromedp.KeyEvent(kb.Enter))
			chrome.Poll[bool](t, tb, `document.querySelector('[data-sort-col=rule]').getAttribute('aria-sort') === 'descending'`)
			run(t, tb, chromedp.KeyEvent(kb.Tab, chromedp.KeyModifiers(chromedp.ModifierShift)))
			require.Equal(t, "sort-line", chrome.Eval[string](t, tb, `document.activeElement.dataset.testid || ''`))
			run(t, tb, chromedp.KeyEvent(" "))
			chrome.Poll[bool](t, tb, `document.querySelector('[data-sort-col=line]').getAttribute('aria-sort') === 'ascending'`)
			assert.Equal(t, tx.DesSortedByLine(), text(t, tb, "sort-status"))
			assert.Equal(t, lines, func() []int {
				var l []int
				for _, r := range chrome.Eval[[]changedRow](t, tb, readChanged) {
					l = append(l, r.Line)
				}
				return l
			}())

			// The passwords are in the page and nowhere else.
			assert.Zero(t, w.leaks(pws), "requests or console messages holding a password of the list")
			assert.False(t, chrome.Eval[bool](t, tb, `(() => { const pws = new Set(`+jsonOf(pws)+`); return [...pws].some((p) => p.length >= 6 && decodeURIComponent(location.href).includes(p)); })()`),
				"a password in the page's address")
		})
	}
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// histLabels is what TestDesignerChartLabels reads of the histogram.
type histLabels struct {
	Labels   map[string][]string `json:"labels"` // data-label -> texts
	Overlaps []string            `json:"overlaps"`
	Outside  []string            `json:"outside"`
	AriaText string              `json:"aria"`
	MinPx    float64             `json:"minPx"`
	// MinHeight is the least height of a label set horizontally.
	MinHeight float64 `json:"minHeight"`
}

const readHist = `(() => {
	const svg = document.querySelector('[data-histogram] svg'), box = svg.getBoundingClientRect();
	const texts = [...svg.querySelectorAll('text')];
	const labels = {};
	for (const t of texts) (labels[t.dataset.label] ??= []).push(t.textContent);
	const rects = texts.map((t) => [t.dataset.label + ' ' + t.textContent, t.getBoundingClientRect()]);
	const overlaps = [], outside = [];
	for (let i = 0; i < rects.length; i++) {
		const [a, r] = rects[i];
		if (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5) outside.push(a);
		for (let j = i + 1; j < rects.length; j++) {
			const [b, s] = rects[j];
			if (r.left < s.right - 0.5 && s.left < r.right - 0.5 && r.top < s.bottom - 0.5 && s.top < r.bottom - 0.5) overlaps.push(a + ' / ' + b);
		}
	}
	return {labels, overlaps, outside, aria: svg.getAttribute('aria-label'),
		minPx: Math.min(...rects.map(([, r]) => Math.min(r.width, r.height))),
		minHeight: Math.min(...texts.filter((t) => !t.hasAttribute('transform')).map((t) => t.getBoundingClientRect().height))};
})()`

// TestDesignerChartLabels: the histogram's axes and threshold lines carry
// visible labels in the page's language (one label when the thresholds
// are equal), which neither overlap nor stick out of the drawing at 375
// and 1280 px, and its text alternative names the axes too. The old chart
// had a count at the top and numbers under the axis, nothing else.
func TestDesignerChartLabels(t *testing.T) {
	fmtNum := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	for _, tc := range []struct {
		lang      string
		width     int64
		threshold string // the edited policy's
	}{
		{"nb", 1280, "28"},
		{"nn", 375, "40"},
		{"en", 375, "32"},
		{"en", 1280, "20"},
	} {
		t.Run(tc.lang+"/"+strconv.FormatInt(tc.width, 10)+"/"+tc.threshold, func(t *testing.T) {
			tx := site.Texts(tc.lang)
			tb := designerTab(t, tc.lang, tc.width)
			setValue(t, tb, "#f-threshold", tc.threshold)
			chrome.Poll[bool](t, tb, `document.querySelector('[data-problems] .ok') !== null`)
			designerBatch(t, tb, batchPasswords(300))
			h := chrome.Eval[histLabels](t, tb, readHist)
			cur := strings.ReplaceAll(tx.DesThrCurrent(), "{n}", "32")
			if tc.threshold == "32" {
				assert.Equal(t, []string{strings.ReplaceAll(tx.DesThrBoth(), "{n}", "32")}, h.Labels["thr-cur"], "equal thresholds: one label")
				assert.Empty(t, h.Labels["thr-edit"])
			} else {
				th, _ := strconv.ParseFloat(tc.threshold, 64)
				assert.Equal(t, []string{cur}, h.Labels["thr-cur"])
				assert.Equal(t, []string{strings.ReplaceAll(tx.DesThrEdited(), "{n}", fmtNum(th))}, h.Labels["thr-edit"])
			}
			assert.Equal(t, []string{tx.DesAxisPoints()}, h.Labels["x-axis"], "the horizontal axis's title")
			assert.Equal(t, []string{tx.DesAxisCount()}, h.Labels["y-axis"], "the vertical axis's title")
			assert.Equal(t, []string{"0"}, h.Labels["y-zero"])
			assert.Contains(t, h.Labels["x-tick"], "0")
			assert.Empty(t, h.Overlaps, "labels that overlap")
			assert.Empty(t, h.Outside, "labels outside the drawing")
			assert.GreaterOrEqual(t, h.MinPx, 5.0, "every label has a size")
			assert.GreaterOrEqual(t, h.MinHeight, 11.0, "the smallest label's height, px")
			assert.True(t, strings.HasSuffix(h.AriaText, " "+tx.DesHistAxes()), "the text alternative names the axes: %q", h.AriaText)
			assert.Contains(t, h.AriaText, fmtNum(32), "the text alternative says the thresholds")
			// For review: the results as drawn, in e2e/screens/.
			screens := filepath.Join(env.root, "e2e", "screens")
			require.NoError(t, os.MkdirAll(screens, 0o755))
			png, err := chromedp.Run(tb, chromedp.Screenshot(chromedp.CSS(`[data-testid=batch-results]`)))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(screens, "designer-results-"+strings.ReplaceAll(t.Name()[len("TestDesignerChartLabels/"):], "/", "-")+".png"), png, 0o644))
		})
	}
}

// TestDesignerTopRulesSorted: "Rules failed most" is in the order of how
// many passwords fail each rule under the edited policy, most first, and
// says so (aria-sort); with an invalid edit, under the current policy. The
// old table sorted by the edited count but fell back to the current count
// where the edited one was 0, so a rule the edit had made pass everywhere
// stood first.
func TestDesignerTopRulesSorted(t *testing.T) {
	def := policy.Default()
	edited := def
	edited.MinLength = 8
	// 9 to 15 characters: every one too short now, none after the edit.
	var pws []string
	for _, pw := range batchPasswords(2000) {
		if n := utf8.RuneCountInString(pw); n >= 9 && n <= 15 && len(pws) < 300 {
			pws = append(pws, pw)
		}
	}
	count := func(p policy.Policy) map[string]int {
		m := map[string]int{}
		for _, pw := range pws {
			for _, v := range policy.Evaluate(p, policy.Input{Password: pw}).Violations {
				m[v.Rule]++
			}
		}
		return m
	}
	cur, ed := count(def), count(edited)
	require.Equal(t, len(pws), cur[policy.RuleTooShort])
	require.Zero(t, ed[policy.RuleTooShort])
	require.Positive(t, ed[policy.RuleWeak], "another rule fails under the edit")

	tx := site.Texts("en")
	byLabel := map[string]string{}
	for _, r := range policy.Rules {
		byLabel[tx.RuleLabel(r)] = r
	}
	order := func(tb *chrome.Tab) []string {
		var out []string
		for _, l := range chrome.Eval[[]string](t, tb, `[...document.querySelectorAll('[data-top-rules] tr th')].map((th) => th.textContent)`) {
			out = append(out, byLabel[l])
		}
		return out
	}
	nonIncreasing := func(t *testing.T, rules []string, counts map[string]int) {
		t.Helper()
		require.NotEmpty(t, rules)
		for i := 1; i < len(rules); i++ {
			assert.GreaterOrEqual(t, counts[rules[i-1]], counts[rules[i]], "row %d (%s, %d) after row %d (%s, %d)",
				i+1, rules[i], counts[rules[i]], i, rules[i-1], counts[rules[i-1]])
		}
	}

	tb := designerTab(t, "en", 1280)
	setValue(t, tb, "#f-minLength", "8")
	chrome.Poll[bool](t, tb, `document.querySelector('[data-problems] .ok') !== null`)
	designerBatch(t, tb, pws)
	rules := order(tb)
	nonIncreasing(t, rules, ed)
	assert.Equal(t, policy.RuleTooShort, rules[len(rules)-1], "the rule no password fails after the edit comes last")
	assert.Equal(t, []any{nil, "descending"}, chrome.Eval[[]any](t, tb, `[...document.querySelectorAll('[data-top-col]')].map((th) => th.getAttribute('aria-sort'))`),
		"sorted by the edited column, and it says so")

	// An invalid edit: the current policy's counts decide.
	setValue(t, tb, "#f-minLength", "5")
	chrome.Poll[bool](t, tb, `document.querySelector('[data-problems] .ok') === null`)
	designerBatch(t, tb, pws)
	rules = order(tb)
	nonIncreasing(t, rules, cur)
	assert.Equal(t, policy.RuleTooShort, rules[0])
	assert.Equal(t, []any{"descending", nil}, chrome.Eval[[]any](t, tb, `[...document.querySelectorAll('[data-top-col]')].map((th) => th.getAttribute('aria-sort'))`))
}

// findRepeats returns, for each section of the page, the headings (h1-h6,
// summary, legend, caption) that say the same as another heading, a label
// or a row heading of the same section.
const findRepeats = `(() => {
	const norm = (s) => s.replace(/\s+/g, ' ').trim().toLowerCase();
	const shown = (e) => e.getClientRects().length > 0;
	const out = [];
	for (const sec of document.querySelectorAll('main section')) {
		const own = (sel) => [...sec.querySelectorAll(sel)].filter((e) => e.closest('section') === sec && shown(e));
		const heads = own('h1, h2, h3, h4, h5, h6, summary, legend, caption');
		const others = own('label, th[scope=row]');
		const id = sec.getAttribute('aria-labelledby') || sec.className;
		heads.forEach((h, i) => {
			for (const o of [...heads.slice(i + 1), ...others]) {
				if (norm(h.textContent) === norm(o.textContent)) out.push(id + ': ' + h.tagName + ' and ' + o.tagName + ' "' + norm(h.textContent) + '"');
			}
		});
	}
	return out;
})()`

// TestDesignerNoRepeatedHeadings: no section of the designer, batch
// results shown, has a heading that says the same as another heading or a
// label there, and axe finds nothing serious in the results, light or dark (the old page: "Start from" as heading and as the select's
// label, "Pass rate" as heading and row, "Changed verdicts" as heading and
// as the summary under it).
func TestDesignerNoRepeatedHeadings(t *testing.T) {
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			width := int64(1280)
			if lang == "nn" {
				width = 375 // a phone
			}
			tb := designerTab(t, lang, width)
			setValue(t, tb, "#f-minLength", "12")
			chrome.Poll[bool](t, tb, `document.querySelector('[data-problems] .ok') !== null`)
			designerBatch(t, tb, batchPasswords(200))
			chrome.Eval[bool](t, tb, `(document.querySelectorAll('details').forEach((d) => d.open = true), true)`)
			assert.Empty(t, chrome.Eval[[]string](t, tb, findRepeats))
			assert.Positive(t, chrome.Eval[int](t, tb, `document.querySelectorAll('main section h2, main section h3').length`))
			// The results as shown (sort buttons, the list, the chart's
			// labels): nothing serious for axe, light or dark.
			chrome.Eval[bool](t, tb, env.axe+";true")
			assert.Empty(t, chrome.Eval[[]string](t, tb, axeScan), "axe findings with the results shown")
			_, err := chromedp.Call(tb, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
				Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}},
			})
			require.NoError(t, err)
			chrome.Poll[bool](t, tb, `matchMedia("(prefers-color-scheme: dark)").matches`)
			assert.Empty(t, chrome.Eval[[]string](t, tb, axeScan), "axe findings with the results shown, dark")
		})
	}
}

// TestDesignerTrialAsksBreachByPrefix: the trial field's meter asks the
// breach range API when the field is left, with the first 5 characters of
// the SHA-1 hash and nothing else of the password, and the trial section
// says so in every language. The old section said nothing was sent. It
// asks this site's own /api/breach/range (the server asks the breach
// service for it), never a third party: the browser asked
// api.pwnedpasswords.com itself, with the person's address.
func TestDesignerTrialAsksBreachByPrefix(t *testing.T) {
	const pw = "Prøve-Passord 2026 for designeren"
	sum := sha1.Sum([]byte(pw))
	hash := strings.ToUpper(hex.EncodeToString(sum[:]))
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			tx := site.Texts(lang)
			tb := designerTab(t, lang, 1280)
			// The static test server has no API: the range's 404.
			own := env.server.URL + "/api/breach/range/"
			tb.Allow(func(msg string) bool {
				return strings.HasPrefix(msg, "log network:") && strings.Contains(msg, own)
			})
			w := watchLeaks(t, tb)
			assert.Equal(t, tx.DesTryBreach(), text(t, tb, "try-breach"))
			assert.Contains(t, tx.DesTryBreach(), "5")
			setValue(t, tb, "#try-password", pw)
			chrome.Eval[bool](t, tb, `(document.querySelector('#try-password').focus(), document.querySelector('#try-password').blur(), true)`)
			var asked []string
			require.Eventually(t, func() bool {
				w.mu.Lock()
				defer w.mu.Unlock()
				asked = asked[:0]
				for _, s := range w.seen {
					if u, _, _ := strings.Cut(strings.TrimSpace(s), " "); strings.Contains(u, "/range/") {
						asked = append(asked, u)
					}
				}
				return len(asked) > 0
			}, 20*time.Second, 20*time.Millisecond, "the meter asked no breach service")
			for _, u := range asked {
				assert.Equal(t, own+hash[:5], u, "what the request carries, and where")
			}
			assert.Zero(t, w.leaks([]string{pw, hash, hash[5:]}), "the password or more of its hash in a request or the console")
		})
	}
}
