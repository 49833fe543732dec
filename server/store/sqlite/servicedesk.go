package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/styrke-iam/styrke/server/store"
)

// AppendAudit implements store.Store.
func (s *Store) AppendAudit(ctx context.Context, e store.AuditEvent) (int64, error) {
	if e.Time.IsZero() || e.Event == "" {
		return 0, errors.New("sqlite: append audit: time and event are required")
	}
	var id int64
	err := s.w.QueryRowContext(ctx, `INSERT INTO audit_events
		(time, event, actor, username, institution, remote_addr, request_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		micros(e.Time), e.Event, e.Actor, e.Username, e.Institution, e.RemoteAddr, e.RequestID, e.Detail).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("sqlite: append audit: %w", err)
	}
	return id, nil
}

// Audit implements store.Store.
func (s *Store) Audit(ctx context.Context, f store.AuditFilter) ([]store.AuditEvent, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		where = append(where, cond)
		args = append(args, v)
	}
	if !f.Since.IsZero() {
		add("time >= ?", micros(f.Since))
	}
	if !f.Until.IsZero() {
		add("time < ?", micros(f.Until))
	}
	for _, c := range []struct{ col, v string }{
		{"event", f.Event}, {"actor", f.Actor}, {"institution", f.Institution},
	} {
		if c.v != "" {
			add(c.col+" = ?", c.v)
		}
	}
	if f.Username != "" {
		add("username = ? COLLATE NOCASE", f.Username) // audit_events_username_nocase
	}
	if f.AfterID > 0 {
		add("id > ?", f.AfterID)
	}
	q := `SELECT id, time, event, actor, username, institution, remote_addr, request_id, detail FROM audit_events`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: audit: %w", err)
	}
	defer rows.Close()
	var out []store.AuditEvent
	for rows.Next() {
		var e store.AuditEvent
		var t int64
		if err := rows.Scan(&e.ID, &t, &e.Event, &e.Actor, &e.Username, &e.Institution, &e.RemoteAddr, &e.RequestID, &e.Detail); err != nil {
			return nil, fmt.Errorf("sqlite: audit: %w", err)
		}
		e.Time = fromMicros(t)
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: audit: %w", err)
	}
	return out, nil
}

// PruneAudit implements store.Store.
func (s *Store) PruneAudit(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM audit_events WHERE time < ?`, micros(before))
	if err != nil {
		return 0, fmt.Errorf("sqlite: prune audit: %w", err)
	}
	return res.RowsAffected()
}

