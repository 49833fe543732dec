// Command loadbench measures the backend on loopback with the bounded load
// generator: /api/validate (breach lookups served by the local fake) and
// /api/activation/complete (Argon2id plus a 5-entry history checked in
// parallel) on SQLite and, with -pg, on a throwaway PostgreSQL (pgtest). It
// prints the figures and, with -file, writes them into the server section
// of BENCHMARKS.md.
package main

import (
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
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/internal/benchsection"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/breach"
	"github.com/styrke-iam/styrke/server/breach/breachtest"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/loadtest"
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
		fmt.Fprintln(os.Stderr, "loadbench:", err)
		os.Exit(1)
	}
}

type config struct {
	file                 string
	pg, ad               bool
	validateN, completeN int
	workers, cworkers    int
	duration             time.Duration
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("loadbench", flag.ContinueOnError)
	var c config
	fs.StringVar(&c.file, "file", "", "BENCHMARKS.md to write the server section into")
	fs.BoolVar(&c.pg, "pg", true, "also measure on a throwaway PostgreSQL")
	fs.BoolVar(&c.ad, "ad", true, "also measure complete with the password set in a throwaway Samba AD (SQLite store)")
	fs.IntVar(&c.validateN, "validate-n", 50000, "most /api/validate requests")
	fs.IntVar(&c.completeN, "complete-n", 200, "most /api/activation/complete requests")
	fs.IntVar(&c.workers, "workers", 16, "concurrent senders for validate")
	fs.IntVar(&c.cworkers, "complete-workers", 4, "concurrent senders for complete")
	fs.DurationVar(&c.duration, "duration", 20*time.Second, "most time per measurement")
	if err := fs.Parse(args); err != nil {
		return err
	}
	fake := breachtest.Start()
	defer fake.Close()
	for i := range 1000 {
		fake.Add(fmt.Sprintf("Passord%04d", i), i+1)
	}
	tmp, err := os.MkdirTemp("", "loadbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)

	type row struct {
		name, store string
		r           loadtest.Result
	}
	var rows []row
	dsns := []struct{ name, dsn string }{{"SQLite", "sqlite:" + filepath.Join(tmp, "bench.db")}}
	if c.pg {
		pg, err := pgtest.Start()
		if err != nil {
			return fmt.Errorf("postgres: %w", err)
		}
		defer pg.Stop()
		dsn, err := pg.CreateDatabase(ctx)
		if err != nil {
			return err
		}
		dsns = append(dsns, struct{ name, dsn string }{"PostgreSQL", dsn})
	}
	for i, d := range dsns {
		st, err := backend.Open(ctx, d.dsn)
		if err != nil {
			return err
		}
		base, closeSrv, err := start(st, fake.URL(), nil)
		if err != nil {
			st.Close()
			return err
		}
		if i == 0 {
			r, err := benchValidate(ctx, base, c)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "validate: %v\n", r)
			rows = append(rows, row{"/api/validate", "(none)", r})
		}
		r, err := benchComplete(ctx, st, base, c, nil)
		closeSrv()
		st.Close()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "complete on %s: %v\n", d.name, r)
		rows = append(rows, row{"/api/activation/complete", d.name, r})
	}
	if c.ad {
		r, err := benchCompleteAD(ctx, filepath.Join(tmp, "ad.db"), fake.URL(), c)
		if err != nil {
			return fmt.Errorf("samba ad: %w", err)
		}
		fmt.Fprintf(stdout, "complete on SQLite + Samba AD: %v\n", r)
		rows = append(rows, row{"/api/activation/complete", "SQLite + Samba AD", r})
	}
	if c.file == "" {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Measured by `scripts/bench-server.sh` (server/loadtest/loadbench) on %d cores (GOMAXPROCS %d), %s, %s: a real `http.Server` on loopback with the whole `server.NewHandler` stack (request id, logging to io.Discard, security headers; rate limits off), a keep-alive client in the same process. `/api/validate`: policy `default`, 1,000 distinct passwords, breach ranges served by the local fake (breachtest) through the client's prefix cache, %d workers. `complete`: a fresh activation per request whose account already has 5 history entries, so each request is 5 Argon2id verifications (in parallel) plus one Argon2id hash (m=19 MiB, t=2, p=1) and one transaction; %d workers.\n\n",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.GOOS+"/"+runtime.GOARCH, time.Now().UTC().Format("2006-01-02"), c.workers, c.cworkers)
	b.WriteString("| route | store | requests | req/s | p50 | p99 | statuses |\n|---|---|---:|---:|---:|---:|---|\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "| `%s` | %s | %d | %.0f | %v | %v | %v |\n", r.name, r.store, r.r.Requests, r.r.RPS(),
			r.r.P50.Round(10*time.Microsecond), r.r.P99.Round(10*time.Microsecond), r.r.Statuses)
	}
	b.WriteString("\nTargets (issue 5): `/api/validate` at least 5,000 req/s with p99 under 20 ms; `complete` bound by Argon2id. Issue 10: `complete` with the directory write (Samba AD DC from Debian on loopback, LDAPS, a fresh connection and service-account bind per write, the account searched by sAMAccountName, then unicodePwd replaced) p99 at most 1.2 s.\n")
	return benchsection.Write(c.file, "server", "## Server\n\n"+strings.TrimSpace(b.String())+"\n")
}

