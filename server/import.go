package server

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/styrke-iam/styrke/server/identity"
	"github.com/styrke-iam/styrke/server/notify"
	"github.com/styrke-iam/styrke/server/store"
)

// ImportColumns are the columns an import CSV may have (header row first,
// any order; username is required).
var ImportColumns = []string{"username", "name", "institution", "email", "phone", "lang"}

// importAliases are the columns' Norwegian names (Bokmål and Nynorsk), as
// a Norwegian desk writes them in Excel.
var importAliases = map[string]string{
	"brukernavn": "username", "brukarnamn": "username",
	"navn": "name", "namn": "name", "fullt navn": "name", "fullt namn": "name",
	"institusjon": "institution",
	"e-post":      "email", "epost": "email", "e-postadresse": "email", "epostadresse": "email",
	"mobil": "phone", "mobilnummer": "phone", "telefon": "phone", "telefonnummer": "phone",
	"språk": "lang", "målform": "lang",
}

// MaxImportRows is the most rows one import takes.
const MaxImportRows = 50000

// ImportOptions control an import.
type ImportOptions struct {
	// Reissue creates a link even for a person who has an open one or has
	// already activated (the default skips them, so a re-run is harmless).
	Reissue bool
	// Partial imports the valid rows when some are invalid (the default
	// imports nothing then, and reports every invalid row).
	Partial bool
	// NoDeliver stores contacts but sends nothing (links are returned).
	NoDeliver bool
	// Code gives every link a one-time code, sent by SMS to the row's
	// phone (required on every row); the link goes by e-mail or is
	// returned. Not with NoDeliver.
	Code bool
	// CodeSet: Code was asked for or against; otherwise each row takes the
	// desk's default (DeskDeps.CodeByDefault).
	CodeSet bool
	// Welcome sends each row's person the welcome to the reset page
	// (Desk.Welcome) instead of a link: every row needs the account's
	// identity number imported, and an e-mail address or a phone number;
	// a person welcomed before is skipped unless Reissue. Not with Code or
	// NoDeliver.
	Welcome bool
	// Institution is used for rows without one (default "default").
	Institution string
	Actor       string
	RemoteAddr  string
}

// RowError is one line that failed: its number in the file (the header is
// line 1), the column, and why, never the value.
type RowError struct {
	Line   int    `json:"line"`
	Field  string `json:"field,omitempty"`
	Reason string `json:"reason"`
}

// ImportRow is the outcome of one valid line.
type ImportRow struct {
	Line       int        `json:"line"`
	Username   string     `json:"username"`
	Status     string     `json:"status"` // created, resent (an open link's delivery had failed, or it went to another address than the row's: a new one, the old revoked), welcomed, skipped_open, skipped_activated, skipped_welcomed, failed
	ID         string     `json:"id,omitempty"`
	Link       string     `json:"link,omitempty"` // only when no channel delivered it
	Code       string     `json:"code,omitempty"` // the link's one-time code, only when no SMS delivered it
	Deliveries []Delivery `json:"deliveries,omitempty"`
	// Warning: the directory has no account of the username (a typo), or
	// could not be asked (Desk.checkAccount).
	Warning string `json:"warning,omitempty"`
}

// ImportReport is the outcome of an import.
type ImportReport struct {
	Rows    int `json:"rows"`
	Created int `json:"created"`
	Skipped int `json:"skipped"`
	Failed  int `json:"failed"`
	// Undelivered are the rows created whose link no channel delivered
	// (the mail server down): counted among Created, their links in
	// Results; a re-run sends them again.
	Undelivered int `json:"undelivered"`
	// Unconfirmed are the rows created (or welcomed) whose link's (or
	// welcome's) e-mail the mail server took whole without confirming it,
	// and no other channel delivered (Delivery.Unconfirmed): counted among
	// Created, not Undelivered or Failed, their links not in Results; a
	// re-run does not send them again (they may have arrived), a welcome's
	// only with Reissue.
	Unconfirmed int `json:"unconfirmed,omitempty"`
	// Replaced counts the rows created whose new link replaced an open
	// link of the person (Status "resent": the old one went to another
	// address, or its delivery had failed), revoked: counted among Created.
	Replaced int `json:"replaced,omitempty"`
	// Warnings counts the rows whose link was created with a Warning.
	Warnings int `json:"warnings"`
	// DeliveryStopped are the channels ("email", "sms") the import
	// stopped trying after ImportStopAfter failures in a row: the rest
	// of their links are stored undelivered, for a re-run to send.
	DeliveryStopped []string    `json:"deliveryStopped,omitempty"`
	Imported        bool        `json:"imported"` // false: invalid rows stopped the import
	Errors          []RowError  `json:"errors,omitempty"`
	Results         []ImportRow `json:"results,omitempty"`
}

// ErrImportInvalid: the CSV could not be read (malformed, no username
// column, too many rows); the report says where. Nothing was imported.
var ErrImportInvalid = errors.New("server: import file invalid")

type importRow struct {
	line int
	req  IssueRequest
}

// columnLike is a header field that reads as a column's name, which an
// error may repeat: a short word of letters.
var columnLike = regexp.MustCompile(`^[a-z_-]{1,32}$`)

