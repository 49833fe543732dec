package oidctest_test

import (
	"encoding/json"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/oidc/oidctest"
)

// TestLikeIDPorten checks the metadata a relying party relies on.
func TestLikeIDPorten(t *testing.T) {
	p, err := oidctest.Start(oidctest.Options{Clients: []oidctest.Client{
		{ID: "c", RedirectURIs: []string{"http://127.0.0.1:9/cb"}, Secret: "0123456789abcdef0123456789abcdef"},
	}})
	require.NoError(t, err)
	t.Cleanup(func() { p.Stop() })
	res, err := http.Get(p.Issuer() + "/.well-known/openid-configuration")
	require.NoError(t, err)
	defer res.Body.Close()
	var m struct {
		Issuer        string   `json:"issuer"`
		PAR           string   `json:"pushed_authorization_request_endpoint"`
		ISS           bool     `json:"authorization_response_iss_parameter_supported"`
		PKCE          []string `json:"code_challenge_methods_supported"`
		Auth          []string `json:"token_endpoint_auth_methods_supported"`
		ACR           []string `json:"acr_values_supported"`
		Subjects      []string `json:"subject_types_supported"`
		ResponseTypes []string `json:"response_types_supported"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&m))
	assert.Equal(t, p.Issuer(), m.Issuer)
	assert.NotEmpty(t, m.PAR)
	assert.True(t, m.ISS)
	assert.Equal(t, []string{"S256"}, m.PKCE)
	assert.ElementsMatch(t, []string{"private_key_jwt", "client_secret_post"}, m.Auth)
	assert.Contains(t, m.ACR, "idporten-loa-substantial")
	assert.Contains(t, m.ACR, "idporten-loa-high")
	assert.Contains(t, m.Subjects, "pairwise")
	assert.Equal(t, []string{"code"}, m.ResponseTypes)
}

// TestPKCERequired: an authorization request without a code challenge is
// refused by the provider, as ID-porten does.
func TestPKCERequired(t *testing.T) {
	p, err := oidctest.Start(oidctest.Options{Clients: []oidctest.Client{
		{ID: "c", RedirectURIs: []string{"http://127.0.0.1:9/cb"}, Secret: "0123456789abcdef0123456789abcdef"},
	}})
	require.NoError(t, err)
	t.Cleanup(func() { p.Stop() })
	u := p.Issuer() + "/auth?response_type=code&client_id=c&scope=openid&redirect_uri=http%3A%2F%2F127.0.0.1%3A9%2Fcb&state=s&nonce=n"
	cb, err := p.NewBrowser().Login(u, "01820012345", "idporten-loa-substantial")
	require.NoError(t, err)
	assert.Equal(t, "invalid_request", cb.Query().Get("error"), "callback %s", cb.Query().Get("error_description"))
}

// TestStartInParallel: providers of one test binary start and stop at once
// (e2e/site's reset tests run in parallel). Each wrote the same script
// file, one per process, and each removed it when it exited, so a provider
// starting as another stopped found no script ("provider exited before it
// was ready: exit status 1", seen in CI).
func TestStartInParallel(t *testing.T) {
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for range 4 {
		wg.Go(func() {
			for range 3 {
				p, err := oidctest.Start(oidctest.Options{Clients: []oidctest.Client{
					{ID: "c", RedirectURIs: []string{"http://127.0.0.1:9/cb"}, Secret: "0123456789abcdef0123456789abcdef"},
				}})
				if err != nil {
					errs <- err
					continue
				}
				p.Stop()
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
