package postgres

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/styrke-iam/styrke/server/store"
)

// query builds a WHERE clause with numbered parameters.
type query struct {
	where []string
	args  []any
}

func (q *query) add(cond string, v any) {
	q.args = append(q.args, v)
	q.where = append(q.where, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(q.args))))
}

func (q *query) sql(base, order string, limit int) string {
	if len(q.where) > 0 {
		base += " WHERE " + strings.Join(q.where, " AND ")
	}
	base += " ORDER BY " + order
	if limit > 0 {
		q.args = append(q.args, limit)
		base += " LIMIT $" + strconv.Itoa(len(q.args))
	}
	return base
}

// AppendAudit implements store.Store.
func (s *Store) AppendAudit(ctx context.Context, e store.AuditEvent) (int64, error) {
	if e.Time.IsZero() || e.Event == "" {
		return 0, errors.New("postgres: append audit: time and event are required")
	}
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO audit_events
		(time, event, actor, username, institution, remote_addr, request_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		ts(e.Time), e.Event, e.Actor, e.Username, e.Institution, e.RemoteAddr, e.RequestID, e.Detail).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("postgres: append audit: %w", err)
	}
	return id, nil
}

// Audit implements store.Store.
func (s *Store) Audit(ctx context.Context, f store.AuditFilter) ([]store.AuditEvent, error) {
	var q query
	if !f.Since.IsZero() {
		q.add("time >= ?", ts(f.Since))
	}
	if !f.Until.IsZero() {
		q.add("time < ?", ts(f.Until))
	}
	for _, c := range []struct{ col, v string }{
		{"event", f.Event}, {"actor", f.Actor}, {"institution", f.Institution},
	} {
		if c.v != "" {
			q.add(c.col+" = ?", c.v)
		}
	}
	if f.Username != "" {
		q.add(`lower(username COLLATE "C") = lower(?::text COLLATE "C")`, f.Username) // audit_events_username_ascii_fold
	}
	if f.AfterID > 0 {
		q.add("id > ?", f.AfterID)
	}
	sql := q.sql(`SELECT id, time, event, actor, username, institution, remote_addr, request_id, detail FROM audit_events`, "id", f.Limit)
	rows, err := s.pool.Query(ctx, sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: audit: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (store.AuditEvent, error) {
		var e store.AuditEvent
		err := r.Scan(&e.ID, &e.Time, &e.Event, &e.Actor, &e.Username, &e.Institution, &e.RemoteAddr, &e.RequestID, &e.Detail)
		e.Time = e.Time.UTC()
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: audit: %w", err)
	}
	return out, nil
}

// PruneAudit implements store.Store.
func (s *Store) PruneAudit(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM audit_events WHERE time < $1`, ts(before))
	if err != nil {
		return 0, fmt.Errorf("postgres: prune audit: %w", err)
	}
	return tag.RowsAffected(), nil
}

// NewestAudit implements store.Store.
func (s *Store) NewestAudit(ctx context.Context) (time.Time, error) {
	var t *time.Time
	if err := s.pool.QueryRow(ctx, `SELECT max(time) FROM audit_events`).Scan(&t); err != nil {
		return time.Time{}, fmt.Errorf("postgres: newest audit event: %w", err)
	}
	if t == nil {
		return time.Time{}, nil
	}
	return t.UTC(), nil
}

// RetentionMark implements store.Store.
func (s *Store) RetentionMark(ctx context.Context) (time.Time, error) {
	var t time.Time
	switch err := s.pool.QueryRow(ctx, `SELECT as_of FROM retention_mark WHERE id = 1`).Scan(&t); {
	case errors.Is(err, pgx.ErrNoRows):
		return time.Time{}, nil
	case err != nil:
		return time.Time{}, fmt.Errorf("postgres: retention mark: %w", err)
	}
	return t.UTC(), nil
}

// SetRetentionMark implements store.Store.
func (s *Store) SetRetentionMark(ctx context.Context, t time.Time) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO retention_mark (id, as_of) VALUES (1, $1)
		ON CONFLICT (id) DO UPDATE SET as_of = excluded.as_of`, t); err != nil {
		return fmt.Errorf("postgres: set retention mark: %w", err)
	}
	return nil
}

