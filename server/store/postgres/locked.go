package postgres

import (
	"context"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/styrke-iam/styrke/server/store"
)

// HoldAge is how long a session's transaction must have been open before
// Locked names it: a Styrke session's (another instance's) always, another
// program's when no write of Styrke's waits for it right now. Styrke's own
// transactions are a few statements on rows chosen by key, done in
// milliseconds (and ended by the server's store deadline, 5 s, at the
// latest); one that waits for no lock and has been open for a second is
// no request's normal work, while a session that made a request wait out
// its deadline has held its lock about that long.
const HoldAge = time.Second

// lockedTimeout bounds Locked's look at the server: it runs after a write
// ran out of time, and must not hold its answer up long.
const lockedTimeout = time.Second

// lockedReuse is how long Locked gives the same answer without asking the
// server again: while a lock is held every request that writes runs out
// of time, and each would open a connection and read the lock table
// (pg_blocking_pids takes the lock manager's locks to read it).
const lockedReuse = time.Second

// named is how many sessions Locked names at most.
const named = 3

// lockedCache is Locked's last answer.
type lockedCache struct {
	mu   sync.Mutex
	busy bool // a look under way
	at   time.Time
	why  string
}

// holder is a session (or a prepared transaction: pid 0) that holds locks
// on Styrke's tables, as lockHolders reads it.
type holder struct {
	pid int
	// gid is a prepared transaction's name (its age is since it was
	// prepared).
	gid string
	// app, role, client, state and age are what pg_stat_activity shows of
	// the session; state and age only to the session's own role and to
	// pg_read_all_stats (shown false otherwise).
	app, role, client, state string
	shown                    bool
	age                      time.Duration
	// tables are Styrke's tables it holds a lock that writes wait for
	// on, as "name (Mode: what waits)", the strongest mode of each; table
	// whether one of those modes makes every write of the table wait
	// (SHARE or stronger), not only writes of the rows it changed or
	// locked.
	tables []string
	table  bool
	// blocks: a session waiting for a lock on Styrke's tables waits for
	// it now (pg_blocking_pids); waits: it waits for a lock itself.
	blocks, waits bool
}

// lockHolders reads, on conn, who holds locks on Styrke's tables that
// writes wait for, and who blocks a session waiting for a lock on one of
// them now, with the application_name of conn (Styrke's own), from the
// catalog views any role may read (pg_locks, pg_stat_activity,
// pg_prepared_xacts, pg_blocking_pids). It reads no query text.
func lockHolders(ctx context.Context, conn *pgx.Conn) (hs []holder, self string, err error) {
	names := []string{"schema_migrations"}
	for _, t := range store.Tables {
		names = append(names, t.Name)
	}
	rows, err := conn.Query(ctx, lockHoldersSQL, names)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			h      holder
			pid    *int32
			gid    *string
			client *string
			port   *int32
			state  *string
			age    *float64
			tables []string
			modes  []string
		)
		if err := rows.Scan(&pid, &gid, &h.app, &h.role, &client, &port, &state, &age,
			&tables, &modes, &h.blocks, &h.waits, &self); err != nil {
			return nil, "", err
		}
		if pid != nil {
			h.pid = int(*pid)
		}
		if gid != nil {
			h.gid = *gid
		}
		if client != nil {
			h.client = strings.TrimSuffix(strings.TrimSuffix(*client, "/32"), "/128")
			if port != nil && *port > 0 {
				h.client = net.JoinHostPort(h.client, strconv.Itoa(int(*port)))
			}
		}
		if state != nil {
			h.state, h.shown = *state, true
		}
		if age != nil {
			h.age = time.Duration(*age * float64(time.Second))
		}
		h.tables, h.table = strongest(tables, modes)
		hs = append(hs, h)
	}
	return hs, self, rows.Err()
}