// NewestAudit implements store.Store.
func (s *Store) NewestAudit(ctx context.Context) (time.Time, error) {
	var t sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT max(time) FROM audit_events`).Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("sqlite: newest audit event: %w", err)
	}
	if !t.Valid {
		return time.Time{}, nil
	}
	return fromMicros(t.Int64), nil
}

// RetentionMark implements store.Store.
func (s *Store) RetentionMark(ctx context.Context) (time.Time, error) {
	var t int64
	switch err := s.r.QueryRowContext(ctx, `SELECT as_of FROM retention_mark WHERE id = 1`).Scan(&t); {
	case errors.Is(err, sql.ErrNoRows):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("sqlite: retention mark: %w", err)
	}
	return fromMicros(t), nil
}

// SetRetentionMark implements store.Store.
func (s *Store) SetRetentionMark(ctx context.Context, t time.Time) error {
	if _, err := s.w.ExecContext(ctx, `INSERT INTO retention_mark (id, as_of) VALUES (1, ?)
		ON CONFLICT (id) DO UPDATE SET as_of = excluded.as_of`, micros(t)); err != nil {
		return fmt.Errorf("sqlite: set retention mark: %w", err)
	}
	return nil
}

// IssueActivations implements store.Store.
func (s *Store) IssueActivations(ctx context.Context, batch []store.Issue) (err error) {
	for _, it := range batch {
		if len(it.Activation.TokenHash) != sha256.Size {
			return fmt.Errorf("sqlite: issue activations: token hash is %d bytes, want %d", len(it.Activation.TokenHash), sha256.Size)
		}
		if it.Created.Time.IsZero() || it.Created.Event == "" {
			return errors.New("sqlite: issue activations: an audit event needs a time and an event")
		}
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: issue activations: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	for _, it := range batch {
		a, c, e := it.Activation, it.Contact, it.Created
		_, err = tx.ExecContext(ctx, `INSERT INTO activations
			(token_hash, username, name, institution, created_at, expires_at, used_at, failures, code_hash)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.TokenHash, a.Username, a.Name, a.Institution, micros(a.CreatedAt), micros(a.ExpiresAt), nullMicros(a.UsedAt), a.Failures,
			nullBytes(a.CodeHash))
		if isConstraint(err, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
			return fmt.Errorf("sqlite: issue activations: %w", store.ErrExists)
		}
		if err != nil {
			return fmt.Errorf("sqlite: issue activations: %w", err)
		}
		if _, err = tx.ExecContext(ctx, `INSERT INTO activation_contacts
			(token_hash, email, phone, lang, created_by, delivered_at, revoked_at, delivery_unconfirmed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			a.TokenHash, c.Email, c.Phone, c.Lang, c.CreatedBy, nullMicros(c.DeliveredAt), nullMicros(c.RevokedAt), c.Unconfirmed); err != nil {
			return fmt.Errorf("sqlite: issue activations: contact: %w", err)
		}
		if _, err = tx.ExecContext(ctx, `INSERT INTO audit_events
			(time, event, actor, username, institution, remote_addr, request_id, detail)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			micros(e.Time), e.Event, e.Actor, e.Username, e.Institution, e.RemoteAddr, e.RequestID, e.Detail); err != nil {
			return fmt.Errorf("sqlite: issue activations: audit: %w", err)
		}
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: issue activations: %w", err)
	}
	return nil
}

