// Command styrke is Styrke's one binary: check passwords against a policy,
// show and validate policies, serve the site and the API, create activation
// links.
//
//	styrke check [--policy ID|FILE] [--lang nb|nn|en]   JSON Lines in, Results out
//	styrke policy validate FILE | policy show ID
//	styrke serve [flags]                               the site and the API
//	styrke activation create|list|revoke|resend|import     the service desk
//	styrke audit [list|prune] [filters]                the audit log as JSON Lines
//	styrke account import FILE.csv | forget            identity numbers (keyed hashes) for the reset; forget an account
//	styrke directory check [--directory URL ...]       the directory's rules against each policy
//	styrke store copy --to DSN                         the whole store into a new one
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"os/user"
	"runtime"
	"runtime/debug"
	"slices"
	"syscall"

	"github.com/styrke-iam/styrke/server/store/postgres"
	"github.com/styrke-iam/styrke/server/store/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(exitCode(err, os.Stderr))
}

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

const usage = `usage: styrke <command> [flags]

commands:
  check       read passwords as JSON Lines on stdin, write one Result per line
  policy      validate FILE | show ID | list
  serve       serve the site and the API
  activation  create, list, revoke, resend or import account-claim links, or welcome
  audit       list the audit log as JSON Lines, or prune it
  account     import FILE.csv: accounts and their owners' identity numbers (for the reset);
              forget: delete everything kept of an account
  directory   check: compare the directory's own password rules with each policy;
              remind: tell people whose password expires soon (e-mail, SMS)
  store       copy: everything the store holds into a new one (SQLite to PostgreSQL, a backup)
  version     the build (commit, time) and the database schema it migrates to
`

// run is the whole program with its IO passed in; main only exits.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	if isHelp(cmd) && len(rest) > 0 && !isHelp(rest[0]) {
		// "styrke help activation [create]" is "styrke activation
		// [create] -h", as git's and go's help are; it printed the list
		// of commands again.
		cmd, rest = rest[0], append(slices.Clone(rest[1:]), "-h")
	}
	// The process's own environment, whatever getenv is: a variable's
	// name can only be found there.
	warnings, err := checkEnviron(os.Environ())
	if err != nil {
		fmt.Fprintf(stderr, "styrke: %v\n", err)
		return errUsage
	}
	for _, w := range warnings {
		fmt.Fprintf(stderr, "styrke: warning: %s\n", w)
	}
	getenv, err = secretEnv(getenv)
	if err != nil {
		fmt.Fprintf(stderr, "styrke: %v\n", err)
		return errUsage
	}
	switch cmd {
	case "check":
		return runCheck(ctx, rest, getenv, stdin, stdout, stderr)
	case "policy":
		return runPolicy(ctx, rest, stdout, stderr)
	case "serve":
		return runServe(ctx, rest, getenv, stdout, stderr)
	case "activation":
		return runActivation(ctx, rest, getenv, stdout, stderr)
	case "account":
		return runAccount(ctx, rest, getenv, stdin, stdout, stderr)
	case "audit":
		return runAudit(ctx, rest, getenv, stdout, stderr)
	case "directory":
		return runDirectory(ctx, rest, getenv, stdout, stderr)
	case "store":
		return runStore(ctx, rest, getenv, stdout, stderr)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, version())
		return nil
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "styrke: unknown command %q\n%s", cmd, usage)
	return errUsage
}

// exitCode is the process's exit status for run's err, after writing its
// last line to stderr: 0 for nil; 2 for a command-line mistake (said
// already) and a directory check that could not check (notChecked); 1 for
// a failure said already (errReported) and any other. The line is
// "styrke: " and the error, a PostgreSQL outage said in words
// (postgres.Describe, as serve's log says it) where pgconn's text said
// "FATAL: terminating connection due to administrator command (SQLSTATE
// 57P01)".
func exitCode(err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errReported):
		return 1
	}
	code := 1
	if nc := (notChecked{}); errors.As(err, &nc) {
		code = 2
	}
	if d, ok := postgres.Describe(err); ok {
		err = d
	}
	fmt.Fprintf(stderr, "styrke: %v\n", err)
	return code
}

// cliActor is the audit log's actor for a command run by the user at the
// terminal: "cli:NAME", or "cli".
func cliActor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "cli:" + u.Username
	}
	return "cli"
}

// parseFlags is fs.Parse(args) for a command: -h prints its usage (every
// flag) and returns flag.ErrHelp; a mistake (an unknown flag, a bad value)
// is one line naming it and how to list the flags, and errUsage (the whole
// usage, some 60 flags for serve, buried the line that mattered).
func parseFlags(fs *flag.FlagSet, args []string) error {
	out, usage := fs.Output(), fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.SetOutput(out)
	fs.Usage = usage
	switch {
	case err == nil:
		return nil
	case errors.Is(err, flag.ErrHelp):
		if usage != nil {
			usage()
		} else {
			fmt.Fprintf(out, "Usage of %s:\n", fs.Name())
			fs.PrintDefaults()
		}
		return flag.ErrHelp
	}
	fmt.Fprintf(out, "%s: %v (styrke %s -h lists the flags)\n", fs.Name(), err, fs.Name())
	return errUsage
}

// isHelp reports whether arg asks for a command's usage.
func isHelp(arg string) bool {
	return arg == "-h" || arg == "--help" || arg == "help" || arg == "-help"
}

// errReported means the command already told the user what went wrong.
var errReported = errors.New("reported")

// version says which build this is: the commit and its time (with
// "+changes" for a build of uncommitted changes), Go's version, and the
// schema version both stores migrate to. An upgrade, a rollback and a bug
// report start from it.
func version() string {
	rev, at, dirty := "unknown", "", false
	goVersion := runtime.Version()
	if bi, ok := debug.ReadBuildInfo(); ok {
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				at = s.Value
			case "vcs.modified":
				dirty = s.Value == "true"
			}
		}
	}
	if dirty {
		rev += "+changes"
	}
	if at != "" {
		rev += " (" + at + ")"
	}
	return fmt.Sprintf("styrke %s, %s, database schema %d", rev, goVersion, sqlite.SchemaVersion)
}