// parseImport reads and validates a whole CSV before anything is stored.
// It returns the valid rows and the errors of the others; err (wrapping
// ErrImportInvalid) means the file itself is unusable.
func parseImport(r io.Reader, defaultInstitution string, code bool) ([]importRow, []RowError, error) {
	// The whole file (at most maxImportBody, as the API takes it) is
	// checked for UTF-8 first: Excel's "CSV (semikolondelt)" is
	// Windows-1252, and each row with an æ, ø or å was refused on its own.
	data, err := io.ReadAll(io.LimitReader(r, maxImportBody+1))
	if err != nil {
		return nil, []RowError{{Line: 1, Reason: "the file could not be read"}}, unreadable("file", err)
	}
	if len(data) > maxImportBody {
		return nil, []RowError{{Line: 1, Reason: fmt.Sprintf("the file is larger than %d MiB; split it", maxImportBody>>20)}},
			fmt.Errorf("%w: too large", ErrImportInvalid)
	}
	if !utf8.Valid(data) {
		i := 0
		for i < len(data) {
			c, size := utf8.DecodeRune(data[i:])
			if c == utf8.RuneError && size <= 1 {
				break
			}
			i += size
		}
		line := bytes.Count(data[:i], []byte("\n")) + 1
		return nil, []RowError{{Line: line, Reason: "the file is not UTF-8 (Windows-1252, as Excel's \"CSV (semikolondelt)\" saves it?): save it as \"CSV UTF-8\" and import it again"}},
			fmt.Errorf("%w: not UTF-8", ErrImportInvalid)
	}
	cr := identity.NewCSVReader(bytes.NewReader(data))
	// A row's field count is checked below, as that row's error (the
	// reader's own check stopped the whole file at the first such row).
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, []RowError{{Line: 1, Reason: "the file is empty"}}, fmt.Errorf("%w: empty", ErrImportInvalid)
		}
		return nil, []RowError{{Line: 1, Reason: csvReason(err)}}, unreadable("header", err)
	}
	col := map[string]int{}
	names := make([]string, len(header))
	known := false
	for i, h := range header {
		names[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if c, ok := importAliases[names[i]]; ok {
			names[i] = c
		}
		known = known || slices.Contains(ImportColumns, names[i])
	}
	if !known {
		// Data, not a header (the identities' file, which has none): said
		// without repeating the line, which may hold an identity number
		// or an address.
		return nil, []RowError{{Line: 1, Reason: "no header row: the first line names no column; it must name the columns, e.g. " + strings.Join(ImportColumns, ", ")}},
			fmt.Errorf("%w: no header", ErrImportInvalid)
	}
	for i, h := range names {
		if h == "" {
			// A column Excel still writes after its contents were deleted
			// ("username;name;email;;;"): no column of the import, and
			// refused only where a row puts a value in it.
			continue
		}
		if !slices.Contains(ImportColumns, h) {
			field := h
			if !columnLike.MatchString(h) {
				field = "" // not a column's name: not repeated
			}
			return nil, []RowError{{Line: 1, Field: field, Reason: fmt.Sprintf("column %d is no column of the import; allowed: %s", i+1, strings.Join(ImportColumns, ", "))}},
				fmt.Errorf("%w: unknown column", ErrImportInvalid)
		}
		if _, dup := col[h]; dup {
			return nil, []RowError{{Line: 1, Field: h, Reason: "column appears twice"}}, fmt.Errorf("%w: duplicate column", ErrImportInvalid)
		}
		col[h] = i
	}
	if _, ok := col["username"]; !ok {
		return nil, []RowError{{Line: 1, Field: "username", Reason: "the header has no username column"}}, fmt.Errorf("%w: no username column", ErrImportInvalid)
	}
	if defaultInstitution == "" {
		defaultInstitution = "default"
	}
	var rows []importRow
	var errs []RowError
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			line := 0
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.StartLine
			}
			return nil, append(errs, RowError{Line: line, Reason: csvReason(err)}), unreadable("malformed CSV at line "+strconv.Itoa(line), err)
		}
		// Only now: after a read error the reader has no field positions,
		// and FieldPos panics (a quote in the first field did).
		line, _ := cr.FieldPos(0)
		if len(rows)+len(errs) >= MaxImportRows {
			return nil, append(errs, RowError{Line: line, Reason: fmt.Sprintf("more than %d rows", MaxImportRows)}), fmt.Errorf("%w: too many rows", ErrImportInvalid)
		}
		if blankRecord(rec) {
			// A row Excel still writes after its contents were deleted
			// (";;;"), as the reader skips an empty line.
			continue
		}
		if len(rec) != len(header) {
			errs = append(errs, RowError{Line: line, Reason: fmt.Sprintf("%d fields; the header has %d", len(rec), len(header))})
			continue
		}
		if i := unnamedValue(names, rec); i >= 0 {
			errs = append(errs, RowError{Line: line, Reason: fmt.Sprintf("column %d has a value but no name in the header", i+1)})
			continue
		}
		get := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		req := IssueRequest{Username: get("username"), Name: get("name"), Institution: get("institution"),
			Email: get("email"), Phone: get("phone"), Lang: get("lang"), Code: code}
		if req.Institution == "" {
			req.Institution = defaultInstitution
		}
		if err := req.Validate(); err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				errs = append(errs, RowError{Line: line, Field: strings.Join(fe.Fields, ","), Reason: fe.Msg})
				continue
			}
			return nil, nil, err
		}
		key := req.Institution + "\x00" + identity.FoldUsername(req.Username)
		if first, dup := seen[key]; dup {
			errs = append(errs, RowError{Line: line, Field: "username", Reason: "same person as line " + strconv.Itoa(first)})
			continue
		}
		seen[key] = line
		rows = append(rows, importRow{line: line, req: req})
	}
	return rows, errs, nil
}