// SetContact implements store.Store.
func (s *Store) SetContact(ctx context.Context, tokenHash []byte, c store.Contact) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO activation_contacts
		(token_hash, email, phone, lang, created_by, delivered_at, revoked_at)
		SELECT token_hash, ?, ?, ?, ?, ?, ? FROM activations WHERE token_hash = ?
		ON CONFLICT (token_hash) DO UPDATE SET email = excluded.email, phone = excluded.phone,
			lang = excluded.lang, created_by = excluded.created_by,
			delivered_at = excluded.delivered_at, revoked_at = excluded.revoked_at`,
		c.Email, c.Phone, c.Lang, c.CreatedBy, nullMicros(c.DeliveredAt), nullMicros(c.RevokedAt), tokenHash)
	if err != nil {
		return fmt.Errorf("sqlite: set contact: %w", err)
	}
	return s.mustExist(ctx, tokenHash)
}

func (s *Store) mustExist(ctx context.Context, tokenHash []byte) error {
	var one int
	err := s.w.QueryRowContext(ctx, `SELECT 1 FROM activations WHERE token_hash = ?`, tokenHash).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// MarkDelivered implements store.Store.
func (s *Store) MarkDelivered(ctx context.Context, tokenHash []byte, at time.Time, unconfirmed bool) error {
	if _, err := s.w.ExecContext(ctx, `INSERT INTO activation_contacts (token_hash, delivered_at, delivery_unconfirmed)
		SELECT token_hash, ?, ? FROM activations WHERE token_hash = ?
		ON CONFLICT (token_hash) DO UPDATE SET delivered_at = excluded.delivered_at,
			delivery_unconfirmed = excluded.delivery_unconfirmed`,
		micros(at), unconfirmed, tokenHash); err != nil {
		return fmt.Errorf("sqlite: mark delivered: %w", err)
	}
	return s.mustExist(ctx, tokenHash)
}

// Activations implements store.Store.
func (s *Store) Activations(ctx context.Context, f store.ActivationFilter) ([]store.ActivationRecord, error) {
	var where []string
	var args []any
	if f.Institution != "" {
		where, args = append(where, "a.institution = ?"), append(args, f.Institution)
	}
	if f.Username != "" {
		where, args = append(where, "a.username = ?"), append(args, f.Username)
	}
	if f.TokenHash != nil {
		where, args = append(where, "a.token_hash = ?"), append(args, f.TokenHash)
	}
	if f.Email != "" {
		where, args = append(where, "lower(c.email) = lower(?)"), append(args, f.Email)
	}
	if f.Phone != "" {
		where, args = append(where, "c.phone = ?"), append(args, f.Phone)
	}
	q := `SELECT a.token_hash, a.username, a.name, a.institution, a.created_at, a.expires_at, a.used_at, a.failures, a.code_hash,
		coalesce(c.email, ''), coalesce(c.phone, ''), coalesce(c.lang, ''), coalesce(c.created_by, ''), c.delivered_at, c.revoked_at,
		coalesce(c.delivery_unconfirmed, 0)
		FROM activations a LEFT JOIN activation_contacts c ON c.token_hash = a.token_hash`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY a.created_at DESC, a.token_hash"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: activations: %w", err)
	}
	defer rows.Close()
	var out []store.ActivationRecord
	for rows.Next() {
		var r store.ActivationRecord
		var created, expires int64
		var used, delivered, revoked sql.NullInt64
		if err := rows.Scan(&r.TokenHash, &r.Username, &r.Name, &r.Institution, &created, &expires, &used, &r.Failures, &r.CodeHash,
			&r.Email, &r.Phone, &r.Lang, &r.CreatedBy, &delivered, &revoked, &r.Unconfirmed); err != nil {
			return nil, fmt.Errorf("sqlite: activations: %w", err)
		}
		r.CreatedAt, r.ExpiresAt = fromMicros(created), fromMicros(expires)
		r.UsedAt, r.DeliveredAt, r.RevokedAt = timePtr(used), timePtr(delivered), timePtr(revoked)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: activations: %w", err)
	}
	return out, nil
}

// Revoke implements store.Store.
func (s *Store) Revoke(ctx context.Context, tokenHash []byte, now time.Time) (err error) {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: revoke: %w", err)
	}
	defer func() {
		if err != nil {
			tx.Rollback()
		}
	}()
	var used, revoked, claimed sql.NullInt64
	err = tx.QueryRowContext(ctx, `SELECT a.used_at, c.revoked_at, a.claimed_until FROM activations a
		LEFT JOIN activation_contacts c ON c.token_hash = a.token_hash WHERE a.token_hash = ?`, tokenHash).Scan(&used, &revoked, &claimed)
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("sqlite: revoke: %w", err)
	}
	if used.Valid || revoked.Valid {
		return store.ErrGone
	}
	if claimed.Valid && claimed.Int64 > micros(now) {
		return store.ErrBusy
	}
	us := micros(now)
	if _, err = tx.ExecContext(ctx, `UPDATE activations SET expires_at = min(expires_at, ?) WHERE token_hash = ?`, us, tokenHash); err != nil {
		return fmt.Errorf("sqlite: revoke: %w", err)
	}
	if _, err = tx.ExecContext(ctx, `INSERT INTO activation_contacts (token_hash, revoked_at) VALUES (?, ?)
		ON CONFLICT (token_hash) DO UPDATE SET revoked_at = excluded.revoked_at`, tokenHash, us); err != nil {
		return fmt.Errorf("sqlite: revoke: %w", err)
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: revoke: %w", err)
	}
	return nil
}

// AddressOnFile implements store.Store.
func (s *Store) AddressOnFile(ctx context.Context, institutions []string, username string) (string, string, error) {
	if len(institutions) == 0 {
		return "", "", store.ErrNotFound
	}
	in, args := inList(institutions, username)
	var email, lang string
	err := s.r.QueryRowContext(ctx, `SELECT email, lang FROM (
			SELECT c.email, c.lang, a.created_at AS at FROM activations a
			JOIN activation_contacts c ON c.token_hash = a.token_hash
			WHERE a.username = ?1 AND a.institution IN (`+in+`) AND c.email <> '' AND c.revoked_at IS NULL
			UNION ALL SELECT email, lang, updated_at FROM addresses
			WHERE username = ?1 AND (institution IN (`+in+`) OR institution = '')) -- '': store.NoInstitution
		ORDER BY at DESC LIMIT 1`, args...).Scan(&email, &lang)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", store.ErrNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("sqlite: address on file: %w", err)
	}
	return email, lang, nil
}

// inList returns the placeholders ?2, ?3, ... of institutions, and the
// arguments: first, then institutions.
func inList(institutions []string, first any) (string, []any) {
	ph := make([]string, len(institutions))
	args := make([]any, 0, len(institutions)+1)
	args = append(args, first)
	for i, inst := range institutions {
		ph[i] = "?" + strconv.Itoa(i+2)
		args = append(args, inst)
	}
	return strings.Join(ph, ", "), args
}

// PutAddress implements store.Store.
func (s *Store) PutAddress(ctx context.Context, institution, username, email, lang string, at time.Time) error {
	if _, err := s.w.ExecContext(ctx, `INSERT INTO addresses (institution, username, email, lang, updated_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (institution, username) DO UPDATE SET email = excluded.email, lang = excluded.lang, updated_at = excluded.updated_at`,
		institution, username, email, lang, micros(at)); err != nil {
		return fmt.Errorf("sqlite: put address: %w", err)
	}
	return nil
}

// ClaimReminder implements store.Store.
func (s *Store) ClaimReminder(ctx context.Context, key string, at time.Time) (bool, error) {
	res, err := s.w.ExecContext(ctx, `INSERT INTO reminders (key, sent_at, done) VALUES (?1, ?2, 0)
		ON CONFLICT (key) DO UPDATE SET sent_at = excluded.sent_at
		WHERE reminders.done = 0 AND reminders.sent_at <= ?3`, key, micros(at), micros(at.Add(-store.ReminderLease)))
	if err != nil {
		return false, fmt.Errorf("sqlite: claim reminder: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: claim reminder: %w", err)
	}
	return n == 1, nil
}

// ConfirmReminder implements store.Store.
func (s *Store) ConfirmReminder(ctx context.Context, key string) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE reminders SET done = 1 WHERE key = ?`, key); err != nil {
		return fmt.Errorf("sqlite: confirm reminder: %w", err)
	}
	return nil
}

