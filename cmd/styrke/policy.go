package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"unicode/utf8"

	"github.com/styrke-iam/styrke/policy"
)

// runPolicy implements `styrke policy validate FILE`, `styrke policy show
// ID|FILE` and `styrke policy list`.
func runPolicy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	const usage = "usage: styrke policy validate FILE | show ID|FILE | list\n" +
		"  validate FILE   check a policy file: every problem by its field, or \"ok\"\n" +
		"  show ID|FILE    a policy as canonical JSON: an institution's built-in one (by its id), or a file's\n" +
		"  list            the built-in policies: id, version and name\n"
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	// -h after the subcommand too ("policy show -h" read -h as the
	// policy); not "help", which may be a file's name.
	if isHelp(args[0]) || (len(args) > 1 && isHelp(args[1]) && args[1] != "help") {
		fmt.Fprint(stdout, usage)
		return nil
	}
	switch args[0] {
	case "validate":
		if len(args) != 2 {
			fmt.Fprint(stderr, usage)
			return errUsage
		}
		return validatePolicy(args[1], stdout, stderr)
	case "show":
		if len(args) != 2 {
			fmt.Fprint(stderr, usage)
			return errUsage
		}
		p, err := loadPolicy(args[1])
		if err != nil {
			return err
		}
		_, err = stdout.Write(p.Canonical())
		return err
	case "list":
		if len(args) != 1 {
			fmt.Fprint(stderr, usage)
			return errUsage
		}
		for _, id := range policy.Institutions() {
			p, err := policy.Lookup(id)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%-12s %s  %s\n", id, p.Version(), p.Name)
		}
		return nil
	}
	fmt.Fprintf(stderr, "styrke policy: unknown subcommand %q\n%s", args[0], usage)
	return errUsage
}

// readPolicyFile reads a policy file, without the byte-order mark Windows
// Notepad puts before UTF-8 (which the policy parser, strict JSON, would
// call an unexpected character).
func readPolicyFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	return bytes.TrimPrefix(data, []byte("\uFEFF")), err
}

// validatePolicy prints every problem of the policy file (field: message)
// and fails, or prints "ok".
func validatePolicy(path string, stdout, stderr io.Writer) error {
	data, err := readPolicyFile(path)
	if err != nil {
		return fmt.Errorf("policy file %q: %w", path, err)
	}
	if len(bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\uFEFF")))) == 0 {
		fmt.Fprintln(stdout, "the file is empty; want a JSON object, {…}")
		fmt.Fprintf(stderr, "styrke policy validate: %s: not a well-formed policy\n", path)
		return errReported
	}
	_, err = policy.Parse(data)
	var pe *policy.ProblemsError
	var fe *policy.FieldError
	var se *policy.SyntaxError
	switch {
	case err == nil:
		fmt.Fprintln(stdout, "ok")
		return nil
	case errors.As(err, &pe):
		for _, pr := range pe.Problems {
			fmt.Fprintf(stdout, "%s: %s\n", pr.Field, pr.Message)
		}
		fmt.Fprintf(stderr, "styrke policy validate: %s: %d problem(s)\n", path, len(pe.Problems))
		return errReported
	case errors.As(err, &fe):
		where := fe.Path
		if where == "" {
			where = "(document)" // as check names it
		}
		fmt.Fprintf(stdout, "%s: %s\n", where, fe.Msg)
	case errors.As(err, &se):
		line, col := lineColumn(data, int(se.Offset))
		fmt.Fprintf(stdout, "syntax error at line %d, column %d: %s\n", line, col, se.Msg)
	default:
		fmt.Fprintf(stdout, "%v\n", err)
	}
	fmt.Fprintf(stderr, "styrke policy validate: %s: not a well-formed policy\n", path)
	return errReported
}

// lineColumn is where byte offset off of data is, as an editor counts:
// the line from 1, the column in characters from 1 (a policy's "at byte
// 36" left the operator counting).
func lineColumn(data []byte, off int) (line, col int) {
	off = min(max(off, 0), len(data))
	before := data[:off]
	start := bytes.LastIndexByte(before, '\n') + 1
	return bytes.Count(before, []byte("\n")) + 1, utf8.RuneCount(before[start:]) + 1
}