// lockHoldersSQL: $1 Styrke's table names, found as the connection's
// search_path finds them (to_regclass takes no lock: a table locked in
// ACCESS EXCLUSIVE mode does not hold the look up). Locks held on them
// in a mode a write waits for: every mode but ACCESS SHARE (a read) and
// SHARE UPDATE EXCLUSIVE (VACUUM, ANALYZE), ROW SHARE (SELECT FOR
// UPDATE) and ROW EXCLUSIVE (INSERT, UPDATE, DELETE) for the rows they
// locked or changed. A session waiting for a lock that holds or waits for
// one on those tables is a write of Styrke's (or one like it) waiting:
// those that block it are named too, whatever their locks.
const lockHoldersSQL = `WITH ours AS (
	SELECT c.oid, c.relname::text AS name FROM unnest($1::text[]) AS t(name)
	JOIN pg_class c ON c.oid = to_regclass(quote_ident(t.name))
), here AS (
	SELECT l.* FROM pg_locks l
	WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
), held AS (
	SELECT l.pid, l.virtualtransaction AS vxid, o.name, l.mode FROM here l JOIN ours o ON o.oid = l.relation
	WHERE l.locktype = 'relation' AND l.granted AND l.mode NOT IN ('AccessShareLock', 'ShareUpdateExclusiveLock')
), waiting AS (
	SELECT DISTINCT w.pid FROM pg_locks w
	WHERE NOT w.granted AND w.pid <> pg_backend_pid()
		AND w.pid IN (SELECT l.pid FROM here l JOIN ours o ON o.oid = l.relation)
), blocking AS (
	SELECT DISTINCT unnest(pg_blocking_pids(pid)) AS pid FROM waiting
), who AS (
	SELECT pid, vxid FROM held
	UNION SELECT b.pid, coalesce((SELECT l.virtualtransaction FROM pg_locks l WHERE l.pid = b.pid LIMIT 1), '') FROM blocking b WHERE b.pid <> 0
)
SELECT w.pid, p.gid,
	coalesce(a.application_name, ''), coalesce(a.usename::text, p.owner::text, ''),
	host(a.client_addr), a.client_port, a.state,
	extract(epoch FROM clock_timestamp() - coalesce(a.xact_start, p.prepared))::float8,
	coalesce((SELECT array_agg(h.name ORDER BY h.name, h.mode) FROM held h WHERE h.vxid = w.vxid), '{}'),
	coalesce((SELECT array_agg(h.mode ORDER BY h.name, h.mode) FROM held h WHERE h.vxid = w.vxid), '{}'),
	w.pid IN (SELECT pid FROM blocking) OR (w.pid IS NULL AND 0 IN (SELECT pid FROM blocking)),
	coalesce(w.pid IN (SELECT l.pid FROM pg_locks l WHERE NOT l.granted), false),
	current_setting('application_name')
FROM who w
LEFT JOIN pg_stat_activity a ON a.pid = w.pid
LEFT JOIN pg_prepared_xacts p ON w.pid IS NULL AND p.transaction IN (SELECT l.transactionid FROM pg_locks l
	WHERE l.pid IS NULL AND l.locktype = 'transactionid' AND l.virtualtransaction = w.vxid)
WHERE w.pid IS DISTINCT FROM pg_backend_pid()
	AND (w.pid IS NULL OR a.backend_type IS NULL OR a.backend_type = 'client backend')`

// culprits are the holders Locked names, those that block a write now
// first, then the oldest first. Not named: a session that waits for a
// lock itself (it is held up too; what holds it up is named); a session
// of Styrke's own (application_name self) unless its transaction has been
// open for HoldAge, or, where its age is not shown (another role's
// session), it holds a lock that makes every write of a table wait (a
// copy into the store, a migration); another program's session that
// blocks no write now and whose transaction has been open for less than
// HoldAge.
func culprits(hs []holder, self string) []holder {
	var out []holder
	for _, h := range hs {
		timed := h.shown || h.gid != ""
		switch {
		case h.pid != 0 && h.waits:
			continue
		case h.app == self && h.pid != 0:
			if timed && h.age < HoldAge || !timed && !h.table {
				continue
			}
		case !h.blocks && timed && h.age < HoldAge:
			continue
		}
		out = append(out, h)
	}
	slices.SortStableFunc(out, func(a, b holder) int {
		if a.blocks != b.blocks {
			if a.blocks {
				return -1
			}
			return 1
		}
		return int(b.age - a.age)
	})
	return out
}

// Locked says, for the log of a write that ran out of time, which
// PostgreSQL session holds a lock on Styrke's tables the write waited for
// (see culprits), with what the operator does about it: its pid,
// application_name, role, client address, state, how long its transaction
// has been open and the tables it holds locks on, read from catalog views
// any role may read (another role's state and age are shown only to
// pg_read_all_stats), never the text of its query (which may hold a token
// hash or a username). "" when no session is found, or the server does
// not answer within a second. It asks on a connection of its own (the
// pool's may all be waiting for the lock), and gives the same answer for
// a second, and while another call's look is under way.
func (s *Store) Locked(ctx context.Context) string {
	c := &s.locked
	c.mu.Lock()
	if c.busy || !c.at.IsZero() && time.Since(c.at) < lockedReuse {
		// Another request's look is under way (a server that does not
		// answer would hold each up in turn): the last answer.
		defer c.mu.Unlock()
		return c.why
	}
	c.busy = true
	c.mu.Unlock()
	why := s.lookAtLocks(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.busy, c.at, c.why = false, time.Now(), why
	return why
}

// lookAtLocks is Locked's look at the server.
func (s *Store) lookAtLocks(ctx context.Context) string {
	ctx, cancel := context.WithTimeout(ctx, lockedTimeout)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig)
	if err != nil {
		return ""
	}
	defer conn.Close(context.WithoutCancel(ctx))
	hs, self, err := lockHolders(ctx, conn)
	if err != nil {
		return ""
	}
	return describeHolders(culprits(hs, self))
}

