package breachtest_test

import (
	"crypto/sha1"
	"encoding/hex"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/breach/breachtest"
)

func TestProtocol(t *testing.T) {
	fake := breachtest.New(t)
	fake.Add("passord1", 99)
	s := sha1.Sum([]byte("passord1"))
	h := strings.ToUpper(hex.EncodeToString(s[:]))
	get := func(t *testing.T, path string, padding bool) (int, string) {
		req, err := http.NewRequest("GET", fake.URL()+path, nil)
		require.NoError(t, err)
		if padding {
			req.Header.Set("Add-Padding", "true")
		}
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		require.NoError(t, err)
		return resp.StatusCode, string(b)
	}
	line := regexp.MustCompile(`^[0-9A-F]{35}:[0-9]+$`)
	t.Run("padded", func(t *testing.T) {
		status, body := get(t, "/range/"+h[:5], true)
		require.Equal(t, 200, status)
		lines := strings.Split(body, "\r\n")
		assert.Greater(t, len(lines), 1)
		for i, l := range lines {
			assert.Regexp(t, line, l, "line %d", i)
		}
		assert.Contains(t, lines, h[5:]+":99")
	})
	t.Run("unpadded", func(t *testing.T) {
		_, body := get(t, "/range/"+h[:5], false)
		assert.Equal(t, h[5:]+":99", body)
	})
	t.Run("bad prefix", func(t *testing.T) {
		status, _ := get(t, "/range/abcde", false)
		assert.Equal(t, 400, status)
	})
	assert.Equal(t, []string{h[:5], h[:5]}, fake.Requests())
}
