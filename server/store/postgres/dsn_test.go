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
	err := errors.New(`dial "hunter2@long": lookup long@db.example: no such host`)
	got := scrub(dsn, err).Error()
	assert.NotContains(t, got, "hunter2")
	assert.NotContains(t, got, "long@")
	assert.Contains(t, got, "(password)")
	plain := errors.New("connection refused")
	assert.Same(t, plain, scrub(dsn, plain))
	assert.Same(t, plain, scrub("postgres://styrke@db.example/styrke", plain))
}

// TestCheckDSN: an '@' or '#' in the user or password is refused, asking
// to percent-encode it; encoded, it is taken.
func TestCheckDSN(t *testing.T) {
	for _, bad := range []string{
		"postgres://u:p@ss@db/x", "postgres://u:p#ss@db/x", "postgres://u:p%zz@db/x",
	} {
		err := checkDSN(bad)
		assert.ErrorIs(t, err, errDSN, bad)
		assert.NotContains(t, err.Error(), "ss@db")
	}
	for _, good := range []string{
		"postgres://u:p%40ss@db/x", "postgres://u@db:5432/x?sslmode=disable&application_name=a@b", "postgresql://db/x",
	} {
		assert.NoError(t, checkDSN(good), good)
	}
}
