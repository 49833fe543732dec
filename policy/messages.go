package policy

import (
	"math"
	"strconv"
	"strings"
)

// langIndex maps a language code to its column in the message tables:
// nb 0, nn 1, en 2; anything else is nb.
func langIndex(lang string) int {
	switch lang {
	case "nn":
		return 1
	case "en":
		return 2
	}
	return 0
}

// messages holds each rule's message template in nb, nn and en. {name}
// stands for the violation parameter of that name.
var messages = map[string][3]string{
	RuleTooShort: {
		"Passordet må ha minst {min} tegn (det har {length}).",
		"Passordet må ha minst {min} teikn (det har {length}).",
		"The password must have at least {min} characters (it has {length}).",
	},
	RuleTooLong: {
		"Passordet kan ha høyst {max} tegn (det har {length}).",
		"Passordet kan ha høgst {max} teikn (det har {length}).",
		"The password can have at most {max} characters (it has {length}).",
	},
	RuleDisallowedCharacter: {
		"Passordet inneholder {count} tegn som ikke er tillatt.",
		"Passordet inneheld {count} teikn som ikkje er tillatne.",
		"The password contains {count} characters that are not allowed.",
	},
	RuleMissingClass: {
		"Passordet må ha minst {min} {class} (det har {have}).",
		"Passordet må ha minst {min} {class} (det har {have}).",
		"The password must have at least {min} {class} (it has {have}).",
	},
	RuleUsername: {
		"Passordet kan ikke inneholde brukernavnet ditt.",
		"Passordet kan ikkje innehalde brukarnamnet ditt.",
		"The password cannot contain your username.",
	},
	RuleName: {
		"Passordet kan ikke inneholde navnet ditt.",
		"Passordet kan ikkje innehalde namnet ditt.",
		"The password cannot contain your name.",
	},
	RuleContext: {
		"Passordet kan ikke inneholde navnet på institusjonen eller ord knyttet til den.",
		"Passordet kan ikkje innehalde namnet på institusjonen eller ord knytte til han.",
		"The password cannot contain the institution's name or words tied to it.",
	},
	RuleCommon: {
		"Passordet er for vanlig eller lett å gjette ({kind}).",
		"Passordet er for vanleg eller lett å gjette ({kind}).",
		"The password is too common or easy to guess ({kind}).",
	},
	RuleWeak: {
		"Passordet er for svakt: {score} av {threshold} poeng.",
		"Passordet er for svakt: {score} av {threshold} poeng.",
		"The password is too weak: {score} of {threshold} points.",
	},
	RuleBreached: {
		"Passordet er funnet {count} ganger i lekkede passordlister. Velg et annet.",
		"Passordet er funne {count} gonger i lekne passordlister. Vel eit anna.",
		"The password has been seen {count} times in breached password lists. Choose another.",
	},
	RuleReused: {
		"Du har brukt dette passordet før. Velg et du ikke har brukt de siste {history} gangene.",
		"Du har brukt dette passordet før. Vel eit du ikkje har brukt dei siste {history} gongene.",
		"You have used this password before. Choose one you have not used the last {history} times.",
	},
}

// singular holds the message of a rule whose count is exactly 1, where the
// plural would be wrong ("1 characters"); countParam names that count.
var singular = map[string][3]string{
	RuleDisallowedCharacter: {
		"Passordet inneholder 1 tegn som ikke er tillatt.",
		"Passordet inneheld 1 teikn som ikkje er tillate.",
		"The password contains 1 character that is not allowed.",
	},
	RuleMissingClass: {
		"Passordet må ha minst 1 {class} (det har {have}).",
		"Passordet må ha minst 1 {class} (det har {have}).",
		"The password must have at least 1 {class} (it has {have}).",
	},
	RuleBreached: {
		"Passordet er funnet 1 gang i lekkede passordlister. Velg et annet.",
		"Passordet er funne 1 gong i lekne passordlister. Vel eit anna.",
		"The password has been seen once in breached password lists. Choose another.",
	},
	RuleReused: {
		"Du har brukt dette passordet før. Velg et annet enn det forrige.",
		"Du har brukt dette passordet før. Vel eit anna enn det førre.",
		"You have used this password before. Choose one other than the last.",
	},
}

var countParam = map[string]string{
	RuleDisallowedCharacter: "count",
	RuleMissingClass:        "min",
	RuleBreached:            "count",
	RuleReused:              "history",
}

// singularWords are the class names after "1".
var singularWords = map[string][3]string{
	Upper:   {"stor bokstav", "stor bokstav", "uppercase letter"},
	Lower:   {"liten bokstav", "liten bokstav", "lowercase letter"},
	Digit:   {"siffer", "siffer", "digit"},
	Special: {"spesialtegn", "spesialteikn", "special character"},
}

// words translates the parameter values that are words.
var words = map[string][3]string{
	Upper:      {"store bokstaver", "store bokstavar", "uppercase letters"},
	Lower:      {"små bokstaver", "små bokstavar", "lowercase letters"},
	Digit:      {"sifre", "siffer", "digits"},
	Special:    {"spesialtegn", "spesialteikn", "special characters"},
	"list":     {"på listen over vanlige passord", "på lista over vanlege passord", "on the list of common passwords"},
	"season":   {"årstid eller måned med årstall", "årstid eller månad med årstal", "season or month with a year"},
	"keyboard": {"tasterekke på tastaturet", "tasterekkje på tastaturet", "row of keyboard keys"},
	"sequence": {"rekkefølge av tegn", "rekkjefølgje av teikn", "sequence of characters"},
	"repeat":   {"gjentatt mønster", "gjenteke mønster", "repeated pattern"},
}

