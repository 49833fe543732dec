package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"maps"
	"math"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/breach"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/oidc"
	"github.com/styrke-iam/styrke/server/passhash"
	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/backend"
	"github.com/styrke-iam/styrke/server/store/postgres"
	"github.com/styrke-iam/styrke/server/store/sqlite"
)

// demoTTL is the lifetime of the demo activation link of --demo.
const demoTTL = 30 * time.Minute

// serveConfig is styrke serve's configuration: each flag --name is also the
// environment variable STYRKE_NAME (the flag wins).
type serveConfig struct {
	addr, db, data, site, breachURL, adminKey, origins, logLevel, baseURL string
	loginURLs                                                             string
	hashMemory, breachRate                                                string
	demo, trustProxy                                                      bool

	// The service desk and operations.
	desk                                                                  deskConfig
	metricsAddr, auditRetention, recordRetention, notifyPoll, notifyRetry string
	remindWithin, remindEvery                                             string
}

// envFlags registers the string flags of names, each defaulting to
// STYRKE_<NAME> when set and to def otherwise.
func envString(fs *flag.FlagSet, getenv func(string) string, p *string, name, def, usage string) {
	env := "STYRKE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
	v := getenv(env)
	if secretSettings[name] {
		// -h prints a flag's default: the variable's value is not shown,
		// only that the variable exists.
		fs.StringVar(p, name, def, usage+" (env "+env+", or "+env+"_FILE naming a file that holds it)")
		if v != "" {
			*p = v
		}
		return
	}
	if v != "" {
		def = v
	}
	fs.StringVar(p, name, def, usage+" (env "+env+")")
}

// secretSettings are the settings that are a secret or may hold one (a
// password in a URL). Their values from the environment are not printed
// by -h, and each may come from a file named by its variable with _FILE
// (secretEnv): a flag's value shows in `ps`.
var secretSettings = map[string]bool{"admin-key": true, "db": true, "copy-to": true, "smtp-url": true, "twilio-secret": true}

// secretEnv returns getenv with each secret setting's STYRKE_X_FILE
// read: STYRKE_X is then the file's content (its last line break
// dropped), as systemd credentials and container secrets give them. Both
// STYRKE_X and STYRKE_X_FILE set, a file that cannot be read and an empty
// file are errors naming the variable, never the content.
func secretEnv(getenv func(string) string) (func(string) string, error) {
	from := map[string]string{}
	for name := range secretSettings {
		env := "STYRKE_" + strings.ToUpper(strings.ReplaceAll(name, "-", "_"))
		file := getenv(env + "_FILE")
		if file == "" {
			continue
		}
		if getenv(env) != "" {
			return nil, fmt.Errorf("%s and %s are both set: give one", env, env+"_FILE")
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", env+"_FILE", err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		if v == "" {
			return nil, fmt.Errorf("%s: %s is empty", env+"_FILE", file)
		}
		from[env] = v
	}
	if len(from) == 0 {
		return getenv, nil
	}
	return func(k string) string {
		if v, ok := from[k]; ok {
			return v
		}
		return getenv(k)
	}, nil
}

// dataDir is the per-user data directory: $XDG_DATA_HOME/styrke or
// ~/.local/share/styrke.
func dataDir(getenv func(string) string) string {
	if d := getenv("XDG_DATA_HOME"); d != "" {
		return filepath.Join(d, "styrke")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".local", "share", "styrke")
	}
	return filepath.Join(os.TempDir(), "styrke")
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	err := l.UnmarshalText([]byte(s))
	return l, err
}

// defaultDB is the store's DSN when --db is not given: the SQLite file in
// the data directory.
func defaultDB(data string) string { return "sqlite:" + filepath.Join(data, "styrke.db") }

