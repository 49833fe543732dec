package policy

import (
	"math"
	"strconv"
	"strings"
)

// texts is a table of texts in nb, nn and en by key. It is a slice, not a
// map, so that it is static data: a map literal costs the WebAssembly
// module the code that builds it (3.5 KB of code for the words alone).
type texts []struct {
	key  string
	text [3]string
}

// get returns the texts of key, and whether the table has it.
func (t texts) get(key string) ([3]string, bool) {
	for _, e := range t {
		if e.key == key {
			return e.text, true
		}
	}
	return [3]string{}, false
}

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
var messages = texts{
	{RuleTooShort, [3]string{
		"Passordet må ha minst {min} tegn (det har {length}).",
		"Passordet må ha minst {min} teikn (det har {length}).",
		"The password must have at least {min} characters (it has {length}).",
	}},
	{RuleTooLong, [3]string{
		"Passordet kan ha høyst {max} tegn (det har {length}).",
		"Passordet kan ha høgst {max} teikn (det har {length}).",
		"The password can have at most {max} characters (it has {length}).",
	}},
	{RuleDisallowedCharacter, [3]string{
		"Passordet inneholder {count} tegn som ikke er tillatt.",
		"Passordet inneheld {count} teikn som ikkje er tillatne.",
		"The password contains {count} characters that are not allowed.",
	}},
	{RuleControlCharacter, [3]string{
		"Passordet kan ikke inneholde kontrolltegn (som tabulator eller linjeskift) eller erstatningstegnet �.",
		"Passordet kan ikkje innehalde kontrollteikn (som tabulator eller linjeskift) eller erstatningsteiknet �.",
		"The password cannot contain control characters (such as tab or line break) or the replacement character �.",
	}},
	{RuleMissingClass, [3]string{
		"Passordet må ha minst {min} {class} (det har {have}).",
		"Passordet må ha minst {min} {class} (det har {have}).",
		"The password must have at least {min} {class} (it has {have}).",
	}},
	{RuleUsername, [3]string{
		"Passordet kan ikke inneholde brukernavnet ditt.",
		"Passordet kan ikkje innehalde brukarnamnet ditt.",
		"The password cannot contain your username.",
	}},
	{RuleName, [3]string{
		"Passordet kan ikke inneholde navnet ditt.",
		"Passordet kan ikkje innehalde namnet ditt.",
		"The password cannot contain your name.",
	}},
	{RuleBirthDate, [3]string{
		"Passordet kan ikke inneholde fødselsdatoen din.",
		"Passordet kan ikkje innehalde fødselsdatoen din.",
		"The password cannot contain your date of birth.",
	}},
	{RulePhone, [3]string{
		"Passordet kan ikke inneholde telefonnummeret ditt.",
		"Passordet kan ikkje innehalde telefonnummeret ditt.",
		"The password cannot contain your phone number.",
	}},
	{RuleContext, [3]string{
		"Passordet kan ikke inneholde navnet på institusjonen eller ord knyttet til den.",
		"Passordet kan ikkje innehalde namnet på institusjonen eller ord knytte til han.",
		"The password cannot contain the institution's name or words tied to it.",
	}},
	{RuleCommon, [3]string{
		"Passordet er lett å gjette: det inneholder {kinds}.",
		"Passordet er lett å gjette: det inneheld {kinds}.",
		"The password is easy to guess: it contains {kinds}.",
	}},
	{RuleWeak, [3]string{
		"Passordet er for svakt: {score} av {threshold} poeng.",
		"Passordet er for svakt: {score} av {threshold} poeng.",
		"The password is too weak: {score} of {threshold} points.",
	}},
	{RuleBreached, [3]string{
		"Passordet er funnet {count} ganger i lekkede passordlister. Velg et annet.",
		"Passordet er funne {count} gonger i lekne passordlister. Vel eit anna.",
		"The password has been seen {count} times in breached password lists. Choose another.",
	}},
	{RuleReused, [3]string{
		"Du har brukt dette passordet før. Velg et du ikke har brukt de siste {history} gangene.",
		"Du har brukt dette passordet før. Vel eit du ikkje har brukt dei siste {history} gongene.",
		"You have used this password before. Choose one you have not used the last {history} times.",
	}},
}

