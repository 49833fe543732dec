package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/server/store"
	"github.com/styrke-iam/styrke/server/store/backend"
	"github.com/styrke-iam/styrke/server/store/postgres"
	"github.com/styrke-iam/styrke/server/store/sqlite"
)

const storeUse = "usage: styrke store copy [--db DSN | --data DIR] --to DSN\n" +
	"  copies everything the store holds into a new, empty one: from SQLite to PostgreSQL to grow\n" +
	"  to several instances, or into a new SQLite file for a backup (while serve runs)"

// runStore is `styrke store copy --to DSN`: the store --db names (the
// source, as every command has it) copied whole into a new SQLite file or
// an empty PostgreSQL database, in one transaction, then read back and
// compared table by table.
func runStore(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprintln(stdout, storeUse)
		return nil
	}
	if len(args) == 0 || args[0] != "copy" {
		fmt.Fprintln(stderr, storeUse)
		return errUsage
	}
	fl := flag.NewFlagSet("store copy", flag.ContinueOnError)
	fl.SetOutput(stderr)
	var db, data, to string
	envString(fl, getenv, &db, "db", "", "the store to copy: sqlite:PATH or postgres://... (default: SQLite in --data)")
	envString(fl, getenv, &data, "data", dataDir(getenv), "data directory for the default SQLite store")
	// The destination's DSN may hold a password: from the environment
	// (or a file) it is not shown by -h, and stays out of ps.
	var toFlag string
	fl.StringVar(&toFlag, "to", "", "the new store: sqlite:PATH (a file that does not exist yet) or postgres://... (an empty database) (env STYRKE_COPY_TO, or STYRKE_COPY_TO_FILE naming a file that holds it)")
	actor := fl.String("actor", cliActor(), "who is acting, for the audit log")
	if err := parseFlags(fl, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "store copy: unexpected argument %q\n", fl.Arg(0))
		return errUsage
	}
	if db == "" {
		db = defaultDB(data)
	}
	if to = toFlag; to == "" {
		to = getenv("STYRKE_COPY_TO")
	}
	if to == "" {
		fmt.Fprintln(stderr, "store copy: --to is missing: the new store, sqlite:PATH or postgres://...")
		return errUsage
	}
	file, err := checkCopyTo(db, to)
	if err != nil {
		fmt.Fprintf(stderr, "store copy: --to: %v\n", err)
		return errUsage
	}
	// A new SQLite file is written in a folder of its own beside it (0700,
	// a random name) and linked into place when it is whole: a copy killed
	// part-way (SIGKILL, a lost session) left an empty store under the
	// backup's name, and a name fixed in advance (NAME.partial) could be
	// planted, as a link to a file of another user's, in a shared folder.
	into := to
	tmpDir, partial := "", ""
	if file != "" {
		dir := filepath.Dir(file)
		if old, _ := filepath.Glob(filepath.Join(dir, copyDirPattern)); len(old) > 0 {
			fmt.Fprintf(stderr, "store copy: note: %s: left by a copy that was stopped before it finished, or runs now; if none runs, remove it\n", strings.Join(old, ", "))
		}
		if tmpDir, err = os.MkdirTemp(dir, copyDirPattern); err != nil {
			return fmt.Errorf("--to: %w", err)
		}
		defer os.RemoveAll(tmpDir)
		partial = filepath.Join(tmpDir, filepath.Base(file))
		into = "sqlite:" + partial
	}
	if postgres.IsDSN(to) {
		// Before anything is migrated in it.
		in, err := postgres.Inspect(ctx, to)
		if err != nil {
			return fmt.Errorf("--to: %w", err)
		}
		if len(in.Others) > 0 {
			return fmt.Errorf("--to: the database holds tables that are not Styrke's (%s): give Styrke a database of its own, or a schema of its own (CREATE SCHEMA styrke, and ?search_path=styrke in the DSN)", strings.Join(in.Others, ", "))
		}
		for _, t := range store.Tables {
			if n := in.Rows[t.Name]; n > 0 {
				return fmt.Errorf("--to: %w; nothing was changed in it", &store.NotEmptyError{Table: t.Name, Rows: n})
			}
		}
	}
	src, err := openExistingStore(ctx, db, data)
	if err != nil {
		return err
	}
	defer src.Close()
	from, ok := src.(store.Copier)
	if !ok {
		return fmt.Errorf("store copy: the store %s cannot be copied", backend.Redact(db))
	}
	dst, err := backend.Open(ctx, into)
	if err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	defer dst.Close()
	// fail ends a copy that did not finish: a new file is removed (with
	// its folder, by the deferred RemoveAll).
	fail := func(err error) error {
		if ctx.Err() != nil {
			err = errors.New("interrupted")
		}
		if partial != "" {
			dst.Close()
			return fmt.Errorf("store copy: %w (the new file is removed)", err)
		}
		return fmt.Errorf("store copy: %w", err)
	}
	copier, ok := dst.(store.Copier)
	if !ok {
		return fail(fmt.Errorf("the store %s cannot be copied into", backend.Redact(to)))
	}
	fmt.Fprintf(stdout, "copying %s to %s: what is written to the first after this is not in the copy (to move, stop serve first)\n",
		backend.Redact(db), backend.Redact(to))
	start := time.Now()
	// A large store takes a while (50,000 rows a second): say how far.
	sums, err := store.Copy(ctx, copyProgress{from, stderr}, copier)
	if errors.Is(err, store.ErrCopyDiffers) {
		return fail(fmt.Errorf("%w: do not use the copy", err))
	} else if err != nil {
		return fail(fmt.Errorf("%w; nothing was copied", err))
	}
	var rows int64
	counts := map[string]int64{}
	for _, s := range sums {
		rows += s.Rows
		counts[s.Table] = s.Rows
	}
	now := time.Now()
	detail, _ := json.Marshal(map[string]any{"from": backend.Redact(db), "rows": counts})
	if _, err := dst.AppendAudit(ctx, store.AuditEvent{Time: now, Event: store.EventCopied, Actor: *actor, Detail: string(detail)}); err != nil {
		return fail(fmt.Errorf("the copy's audit event was not recorded: %w", err))
	}
	if sealer, ok := dst.(interface{ Seal(context.Context) error }); ok && partial != "" {
		if err := sealer.Seal(ctx); err != nil {
			return fail(err)
		}
		if err := linkInPlace(partial, file); err != nil {
			return fail(err)
		}
		if err := syncDir(filepath.Dir(file)); err != nil {
			return fmt.Errorf("store copy: %w (the copy is %s, but may not survive a power cut)", err, file)
		}
	}
	for _, s := range sums {
		fmt.Fprintf(stdout, "  %-20s %9d\n", s.Table, s.Rows)
	}
	fmt.Fprintf(stdout, "copied %s of %d tables in %s; the copy reads back the same, table by table\n",
		store.Rows(rows), len(sums), time.Since(start).Round(time.Millisecond))
	// Rows written to the source during the copy are not in it: fine for
	// a backup, not for a move.
	if after, err := store.Sums(ctx, from); err == nil {
		var changed []string
		for i := range after {
			if after[i] != sums[i] {
				changed = append(changed, after[i].Table)
			}
		}
		if len(changed) > 0 {
			fmt.Fprintf(stdout, "note: the source changed during the copy (%s): those changes are not in the copy; if you are moving to the copy, stop serve and copy again\n", strings.Join(changed, ", "))
		}
	}
	// The source's own log says where its data went.
	detail, _ = json.Marshal(map[string]any{"to": backend.Redact(to), "rows": counts})
	if _, err := src.AppendAudit(ctx, store.AuditEvent{Time: now, Event: store.EventCopied, Actor: *actor, Detail: string(detail)}); err != nil {
		fmt.Fprintf(stderr, "store copy: warning: the source's audit log does not record the copy: %v\n", err)
	}
	return nil
}

