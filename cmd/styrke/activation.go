package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/store"
)

const activationUsage = `usage: styrke activation <command> [flags]

commands:
  create   --username U [--name N] [--institution ID] [--email E] [--phone P] [--lang nb|nn|en] [--ttl 72h|7d] [--code]
  list     [--institution ID] [--username U] [--email E] [--phone P] [--state open|used|expired|locked|revoked] [--limit N]
  revoke   --id ID | --username U [--institution ID] | --issued-before TIME [--institution ID] [--dry-run]
  resend   --id ID
  import   --csv FILE [--reissue] [--partial] [--no-deliver] [--code | --welcome] [--institution ID]
  welcome  --username U [--name N] [--institution ID] [--email E] [--phone P] [--lang nb|nn|en] [--again]
           send no link but a welcome to the reset page: sign in with ID-porten, choose a password
           (needs the account's identity number imported, and --idporten-issuer as for serve;
           a person welcomed before is sent nothing without --again)

Every command takes --db/--data (the store), --base-url (links; default, as
for styrke serve: STYRKE_BASE_URL, else http:// and STYRKE_ADDR, else
http://127.0.0.1:8080), and the delivery flags of styrke serve (--smtp-url, --mail-from, --twilio-..., --templates).
`

// activationCmd is what every activation subcommand shares.
type activationCmd struct {
	fs                       *flag.FlagSet
	db, data, baseURL, actor string
	desk                     deskConfig
	// existing: the command reads or changes what is stored, and refuses
	// a store that does not exist (openExistingStore).
	existing bool
}

func newActivationCmd(name string, getenv func(string) string, stderr io.Writer) *activationCmd {
	return newDeskCmd("activation "+name, getenv, stderr)
}

// newDeskCmd is a command of the service desk's flags (the store, the base
// URL, the actor, delivery) named name.
func newDeskCmd(name string, getenv func(string) string, stderr io.Writer) *activationCmd {
	c := &activationCmd{fs: flag.NewFlagSet(name, flag.ContinueOnError)}
	c.fs.SetOutput(stderr)
	envString(c.fs, getenv, &c.db, "db", "", "store: sqlite:PATH or postgres://... (default: SQLite in --data)")
	envString(c.fs, getenv, &c.data, "data", dataDir(getenv), "data directory for the default SQLite store")
	addr := getenv("STYRKE_ADDR")
	if addr == "" {
		addr = defaultAddr
	}
	envString(c.fs, getenv, &c.baseURL, "base-url", addrURL(addr), "public URL of the site, as given to styrke serve (links are built from it; default http:// and STYRKE_ADDR)")
	c.fs.StringVar(&c.actor, "actor", cliActor(), "who is acting, for the audit log")
	c.desk.flags(c.fs, getenv)
	return c
}

func (c *activationCmd) parse(args []string) error {
	if err := parseFlags(c.fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errUsage
	}
	if c.fs.NArg() > 0 {
		fmt.Fprintf(c.fs.Output(), "%s: unexpected argument %q\n", c.fs.Name(), c.fs.Arg(0))
		return errUsage
	}
	if err := checkBaseURL(c.baseURL); err != nil {
		fmt.Fprintf(c.fs.Output(), "%s: %v\n", c.fs.Name(), err)
		return errUsage
	}
	return nil
}

// errHelp: -h was asked for (exit 0).
var errHelp = errors.New("help")

func (c *activationCmd) open(ctx context.Context) (*server.Desk, func(), error) {
	deps, err := c.desk.build()
	if err != nil {
		return nil, nil, err
	}
	open := func() (store.Store, error) { return openDeskStore(ctx, c.db, c.data) }
	if c.existing {
		open = func() (store.Store, error) { return openExistingStore(ctx, c.db, c.data) }
	}
	st, err := open()
	if err != nil {
		return nil, nil, err
	}
	return server.NewDesk(st, c.baseURL, deps, cliLogger(c.fs.Output()), nil), func() { st.Close() }, nil
}

