package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

// FuzzDecode feeds arbitrary bodies to the one JSON decoder of the API, for
// every request type: never a panic; an error is an *Error with a 4xx
// status; a body it accepts is one valid JSON object.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"password":"x"}`, `{"password":"x","password":"y"}`, `{"PASSWORD":"x"}`, `[]`, `null`, `"x"`,
		`{"policy":{"a":{"b":[1,{"c":2,"c":3}]}}}`, `{"username":"a\u0000b","ttl":"1ns"}`, `{"token":1e999}`,
		`{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`, "{\"password\":\"a\xff\"}", `{} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		targets := []any{&createRequest{}, &lookupRequest{}, &completeRequest{}, &validateRequest{}}
		for _, v := range targets {
			r := httptest.NewRequest(http.MethodPost, "/api/x", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			err := decode(httptest.NewRecorder(), r, v)
			if err == nil {
				if !json.Valid(body) || bytes.TrimSpace(body)[0] != '{' {
					t.Fatalf("accepted %q", body)
				}
				continue
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not an *Error", err)
			}
			if s := e.Status(); s < 400 || s > 499 {
				t.Fatalf("status %d for a bad body", s)
			}
		}
	})
}