// ReminderSent implements store.Store.
func (s *Store) ReminderSent(ctx context.Context, key string) (bool, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM reminders WHERE key = ?`, key).Scan(&n); err != nil {
		return false, fmt.Errorf("sqlite: reminder sent: %w", err)
	}
	return n > 0, nil
}

// ReleaseReminder implements store.Store.
func (s *Store) ReleaseReminder(ctx context.Context, key string) error {
	if _, err := s.w.ExecContext(ctx, `DELETE FROM reminders WHERE key = ?`, key); err != nil {
		return fmt.Errorf("sqlite: release reminder: %w", err)
	}
	return nil
}

// PruneReminders implements store.Store.
func (s *Store) PruneReminders(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.w.ExecContext(ctx, `DELETE FROM reminders WHERE sent_at < ?`, micros(before))
	if err != nil {
		return 0, fmt.Errorf("sqlite: prune reminders: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlite: prune reminders: %w", err)
	}
	return n, nil
}

// CountOpenActivations implements store.Store.
func (s *Store) CountOpenActivations(ctx context.Context, now time.Time, maxFailures int) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM activations
		WHERE used_at IS NULL AND expires_at > ? AND (? <= 0 OR failures < ?)`, micros(now), maxFailures, maxFailures).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("sqlite: count open activations: %w", err)
	}
	return n, nil
}