// cliLogger is the desk's logger in a command: its log lines (a delivery's
// failure in detail) go to the command's stderr, without a time, where
// slog's default logger wrote them to the process's, beside the command's
// own lines and out of their order in a test.
func cliLogger(w io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
}

// runActivation is `styrke activation ...`: the service desk's commands.
func runActivation(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, activationUsage)
		return errUsage
	}
	var err error
	switch args[0] {
	case "create":
		err = activationCreate(ctx, args[1:], getenv, stdout, stderr)
	case "list":
		err = activationList(ctx, args[1:], getenv, stdout, stderr)
	case "revoke":
		err = activationRevoke(ctx, args[1:], getenv, stdout, stderr)
	case "resend":
		err = activationResend(ctx, args[1:], getenv, stdout, stderr)
	case "import":
		err = activationImport(ctx, args[1:], getenv, stdout, stderr)
	case "welcome":
		err = activationWelcome(ctx, args[1:], getenv, stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, activationUsage)
		return nil
	default:
		fmt.Fprintf(stderr, "styrke activation: unknown command %q\n%s", args[0], activationUsage)
		return errUsage
	}
	if errors.Is(err, errHelp) {
		return nil
	}
	var fe *server.FieldError
	if errors.As(err, &fe) {
		fmt.Fprintf(stderr, "activation %s: %s\n", args[0], fe.Msg)
		return errUsage
	}
	return err
}

// askDirectories gives d the directories of f, as serve has them (the same
// STYRKE_DIRECTORY...), to ask whether a link's account exists: a mistyped
// username was found only when the person called. The func closes them.
func askDirectories(d *server.Desk, f *directoryFlags, getenv func(string) string) (func(), error) {
	dirs, err := f.open(getenv)
	if err != nil {
		return nil, err
	}
	d.Directories = dirs
	return func() {
		for _, x := range dirs.All() {
			x.Close()
		}
	}, nil
}

// osloTime is t as the person's messages give it, in Norwegian time, for a
// desk person reading it to a caller (UTC was an hour or two off): RFC
// 3339 with Oslo's offset.
func osloTime(t time.Time) string { return t.In(oslo).Format(time.RFC3339) }

// inOslo is t in Norwegian time, as the CLI's JSON lines give every time
// (RFC 3339 with the offset: the same instant for a script, the hour a
// desk person reads to a caller); nil stays nil.
func inOslo(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.In(oslo)
	return &v
}

// printIssued writes the outcome of a create or resend: the link on stdout
// only when no channel delivered it or may have (the only place a token
// ever appears),
// then "code NNNNNNNN" when the link has a one-time code no SMS delivered,
// the id and the deliveries on stderr.
func printIssued(is server.Issued, stdout, stderr io.Writer) error {
	fmt.Fprintf(stderr, "id %s\nexpires %s\n", is.ID, osloTime(is.ExpiresAt))
	if is.Repeated {
		// The same create or resend a moment ago: its link went,
		// nothing was sent.
		for _, w := range is.Warnings {
			fmt.Fprintf(stderr, "note: %s\n", w)
		}
		return nil
	}
	failed := false
	for _, d := range is.Deliveries {
		what := ""
		if d.What != "" {
			what = d.What + " "
		}
		switch {
		case d.OK:
			fmt.Fprintf(stderr, "%sdelivered by %s\n", what, d.Channel)
		case d.Unconfirmed():
			failed = true
			fmt.Fprintf(stderr, "%sUNCONFIRMED by %s: the mail server took the message and did not answer in time, so it may have arrived; "+
				"ask the person before you resend (a resend that is delivered revokes the link in it)\n", what, d.Channel)
		default:
			failed = true
			fmt.Fprintf(stderr, "%sNOT delivered by %s: %s\n", what, d.Channel, d.Error)
		}
	}
	for _, w := range is.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", w)
	}
	if is.ActivatedAt != nil {
		fmt.Fprintf(stderr, "note: this account was activated with a link on %s; the new link sets its password again\n", osloTime(*is.ActivatedAt))
	}
	for _, id := range is.AlsoOpen {
		fmt.Fprintf(stderr, "also open: %s (it still works; revoke it with: styrke activation revoke --id %s)\n", id, id)
	}
	if !is.Sent() {
		fmt.Fprintln(stdout, is.Link)
		if h := server.UndeliveredAdvice(is, cliSteps); h != "" {
			fmt.Fprintf(stderr, "what to do: %s\n", h)
		}
	}
	if is.Code != "" && !is.CodeDelivered() {
		fmt.Fprintln(stdout, "code "+is.Code)
	}
	if failed {
		return errReported
	}
	return nil
}