// IssueActivations implements store.Store.
func (s *Store) IssueActivations(ctx context.Context, batch []store.Issue) error {
	for _, it := range batch {
		if len(it.Activation.TokenHash) != sha256.Size {
			return fmt.Errorf("postgres: issue activations: token hash is %d bytes, want %d", len(it.Activation.TokenHash), sha256.Size)
		}
		if it.Created.Time.IsZero() || it.Created.Event == "" {
			return errors.New("postgres: issue activations: an audit event needs a time and an event")
		}
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, it := range batch {
			a, c, e := it.Activation, it.Contact, it.Created
			if _, err := tx.Exec(ctx, `INSERT INTO activations
				(token_hash, username, name, institution, created_at, expires_at, used_at, failures, code_hash)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
				a.TokenHash, a.Username, a.Name, a.Institution, ts(a.CreatedAt), ts(a.ExpiresAt), tsPtr(a.UsedAt), a.Failures,
				nullBytes(a.CodeHash)); err != nil {
				if isUniqueViolation(err) {
					return store.ErrExists
				}
				return err
			}
			if _, err := tx.Exec(ctx, `INSERT INTO activation_contacts
				(token_hash, email, phone, lang, created_by, delivered_at, revoked_at, delivery_unconfirmed) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				a.TokenHash, c.Email, c.Phone, c.Lang, c.CreatedBy, tsPtr(c.DeliveredAt), tsPtr(c.RevokedAt), c.Unconfirmed); err != nil {
				return fmt.Errorf("contact: %w", err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO audit_events
				(time, event, actor, username, institution, remote_addr, request_id, detail)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
				ts(e.Time), e.Event, e.Actor, e.Username, e.Institution, e.RemoteAddr, e.RequestID, e.Detail); err != nil {
				return fmt.Errorf("audit: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("postgres: issue activations: %w", err)
	}
	return nil
}

// SetContact implements store.Store.
func (s *Store) SetContact(ctx context.Context, tokenHash []byte, c store.Contact) error {
	tag, err := s.pool.Exec(ctx, `INSERT INTO activation_contacts
		(token_hash, email, phone, lang, created_by, delivered_at, revoked_at)
		SELECT token_hash, $2, $3, $4, $5, $6, $7 FROM activations WHERE token_hash = $1
		ON CONFLICT (token_hash) DO UPDATE SET email = excluded.email, phone = excluded.phone,
			lang = excluded.lang, created_by = excluded.created_by,
			delivered_at = excluded.delivered_at, revoked_at = excluded.revoked_at`,
		tokenHash, c.Email, c.Phone, c.Lang, c.CreatedBy, tsPtr(c.DeliveredAt), tsPtr(c.RevokedAt))
	if err != nil {
		return fmt.Errorf("postgres: set contact: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

// MarkDelivered implements store.Store.
func (s *Store) MarkDelivered(ctx context.Context, tokenHash []byte, at time.Time, unconfirmed bool) error {
	tag, err := s.pool.Exec(ctx, `INSERT INTO activation_contacts (token_hash, delivered_at, delivery_unconfirmed)
		SELECT token_hash, $2, $3 FROM activations WHERE token_hash = $1
		ON CONFLICT (token_hash) DO UPDATE SET delivered_at = excluded.delivered_at,
			delivery_unconfirmed = excluded.delivery_unconfirmed`, tokenHash, ts(at), unconfirmed)
	if err != nil {
		return fmt.Errorf("postgres: mark delivered: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

// Activations implements store.Store.
func (s *Store) Activations(ctx context.Context, f store.ActivationFilter) ([]store.ActivationRecord, error) {
	var q query
	if f.Institution != "" {
		q.add("a.institution = ?", f.Institution)
	}
	if f.Username != "" {
		q.add("a.username = ?", f.Username)
	}
	if f.TokenHash != nil {
		q.add("a.token_hash = ?", f.TokenHash)
	}
	if f.Email != "" {
		q.add("lower(c.email) = lower(?)", f.Email)
	}
	if f.Phone != "" {
		q.add("c.phone = ?", f.Phone)
	}
	sql := q.sql(`SELECT a.token_hash, a.username, a.name, a.institution, a.created_at, a.expires_at, a.used_at, a.failures, a.code_hash,
		coalesce(c.email, ''), coalesce(c.phone, ''), coalesce(c.lang, ''), coalesce(c.created_by, ''), c.delivered_at, c.revoked_at,
		coalesce(c.delivery_unconfirmed, false)
		FROM activations a LEFT JOIN activation_contacts c ON c.token_hash = a.token_hash`, "a.created_at DESC, a.token_hash", f.Limit)
	rows, err := s.pool.Query(ctx, sql, q.args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: activations: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (store.ActivationRecord, error) {
		var r store.ActivationRecord
		err := row.Scan(&r.TokenHash, &r.Username, &r.Name, &r.Institution, &r.CreatedAt, &r.ExpiresAt, &r.UsedAt, &r.Failures, &r.CodeHash,
			&r.Email, &r.Phone, &r.Lang, &r.CreatedBy, &r.DeliveredAt, &r.RevokedAt, &r.Unconfirmed)
		r.CreatedAt, r.ExpiresAt = r.CreatedAt.UTC(), r.ExpiresAt.UTC()
		r.UsedAt, r.DeliveredAt, r.RevokedAt = utcPtr(r.UsedAt), utcPtr(r.DeliveredAt), utcPtr(r.RevokedAt)
		return r, err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: activations: %w", err)
	}
	return out, nil
}

// Revoke implements store.Store. The activation row is locked first, so a
// Complete of the same token waits for the revocation or wins before it.
func (s *Store) Revoke(ctx context.Context, tokenHash []byte, now time.Time) error {
	now = ts(now)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var used, revoked, claimed *time.Time
		err := tx.QueryRow(ctx, `SELECT a.used_at, c.revoked_at, a.claimed_until FROM activations a
			LEFT JOIN activation_contacts c ON c.token_hash = a.token_hash
			WHERE a.token_hash = $1 FOR UPDATE OF a`, tokenHash).Scan(&used, &revoked, &claimed)
		if errors.Is(err, pgx.ErrNoRows) {
			return store.ErrNotFound
		}
		if err != nil {
			return err
		}
		if used != nil || revoked != nil {
			return store.ErrGone
		}
		if claimed != nil && claimed.After(now) {
			return store.ErrBusy
		}
		if _, err := tx.Exec(ctx, `UPDATE activations SET expires_at = least(expires_at, $2) WHERE token_hash = $1`, tokenHash, now); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO activation_contacts (token_hash, revoked_at) VALUES ($1, $2)
			ON CONFLICT (token_hash) DO UPDATE SET revoked_at = excluded.revoked_at`, tokenHash, now)
		return err
	})
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrGone) || errors.Is(err, store.ErrBusy) {
		return err
	}
	if err != nil {
		return fmt.Errorf("postgres: revoke: %w", err)
	}
	return nil
}

// AddressOnFile implements store.Store.
func (s *Store) AddressOnFile(ctx context.Context, institutions []string, username string) (string, string, error) {
	if len(institutions) == 0 {
		return "", "", store.ErrNotFound
	}
	var email, lang string
	err := s.pool.QueryRow(ctx, `SELECT email, lang FROM (
			SELECT c.email, c.lang, a.created_at AS at FROM activations a
			JOIN activation_contacts c ON c.token_hash = a.token_hash
			WHERE a.username = $1 AND a.institution = ANY($2) AND c.email <> '' AND c.revoked_at IS NULL
			UNION ALL SELECT email, lang, updated_at FROM addresses
			WHERE username = $1 AND (institution = ANY($2) OR institution = '')) AS given -- '': store.NoInstitution
		ORDER BY at DESC LIMIT 1`, username, institutions).Scan(&email, &lang)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", store.ErrNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("postgres: address on file: %w", err)
	}
	return email, lang, nil
}

// PutAddress implements store.Store.
func (s *Store) PutAddress(ctx context.Context, institution, username, email, lang string, at time.Time) error {
	if _, err := s.pool.Exec(ctx, `INSERT INTO addresses (institution, username, email, lang, updated_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (institution, username) DO UPDATE SET email = excluded.email, lang = excluded.lang, updated_at = excluded.updated_at`,
		institution, username, email, lang, ts(at)); err != nil {
		return fmt.Errorf("postgres: put address: %w", err)
	}
	return nil
}

// ClaimReminder implements store.Store.
func (s *Store) ClaimReminder(ctx context.Context, key string, at time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO reminders (key, sent_at, done) VALUES ($1, $2, false)
		ON CONFLICT (key) DO UPDATE SET sent_at = excluded.sent_at
		WHERE NOT reminders.done AND reminders.sent_at <= $3`, key, ts(at), ts(at.Add(-store.ReminderLease)))
	if err != nil {
		return false, fmt.Errorf("postgres: claim reminder: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// ConfirmReminder implements store.Store.
func (s *Store) ConfirmReminder(ctx context.Context, key string) error {
	if _, err := s.pool.Exec(ctx, `UPDATE reminders SET done = true WHERE key = $1`, key); err != nil {
		return fmt.Errorf("postgres: confirm reminder: %w", err)
	}
	return nil
}

// ReminderSent implements store.Store.
func (s *Store) ReminderSent(ctx context.Context, key string) (bool, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM reminders WHERE key = $1`, key).Scan(&n); err != nil {
		return false, fmt.Errorf("postgres: reminder sent: %w", err)
	}
	return n > 0, nil
}

// ReleaseReminder implements store.Store.
func (s *Store) ReleaseReminder(ctx context.Context, key string) error {
	if _, err := s.pool.Exec(ctx, `DELETE FROM reminders WHERE key = $1`, key); err != nil {
		return fmt.Errorf("postgres: release reminder: %w", err)
	}
	return nil
}

// PruneReminders implements store.Store.
func (s *Store) PruneReminders(ctx context.Context, before time.Time) (int64, error) {
	tag, err := s.pool.Exec(ctx, `DELETE FROM reminders WHERE sent_at < $1`, ts(before))
	if err != nil {
		return 0, fmt.Errorf("postgres: prune reminders: %w", err)
	}
	return tag.RowsAffected(), nil
}

// CountOpenActivations implements store.Store.
func (s *Store) CountOpenActivations(ctx context.Context, now time.Time, maxFailures int) (int, error) {
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM activations
		WHERE used_at IS NULL AND expires_at > $1 AND ($2 <= 0 OR failures < $2)`, ts(now), maxFailures).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("postgres: count open activations: %w", err)
	}
	return n, nil
}

// OpenInstitutions implements store.Store.
func (s *Store) OpenInstitutions(ctx context.Context, now time.Time, maxFailures int) ([]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT DISTINCT institution FROM activations
		WHERE used_at IS NULL AND expires_at > $1 AND ($2 <= 0 OR failures < $2) ORDER BY institution`, ts(now), maxFailures)
	if err != nil {
		return nil, fmt.Errorf("postgres: open institutions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var inst string
		if err := rows.Scan(&inst); err != nil {
			return nil, fmt.Errorf("postgres: open institutions: %w", err)
		}
		out = append(out, inst)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: open institutions: %w", err)
	}
	return out, nil
}

const notificationCols = `id, dedupe_key, channel, recipient, subject, body_text, body_html, message_id,
	username, institution, created_at, next_attempt_at, attempts, sent_at, gave_up, last_error`

func scanNotification(row pgx.CollectableRow) (store.Notification, error) {
	var n store.Notification
	err := row.Scan(&n.ID, &n.Key, &n.Channel, &n.Recipient, &n.Subject, &n.Text, &n.HTML, &n.MessageID,
		&n.Username, &n.Institution, &n.CreatedAt, &n.NextAttempt, &n.Attempts, &n.SentAt, &n.GaveUp, &n.LastError)
	n.CreatedAt, n.NextAttempt, n.SentAt = n.CreatedAt.UTC(), n.NextAttempt.UTC(), utcPtr(n.SentAt)
	return n, err
}

// EnqueueNotification implements store.Store.
func (s *Store) EnqueueNotification(ctx context.Context, n store.Notification) (bool, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO notifications
		(dedupe_key, channel, recipient, subject, body_text, body_html, message_id, username, institution, created_at, next_attempt_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (dedupe_key) DO NOTHING`,
		n.Key, n.Channel, n.Recipient, n.Subject, n.Text, n.HTML, n.MessageID, n.Username, n.Institution,
		ts(n.CreatedAt), ts(n.NextAttempt))
	if err != nil {
		return false, fmt.Errorf("postgres: enqueue notification: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// ClaimNotifications implements store.Store: SKIP LOCKED lets several
// instances claim at once without handing one message to two of them.
func (s *Store) ClaimNotifications(ctx context.Context, now, leaseUntil time.Time, limit int) ([]store.Notification, error) {
	rows, err := s.pool.Query(ctx, `UPDATE notifications SET next_attempt_at = $1, attempts = attempts + 1
		WHERE id IN (SELECT id FROM notifications WHERE sent_at IS NULL AND NOT gave_up AND next_attempt_at <= $2
			ORDER BY next_attempt_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
		RETURNING `+notificationCols, ts(leaseUntil), ts(now), limit)
	if err != nil {
		return nil, fmt.Errorf("postgres: claim notifications: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanNotification)
	if err != nil {
		return nil, fmt.Errorf("postgres: claim notifications: %w", err)
	}
	return out, nil
}

// NotificationSent implements store.Store.
func (s *Store) NotificationSent(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.pool.Exec(ctx, `UPDATE notifications SET sent_at = $2, last_error = '' WHERE id = $1`, id, ts(at)); err != nil {
		return fmt.Errorf("postgres: notification sent: %w", err)
	}
	return nil
}

// NotificationFailed implements store.Store.
func (s *Store) NotificationFailed(ctx context.Context, id int64, next time.Time, errText string, giveUp bool) error {
	if _, err := s.pool.Exec(ctx, `UPDATE notifications SET next_attempt_at = $2, last_error = $3, gave_up = $4
		WHERE id = $1 AND sent_at IS NULL`, id, ts(next), errText, giveUp); err != nil {
		return fmt.Errorf("postgres: notification failed: %w", err)
	}
	return nil
}

// Notifications implements store.Store.
func (s *Store) Notifications(ctx context.Context, limit int) ([]store.Notification, error) {
	var lim *int
	if limit > 0 {
		lim = &limit
	}
	rows, err := s.pool.Query(ctx, `SELECT `+notificationCols+` FROM notifications ORDER BY id LIMIT $1`, lim)
	if err != nil {
		return nil, fmt.Errorf("postgres: notifications: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanNotification)
	if err != nil {
		return nil, fmt.Errorf("postgres: notifications: %w", err)
	}
	return out, nil
}

// TakeSMS implements store.Store.
func (s *Store) TakeSMS(ctx context.Context, institution, day string, limit int) (int, bool, error) {
	if limit <= 0 {
		return 0, false, ctx.Err()
	}
	var n int
	err := s.pool.QueryRow(ctx, `INSERT INTO sms_counters (institution, day, count) VALUES ($1, $2, 1)
		ON CONFLICT (institution, day) DO UPDATE SET count = sms_counters.count + 1 WHERE sms_counters.count < $3
		RETURNING count`, institution, day, limit).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return limit, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("postgres: take sms: %w", err)
	}
	return n, true, nil
}