// OpenInstitutions implements store.Store.
func (s *Store) OpenInstitutions(ctx context.Context, now time.Time, maxFailures int) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT institution FROM activations
		WHERE used_at IS NULL AND expires_at > ? AND (? <= 0 OR failures < ?) ORDER BY institution`, micros(now), maxFailures, maxFailures)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open institutions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var inst string
		if err := rows.Scan(&inst); err != nil {
			return nil, fmt.Errorf("sqlite: open institutions: %w", err)
		}
		out = append(out, inst)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: open institutions: %w", err)
	}
	return out, nil
}

const notificationCols = `id, dedupe_key, channel, recipient, subject, body_text, body_html, message_id,
	username, institution, created_at, next_attempt_at, attempts, sent_at, gave_up, last_error`

func scanNotification(rows *sql.Rows) (store.Notification, error) {
	var n store.Notification
	var created, next int64
	var sent sql.NullInt64
	err := rows.Scan(&n.ID, &n.Key, &n.Channel, &n.Recipient, &n.Subject, &n.Text, &n.HTML, &n.MessageID,
		&n.Username, &n.Institution, &created, &next, &n.Attempts, &sent, &n.GaveUp, &n.LastError)
	n.CreatedAt, n.NextAttempt, n.SentAt = fromMicros(created), fromMicros(next), timePtr(sent)
	return n, err
}

func collectNotifications(rows *sql.Rows, err error) ([]store.Notification, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Notification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// EnqueueNotification implements store.Store.
func (s *Store) EnqueueNotification(ctx context.Context, n store.Notification) (bool, error) {
	res, err := s.w.ExecContext(ctx, `INSERT INTO notifications
		(dedupe_key, channel, recipient, subject, body_text, body_html, message_id, username, institution, created_at, next_attempt_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
		n.Key, n.Channel, n.Recipient, n.Subject, n.Text, n.HTML, n.MessageID, n.Username, n.Institution,
		micros(n.CreatedAt), micros(n.NextAttempt))
	if err != nil {
		return false, fmt.Errorf("sqlite: enqueue notification: %w", err)
	}
	k, err := res.RowsAffected()
	return k == 1, err
}

// ClaimNotifications implements store.Store. The write connection is the
// only writer, so the UPDATE's selection and its change are one step.
func (s *Store) ClaimNotifications(ctx context.Context, now, leaseUntil time.Time, limit int) ([]store.Notification, error) {
	out, err := collectNotifications(s.w.QueryContext(ctx, `UPDATE notifications
		SET next_attempt_at = ?, attempts = attempts + 1
		WHERE id IN (SELECT id FROM notifications WHERE sent_at IS NULL AND gave_up = 0 AND next_attempt_at <= ?
			ORDER BY next_attempt_at, id LIMIT ?)
		RETURNING `+notificationCols, micros(leaseUntil), micros(now), limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: claim notifications: %w", err)
	}
	return out, nil
}

// NotificationSent implements store.Store.
func (s *Store) NotificationSent(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE notifications SET sent_at = ?, last_error = '' WHERE id = ?`, micros(at), id); err != nil {
		return fmt.Errorf("sqlite: notification sent: %w", err)
	}
	return nil
}

// NotificationFailed implements store.Store.
func (s *Store) NotificationFailed(ctx context.Context, id int64, next time.Time, errText string, giveUp bool) error {
	if _, err := s.w.ExecContext(ctx, `UPDATE notifications SET next_attempt_at = ?, last_error = ?, gave_up = ?
		WHERE id = ? AND sent_at IS NULL`, micros(next), errText, giveUp, id); err != nil {
		return fmt.Errorf("sqlite: notification failed: %w", err)
	}
	return nil
}

// Notifications implements store.Store.
func (s *Store) Notifications(ctx context.Context, limit int) ([]store.Notification, error) {
	if limit <= 0 {
		limit = -1
	}
	out, err := collectNotifications(s.r.QueryContext(ctx, `SELECT `+notificationCols+` FROM notifications ORDER BY id LIMIT ?`, limit))
	if err != nil {
		return nil, fmt.Errorf("sqlite: notifications: %w", err)
	}
	return out, nil
}

// TakeSMS implements store.Store.
func (s *Store) TakeSMS(ctx context.Context, institution, day string, limit int) (int, bool, error) {
	if limit <= 0 {
		return 0, false, ctx.Err()
	}
	var n int
	err := s.w.QueryRowContext(ctx, `INSERT INTO sms_counters (institution, day, count) VALUES (?, ?, 1)
		ON CONFLICT (institution, day) DO UPDATE SET count = count + 1 WHERE count < ?
		RETURNING count`, institution, day, limit).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return limit, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("sqlite: take sms: %w", err)
	}
	return n, true, nil
}
