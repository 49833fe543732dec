package site_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/e2e/chrome"
	"github.com/styrke-iam/styrke/server/notify/smtptest"
)

// TestMailedLinkWorks delivers an activation link by e-mail through a real
// SMTP server, opens the link read from the received message (text part)
// in headless Chromium, sets a password, and then finds the notice about
// the change in the same mailbox.
func TestMailedLinkWorks(t *testing.T) {
	t.Parallel() // see parallel in main_test.go
	smtp := smtptest.Start(t, smtptest.Options{Mode: smtptest.StartTLS, User: "styrke", Password: "e2e-smtp-pass"})
	b := startBackend(t, "--smtp-url", smtp.URL(), "--smtp-ca-file", smtp.CAFile,
		"--mail-from", "Utfjord IT <it@utfjord.example>", "--org-name", "Utfjord kommune", "--notify-poll", "100ms")

	res := adminPost(t, b.base, b.adminKey, "/api/admin/activations", map[string]string{"username": "kno042", "name": "Kari Nordmann",
		"institution": "uit", "email": "kari@example.org", "lang": "en"})
	res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)

	msgs := smtp.Messages(t)
	require.Len(t, msgs, 1)
	text := msgs[0].Text
	i := strings.Index(text, b.base+"/en/activate/#/pw/")
	require.GreaterOrEqual(t, i, 0, "the mail holds a link to the configured base URL, to the page in the mail's language (en)")
	link := strings.Fields(text[i:])[0]
	u, err := url.Parse(link)
	require.NoError(t, err)
	assert.Contains(t, msgs[0].HTML, `href="`+link+`"`, "the HTML part has the same link")

	tb := openForm(t, b.base+u.Path+"#"+u.Fragment, 1280)
	assert.Equal(t, "kno042", chrome.Eval[string](t, tb, `document.getElementById('username').value`))
	assert.Equal(t, "en", chrome.Eval[string](t, tb, `document.documentElement.lang`))
	const good = "Fjellbekk-Sommer!Grønn 42 Lys"
	submitPassword(t, tb, good)
	chrome.Poll[bool](t, tb, `!document.querySelector('[data-testid=state-done]').hidden`)

	require.Eventually(t, func() bool { return len(smtp.Messages(t)) == 2 }, 15*time.Second, 100*time.Millisecond,
		"the notice about the change arrives")
	notice := smtp.Messages(t)[1]
	assert.Contains(t, notice.Text, "The password of your user account kno042 at Utfjord kommune was set when the account was activated")
	assert.NotContains(t, string(notice.Raw), u.Fragment, "the notice holds no token")
	assert.Empty(t, tb.Errors())
}