// singular holds the message of a rule whose count is exactly 1, where the
// plural would be wrong ("1 characters"); countParam names that count.
var singular = texts{
	{RuleDisallowedCharacter, [3]string{
		"Passordet inneholder 1 tegn som ikke er tillatt.",
		"Passordet inneheld 1 teikn som ikkje er tillate.",
		"The password contains 1 character that is not allowed.",
	}},
	{RuleMissingClass, [3]string{
		"Passordet må ha minst 1 {class} (det har {have}).",
		"Passordet må ha minst 1 {class} (det har {have}).",
		"The password must have at least 1 {class} (it has {have}).",
	}},
	{RuleBreached, [3]string{
		"Passordet er funnet 1 gang i lekkede passordlister. Velg et annet.",
		"Passordet er funne 1 gong i lekne passordlister. Vel eit anna.",
		"The password has been seen once in breached password lists. Choose another.",
	}},
	{RuleReused, [3]string{
		"Du har brukt dette passordet før. Velg et annet enn det forrige.",
		"Du har brukt dette passordet før. Vel eit anna enn det førre.",
		"You have used this password before. Choose one other than the last.",
	}},
}

// countParam returns the name of rule's count parameter, or "" for a rule
// without a singular message.
func countParam(rule string) string {
	switch rule {
	case RuleDisallowedCharacter, RuleBreached:
		return "count"
	case RuleMissingClass:
		return "min"
	case RuleReused:
		return "history"
	}
	return ""
}

// singularWords are the class names after "1".
var singularWords = texts{
	{Upper, [3]string{"stor bokstav", "stor bokstav", "uppercase letter"}},
	{Lower, [3]string{"liten bokstav", "liten bokstav", "lowercase letter"}},
	{Digit, [3]string{"siffer", "siffer", "digit"}},
	{Special, [3]string{"spesialtegn", "spesialteikn", "special character"}},
}

// words translates the parameter values that are words.
var words = texts{
	{Upper, [3]string{"store bokstaver", "store bokstavar", "uppercase letters"}},
	{Lower, [3]string{"små bokstaver", "små bokstavar", "lowercase letters"}},
	{Digit, [3]string{"sifre", "siffer", "digits"}},
	{Special, [3]string{"spesialtegn", "spesialteikn", "special characters"}},
	// The kinds of a common violation: "kind" is one of them, "kinds"
	// several joined by "+" (see joinKinds). list is the kind of a
	// whole-password match on the list (commonMatch).
	{"list", [3]string{"et vanlig passord", "eit vanleg passord", "a common password"}},
	{"password", [3]string{"et vanlig passord", "eit vanleg passord", "a common password"}},
	{"word", [3]string{"et vanlig ord", "eit vanleg ord", "a common word"}},
	{"name", [3]string{"et vanlig navn", "eit vanleg namn", "a common name"}},
	{"place", [3]string{"et stedsnavn", "eit stadnamn", "a place name"}},
	{"club", [3]string{"et idrettslag", "eit idrettslag", "a sports club"}},
	{"calendar", [3]string{"en årstid, måned eller ukedag", "ei årstid, ein månad eller ein vekedag", "a season, month or weekday"}},
	{"context", [3]string{"et ord knyttet til institusjonen", "eit ord knytt til institusjonen", "a word tied to the institution"}},
	{"year", [3]string{"et årstall", "eit årstal", "a year"}},
	{"date", [3]string{"en dato", "ein dato", "a date"}},
	{"keyboard", [3]string{"et tastaturmønster", "eit tastaturmønster", "a keyboard pattern"}},
	{"sequence", [3]string{"en rekkefølge som abc, 123 eller en-to-tre", "ei rekkjefølgje som abc, 123 eller ein-to-tre", "a sequence such as abc, 123 or one-two-three"}},
	{"repeat", [3]string{"en gjentakelse", "ei gjentaking", "a repetition"}},
	{"wordlike", [3]string{"et ord eller navn", "eit ord eller namn", "a word or name"}},
	{"punctuation", [3]string{"vanlige skilletegn", "vanlege skiljeteikn", "common separators or punctuation"}},
	{"mirror", [3]string{"en gjentakelse baklengs", "ei gjentaking baklengs", "a repetition backwards"}},
	{"run", [3]string{"gjentatte tegn", "gjentekne teikn", "repeated characters"}},
	{"address", [3]string{"en nett- eller e-postadresse", "ei nett- eller e-postadresse", "a web or e-mail address"}},
	{"phone", [3]string{"et mobilnummer", "eit mobilnummer", "a mobile number"}},
	{"constant", [3]string{"et kjent tall som pi eller 911", "eit kjent tal som pi eller 911", "a well-known number such as pi or 911"}},
	{"identity", [3]string{"et fødselsnummer", "eit fødselsnummer", "a national identity number"}},
}

