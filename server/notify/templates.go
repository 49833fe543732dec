package notify

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	texttemplate "text/template"
	"time"
	_ "time/tzdata" // Europe/Oslo on hosts without zoneinfo

	"github.com/styrke-iam/styrke/policy"
)

//go:embed templates/*.txt templates/*.html
var defaultTemplates embed.FS

// Kinds of message the templates make.
const (
	KindActivation = "activation" // the link: subject, text, HTML, SMS
	KindChanged    = "changed"    // the notice after a password change
	// KindCode is the SMS with a link's one-time code (code.LANG.txt, a
	// block "sms" only), sent apart from the link.
	KindCode = "code"
	// KindWelcome is the welcome that sends a person to the reset page to
	// sign in with ID-porten and choose a password (no secret in it):
	// subject, text, HTML, SMS.
	KindWelcome = "welcome"
	// KindExpiry is the reminder that a password expires soon, with the
	// change page (no secret in it): subject, text, HTML, SMS. Expires is
	// when.
	KindExpiry = "expiry"
)

// Ways a password is set, for KindChanged's How.
const (
	HowActivation = "activation"
	HowReset      = "reset"  // after signing in with ID-porten
	HowChange     = "change" // with the old password
)

// Langs are the languages every kind has a template in.
var Langs = []string{"nb", "nn", "en"}

// Data is what a template sees. Every field is plain text; the HTML
// templates escape it.
type Data struct {
	Name, Username string
	Institution    string // the display name
	ServiceDesk    string // how to reach the service desk, one line
	Link           string // KindActivation, KindWelcome, KindExpiry
	Expires        string // KindActivation, KindCode and KindExpiry, formatted in the language
	// CodeBySMS: KindActivation's link works only with a one-time code
	// sent by SMS (the message should say so).
	CodeBySMS bool
	// CodeNotSent: CodeBySMS, but its SMS failed; the message says how
	// to get one (the page's button for a new code, or the service desk).
	CodeNotSent bool
	Code        string // KindCode: the one-time code
	How         string // KindChanged, a phrase in the language
	When        string // KindChanged, formatted in the language
	Subject     string // set before the HTML part is rendered
}

// Rendered is one message in one language.
type Rendered struct {
	Subject, Text, HTML, SMS string
}

// Profile is an institution's display name and service-desk contact.
type Profile struct {
	Name        string `json:"name"`
	ServiceDesk string `json:"serviceDesk"`
}

// Templates renders messages: the built-in defaults (nb, nn, en), each
// replaced by a file of the same name in the configured folder
// (activation.nb.txt with blocks "subject", "text" and "sms";
// activation.nb.html; changed.LANG.txt with "subject" and "text";
// changed.LANG.html; code.LANG.txt with "sms"; welcome.LANG.txt and
// expiry.LANG.txt with "subject", "text" and "sms", and welcome.LANG.html
// and expiry.LANG.html), and institution profiles from institutions.json in
// that folder ({"uio": {"name": "Universitetet i Oslo", "serviceDesk":
// "..."}}).
type Templates struct {
	text     map[string]*texttemplate.Template
	html     map[string]*htmltemplate.Template
	profiles map[string]Profile
	fallback Profile
	oslo     *time.Location
}

// LoadTemplates reads the defaults and the overrides in dir (empty: none).
// fallback is the profile of an institution institutions.json does not
// name. Every template is rendered once with sample data, so a broken one
// fails here and not when a message is due.
func LoadTemplates(dir string, fallback Profile) (*Templates, error) {
	oslo, err := time.LoadLocation("Europe/Oslo")
	if err != nil {
		return nil, fmt.Errorf("notify: time zone: %w", err)
	}
	t := &Templates{text: map[string]*texttemplate.Template{}, html: map[string]*htmltemplate.Template{},
		profiles: map[string]Profile{}, fallback: fallback, oslo: oslo}
	read := func(name string) (string, []byte, error) {
		if dir != "" {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err == nil {
				return filepath.Join(dir, name), b, nil
			}
			if !errors.Is(err, fs.ErrNotExist) {
				return "", nil, err
			}
		}
		b, err := defaultTemplates.ReadFile("templates/" + name)
		return "built-in " + name, b, err
	}
	for _, kind := range []string{KindActivation, KindChanged, KindCode, KindWelcome, KindExpiry} {
		for _, lang := range Langs {
			key := kind + "." + lang
			src, b, err := read(key + ".txt")
			if err != nil {
				return nil, fmt.Errorf("notify: template %s.txt: %w", key, err)
			}
			tt, err := texttemplate.New(key).Option("missingkey=error").Parse(string(b))
			if err != nil {
				return nil, fmt.Errorf("notify: template %s: %w", src, err)
			}
			need := []string{"subject", "text"}
			switch kind {
			case KindActivation, KindWelcome, KindExpiry:
				need = append(need, "sms")
			case KindCode:
				need = []string{"sms"}
			}
			for _, n := range need {
				if tt.Lookup(n) == nil {
					return nil, fmt.Errorf("notify: template %s has no {{define %q}}", src, n)
				}
			}
			t.text[key] = tt
			sample := Data{Name: "Kari Nordmann", Username: "kari", Institution: "Utfjord kommune", ServiceDesk: "IT",
				Link: "https://example.org/aktiver/#/pw/x", Expires: "1.1.2030", How: "x", When: "x", Code: "12345678"}
			// The text blocks alone first, so that an error in them names
			// this file, not the .html read next.
			for _, n := range need {
				if err := tt.ExecuteTemplate(io.Discard, n, sample); err != nil {
					return nil, fmt.Errorf("notify: template %s: %w", src, err)
				}
			}
			if kind == KindCode { // an SMS only
				if _, err := t.render(kind, lang, sample); err != nil {
					return nil, fmt.Errorf("notify: template %s: %w", src, err)
				}
				continue
			}
			src, b, err = read(key + ".html")
			if err != nil {
				return nil, fmt.Errorf("notify: template %s.html: %w", key, err)
			}
			ht, err := htmltemplate.New(key).Option("missingkey=error").Parse(string(b))
			if err != nil {
				return nil, fmt.Errorf("notify: template %s: %w", src, err)
			}
			t.html[key] = ht
			if _, err := t.render(kind, lang, sample); err != nil {
				return nil, fmt.Errorf("notify: template %s: %w", src, err)
			}
		}
	}
	if dir != "" {
		b, err := os.ReadFile(filepath.Join(dir, "institutions.json"))
		switch {
		case err == nil:
			if err := json.Unmarshal(b, &t.profiles); err != nil {
				return nil, fmt.Errorf("notify: %s: %w", filepath.Join(dir, "institutions.json"), err)
			}
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("notify: institutions.json: %w", err)
		}
	}
	return t, nil
}

