// Command api is the Netlify Function (AWS Lambda) wrapper of Styrke's
// backend: the same http.Handler as `styrke serve`, fed from API Gateway
// proxy events. It needs STYRKE_DB=postgres://... (a function's disk does
// not survive between invocations); STYRKE_ADMIN_KEY, STYRKE_ORIGINS,
// STYRKE_BREACH_URL and STYRKE_BASE_URL (default: the site's URL) as for
// styrke serve.
package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/breach"
	"github.com/styrke-iam/styrke/server/store/backend"
)

func main() {
	lambda.Start(newFunction(os.Getenv).invoke)
}

type function struct {
	getenv func(string) string
	once   sync.Once
	h      http.Handler
	err    error
}

func newFunction(getenv func(string) string) *function { return &function{getenv: getenv} }

// handler opens the store once per function instance.
func (f *function) handler(ctx context.Context) (http.Handler, error) {
	f.once.Do(func() {
		dsn := f.getenv("STYRKE_DB")
		if dsn == "" {
			f.err = fmt.Errorf("STYRKE_DB is not set")
			return
		}
		st, err := backend.Open(ctx, dsn)
		if err != nil {
			f.err = err
			return
		}
		var origins []string
		for o := range strings.SplitSeq(f.getenv("STYRKE_ORIGINS"), ",") {
			if o = strings.TrimSpace(o); o != "" {
				origins = append(origins, o)
			}
		}
		if k := f.getenv("STYRKE_ADMIN_KEY"); k != "" {
			if err := server.CheckAdminKey(server.AdminKey{Name: "admin", Key: k}); err != nil {
				f.err = fmt.Errorf("STYRKE_ADMIN_KEY: %w", err)
				return
			}
		}
		base := f.getenv("STYRKE_BASE_URL")
		if base == "" {
			base = f.getenv("URL") // set by Netlify
		}
		f.h = server.NewHandler(server.Deps{
			Store:      st,
			Breach:     breach.New(f.getenv("STYRKE_BREACH_URL"), breach.Options{}),
			AdminKey:   f.getenv("STYRKE_ADMIN_KEY"),
			BaseURL:    base,
			Origins:    origins,
			Logger:     slog.New(slog.NewJSONHandler(os.Stderr, nil)),
			TrustProxy: true,
		})
	})
	return f.h, f.err
}

func (f *function) invoke(ctx context.Context, ev events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	h, err := f.handler(ctx)
	if err != nil {
		slog.Error("function not configured", "err", err)
		return events.APIGatewayProxyResponse{
			StatusCode: http.StatusServiceUnavailable,
			Headers:    map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"},
			Body:       `{"error":{"code":"unavailable","message":"service not configured"}}`,
		}, nil
	}
	req, err := toRequest(ctx, ev)
	if err != nil {
		return events.APIGatewayProxyResponse{StatusCode: http.StatusBadRequest}, nil
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := events.APIGatewayProxyResponse{
		StatusCode:        rec.Code,
		MultiValueHeaders: map[string][]string(rec.Header()),
		Body:              rec.Body.String(),
	}
	return resp, nil
}

// toRequest turns a proxy event into a request for the handler; the
// function's own path /.netlify/functions/api/X becomes /api/X.
func toRequest(ctx context.Context, ev events.APIGatewayProxyRequest) (*http.Request, error) {
	path := ev.Path
	if rest, ok := strings.CutPrefix(path, "/.netlify/functions/api"); ok {
		path = "/api" + rest
	}
	q := url.Values{}
	for k, vs := range ev.MultiValueQueryStringParameters {
		for _, v := range vs {
			q.Add(k, v)
		}
	}
	body := ev.Body
	if ev.IsBase64Encoded {
		b, err := base64.StdEncoding.DecodeString(body)
		if err != nil {
			return nil, err
		}
		body = string(b)
	}
	u := &url.URL{Path: path, RawQuery: q.Encode()}
	req, err := http.NewRequestWithContext(ctx, ev.HTTPMethod, u.String(), strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, v := range ev.Headers {
		req.Header.Set(k, v)
	}
	for k, vs := range ev.MultiValueHeaders {
		req.Header.Del(k)
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if ip := req.Header.Get("X-Nf-Client-Connection-Ip"); ip != "" {
		req.Header.Set("X-Forwarded-For", ip)
	}
	req.RemoteAddr = ev.RequestContext.Identity.SourceIP + ":0"
	return req, nil
}