func start(st store.Store, breachURL string, dirs *directory.Set) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	h := server.NewHandler(server.Deps{
		Store:           st,
		Breach:          breach.New(breachURL, breach.Options{}),
		Directories:     dirs,
		Logger:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		RateLimit:       -1,
		TokenRateLimit:  -1,
		BreachRateLimit: -1,
	})
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

func benchValidate(ctx context.Context, base string, c config) (loadtest.Result, error) {
	bodies := make([][]byte, 1000)
	for i := range bodies {
		pw := fmt.Sprintf("Passord%04d", i)
		if i%2 == 1 {
			pw = fmt.Sprintf("Kveldssol over Lyngen %04d!", i)
		}
		bodies[i], _ = json.Marshal(map[string]string{"policy": "default", "password": pw, "username": "kari"})
	}
	o := loadtest.Options{URL: base + "/api/validate", Body: func(i int) []byte { return bodies[i%len(bodies)] }, Workers: c.workers, Duration: c.duration}
	// Warm up: connections and the breach cache.
	o.Requests = 2000
	if _, err := loadtest.Run(ctx, o); err != nil {
		return loadtest.Result{}, err
	}
	o.Requests = c.validateN
	return loadtest.Run(ctx, o)
}

// benchComplete measures complete on fresh activations whose accounts have
// 5 history entries; newUser, when given, creates each account first (in
// the directory).
func benchComplete(ctx context.Context, st store.Store, base string, c config, newUser func(string) error) (loadtest.Result, error) {
	// Five history hashes, computed once and given to every account.
	hist := make([]string, 5)
	for i := range hist {
		h, err := passhash.Hash(fmt.Sprintf("Gammelt passord nummer %d!", i))
		if err != nil {
			return loadtest.Result{}, err
		}
		hist[i] = h
	}
	now := time.Now()
	tokens := make([]string, c.completeN)
	for i := range tokens {
		// Short enough for AD's 20-character sAMAccountName.
		user := fmt.Sprintf("b%05d-%06d", now.UnixNano()/1e3%100000, i)
		if newUser != nil {
			if err := newUser(user); err != nil {
				return loadtest.Result{}, err
			}
		}
		for _, h := range hist {
			tok, _, err := server.CreateActivation(ctx, st, now, user, "Bench Benchesen", "default", 0)
			if err != nil {
				return loadtest.Result{}, err
			}
			if err := st.Complete(ctx, server.HashToken(tok), nil, now, h, 5, server.MaxFailures); err != nil {
				return loadtest.Result{}, err
			}
		}
		tok, _, err := server.CreateActivation(ctx, st, now, user, "Bench Benchesen", "default", 0)
		if err != nil {
			return loadtest.Result{}, err
		}
		tokens[i] = tok
	}
	bodies := make([][]byte, len(tokens))
	for i, tok := range tokens {
		bodies[i], _ = json.Marshal(map[string]string{"token": tok, "password": "Kveldssol over Lyngen-fjorden 42!"})
	}
	return loadtest.Run(ctx, loadtest.Options{URL: base + "/api/activation/complete", Body: func(i int) []byte { return bodies[i] },
		Workers: c.cworkers, Requests: len(bodies), Duration: c.duration})
}