// openStore opens the store of db, or the SQLite file in data (created)
// when db is empty, and returns the DSN it used.
func openStore(ctx context.Context, db, data string, stdout io.Writer) (store.Store, string, error) {
	if db == "" {
		if err := os.MkdirAll(data, 0o700); err != nil {
			return nil, "", fmt.Errorf("--data: %w", err)
		}
		db = defaultDB(data)
		fmt.Fprintf(stdout, "data directory: %s\n", data)
	} else if path, ok := sqlite.ParseDSN(db); ok {
		// A folder --db names must exist: a mistyped path made it, and an
		// empty store in it.
		if dir := filepath.Dir(path); dir != "." {
			if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
				return nil, "", fmt.Errorf("--db: the folder %s does not exist; create it first (a new database is made only in a folder that exists)", dir)
			}
		}
	}
	if path, ok := sqlite.ParseDSN(db); ok {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			fmt.Fprintf(stdout, "new database: %s\n", path)
		}
	}
	// Said first: the schema's migrations wait while another instance
	// runs them, and a process that printed nothing meanwhile looked hung
	// (and a liveness probe could kill it with no reason in the log).
	fmt.Fprintln(stdout, "opening the store (waiting for another instance's schema migration, if one runs)")
	st, err := backend.Open(ctx, db)
	if err != nil {
		return nil, "", fmt.Errorf("--db: %w", err)
	}
	sayMigrated(stdout, st)
	return st, db, nil
}

// sayMigrated says once what opening st did to its schema: made it, or
// migrated it from one version to another, after which an older build no
// longer opens it (the log said nothing of when that was passed).
func sayMigrated(stdout io.Writer, st store.Store) {
	m, ok := st.(interface{ Migrated() (from, to int) })
	if !ok {
		return
	}
	switch from, to := m.Migrated(); {
	case from == to:
	case from == 0:
		fmt.Fprintf(stdout, "store: a new database, schema version %d\n", to)
	default:
		fmt.Fprintf(stdout, "store: migrated the database schema from version %d to %d; a build older than this one no longer opens it\n", from, to)
	}
}

// openDeskStore is openStore for a desk command that adds to the store
// (activation create, import, welcome; account import): it migrates, but a
// SQLite file that does not exist is an error naming it. Such a command
// made a new empty store where STYRKE_DB was forgotten, printed a link that
// lived in it, and exited 0; serve never saw the link.
func openDeskStore(ctx context.Context, db, data string) (store.Store, error) {
	path, ok := sqlite.ParseDSN(db)
	if db == "" {
		path, ok = filepath.Join(data, "styrke.db"), true
	}
	if ok {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no database at %s (the desk's commands create none): give --db (STYRKE_DB) or --data as styrke serve has them, or start styrke serve once to create it", path)
		}
	}
	st, _, err := openStore(ctx, db, data, io.Discard)
	return st, err
}

// openExistingStore is openStore for a command that only reads or changes
// what is stored (audit, activation list, revoke, resend): a SQLite file
// that does not exist is an error naming it, not a new empty store (a
// mistyped --db answered "nothing"), and the schema is not migrated (a
// newer binary run to read would move it under the server; a role that may
// only read could not open it): a store of another schema version than
// this program's is refused, naming both. A PostgreSQL database is never
// created by Styrke anyway.
func openExistingStore(ctx context.Context, db, data string) (store.Store, error) {
	if db == "" {
		db = defaultDB(data)
	}
	if path, ok := sqlite.ParseDSN(db); ok {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("no database at %s (this command creates none): check --db or --data", path)
		}
	}
	st, err := backend.OpenCurrent(ctx, db)
	if err != nil {
		return nil, fmt.Errorf("--db: %w", err)
	}
	return st, nil
}