// plurals are the kinds' words when several were found (the "several"
// param): "vanlige ord", not "et vanlig ord", for a phrase of four words.
// Repeats, mirrors, runs and punctuation have none (see severalParam).
var plurals = texts{
	{"password", [3]string{"vanlige passord", "vanlege passord", "common passwords"}},
	{"word", [3]string{"vanlige ord", "vanlege ord", "common words"}},
	{"name", [3]string{"vanlige navn", "vanlege namn", "common names"}},
	{"place", [3]string{"stedsnavn", "stadnamn", "place names"}},
	{"club", [3]string{"idrettslag", "idrettslag", "sports clubs"}},
	{"calendar", [3]string{"årstider, måneder eller ukedager", "årstider, månader eller vekedagar", "seasons, months or weekdays"}},
	{"context", [3]string{"ord knyttet til institusjonen", "ord knytte til institusjonen", "words tied to the institution"}},
	{"year", [3]string{"årstall", "årstal", "years"}},
	{"date", [3]string{"datoer", "datoar", "dates"}},
	{"keyboard", [3]string{"tastaturmønstre", "tastaturmønster", "keyboard patterns"}},
	{"sequence", [3]string{"rekkefølger som abc, 123 eller en-to-tre", "rekkjefølgjer som abc, 123 eller ein-to-tre", "sequences such as abc, 123 or one-two-three"}},
	{"wordlike", [3]string{"ord eller navn", "ord eller namn", "words or names"}},
	{"address", [3]string{"nett- eller e-postadresser", "nett- eller e-postadresser", "web or e-mail addresses"}},
	{"phone", [3]string{"mobilnumre", "mobilnummer", "mobile numbers"}},
	{"constant", [3]string{"kjente tall som pi eller 911", "kjende tal som pi eller 911", "well-known numbers such as pi or 911"}},
	{"identity", [3]string{"fødselsnumre", "fødselsnummer", "national identity numbers"}},
}

// kindWords returns kind's words in lang: its plural when several (kind
// names joined by "+") holds it.
func kindWords(lang int, kind, several string) string {
	if hasKind(several, kind) {
		if w, ok := plurals.get(kind); ok {
			return w[lang]
		}
	}
	w, _ := words.get(kind)
	return w[lang]
}

// hasKind reports whether kinds (kind names joined by "+") holds kind.
func hasKind(kinds, kind string) bool {
	for kinds != "" {
		var k string
		k, kinds, _ = strings.Cut(kinds, "+")
		if k == kind {
			return true
		}
	}
	return false
}

// repeatedSuffix, backwards (after it for a mirror; alsoBackwards when
// there are both), and (the last separator) and kindsSep join several
// kinds.
var (
	repeatedSuffix = [3]string{", gjentatt", ", gjenteke", ", repeated"}
	backwards      = [3]string{" baklengs", " baklengs", " backwards"}
	alsoBackwards  = [3]string{", også", ", også", ", also"}
	andWord        = [3]string{" og ", " og ", " and "}
	// otherWordlike and otherWordlikes name a word or name of no list
	// after a kind of the lists (listedKinds): "a common word and another
	// word or name", not "a common word and a word or name".
	otherWordlike  = [3]string{"et annet ord eller navn", "eit anna ord eller namn", "another word or name"}
	otherWordlikes = [3]string{"andre ord eller navn", "andre ord eller namn", "other words or names"}
)