// blankRecord reports whether every field of rec is empty or white space.
func blankRecord(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

// unnamedValue returns the index of the first field of rec with a value in
// a column whose header name (names) is empty, or -1.
func unnamedValue(names, rec []string) int {
	for i, n := range names {
		if n == "" && strings.TrimSpace(rec[i]) != "" {
			return i
		}
	}
	return -1
}

// unreadable is ErrImportInvalid for a CSV that could not be read at
// where, wrapping the body's size limit when that was the cause (the API
// answers 413 naming the limit, not 422 "unreadable CSV").
func unreadable(where string, err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return fmt.Errorf("%w: %s: %w", ErrImportInvalid, where, mbe)
	}
	return fmt.Errorf("%w: %s", ErrImportInvalid, where)
}

// csvReason is a RowError's reason for err, the reader's at the row's
// line (its start): where in it, not the line again.
func csvReason(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if pe.Line != pe.StartLine {
			return fmt.Sprintf("malformed CSV at line %d, character %d: %v", pe.Line, pe.Column, pe.Err)
		}
		return fmt.Sprintf("malformed CSV at character %d: %v", pe.Column, pe.Err)
	}
	return "unreadable CSV"
}

// Import issues (and delivers) an activation for every row of a CSV. The
// whole file is read and validated first: a malformed file imports nothing
// (ErrImportInvalid), and so do invalid rows unless opts.Partial. A person
// with an open or used activation is skipped unless opts.Reissue, so a
// re-run imports only what is missing. A row to be sent holds its person
// as a single create does, until its link has gone (importBatch): a create
// for them meanwhile is ErrIssueBusy, or the repeat of the row's link.
// progress, if set, is called after every row with the rows done and the
// total.
func (d *Desk) Import(ctx context.Context, r io.Reader, opts ImportOptions, progress func(done, total int)) (ImportReport, error) {
	if opts.Code && opts.NoDeliver {
		return ImportReport{}, &FieldError{Fields: []string{"code"}, Msg: "code needs delivery: the one-time code goes by SMS, and no-deliver sends nothing"}
	}
	if opts.Welcome && (opts.Code || opts.NoDeliver) {
		return ImportReport{}, &FieldError{Fields: []string{"welcome"}, Msg: "welcome sends a welcome, no link: not with code or no-deliver"}
	}
	if opts.Welcome && !d.IDPortenReset {
		return ImportReport{}, ErrResetOff
	}
	rows, errs, err := parseImport(r, opts.Institution, opts.Code)
	if err == nil {
		rows, errs = d.servedRows(rows, errs)
	}
	if err == nil && opts.Welcome {
		rows, errs, err = d.welcomeRows(ctx, rows, errs)
	}
	rep := ImportReport{Rows: len(rows) + len(errs), Errors: errs, Failed: len(errs)}
	if err != nil {
		return rep, err
	}
	if len(errs) > 0 && !opts.Partial {
		return rep, nil
	}
	// One import at a time, on any instance: each row's check for open
	// links and its issue are two steps, and the same file imported twice
	// at once (a script's retry the load balancer sent to the other
	// instance) gave everyone two links and two mails. The lease is
	// renewed before each batch.
	holder := store.NewClaimID()
	lease := func() error {
		now := d.Now()
		return d.Store.LockAccount(ctx, importLock, holder, now, now.Add(importLease))
	}
	if err := lease(); err != nil {
		if errors.Is(err, store.ErrBusy) {
			return rep, ErrImportBusy
		}
		return rep, err
	}
	defer func() {
		if err := d.Store.UnlockAccount(context.WithoutCancel(ctx), importLock, holder); err != nil {
			d.Logger.WarnContext(ctx, "import lease not ended; it runs out by itself", "err", err)
		}
	}()
	// Renewed meanwhile too, so that the lease may be short: an import
	// killed before it ended its lease blocked every other for 15 minutes.
	// (Stopped, and waited for, before the lease ends above.)
	// A renewal that finds the lease taken (it ran out while the store
	// stalled, and another import took it) stops the batch under way,
	// rather than let it issue beside the other.
	bctx, lost := context.WithCancelCause(ctx)
	defer lost(nil)
	stop, renewed := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(renewed)
		tick := time.NewTicker(importRenew)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				err := lease()
				if errors.Is(err, store.ErrBusy) {
					lost(fmt.Errorf("import: the lease was lost: %w", err))
					return
				}
				if err != nil {
					d.Logger.WarnContext(ctx, "import lease not renewed", "err", err)
				}
			}
		}
	}()
	defer func() { close(stop); <-renewed }()
	rep.Imported = true
	// One breaker for the whole import: a mail server down failed every
	// row, each after the client's timeout when it did not answer.
	br := &deliveryBreaker{inRow: map[string]int{}}
	bctx = context.WithValue(bctx, breakerKey{}, br)
	// What a row's deliveries carry: its link, or the welcome.
	sent := ""
	if opts.Welcome {
		sent = "welcome"
	}
	for start := 0; start < len(rows); start += importBatch {
		if bctx.Err() != nil {
			return rep, context.Cause(bctx)
		}
		if start > 0 {
			if err := lease(); err != nil {
				// Another import took over a lease that ran out: stop
				// rather than issue beside it.
				return rep, fmt.Errorf("import: the lease was lost: %w", err)
			}
		}
		chunk := rows[start:min(start+importBatch, len(rows))]
		var results []ImportRow
		if opts.Welcome {
			results = d.welcomeBatch(bctx, chunk, opts)
		} else {
			results = d.importBatch(bctx, chunk, opts)
		}
		if bctx.Err() != nil {
			return rep, context.Cause(bctx)
		}
		for _, res := range results {
			switch res.Status {
			case "created", "resent", "welcomed":
				rep.Created++
				if res.Status == "resent" {
					rep.Replaced++
				}
				if res.Warning != "" {
					rep.Warnings++
				}
				// A link whose code did not go (res.Code, for the desk to
				// hand over) is not delivered either.
				switch {
				case len(res.Deliveries) == 0:
				case res.Link == "" && res.Code == "" && !delivered(res.Deliveries, sent):
					rep.Unconfirmed++
				case !delivered(res.Deliveries, sent) || res.Code != "":
					rep.Undelivered++
				}
			case "failed":
				rep.Failed++
				reason := "could not be stored; see the server log"
				switch {
				case opts.Welcome && len(res.Deliveries) == 0:
					// Before any delivery: the person's hold or the audit
					// log (whether they were welcomed) could not be had.
					reason = "nothing was sent: Styrke could not tell whether the person was welcomed already; see the server log"
				case opts.Welcome:
					reason = "the welcome was not delivered:" + deliveryErrors(res.Deliveries)
				}
				rep.Errors = append(rep.Errors, RowError{Line: res.Line, Reason: reason})
			default:
				rep.Skipped++
			}
		}
		rep.Results = append(rep.Results, results...)
		if progress != nil {
			progress(start+len(chunk), len(rows))
		}
	}
	rep.DeliveryStopped = br.stopped()
	stopped := ""
	if len(rep.DeliveryStopped) > 0 {
		stopped = "; delivery stopped: " + strings.Join(rep.DeliveryStopped, ", ")
	}
	d.Audit(ctx, store.AuditEvent{Event: store.EventImported, Actor: opts.Actor, RemoteAddr: opts.RemoteAddr,
		Detail: fmt.Sprintf("%d rows: %d created (%d not delivered), %d skipped, %d failed", rep.Rows, rep.Created, rep.Undelivered, rep.Skipped, rep.Failed) + stopped})
	return rep, nil
}

