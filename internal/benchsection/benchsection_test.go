package benchsection

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWrite(t *testing.T) {
	file := filepath.Join(t.TempDir(), "B.md")
	require.NoError(t, Write(file, "a", "one\n"))
	require.NoError(t, os.WriteFile(file, []byte("# Top\n\n<!-- section:a -->\nold\n<!-- /section:a -->\n\ntail\n"), 0o644))
	require.NoError(t, Write(file, "a", "new\n"))
	require.NoError(t, Write(file, "b", "bee\n"))
	require.NoError(t, Write(file, "a", "newer\n"))
	got, err := os.ReadFile(file)
	require.NoError(t, err)
	assert.Equal(t, "# Top\n\n<!-- section:a -->\nnewer\n<!-- /section:a -->\n\ntail\n\n<!-- section:b -->\nbee\n<!-- /section:b -->\n", string(got))
}
