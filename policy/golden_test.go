package policy

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// goldenCase is one input of the golden file. Passwords here are test
// vectors, not secrets.
type goldenCase struct {
	policy string
	in     Input
}

func goldenCases() []goldenCase {
	pw := []string{
		"password", "Passw0rd!", "aaaaaaaaab", "abababababab", "correcthorsebatterystaple",
		"ÆØÅæøå12!!", "Aa1!Aa1!", "", " ", "  leading and trailing  ", "Sommer2026!",
		"qwertyuiopåasdfghjkløæ", "1234567890abcdef", "Granskog!Lirype-Vadmel9",
		"universitetetitroms2025!", "Tr0ndh3im-Nordmann-1999", "ΩмегаЖ中文🙂🙂🙂abc123",
		strings.Repeat("Ab1!", 31) + "xyz", strings.Repeat("x", 130), "a\u0301b\u0301c\u0301dddd1234567!",
		"ＦＵＬＬＷＩＤＴＨ１２３ｐａｓｓｗｏｒｄ",
	}
	var out []goldenCase
	for _, id := range []string{"default", "uio", "uit"} {
		for i, p := range pw {
			lang := Languages[i%3]
			out = append(out, goldenCase{id, Input{Password: p, Lang: lang}})
		}
	}
	out = append(out,
		goldenCase{"default", Input{Password: "xxolanxx-Fjellvann!9", Username: "olan", Name: "Ola Nordmann", Lang: "en"}},
		goldenCase{"default", Input{Password: "Nordmann-Fjellvann!9", Username: "olan", Name: "Ola Nordmann", Lang: "nn"}},
		goldenCase{"default", Input{Password: "Granskog!Lirype-Vadmel9", BreachCount: intp(12), Lang: "nb"}},
		goldenCase{"default", Input{Password: "Granskog!Lirype-Vadmel9", Reused: boolp(true), Lang: "en"}},
		// Folding (default-ignorables, lookalikes) and control characters.
		goldenCase{"default", Input{Password: "Kari\u200bNordmann-Fjellvann!9", Username: "karinordmann", Lang: "nb"}},
		goldenCase{"default", Input{Password: "N\u043erdmann-Fjellvann!9", Name: "Ola Nordmann", Lang: "nn"}},
		goldenCase{"default", Input{Password: "Sommer2026!\u200bSommer2026!", Lang: "en"}},
		goldenCase{"default", Input{Password: "Granskog!\tLirype-Vadmel9", Lang: "en"}},
		goldenCase{"uio", Input{Password: "Granskog!Lirype-Vadmel9\xff", Lang: "nb"}},
		// A generated run: random small letters, no word of the lists (a
		// stretch, "hegathoci", reads like a typical word).
		goldenCase{"default", Input{Password: "hbhegathociqhbimzw", Lang: "nb"}},
		// A mobile number among pieces (kind phone).
		goldenCase{"default", Input{Password: "Regnbue+47958693+Kari!", Lang: "nn"}},
		// A national identity number among words (kind identity; synthetic, the month plus 80).
		goldenCase{"default", Input{Password: "Morell!Blåbær!18874342420", Lang: "en"}},
		// A well-known number (kind constant) and words with single
		// digits between them at random (a phrase).
		goldenCase{"default", Input{Password: "Kari3,14159265Kari!", Lang: "en"}},
		goldenCase{"default", Input{Password: "1barn2kids2biler4katter!!", Lang: "nb"}},
	)
	return out
}

// TestGolden compares every golden case's Result JSON with
// testdata/golden/results.jsonl (one line per case, prefixed by its index
// and policy); -update rewrites the file.
func TestGolden(t *testing.T) {
	var buf bytes.Buffer
	for i, c := range goldenCases() {
		p, err := Lookup(c.policy)
		require.NoError(t, err)
		buf.WriteString(strconv.Itoa(i) + " " + c.policy + " ")
		buf.Write(Evaluate(p, c.in).AppendJSON(nil))
		buf.WriteByte('\n')
	}
	path := filepath.Join("testdata", "golden", "results.jsonl")
	if *update {
		require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "golden file missing: run go test ./policy -update")
	gotLines := strings.Split(buf.String(), "\n")
	wantLines := strings.Split(string(want), "\n")
	require.Equal(t, len(wantLines), len(gotLines), "number of golden lines")
	for i := range wantLines {
		if gotLines[i] != wantLines[i] {
			t.Errorf("golden case %d differs:\n got: %s\nwant: %s", i, gotLines[i], wantLines[i])
		}
	}
}
