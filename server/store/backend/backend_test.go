package backend_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/store/backend"
	"github.com/styrke-iam/styrke/server/store/pgtest"
	"github.com/styrke-iam/styrke/server/store/postgres"
	"github.com/styrke-iam/styrke/server/store/sqlite"
)

var pg *pgtest.Server

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m, &pg)) }

func TestOpen(t *testing.T) {
	tests := []struct {
		name string
		dsn  string
		want any
	}{
		{"sqlite", "sqlite:" + filepath.Join(t.TempDir(), "a", "styrke.db"), &sqlite.Store{}},
		{"postgres", pg.Database(t), &postgres.Store{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := backend.Open(t.Context(), tt.dsn)
			require.NoError(t, err)
			defer s.Close()
			assert.IsType(t, tt.want, s)
			assert.NoError(t, s.Ping(t.Context()))
		})
	}
}

func TestOpenRefused(t *testing.T) {
	tests := []struct {
		name string
		dsn  string
		want error // nil: any error
	}{
		{"empty", "", backend.ErrUnknownDSN},
		{"bare path", "data/styrke.db", backend.ErrUnknownDSN},
		{"mysql", "mysql://u:p@localhost/db", backend.ErrUnknownDSN},
		{"sqlite without path", "sqlite:", backend.ErrUnknownDSN},
		{"postgres unreachable", "postgres://u:hunter2@127.0.0.1:1/db?connect_timeout=2", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := backend.Open(t.Context(), tt.dsn)
			if err == nil {
				s.Close()
			}
			require.Error(t, err)
			if tt.want != nil {
				assert.ErrorIs(t, err, tt.want)
			}
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name, dsn, want string
	}{
		{"sqlite", "sqlite:data/styrke.db", "sqlite:data/styrke.db"},
		{"postgres with password", "postgres://app:hunter2@db.example:5432/styrke?sslmode=require", "postgres://app@db.example:5432/styrke"},
		{"postgres without user", "postgresql://db.example/styrke", "postgresql://db.example/styrke"},
		{"password in query", "postgres://db.example/styrke?password=hunter2", "postgres://db.example/styrke"},
		{"unknown", "mysql://u:hunter2@x/db", "(invalid DSN)"},
		{"bad URL", "postgres://u:hunter2@[::1", "(invalid DSN)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, backend.Redact(tt.dsn))
		})
	}
}