// cliSteps are the desk's next steps in this CLI's commands (see
// server.UndeliveredAdvice): a command run without serve's delivery
// settings sent nothing.
var cliSteps = server.Steps{
	Link: "the link above", Address: "the address above",
	Create:  "styrke activation create",
	Welcome: "styrke activation welcome",
	Revoke:  func(id string) string { return "styrke activation revoke --id " + id },
	Resend:  func(id string) string { return "styrke activation resend --id " + id },
	NoMail:  "no mail server is set up for this command (--smtp-url or STYRKE_SMTP_URL, as styrke serve has it)",
	NoSMS:   "no SMS provider is set up for this command (--twilio-account-sid and the rest, or STYRKE_TWILIO_…, as styrke serve has them)",
	Again:   "run the command again with serve's settings",
}

func activationCreate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newActivationCmd("create", getenv, stderr)
	var r server.IssueRequest
	c.fs.StringVar(&r.Username, "username", "", "account name")
	c.fs.StringVar(&r.Name, "name", "", "the person's full name")
	c.fs.StringVar(&r.Institution, "institution", "default", "policy id of the institution")
	c.fs.StringVar(&r.Email, "email", "", "e-mail address to deliver the link to (also where change notices go)")
	c.fs.StringVar(&r.Phone, "phone", "", "mobile number to deliver the link to by SMS (E.164; 8 digits are +47)")
	c.fs.StringVar(&r.Lang, "lang", "nb", "language of the messages: nb, nn or en")
	c.fs.BoolVar(&r.Code, "code", false, "the link works only with a one-time code, sent by SMS to --phone (the link goes by e-mail only); --code=false against --activation-code's default")
	c.fs.StringVar(&r.TTLText, "ttl", "", "lifetime of the link, such as 72h or 7d (default: the policy's activationTTL)")
	dirFlags := addDirectoryFlags(c.fs, getenv)
	if err := c.parse(args); err != nil {
		return err
	}
	if r.Username == "" {
		fmt.Fprintln(stderr, "activation create: --username is required")
		return errUsage
	}
	r.CodeSet = flagSet(c.fs, "code")
	d, done, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	closeDirs, err := askDirectories(d, dirFlags, getenv)
	if err != nil {
		return err
	}
	defer closeDirs()
	r.Actor = c.actor
	is, err := d.Issue(ctx, r)
	if err != nil {
		return err
	}
	return printIssued(is, stdout, stderr)
}

