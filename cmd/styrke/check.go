package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server"
)

// maxLineBytes bounds one JSON Lines record of `styrke check`; a longer line
// is reported as malformed and skipped.
const maxLineBytes = 64 << 10

// checkLine is one record of `styrke check`'s input when it is an object.
type checkLine struct {
	Password  *string `json:"password"`
	Username  string  `json:"username"`
	Name      string  `json:"name"`
	BirthDate string  `json:"birthDate"`
	Phone     string  `json:"phone"`
}

// runCheck implements `styrke check [--policy ID|FILE] [--lang nb|nn|en]`.
func runCheck(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	polArg := fs.String("policy", "default", "institution id or policy JSON file")
	lang := fs.String("lang", "nb", "language of messages: nb, nn or en")
	fs.Usage = func() {
		fmt.Fprint(stderr, "usage: styrke check [--policy ID|FILE] [--lang nb|nn|en] < passwords.jsonl\n\n"+
			"Each input line is a JSON string (the password) or an object {\"password\",\"username\",\"name\",\"birthDate\",\"phone\"};\n"+
			"each output line is the Result JSON. With a terminal on stdin and no flags, asks for one password.\n")
	}
	if err := parseFlags(fs, args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "styrke check: unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if !validLang(*lang) {
		fmt.Fprintf(stderr, "styrke check: --lang must be nb, nn or en\n")
		return errUsage
	}
	p, err := loadPolicy(*polArg)
	if err != nil {
		return err
	}
	if f, ok := stdin.(*os.File); ok && len(args) == 0 && term.IsTerminal(int(f.Fd())) {
		return checkInteractive(f, p, *lang, stderr, stdout)
	}
	return checkStream(ctx, p, *lang, stdin, stdout, stderr)
}

func validLang(l string) bool {
	for _, x := range policy.Languages {
		if x == l {
			return true
		}
	}
	return false
}

// loadPolicy returns the embedded institution policy with this id, or the
// policy in the file at that path.
func loadPolicy(arg string) (policy.Policy, error) {
	p, err := policy.Lookup(arg)
	if err == nil {
		return p, nil
	}
	if !errors.Is(err, policy.ErrUnknownInstitution) {
		return policy.Policy{}, err
	}
	data, ferr := readPolicyFile(arg)
	if ferr != nil {
		if errors.Is(ferr, os.ErrNotExist) {
			return policy.Policy{}, fmt.Errorf("policy %q: neither an institution (%s) nor a file", arg, strings.Join(policy.Institutions(), ", "))
		}
		return policy.Policy{}, fmt.Errorf("policy %q: %w", arg, ferr)
	}
	p, err = policy.Parse(data)
	if err != nil {
		return policy.Policy{}, fmt.Errorf("policy file %q: %w", arg, err)
	}
	return p, nil
}

// errMalformed is returned by checkStream when at least one line was
// malformed (each was reported on stderr with its number).
var errMalformed = fmt.Errorf("%w: malformed input lines", errReported)

// checkStream evaluates one password per JSON Lines record, in order, with
// memory bounded by maxLineBytes whatever the input's length. A malformed
// line is reported on stderr by number (never by content: it may hold a
// password) and skipped.
func checkStream(ctx context.Context, p policy.Policy, lang string, stdin io.Reader, stdout, stderr io.Writer) error {
	in := bufio.NewReaderSize(stdin, 64<<10)
	out := bufio.NewWriterSize(stdout, 64<<10)
	buf := make([]byte, 0, 16<<10)
	bad := 0
	for lineNo := 1; ; lineNo++ {
		if lineNo%1024 == 0 && ctx.Err() != nil {
			out.Flush()
			return ctx.Err()
		}
		line, tooLong, err := readLine(in)
		if err == io.EOF && line == nil {
			break
		}
		if err != nil && err != io.EOF {
			out.Flush()
			return fmt.Errorf("read line %d: %w", lineNo, err)
		}
		if len(bytes.TrimSpace(line)) == 0 && !tooLong {
			if err == io.EOF {
				break
			}
			continue // blank lines are allowed and produce nothing
		}
		input, perr := parseCheckLine(line, tooLong)
		if perr != nil {
			bad++
			fmt.Fprintf(stderr, "styrke check: line %d: %v\n", lineNo, perr)
		} else {
			input.Lang = lang
			buf = policy.Evaluate(p, input).AppendJSON(buf[:0])
			buf = append(buf, '\n')
			if _, werr := out.Write(buf); werr != nil {
				return fmt.Errorf("write: %w", werr)
			}
		}
		if in.Buffered() == 0 {
			// Flush when the input has nothing more ready, so that an
			// interactive producer sees its answer.
			if werr := out.Flush(); werr != nil {
				return fmt.Errorf("write: %w", werr)
			}
		}
		if err == io.EOF {
			break
		}
	}
	if err := out.Flush(); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	if bad > 0 {
		fmt.Fprintf(stderr, "styrke check: %d malformed line(s) skipped\n", bad)
		return errMalformed
	}
	return nil
}

// readLine returns the next line without its newline. A line over
// maxLineBytes is consumed to its end and returned empty with tooLong set.
func readLine(r *bufio.Reader) (line []byte, tooLong bool, err error) {
	var acc []byte
	for {
		chunk, err := r.ReadSlice('\n')
		if len(acc)+len(chunk) > maxLineBytes+1 {
			tooLong = true
			acc = acc[:0]
		} else if !tooLong {
			acc = append(acc, chunk...)
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF:
			if len(acc) == 0 && !tooLong {
				return nil, false, io.EOF
			}
			return bytes.TrimRight(acc, "\r\n"), tooLong, io.EOF
		case err != nil:
			return nil, false, err
		}
		return bytes.TrimRight(acc, "\r\n"), tooLong, nil
	}
}

