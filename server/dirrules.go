package server

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory"
)

// How long the rules of a directory are kept: its password settings change
// seldom (a domain's policy), and every page that sets a password asks
// for them. A failure is kept for less, so that a directory back up is
// read again soon, and a directory down is not asked at every page.
const (
	rulesKept       = 10 * time.Minute
	rulesFailedKept = 30 * time.Second
	rulesTimeout    = 3 * time.Second
)

// rulesCache keeps each directory's settings for rulesKept.
type rulesCache struct {
	mu sync.Mutex
	m  map[directory.Directory]*rulesEntry
}

type rulesEntry struct {
	mu   sync.Mutex // held while the directory is read
	s    directory.Settings
	good bool      // s was read
	err  error     // the last read's failure, nil after a good one
	at   time.Time // of the last read; zero: never read
}

// settings returns dir's settings, read at most once per rulesKept;
// concurrent askers of one directory wait for one read, made apart from
// the asking request (one that went away mid-read made every page's
// answer "not known" for 30 seconds). A read that fails is tried again
// after rulesFailedKept, and meanwhile the last good settings stand, if
// any (ok false: none). err is the failure of a read this call made, for
// the log.
func (c *rulesCache) settings(ctx context.Context, dir directory.Directory, now func() time.Time) (s directory.Settings, ok bool, err error) {
	c.mu.Lock()
	if c.m == nil {
		c.m = map[directory.Directory]*rulesEntry{}
	}
	e := c.m[dir]
	if e == nil {
		e = &rulesEntry{}
		c.m[dir] = e
	}
	c.mu.Unlock()
	e.mu.Lock()
	defer e.mu.Unlock()
	kept := rulesKept
	if e.err != nil {
		kept = rulesFailedKept
	}
	if !e.at.IsZero() && now().Sub(e.at) < kept {
		return e.s, e.good, nil
	}
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rulesTimeout)
	defer cancel()
	read, err := dir.Settings(rctx)
	e.at, e.err = now(), err
	if err == nil {
		e.s, e.good = read, true
	}
	return e.s, e.good, err
}

// directoryRulesResponse answers GET /api/directory/rules.
type directoryRulesResponse struct {
	Institution string `json:"institution"`
	// Known is false while the directory cannot say its settings (down,
	// or refusing Styrke's service account): the rules are then zero, and
	// the pages list the policy's alone. An answer, not a failure of the
	// request: a page that asks it while the directory is down fails at
	// nothing (a 503 was a console error on every such page).
	Known bool `json:"known"`
	// Own: the rules are those of a password policy of the account's own
	// (lookupResponse.DirectoryRules), in place of the institution's;
	// with known false, the directory does not let Styrke read them.
	Own bool `json:"own,omitempty"`
	directory.Rules
}

// accountRules are the rules of username's own password policy in the
// institution's directory (directory.AccountPolicy: AD's fine-grained
// policy, OpenLDAP's pwdPolicySubentry) beyond p, for the activation and
// reset pages to list and check in place of the institution's
// (directoryRules): an account under a policy asking 16 characters was
// shown the domain's 10, and learnt of the 16 from the refusal. Nil when
// no such policy applies, or the directory cannot say (logged): the
// institution's rules stand. Known false: one applies that the service
// account may not read (on AD by default only administrators may).
func (h *handler) accountRules(ctx context.Context, institution, username string, p policy.Policy) *directoryRulesResponse {
	dir := h.directoryFor(institution)
	if directory.IsNone(dir) {
		return nil
	}
	dctx, cancel := context.WithTimeout(ctx, personTimeout)
	own, err := dir.AccountPolicy(dctx, username)
	cancel()
	if err != nil {
		h.Logger.WarnContext(ctx, "directory: whether the account has a password policy of its own not read (the page lists the institution's rules)", "id", RequestID(ctx), "institution", institution, "err", err)
		return nil
	}
	if !own.Own {
		return nil
	}
	r := &directoryRulesResponse{Institution: institution, Own: true, Known: own.Read}
	if own.Read {
		r.Rules = directory.RulesBeyond(p, own.Settings)
	}
	return r
}

// directoryRules answers GET /api/directory/rules?institution=ID with the
// rules the institution's directory enforces beyond its policy
// (directory.Rules: AD's complexity rule, a longer least length), for the
// activation, reset and change pages to list beside the policy's and to
// check before a password is sent: a person who chose a passphrase of
// small letters the page accepted learnt of AD's complexity rule only
// from its refusal. An institution without a directory has none. The
// directory's settings are kept for rulesKept; while the directory cannot
// say them, the answer has known false and no rules (the pages then list
// the policy's alone, and the directory's refusal still names its rule).
func (h *handler) directoryRules() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("institution")
		if id == "" {
			writeError(w, errorf(CodeInvalid, "institution is missing: ask /api/directory/rules?institution=ID", "institution"))
			return
		}
		p, err := policy.Lookup(id)
		if err != nil || !h.Serves(id) {
			writeError(w, errorf(CodeInvalid, "institution is not one this installation serves", "institution"))
			return
		}
		dir := h.Directories.For(id)
		if directory.IsNone(dir) {
			writeJSON(w, http.StatusOK, directoryRulesResponse{Institution: id, Known: true})
			return
		}
		s, ok, err := h.rules.settings(r.Context(), dir, h.Now)
		if err != nil {
			h.Logger.WarnContext(r.Context(), "directory rules: the directory did not say its password settings (the pages list the rules it said last, or only the policy's, until it does)",
				"id", RequestID(r.Context()), "institution", id, "directory", dir.String(), "err", err)
		}
		if !ok {
			writeJSON(w, http.StatusOK, directoryRulesResponse{Institution: id})
			return
		}
		writeJSON(w, http.StatusOK, directoryRulesResponse{Institution: id, Known: true, Rules: directory.RulesBeyond(p, s)})
	})
}

// personAndRules is fromDirectory and accountRules at once, each with its
// own round trip and time limit (personTimeout), so that a directory slow
// to answer holds the page's lookup or session for one limit, not two.
func (h *handler) personAndRules(ctx context.Context, institution, username string, p policy.Policy, in *policy.Input) *directoryRulesResponse {
	if directory.IsNone(h.directoryFor(institution)) {
		return nil
	}
	rules := make(chan *directoryRulesResponse, 1)
	go func() { rules <- h.accountRules(ctx, institution, username, p) }()
	h.fromDirectory(ctx, institution, username, in)
	return <-rules
}
