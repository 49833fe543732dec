package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseLoginURLs(t *testing.T) {
	got, err := parseLoginURLs("https://login.example.org/, uit=https://innlogging.uit.example/?app=mail")
	require.NoError(t, err)
	assert.Equal(t, map[string]string{"": "https://login.example.org/", "uit": "https://innlogging.uit.example/?app=mail"}, got)
	got, err = parseLoginURLs("")
	require.NoError(t, err)
	assert.Empty(t, got)

	for _, tc := range []struct{ name, in, want string }{
		{"no scheme", "login.example.org", "want an http:// or https:// URL"},
		{"javascript", "javascript:alert(1)", "want an http:// or https:// URL"},
		{"no host", "https://", "has no host"},
		{"credentials", "https://u:p@login.example.org/", "no credentials"},
		{"unknown institution", "nowhere=https://login.example.org/", `unknown institution "nowhere"`},
		{"twice", "https://a.example/,https://b.example/", "two URLs for every institution"},
		{"empty item", "uit=", "an empty URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseLoginURLs(tc.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "--login-url")
		})
	}
}