// listedKinds are the kinds of the estimator's lists, which a word or
// name of no list (wordlike) is another of.
const listedKinds = "password+list+word+name+place+club+calendar+context"

// joinKinds renders kinds joined by "+" ("calendar+year+repeat") as a list
// in words: "en årstid, måned eller ukedag og et årstall, gjentatt"; a
// mirror (kindOrder puts it before repeat) as "..., gjentatt baklengs";
// the kinds of several (see plurals) in the plural.
func joinKinds(lang int, kinds, several string) string {
	repeated, mirrored := false, false
	if k, ok := strings.CutSuffix(kinds, "+repeat"); ok {
		kinds, repeated = k, true
	}
	if k, ok := strings.CutSuffix(kinds, "+mirror"); ok {
		kinds, mirrored = k, true
	}
	var b strings.Builder
	listed := false
	for kinds != "" {
		k, rest, more := strings.Cut(kinds, "+")
		if b.Len() > 0 {
			if more {
				b.WriteString(", ")
			} else {
				b.WriteString(andWord[lang])
			}
		}
		switch {
		case k == "wordlike" && listed && hasKind(several, k):
			b.WriteString(otherWordlikes[lang])
		case k == "wordlike" && listed:
			b.WriteString(otherWordlike[lang])
		default:
			b.WriteString(kindWords(lang, k, several))
		}
		listed = listed || hasKind(listedKinds, k)
		kinds = rest
	}
	if repeated || mirrored {
		b.WriteString(repeatedSuffix[lang])
	}
	if mirrored {
		if repeated {
			b.WriteString(alsoBackwards[lang])
		}
		b.WriteString(backwards[lang])
	}
	return b.String()
}

// FormatNumber writes a score the way messages show it: at most two
// decimals, no trailing zeros, a decimal comma in nb and nn.
func FormatNumber(v float64, lang string) string {
	s := strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
	if langIndex(lang) != 2 {
		s = replaceOnce(s, ".", ",")
	}
	return s
}

// replaceOnce is strings.Replace(s, old, new, 1) for a non-empty old
// (strings.Replace was 2.4 KB of the WebAssembly module's code; see
// withoutSpaces).
func replaceOnce(s, old, new string) string {
	if i := strings.Index(s, old); i >= 0 {
		return s[:i] + new + s[i+len(old):]
	}
	return s
}

var langCodes = [3]string{"nb", "nn", "en"}

