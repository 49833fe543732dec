package identity

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// Row is one account of an import: who owns it and the owner's number.
type Row struct {
	Line        int
	Username    string
	Name        string
	Institution string
	Number      string
}

// LineError is a problem with one line of a CSV import. It names the line
// and the field, never their content.
type LineError struct {
	Line    int
	Field   string // "username", "name", "institution", "identity number", or "" for the whole line
	Problem string
}

func (e *LineError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Problem)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Problem)
}

// ErrInvalid is returned (joined with every LineError) when any line is bad.
var ErrInvalid = errors.New("identity import: invalid lines")

// Limits of an import.
const (
	MaxRows     = 200_000
	MaxFieldLen = 256
	errorsShown = 100
)

// ParseCSV reads "username,name,institution,identity number" lines (an
// optional header line naming those four columns, in any order; comma or
// semicolon separated; UTF-8). known reports whether an institution id exists. Every
// number is checked (allowTest: accept synthetic test numbers). It returns
// the rows, or an error joining ErrInvalid and up to 100 *LineError (the
// import is all or nothing).
func ParseCSV(r io.Reader, known func(string) bool, allowTest bool) ([]Row, error) {
	br := newSniffer(r)
	cr := csv.NewReader(br)
	cr.Comma = br.comma()
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	var rows []Row
	var errs []error
	bad := func(e *LineError) {
		if len(errs) < errorsShown {
			errs = append(errs, e)
		}
	}
	seen := map[[2]string]int{}
	first := true
	col := [4]int{0, 1, 2, 3} // username, name, institution, identity number: their fields
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad(&LineError{Line: pe.Line, Problem: "malformed CSV"})
				if len(errs) >= errorsShown {
					break
				}
				continue
			}
			return nil, fmt.Errorf("identity import: read: %w", err)
		}
		// Only now: after a read error the reader has no field positions,
		// and FieldPos panics.
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			if header, ok := headerColumns(rec); ok {
				// A header names the columns, in any order: they were
				// read by position whatever it said.
				if len(header) > 0 {
					for _, e := range header {
						e.Line = line
						bad(e)
					}
					break
				}
				col = headerIndex(rec)
				continue
			}
		}
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != 4 {
			bad(&LineError{Line: line, Problem: fmt.Sprintf("has %d fields, want 4 (username, name, institution, identity number)", len(rec))})
			continue
		}
		row := Row{Line: line, Username: strings.TrimSpace(rec[col[0]]), Name: strings.TrimSpace(rec[col[1]]),
			Institution: strings.TrimSpace(rec[col[2]]), Number: strings.Join(strings.Fields(rec[col[3]]), "")}
		ok := true
		for _, f := range []struct{ name, v string }{{"username", row.Username}, {"name", row.Name}, {"institution", row.Institution}} {
			switch {
			case !utf8.ValidString(f.v):
				bad(&LineError{Line: line, Field: f.name, Problem: "is not valid UTF-8"})
				ok = false
			case len(f.v) > MaxFieldLen:
				bad(&LineError{Line: line, Field: f.name, Problem: fmt.Sprintf("is longer than %d bytes", MaxFieldLen)})
				ok = false
			case f.v == "" && f.name != "name":
				bad(&LineError{Line: line, Field: f.name, Problem: "is empty"})
				ok = false
			}
		}
		if ok && !known(row.Institution) {
			bad(&LineError{Line: line, Field: "institution", Problem: "is not a known institution, or not one this installation serves"})
			ok = false
		}
		if _, err := Check(row.Number, allowTest); err != nil {
			bad(&LineError{Line: line, Field: "identity number", Problem: problem(err)})
			ok = false
		}
		if !ok {
			continue
		}
		key := [2]string{row.Institution, FoldUsername(row.Username)}
		if prev, dup := seen[key]; dup {
			bad(&LineError{Line: line, Field: "username", Problem: fmt.Sprintf("repeats line %d's account", prev)})
			continue
		}
		seen[key] = line
		if len(rows) >= MaxRows {
			return nil, errors.Join(ErrInvalid, &LineError{Line: line, Problem: fmt.Sprintf("more than %d accounts in one import", MaxRows)})
		}
		rows = append(rows, row)
	}
	if len(errs) > 0 {
		return nil, errors.Join(append([]error{ErrInvalid}, errs...)...)
	}
	return rows, nil
}

// problem is the text of a Check error without the "identity number"
// prefix (the LineError names the field).
func problem(err error) string {
	switch {
	case errors.Is(err, ErrLength):
		return "must be 11 digits"
	case errors.Is(err, ErrDate):
		return "holds no valid date of birth"
	case errors.Is(err, ErrChecksum):
		return "fails the check digits"
	case errors.Is(err, ErrTestNumber):
		return "is a test number (month + 80), not allowed without test numbers enabled"
	}
	return "is invalid"
}

// columns are the import's columns, as a header names them.
var columns = [4]string{"username", "name", "institution", "identity number"}

// columnName is a header cell as columns spell it: without a byte-order
// mark or spaces around it, in small letters, "_" as a space.
func columnName(cell string) string {
	return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(strings.TrimPrefix(cell, "\ufeff"))), "_", " ")
}

// headerColumns reports whether rec is a header (a cell names one of the
// columns), and then what is wrong with it: a column it lacks, twice or
// unknown (LineErrors without their line), none when it is whole.
func headerColumns(rec []string) ([]*LineError, bool) {
	if !slices.ContainsFunc(rec, func(c string) bool { return slices.Contains(columns[:], columnName(c)) }) {
		return nil, false
	}
	list := " (" + strings.Join(columns[:], ", ") + ")"
	var errs []*LineError
	seen := map[string]bool{}
	for _, c := range rec {
		name := columnName(c)
		switch {
		case !slices.Contains(columns[:], name):
			errs = append(errs, &LineError{Field: name, Problem: "is not a column of the import" + list})
		case seen[name]:
			errs = append(errs, &LineError{Field: name, Problem: "appears twice in the header"})
		}
		seen[name] = true
	}
	for _, name := range columns {
		if !seen[name] {
			errs = append(errs, &LineError{Field: name, Problem: "is not in the header" + list})
		}
	}
	return errs, true
}

// headerIndex is where a whole header puts each of columns.
func headerIndex(rec []string) [4]int {
	var idx [4]int
	for i, c := range rec {
		idx[slices.Index(columns[:], columnName(c))] = i
	}
	return idx
}

// NewCSVReader reads CSV separated by commas or, when its first line has
// more semicolons than commas, by semicolons (a Norwegian Excel saves so).
func NewCSVReader(r io.Reader) *csv.Reader {
	s := newSniffer(r)
	cr := csv.NewReader(s)
	cr.Comma = s.comma()
	return cr
}

// sniffer peeks at the first line to choose the separator.
type sniffer struct {
	io.Reader
	head []byte
}

func newSniffer(r io.Reader) *sniffer {
	buf := make([]byte, 4096)
	n, _ := io.ReadFull(r, buf)
	buf = buf[:n]
	return &sniffer{Reader: io.MultiReader(strings.NewReader(string(buf)), r), head: buf}
}

func (s *sniffer) comma() rune {
	line, _, _ := strings.Cut(string(s.head), "\n")
	if strings.Count(line, ";") > strings.Count(line, ",") {
		return ';'
	}
	return ','
}

// FoldUsername returns a username as the directories and the store compare
// it: its ASCII capitals in small letters, every other code point as it is
// (SQLite's NOCASE, PostgreSQL's lower() under the "C" collation; AD and
// OpenLDAP match "OLA" and "ola" as one account).
func FoldUsername(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
