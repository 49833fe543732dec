// Package loadtest is a small, bounded HTTP load generator for benchmarks on
// loopback: a fixed number of workers send requests until a request count
// or a time limit is reached, whichever comes first, and report requests
// per second and latency percentiles.
package loadtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// Options bounds and shapes one run.
type Options struct {
	// URL is the target.
	URL string
	// Body returns the JSON body of request i (POST); nil sends GET.
	Body func(i int) []byte
	// Header is added to every request.
	Header http.Header
	// Workers is the number of concurrent senders (default 8).
	Workers int
	// Requests is the most requests to send (required, > 0).
	Requests int
	// Duration is the most time to spend (default 30 s).
	Duration time.Duration
	// Client sends the requests (default: a client keeping Workers idle
	// connections per host).
	Client *http.Client
}

// Result is what a run measured.
type Result struct {
	Requests int           // requests completed
	Errors   int           // transport errors
	Statuses map[int]int   // responses by status
	Elapsed  time.Duration // wall time
	P50, P99 time.Duration // latency percentiles
	Max      time.Duration // slowest request
}

// RPS is completed requests per second.
func (r Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Elapsed.Seconds()
}

func (r Result) String() string {
	return fmt.Sprintf("%d requests in %v: %.0f req/s, p50 %v, p99 %v, max %v, statuses %v, errors %d",
		r.Requests, r.Elapsed.Round(time.Millisecond), r.RPS(), r.P50, r.P99, r.Max, r.Statuses, r.Errors)
}

// ErrNoRequests: Options.Requests is not positive.
var ErrNoRequests = errors.New("loadtest: Requests must be positive")

// Run sends the load and measures it. It stops at o.Requests, o.Duration
// or when ctx ends.
func Run(ctx context.Context, o Options) (Result, error) {
	if o.Requests <= 0 {
		return Result{}, ErrNoRequests
	}
	if o.Workers <= 0 {
		o.Workers = 8
	}
	if o.Duration <= 0 {
		o.Duration = 30 * time.Second
	}
	if o.Client == nil {
		o.Client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.Workers, MaxConnsPerHost: o.Workers}}
	}
	ctx, cancel := context.WithTimeout(ctx, o.Duration)
	defer cancel()
	var next atomic.Int64
	lat := make([][]time.Duration, o.Workers)
	stat := make([]map[int]int, o.Workers)
	errs := make([]int, o.Workers)
	var wg sync.WaitGroup
	start := time.Now()
	for w := range o.Workers {
		stat[w] = map[int]int{}
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= o.Requests {
					return
				}
				method, body := http.MethodGet, io.Reader(http.NoBody)
				if o.Body != nil {
					method, body = http.MethodPost, bytes.NewReader(o.Body(i))
				}
				req, err := http.NewRequestWithContext(ctx, method, o.URL, body)
				if err != nil {
					errs[w]++
					continue
				}
				for k, vs := range o.Header {
					req.Header[k] = vs
				}
				if o.Body != nil {
					req.Header.Set("Content-Type", "application/json")
				}
				t0 := time.Now()
				resp, err := o.Client.Do(req)
				if err != nil {
					if ctx.Err() == nil {
						errs[w]++
					}
					continue
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[w] = append(lat[w], time.Since(t0))
				stat[w][resp.StatusCode]++
			}
		})
	}
	wg.Wait()
	r := Result{Elapsed: time.Since(start), Statuses: map[int]int{}}
	var all []time.Duration
	for w := range o.Workers {
		all = append(all, lat[w]...)
		r.Errors += errs[w]
		for k, v := range stat[w] {
			r.Statuses[k] += v
		}
	}
	r.Requests = len(all)
	if len(all) > 0 {
		slices.Sort(all)
		r.P50 = all[len(all)*50/100]
		r.P99 = all[min(len(all)-1, len(all)*99/100)]
		r.Max = all[len(all)-1]
	}
	return r, nil
}
