package store

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"time"
)

// Kind is how a column's value travels between the stores: SQLite keeps
// times as microseconds and booleans as 0 or 1, PostgreSQL as timestamptz
// and boolean; a copy reads and writes every value as the Go type its kind
// names.
type Kind int

// The kinds, with the Go type a row carries for each (nil for NULL).
const (
	Text  Kind = iota // string
	Int               // int64
	Bytes             // []byte
	Time              // time.Time, UTC, microseconds
	Bool              // bool
)

// Column is one column a copy moves.
type Column struct {
	Name string
	Kind Kind
	Null bool // may be NULL
}

// Table is one table a copy moves, with every column it has.
type Table struct {
	Name    string
	Columns []Column
	// Serial names the column whose values a sequence gives (PostgreSQL's
	// bigserial, SQLite's AUTOINCREMENT): copied as they are, and the
	// sequence set past the largest.
	Serial string
}

func cols(spec ...any) []Column {
	var c []Column
	for i := 0; i < len(spec); i += 2 {
		k := spec[i+1].(Kind)
		name := spec[i].(string)
		null := false
		if n := len(name); n > 0 && name[n-1] == '?' {
			name, null = name[:n-1], true
		}
		c = append(c, Column{Name: name, Kind: k, Null: null})
	}
	return c
}

// Tables is the whole schema a copy moves (at schema version 20), parents
// before the tables whose foreign keys name them. A migration that adds a
// table or a column adds it here too: the stores' tests compare this list
// with the database's own (TestCopyTablesMatchSchema), so a column left out
// fails them instead of being lost in a copy.
var Tables = []Table{
	{Name: "accounts", Columns: cols("institution", Text, "username", Text, "password_hash", Text, "updated_at", Time, "seq", Int)},
	{Name: "password_history", Columns: cols("institution", Text, "username", Text, "seq", Int, "hash", Text, "created_at", Time)},
	{Name: "activations", Columns: cols("token_hash", Bytes, "username", Text, "name", Text, "institution", Text,
		"created_at", Time, "expires_at", Time, "used_at?", Time, "failures", Int,
		"claim_id?", Bytes, "claimed_until?", Time, "pending_hash?", Text, "code_hash?", Bytes,
		"code_sends", Int, "code_sent_at?", Time, "followup_at?", Time)},
	{Name: "activation_contacts", Columns: cols("token_hash", Bytes, "email", Text, "phone", Text, "lang", Text,
		"created_by", Text, "delivered_at?", Time, "revoked_at?", Time, "delivery_unconfirmed", Bool)},
	{Name: "audit_events", Serial: "id", Columns: cols("id", Int, "time", Time, "event", Text, "actor", Text,
		"username", Text, "institution", Text, "remote_addr", Text, "request_id", Text, "detail", Text)},
	{Name: "notifications", Serial: "id", Columns: cols("id", Int, "dedupe_key", Text, "channel", Text,
		"recipient", Text, "subject", Text, "body_text", Text, "body_html", Text, "message_id", Text,
		"username", Text, "institution", Text, "created_at", Time, "next_attempt_at", Time, "attempts", Int,
		"sent_at?", Time, "gave_up", Bool, "last_error", Text)},
	{Name: "sms_counters", Columns: cols("institution", Text, "day", Text, "count", Int)},
	{Name: "account_identities", Columns: cols("institution", Text, "username", Text, "name", Text,
		"identity_hash", Bytes, "updated_at", Time)},
	{Name: "oidc_logins", Columns: cols("state_hash", Bytes, "nonce", Text, "verifier", Text, "acr", Text,
		"institution", Text, "lang", Text, "expires_at", Time)},
	{Name: "reset_sessions", Columns: cols("id_hash", Bytes, "username", Text, "name", Text, "institution", Text,
		"created_at", Time, "expires_at", Time, "claimed_until?", Time, "used_at?", Time, "birth_date", Text)},
	{Name: "throttle", Columns: cols("key", Bytes, "failures", Int, "window_start", Time)},
	{Name: "addresses", Columns: cols("institution", Text, "username", Text, "email", Text, "lang", Text, "updated_at", Time)},
	{Name: "reminders", Columns: cols("key", Text, "sent_at", Time, "done", Bool)},
	{Name: "password_followups", Columns: cols("key", Text, "kind", Text, "username", Text, "name", Text,
		"institution", Text, "at", Time, "due_at", Time)},
	{Name: "secrets", Columns: cols("name", Text, "value", Bytes)},
	{Name: "account_locks", Columns: cols("key", Text, "holder", Bytes, "until", Time)},
	{Name: "retention_mark", Columns: cols("id", Int, "as_of", Time)},
}

// Copier is a store that can be copied whole to another, of either kind:
// from SQLite to PostgreSQL to grow to several instances, or to a new
// SQLite file for a backup.
type Copier interface {
	// ReadAll calls fn with every row of every table of Tables, a table
	// at a time in that order, all from one consistent snapshot (the
	// store may be in use meanwhile). row holds the columns' values in
	// the table's order, as their kinds name; fn must not keep it.
	ReadAll(ctx context.Context, fn func(t *Table, row []any) error) error
	// WriteAll writes, in one transaction, the rows that rows puts, a
	// table at a time in Tables' order. It first checks that every table
	// of Tables is empty: a *NotEmptyError otherwise, and nothing written.
	// On any error nothing is written.
	WriteAll(ctx context.Context, rows func(put func(t *Table, row []any) error) error) error
}

// NotEmptyError: WriteAll found rows in the destination.
type NotEmptyError struct {
	Table string
	Rows  int64
}