func activationList(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newActivationCmd("list", getenv, stderr)
	var f server.ListFilter
	var state string
	c.fs.StringVar(&f.Institution, "institution", "", "only this institution")
	c.fs.StringVar(&f.Username, "username", "", "only this person")
	c.fs.StringVar(&f.Email, "email", "", "only links sent to this e-mail address (a caller who does not know the username)")
	c.fs.StringVar(&f.Phone, "phone", "", "only links sent to this mobile number (\"912 34 567\" or +4791234567)")
	c.fs.StringVar(&state, "state", "", "only this state: open, used, expired, locked, revoked")
	c.fs.IntVar(&f.Limit, "limit", 1000, "at most this many, newest first")
	if err := c.parse(args); err != nil {
		return err
	}
	f.State = server.State(state)
	switch f.State {
	case "", server.StateOpen, server.StateUsed, server.StateExpired, server.StateLocked, server.StateRevoked:
	default:
		fmt.Fprintln(stderr, "activation list: --state must be open, used, expired, locked or revoked")
		return errUsage
	}
	c.existing = true
	d, done, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	list, more, err := d.ListMore(ctx, f)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(stdout)
	for _, v := range list {
		v.CreatedAt, v.ExpiresAt = *inOslo(&v.CreatedAt), *inOslo(&v.ExpiresAt)
		v.DeliveredAt, v.UsedAt, v.RevokedAt = inOslo(v.DeliveredAt), inOslo(v.UsedAt), inOslo(v.RevokedAt)
		if err := enc.Encode(v); err != nil {
			return err
		}
	}
	if len(list) == 0 {
		// Said, on stderr: nothing at all on the terminal left the desk
		// unsure whether the command had run.
		fmt.Fprintln(stderr, "note: no link matches (--email or --phone finds a caller's links by where they were sent)")
	}
	if more {
		fmt.Fprintf(stderr, "note: more activations match; these are the newest %d (--limit N shows more, --institution, --username or --state fewer)\n", len(list))
	}
	return nil
}

func activationRevoke(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newActivationCmd("revoke", getenv, stderr)
	var id, username, institution, issuedBefore, reason string
	var dryRun bool
	c.fs.StringVar(&id, "id", "", "the activation's id (from list)")
	c.fs.StringVar(&reason, "reason", "", "with --id or --username: why, for the audit log (one line, at most 200 characters), such as 'sent to the wrong address'")
	c.fs.StringVar(&username, "username", "", "revoke every open activation of this person")
	c.fs.StringVar(&issuedBefore, "issued-before", "", "revoke every activation issued before this time that is not used or revoked yet (after a restore): 2026-12-04 (midnight in Norway) or 2026-12-04T03:00:00+01:00")
	c.fs.StringVar(&institution, "institution", "", "with --username or --issued-before: only in this institution")
	c.fs.BoolVar(&dryRun, "dry-run", false, "with --issued-before: list what would be revoked, and revoke nothing")
	if err := c.parse(args); err != nil {
		return err
	}
	given := 0
	for _, v := range []string{id, username, issuedBefore} {
		if v != "" {
			given++
		}
	}
	if given != 1 {
		fmt.Fprintln(stderr, "activation revoke: give one of --id, --username or --issued-before")
		return errUsage
	}
	if reason != "" && issuedBefore != "" {
		fmt.Fprintln(stderr, "activation revoke: --reason goes with --id or --username (--issued-before records the cut-off)")
		return errUsage
	}
	if dryRun && issuedBefore == "" {
		fmt.Fprintln(stderr, "activation revoke: --dry-run goes with --issued-before")
		return errUsage
	}
	var before time.Time
	if issuedBefore != "" {
		var err error
		if before, err = parseIssuedBefore(issuedBefore); err != nil {
			fmt.Fprintln(stderr, "activation revoke:", err)
			return errUsage
		}
	}
	c.existing = true
	d, done, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	if issuedBefore != "" {
		ids, busy, err := d.RevokeIssuedBefore(ctx, before, institution, c.actor, "", dryRun)
		var fe *server.FieldError
		if errors.As(err, &fe) {
			fmt.Fprintln(stderr, "activation revoke: --issued-before", fe.Msg)
			return errUsage
		}
		if err != nil {
			return err
		}
		for _, id := range ids {
			fmt.Fprintln(stdout, id)
		}
		if dryRun {
			fmt.Fprintf(stderr, "%d would be revoked: issued before %s and not used or revoked (nothing changed; run again without --dry-run)\n", len(ids), before.Format(time.RFC3339))
			return nil
		}
		fmt.Fprintf(stderr, "%d revoked: issued before %s and not used or revoked\n", len(ids), before.Format(time.RFC3339))
		if len(busy) > 0 {
			for _, id := range busy {
				fmt.Fprintf(stderr, "not revoked, being completed right now: %s\n", id)
			}
			return fmt.Errorf("%d link(s) were being completed and are not revoked: run the same command again in %s", len(busy), server.DefaultClaimLease)
		}
		return nil
	}
	ids, err := d.Revoke(ctx, id, username, institution, reason, c.actor, "")
	if errors.Is(err, store.ErrNotFound) {
		return errors.New("no such activation")
	}
	var nr *server.NotRevocableError
	switch {
	case errors.As(err, &nr) && nr.UsedAt != nil:
		// Sent to the wrong address and used: whoever had it set the
		// account's password ("used or revoked already" did not say).
		fmt.Fprintf(stderr, "activation revoke: that link was used at %s: a password was set with it, and revoking it changes nothing.\n"+
			"If it went to the wrong person, they may have set the account's password: issue a new link to the right person (activation create), which sets the password again when used.\n", osloTime(*nr.UsedAt))
		return errReported
	case errors.As(err, &nr) && nr.RevokedAt != nil:
		fmt.Fprintf(stderr, "activation revoke: that link was revoked at %s already: nothing was revoked\n", osloTime(*nr.RevokedAt))
		return errReported
	case errors.Is(err, server.ErrNotRevocable):
		fmt.Fprintln(stderr, "activation revoke: that link is used or revoked already: nothing was revoked (activation list --username shows its state)")
		return errReported
	case err != nil:
		return err
	}
	for _, id := range ids {
		fmt.Fprintln(stdout, id)
	}
	if len(ids) == 0 && username != "" {
		at := ""
		if institution != "" {
			at = " at " + institution
		}
		fmt.Fprintf(stderr, "%s has no open link%s: nothing was revoked\n", username, at)
		if used, err := d.Activated(ctx, username, institution); err != nil {
			return err
		} else if used != nil {
			fmt.Fprintf(stderr, "note: a link of %s's was used at %s: a password was set with it; if it went to the wrong person, issue a new link to the right person (activation create)\n", username, osloTime(*used))
		}
		return nil
	}
	fmt.Fprintf(stderr, "%d revoked\n", len(ids))
	return nil
}