// copyProgressEvery is how many rows a copy reads between its progress
// lines: a large store took half a minute in silence.
var copyProgressEvery = 200000

// copyProgress is a copy's source that says how many rows it has read.
type copyProgress struct {
	store.Copier
	w io.Writer
}

func (p copyProgress) ReadAll(ctx context.Context, fn func(t *store.Table, row []any) error) error {
	n := 0
	return p.Copier.ReadAll(ctx, func(t *store.Table, row []any) error {
		if n++; n%copyProgressEvery == 0 {
			fmt.Fprintf(p.w, "store copy: %d rows so far (%s)\n", n, t.Name)
		}
		return fn(t, row)
	})
}

// linkInPlace puts the finished copy at file: a link, not a rename, so
// that it never replaces what may have come to be at the name meanwhile;
// where the file system has no hard links, a rename once file is seen not
// to exist.
func linkInPlace(partial, file string) error {
	err := os.Link(partial, file)
	if err != nil && !errors.Is(err, fs.ErrExist) {
		if _, lerr := os.Lstat(file); errors.Is(lerr, fs.ErrNotExist) {
			err = os.Rename(partial, file)
		} else if lerr == nil {
			err = fs.ErrExist
		}
	}
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s came to exist during the copy: the copy is not put there", file)
	}
	return err
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// checkCopyTo refuses a destination that is the source, or a SQLite file
// that exists (a copy makes a new one; an existing file may be another
// program's, which Open would add Styrke's tables to) or whose folder does
// not. newFile is the SQLite file the copy will create, if it is one.
func checkCopyTo(from, to string) (newFile string, err error) {
	if path, ok := sqlite.ParseDSN(to); ok {
		abs, err := filepath.Abs(path)
		if err != nil {
			return "", err
		}
		if p, ok := sqlite.ParseDSN(from); ok {
			if a, err := filepath.Abs(p); err == nil && a == abs {
				return "", errors.New("is the store being copied")
			} else if err == nil && (abs == a+"-wal" || abs == a+"-shm" || abs == a+"-journal") {
				// (removed when the source closes, with the copy in it)
				return "", errors.New("is a file of the store being copied")
			}
		}
		if _, err := os.Lstat(path); err == nil { // (a link that leads nowhere exists too)
			return "", fmt.Errorf("%s exists: a copy goes into a new file (remove it, or name another)", path)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
		if dir := filepath.Dir(path); dir != "." {
			if _, err := os.Stat(dir); err != nil {
				return "", fmt.Errorf("the folder %s does not exist; create it first", dir)
			}
		}
		return path, nil
	}
	if !postgres.IsDSN(to) {
		return "", errors.New(`must be "sqlite:PATH" or "postgres://..."`)
	}
	if to == from {
		return "", errors.New("is the store being copied")
	}
	return "", nil
}

// copyDirPattern names the folder a copy into a new SQLite file writes in
// (os.MkdirTemp's pattern), beside the file it makes.
const copyDirPattern = ".styrke-copy-*"
