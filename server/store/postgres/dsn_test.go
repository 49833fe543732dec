package postgres

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestScrub: an error that quotes the DSN's password, or a part of it
// between '@'s, no longer does; one that does not is returned as it is.
func TestScrub(t *testing.T) {
	const dsn = "postgres://styrke:hunter2%40long@db.example/styrke"
	err := errors.New(`auth "hunter2@long" and "hunter2%40long" refused`)
	got := scrub(dsn, err).Error()
	assert.NotContains(t, got, "hunter2")
	assert.Equal(t, `auth "(password)" and "(password)" refused`, got)
	// A part of the password is left alone: "pass" in "password" told
	// the log's readers what the password held.
	part := errors.New("FATAL: password authentication failed")
	assert.Same(t, part, scrub("postgres://u:wrong%40pass@db/x", part))
	plain := errors.New("connection refused")
	assert.Same(t, plain, scrub(dsn, plain))
	assert.Same(t, plain, scrub("postgres://styrke@db.example/styrke", plain))
}

// TestCheckDSN: an '@', '#', '/' or '?' in the user or password is
// refused, asking to percent-encode it; encoded, it is taken.
func TestCheckDSN(t *testing.T) {
	for _, bad := range []string{
		"postgres://u:p@ss@db/x", "postgres://u:p#ss@db/x", "postgres://u:p%zz@db/x",
		// libpq's parser and Go's split these elsewhere than meant
		"postgres://styrke:2024/Vinter@db:5432/d1", "postgres://u:/abc@db/x", "postgres://u:12?w@db/x",
	} {
		err := CheckDSN(bad)
		assert.ErrorIs(t, err, errDSN, bad)
		assert.NotContains(t, err.Error(), "Vinter")
	}
	for _, good := range []string{
		"postgres://u:p%40ss@db/x", "postgres://u:2024%2FVinter@db/x", "postgres://u:a:b@db/x",
		"postgres://u@db:5432/x?sslmode=disable&application_name=a@b", "postgresql://db/x", "postgres://db?sslmode=disable",
	} {
		assert.NoError(t, CheckDSN(good), good)
	}
}