func (e *NotEmptyError) Error() string {
	return fmt.Sprintf("the destination is not empty: its table %s has %s (a copy goes only into a new database: drop and create it again, or name another; a serve started on it once made rows)", e.Table, Rows(e.Rows))
}

// Rows is n rows in words: "1 row", "2 rows".
func Rows(n int64) string {
	if n == 1 {
		return "1 row"
	}
	return fmt.Sprintf("%d rows", n)
}

// TableSum is what a copy moved of one table: its rows and a sum of their
// values that does not depend on their order.
type TableSum struct {
	Table string
	Rows  int64
	Sum   [4]uint64
}

// add counts row into s.
func (s *TableSum) add(t *Table, row []any) error {
	h := sha256.New()
	var b [8]byte
	for i, v := range row {
		c := t.Columns[i]
		if v == nil {
			if !c.Null {
				return fmt.Errorf("%s.%s: NULL in a column that may not hold one", t.Name, c.Name)
			}
			h.Write([]byte{0})
			continue
		}
		h.Write([]byte{1})
		switch c.Kind {
		case Text:
			x, ok := v.(string)
			if !ok {
				return kindError(t, c, v)
			}
			binary.BigEndian.PutUint64(b[:], uint64(len(x)))
			h.Write(b[:])
			h.Write([]byte(x))
		case Bytes:
			x, ok := v.([]byte)
			if !ok {
				return kindError(t, c, v)
			}
			binary.BigEndian.PutUint64(b[:], uint64(len(x)))
			h.Write(b[:])
			h.Write(x)
		case Int:
			x, ok := v.(int64)
			if !ok {
				return kindError(t, c, v)
			}
			binary.BigEndian.PutUint64(b[:], uint64(x))
			h.Write(b[:])
		case Time:
			x, ok := v.(time.Time)
			if !ok {
				return kindError(t, c, v)
			}
			binary.BigEndian.PutUint64(b[:], uint64(x.UnixMicro()))
			h.Write(b[:])
		case Bool:
			x, ok := v.(bool)
			if !ok {
				return kindError(t, c, v)
			}
			if x {
				h.Write([]byte{1})
			} else {
				h.Write([]byte{0})
			}
		}
	}
	d := h.Sum(nil)
	var carry uint64
	for i := range s.Sum {
		s.Sum[i], carry = bits.Add64(s.Sum[i], binary.BigEndian.Uint64(d[8*i:]), carry)
	}
	s.Rows++
	return nil
}

// Value is v, a value as a database driver gives it (pgx's, or
// database/sql's from SQLite, which keeps times as microseconds and
// booleans as 0 or 1), as the column's kind names it.
func Value(c Column, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch c.Kind {
	case Text:
		if s, ok := v.(string); ok {
			return s, nil
		}
	case Bytes:
		if b, ok := v.([]byte); ok {
			return b, nil
		}
	case Int:
		switch n := v.(type) {
		case int64:
			return n, nil
		case int32:
			return int64(n), nil
		case int16:
			return int64(n), nil
		}
	case Time:
		switch t := v.(type) {
		case time.Time:
			return t.UTC(), nil
		case int64:
			return time.UnixMicro(t).UTC(), nil
		}
	case Bool:
		switch b := v.(type) {
		case bool:
			return b, nil
		case int64:
			if b == 0 || b == 1 {
				return b == 1, nil
			}
			return nil, fmt.Errorf("column %s: %d where 0 or 1 belongs", c.Name, b)
		}
	}
	return nil, fmt.Errorf("column %s: a value of type %T where its kind wants another", c.Name, v)
}

func kindError(t *Table, c Column, v any) error {
	return fmt.Errorf("%s.%s: a value of type %T where the column's kind wants another", t.Name, c.Name, v)
}

// Sums reads every table of c (ReadAll) and returns what it holds: for
// each table of Tables its rows and a sum of their values.
func Sums(ctx context.Context, c Copier) ([]TableSum, error) {
	sums := newSums()
	err := c.ReadAll(ctx, func(t *Table, row []any) error { return sums[t.Name].add(t, row) })
	if err != nil {
		return nil, err
	}
	return sumList(sums), nil
}

func newSums() map[string]*TableSum {
	m := make(map[string]*TableSum, len(Tables))
	for _, t := range Tables {
		m[t.Name] = &TableSum{Table: t.Name}
	}
	return m
}

func sumList(m map[string]*TableSum) []TableSum {
	out := make([]TableSum, len(Tables))
	for i, t := range Tables {
		out[i] = *m[t.Name]
	}
	return out
}

// ErrCopyDiffers: after a copy, the destination did not read back as the
// source was read.
var ErrCopyDiffers = errors.New("the copy does not read back as the source")

// Copy writes every row of from into to (which must be empty) in one
// transaction of to, then reads to back and compares it, table by table,
// with what was read from from: the rows and a sum of their values. It
// returns what was copied. from may be in use meanwhile: what is copied is
// one snapshot of it.
func Copy(ctx context.Context, from, to Copier) ([]TableSum, error) {
	read := newSums()
	err := to.WriteAll(ctx, func(put func(t *Table, row []any) error) error {
		return from.ReadAll(ctx, func(t *Table, row []any) error {
			if err := read[t.Name].add(t, row); err != nil {
				return err
			}
			return put(t, row)
		})
	})
	if err != nil {
		return nil, err
	}
	copied := sumList(read)
	back, err := Sums(ctx, to)
	if err != nil {
		return copied, fmt.Errorf("read the copy back: %w", err)
	}
	for i := range copied {
		if copied[i] != back[i] {
			return copied, fmt.Errorf("%w: table %s: %d rows read, %d written", ErrCopyDiffers, copied[i].Table, copied[i].Rows, back[i].Rows)
		}
	}
	return copied, nil
}
