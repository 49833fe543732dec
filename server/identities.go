package server

import (
	"cmp"
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/identity"
	"github.com/styrke-iam/styrke/server/store"
)

// MaxImportBytes is the largest CSV POST /api/admin/identities reads.
const MaxImportBytes = 32 << 20

// ImportIdentities reads the service desk's CSV (username, name,
// institution, identity number) and stores each account's keyed identity
// hash, all or nothing. A bad line is reported by its number and field
// (identity.LineError, joined with identity.ErrInvalid), never its content.
// The key must be the one the store's numbers were hashed with
// (CheckIdentityKey, ErrIdentityKey); o says the rest.
func ImportIdentities(ctx context.Context, st store.Store, h *identity.Hasher, now time.Time, r io.Reader, o IdentityOptions, audit func(store.AuditEvent)) (IdentityImport, error) {
	if h == nil {
		return IdentityImport{}, errors.New("no identity key configured")
	}
	known := func(id string) bool {
		_, err := policy.Lookup(id)
		return err == nil && (o.Serves == nil || o.Serves(id))
	}
	rows, err := identity.ParseCSV(r, known, o.AllowTest)
	if err != nil {
		return IdentityImport{}, err
	}
	if err := CheckIdentityKey(ctx, st, h); err != nil {
		return IdentityImport{}, err
	}
	ids := make([]store.AccountIdentity, len(rows))
	for i, row := range rows {
		// The username as Styrke keeps it (an account's, a link's or an
		// earlier import's), whatever the case of its ASCII letters: "OLA"
		// again replaces ola's identity, not a second account's.
		if row.Username, err = keptName(ctx, st, sameAccounts(o.Directories, row.Institution), row.Username); err != nil {
			return IdentityImport{}, fmt.Errorf("look up username: %w", err)
		}
		ids[i] = store.AccountIdentity{Institution: row.Institution, Username: row.Username, Name: row.Name,
			IdentityHash: h.Hash(row.Number), UpdatedAt: now.UTC()}
	}
	replace := o.Replace
	var removed []store.AccountIdentity
	if replace && len(ids) > 0 {
		removed, err = st.ReplaceIdentities(ctx, ids)
	} else {
		err = st.PutIdentities(ctx, ids)
	}
	if err != nil {
		return IdentityImport{}, fmt.Errorf("store identities: %w", err)
	}
	// Each account whose reset an identity number now opens, audited: the
	// mapping decides who may set the account's password.
	for _, id := range ids {
		audit(store.AuditEvent{Time: now, Event: store.EventIdentitySet, Username: id.Username, Institution: id.Institution,
			Detail: "identity number stored for the reset with ID-porten"})
	}
	slices.SortFunc(removed, func(a, b store.AccountIdentity) int {
		return cmp.Or(cmp.Compare(a.Institution, b.Institution), cmp.Compare(a.Username, b.Username))
	})
	for _, id := range removed {
		audit(store.AuditEvent{Time: now, Event: store.EventIdentityRemoved, Username: id.Username, Institution: id.Institution,
			Detail: "identity number removed: not in the import that lists every account of the institution"})
	}
	return IdentityImport{Imported: len(ids), Removed: len(removed)}, nil
}

// IdentityOptions are ImportIdentities' choices.
type IdentityOptions struct {
	// AllowTest accepts synthetic test numbers (--test-numbers).
	AllowTest bool
	// Replace: the file lists every account of the institutions it
	// names; their other accounts' identity numbers are removed in the
	// same transaction (a person who left may no longer reset the
	// account), each audited.
	Replace bool
	// Serves says which institutions the installation serves (a line of
	// another is refused as an unknown one); nil: every built-in one.
	Serves func(string) bool
	// Directories say which institutions' usernames are one person's
	// (the kept spelling of a row's username is looked up among them);
	// nil: every institution's, as with one directory.
	Directories *directory.Set
}

