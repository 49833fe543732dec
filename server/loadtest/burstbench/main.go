// Command burstbench measures the semester-start burst: many people
// completing their activation at once, each account with five history
// entries (five Argon2id verifications and one hash a complete), against
// one `styrke serve` handler on a throwaway PostgreSQL (pgtest), for a
// fixed time with many concurrent senders. It reports completes per
// second, p50/p99, the answers by status (the only acceptable error is a
// 503 overloaded with Retry-After, from the Argon2id budget) and the
// process's peak RSS, and with -file writes them into the burst section of
// BENCHMARKS.md. `scripts/bench-burst.sh` runs it.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/styrke-iam/styrke/internal/benchsection"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/passhash"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/backend"
	"github.com/styrke-iam/styrke/server/store/pgtest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "burstbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("burstbench", flag.ContinueOnError)
	file := fs.String("file", "", "BENCHMARKS.md to write the burst section into")
	workers := fs.Int("workers", 40, "concurrent people completing")
	duration := fs.Duration("duration", 60*time.Second, "length of the burst")
	accounts := fs.Int("accounts", 1500, "accounts prepared (at most this many completes)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pg, err := pgtest.Start()
	if err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	defer pg.Stop()
	dsn, err := pg.CreateDatabase(ctx)
	if err != nil {
		return err
	}
	st, err := backend.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	tokens, err := prepare(ctx, st, *accounts)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	h := server.NewHandler(server.Deps{
		Store: st, Logger: slog.New(slog.NewTextHandler(logOut(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		RateLimit: -1, TokenRateLimit: -1, BreachRateLimit: -1, // one client sends it all
	})
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	bodies := make([][]byte, len(tokens))
	for i, tok := range tokens {
		bodies[i], _ = json.Marshal(map[string]string{"token": tok, "password": "Kveldssol over Lyngen-fjorden 42!"})
	}
	runtime.GC()
	resetPeakRSS()
	before := peakRSS()
	r := burst(ctx, "http://"+ln.Addr().String()+"/api/activation/complete", bodies, *workers, *duration)
	peak := peakRSS()
	fmt.Fprintf(stdout, "burst: %v; peak RSS %d MB (%d MB before)\n", r, peak>>20, before>>20)
	if r.people >= len(bodies) {
		fmt.Fprintln(stdout, "burstbench: ran out of prepared accounts before the end; raise -accounts")
	}
	if *file == "" {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Measured by `scripts/bench-burst.sh` (server/loadtest/burstbench) on %d cores (GOMAXPROCS %d), %s, %s: %d people completing their activation at once for %v (each person, answered 503, waits the Retry-After and sends again; then the next person takes the sender), each a fresh link on an account with 5 history entries (5 Argon2id verifications, m=19 MiB, t=2, p=1, then one hash), the whole `server.NewHandler` stack on a real `http.Server` on loopback, PostgreSQL from pgtest (fsync off), the Argon2id budget at its default (two hashes per CPU, a queue of four per hash waiting at most 1 s, the final hash ahead), client and server in one process. Request latencies are per request; \"person p99\" is from a person's first request to their success. Peak RSS is the process's (VmHWM, reset after the setup).\n\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS+"/"+runtime.GOARCH, time.Now().UTC().Format("2006-01-02"), *workers, *duration)
	b.WriteString("| completes | completes/s | request p50 | request p99 | request max | person p99 | answers | 503 without Retry-After | peak RSS |\n|---:|---:|---:|---:|---:|---:|---|---:|---:|\n")
	fmt.Fprintf(&b, "| %d | %.1f | %v | %v | %v | %v | %v | %d | %d MB |\n", r.done, r.rate(), r.p50.Round(time.Millisecond), r.p99.Round(time.Millisecond),
		r.max.Round(time.Millisecond), r.personP99.Round(time.Millisecond), r.statuses, r.bare503, peak>>20)
	b.WriteString("\nGoal (issue 15): at least 8 completes/s, p99 at most 2 s, RSS at most 512 MB, no answer but success or a 503 `overloaded` with `Retry-After` (before the budget, 40 concurrent completes took the process from 257 MB to 3 GB).\n")
	return benchsection.Write(*file, "burst", "## Semester-start burst\n\n"+strings.TrimSpace(b.String())+"\n")
}

// prepare makes n accounts with 5 history entries and a fresh activation
// each, and returns the activations' tokens.
func prepare(ctx context.Context, st store.Store, n int) ([]string, error) {
	hist := make([]string, 5)
	for i := range hist {
		h, err := passhash.Hash(fmt.Sprintf("Gammelt passord nummer %d!", i))
		if err != nil {
			return nil, err
		}
		hist[i] = h
	}
	now := time.Now()
	tokens := make([]string, n)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < n; i += 8 {
				user := "burst-" + strconv.Itoa(i)
				for _, h := range hist {
					tok, _, err := server.CreateActivation(ctx, st, now, user, "Burst Burstesen", "default", 0)
					if err == nil {
						err = st.Complete(ctx, server.HashToken(tok), nil, now, h, 5, server.MaxFailures)
					}
					if err != nil {
						errs <- err
						return
					}
				}
				tok, _, err := server.CreateActivation(ctx, st, now, user, "Burst Burstesen", "default", 0)
				if err != nil {
					errs <- err
					return
				}
				tokens[i] = tok
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return tokens, nil
}

// resetPeakRSS starts VmHWM afresh (Linux: /proc/self/clear_refs).
func resetPeakRSS() { os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS is the process's peak resident set in bytes (Linux; 0 elsewhere).
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// logOut is where the handler logs: stderr with BURST_LOG=1, else nowhere.
func logOut() io.Writer {
	if os.Getenv("BURST_LOG") == "1" {
		return os.Stderr
	}
	return io.Discard
}

// burstResult is what burst measured.
type burstResult struct {
	elapsed       time.Duration
	people, done  int
	statuses      map[int]int
	bare503       int // 503 answers without Retry-After
	errors        int
	p50, p99, max time.Duration
	personP99     time.Duration
}

func (r burstResult) rate() float64 { return float64(r.done) / r.elapsed.Seconds() }

func (r burstResult) String() string {
	return fmt.Sprintf("%d completes in %v (%.1f/s) by %d people; requests p50 %v p99 %v max %v; person p99 %v; answers %v; 503 without Retry-After %d; transport errors %d",
		r.done, r.elapsed.Round(time.Millisecond), r.rate(), r.people, r.p50, r.p99, r.max, r.personP99, r.statuses, r.bare503, r.errors)
}

// burst runs workers senders for d: each takes the next person's body and
// sends it until it succeeds, waiting Retry-After after a 503.
func burst(ctx context.Context, url string, bodies [][]byte, workers int, d time.Duration) burstResult {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers, MaxConnsPerHost: workers}}
	var (
		mu      sync.Mutex
		next    int
		res     = burstResult{statuses: map[int]int{}}
		lat     []time.Duration
		persons []time.Duration
		wg      sync.WaitGroup
	)
	start := time.Now()
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				mu.Lock()
				if next == len(bodies) {
					mu.Unlock()
					return
				}
				body := bodies[next]
				next++
				res.people++
				mu.Unlock()
				first := time.Now()
				for ctx.Err() == nil {
					req, _ := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					t0 := time.Now()
					resp, err := client.Do(req)
					if err != nil {
						if ctx.Err() == nil {
							mu.Lock()
							res.errors++
							mu.Unlock()
						}
						break
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					took := time.Since(t0)
					mu.Lock()
					lat = append(lat, took)
					res.statuses[resp.StatusCode]++
					if resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusNoContent {
						res.done++
						persons = append(persons, time.Since(first))
						mu.Unlock()
						break
					}
					mu.Unlock()
					if resp.StatusCode != http.StatusServiceUnavailable {
						break // anything else: this person gives up
					}
					secs, err := strconv.Atoi(resp.Header.Get("Retry-After"))
					if err != nil || secs <= 0 {
						mu.Lock()
						res.bare503++
						mu.Unlock()
						secs = 1
					}
					select {
					case <-ctx.Done():
					case <-time.After(time.Duration(secs) * time.Second):
					}
				}
			}
		})
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	pct := func(v []time.Duration, p int) time.Duration {
		if len(v) == 0 {
			return 0
		}
		slices.Sort(v)
		return v[min(len(v)-1, len(v)*p/100)]
	}
	res.p50, res.p99, res.personP99 = pct(lat, 50), pct(lat, 99), pct(persons, 99)
	if len(lat) > 0 {
		res.max = lat[len(lat)-1]
	}
	return res
}