// ImportStopAfter is how many deliveries in a row may fail on a channel
// (the server down or not answering, not a refused address) before an
// import stops trying that channel for its remaining rows.
const ImportStopAfter = 5

// deliveryBreaker counts an import's failed deliveries in a row per
// channel (Desk.send finds it in the context).
type deliveryBreaker struct {
	mu    sync.Mutex
	inRow map[string]int
}

type breakerKey struct{}

// send runs f, the delivery on channel, unless ImportStopAfter of them
// failed in a row before: then it is notify.ErrNotTried. A nil b runs f.
func (b *deliveryBreaker) send(ctx context.Context, logger *slog.Logger, channel string, f func() error) error {
	if b == nil {
		return f()
	}
	b.mu.Lock()
	n := b.inRow[channel]
	b.mu.Unlock()
	if n >= ImportStopAfter {
		return fmt.Errorf("%w: %d deliveries in a row failed on this channel", notify.ErrNotTried, n)
	}
	err := f()
	b.mu.Lock()
	defer b.mu.Unlock()
	switch {
	case err == nil, errors.Is(err, notify.ErrPermanent), errors.Is(err, notify.ErrInvalidRecipient),
		errors.Is(err, notify.ErrCapReached), errors.Is(err, notify.ErrNotConfigured):
		// Delivered, or refused for the message or the address: the
		// server answers.
		b.inRow[channel] = 0
	default:
		b.inRow[channel]++
		if b.inRow[channel] == ImportStopAfter {
			logger.WarnContext(ctx, "import: delivery stopped for the rest of the import after failures in a row; its links are stored undelivered, and running the same import again sends them",
				"channel", channel, "failures", ImportStopAfter)
		}
	}
	return err
}

// stopped are the channels b stopped, in order.
func (b *deliveryBreaker) stopped() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for ch, n := range b.inRow {
		if n >= ImportStopAfter {
			out = append(out, ch)
		}
	}
	slices.Sort(out)
	return out
}

// importBatch is how many rows one transaction stores.
const importBatch = 250