// message renders rule's message in language lang with params.
func message(lang int, rule string, params []Param) string {
	m, _ := messages.get(rule)
	tmpl := m[lang]
	one := false
	if name := countParam(rule); name != "" {
		for _, p := range params {
			if p.Name == name && !p.Value.IsStr && p.Value.Num == 1 {
				one1, _ := singular.get(rule)
				tmpl, one = one1[lang], true
			}
		}
	}
	several := ""
	for _, p := range params {
		if p.Name == "several" && p.Value.IsStr {
			several = p.Value.Str
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
				if w, ok := singularWords.get(p.Value.Str); ok && one {
					b.WriteString(w[lang])
				} else if strings.Contains(p.Value.Str, "+") {
					b.WriteString(joinKinds(lang, p.Value.Str, several))
				} else if _, ok := words.get(p.Value.Str); ok {
					b.WriteString(kindWords(lang, p.Value.Str, several))
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
var feedbackTexts = texts{
	{"ok", [3]string{
		"Passordet oppfyller kravene.",
		"Passordet oppfyller krava.",
		"The password meets the requirements.",
	}},
	{"new", [3]string{
		"Velg et helt nytt passord, gjerne en setning av fire–fem ord som bare du kjenner.",
		"Vel eit heilt nytt passord, gjerne ei setning av fire–fem ord som berre du kjenner.",
		"Choose an entirely new password, such as a sentence of four or five words only you know.",
	}},
	{"guessable", [3]string{
		"Slike mønstre prøves først. Bytt ut de merkede tegnene med ord som ikke hører sammen, gjerne fire–fem av dem.",
		"Slike mønster blir prøvde først. Byt ut dei merkte teikna med ord som ikkje høyrer saman, gjerne fire–fem av dei.",
		"Such patterns are tried first. Replace the marked characters with words that do not belong together, four or five of them.",
	}},
	{"phrase", [3]string{
		"Vanlige ord prøves først, også flere etter hverandre. Velg sjeldnere ord, og gjerne flere av dem.",
		"Vanlege ord blir prøvde først, også fleire etter kvarandre. Vel sjeldnare ord, og gjerne fleire av dei.",
		"Common words are tried first, several in a row too. Choose rarer words, and more of them.",
	}},
	{"yours", [3]string{
		"Fjern datoer og numre som andre kan knytte til deg.",
		"Fjern datoar og nummer som andre kan knyte til deg.",
		"Remove dates and numbers that others can link to you.",
	}},
	{"personal", [3]string{
		"Fjern navn og ord som andre kan knytte til deg eller institusjonen.",
		"Fjern namn og ord som andre kan knyte til deg eller institusjonen.",
		"Remove names and words that others can link to you or the institution.",
	}},
	{"more", [3]string{
		"Skriv omtrent {n} tegn til (nye tegn, ikke gjentakelser), så når du grensen.",
		"Skriv om lag {n} teikn til (nye teikn, ikkje gjentakingar), så når du grensa.",
		"Type about {n} more characters (new ones, not repeats) to reach the threshold.",
	}},
	{"more1", [3]string{
		"Skriv omtrent 1 tegn til (et nytt tegn, ikke en gjentakelse), så når du grensen.",
		"Skriv om lag 1 teikn til (eit nytt teikn, ikkje ei gjentaking), så når du grensa.",
		"Type about 1 more character (a new one, not a repeat) to reach the threshold.",
	}},
	{"mix", [3]string{
		"Bland inn store og små bokstaver, sifre og spesialtegn for bonuspoeng.",
		"Bland inn store og små bokstavar, siffer og spesialteikn for bonuspoeng.",
		"Mix in uppercase and lowercase letters, digits and special characters for bonus points.",
	}},
}

// feedback returns one or two concrete next steps for the person.
func feedback(lang int, p Policy, res *Result, st scoreState) []string {
	out := []string{}
	if res.OK {
		return append(out, feedbackText("ok", lang))
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
	case has(RuleBreached) || has(RuleReused) || commonKind(res) == CommonList:
		out = append(out, feedbackText("new", lang))
	case has(RuleCommon) && severalWords(res):
		out = append(out, feedbackText("phrase", lang))
	case has(RuleCommon):
		out = append(out, feedbackText("guessable", lang))
	case has(RuleUsername) || has(RuleName) || has(RuleContext):
		out = append(out, feedbackText("personal", lang))
	case has(RuleBirthDate) || has(RulePhone):
		out = append(out, feedbackText("yours", lang))
	}
	if res.Score < p.Threshold || st.length < p.MinLength {
		if more := moreChars(p, st); more == 1 {
			out = append(out, feedbackText("more1", lang))
		} else if more > 0 {
			out = append(out, replaceOnce(feedbackText("more", lang), "{n}", strconv.Itoa(more)))
		}
		if st.bonus == 0 && len(p.Score.Bonus) > 0 && len(out) < 2 {
			out = append(out, feedbackText("mix", lang))
		}
	}
	if len(out) > 2 {
		out = out[:2]
	}
	return out
}

// severalWords reports whether res's common violation found two or more
// common words (its several param holds "word"): a phrase of them, for
// which "words that do not belong together" is no advice.
func severalWords(res *Result) bool {
	for _, v := range res.Violations {
		if v.Rule == RuleCommon {
			s, _ := v.Get("several")
			return hasKind(s.Str, "word")
		}
	}
	return false
}

// commonKind returns the kind parameter of res's common violation, or "".
func commonKind(res *Result) string {
	for _, v := range res.Violations {
		if v.Rule == RuleCommon {
			k, _ := v.Get("kind")
			return k.Str
		}
	}
	return ""
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

// feedbackText returns the feedback line key in language lang.
func feedbackText(key string, lang int) string {
	t, _ := feedbackTexts.get(key)
	return t[lang]
}
