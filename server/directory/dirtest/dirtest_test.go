package dirtest

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var ad, ol *Server

func TestMain(m *testing.M) { os.Exit(Main(m, &ad, &ol)) }

// TestUsers: an account made by CreateUser binds with its password and not
// with another, on both directories, and again after a restart.
func TestUsers(t *testing.T) {
	for _, s := range []*Server{ad, ol} {
		t.Run(string(s.Kind), func(t *testing.T) {
			dn, err := s.CreateUser("kari-"+randomSecret()[:6], "Correct!Horse-Battery9")
			require.NoError(t, err)
			ok, err := s.CanBind(dn, "Correct!Horse-Battery9")
			require.NoError(t, err)
			assert.True(t, ok, "right password")
			ok, err = s.CanBind(dn, "Wrong!Horse-Battery9")
			require.NoError(t, err)
			assert.False(t, ok, "wrong password")
			ok, err = s.CanBind(s.ServiceDN, s.ServicePassword)
			require.NoError(t, err)
			assert.True(t, ok, "service account")

			s.Stop()
			_, err = s.CanBind(dn, "Correct!Horse-Battery9")
			assert.Error(t, err, "stopped")
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			require.NoError(t, s.Start(ctx))
			ok, err = s.CanBind(dn, "Correct!Horse-Battery9")
			require.NoError(t, err)
			assert.True(t, ok, "after restart")
		})
	}
}
