package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/identity"
	"github.com/styrke-iam/styrke/server/store"
)

// runAccount is `styrke account import FILE.csv` (or - for stdin): it stores
// each account's keyed identity hash (the CSV's columns: username, name,
// institution, identity number), all or nothing. A bad line is reported
// on stderr by its number and field, never its content.
func runAccount(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	const use = "usage: styrke account import [--db DSN] [--identity-key-file FILE] [--test-numbers] [--replace] FILE.csv|-\n" +
		"       styrke account forget [--db DSN] --institution ID --username NAME"
	if len(args) > 0 && isHelp(args[0]) {
		fmt.Fprintln(stdout, use)
		return nil
	}
	if len(args) > 0 && args[0] == "forget" {
		return accountForget(ctx, args[1:], getenv, stdout, stderr)
	}
	if len(args) == 0 || args[0] != "import" {
		fmt.Fprintln(stderr, use)
		return errUsage
	}
	fs := flag.NewFlagSet("account import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var db, data string
	var rc resetConfig
	envString(fs, getenv, &db, "db", "", "store: sqlite:PATH or postgres://... (default: SQLite in --data)")
	envString(fs, getenv, &data, "data", dataDir(getenv), "data directory for the default SQLite store")
	registerIdentityFlags(fs, getenv, &rc)
	actor := fs.String("actor", cliActor(), "who is acting, for the audit log")
	var served string
	servedFlag(fs, getenv, &served)
	replace := fs.Bool("replace", false, "the file lists every account of the institutions it names: remove the identity numbers of their other accounts (people who left)")
	if err := parseFlags(fs, args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, use)
		return errUsage
	}
	insts, err := parseServed(served)
	if err != nil {
		fmt.Fprintf(stderr, "account import: %v\n", err)
		return errUsage
	}
	h, err := rc.hasher()
	if err != nil {
		return err
	}
	if h == nil {
		fmt.Fprintln(stderr, "account import: an identity key is required: --identity-key-file or STYRKE_IDENTITY_KEY (the same as the server's)")
		return errUsage
	}
	in := stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	st, err := openDeskStore(ctx, db, data)
	if err != nil {
		return err
	}
	defer st.Close()
	var auditErr error
	serves := server.DeskDeps{Institutions: insts}.Serves
	n, err := server.ImportIdentities(ctx, st, h, time.Now(), in, server.IdentityOptions{AllowTest: rc.testNumbers, Replace: *replace, Serves: serves}, func(e store.AuditEvent) {
		e.Actor = *actor
		if _, err := st.AppendAudit(ctx, e); err != nil && auditErr == nil {
			auditErr = err
		}
	})
	if auditErr != nil {
		return fmt.Errorf("account import: the accounts were imported, but the audit log was not written: %w", auditErr)
	}
	if errors.Is(err, identity.ErrInvalid) {
		var j interface{ Unwrap() []error }
		if errors.As(err, &j) {
			for _, e := range j.Unwrap() {
				var le *identity.LineError
				if errors.As(e, &le) {
					fmt.Fprintln(stderr, le.Error())
				}
			}
		}
		fmt.Fprintln(stderr, "account import: nothing was imported")
		return errReported
	}
	if err != nil {
		return err
	}
	if n.Imported == 0 {
		fmt.Fprintln(stderr, "account import: the file has no accounts; nothing was imported")
		return errReported
	}
	accounts := "accounts"
	if n.Imported == 1 {
		accounts = "account"
	}
	if *replace {
		fmt.Fprintf(stdout, "imported %d %s, removed %d\n", n.Imported, accounts, n.Removed)
		return nil
	}
	fmt.Fprintf(stdout, "imported %d %s\n", n.Imported, accounts)
	return nil
}

// accountForget is `styrke account forget --institution ID --username
// NAME`: server.Desk.Forget, the right to erasure (or a person who left):
// everything Styrke keeps of the account is deleted, and the audit log says
// what, in counts. Nothing in the directory changes.
func accountForget(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c := newDeskCmd("account forget", getenv, stderr)
	var username, institution string
	c.fs.StringVar(&username, "username", "", "the account's username (letters in any case)")
	c.fs.StringVar(&institution, "institution", "", "the account's institution (styrke policy list)")
	// serve's directory settings, so that the account's lease is named
	// as serve names it (a password being written is not forgotten under
	// the write); nothing is asked of the directory.
	dirFlags := addDirectoryFlags(c.fs, getenv)
	if err := c.parse(args); err != nil {
		if errors.Is(err, errHelp) {
			return nil
		}
		return err
	}
	if username == "" || institution == "" {
		fmt.Fprintln(stderr, "account forget: give --institution and --username")
		return errUsage
	}
	c.existing = true
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
	if dirFlags.url == "none" && dirFlags.mapping == "" {
		fmt.Fprintln(stderr, "note: no directory settings (STYRKE_DIRECTORY…); if serve has them, give the same here, so that a password being set for the account right now is waited for")
	}
	f, err := d.Forget(ctx, institution, username, c.actor, "")
	var fe *server.FieldError
	if errors.As(err, &fe) {
		fmt.Fprintf(stderr, "account forget: %s\n", fe.Msg)
		return errUsage
	}
	if err != nil {
		return err
	}
	if f.Total() == 0 {
		fmt.Fprintln(stdout, "nothing was kept of this account")
		return nil
	}
	fmt.Fprintf(stdout, "deleted: links %d, notices %d, identity number %d, reset sessions %d, steps after a password %d, address on file %d, password history %d\n",
		f.Links, f.Notices, f.Identities, f.Sessions, f.Followups, f.Addresses, f.Passwords)
	return nil
}