// runServe serves the site and the API until ctx ends, then drains requests
// in flight for up to 10 s and closes the store.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c serveConfig
	envString(fs, getenv, &c.addr, "addr", defaultAddr, "address to listen on")
	envString(fs, getenv, &c.db, "db", "", "store: sqlite:PATH or postgres://... (default: SQLite in --data)")
	envString(fs, getenv, &c.data, "data", dataDir(getenv), "data directory for the default SQLite store")
	envString(fs, getenv, &c.site, "site", "", "directory of the built site to serve (default: dist if present)")
	envString(fs, getenv, &c.breachURL, "breach-url", breach.DefaultURL, "base URL of the breach range API")
	envString(fs, getenv, &c.breachRate, "breach-rate", "0.5", "breach lookups a second each client address may make upstream, after a burst of 10 (the range API of the pages' meters and /api/validate; people behind one NAT address share it)")
	envString(fs, getenv, &c.adminKey, "admin-key", "", "bearer key of the admin API, /api/admin/* (empty: disabled)")
	envString(fs, getenv, &c.origins, "origins", "", "comma-separated origins allowed to call /api/validate")
	envString(fs, getenv, &c.logLevel, "log-level", "info", "debug, info, warn or error")
	envString(fs, getenv, &c.baseURL, "base-url", "", "public URL of the site, for activation links (default http://ADDR)")
	envString(fs, getenv, &c.loginURLs, "login-url", "",
		"where people log in with the password set in the directory, linked from the done page: URL, or INSTITUTION=URL, comma-separated")
	envString(fs, getenv, &c.hashMemory, "hash-memory", "",
		"MiB of memory that password hashing (Argon2id, 19 MiB a hash) may use at once; more requests wait, then get 503 (default: two hashes per CPU)")
	dirFlags := addDirectoryFlags(fs, getenv)
	fs.BoolVar(&c.trustProxy, "trust-proxy", envTrue(getenv, "STYRKE_TRUST_PROXY"),
		"behind one load balancer or proxy: rate-limit by the address it appends to X-Forwarded-For (env STYRKE_TRUST_PROXY=true)")
	var rc resetConfig
	registerResetFlags(fs, getenv, &rc)
	envString(fs, getenv, &c.desk.adminKeysFile, "admin-keys-file", "", "file of named admin keys, one \"name key\" a line (keys of 32+ characters)")
	envString(fs, getenv, &c.metricsAddr, "metrics-addr", "", "address for Prometheus metrics at /metrics (empty: off)")
	envString(fs, getenv, &c.auditRetention, "audit-retention", "400d", "how long audit events are kept (e.g. 400d, 8760h; 0: forever)")
	envString(fs, getenv, &c.recordRetention, "record-retention", "90d", "how long links (with the addresses they were sent to) and notices are kept after they end: used, revoked, expired, sent (e.g. 90d; 0: forever). What runs out goes at once: ID-porten sign-ins, a reset session's date of birth")
	envString(fs, getenv, &c.notifyPoll, "notify-poll", "5s", "how often the notification worker looks for due messages")
	envString(fs, getenv, &c.notifyRetry, "notify-retry", "30s", "wait before a failed notice's first retry; it doubles per attempt up to 1h")
	envString(fs, getenv, &c.remindWithin, "remind-within", "",
		"tell people whose password the directory expires within these windows, by e-mail and SMS, once per window: e.g. 14d,3d (empty: off; see styrke directory remind)")
	envString(fs, getenv, &c.remindEvery, "remind-every", "24h", "how often --remind-within looks (it also looks at start)")
	c.desk.flags(fs, getenv)
	fs.BoolVar(&c.demo, "demo", envTrue(getenv, "STYRKE_DEMO"),
		"for trying it out (make run): with no --admin-key and no --db, create and print an activation link for the account demo, valid "+demoTTL.String()+" (env STYRKE_DEMO=true)")
	if err := parseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "serve: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if c.baseURL != "" {
		if err := checkBaseURL(c.baseURL); err != nil {
			fmt.Fprintf(stderr, "serve: %v\n", err)
			return errUsage
		}
	}
	if err := checkOrigins(c.origins); err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return errUsage
	}
	if err := checkBoolEnvs(getenv); err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return errUsage
	}
	loginURLs, err := parseLoginURLs(c.loginURLs)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return errUsage
	}
	level, err := parseLevel(c.logLevel)
	if err != nil {
		fmt.Fprintf(stderr, "serve: --log-level: %v\n", err)
		return errUsage
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level, ReplaceAttr: describeStoreErrors}))
	if c.hashMemory != "" {
		mib, err := strconv.ParseUint(c.hashMemory, 10, 32)
		// At least one hash's memory: below it each hash still takes its
		// 19 MiB, over the stated cap.
		least := uint64(passhash.Default.Memory) / 1024
		if err != nil || mib < least {
			fmt.Fprintf(stderr, "serve: --hash-memory: want a whole number of MiB, at least %d (one hash's)\n", least)
			return errUsage
		}
		passhash.SetWorkLimits(passhash.WorkLimits{Memory: mib * 1024})
	}
	breachRate, err := strconv.ParseFloat(c.breachRate, 64)
	if err != nil || !(breachRate > 0) || math.IsInf(breachRate, 0) {
		fmt.Fprintln(stderr, "serve: --breach-rate: want a number of lookups a second above 0, such as 0.5")
		return errUsage
	}
	keys, err := adminKeys(c.desk.adminKeysFile, c.adminKey)
	if err != nil {
		return err
	}
	deskDeps, err := c.desk.build()
	if err != nil {
		return err
	}
	deskDeps.AdminKeys, deskDeps.AdminKeysFile = keys, c.desk.adminKeysFile
	retention, err := server.ParseDays(c.auditRetention)
	if err != nil {
		return fmt.Errorf("--audit-retention: %w", err)
	}
	records, err := server.ParseDays(c.recordRetention)
	if err != nil {
		return fmt.Errorf("--record-retention: %w", err)
	}
	poll, err := time.ParseDuration(c.notifyPoll)
	if err != nil || poll <= 0 {
		return fmt.Errorf("--notify-poll: %q is not a positive duration", c.notifyPoll)
	}
	retry, err := time.ParseDuration(c.notifyRetry)
	if err != nil || retry <= 0 {
		return fmt.Errorf("--notify-retry: %q is not a positive duration", c.notifyRetry)
	}

	dirs, err := dirFlags.open(getenv)
	if err != nil {
		return err
	}
	// The sweep's and the reminders' desks too: which institutions'
	// usernames are one person's, whose address on file is theirs.
	deskDeps.Directories = dirs
	var (
		windows     []time.Duration
		remindEvery time.Duration
		targets     []remindTarget
	)
	if c.remindWithin != "" {
		if windows, err = parseWindows(c.remindWithin); err != nil {
			return fmt.Errorf("--remind-within: %w", err)
		}
		if remindEvery, err = time.ParseDuration(c.remindEvery); err != nil || remindEvery < time.Minute {
			return fmt.Errorf("--remind-every: %q is not a duration of a minute or more", c.remindEvery)
		}
		if targets = remindTargets(dirs); len(targets) == 0 {
			return fmt.Errorf("--remind-within: no directory expires passwords (--directory none): there is nothing to remind of")
		}
	}

	var site http.Handler
	if c.site == "" {
		if fi, err := os.Stat("dist"); err == nil && fi.IsDir() {
			c.site = "dist"
		}
	}
	if c.site != "" {
		if site, err = server.Static(c.site); err != nil {
			return err
		}
	}
	defaultDB := c.db == ""
	st, dsn, err := openStore(ctx, c.db, c.data, stdout)
	if err != nil {
		return err
	}
	defer st.Close()

	ln, err := net.Listen("tcp", c.addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	if c.baseURL == "" {
		c.baseURL = addrURL(ln.Addr().String())
	}
	if c.metricsAddr != "" {
		deskDeps.Metrics = server.NewMetrics(st, nil)
		deskDeps.Metrics.WatchDirectories(dirs.Of(servedIDs(deskDeps.Institutions)))
		mln, err := net.Listen("tcp", c.metricsAddr)
		if err != nil {
			ln.Close()
			return fmt.Errorf("metrics listen: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", deskDeps.Metrics.Handler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
		go msrv.Serve(mln)
		defer msrv.Close()
		fmt.Fprintf(stdout, "metrics on http://%s/metrics\n", mln.Addr())
	}
	wctx, stopWorkers := context.WithCancel(ctx)
	waitWorkers := startWorkers(wctx, st, &deskDeps, retention, records, poll, retry, logger)
	defer func() { stopWorkers(); waitWorkers() }()
	// Instances on one PostgreSQL share leases by their own clocks.
	clockDone := make(chan struct{})
	go func() { server.WatchClock(wctx, st, nil, logger); close(clockDone) }()
	defer func() { stopWorkers(); <-clockDone }()
	if len(targets) > 0 {
		waitReminders := startReminders(wctx, server.NewDesk(st, c.baseURL, deskDeps, logger, nil), targets, windows, remindEvery, logger)
		defer func() { stopWorkers(); waitReminders() }()
	}
	var origins []string
	for o := range strings.SplitSeq(c.origins, ",") {
		if o = strings.TrimSpace(o); o != "" {
			origins = append(origins, o)
		}
	}
	deps := server.Deps{
		Store:           st,
		Breach:          breach.New(c.breachURL, breach.Options{}),
		BreachRateLimit: breachRate,
		AdminKey:        c.adminKey,
		BaseURL:         c.baseURL,
		LoginURLs:       loginURLs,
		Origins:         origins,
		Site:            site,
		Logger:          logger,
		TrustProxy:      c.trustProxy,
		DeskDeps:        deskDeps,
		ServiceDesk:     c.desk.serviceDesk,
		Directories:     dirs,
	}
	if err := rc.apply(&deps, c.baseURL); err != nil {
		ln.Close()
		return err
	}
	h := server.NewHandler(deps)
	fmt.Fprintln(stdout, version())
	// Files of secrets and personal data that others on the machine may
	// read: said, not changed (the operator's to decide).
	files := map[string]string{"identity key (--identity-key-file)": rc.identityKeyFile,
		"ID-porten client key (--idporten-client-key-file)":       rc.keyFile,
		"ID-porten client secret (--idporten-client-secret-file)": rc.secretFile}
	if path, ok := sqlite.ParseDSN(dsn); ok {
		files["database (--db)"] = path
	}
	for _, what := range slices.Sorted(maps.Keys(files)) {
		if mode := othersMayRead(files[what]); mode != 0 {
			logger.Warn("a file others on this machine may read", "file", what, "path", files[what], "mode", fmt.Sprintf("%04o", mode), "fix", "chmod 600")
		}
	}
	fmt.Fprintf(stdout, "store: %s\n", backend.Redact(dsn))
	for _, line := range describe(dirs) {
		fmt.Fprintln(stdout, line)
	}
	// Open links of an institution whose policy left the build.
	go func() {
		wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		server.WarnUnknownInstitutions(wctx, st, time.Now(), logger)
	}()
	served := servedIDs(deskDeps.Institutions)
	// A directory that does not answer (a closed port, a wrong service
	// account password) is said at once, not only by /readyz: the server
	// still starts, and recovers when the directory does. Only the
	// directories of the institutions served: /readyz and the gauge leave
	// the others out.
	for _, d := range dirs.Of(served) {
		go checkAtStart(ctx, startCheckTime, logger, dirs, d, served)
	}
	if c.site != "" {
		fmt.Fprintf(stdout, "site: %s\n", c.site)
	} else {
		// The links in mails open pages this server then does not have.
		fmt.Fprintln(stdout, "site: none (no --site, and no ./dist): the API alone; the pages must come from another host, or build them (go run ./build) and give --site")
	}
	if len(deskDeps.Institutions) > 0 {
		fmt.Fprintf(stdout, "institutions served: %s\n", strings.Join(deskDeps.Institutions, ", "))
	} else {
		fmt.Fprintln(stdout, "institutions served: all built-in ones (set --institutions to those of this installation)")
	}
	if listen := addrURL(ln.Addr().String()); listen != c.baseURL {
		fmt.Fprintf(stdout, "public URL (links): %s\n", c.baseURL)
	}
	fmt.Fprintf(stdout, "listening on http://%s\n", ln.Addr())
	if deskDeps.Mailer == nil {
		fmt.Fprintln(stdout, "e-mail disabled (no --smtp-url): links are not mailed, change notices wait in the queue")
	}
	// Messages tell people to contact the service desk ("was it not you?
	// contact the service desk at once"): without a way to reach it, they
	// name none.
	if deskDeps.Mailer != nil || deskDeps.SMS != nil {
		var without []string
		for _, id := range policy.Institutions() {
			if deskDeps.Templates.Profile(id).ServiceDesk == "" {
				without = append(without, id)
			}
		}
		if len(without) > 0 {
			logger.Warn("messages name no service desk to contact: set --service-desk, or serviceDesk in --templates' institutions.json", "institutions", strings.Join(without, ","))
		}
	}
	if len(targets) > 0 {
		ids := make([]string, len(targets))
		for i, tg := range targets {
			ids[i] = tg.institution
		}
		fmt.Fprintf(stdout, "expiry reminders: within %s, every %s, for %s\n", c.remindWithin, remindEvery, strings.Join(ids, ", "))
	}
	if deps.Identities != nil {
		// An identity key other than the one the numbers were imported
		// with: no reset finds an account. Said at start; the activation
		// and the change work without it.
		kctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		if err := server.CheckIdentityKey(kctx, st, deps.Identities); err != nil {
			logger.Error("the reset will find no account", "err", err)
			fmt.Fprintf(stdout, "identity key: %v\n", err)
		}
		cancel()
	}
	if deps.IDPorten != nil {
		fmt.Fprintf(stdout, "reset with ID-porten: %s\n", rc.issuer)
		// A registration or key ID-porten refuses is said at start, not
		// at the first person's sign-in (the server starts anyway: the
		// activation and the change need no ID-porten).
		go checkIDPorten(ctx, deps.IDPorten, logger)
	} else {
		fmt.Fprintln(stdout, "reset with ID-porten: not configured (no --idporten-issuer)")
	}
	if c.adminKey == "" && len(keys) == 0 {
		fmt.Fprintln(stdout, "admin API disabled (no --admin-key or --admin-keys-file)")
		if c.demo && defaultDB {
			token, exp, err := server.CreateActivation(ctx, st, time.Now(), "demo", "Demo Demosen", "default", demoTTL)
			if err != nil {
				return fmt.Errorf("demo activation: %w", err)
			}
			fmt.Fprintf(stdout, "demo activation link: %s\n", server.Link(c.baseURL, "nb", token))
			fmt.Fprintf(stdout, "demo link expires: %s\n", exp.Format(time.RFC3339))
		}
	}
	return serve(ctx, ln, h, logger)
}

// serve runs h on ln until ctx ends, then shuts down gracefully (10 s).
func serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       15 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	logger.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	<-errc
	logger.Info("stopped")
	return nil
}

// checkIDPorten begins one sign-in with ID-porten, as a person's would (the
// discovery document, and with PAR the pushed request, which proves the
// client's registration, key and redirect URI), and logs what it finds: an
// error for a configuration ID-porten refuses, a warning when it does not
// answer. Nothing is kept of the sign-in; ID-porten forgets it in a minute.
func checkIDPorten(ctx context.Context, idp *oidc.Client, logger *slog.Logger) {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	_, _, err := idp.Begin(ctx, oidc.AuthRequest{})
	switch {
	case err == nil:
		logger.Info("ID-porten answered a sign-in's start")
	case ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded):
	case errors.Is(err, oidc.ErrConfig):
		logger.Error("ID-porten refuses this client's configuration; no reset will work until it is fixed", "err", err)
	default:
		logger.Warn("ID-porten did not answer at start; the reset waits for it", "err", err)
	}
}

