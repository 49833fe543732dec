package site_test

import (
	"strings"
	"sync/atomic"
	"testing"

	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/site"
)

// answerSession makes the tab's requests to /api/reset/session get the
// answer *to holds (status and JSON body) instead of the server's, while
// it holds one; nil lets them through.
func answerSession(t *testing.T, tb *chrome.Tab, to *atomic.Pointer[sessionFake]) {
	t.Helper()
	answerAPI(t, tb, "*/api/reset/session", to)
}

// answerAPI makes the tab's requests to the URLs of pattern get the answer
// *to holds instead of the server's (those whose URL holds its only), as
// answerSession does.
func answerAPI(t *testing.T, tb *chrome.Tab, pattern string, to *atomic.Pointer[sessionFake]) {
	t.Helper()
	paused := make(chan *fetch.EventRequestPaused, 8)
	require.NoError(t, chromedp.Listen(tb, func(ev any) {
		if e, ok := ev.(*fetch.EventRequestPaused); ok {
			select {
			case paused <- e:
			default:
			}
		}
	}))
	go func() {
		for {
			select {
			case e := <-paused:
				id := e.RequestID
				if f := to.Load(); f != nil && strings.Contains(e.Request.URL, f.only) {
					headers := []*fetch.HeaderEntry{{Name: "Content-Type", Value: "application/json"}, {Name: "Cache-Control", Value: "no-store"}}
					if f.retryAfter != "" {
						headers = append(headers, &fetch.HeaderEntry{Name: "Retry-After", Value: f.retryAfter})
					}
					chromedp.Call(tb, fetch.FulfillRequest, fetch.FulfillRequestParams{RequestID: id, ResponseCode: f.status,
						ResponseHeaders: headers, Body: []byte(f.body)})
				} else {
					chromedp.Call(tb, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: id})
				}
			case <-tb.Done():
				return
			}
		}
	}()
	_, err := chromedp.Call(tb, fetch.Enable, fetch.EnableParams{Patterns: []*fetch.RequestPattern{{URLPattern: pattern}}})
	require.NoError(t, err)
}

// sessionFake is an answer of the API (/api/reset/session, or another
// answerAPI fakes), as the server gives it: its status, its JSON body, and
// its Retry-After header, if any.
type sessionFake struct {
	status     int64
	body       string
	retryAfter string
	// only, when set, fakes only the requests whose URL holds it (of those
	// answerAPI's pattern matches); the others go through.
	only string
}

// TestResetSessionErrorsOnPhone: a person on a phone (375 px) comes back
// from ID-porten, and /api/reset/session answers with an error the page
// had no words for: too many requests from the network (429
// rate_limited), the service's own database down (503 unavailable), or
// an internal error (500). The page showed the start, as if nothing had
// happened, with no word of the sign-in just made. Now it says, in nb, nn
// and en, what happened and what to do, with "Try again", which shows the
// form once the session answers, without a new sign-in.
func TestResetSessionErrorsOnPhone(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	b := startResetBackend(t, true)
	b.importCSV(t, "username,name,institution,identity number\nola,Ola Nordmann,default,"+e2ePidOla+"\n")
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			tx := site.Texts(lang)
			cases := []struct {
				name string
				fake sessionFake
				says string
			}{
				{"store down", sessionFake{503, `{"error":{"code":"unavailable","message":"the service's database is unavailable right now; try again shortly"}}`, "", ""}, tx.ResetSessionStoreDown()},
				{"too many requests", sessionFake{429, `{"error":{"code":"rate_limited","message":"too many requests; try again later","limit":"requests"}}`, "30", ""}, strings.ReplaceAll(tx.ResetSessionTooMany(), "{wait}", tx.WaitFor(30))},
				{"internal error", sessionFake{500, `{"error":{"code":"internal","message":"internal error"}}`, "", ""}, tx.ActServerError()},
			}
			tb := b.tab(t)
			var to atomic.Pointer[sessionFake]
			to.Store(&cases[0].fake)
			answerSession(t, tb, &to)
			signInAtWidth(t, tb, b, 375, site.Path(site.Reset, lang), e2ePidOla, "idporten-loa-substantial")
			for i, c := range cases {
				if i > 0 {
					to.Store(&cases[i].fake)
					chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=retry]').click(), true)`)
				}
				chrome.Poll[bool](t, tb, `(() => { const e = document.querySelector('[data-testid=state-error] [data-error-text]'); return !e.closest('[hidden]') && e.textContent === `+jsString(c.says)+`; })()`)
				cardShown(t, tb, "error", "retry", tx.ActErrorTitle, c.says, c.name+": no form")
			}
			to.Store(nil)
			chrome.Eval[bool](t, tb, `(document.querySelector('[data-testid=retry]').click(), true)`)
			stateShown(t, tb, "form")
			assert.Equal(t, "ola", chrome.Eval[string](t, tb, `document.getElementById('username').value`), "the sign-in held")
		})
	}
}