// importLock is the store's lease key of an import in progress;
// importLease how long it holds unless renewed (every importRenew, and
// before each batch): how long an import killed before it could end its
// lease blocks the next.
const (
	importLock  = "import"
	importLease = 2 * time.Minute
)

var importRenew = 30 * time.Second

// ErrImportBusy: another import is in progress (on any instance).
var ErrImportBusy = errors.New("another import is in progress; try again when it has finished (one stopped before it could finish holds on for at most 2 minutes)")

// importBatch stores the new activations of rows in one transaction (a
// person with an open or used activation is skipped unless opts.Reissue),
// then delivers their links. A row to be sent holds its person as a create
// does (personHolds), from before its check until its delivery has ended:
// a create for the person in between sent them a second link, and a row
// whose person a create is sending to waits for it, and then skips them.
func (d *Desk) importBatch(ctx context.Context, rows []importRow, opts ImportOptions) []ImportRow {
	out := make([]ImportRow, len(rows))
	type pending struct {
		i           int
		req         IssueRequest
		token, code string
		it          store.Issue
		replaces    [][]byte // open links whose delivery failed, or sent to another address: revoked once this one is stored
		why         string   // why they are replaced, for the audit log
		key         string   // the person's hold, "" for none
	}
	reqs := make([]IssueRequest, len(rows))
	keys := make([]string, len(rows)) // the people to be sent to (issueLockKey)
	for i, row := range rows {
		out[i] = ImportRow{Line: row.line, Username: row.req.Username}
		reqs[i] = row.req
		reqs[i].Username = d.accountName(ctx, row.req.Institution, row.req.Username)
		if !opts.NoDeliver && (reqs[i].Email != "" || reqs[i].Phone != "") {
			keys[i] = issueLockKey(reqs[i].Institution, reqs[i].Username)
		}
	}
	holds, busy, holdErr := d.holdPeople(ctx, keys)
	if holdErr != nil {
		d.Logger.ErrorContext(ctx, "import: hold the people", "rows", len(rows), "err", holdErr)
	}
	defer holds.close(ctx)
	var todo []pending
	var batch []store.Issue
	for i, row := range rows {
		req, key := reqs[i], keys[i]
		if key != "" && (holdErr != nil || busy[key] && holds.wait(ctx, key) != nil) {
			// Not held: the store failed, or the row's wait ended.
			out[i].Status = "failed"
			continue
		}
		var (
			replaces [][]byte
			why      string
		)
		if !opts.Reissue {
			recs, err := d.Store.Activations(ctx, store.ActivationFilter{Username: req.Username, Institution: req.Institution})
			if err != nil {
				d.Logger.ErrorContext(ctx, "import: list activations", "line", row.line, "err", err)
				out[i].Status = "failed"
				holds.end(ctx, key)
				continue
			}
			if st, id := skipState(d, recs); st != "" {
				// A re-run after a mail or SMS outage: the person's open
				// links all failed to go out, so a new one goes instead.
				// Or the file has another address than the open links went
				// to (a typo mended): a new one to it, the old revoked.
				replaces, why = undelivered(ctx, d, recs), "never delivered"
				if replaces == nil && st == "skipped_open" {
					replaces, why = readdressed(d, recs, req), "address changed"
				}
				if replaces == nil || opts.NoDeliver || req.Email == "" && req.Phone == "" {
					out[i].Status, out[i].ID = st, id
					holds.end(ctx, key)
					continue
				}
			}
		}
		req.Actor, req.RemoteAddr = opts.Actor, opts.RemoteAddr
		// Contacts are kept whatever: the notices and the phone-number
		// rule use them (they were dropped with NoDeliver).
		req.NoDeliver = opts.NoDeliver
		req.CodeSet = req.CodeSet || opts.CodeSet
		d.defaultCode(&req)
		var code string
		if req.Code {
			code = NewCode()
		}
		token, it, err := d.newIssue(ctx, req, code)
		if err != nil {
			d.Logger.ErrorContext(ctx, "import: new activation", "line", row.line, "err", err)
			out[i].Status = "failed"
			holds.end(ctx, key)
			continue
		}
		todo = append(todo, pending{i, req, token, code, it, replaces, why, key})
		batch = append(batch, it)
	}
	if len(batch) == 0 {
		return out
	}
	holds.flush(ctx) // the people skipped: free before the deliveries
	if err := d.Store.IssueActivations(ctx, batch); err != nil {
		d.Logger.ErrorContext(ctx, "import: store a batch", "rows", len(batch), "err", err)
		for _, p := range todo {
			out[p.i].Status = "failed"
		}
		return out
	}
	for _, p := range todo {
		holds.renew(ctx)
		is := d.issued(ctx, p.req, p.token, p.code, p.it)
		out[p.i].Status, out[p.i].ID, out[p.i].Deliveries = "created", is.ID, is.Deliveries
		if p.replaces != nil {
			out[p.i].Status = "resent"
			for _, h := range p.replaces {
				if err := d.Store.Revoke(ctx, h, d.Now()); err == nil {
					d.Audit(ctx, store.AuditEvent{Event: store.EventRevoked, Actor: opts.Actor, Username: p.req.Username, Institution: p.req.Institution,
						RemoteAddr: opts.RemoteAddr, Detail: replacedDetail(ID(h), p.why, is.ID)})
				} else if !errors.Is(err, store.ErrGone) {
					d.Logger.ErrorContext(ctx, "import: revoke an undelivered link", "err", err)
				}
			}
		}
		holds.end(ctx, p.key)
		if !is.Sent() {
			out[p.i].Link = is.Link
		}
		if is.Code != "" && !is.CodeDelivered() {
			out[p.i].Code = is.Code
		}
		out[p.i].Warning = d.checkAccount(ctx, p.req.Username, p.req.Institution, "the link")
	}
	return out
}

