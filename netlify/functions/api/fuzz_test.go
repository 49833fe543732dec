package main

import (
	"context"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

// FuzzInvoke sends arbitrary proxy events through the adapter and the real
// handler (SQLite): never a panic, never an error, and no redirect off the
// site.
func FuzzInvoke(f *testing.F) {
	db := "sqlite:" + filepath.Join(f.TempDir(), "styrke.db")
	fn := newFunction(func(k string) string {
		return map[string]string{"STYRKE_DB": db, "STYRKE_BREACH_URL": "http://127.0.0.1:1"}[k]
	})
	f.Add("POST", "/.netlify/functions/api/validate", `{"password":"x"}`, false, "content-type", "application/json", "a=1")
	f.Add("POST", "/api/activation/lookup", "eyJ0b2tlbiI6IngifQ==", true, "x-nf-client-connection-ip", "2001:db8::1", "")
	f.Add("GET", "/.netlify/functions/api/../../x", "", false, "", "", "%zz")
	f.Add("PATCH", "/api/validate", "%%%", true, "Content-Type", "text/plain", "")
	f.Fuzz(func(t *testing.T, method, path, body string, b64 bool, hname, hvalue, query string) {
		q, _ := url.ParseQuery(query)
		ev := events.APIGatewayProxyRequest{
			HTTPMethod: method, Path: path, Body: body, IsBase64Encoded: b64,
			Headers:                         map[string]string{hname: hvalue},
			MultiValueQueryStringParameters: q,
		}
		resp, err := fn.invoke(context.Background(), ev)
		if err != nil {
			t.Fatalf("invoke: %v", err)
		}
		if resp.StatusCode < 100 || resp.StatusCode > 599 {
			t.Fatalf("status %d", resp.StatusCode)
		}
		for _, loc := range resp.MultiValueHeaders["Location"] {
			if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
				t.Fatalf("Location %q", loc)
			}
		}
	})
}
