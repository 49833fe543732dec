package frontcode

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRoundTrip(t *testing.T) {
	for _, text := range []string{
		"",
		"a\n",
		"\n\n\n",
		"# header\npassword\npassword1\npassword12\npasswordpassword\npasswordpassword!\n",
		"blåbær\nblåbærsyltetøy\nblåbærsyltetøy1\n", // shared prefixes end inside a two-byte letter
		"samesamesame\nsamesamesame\nsamesamesamesame\n",
		"no final newline",
	} {
		coded := Encode(text)
		got, err := Decode(coded, len(text))
		require.NoError(t, err)
		want := text
		if want != "" && !strings.HasSuffix(want, "\n") {
			want += "\n"
		}
		assert.Equal(t, want, got, "round trip of %q (coded %q)", text, coded)
	}
	assert.Equal(t, "0password\n8123\n8word\n", Encode("password\npassword123\npasswordword\n"))
}

func TestDecodeRejectsCorrupt(t *testing.T) {
	for _, coded := range []string{"x\n", "0abc", "3ab\n", "0ab\n5c\n", ":a\n"} {
		_, err := Decode(coded, 0)
		assert.ErrorIs(t, err, ErrCorrupt, "%q", coded)
	}
}