// parseIssuedBefore reads --issued-before: a date (its midnight in the
// local time zone) or an RFC 3339 time.
func parseIssuedBefore(v string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, v, oslo); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--issued-before: %q is no time: give a date, 2026-12-04 (its midnight in Norway), or a time with its offset, 2026-12-04T03:00:00+01:00", v)
}

func activationResend(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newActivationCmd("resend", getenv, stderr)
	var id, issuer string
	c.fs.StringVar(&id, "id", "", "the activation's id (from list); a new link replaces it (it stays open when the new one reaches no one)")
	envString(c.fs, getenv, &issuer, "idporten-issuer", "", "ID-porten's issuer, as styrke serve has it: with it, a link closed by the person's password points to the Forgot password page")
	if err := c.parse(args); err != nil {
		return err
	}
	if id == "" {
		fmt.Fprintln(stderr, "activation resend: --id is required")
		return errUsage
	}
	c.existing = true
	d, done, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	d.IDPortenReset = issuer != ""
	is, err := d.Resend(ctx, id, c.actor, "")
	if errors.Is(err, store.ErrNotFound) {
		return errors.New("no such activation")
	}
	if we := (*server.WithdrawnError)(nil); errors.As(err, &we) {
		// Revoked by the desk (sent to the wrong address?): a resend
		// sent a new link to the same address. Used, or closed when the
		// person's password was set: they have one, and a link sets it
		// again.
		fmt.Fprintln(stderr, "activation resend: "+we.Explain(osloTime(we.At), "activation create"))
		return errReported
	}
	if err != nil {
		return err
	}
	return printIssued(is, stdout, stderr)
}

