package notify_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/styrke-iam/styrke/server/notify"
)

func TestTemplatesDefaults(t *testing.T) {
	tp, err := notify.LoadTemplates("", notify.Profile{Name: "Utfjord kommune", ServiceDesk: "IT-hjelp på 77 00 00 00"})
	require.NoError(t, err)
	d := notify.Data{Name: "Kari <Nordmann>", Username: "kari", Institution: "Utfjord kommune", ServiceDesk: "IT-hjelp på 77 00 00 00",
		Link: "https://styrke.example/aktiver/#/pw/tok&en", Expires: "1. desember 2026 kl. 12.00"}
	tests := []struct {
		lang               string
		subject, text, sms string
	}{
		{"nb", "Velkommen til Utfjord kommune", "Det er opprettet en brukerkonto til deg (kari)", "Aktiver brukerkontoen kari"},
		{"nn", "Velkomen til Utfjord kommune", "Det er oppretta ein brukarkonto til deg (kari)", "Aktiver brukarkontoen kari"},
		{"en", "Welcome to Utfjord kommune", "A user account has been created for you (kari)", "Activate your user account kari"},
		{"de", "Velkommen til Utfjord kommune", "Det er opprettet", "Aktiver brukerkontoen"},
	}
	for _, tt := range tests {
		t.Run(tt.lang, func(t *testing.T) {
			r, err := tp.Render(notify.KindActivation, tt.lang, d)
			require.NoError(t, err)
			assert.Contains(t, r.Subject, tt.subject)
			assert.NotContains(t, r.Subject, "\n")
			assert.Contains(t, r.Text, tt.text)
			assert.Contains(t, r.Text, d.Link, "the text part has the link as is")
			assert.Contains(t, r.Text, "IT-hjelp på 77 00 00 00")
			assert.Contains(t, r.SMS, tt.sms)
			assert.Contains(t, r.SMS, d.Link)
			assert.Contains(t, r.HTML, `href="https://styrke.example/aktiver/#/pw/tok&amp;en"`, "the HTML part escapes")
			assert.Contains(t, r.HTML, "Kari &lt;Nordmann&gt;")
			assert.NotContains(t, r.HTML, "<Nordmann>")
		})
	}
	for _, lang := range notify.Langs {
		t.Run("changed "+lang, func(t *testing.T) {
			r, err := tp.Render(notify.KindChanged, lang, notify.Data{Name: "Kari", Username: "kari", Institution: "Utfjord kommune",
				How: notify.How(notify.HowReset, lang), When: tp.FormatTime(time.Date(2026, 11, 29, 22, 10, 0, 0, time.UTC), lang)})
			require.NoError(t, err)
			assert.Contains(t, r.Text, "ID-porten")
			assert.Contains(t, r.Text, "23")
			assert.Contains(t, r.HTML, "ID-porten")
			assert.Empty(t, r.SMS)
		})
	}
}

func TestFormatTime(t *testing.T) {
	tp, err := notify.LoadTemplates("", notify.Profile{})
	require.NoError(t, err)
	summer := time.Date(2026, 7, 1, 10, 5, 0, 0, time.UTC)
	assert.Equal(t, "1. juli 2026 kl. 12.05", tp.FormatTime(summer, "nb"))
	assert.Equal(t, "1 July 2026 at 12:05 (Norwegian time)", tp.FormatTime(summer, "en"))
	winter := time.Date(2026, 12, 24, 23, 30, 0, 0, time.UTC)
	assert.Equal(t, "25. desember 2026 kl. 00.30", tp.FormatTime(winter, "nn"))
}

func TestTemplatesOverride(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "activation.en.txt"),
		[]byte(`{{define "subject"}}Hi from {{.Institution}}{{end}}{{define "text"}}Go: {{.Link}}{{end}}{{define "sms"}}{{.Link}}{{end}}`), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "institutions.json"),
		[]byte(`{"utfjord": {"name": "Utfjord kommune", "serviceDesk": "77 00 00 00"}}`), 0o600))
	tp, err := notify.LoadTemplates(dir, notify.Profile{Name: "Styrke"})
	require.NoError(t, err)
	r, err := tp.Render(notify.KindActivation, "en", notify.Data{Institution: "X", Link: "https://l"})
	require.NoError(t, err)
	assert.Equal(t, "Hi from X", r.Subject)
	assert.Equal(t, "Go: https://l\n", r.Text)
	r, err = tp.Render(notify.KindActivation, "nb", notify.Data{Institution: "X", Link: "https://l"})
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(r.Subject, "Velkommen"), "nb keeps the default")
	assert.Equal(t, notify.Profile{Name: "Utfjord kommune", ServiceDesk: "77 00 00 00"}, tp.Profile("utfjord"))
	assert.Equal(t, notify.Profile{Name: "Styrke"}, tp.Profile("uio"))
}

// TestTemplatesRefused: a broken override is refused at start, naming the
// operator's file.
func TestTemplatesRefused(t *testing.T) {
	tests := []struct {
		name, file, body string
	}{
		{"syntax error", "activation.nb.txt", `{{define "subject"}}{{.Name{{end}}`},
		{"missing sms block", "activation.nb.txt", `{{define "subject"}}x{{end}}{{define "text"}}x{{end}}`},
		{"unknown field", "changed.en.html", `<p>{{.Password}}</p>`},
		{"unknown field in a text template", "activation.nb.txt", `{{define "subject"}}x{{end}}{{define "text"}}{{.Password}}{{end}}{{define "sms"}}x{{end}}`},
		{"bad institutions.json", "institutions.json", `{"uio": [}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, os.WriteFile(filepath.Join(dir, tt.file), []byte(tt.body), 0o600))
			_, err := notify.LoadTemplates(dir, notify.Profile{})
			require.Error(t, err)
			// The operator's file is named, not the built-in one beside it
			// (an unknown field in a .txt named the built-in .html).
			assert.Contains(t, err.Error(), filepath.Join(dir, tt.file))
		})
	}
}

// TestProfileNamesThePolicy: with no --org-name and no institutions.json
// entry, messages name the institution by its policy's name ("UiT Norges
// arktiske universitet"), not its id ("Welcome to uit!").
func TestProfileNamesThePolicy(t *testing.T) {
	tp, err := notify.LoadTemplates("", notify.Profile{})
	require.NoError(t, err)
	assert.Equal(t, "UiT Norges arktiske universitet", tp.Profile("uit").Name)
	assert.Equal(t, "nosuch", tp.Profile("nosuch").Name, "no such policy: its id")
	tp, err = notify.LoadTemplates("", notify.Profile{Name: "Utfjord kommune"})
	require.NoError(t, err)
	assert.Equal(t, "Utfjord kommune", tp.Profile("uit").Name, "--org-name, given, stays the fallback")
}
