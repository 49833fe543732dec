package server_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/notify/smtptest"
)

// TestUndeliveredSaysWhatToDo: the admin API's answer to a create, resend
// or welcome that no channel delivered says what the desk does now, by why
// it failed, in the API's own requests, as the CLI's "what to do:" line
// does in its commands: an address refused, check it, issue a link to the
// right one and revoke this one (a resend goes to the same address); no
// mail server set up on this server, nothing was sent; the mail server
// down, Styrke does not try again, hand the link over or resend it. The
// API answered the failed deliveries and the link, and no more.
func TestUndeliveredSaysWhatToDo(t *testing.T) {
	opts := deskSMTP
	opts.RejectDomain = "nosuch.example"
	e := newDeskEnvWith(t, smtptest.Start(t, opts), nil)
	delivered := e.issue(t, map[string]string{"username": "kari", "institution": "default", "email": "kari@example.org"}, deskKey)
	assert.Empty(t, delivered.WhatToDo, "delivered: nothing to do")

	refused := e.issue(t, map[string]string{"username": "ola", "institution": "default", "email": "ola@nosuch.example"}, deskKey)
	require.NotEmpty(t, refused.Link)
	assert.Contains(t, refused.WhatToDo, "the mail server refused the address (invalid recipient)")
	assert.Contains(t, refused.WhatToDo, "POST /api/admin/activations")
	assert.Contains(t, refused.WhatToDo, `POST /api/admin/activations/revoke {"id":"`+refused.ID+`"}`)
	assert.Contains(t, refused.WhatToDo, "a resend goes to the same address")
	assert.NotContains(t, refused.WhatToDo, "styrke activation", "the API's requests, not the CLI's commands")

	e.smtp.Down()
	down := e.issue(t, map[string]string{"username": "per", "institution": "default", "email": "per@example.org"}, deskKey)
	assert.Contains(t, down.WhatToDo, "no one was sent the link: Styrke does not try again")
	assert.Contains(t, down.WhatToDo, "the link in this answer")
	assert.Contains(t, down.WhatToDo, `POST /api/admin/activations/resend {"id":"`+down.ID+`"}`)

	bare := newDeskEnv(t, func(d *server.Deps) { d.Mailer = nil })
	none := bare.issue(t, map[string]string{"username": "kari", "institution": "default", "email": "kari@example.org"}, deskKey)
	assert.Contains(t, none.WhatToDo, "nothing was sent: this server has no mail server set up (styrke serve --smtp-url")
	assert.Contains(t, none.WhatToDo, `POST /api/admin/activations/revoke {"id":"`+none.ID+`"}`)

	// A welcome.
	w, _ := newWelcomeEnv(t) // no mail server, an SMS provider
	res, body := adminPost(t, w.srv.URL+"/api/admin/welcome", "application/json", `{"username":"ola","email":"ola@example.org"}`)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	var welcomed struct {
		WhatToDo string `json:"whatToDo"`
	}
	require.NoError(t, json.Unmarshal(body, &welcomed))
	assert.Contains(t, welcomed.WhatToDo, "nothing was sent: this server has no mail server set up")
	assert.Contains(t, welcomed.WhatToDo, "POST /api/admin/welcome")
	res, body = adminPost(t, w.srv.URL+"/api/admin/welcome", "application/json", `{"username":"ola","phone":"91234567","again":true}`)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	assert.NotContains(t, string(body), "whatToDo", "delivered by SMS")
}