// activationImport is `styrke activation import --csv FILE`: the whole file
// is validated first; rows that fail are reported by line number and reason
// on stderr (never their values); links that no channel delivered are
// written to stdout as CSV (line, username, link), the only place they
// appear. A progress bar is drawn on stderr when it is a terminal.
func activationImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newActivationCmd("import", getenv, stderr)
	var file string
	var opts server.ImportOptions
	c.fs.StringVar(&file, "csv", "", "CSV file with a header row: username,name,institution,email,phone,lang ('-': stdin)")
	c.fs.BoolVar(&opts.Reissue, "reissue", false, "also issue a link to people who have an open one or have activated")
	c.fs.BoolVar(&opts.Partial, "partial", false, "import the valid rows even if some are invalid")
	c.fs.BoolVar(&opts.NoDeliver, "no-deliver", false, "store contacts but send nothing (links go to stdout)")
	c.fs.BoolVar(&opts.Code, "code", false, "every link works only with a one-time code, sent by SMS to the row's phone (required); links go by e-mail")
	c.fs.BoolVar(&opts.Welcome, "welcome", false, "send each person the welcome to the reset page (ID-porten) instead of a link (see activation welcome)")
	var issuer string
	envString(c.fs, getenv, &issuer, "idporten-issuer", "", "ID-porten's issuer, as styrke serve has it (for --welcome)")
	c.fs.StringVar(&opts.Institution, "institution", "default", "institution of rows without one")
	dirFlags := addDirectoryFlags(c.fs, getenv)
	if err := c.parse(args); err != nil {
		return err
	}
	if file == "" {
		fmt.Fprintln(stderr, "activation import: --csv is required")
		return errUsage
	}
	opts.CodeSet = flagSet(c.fs, "code")
	var in io.Reader = os.Stdin
	if file != "-" {
		f, err := os.Open(file)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	d, done, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	closeDirs, err := askDirectories(d, dirFlags, getenv)
	if err != nil {
		return err
	}
	defer closeDirs()
	opts.Actor = c.actor
	d.IDPortenReset = issuer != ""
	bar := newProgress(stderr)
	rep, err := d.Import(ctx, in, opts, bar.update)
	bar.finish()
	for _, e := range rep.Errors {
		if e.Field != "" {
			fmt.Fprintf(stderr, "line %d: %s: %s\n", e.Line, e.Field, e.Reason)
		} else {
			fmt.Fprintf(stderr, "line %d: %s\n", e.Line, e.Reason)
		}
	}
	if errors.Is(err, server.ErrResetOff) {
		fmt.Fprintln(stderr, "activation import: --welcome needs the reset with ID-porten (--idporten-issuer, as for styrke serve); import links instead")
		return errUsage
	}
	if errors.Is(err, server.ErrImportBusy) {
		fmt.Fprintln(stderr, "activation import: "+err.Error()+"; nothing was imported")
		return errReported
	}
	if err != nil {
		if errors.Is(err, server.ErrImportInvalid) {
			fmt.Fprintln(stderr, "nothing imported: the file is not usable")
			return errReported
		}
		return err
	}
	w := csv.NewWriter(stdout)
	for _, r := range rep.Results {
		switch {
		case opts.Code && (r.Link != "" || r.Code != ""):
			w.Write([]string{strconv.Itoa(r.Line), r.Username, r.Link, r.Code})
		case r.Link != "":
			w.Write([]string{strconv.Itoa(r.Line), r.Username, r.Link})
		}
	}
	w.Flush()
	if !rep.Imported {
		rows := "rows"
		if len(rep.Errors) == 1 {
			rows = "row"
		}
		fmt.Fprintf(stderr, "nothing imported: %d invalid %s (fix them, or --partial to import the rest)\n", len(rep.Errors), rows)
		return errReported
	}
	for _, r := range rep.Results {
		if r.Warning != "" {
			fmt.Fprintf(stderr, "line %d: warning: %s\n", r.Line, r.Warning)
		}
	}
	if opts.Welcome {
		fmt.Fprintf(stderr, "%d rows: %d welcomed, %d skipped (welcomed before), %d failed\n",
			rep.Rows, rep.Created, rep.Skipped, rep.Failed)
		if rep.Warnings > 0 {
			fmt.Fprintf(stderr, "%d of the welcomes came with a warning from the directory (the lines above say which, and what to do)\n", rep.Warnings)
		}
		// A welcome no channel took is not recorded as sent: the same
		// import run again sends it (a link import says so of its links).
		unsent := 0
		for _, r := range rep.Results {
			if r.Status == "failed" && len(r.Deliveries) > 0 {
				unsent++
			}
		}
		if unsent > 0 {
			what := "1 welcome was not sent"
			if unsent > 1 {
				what = strconv.Itoa(unsent) + " welcomes were not sent"
			}
			fmt.Fprintf(stderr, "what to do: %s, and Styrke does not try again: run the same import again once the mail server or SMS provider answers "+
				"(mend an address or number the lines above say was refused first); it sends the welcomes that failed and skips the people welcomed\n", what)
		}
		if rep.Unconfirmed > 0 {
			fmt.Fprintf(stderr, "%d of the welcomes went by e-mail UNCONFIRMED: the mail server took them and did not answer in time, so they may have arrived; "+
				"running the same import again does not send them (--reissue does: ask the person first)\n", rep.Unconfirmed)
		}
	} else {
		fmt.Fprintf(stderr, "%d rows: %d created, %d skipped (open or already activated), %d failed\n",
			rep.Rows, rep.Created, rep.Skipped, rep.Failed)
		if rep.Warnings > 0 {
			fmt.Fprintf(stderr, "%d of the links created came with a warning from the directory (the lines above say which, and what to do)\n", rep.Warnings)
		}
		if rep.Replaced > 0 {
			was := "the old link was revoked and no longer works"
			if rep.Replaced > 1 {
				was = "the old links were revoked and no longer work"
			}
			fmt.Fprintf(stderr, "%d of the links created replaced an open link of the same person (to another address, or whose delivery had failed): %s\n", rep.Replaced, was)
		}
		if rep.Undelivered > 0 {
			fmt.Fprintf(stderr, "%d of the links created were NOT delivered (their links are above, to hand over; running the same import again sends them anew)\n", rep.Undelivered)
		}
		if rep.Unconfirmed > 0 {
			fmt.Fprintf(stderr, "%d of the links created went by e-mail UNCONFIRMED: the mail server took them and did not answer in time, so they may have arrived; "+
				"running the same import again does not send them (activation list shows them with \"deliveryUnconfirmed\"; ask the person before a resend)\n", rep.Unconfirmed)
		}
		for _, ch := range rep.DeliveryStopped {
			channel, service := "e-mail", "the mail server"
			if ch == "sms" {
				channel, service = "SMS", "the SMS service"
			}
			fmt.Fprintf(stderr, "Sending by %s stopped after %d failures in a row (%s is down or not answering). The rest of the links were stored but not sent, so those people have not been told: run the same import again when %s is back; it sends only those.\n",
				channel, server.ImportStopAfter, service, service)
		}
	}
	if rep.Failed > 0 || rep.Undelivered > 0 || rep.Unconfirmed > 0 {
		return errReported
	}
	return w.Error()
}