// personHolds are the people an import's batch holds, as a create or a
// welcome holds its person (issueLockKey, issueLease): from before their
// row's check for a link or an earlier welcome until its delivery has ended. One holder for the
// batch: the leases are taken in one statement (store.LockAccounts),
// renewed together every holdRenew while the batch sends (its deliveries
// may take longer than a lease when the mail server is slow), and ended a
// few at a time, at most holdRelease after their rows' deliveries: a
// lease taken and ended by itself for every row made a mailed import
// about a fifth slower. A killed import's leases run out by themselves.
type personHolds struct {
	d      *Desk
	holder []byte
	held   map[string]bool // keys held
	done   []string        // keys held whose rows have ended, to be released
	// renewed and released are when (the desk's clock) the leases were
	// last taken or renewed, and ended.
	renewed, released time.Time
}

// holdRelease is how long after a row's delivery an import may keep
// holding its person (the leases of rows ended meanwhile are ended
// together); holdRenew how often a batch's leases are renewed.
const (
	holdRelease = 250 * time.Millisecond
	holdRenew   = issueLease / 4
)

// holdPeople holds the people keys name (issueLockKey; "" for a row that
// sends nothing) for an import's batch, and returns the keys another holds
// (a create, resend or welcome sending to them right now), which the
// batch waits for (personHolds.wait).
func (d *Desk) holdPeople(ctx context.Context, keys []string) (*personHolds, map[string]bool, error) {
	now := d.Now()
	h := &personHolds{d: d, holder: store.NewClaimID(), held: map[string]bool{}, renewed: now, released: now}
	want := slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == "" })
	if len(want) == 0 {
		return h, nil, nil
	}
	busy, err := d.Store.LockAccounts(ctx, want, h.holder, now, now.Add(issueLease))
	if err != nil {
		return h, nil, err
	}
	others := map[string]bool{}
	for _, k := range busy {
		others[k] = true
	}
	for _, k := range want {
		if !others[k] {
			h.held[k] = true
		}
	}
	return h, others, nil
}

// wait holds key, which another held when the batch began: it asks every
// 50 ms (renewing the batch's own leases while it waits) until the other's
// hold has ended (its deliveries sent) or run out, or ctx ends.
func (h *personHolds) wait(ctx context.Context, key string) error {
	for {
		now := h.d.Now()
		err := h.d.Store.LockAccount(ctx, key, h.holder, now, now.Add(issueLease))
		if err == nil {
			h.held[key] = true
			return nil
		}
		if !errors.Is(err, store.ErrBusy) {
			h.d.Logger.ErrorContext(ctx, "import: hold the person", "err", err)
			return err
		}
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case <-time.After(50 * time.Millisecond):
		}
		h.renew(ctx)
	}
}

// renew renews the batch's leases when holdRenew has passed since they
// were taken or renewed. A lease lost meanwhile (the store did not answer
// for longer than a lease, and another took it) is logged.
func (h *personHolds) renew(ctx context.Context) {
	now := h.d.Now()
	if now.Sub(h.renewed) < holdRenew || len(h.held) == 0 {
		return
	}
	h.renewed = now
	lost, err := h.d.Store.LockAccounts(ctx, slices.Collect(maps.Keys(h.held)), h.holder, now, now.Add(issueLease))
	if err != nil {
		h.d.Logger.WarnContext(ctx, "import: the people's holds not renewed", "err", err)
		return
	}
	for _, k := range lost {
		delete(h.held, k)
	}
	if len(lost) > 0 {
		h.d.Logger.WarnContext(ctx, "import: holds lost (they ran out, and another took them)", "people", len(lost))
	}
}

// end is a row's end (sent, skipped or failed): its person, held under
// key ("": none), is let go within holdRelease, with the others ended by
// then.
func (h *personHolds) end(ctx context.Context, key string) {
	if !h.held[key] {
		return
	}
	delete(h.held, key)
	h.done = append(h.done, key)
	if h.d.Now().Sub(h.released) >= holdRelease {
		h.flush(ctx)
	}
}

// flush ends the leases of the rows ended.
func (h *personHolds) flush(ctx context.Context) {
	if len(h.done) == 0 {
		return
	}
	if err := h.d.Store.UnlockAccounts(context.WithoutCancel(ctx), h.done, h.holder); err != nil {
		h.d.Logger.WarnContext(ctx, "import: the people's holds not ended; they run out by themselves", "err", err)
	}
	h.done, h.released = h.done[:0], h.d.Now()
}

