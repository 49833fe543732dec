package site_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/styrke-iam/styrke/server"
	"github.com/styrke-iam/styrke/site"
)

func TestForgotPage(t *testing.T) {
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			doc := render(t, "forgot-"+lang, site.ForgotPage(site.ResetPage{Page: page(t, site.Reset, lang), Policies: views(t)}))
			assert.Equal(t, "/auth/idporten/start?lang="+lang, attr(one(t, doc, "start"), "href"))
			assert.Equal(t, "new-password", attr(one(t, doc, "new-password"), "autocomplete"))
			assert.Equal(t, "new-password", attr(one(t, doc, "meter"), "for"))
			for _, state := range []string{"start", "off", "cancelled", "failed", "expired", "level", "nomatch", "nonumber", "unavailable", "store", "ended", "directorydown", "unconfirmed", "noaccount", "mismatch", "error", "done", "form"} {
				assert.True(t, hasAttr(one(t, doc, "state-"+state), "hidden"), "state %s starts hidden", state)
			}
			for _, state := range []string{"off", "nomatch", "nonumber", "noaccount"} {
				one(t, doc, "contact-"+state)
			}
			// The reset's cancel ends its session here only: ID-porten's
			// single sign-on outlives it, and the page it leads to offers
			// ID-porten's logout. So it does not say it logs out: "Avbryt og
			// logg ut", then "Logg ut av ID-porten" below, and a person on a
			// shared computer who took the first for the logout left the
			// sign-in open to the next one.
			for _, id := range []string{"cancel", "choose-cancel", "noaccount-cancel", "directory-cancel", "unconfirmed-cancel"} {
				label := strings.ToLower(text(one(t, doc, id)))
				for _, says := range []string{"logg ut", "log out", "sign out", "logout"} {
					assert.NotContains(t, label, says, "%s: %q", id, label)
				}
			}
		})
	}
}

func TestChangePage(t *testing.T) {
	for _, lang := range site.Languages {
		t.Run(lang, func(t *testing.T) {
			doc := render(t, "change-"+lang, site.ChangePasswordPage(site.ChangePage{Page: page(t, site.Change, lang), Policies: views(t)}))
			assert.Equal(t, "current-password", attr(one(t, doc, "current-password"), "autocomplete"))
			assert.Equal(t, "username", attr(one(t, doc, "username"), "autocomplete"))
			// Typed on a phone: no capital first letter, no spelling
			// check, and no word put for it (Safari's autocorrect made
			// "olan" "plan").
			for _, a := range []string{"autocapitalize", "autocorrect", "spellcheck"} {
				assert.Contains(t, []string{"off", "false"}, attr(one(t, doc, "username"), a), "the username's %s", a)
			}
			assert.Equal(t, "new-password", attr(one(t, doc, "new-password"), "autocomplete"))
			// Hidden until change.js shows it: without JavaScript its POST
			// sent the passwords to the page's own address.
			assert.True(t, hasAttr(one(t, doc, "state-form"), "hidden"))
		})
	}
}

// TestResetPathsAgree: the server redirects to the reset and change pages
// by its own copy of their paths (it does not import site).
func TestResetPathsAgree(t *testing.T) {
	for _, lang := range site.Languages {
		assert.Equal(t, site.Path(site.Reset, lang), server.ResetPaths[lang], lang)
		assert.Equal(t, site.Path(site.Change, lang), server.ChangePaths[lang], lang)
		assert.Equal(t, site.Path(site.Activate, lang), server.ActivatePaths[lang], lang)
	}
}

func TestResetTextsComplete(t *testing.T) {
	for _, lang := range site.Languages {
		v := reflect.ValueOf(site.ResetTexts(lang))
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.IsExported() && f.Type.Kind() == reflect.String {
				assert.NotEmpty(t, v.Field(i).String(), "%s: ResetText.%s", lang, f.Name)
			}
		}
	}
}

// TestDeadlineNamesTheButton: the minute's warning names the button that
// gives more time, which appears without the focus (a screen reader in the
// password field heard only "choose the password now").
func TestDeadlineNamesTheButton(t *testing.T) {
	for _, lang := range site.Languages {
		tx := site.Texts(lang)
		assert.Contains(t, tx.ResetDeadlineSoon(), tx.ResetExtend(), lang)
	}
}
