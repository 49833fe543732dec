package main

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/directory"
)

// parseWindows reads reminder windows: days or Go durations, comma-separated
// ("14d,3d"), each from server.MinRemindWithin to server.MaxRemindWithin.
func parseWindows(s string) ([]time.Duration, error) {
	var out []time.Duration
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		d, err := server.ParseWindow(part)
		if err != nil {
			return nil, fmt.Errorf("%q is no window from 1d to 366d (e.g. 14d, or 14d,3d)", part)
		}
		out = append(out, d)
	}
	return out, nil
}

// remindTarget is an institution and the directory whose passwords expire.
type remindTarget struct {
	institution string
	dir         directory.Directory
}

// remindTargets lists the directories of set that expire passwords: the
// default one as "default", and each institution's own (--directory-map),
// by id.
func remindTargets(set *directory.Set) []remindTarget {
	var out []remindTarget
	if _, ok := set.Default.(directory.Expirer); ok {
		out = append(out, remindTarget{"default", set.Default})
	}
	for _, id := range slices.Sorted(maps.Keys(set.ByInstitution)) {
		if d := set.ByInstitution[id]; d != nil {
			if _, ok := d.(directory.Expirer); ok {
				out = append(out, remindTarget{id, d})
			}
		}
	}
	return out
}

// startReminders runs the expiry reminders of every target now and then
// every every, until ctx ends (styrke serve --remind-within). Several
// instances may run it: the store lets one of them send each reminder.
func startReminders(ctx context.Context, desk *server.Desk, targets []remindTarget, windows []time.Duration, every time.Duration, logger *slog.Logger) (wait func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			for _, tg := range targets {
				remindOnce(ctx, desk, tg, windows, logger)
			}
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	return func() { <-done }
}

// remindOnce runs one target's reminders and logs what they did.
func remindOnce(ctx context.Context, desk *server.Desk, tg remindTarget, windows []time.Duration, logger *slog.Logger) {
	out, err := desk.RemindExpiring(ctx, tg.dir, server.RemindRequest{Institution: tg.institution, Windows: windows, Actor: "system"})
	counts := map[string]int{}
	for _, r := range out {
		counts[r.State]++
	}
	attrs := []any{"institution", tg.institution, "expiring", len(out), "sent", counts[server.RemindSent],
		"failed", counts[server.RemindFailed], "earlier", counts[server.RemindEarlier], "no_address", counts[server.RemindNoAddress]}
	switch {
	case err != nil && ctx.Err() == nil:
		logger.Error("expiry reminders", append(attrs, "directory", tg.dir.String(), "err", err)...)
	case counts[server.RemindFailed] > 0:
		logger.Warn("expiry reminders: some reached nobody; the next run tries again", attrs...)
	case err == nil:
		logger.Info("expiry reminders", attrs...)
	}
}
