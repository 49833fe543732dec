package main

import (
	"context"
	"encoding/base64"
	"io"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestToRequest(t *testing.T) {
	tests := []struct {
		name     string
		ev       events.APIGatewayProxyRequest
		path     string
		body, ip string
	}{
		{"function path", events.APIGatewayProxyRequest{HTTPMethod: "POST", Path: "/.netlify/functions/api/validate", Body: `{"a":1}`}, "/api/validate", `{"a":1}`, ""},
		{"redirected path, base64, client ip", events.APIGatewayProxyRequest{HTTPMethod: "POST", Path: "/api/activation/lookup",
			Body: base64.StdEncoding.EncodeToString([]byte(`{"t":2}`)), IsBase64Encoded: true,
			Headers: map[string]string{"x-nf-client-connection-ip": "192.0.2.7"}}, "/api/activation/lookup", `{"t":2}`, "192.0.2.7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := toRequest(context.Background(), tt.ev)
			require.NoError(t, err)
			assert.Equal(t, tt.path, req.URL.Path)
			b, err := io.ReadAll(req.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.body, string(b))
			assert.Equal(t, tt.ip, req.Header.Get("X-Forwarded-For"))
		})
	}
}

func TestInvokeUnconfigured(t *testing.T) {
	f := newFunction(func(string) string { return "" })
	resp, err := f.invoke(context.Background(), events.APIGatewayProxyRequest{HTTPMethod: "GET", Path: "/api/x"})
	require.NoError(t, err)
	assert.Equal(t, 503, resp.StatusCode)
	assert.Equal(t, "no-store", resp.Headers["Cache-Control"])
}