// ErrIdentityKey: the identity key is not the one the store's identity
// numbers were hashed with (the store keeps its fingerprint).
var ErrIdentityKey = errors.New("the identity key is not the one this store's identity numbers were imported with: use the server's key (--identity-key-file, STYRKE_IDENTITY_KEY)")

// identityKeyName is the store's name of the identity key's fingerprint.
const identityKeyName = "identity-key-fingerprint"

// CheckIdentityKey compares h's key with the one the store's identity
// numbers were hashed with (its fingerprint, kept by the first import or
// server that asks), ErrIdentityKey when they differ. An import under
// another key (a desk's own key file) made every reset answer "no account
// found", with no trace of why.
func CheckIdentityKey(ctx context.Context, st store.Store, h *identity.Hasher) error {
	fp := h.Derive("fingerprint")
	kept, err := st.Keep(ctx, identityKeyName, fp)
	if err != nil {
		return fmt.Errorf("identity key fingerprint: %w", err)
	}
	if !hmac.Equal(kept, fp) {
		return ErrIdentityKey
	}
	return nil
}

// IdentityImport counts what ImportIdentities did.
type IdentityImport struct {
	Imported int `json:"imported"`
	// Removed are the accounts whose identity number a replacing import
	// removed.
	Removed int `json:"removed"`
}

type importLine struct {
	Line    int    `json:"line"`
	Field   string `json:"field,omitempty"`
	Problem string `json:"problem"`
}

type importError struct {
	Error errorJSON    `json:"error"`
	Lines []importLine `json:"lines"`
}

// importIdentities is POST /api/admin/identities with a text/csv body.
func (h *handler) importIdentities() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h.Identities == nil {
			writeError(w, errorf(CodeUnavailable, "no identity key configured on this server"))
			return
		}
		mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		if err != nil || mt != "text/csv" {
			writeError(w, csvMediaError(mt))
			return
		}
		body := http.MaxBytesReader(w, r.Body, MaxImportBytes)
		// ?replace=true: the file lists every account of its
		// institutions. Another value is refused, not read as false.
		if err := switchParams(r.URL.Query(), []string{"replace"}); err != nil {
			writeQueryError(w, err)
			return
		}
		replace := r.URL.Query().Get("replace") == "true"
		n, err := ImportIdentities(r.Context(), h.Store, h.Identities, h.Now(), body,
			IdentityOptions{AllowTest: h.AllowTestNumbers, Replace: replace, Serves: h.Serves, Directories: h.Directories},
			func(e store.AuditEvent) { h.audit(r, e) })
		var mbe *http.MaxBytesError
		switch {
		case errors.As(err, &mbe):
			writeError(w, errorf(CodeTooLarge, "request body over "+strconv.Itoa(MaxImportBytes)+" bytes"))
			return
		case errors.Is(err, ErrIdentityKey):
			h.Logger.ErrorContext(r.Context(), "identity import refused", "id", RequestID(r.Context()), "err", err)
			writeError(w, errorf(CodeConflict, ErrIdentityKey.Error()))
			return
		case errors.Is(err, identity.ErrInvalid):
			out := importError{Error: errorJSON{Code: CodeInvalid, Message: "invalid lines; nothing was imported"}, Lines: []importLine{}}
			var j interface{ Unwrap() []error }
			if errors.As(err, &j) {
				for _, e := range j.Unwrap() {
					var le *identity.LineError
					if errors.As(e, &le) {
						out.Lines = append(out.Lines, importLine{le.Line, le.Field, le.Problem})
					}
				}
			}
			writeJSON(w, http.StatusBadRequest, out)
			return
		case err != nil:
			h.internal(w, r, "import identities", err)
			return
		}
		h.Logger.InfoContext(r.Context(), "identities imported", "id", RequestID(r.Context()), "accounts", n.Imported, "removed", n.Removed)
		writeJSON(w, http.StatusOK, n)
	})
}
