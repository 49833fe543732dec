package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/styrke-iam/styrke/server"
)

// runActivation is `styrke activation create --username U --name N
// --institution ID [--ttl 72h] [--db DSN] [--data DIR] [--base-url URL]`:
// it stores a single-use activation and prints its link (the only place the
// token ever appears).
func runActivation(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "create" {
		fmt.Fprintln(stderr, "usage: styrke activation create --username U --name N --institution ID [--ttl 72h] [--db DSN] [--base-url URL]")
		return errUsage
	}
	fs := flag.NewFlagSet("activation create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var username, name, institution, db, data, baseURL string
	var ttl time.Duration
	fs.StringVar(&username, "username", "", "account name")
	fs.StringVar(&name, "name", "", "the person's full name")
	fs.StringVar(&institution, "institution", "default", "policy id of the institution")
	fs.DurationVar(&ttl, "ttl", 0, "lifetime of the link (default: the policy's activationTTL)")
	envString(fs, getenv, &db, "db", "", "store: sqlite:PATH or postgres://... (default: SQLite in --data)")
	envString(fs, getenv, &data, "data", dataDir(getenv), "data directory for the default SQLite store")
	envString(fs, getenv, &baseURL, "base-url", "http://127.0.0.1:8080", "public URL of the site")
	if err := fs.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if username == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "activation create: --username is required")
		return errUsage
	}
	st, _, err := openStore(ctx, db, data, io.Discard)
	if err != nil {
		return err
	}
	defer st.Close()
	token, exp, err := server.CreateActivation(ctx, st, time.Now(), username, name, institution, ttl)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, server.Link(baseURL, token))
	fmt.Fprintf(stderr, "expires %s\n", exp.Format(time.RFC3339))
	return nil
}
