package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/store"
)

// TestLinkOfRemovedInstitution: a link whose institution this build no
// longer has a policy for (its file removed or renamed after the link was
// issued) can never be used: lookup and complete answer 410
// token_institution_unknown, which the page shows as a link to ask a new
// one for, and the log names the institution. They answered 500
// "internal", and the page said to check the network (found by a policy
// designer's test).
func TestLinkOfRemovedInstitution(t *testing.T) {
	var st store.Store
	e := newEnv(t, func(d *server.Deps) { st = d.Store })
	token := "removed-institution-token-0123456789"
	now := time.Now()
	require.NoError(t, st.CreateActivation(t.Context(), store.Activation{
		TokenHash: server.HashToken(token), Username: "kari", Institution: "baerum",
		CreatedAt: now, ExpiresAt: now.Add(time.Hour),
	}))
	for path, req := range map[string]map[string]string{
		"/api/activation/lookup":   {"token": token},
		"/api/activation/complete": {"token": token, "password": strong},
	} {
		resp, body := e.post(t, path, req)
		assert.Equal(t, http.StatusGone, resp.StatusCode, "%s: %s", path, body)
		assert.Equal(t, "token_institution_unknown", errCode(t, body), path)
	}
	assert.Contains(t, e.logs.String(), `institution=baerum`)
	assert.Contains(t, e.logs.String(), "no policy for")
	assert.NotContains(t, e.logs.String(), strong)
	assert.NotContains(t, e.logs.String(), token)
	a, err := st.Activation(t.Context(), server.HashToken(token))
	require.NoError(t, err)
	assert.Nil(t, a.UsedAt, "nothing was set")

	// serve says so at start, naming the institution once, and nothing
	// of links whose institutions it knows.
	logs, logger := newLog()
	server.WarnUnknownInstitutions(t.Context(), st, now, logger)
	assert.Contains(t, logs.String(), "no policy for")
	assert.Contains(t, logs.String(), "institutions=baerum")
	require.NoError(t, st.Revoke(t.Context(), server.HashToken(token), now))
	_, _, err = server.CreateActivation(t.Context(), st, now, "ola", "", "default", time.Hour)
	require.NoError(t, err)
	logs, logger = newLog()
	server.WarnUnknownInstitutions(t.Context(), st, now.Add(time.Second), logger)
	assert.Empty(t, logs.String())
}