// progress draws a bar on a terminal, and nothing elsewhere.
type progress struct {
	w     io.Writer
	on    bool
	last  time.Time
	start time.Time
	drawn bool
}

func newProgress(w io.Writer) *progress {
	f, ok := w.(*os.File)
	return &progress{w: w, on: ok && term.IsTerminal(int(f.Fd())), start: time.Now()}
}

func (p *progress) update(done, total int) {
	if !p.on || (done < total && time.Since(p.last) < 100*time.Millisecond) {
		return
	}
	p.last = time.Now()
	const width = 30
	n := width * done / max(total, 1)
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d %s", strings.Repeat("#", n), strings.Repeat(" ", width-n), done, total,
		time.Since(p.start).Round(time.Second))
	p.drawn = true
}

func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// activationWelcome is `styrke activation welcome`: the welcome to the reset
// page (server.Desk.Welcome). It prints the page's link on stdout (no
// secret), the deliveries on stderr.
func activationWelcome(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newActivationCmd("welcome", getenv, stderr)
	var r server.WelcomeRequest
	var issuer string
	c.fs.StringVar(&r.Username, "username", "", "account name")
	c.fs.StringVar(&r.Name, "name", "", "the person's full name (default: the imported one)")
	c.fs.StringVar(&r.Institution, "institution", "default", "policy id of the institution")
	c.fs.StringVar(&r.Email, "email", "", "e-mail address to send the welcome to")
	c.fs.StringVar(&r.Phone, "phone", "", "mobile number to send the welcome to by SMS (E.164; 8 digits are +47)")
	c.fs.StringVar(&r.Lang, "lang", "nb", "language of the message and the page: nb, nn or en")
	c.fs.BoolVar(&r.Again, "again", false, "send it to a person welcomed before (without it, nothing is sent to them)")
	envString(c.fs, getenv, &issuer, "idporten-issuer", "", "ID-porten's issuer, as styrke serve has it: the reset the welcome sends people to")
	dirFlags := addDirectoryFlags(c.fs, getenv)
	if err := c.parse(args); err != nil {
		return err
	}
	if r.Username == "" {
		fmt.Fprintln(stderr, "activation welcome: --username is required")
		return errUsage
	}
	d, done, err := c.open(ctx)
	if err != nil {
		return err
	}
	defer done()
	closeDirs, err := askDirectories(d, dirFlags, getenv)
	if err != nil {
		return err
	}
	defer closeDirs()
	d.IDPortenReset = issuer != ""
	r.Actor = c.actor
	w, err := d.Welcome(ctx, r)
	if errors.Is(err, server.ErrResetOff) {
		fmt.Fprintln(stderr, "activation welcome: the reset with ID-porten is not configured (--idporten-issuer, as for styrke serve); issue an activation link instead")
		return errUsage
	}
	if err != nil {
		return err
	}
	if w.Repeated {
		// Run again (a retry, a second desk worker): nothing was sent.
		how := ""
		if w.WelcomedUnconfirmed {
			how = " (by an e-mail the mail server did not confirm: it may have arrived)"
		}
		fmt.Fprintf(stderr, "note: %s was welcomed already at %s%s: nothing was sent; --again sends another\n", r.Username, osloTime(*w.WelcomedAt), how)
		fmt.Fprintln(stdout, w.Link)
		return nil
	}
	failed := false
	for _, dl := range w.Deliveries {
		switch {
		case dl.OK:
			fmt.Fprintf(stderr, "welcome delivered by %s\n", dl.Channel)
		case dl.Unconfirmed():
			failed = true
			fmt.Fprintf(stderr, "welcome UNCONFIRMED by %s: the mail server took the message and did not answer in time, so it may have arrived; "+
				"ask the person before you send it again (an import's re-run does not send it again without --reissue)\n", dl.Channel)
		default:
			failed = true
			fmt.Fprintf(stderr, "welcome NOT delivered by %s: %s\n", dl.Channel, dl.Error)
		}
	}
	for _, x := range w.Warnings {
		fmt.Fprintf(stderr, "warning: %s\n", x)
	}
	fmt.Fprintln(stdout, w.Link)
	if h := server.WelcomeAdvice(w.Deliveries, cliSteps); h != "" {
		fmt.Fprintf(stderr, "what to do: %s\n", h)
	}
	if failed {
		return errReported
	}
	return nil
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}
