package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Oslo for a date alone

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/store"
)

// runAudit is `styrke audit [list] [filters]`, the audit log as JSON Lines
// (one event a line: id, time, event, actor, username, institution,
// remote_addr, request_id, detail), and `styrke audit prune --older-than
// 400d`.
func runAudit(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	prune := false
	if len(args) > 0 {
		switch args[0] {
		case "list":
			args = args[1:]
		case "prune":
			prune, args = true, args[1:]
		}
	}
	name, use := "audit", "usage: styrke audit [list] [filters]   the audit log as JSON Lines (one event a line)"
	if prune {
		name, use = "audit prune", "usage: styrke audit prune --older-than 400d   delete the events older than that"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), use)
		fs.PrintDefaults()
	}
	var db, data, since, until, olderThan string
	var f store.AuditFilter
	var last int
	envString(fs, getenv, &db, "db", "", "store: sqlite:PATH or postgres://... (default: SQLite in --data)")
	envString(fs, getenv, &data, "data", dataDir(getenv), "data directory for the default SQLite store")
	if prune {
		fs.StringVar(&olderThan, "older-than", "", "delete events older than this (e.g. 400d)")
	} else {
		fs.StringVar(&f.Event, "event", "", "only this event ("+strings.Join(store.Events, ", ")+")")
		fs.StringVar(&f.Username, "username", "", "only this person (any case of its ASCII letters)")
		fs.StringVar(&f.Actor, "actor", "", "only this actor (admin:NAME, user:NAME, cli:NAME, system)")
		fs.StringVar(&f.Institution, "institution", "", "only this institution")
		fs.StringVar(&since, "since", "", "from this time (RFC 3339, a date such as 2026-12-01 from its start in Norway, or a duration ago such as 24h or 7d)")
		fs.StringVar(&until, "until", "", "before this time (RFC 3339, a date, or a duration ago)")
		fs.Int64Var(&f.AfterID, "after", 0, "only events with a larger id")
		fs.IntVar(&f.Limit, "limit", 0, "at most this many, the oldest first (0: all)")
		fs.IntVar(&last, "last", 0, "only the newest this many, the oldest of them first")
		for _, a := range args {
			if n := strings.TrimLeft(a, "-"); a != n && (n == "older-than" || strings.HasPrefix(n, "older-than=")) {
				fmt.Fprintln(stderr, "audit: --older-than is for audit prune; to list, use --until")
				return errUsage
			}
		}
	}
	if err := parseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "%s: unexpected argument %q\n", name, fs.Arg(0))
		return errUsage
	}
	if last < 0 || f.Limit < 0 || last > 0 && f.Limit > 0 {
		fmt.Fprintln(stderr, "audit: give --last or --limit, not both, as a positive number (--last N: the newest N events; --limit N: the oldest N)")
		return errUsage
	}
	if f.Event != "" && !slices.Contains(store.Events, f.Event) {
		fmt.Fprintf(stderr, "audit: --event: not an event; one of %s\n", strings.Join(store.Events, ", "))
		return errUsage
	}
	if f.Institution != "" && !slices.Contains(policy.Institutions(), f.Institution) {
		fmt.Fprintf(stderr, "audit: --institution: not a known institution; one of %s\n", strings.Join(policy.Institutions(), ", "))
		return errUsage
	}
	now := time.Now()
	var err error
	if f.Since, err = timeArg(since, now); err != nil {
		fmt.Fprintf(stderr, "audit: --since: %v\n", err)
		return errUsage
	}
	if f.Until, err = timeArg(until, now); err != nil {
		fmt.Fprintf(stderr, "audit: --until: %v\n", err)
		return errUsage
	}
	if !f.Since.IsZero() && !f.Until.IsZero() && !f.Since.Before(f.Until) {
		fmt.Fprintln(stderr, "audit: --since is not before --until: nothing could match (a duration counts back from now: --since 30d --until 7d)")
		return errUsage
	}
	var age time.Duration
	if prune {
		if age, err = server.ParseDays(olderThan); err != nil || age <= 0 {
			fmt.Fprintln(stderr, "audit prune: --older-than must be a duration such as 400d")
			return errUsage
		}
	}
	st, err := openExistingStore(ctx, db, data)
	if err != nil {
		return err
	}
	defer st.Close()
	if prune {
		// Counted back from the time serve's retention would count from
		// at a start, not this machine's clock alone: a clock set wrong
		// deletes late, never early.
		a, err := believe(ctx, st, time.Now(), true)
		if err != nil {
			return err
		}
		n, err := st.PruneAudit(ctx, a.now.Add(-age))
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "%d events deleted\n", n)
		if a.why != "" {
			fmt.Fprintf(stderr, "audit prune: --older-than counted back from %s, held back %s: earlier than this machine's clock (%s), as serve's retention does, so that a clock set wrong deletes nothing the retention keeps; %s\n",
				a.now.UTC().Format(time.RFC3339), a.heldBack(), a.wall.UTC().Format(time.RFC3339), a.why)
		}
		return nil
	}
	// Page through the log, so that a long one is not held in memory
	// (with --last, its newest events only).
	enc := json.NewEncoder(stdout)
	// write prints an event, its time in Norwegian time.
	write := func(e store.AuditEvent) error { e.Time = e.Time.In(oslo); return enc.Encode(e) }
	emit := write
	var newest []store.AuditEvent
	if last > 0 {
		emit = func(e store.AuditEvent) error {
			if newest = append(newest, e); len(newest) > last {
				newest = newest[1:]
			}
			return nil
		}
	}
	left := f.Limit
	for {
		page := f
		page.Limit = 1000
		if left > 0 && left < page.Limit {
			page.Limit = left
		}
		events, err := st.Audit(ctx, page)
		if err != nil {
			return err
		}
		for _, e := range events {
			if err := emit(e); err != nil {
				return err
			}
		}
		if len(events) < page.Limit {
			break
		}
		f.AfterID = events[len(events)-1].ID
		if left > 0 {
			if left -= len(events); left == 0 {
				break
			}
		}
	}
	for _, e := range newest {
		if err := write(e); err != nil {
			return err
		}
	}
	return nil
}

// timeArg reads RFC 3339 or a duration before now ("24h", "7d").
func timeArg(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	// A day alone: its start in Norway.
	if t, err := time.ParseInLocation(time.DateOnly, s, oslo); err == nil {
		return t, nil
	}
	d, err := server.ParseDays(s)
	if err != nil || d == 0 {
		return time.Time{}, fmt.Errorf("%q is neither RFC 3339, a date (2026-12-01), nor a duration such as 24h or 7d", s)
	}
	return now.Add(-d), nil
}

// oslo is Norway's time, in which a date alone starts.
var oslo = func() *time.Location {
	l, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		return time.UTC
	}
	return l
}()
