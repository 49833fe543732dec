package server_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/store/sqlite"
)

// TestRemindRefuses: a window under a day or over a year is refused by
// its field, and a directory that expires no password (none) by
// ErrNoExpiry, before anything is read or sent. (The reminders themselves
// run against Samba and slapd: cmd/styrke's testDirectoryRemind and
// server/dirflow's TestExpiring.)
func TestRemindRefuses(t *testing.T) {
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	d := server.NewDesk(st, "https://styrke.example", server.DeskDeps{}, nil, nil)
	for _, w := range []time.Duration{0, time.Hour, 367 * 24 * time.Hour} {
		_, err := d.RemindExpiring(context.Background(), directory.None{}, server.RemindRequest{Within: w})
		var fe *server.FieldError
		require.ErrorAs(t, err, &fe, "%s", w)
		assert.Equal(t, []string{"within"}, fe.Fields)
	}
	_, err = d.RemindExpiring(context.Background(), directory.None{}, server.RemindRequest{Within: 14 * 24 * time.Hour})
	assert.ErrorIs(t, err, server.ErrNoExpiry)
}
