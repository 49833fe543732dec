package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/store/sqlite/sqlitetest"
)

// apiError is the error body of every API answer.
type apiError struct {
	Error struct {
		Code    string   `json:"code"`
		Message string   `json:"message"`
		Fields  []string `json:"fields"`
	} `json:"error"`
}

func decodeError(t *testing.T, body []byte) apiError {
	t.Helper()
	var e apiError
	require.NoError(t, json.Unmarshal(body, &e), "body %s", body)
	return e
}

// TestAdminInputRefused: the admin API refuses what a directory or a log
// would choke on, and TTLs outside the policy range (issue 15 item 10).
func TestAdminInputRefused(t *testing.T) {
	e := newEnv(t, nil)
	auth := []string{"Authorization", "Bearer " + adminKey}
	tests := []struct {
		name, body string
		code       string
		fields     []string
	}{
		{"ttl of 1ns", `{"username":"kari","institution":"default","ttl":"1ns"}`, "invalid", []string{"ttl"}},
		{"ttl under 10m", `{"username":"kari","institution":"default","ttl":"9m59s"}`, "invalid", []string{"ttl"}},
		{"ttl of 2160h", `{"username":"kari","institution":"default","ttl":"2160h"}`, "invalid", []string{"ttl"}},
		{"ttl just over 720h", `{"username":"kari","institution":"default","ttl":"720h1s"}`, "invalid", []string{"ttl"}},
		{"ttl not a duration", `{"username":"kari","institution":"default","ttl":"3 days"}`, "invalid", []string{"ttl"}},
		{"username with NUL", `{"username":"ka\u0000ri","institution":"default"}`, "invalid", []string{"username"}},
		{"username with newline", `{"username":"kari\nadmin","institution":"default"}`, "invalid", []string{"username"}},
		{"username with CR", `{"username":"kari\r","institution":"default"}`, "invalid", []string{"username"}},
		{"username with tab", `{"username":"ka\tri","institution":"default"}`, "invalid", []string{"username"}},
		{"username with DEL", `{"username":"ka\u007fri","institution":"default"}`, "invalid", []string{"username"}},
		{"username with C1 control", `{"username":"ka\u0085ri","institution":"default"}`, "invalid", []string{"username"}},
		{"username with line separator", `{"username":"ka\u2028ri","institution":"default"}`, "invalid", []string{"username"}},
		{"username with bidi override", `{"username":"\u202ekari","institution":"default"}`, "invalid", []string{"username"}},
		{"username of 7000 characters", `{"username":"` + strings.Repeat("k", 7000) + `","institution":"default"}`, "invalid", []string{"username"}},
		{"username of 257 characters", `{"username":"` + strings.Repeat("k", 257) + `","institution":"default"}`, "invalid", []string{"username"}},
		{"username with outer spaces", `{"username":" kari ","institution":"default"}`, "invalid", []string{"username"}},
		// Look-alikes of another username (they were stored as other
		// people, where a directory may match them to the same account):
		// fullwidth letters, the Kelvin sign for K, a decomposed é, and
		// Cyrillic letters among Latin ones.
		{"username in fullwidth letters", `{"username":"\uff50\uff45\uff52","institution":"default"}`, "invalid", []string{"username"}},
		{"username with the Kelvin sign", `{"username":"\u212aari","institution":"default"}`, "invalid", []string{"username"}},
		{"username not composed (NFC)", `{"username":"pe\u0301r","institution":"default"}`, "invalid", []string{"username"}},
		{"username mixing Cyrillic and Latin", `{"username":"\u0440\u0435r","institution":"default"}`, "invalid", []string{"username"}},
		{"name with newline", `{"username":"kari","name":"Kari\nNordmann","institution":"default"}`, "invalid", []string{"name"}},
		{"name of 257 characters", `{"username":"kari","name":"` + strings.Repeat("n", 257) + `","institution":"default"}`, "invalid", []string{"name"}},
		{"several at once", `{"username":"a\u0000","name":"b\n","institution":"default","ttl":"1ns"}`, "invalid", []string{"username", "name", "ttl"}},
		{"duplicate key", `{"username":"kari","username":"admin","institution":"default"}`, "duplicate_field", []string{"username"}},
		{"duplicate key differing in case", `{"username":"kari","USERNAME":"admin","institution":"default"}`, "unknown_field", []string{"USERNAME"}},
		{"key in another case", `{"USERNAME":"kari","institution":"default"}`, "unknown_field", []string{"USERNAME"}},
		{"key in title case", `{"username":"kari","Institution":"default"}`, "unknown_field", []string{"Institution"}},
		{"top-level array", `[{"username":"kari","institution":"default"}]`, "malformed_json", nil},
		{"top-level string", `"kari"`, "malformed_json", nil},
		{"top-level null", `null`, "malformed_json", nil},
		{"wrong type", `{"username":5,"institution":"default"}`, "invalid", []string{"username"}},
		{"object for a string", `{"username":{"a":1},"institution":"default"}`, "invalid", []string{"username"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.do(t, "POST", "/api/admin/activations", "application/json", tt.body, auth...)
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, "body %s", body)
			got := decodeError(t, body)
			assert.Equal(t, tt.code, got.Error.Code, "input %s", tt.body)
			assert.Equal(t, tt.fields, got.Error.Fields, "input %s", tt.body)
			for _, f := range tt.fields {
				assert.Contains(t, got.Error.Message, f, "the message names the field")
			}
			for _, goType := range []string{"server.", "struct", "Request", "[]", "map["} {
				assert.NotContains(t, got.Error.Message, goType, "no Go type in the message")
			}
			assert.NotContains(t, got.Error.Message, "admin", "no value in the message")
		})
	}
}