// Profile returns the display name and service-desk line of institution
// (the policy id): its entry in institutions.json, else the fallback
// (--org-name), whose empty name becomes the policy's name ("UiT Norges
// arktiske universitet"), or the id when no policy has it (until 2026-12-04
// the id: "Welcome to uit!").
func (t *Templates) Profile(institution string) Profile {
	p, ok := t.profiles[institution]
	if !ok {
		p = t.fallback
	}
	if p.Name == "" {
		p.Name = t.fallback.Name
	}
	if p.Name == "" {
		p.Name = institution
		if pol, err := policy.Lookup(institution); err == nil && pol.Name != "" {
			p.Name = pol.Name
		}
	}
	if p.ServiceDesk == "" {
		p.ServiceDesk = t.fallback.ServiceDesk
	}
	return p
}

// Lang returns lang if there are templates in it, else "nb".
func Lang(lang string) string {
	switch strings.ToLower(lang) {
	case "nn":
		return "nn"
	case "en":
		return "en"
	}
	return "nb"
}

var months = map[string][]string{
	"nb": {"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"},
	"nn": {"januar", "februar", "mars", "april", "mai", "juni", "juli", "august", "september", "oktober", "november", "desember"},
	"en": {"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"},
}

// FormatTime writes t in Norwegian time in lang: "29. november 2026 kl.
// 23.10" or "29 November 2026 at 23:10 (Norwegian time)".
func (t *Templates) FormatTime(at time.Time, lang string) string {
	return FormatTime(at, t.oslo, lang)
}

// FormatTime writes at in oslo (Norway's time zone) in lang, as the
// messages do (Templates.FormatTime); the pages' answers that name a time
// too.
func FormatTime(at time.Time, oslo *time.Location, lang string) string {
	at = at.In(oslo)
	lang = Lang(lang)
	m := months[lang][at.Month()-1]
	if lang == "en" {
		return fmt.Sprintf("%d %s %d at %02d:%02d (Norwegian time)", at.Day(), m, at.Year(), at.Hour(), at.Minute())
	}
	return fmt.Sprintf("%d. %s %d kl. %02d.%02d", at.Day(), m, at.Year(), at.Hour(), at.Minute())
}

var hows = map[string]map[string]string{
	"nb": {HowActivation: "satt da kontoen ble aktivert", HowReset: "tilbakestilt etter innlogging med ID-porten", HowChange: "endret"},
	"nn": {HowActivation: "sett då kontoen vart aktivert", HowReset: "tilbakestilt etter innlogging med ID-porten", HowChange: "endra"},
	"en": {HowActivation: "set when the account was activated", HowReset: "reset after signing in with ID-porten", HowChange: "changed"},
}

// How is the phrase for how (HowActivation, HowReset, HowChange) in lang.
func How(how, lang string) string {
	if s, ok := hows[Lang(lang)][how]; ok {
		return s
	}
	return how
}

// Render makes a message of kind in lang (anything but nn and en is nb).
func (t *Templates) Render(kind, lang string, d Data) (Rendered, error) {
	return t.render(kind, Lang(lang), d)
}

func (t *Templates) render(kind, lang string, d Data) (Rendered, error) {
	key := kind + "." + lang
	tt, ht := t.text[key], t.html[key]
	if tt == nil || (ht == nil && kind != KindCode) {
		return Rendered{}, fmt.Errorf("notify: no template %s", key)
	}
	exec := func(name string) (string, error) {
		var b bytes.Buffer
		if err := tt.ExecuteTemplate(&b, name, d); err != nil {
			return "", err
		}
		return b.String(), nil
	}
	var r Rendered
	var err error
	if kind == KindCode {
		if r.SMS, err = exec("sms"); err != nil {
			return Rendered{}, err
		}
		r.SMS = strings.Join(strings.Fields(r.SMS), " ")
		return r, nil
	}
	if r.Subject, err = exec("subject"); err != nil {
		return Rendered{}, err
	}
	r.Subject = strings.Join(strings.Fields(r.Subject), " ") // one header line
	if r.Text, err = exec("text"); err != nil {
		return Rendered{}, err
	}
	r.Text = strings.TrimSpace(r.Text) + "\n"
	if kind == KindActivation || kind == KindWelcome || kind == KindExpiry {
		if r.SMS, err = exec("sms"); err != nil {
			return Rendered{}, err
		}
		r.SMS = strings.Join(strings.Fields(r.SMS), " ")
	}
	d.Subject = r.Subject
	var b bytes.Buffer
	if err := ht.Execute(&b, d); err != nil {
		return Rendered{}, err
	}
	r.HTML = b.String()
	return r, nil
}
