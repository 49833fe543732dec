package server

import (
	"fmt"
	"strings"
	"time"

	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory"
	"github.com/styrke-iam/styrke/server/notify"
)

// directoryMessages says, in nb, nn and en, what each of the directory's
// refusals means and what to do. The directory's own diagnostic goes to
// the log only.
var directoryMessages = map[string][3]string{
	directory.RuleComplexity: {
		"Katalogen du logger inn med avviste passordet: det må ha tegn av minst tre slag (store bokstaver, små bokstaver, sifre, spesialtegn som ! ? . - _ #; mellomrom teller ikke) og kan ikke inneholde brukernavnet ditt. Legg til et tegn av et slag som mangler.",
		"Katalogen du loggar inn med avviste passordet: det må ha teikn av minst tre slag (store bokstavar, små bokstavar, siffer, spesialteikn som ! ? . - _ #; mellomrom tel ikkje) og kan ikkje innehalde brukarnamnet ditt. Legg til eit teikn av eit slag som manglar.",
		"The directory you log in with refused the password: it requires characters of at least three kinds (uppercase letters, lowercase letters, digits, special characters such as ! ? . - _ #; a space does not count) and not your username. Add a character of a missing kind.",
	},
	directory.RuleQuality: {
		"Katalogen du logger inn med avviste passordet: det oppfyller ikke katalogens egen kvalitetskontroll. Prøv et lengre passord med flere slag tegn, eller kontakt brukerstøtte.",
		"Katalogen du loggar inn med avviste passordet: det oppfyller ikkje kvalitetskontrollen til katalogen. Prøv eit lengre passord med fleire slag teikn, eller kontakt brukarstøtta.",
		"The directory you log in with refused the password: it does not pass the directory's own quality check. Try a longer password with more kinds of characters, or contact the service desk.",
	},
	directory.RuleTooShort: {
		"Katalogen du logger inn med avviste passordet: det er kortere enn katalogen krever. Velg et lengre passord.",
		"Katalogen du loggar inn med avviste passordet: det er kortare enn katalogen krev. Vel eit lengre passord.",
		"The directory you log in with refused the password: it is shorter than the directory requires. Choose a longer one.",
	},
	directory.RuleHistory: {
		"Katalogen du logger inn med avviste passordet: du har brukt det før. Velg et passord du ikke har brukt.",
		"Katalogen du loggar inn med avviste passordet: du har brukt det før. Vel eit passord du ikkje har brukt.",
		"The directory you log in with refused the password: you have used it before. Choose one you have not used.",
	},
	directory.RuleTooYoung: {
		"Katalogen du logger inn med avviste endringen: passordet ble endret for kort tid siden. Prøv igjen senere, eller kontakt brukerstøtte.",
		"Katalogen du loggar inn med avviste endringa: passordet vart endra for kort tid sidan. Prøv igjen seinare, eller kontakt brukarstøtta.",
		"The directory you log in with refused the change: the password was changed too recently. Try again later, or contact the service desk.",
	},
	directory.RuleRefused: {
		"Katalogen du logger inn med avviste passordet uten å si hvorfor. Prøv et annet passord, eller kontakt brukerstøtte.",
		"Katalogen du loggar inn med avviste passordet utan å seie kvifor. Prøv eit anna passord, eller kontakt brukarstøtta.",
		"The directory you log in with refused the password without saying why. Try another password, or contact the service desk.",
	},
}

// tooYoungMessages say, in nb, nn and en, that the directory allows one
// change per its minimum age ({per}: "per døgn", "a day"), counted from
// any setting of the password, and when to try again ({time}, Norwegian
// time): the refusal's NotBefore. Without it directoryMessages' text.
var tooYoungMessages = [3]string{
	"Katalogen du logger inn med, tillater bare én passordendring {per}, og passordet ditt ble satt for kort tid siden (også en aktivering eller glemt passord setter det). Prøv igjen etter {time}.",
	"Katalogen du loggar inn med, tillèt berre éi passordendring {per}, og passordet ditt vart sett for kort tid sidan (òg ei aktivering eller gløymt passord set det). Prøv igjen etter {time}.",
	"The directory you log in with allows only one password change {per}, and yours was set too recently (an activation or a forgotten password sets it too). Try again after {time}.",
}

// directoryViolation is the directory's refusal as a violation, in lang
// (nb, nn or en; anything else nb). A password too young with a known
// NotBefore says when to try again, also as the parameter notBefore
// (RFC 3339).
func directoryViolation(ref *directory.Refusal, lang string) policy.Violation {
	rule := ref.Rule
	m, ok := directoryMessages[rule]
	if !ok {
		rule, m = directory.RuleRefused, directoryMessages[directory.RuleRefused]
	}
	i := 0
	switch lang {
	case "nn":
		i = 1
	case "en":
		i = 2
	}
	if rule == directory.RuleTooYoung && !ref.NotBefore.IsZero() && ref.MinAge > 0 {
		// The minute after, so that "after 14.35" is never too soon.
		at := ref.NotBefore.Truncate(time.Minute)
		if at.Before(ref.NotBefore) {
			at = at.Add(time.Minute)
		}
		msg := strings.NewReplacer("{per}", perAge(ref.MinAge, i), "{time}", notify.FormatTime(at, oslo(), lang)).Replace(tooYoungMessages[i])
		return policy.Violation{Rule: rule, Message: msg,
			Params: []policy.Param{{Name: "notBefore", Value: policy.ParamValue{Str: at.UTC().Format(time.RFC3339), IsStr: true}}}}
	}
	return policy.Violation{Rule: rule, Message: m[i]}
}

// perAge says "one change per d" in language i (nb, nn, en): "per døgn",
// "per 4 timar", "every 30 minutes", "a day".
func perAge(d time.Duration, i int) string {
	units := []struct {
		d         time.Duration
		one, many [3]string // "a day"; "every %d days"
	}{
		{24 * time.Hour, [3]string{"per døgn", "per døgn", "a day"}, [3]string{"per %d døgn", "per %d døgn", "every %d days"}},
		{time.Hour, [3]string{"per time", "per time", "an hour"}, [3]string{"per %d timer", "per %d timar", "every %d hours"}},
		{time.Minute, [3]string{"per minutt", "per minutt", "a minute"}, [3]string{"per %d minutter", "per %d minutt", "every %d minutes"}},
	}
	for _, u := range units {
		if d >= u.d && d%u.d == 0 {
			if d == u.d {
				return u.one[i]
			}
			return fmt.Sprintf(u.many[i], d/u.d)
		}
	}
	secs := int64((d + time.Second - 1) / time.Second)
	return fmt.Sprintf([3]string{"per %d sekunder", "per %d sekund", "every %d seconds"}[i], secs)
}
