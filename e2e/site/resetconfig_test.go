package site_test

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/site"
)

// TestResetConfigErrorsOnPhone: a person on a phone (375 px) opens the
// forgotten-password page while /api/reset/config answers with an error:
// too many requests from the network (429 rate_limited, a campus behind
// one address), or the service failing (a proxy's 502 when styrke serve is
// down, a 500). The page said "We could not reach the service. Check your
// connection and try again" to each, though an answer had come; now, in
// nb, nn and en, to wait a little and try again, or that the service
// failed (try again shortly, then the service desk). "Try again" shows the
// start once the configuration answers. A request that got no answer
// still says the connection's words.
func TestResetConfigErrorsOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, true)
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			tx := site.Texts(lang)
			cases := []struct {
				name string
				fake sessionFake
				says string
			}{
				{"too many requests", sessionFake{429, `{"error":{"code":"rate_limited","message":"too many requests; try again later","limit":"requests"}}`, "120", ""}, strings.ReplaceAll(tx.ActTooMany, "{wait}", tx.WaitFor(120))},
				{"a proxy's bad gateway", sessionFake{502, `{}`, "", ""}, tx.ActServerError()},
				{"internal error", sessionFake{500, `{"error":{"code":"internal","message":"internal error"}}`, "", ""}, tx.ActServerError()},
			}
			tb := b.tab(t)
			var to atomic.Pointer[sessionFake]
			to.Store(&cases[0].fake)
			answerAPI(t, tb, "*/api/reset/config", &to)
			run(t, tb, chromedp.EmulateViewport(375, 900), chromedp.Navigate(b.base+site.Path(site.Reset, lang)))
			for i, c := range cases {
				if i > 0 {
					to.Store(&cases[i].fake)
					chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=retry]').click(), true)`)
				}
				// "Try again" shows the loading state at once, then the answer's.
				stateShown(t, tb, "error")
				assert.Equal(t, c.says, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=state-error] [data-error-text]').textContent`), c.name)
			}
			to.Store(nil)
			unblock := blockURL(t, tb, "*://*:*/api/reset/config")
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=retry]').click(), true)`)
			stateShown(t, tb, "error")
			assert.Equal(t, tx.ActError, chrome.Eval[string](t, tb, `document.querySelector('[data-testid=state-error] [data-error-text]').textContent`), "no answer")
			unblock()
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=retry]').click(), true)`)
			stateShown(t, tb, "start")
		})
	}
}
