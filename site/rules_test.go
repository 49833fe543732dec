package site_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"

	"github.com/styrke-iam/styrke/site"
)

// TestRulesBoxFromPolicy: the rules box states every rule the institution
// has, in the page's language: Utfjord's whitelist (no spaces) and its
// required digit, and what happens when its required breach check cannot
// run; a policy without a whitelist says spaces count.
func TestRulesBoxFromPolicy(t *testing.T) {
	cases := []struct {
		name, id, lang string
		want, not      []string
	}{
		{"utfjord en", "utfjord", "en",
			[]string{"At least 14 and at most 127 characters. Every character counts.", "Only these characters are allowed: uppercase letters (any alphabet), lowercase letters (any alphabet), digits and these characters: ! \" #", "Spaces are not allowed.", "At least 1 digit.", "you are asked to try again later"},
			[]string{"Spaces and every character count", "1 digits"}},
		{"utfjord nb", "utfjord", "nb",
			[]string{"Bare disse tegnene er tillatt: store bokstaver (alle alfabeter), små bokstaver (alle alfabeter), sifre og disse tegnene: !", "Mellomrom er ikke tillatt.", "Minst 1 siffer.", "må du prøve igjen senere"},
			[]string{"Mellomrom og alle tegn teller"}},
		{"utfjord nn", "utfjord", "nn",
			[]string{"Berre desse teikna er tillatne:", "Mellomrom er ikkje tillate.", "Minst 1 siffer."},
			[]string{"Mellomrom og alle teikn tel"}},
		{"default en", "default", "en",
			[]string{"Spaces and every character count.", "accepted without that check, and the page tells you"},
			[]string{"allowed:", "At least 1 "}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, site.PolicyRules(site.Texts(tc.lang), site.NewPolicyView(mustPolicy(t, tc.id))).Render(context.Background(), &b))
			got := htmlText(t, b.String())
			for _, w := range tc.want {
				assert.Contains(t, got, w)
			}
			for _, n := range tc.not {
				assert.NotContains(t, got, n)
			}
		})
	}
}

// htmlText is the text of an HTML fragment, entities decoded.
func htmlText(t *testing.T, s string) string {
	t.Helper()
	n, err := html.Parse(strings.NewReader(s))
	require.NoError(t, err)
	return text(n)
}

// TestDesignerSaysWhatIsNotSimulated: the designer says, in every language,
// that breach lists and history are not checked in its batch (nothing is
// sent), and that its trial field's meter asks the breach service by a
// 5-character hash prefix (it does, when the field is left) and checks no
// history.
func TestDesignerSaysWhatIsNotSimulated(t *testing.T) {
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, site.PolicyDesignerPage(site.DesignerPage{Page: page(t, site.Designer, lang), Policies: views(t)}).Render(context.Background(), &b))
			got := htmlText(t, b.String())
			assert.Equal(t, 1, strings.Count(got, site.Texts(lang).DesNotSimulated()), "in the batch section")
			assert.Equal(t, 1, strings.Count(got, site.Texts(lang).DesTryBreach()), "in the trial section")
		})
	}
}