// close ends every lease of the batch still held.
func (h *personHolds) close(ctx context.Context) {
	for k := range h.held {
		h.done = append(h.done, k)
	}
	clear(h.held)
	h.flush(ctx)
}

// skipState is why a person with these activations gets no new link
// ("skipped_open", "skipped_activated") and which activation it is, or "".
func skipState(d *Desk, recs []store.ActivationRecord) (string, string) {
	for _, rec := range recs {
		switch d.view(rec).State {
		case StateOpen:
			return "skipped_open", ID(rec.TokenHash)
		case StateUsed:
			return "skipped_activated", ID(rec.TokenHash)
		}
	}
	return "", ""
}

// undelivered returns the person's open links when every one of them was
// to be sent (an e-mail address, or a phone number for a link without a
// code, on file) and none went out, and none of recs was used; nil
// otherwise. A link stored with no address was handed over by the desk
// (deliver=false, or none given), and one sent is the person's.
func undelivered(ctx context.Context, d *Desk, recs []store.ActivationRecord) [][]byte {
	var open [][]byte
	for _, rec := range recs {
		switch d.view(rec).State {
		case StateUsed:
			return nil
		case StateOpen:
			if rec.DeliveredAt != nil || rec.Email == "" && (rec.Phone == "" || len(rec.CodeHash) > 0) || !tried(ctx, d, rec) {
				return nil
			}
			open = append(open, rec.TokenHash)
		}
	}
	return open
}

// readdressed returns the person's open links when none of them went to
// the address the row gives (its e-mail address, else its phone number),
// nil otherwise: the file's address was mended since they were sent.
func readdressed(d *Desk, recs []store.ActivationRecord, req IssueRequest) [][]byte {
	var open [][]byte
	for _, rec := range recs {
		if d.view(rec).State != StateOpen {
			continue
		}
		if req.Email != "" && strings.EqualFold(rec.Email, req.Email) || req.Email == "" && req.Phone != "" && rec.Phone == req.Phone {
			return nil // one went there
		}
		if rec.Email == "" && rec.Phone == "" {
			return nil // handed over by the desk: not sent anywhere
		}
		open = append(open, rec.TokenHash)
	}
	return open
}

// tried reports whether rec's link was to be sent and failed to go out: a
// delivery_failed event for its person since it was made. A link issued
// with deliver=false keeps its addresses on file and has none: it was
// handed over, not lost.
func tried(ctx context.Context, d *Desk, rec store.ActivationRecord) bool {
	evs, err := d.Store.Audit(ctx, store.AuditFilter{Event: store.EventDeliveryFailed, Username: rec.Username,
		Institution: rec.Institution, Since: rec.CreatedAt, Limit: 1})
	if err != nil {
		d.Logger.ErrorContext(ctx, "import: delivery attempts", "err", err)
		return false
	}
	return len(evs) > 0
}

// maxImportBody is the largest CSV the import API reads.
const maxImportBody = 16 << 20

// adminImport is POST /api/admin/activations/import with a text/csv body;
// the query may say reissue, partial, deliver, code and welcome (each true
// or false) and institution=ID (for rows without one), and nothing else
// (switchParams).
func (h *handler) adminImport() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "text/csv" {
			writeError(w, csvMediaError(mt))
			return
		}
		q := r.URL.Query()
		if err := switchParams(q, importSwitches, "institution"); err != nil {
			writeQueryError(w, err)
			return
		}
		opts := ImportOptions{Reissue: q.Get("reissue") == "true", Partial: q.Get("partial") == "true",
			NoDeliver: q.Get("deliver") == "false", Code: q.Get("code") == "true", CodeSet: q.Get("code") != "", Welcome: q.Get("welcome") == "true",
			Institution: q.Get("institution"),
			Actor:       Actor(r.Context()), RemoteAddr: h.clientAddr(r)}
		delivering(w, importWriteTime)
		body := http.MaxBytesReader(w, r.Body, maxImportBody)
		rep, err := h.desk.Import(r.Context(), body, opts, nil)
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			writeError(w, errorf(CodeTooLarge, "CSV over "+strconv.Itoa(maxImportBody)+" bytes"))
		case errors.Is(err, ErrImportInvalid):
			writeJSON(w, http.StatusUnprocessableEntity, rep)
		case errors.Is(err, ErrResetOff):
			writeError(w, errorf(CodeConflict, "the reset with ID-porten is not configured on this server, so a welcome would send people to a page that cannot help them; import links instead"))
		case errors.Is(err, ErrImportBusy):
			w.Header().Set("Retry-After", "30")
			writeError(w, errorf(CodeConflict, ErrImportBusy.Error()))
		case err != nil:
			var fe *FieldError
			if errors.As(err, &fe) {
				writeError(w, errorf(CodeInvalid, fe.Msg, fe.Fields...))
				return
			}
			h.internal(w, r, "import", err)
		case !rep.Imported:
			writeJSON(w, http.StatusUnprocessableEntity, rep)
		default:
			writeJSON(w, http.StatusOK, rep)
		}
	})
}