// othersMayRead returns path's permission bits when its group or others
// may read or write it, 0 otherwise (or when there is no such file).
func othersMayRead(path string) os.FileMode {
	if path == "" {
		return 0
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm()&0o066 == 0 {
		return 0
	}
	return fi.Mode().Perm()
}

// describeStoreErrors is serve's log's ReplaceAttr: an error that is
// PostgreSQL's outage is said in words (postgres.Describe: what failed,
// where, whether the server refused or ended the connection), not in
// pgconn's text, wherever the store's error is logged (requests, the
// notice queue, the sweeps). Other attributes are as they are.
func describeStoreErrors(_ []string, a slog.Attr) slog.Attr {
	if a.Value.Kind() != slog.KindAny {
		return a
	}
	if err, ok := a.Value.Any().(error); ok {
		if d, ok := postgres.Describe(err); ok {
			return slog.Any(a.Key, d)
		}
	}
	return a
}

// servedIDs are the institutions served: ids, or every built-in one when
// ids is empty (--institutions all).
func servedIDs(ids []string) []string {
	if len(ids) == 0 {
		return policy.Institutions()
	}
	return ids
}

// startCheckTime is the time limit of each of serve's checks of a
// directory at its start.
const startCheckTime = 10 * time.Second

// checkAtStart logs what serve's start finds of directory d: that it does
// not answer or refuses Styrke's settings (the other checks are then
// left), the service account's rights, and the conflicts of its rules with
// the policies of the institutions in served (warnConflicts). Each check
// has limit of its own: they shared one, and a directory slow to list the
// rights of many accounts left the conflicts unchecked, and unsaid; a
// failed read of the rights no longer leaves them either.
func checkAtStart(ctx context.Context, limit time.Duration, logger *slog.Logger, dirs *directory.Set, d directory.Directory, served []string) {
	pctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	if err := d.Ping(pctx); err != nil {
		if ctx.Err() == nil {
			// /readyz lists a directory that does not answer (every
			// instance shares it) and answers 503 for one that refuses
			// Styrke's settings.
			why := "/readyz answers 503 until its settings are mended (styrke directory check says what is wrong)"
			if errors.Is(err, directory.ErrUnavailable) {
				why = "/readyz names it as unavailable until it answers"
			}
			logger.Warn("directory not ready at start; "+why, "directory", d.String(), "err", err)
		}
		return
	}
	// A right the service account lacks showed only when the first person
	// set a password (503 directory_error).
	rctx, rcancel := context.WithTimeout(ctx, limit)
	defer rcancel()
	found, err := d.Rights(rctx)
	if err != nil && ctx.Err() == nil {
		logger.Warn("directory: could not read the service account's rights at start", "directory", d.String(), "err", err)
	}
	for _, f := range found {
		if f.Conflict {
			logger.Warn("directory: MISSING RIGHT: "+f.Text, "directory", d.String())
		} else {
			logger.Info("directory: rights: "+f.Text, "directory", d.String())
		}
	}
	// A conflict of the directory's own rules with the policy of an
	// institution it serves showed only when it refused a password the
	// page had accepted (AD's complexity rule).
	warnConflicts(ctx, limit, logger, dirs, d, served)
}

// warnConflicts logs, as `styrke directory check` prints them, the
// conflicts of directory d's own password rules with the policies of the
// institutions in served whose directory it is: passwords Styrke accepts
// that d refuses. Settings that cannot be read within limit (each read)
// are logged, unless ctx (the server's) ends meanwhile: a read past its
// limit was not, and the check went unsaid.
func warnConflicts(ctx context.Context, limit time.Duration, logger *slog.Logger, dirs *directory.Set, d directory.Directory, served []string) {
	sctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	s, err := d.Settings(sctx)
	if err != nil {
		if ctx.Err() == nil {
			logger.Warn("directory: could not read its password rules at start", "directory", d.String(), "err", err)
		}
		return
	}
	// The policies of accounts' own it may read, as directory check
	// holds them to the policy too.
	var own []directory.NamedSettings
	if lister, ok := d.(accountPolicyLister); ok {
		lctx, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		if own, err = lister.AccountPolicies(lctx); err != nil && ctx.Err() == nil {
			logger.Warn("directory: could not list the password policies of accounts' own at start", "directory", d.String(), "err", err)
		}
	}
	for _, id := range served {
		p, err := policy.Lookup(id)
		if err != nil || dirs.For(id) != d {
			continue
		}
		for _, f := range directory.Conflicts(p, s) {
			if f.Conflict {
				logger.Warn("directory: CONFLICT for "+id+": "+f.Text+" (styrke directory check lists every conflict and note)", "directory", d.String())
			}
		}
		for _, c := range directory.AccountConflicts(p, own) {
			logger.Warn("directory: CONFLICT for "+id+" (the password policy "+c.DN+", of the accounts it applies to): "+c.Text+" (styrke directory check lists every conflict and note)", "directory", d.String())
		}
	}
}