// parseCheckLine decodes one record: a JSON string or an object with a
// password and optional username, name, birthDate and phone; unknown fields are an error.
// Errors never quote the line.
func parseCheckLine(line []byte, tooLong bool) (policy.Input, error) {
	if tooLong {
		return policy.Input{}, fmt.Errorf("longer than %d bytes", maxLineBytes)
	}
	// A byte-order mark: a file saved by Excel or Notepad starts with one.
	line = bytes.TrimSpace(bytes.TrimPrefix(line, []byte("\uFEFF")))
	switch {
	case len(line) > 0 && line[0] == '"':
		var pw string
		if err := strictUnmarshal(line, &pw); err != nil {
			return policy.Input{}, err
		}
		return policy.Input{Password: pw}, nil
	case len(line) > 0 && line[0] == '{':
		var rec checkLine
		if err := strictUnmarshal(line, &rec); err != nil {
			return policy.Input{}, err
		}
		if err := server.StrictObject(line, "password", "username", "name", "birthDate", "phone"); err != nil {
			return policy.Input{}, err
		}
		if rec.Password == nil {
			return policy.Input{}, errors.New(`missing field "password"`)
		}
		// As /api/validate: a field the rules cannot read is an error, not
		// a rule silently skipped.
		if rec.BirthDate != "" && !policy.ValidBirthDate(rec.BirthDate) {
			return policy.Input{}, errors.New("birthDate: must be a date written YYYY-MM-DD")
		}
		if msg := server.PhoneProblem(rec.Phone); msg != "" {
			return policy.Input{}, errors.New("phone: " + msg)
		}
		return policy.Input{Password: *rec.Password, Username: rec.Username, Name: rec.Name, BirthDate: rec.BirthDate, Phone: rec.Phone}, nil
	}
	return policy.Input{}, errors.New("want a JSON string or an object with a \"password\" field")
}

// strictUnmarshal decodes exactly one JSON value with unknown fields
// rejected; its errors name the field or offset, never the value.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return fmt.Errorf("invalid JSON at byte %d", se.Offset)
		case errors.As(err, &te):
			return fmt.Errorf("field %q: want a %s, got a JSON %s", te.Field, te.Type, te.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return fmt.Errorf("unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
		}
		return errors.New("invalid JSON")
	}
	if dec.More() {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}

// checkInteractive asks for one password without echo and prints a
// readable breakdown. It never prints the password or its characters.
func checkInteractive(tty *os.File, p policy.Policy, lang string, prompt, stdout io.Writer) error {
	fmt.Fprint(prompt, breakdownWords(lang).prompt)
	pw, err := term.ReadPassword(int(tty.Fd()))
	fmt.Fprintln(prompt)
	if err != nil {
		return fmt.Errorf("read password: %w", err)
	}
	r := policy.Evaluate(p, policy.Input{Password: string(pw), Lang: lang})
	clear(pw)
	writeBreakdown(stdout, p, r, lang)
	return nil
}

// breakdown are the words of the interactive check around the policy's
// messages, in their language.
type breakdown struct {
	prompt, policy, pos, category, points, note, repeat, limit, ok, notOK, score string
}

func breakdownWords(lang string) breakdown {
	switch lang {
	case "nn":
		return breakdown{"Passord (blir ikkje vist): ", "Regelsett %s (%s), versjon %s", "nr.", "kategori", "poeng", "merknad",
			"same som teiknet før", "meir enn %d av dette teiknet", "GODKJENT", "IKKJE GODKJENT", "%s av %s poeng (bonus %s): %s"}
	case "en":
		return breakdown{"Password (not shown): ", "Policy %s (%s), version %s", "pos", "category", "points", "note",
			"same as the character before", "more than %d of this character", "OK", "NOT OK", "score %s of %s (bonus %s): %s"}
	}
	return breakdown{"Passord (vises ikke): ", "Regelsett %s (%s), versjon %s", "nr.", "kategori", "poeng", "merknad",
		"samme som tegnet før", "mer enn %d av dette tegnet", "GODKJENT", "IKKE GODKJENT", "%s av %s poeng (bonus %s): %s"}
}

// writeBreakdown prints a Result for a person: one line per character
// position (category, points, why nothing), the total against the
// threshold, the bonus, the violations and the next steps.
func writeBreakdown(w io.Writer, p policy.Policy, r policy.Result, lang string) {
	num := func(f float64) string { return policy.FormatNumber(f, lang) }
	t := breakdownWords(lang)
	fmt.Fprintf(w, t.policy+"\n\n", p.ID, p.Name, p.Version())
	fmt.Fprintf(w, "%4s  %-8s %6s  %s\n", t.pos, t.category, t.points, t.note)
	for i, c := range r.Chars {
		note := ""
		switch c.Note {
		case policy.NoteRepeat:
			note = t.repeat
		case policy.NoteOccurrenceLimit:
			note = fmt.Sprintf(t.limit, p.Score.OccurrenceLimit)
		}
		fmt.Fprintf(w, "%4d  %-8s %6s  %s\n", i+1, c.Category, num(c.Points), note)
	}
	verdict := t.ok
	if !r.OK {
		verdict = t.notOK
	}
	fmt.Fprintf(w, "\n"+t.score+"\n", num(r.Score), num(r.Threshold), num(r.Bonus), verdict)
	for _, v := range r.Violations {
		fmt.Fprintf(w, "  ✗ %s\n", v.Message)
	}
	for _, f := range r.Feedback {
		fmt.Fprintf(w, "  → %s\n", f)
	}
}