// csvMediaError refuses an import whose Content-Type, mt, is not text/csv,
// saying how to send the file when it came as a form upload (curl -F, a
// tool's file field): "Content-Type must be text/csv" alone left the desk,
// whose file was a .csv, at a loss.
func csvMediaError(mt string) *Error {
	msg := "Content-Type must be text/csv"
	if mt == "multipart/form-data" {
		msg += ": send the file as the body, not as a form (curl -H 'Content-Type: text/csv' --data-binary @FILE.csv, not -F)"
	}
	return errorf(CodeUnsupportedMedia, msg)
}

// importSwitches are the import's query parameters that are true or false
// (switchParams: each "true" or "false", given once, and a parameter the
// import does not know refused). Read loosely, as it was before 2026-12-06,
// anything but "false" was not false: deliver=0 or deliver=no mailed every
// row the desk meant to hand over, code=1 turned the one-time code off, and
// a mistyped delivr=false was passed over.
var importSwitches = []string{"reissue", "partial", "deliver", "code", "welcome"}

// welcomeRows checks the rows of a welcome import (Desk.welcomeCheck): a
// row the reset could not find, or with nowhere to send it, becomes an
// error by its line. errs stay in line order.
func (d *Desk) welcomeRows(ctx context.Context, rows []importRow, errs []RowError) ([]importRow, []RowError, error) {
	var ok []importRow
	for _, row := range rows {
		err := d.welcomeCheck(ctx, &row.req)
		var fe *FieldError
		switch {
		case errors.As(err, &fe):
			errs = append(errs, RowError{Line: row.line, Field: strings.Join(fe.Fields, ","), Reason: fe.Msg})
		case err != nil:
			return nil, errs, err
		default:
			ok = append(ok, row)
		}
	}
	slices.SortStableFunc(errs, func(a, b RowError) int { return a.Line - b.Line })
	return ok, errs, nil
}

// welcomeBatch sends the welcomes of checked rows (a person welcomed before
// is skipped unless opts.Reissue), holding each row's person as Welcome
// does, from before its look for an earlier welcome until its welcome has
// gone: a welcome of the same person at the same moment (the desk welcoming
// them by hand during the import) sent them two. The batch's people are
// held as a link import's are (personHolds: one statement for the batch,
// where a lease taken and ended by itself for every row made the import
// about a third slower); a row whose person a welcome is sending to waits
// for it, and then skips the person it welcomed.
func (d *Desk) welcomeBatch(ctx context.Context, rows []importRow, opts ImportOptions) []ImportRow {
	out := make([]ImportRow, len(rows))
	keys := make([]string, len(rows))
	for i, row := range rows {
		keys[i] = issueLockKey(row.req.Institution, row.req.Username)
	}
	holds, busy, holdErr := d.holdPeople(ctx, keys)
	if holdErr != nil {
		d.Logger.ErrorContext(ctx, "import: hold the people", "rows", len(rows), "err", holdErr)
	}
	defer holds.close(ctx)
	for i, row := range rows {
		if holdErr != nil || busy[keys[i]] && holds.wait(ctx, keys[i]) != nil {
			// Not held: the store failed, or the row's wait ended.
			out[i] = ImportRow{Line: row.line, Username: row.req.Username, Status: "failed"}
			continue
		}
		holds.renew(ctx)
		out[i] = d.welcomeRow(ctx, row, opts)
		holds.end(ctx, keys[i])
	}
	return out
}

// welcomeRow sends the welcome of a checked row whose person the import
// holds, and then skips a person welcomed before unless opts.Reissue.
func (d *Desk) welcomeRow(ctx context.Context, row importRow, opts ImportOptions) ImportRow {
	out := ImportRow{Line: row.line, Username: row.req.Username, Status: "failed"}
	if !opts.Reissue {
		_, before, err := d.lastWelcome(ctx, row.req.Institution, row.req.Username)
		if err != nil {
			d.Logger.ErrorContext(ctx, "import: read the audit log", "line", row.line, "err", err)
			return out
		}
		if before {
			out.Status = "skipped_welcomed"
			return out
		}
	}
	w := d.welcomeSend(ctx, row.req, opts.Actor, opts.RemoteAddr)
	out.Deliveries = w.Deliveries
	if w.Sent() {
		out.Status = "welcomed"
		out.Warning = d.checkAccount(ctx, row.req.Username, row.req.Institution, "the reset")
	}
	return out
}

// deliveryErrors lists the failed deliveries' channels and classes.
func deliveryErrors(ds []Delivery) string {
	var b strings.Builder
	for _, dl := range ds {
		if !dl.OK {
			b.WriteString(" " + dl.Channel + ": " + dl.Error)
		}
	}
	return b.String()
}

// servedRows moves the rows of institutions this installation does not
// serve to errs, in line order.
func (d *Desk) servedRows(rows []importRow, errs []RowError) ([]importRow, []RowError) {
	kept := rows[:0]
	moved := false
	for _, row := range rows {
		if err := d.servedProblem(row.req.Institution); err != nil {
			errs = append(errs, RowError{Line: row.line, Field: "institution", Reason: err.Error()})
			moved = true
			continue
		}
		kept = append(kept, row)
	}
	if moved {
		slices.SortStableFunc(errs, func(a, b RowError) int { return cmp.Compare(a.Line, b.Line) })
	}
	return kept, errs
}