// TestAdminInputAccepted: the edges of every limit are accepted.
func TestAdminInputAccepted(t *testing.T) {
	e := newEnv(t, nil)
	auth := []string{"Authorization", "Bearer " + adminKey}
	tests := []struct {
		name, body string
	}{
		{"ttl of 10m", `{"username":"kari","institution":"default","ttl":"10m"}`},
		{"ttl of 720h", `{"username":"kari","institution":"default","ttl":"720h"}`},
		{"username of 256 characters", `{"username":"` + strings.Repeat("å", 256) + `","institution":"default"}`},
		{"username with inner space and unicode", `{"username":"kari nordmann@uit.no","name":"Kåre Ævar Øvergård","institution":"default"}`},
		{"username with a composed é", `{"username":"p\u00e9r","institution":"default"}`},
		{"lang in capitals (a spreadsheet's)", `{"username":"kari","institution":"default","lang":"NN"}`},
		{"username in Cyrillic alone", `{"username":"\u043f\u0435\u0440","institution":"default"}`},
		{"username in Sámi", `{"username":"\u00e1illo\u0161","institution":"default"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.do(t, "POST", "/api/admin/activations", "application/json", tt.body, auth...)
			assert.Equal(t, http.StatusCreated, resp.StatusCode, "input %s body %s", tt.body, body)
		})
	}
}

// TestDecodeStrict: every JSON route refuses duplicate and mis-cased keys,
// at any depth.
func TestDecodeStrict(t *testing.T) {
	e := newEnv(t, nil)
	tests := []struct {
		name, path, body string
		code             string
		fields           []string
	}{
		{"complete with PASSWORD", "/api/activation/complete", `{"token":"x","PASSWORD":"y"}`, "unknown_field", []string{"PASSWORD"}},
		{"complete with two passwords", "/api/activation/complete", `{"token":"x","password":"y","password":"z"}`, "duplicate_field", []string{"password"}},
		{"lookup with Token", "/api/activation/lookup", `{"Token":"x"}`, "unknown_field", []string{"Token"}},
		{"validate duplicate inside the policy", "/api/validate", `{"policy":{"minLength":8,"minLength":20},"password":"x"}`, "duplicate_field", []string{"policy.minLength"}},
		{"validate array", "/api/validate", `[]`, "malformed_json", nil},
		{"validate stray closing brace (found by FuzzDecode)", "/api/validate", `{"password":"x"}}`, "malformed_json", nil},
		{"validate stray closing bracket", "/api/validate", `{"password":"x"}]`, "malformed_json", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := e.do(t, "POST", tt.path, "application/json", tt.body)
			require.Equal(t, http.StatusBadRequest, resp.StatusCode, "body %s", body)
			got := decodeError(t, body)
			assert.Equal(t, tt.code, got.Error.Code, "input %s", tt.body)
			assert.Equal(t, tt.fields, got.Error.Fields, "input %s", tt.body)
			assert.NotContains(t, got.Error.Message, "server.")
		})
	}
}

// TestCreateActivationRefuses: the function behind the admin API and the CLI
// refuses the same input as the API.
func TestCreateActivationRefuses(t *testing.T) {
	st, err := sqlitetest.Open(t, filepath.Join(t.TempDir(), "styrke.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	tests := []struct {
		name, username, display, institution string
		ttl                                  time.Duration
	}{
		{"ttl of 1ns", "kari", "", "default", time.Nanosecond},
		{"ttl of 2160h", "kari", "", "default", 2160 * time.Hour},
		{"negative ttl", "kari", "", "default", -time.Hour},
		{"username with NUL", "ka\x00ri", "", "default", 0},
		{"username with newline", "kari\nroot", "", "default", 0},
		{"empty username", "  ", "", "default", 0},
		{"long username", strings.Repeat("k", 7000), "", "default", 0},
		{"invalid UTF-8 name", "kari", "K\xffari", "default", 0},
		{"unknown institution", "kari", "", "nowhere", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := server.CreateActivation(context.Background(), st, time.Now(), tt.username, tt.display, tt.institution, tt.ttl)
			require.ErrorIs(t, err, server.ErrBadActivation)
			assert.NotContains(t, err.Error(), "root")
		})
	}
}

// TestTTLRangeIsThePolicys: MinTTL and MaxTTL are the bounds a policy's
// activationTTL has.
func TestTTLRangeIsThePolicys(t *testing.T) {
	tests := []struct {
		name string
		ttl  time.Duration
		ok   bool
	}{
		{"min", server.MinTTL, true},
		{"max", server.MaxTTL, true},
		{"under min", server.MinTTL - time.Second, false},
		{"over max", server.MaxTTL + time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.Parse([]byte(`{"id":"x","activationTTL":"` + tt.ttl.String() + `"}`))
			assert.Equal(t, tt.ok, err == nil, "activationTTL %s: %v", tt.ttl, err)
		})
	}
}