// FormatNumber writes a score the way messages show it: at most two
// decimals, no trailing zeros, a decimal comma in nb and nn.
func FormatNumber(v float64, lang string) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	if langIndex(lang) != 2 {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

var langCodes = [3]string{"nb", "nn", "en"}

// message renders rule's message in language lang with params.
func message(lang int, rule string, params []Param) string {
	tmpl := messages[rule][lang]
	one := false
	if name, ok := countParam[rule]; ok {
		for _, p := range params {
			if p.Name == name && !p.Value.IsStr && p.Value.Num == 1 {
				tmpl, one = singular[rule][lang], true
			}
		}
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(tmpl, '{')
		if i < 0 {
			b.WriteString(tmpl)
			break
		}
		j := strings.IndexByte(tmpl[i:], '}')
		b.WriteString(tmpl[:i])
		name := tmpl[i+1 : i+j]
		for _, p := range params {
			if p.Name != name {
				continue
			}
			if p.Value.IsStr {
				if w, ok := singularWords[p.Value.Str]; ok && one {
					b.WriteString(w[lang])
				} else if w, ok := words[p.Value.Str]; ok {
					b.WriteString(w[lang])
				} else {
					b.WriteString(p.Value.Str)
				}
			} else {
				b.WriteString(FormatNumber(p.Value.Num, langCodes[lang]))
			}
		}
		tmpl = tmpl[i+j+1:]
	}
	return b.String()
}

// Message returns the message of rule in lang with params: the same text
// Evaluate puts in Violation.Message. Pages use it to show the server's
// violations in the meter's words.
func Message(lang, rule string, params []Param) string {
	return message(langIndex(lang), rule, params)
}

// feedbackTexts are every line feedback can give, in nb, nn and en; {n}
// stands for a number of characters.
var feedbackTexts = map[string][3]string{
	"ok": {
		"Passordet oppfyller kravene.",
		"Passordet oppfyller krava.",
		"The password meets the requirements.",
	},
	"new": {
		"Velg et helt nytt passord, gjerne en setning av fire–fem ord som bare du kjenner.",
		"Vel eit heilt nytt passord, gjerne ei setning av fire–fem ord som berre du kjenner.",
		"Choose an entirely new password, such as a sentence of four or five words only you know.",
	},
	"personal": {
		"Fjern navn og ord som andre kan knytte til deg eller institusjonen.",
		"Fjern namn og ord som andre kan knyte til deg eller institusjonen.",
		"Remove names and words that others can link to you or the institution.",
	},
	"more": {
		"Skriv omtrent {n} tegn til (nye tegn, ikke gjentakelser), så når du grensen.",
		"Skriv om lag {n} teikn til (nye teikn, ikkje gjentakingar), så når du grensa.",
		"Type about {n} more characters (new ones, not repeats) to reach the threshold.",
	},
	"more1": {
		"Skriv omtrent 1 tegn til (et nytt tegn, ikke en gjentakelse), så når du grensen.",
		"Skriv om lag 1 teikn til (eit nytt teikn, ikkje ei gjentaking), så når du grensa.",
		"Type about 1 more character (a new one, not a repeat) to reach the threshold.",
	},
	"mix": {
		"Bland inn store og små bokstaver, sifre og spesialtegn for bonuspoeng.",
		"Bland inn store og små bokstavar, siffer og spesialteikn for bonuspoeng.",
		"Mix in uppercase and lowercase letters, digits and special characters for bonus points.",
	},
}

// feedback returns one or two concrete next steps for the person.
func feedback(lang int, p Policy, res *Result, st scoreState) []string {
	out := []string{}
	if res.OK {
		return append(out, feedbackTexts["ok"][lang])
	}
	has := func(rule string) bool {
		for _, v := range res.Violations {
			if v.Rule == rule {
				return true
			}
		}
		return false
	}
	switch {
	case has(RuleBreached) || has(RuleCommon) || has(RuleReused):
		out = append(out, feedbackTexts["new"][lang])
	case has(RuleUsername) || has(RuleName) || has(RuleContext):
		out = append(out, feedbackTexts["personal"][lang])
	}
	if res.Score < p.Threshold || st.length < p.MinLength {
		if more := moreChars(p, st); more == 1 {
			out = append(out, feedbackTexts["more1"][lang])
		} else if more > 0 {
			out = append(out, strings.Replace(feedbackTexts["more"][lang], "{n}", strconv.Itoa(more), 1))
		}
		if st.bonus == 0 && len(p.Score.Bonus) > 0 && len(out) < 2 {
			out = append(out, feedbackTexts["mix"][lang])
		}
	}
	if len(out) > 2 {
		out = out[:2]
	}
	return out
}

// moreChars estimates how many more new, scoring characters would bring the
// password to both the threshold and the minimum length.
func moreChars(p Policy, st scoreState) int {
	need := p.Threshold - (st.sum + st.bonus)
	n := 0
	pos := st.length
	for need > 0 && n < p.MaxLength {
		pos++
		n++
		need -= tierPoints(p.Score.Tiers, pos)
		if tierPoints(p.Score.Tiers, pos) <= 0 && n > 200 {
			break
		}
	}
	if short := p.MinLength - st.length; short > n {
		n = short
	}
	return n
}

// tierPoints returns the points of position pos (1-based).
func tierPoints(tiers []Tier, pos int) float64 {
	pts := 0.0
	for _, t := range tiers {
		if pos >= t.From {
			pts = t.Points
		}
	}
	return pts
}
