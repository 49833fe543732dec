package frontcode

import (
	"strconv"
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
		"12345\n123456\n1234567890\n", // digits in the lines: the markers are not digits
		"no final newline",
	} {
		coded, err := Encode(text)
		require.NoError(t, err)
		got, err := Decode(coded, len(text))
		require.NoError(t, err)
		want := text
		if want != "" && !strings.HasSuffix(want, "\n") {
			want += "\n"
		}
		assert.Equal(t, want, got, "round trip of %q (coded %q)", text, coded)
		assert.Equal(t, coded, strings.Join(Entries(coded), ""))
		assert.Len(t, Entries(coded), strings.Count(want, "\n"))
	}
	coded, err := Encode("password\npassword123\npasswordword\n")
	require.NoError(t, err)
	assert.Equal(t, "\x00password\x08123\x08word", coded)
	assert.Equal(t, []string{"\x00password", "\x08123", "\x08word"}, Entries(coded))
}

func TestEncodeRefusesMarkers(t *testing.T) {
	_, err := Encode("fine\ntab\there\n")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 2")
	assert.NotContains(t, err.Error(), "tab", "the error names the line, not its text")
}

func TestDecodeRejectsCorrupt(t *testing.T) {
	for _, coded := range []string{
		"x",              // no marker first
		"\x03ab",         // shares more than the line before has
		"\x00ab\x05c",    // the same, later
		"\x0aab",         // a line end is no marker
		"\x00a\x00b\x02", // shares two of one
	} {
		_, err := Decode(coded, 0)
		assert.ErrorIs(t, err, ErrCorrupt, "%q", coded)
	}
}

func TestDecimal(t *testing.T) {
	for _, n := range []int{0, 7, 10, 99, 1234567} {
		assert.Equal(t, strconv.Itoa(n), decimal(n))
	}
}

// FuzzRoundTrip: any text Encode takes decodes to itself (each line with its
// "\n"), and Decode of any input either errs or gives lines that encode back
// to that input's canonical form without a panic.
func FuzzRoundTrip(f *testing.F) {
	f.Add("password\npassword1\n")
	f.Add("blåbær\nblåbærsyltetøy\n\n\nx")
	f.Add("\x00abc\x03d")
	f.Fuzz(func(t *testing.T, text string) {
		if coded, err := Encode(text); err == nil {
			got, err := Decode(coded, 0)
			require.NoError(t, err)
			want := text
			if want != "" && !strings.HasSuffix(want, "\n") {
				want += "\n"
			}
			require.Equal(t, want, got)
		}
		if got, err := Decode(text, 0); err == nil {
			coded, err := Encode(got)
			require.NoError(t, err)
			again, err := Decode(coded, 0)
			require.NoError(t, err)
			require.Equal(t, got, again)
		}
	})
}