// describeHolders says who hs are and what to do, "" for none.
func describeHolders(hs []holder) string {
	if len(hs) == 0 {
		return ""
	}
	var parts []string
	for i, h := range hs {
		if i == named {
			parts = append(parts, fmt.Sprintf("and %d more (pg_locks names them)", len(hs)-named))
			break
		}
		parts = append(parts, describeHolder(h))
	}
	why := strings.Join(parts, "; ")
	if slices.ContainsFunc(hs, func(h holder) bool {
		return h.pid != 0 && (!h.shown || strings.HasPrefix(h.state, "idle in transaction"))
	}) {
		why += "; PostgreSQL's idle_in_transaction_session_timeout (ALTER ROLE … SET, or postgresql.conf) ends a session left idle in a transaction for good"
	}
	return why
}

// describeHolder says who h is and how to end its transaction.
func describeHolder(h holder) string {
	var b strings.Builder
	if h.pid == 0 {
		if h.gid == "" {
			b.WriteString("a prepared transaction (pg_prepared_xacts names it)")
		} else {
			fmt.Fprintf(&b, "prepared transaction %q (owner %s, prepared %s ago)", clip(h.gid), clip(h.role), age(h.age))
		}
	} else {
		fmt.Fprintf(&b, "PostgreSQL session pid %d (application_name %q", h.pid, clip(h.app))
		if h.role != "" {
			fmt.Fprintf(&b, ", role %s", clip(h.role))
		}
		if h.client != "" {
			fmt.Fprintf(&b, ", client %s", h.client)
		} else if h.shown {
			b.WriteString(", over a local socket")
		}
		b.WriteString(")")
		if h.shown {
			fmt.Fprintf(&b, ", %s, its transaction open for %s,", h.state, age(h.age))
		} else {
			b.WriteString(" (its state and age are shown only to its own role and to pg_read_all_stats)")
		}
	}
	if h.blocks {
		b.WriteString(" blocks a write waiting now")
		if len(h.tables) > 0 {
			b.WriteString(" and")
		}
	}
	if len(h.tables) > 0 {
		fmt.Fprintf(&b, " holds write locks on %s", strings.Join(h.tables, ", "))
	}
	switch {
	case h.pid == 0 && h.gid == "":
		b.WriteString(": end it with COMMIT PREPARED or ROLLBACK PREPARED")
	case h.pid == 0:
		fmt.Fprintf(&b, ": end it with COMMIT PREPARED '%s' or ROLLBACK PREPARED '%s'", quoteGID(h.gid), quoteGID(h.gid))
	default:
		fmt.Fprintf(&b, ": end that transaction (COMMIT or ROLLBACK in that session, or SELECT pg_terminate_backend(%d))", h.pid)
	}
	return b.String()
}

// modes are the lock modes a write waits for, weakest first, with what
// waits for each.
var modes = []struct{ mode, what string }{
	{"RowShareLock", "writes of the rows it locked (SELECT … FOR UPDATE) wait"},
	{"RowExclusiveLock", "writes of the rows it changed wait"},
	{"ShareLock", "every write of the table waits"},
	{"ShareRowExclusiveLock", "every write of the table waits"},
	{"ExclusiveLock", "every write of the table waits"},
	{"AccessExclusiveLock", "every read and write of the table waits"},
}

// strongest says, for each table of tables (sorted, each with the lock
// mode of modes at the same index), its strongest mode and what waits for
// it; table reports whether a mode makes every write of a table wait.
func strongest(tables, lockModes []string) (out []string, table bool) {
	rank := func(m string) int {
		return slices.IndexFunc(modes, func(x struct{ mode, what string }) bool { return x.mode == m })
	}
	for i := 0; i < len(tables); {
		best := -1
		j := i
		for ; j < len(tables) && tables[j] == tables[i]; j++ {
			best = max(best, rank(lockModes[j]))
		}
		if best >= 0 {
			out = append(out, fmt.Sprintf("%s (%s: %s)", tables[i], modes[best].mode, modes[best].what))
			table = table || best >= 2
		}
		i = j
	}
	return out, table
}

// age is d to the second (to the tenth under ten seconds).
func age(d time.Duration) time.Duration {
	if d < 10*time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Second)
}

// clip is a name a client chose (application_name), cut to 64 bytes.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "…"
	}
	return s
}

// quoteGID is a prepared transaction's name as it goes between quotes in
// SQL.
func quoteGID(gid string) string { return strings.ReplaceAll(gid, "'", "''") }
