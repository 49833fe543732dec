package site

import "encoding/json"

// The policy designer's words for its batch results: the list of passwords
// whose verdict changed (shown in the page only), its sort control, and the
// histogram's visible labels and text alternative.

// DesStartHeading heads the section where a designer picks the policy to
// start from (its select is labelled DesStart).
func (t Text) DesStartHeading() string {
	return t.pick("Utgangspunkt", "Utgangspunkt", "Starting point")
}

// DesOverview heads the batch's table of pass rates and changed verdicts.
func (t Text) DesOverview() string {
	return t.pick("Oversikt", "Oversikt", "Overview")
}

// DesChangedHeading heads the list of passwords whose verdict changed.
func (t Text) DesChangedHeading() string {
	return t.pick("Passord som fikk et annet utfall", "Passord som fekk eit anna utfall", "Passwords whose verdict changed")
}

// DesChangedNone says that no verdict changed.
func (t Text) DesChangedNone() string {
	return t.pick("Ingen passord fikk et annet utfall.", "Ingen passord fekk eit anna utfall.", "No password's verdict changed.")
}

// DesChangedShown says how many of the changed verdicts are listed;
// {shown} and {n} are replaced by the page's script.
func (t Text) DesChangedShown() string {
	return t.pick("De første {shown} av {n} vises.", "Dei første {shown} av {n} blir viste.", "The first {shown} of {n} are shown.")
}

// DesChangedLocal says where the listed passwords go: nowhere.
func (t Text) DesChangedLocal() string {
	return t.pick("Passordene er dine egne data: de vises bare her på siden, og de sendes ikke og logges ikke.",
		"Passorda er dine eigne data: dei blir berre viste her på sida, og dei blir ikkje sende eller logga.",
		"The passwords are your own data: they are shown only here in the page, never sent or logged.")
}

// DesColLine heads the column of line numbers in the pasted list.
func (t Text) DesColLine() string { return t.pick("Linje", "Line", "Line") }

// DesColPassword heads the column of passwords.
func (t Text) DesColPassword() string { return t.pick("Passord", "Passord", "Password") }

// DesColVerdict heads the column of verdicts, current then edited.
func (t Text) DesColVerdict() string {
	return t.pick("Utfall (nåværende → endret)", "Utfall (noverande → endra)", "Verdict (current → edited)")
}

// DesColRule heads the column of the rules whose outcome changed.
func (t Text) DesColRule() string {
	return t.pick("Regel som endret utfallet", "Regel som endra utfallet", "Rule that changed it")
}

// DesSortCaption says how the list of changed verdicts is sorted.
func (t Text) DesSortCaption() string {
	return t.pick("Knappene i kolonneoverskriftene sorterer listen etter linje eller etter regel.",
		"Knappane i kolonneoverskriftene sorterer lista etter line eller etter regel.",
		"The buttons in the column headings sort the list by line or by rule.")
}

// DesSortedByLine is announced when the list is sorted by line.
func (t Text) DesSortedByLine() string {
	return t.pick("Sortert etter linje.", "Sortert etter line.", "Sorted by line.")
}

// DesSortedByRule is announced when the list is sorted (grouped) by rule.
func (t Text) DesSortedByRule() string {
	return t.pick("Sortert etter regel.", "Sortert etter regel.", "Sorted by rule.")
}

// DesSortedDescending is added to a sort announcement in reverse order.
func (t Text) DesSortedDescending() string {
	return t.pick("Synkende.", "Søkkande.", "Descending.")
}

// DesAxisPoints labels the histogram's horizontal axis.
func (t Text) DesAxisPoints() string { return t.pick("Poeng", "Poeng", "Points") }

// DesAxisCount labels the histogram's vertical axis.
func (t Text) DesAxisCount() string {
	return t.pick("Antall passord", "Tal på passord", "Number of passwords")
}

// DesThrCurrent labels the current policy's threshold line; {n} is the
// threshold.
func (t Text) DesThrCurrent() string {
	return t.pick("Nåværende grense: {n}", "Noverande grense: {n}", "Current threshold: {n}")
}

// DesThrEdited labels the edited policy's threshold line.
func (t Text) DesThrEdited() string {
	return t.pick("Endret grense: {n}", "Endra grense: {n}", "Edited threshold: {n}")
}

// DesThrBoth labels the one line of two equal thresholds.
func (t Text) DesThrBoth() string {
	return t.pick("Grense: {n} (begge)", "Grense: {n} (begge)", "Threshold: {n} (both)")
}

// DesHistAxes ends the histogram's text alternative: what its axes are.
func (t Text) DesHistAxes() string {
	return t.pick("Vannrett akse: poeng; loddrett akse: antall passord.",
		"Vassrett akse: poeng; loddrett akse: tal på passord.",
		"Horizontal axis: points; vertical axis: number of passwords.")
}

// DesTopSorted says what order the table of rules failed most is in.
func (t Text) DesTopSorted() string {
	return t.pick("Sortert etter hvor mange passord som bryter regelen, flest først (med de endrede reglene når de er gyldige).",
		"Sortert etter kor mange passord som bryt regelen, flest først (med dei endra reglane når dei er gyldige).",
		"Sorted by how many passwords fail the rule, most first (under the edited policy when it is valid).")
}

// DesTryBreach says what the trial field's meter sends and what the trial
// does not check: it asks the breached-password service by a 5-character
// hash prefix when the field is left; earlier passwords are not checked.
func (t Text) DesTryBreach() string {
	return t.pick("Måleren under spør tjenesten for lekkede passord når du forlater feltet, med bare de første 5 tegnene av passordets SHA-1-hash (passordet og hele hashen sendes aldri). Tidligere passord sjekkes ikke her, og de to vurderingene over regner ikke med lekkasjer.",
		"Målaren under spør tenesta for lekne passord når du forlèt feltet, med berre dei første 5 teikna av SHA-1-hashen til passordet (passordet og heile hashen blir aldri sende). Tidlegare passord blir ikkje sjekka her, og dei to vurderingane over reknar ikkje med lekkasjar.",
		"The meter below asks the breached-password service when you leave the field, sending only the first 5 characters of the password's SHA-1 hash (never the password or its full hash). Earlier passwords are not checked here, and the two verdicts above leave breaches out.")
}

// DesJSONRefused heads the reason a pasted policy was not applied (the
// JSON's or the engine's words follow).
func (t Text) DesJSONRefused() string {
	return t.pick("Regelsettet ble ikke brukt, og skjemaet er som før:", "Regelsettet vart ikkje brukt, og skjemaet er som før:", "The policy was not applied, and the form is as it was:")
}

// DesNotJSON is the reason pasted text or a shared link's policy is not
// JSON at all (JSON.parse's own message quoted the text, which may be a
// password pasted by mistake).
func (t Text) DesNotJSON() string {
	return t.pick("teksten er ikke JSON.", "teksten er ikkje JSON.", "the text is not JSON.")
}

// DesShareRefused heads the reason a shared link's policy was not opened
// (cut off when it was copied, or refused by the engine); the form shows
// the default policy instead.
func (t Text) DesShareRefused() string {
	return t.pick("Regelsettet i lenken ble ikke åpnet, og skjemaet viser standardreglene:",
		"Regelsettet i lenkja vart ikkje opna, og skjemaet viser standardreglane:",
		"The link's policy was not opened, and the form shows the default policy:")
}

// DesWhole is the problem of a decimal number in a field of whole
// numbers (the engine's own words were English: "want an integer, got a
// number that is not a whole number within ±2^53").
func (t Text) DesWhole() string {
	return t.pick("skriv et helt tall", "skriv eit heilt tal", "type a whole number")
}

// DesZero is the problem of 0 in a number field whose 0 the policy reads
// as the default (minLength, maxLength, threshold, minGuessesLog10,
// breachThreshold): the form said "valid" and exported 0 while the engine
// used the default.
func (t Text) DesZero() string {
	return t.pick("0 betyr standardverdien her; skriv tallet du vil ha",
		"0 tyder standardverdien her; skriv talet du vil ha",
		"0 here means the default; type the number you want")
}

// DesNumber is the problem of a number field left empty or not a number
// (the JSON would say null, which the engine reads as the default).
func (t Text) DesNumber() string {
	return t.pick("skriv et tall", "skriv eit tal", "type a number")
}

// problemWords are the policy engine's problem messages (policy.Problems,
// in English, as the module and `styrke policy validate` give them) as
// patterns, each with its Bokmål and Nynorsk wording; {1}, {2} and {3}
// stand for the pattern's groups (the values and limits). The designer's
// script says a problem in the page's language by the first pattern that
// matches; TestProblemWordsCoverEveryProblem holds them to every message
// the engine has. In the page, not the module: the meter's bytes on the
// wire are at their budget.
var problemWords = [][3]string{
	{`^is empty; want 1 to (\d+) characters of a-z, 0-9, - and _$`,
		"er tom; skal være 1 til {1} tegn av a–z, 0–9, - og _", "er tom; skal vere 1 til {1} teikn av a–z, 0–9, - og _"},
	{`^has a space at character (\d+); want only a-z, 0-9, - and _$`,
		"har et mellomrom som tegn nr. {1}; skal bare ha a–z, 0–9, - og _", "har eit mellomrom som teikn nr. {1}; skal berre ha a–z, 0–9, - og _"},
	{`^has (\S+) at character (\d+); want only a-z, 0-9, - and _$`,
		"har {1} som tegn nr. {2}; skal bare ha a–z, 0–9, - og _", "har {1} som teikn nr. {2}; skal berre ha a–z, 0–9, - og _"},
	{`^is (\d+) characters or not valid UTF-8; want at most (\d+)$`,
		"er {1} tegn eller ikke gyldig UTF-8; skal være høyst {2}", "er {1} teikn eller ikkje gyldig UTF-8; skal vere høgst {2}"},
	{`^has (\d+) words; want at most (\d+)$`,
		"har {1} ord; skal ha høyst {2}", "har {1} ord; skal ha høgst {2}"},
	{`^is (\d+) characters; want (\d+) to (\d+)$`,
		"er {1} tegn; skal være {2} til {3}", "er {1} teikn; skal vere {2} til {3}"},
	{`^is (\d+) characters, invisible ones not counted; want (\d+) to (\d+)$`,
		"er {1} tegn, usynlige tegn ikke medregnet; skal være {2} til {3}", "er {1} teikn, usynlege teikn ikkje medrekna; skal vere {2} til {3}"},
	{`^is (\S+), below minLength (\S+)$`,
		"er {1}, under minste lengde ({2})", "er {1}, under minste lengd ({2})"},
	{`^is (\S+); want more than 0 and at most (\S+)$`,
		"er {1}; skal være over 0 og høyst {2}", "er {1}; skal vere over 0 og høgst {2}"},
	{`^is (\S+); want at least (\S+) \(the default; an institution may only raise it\) and at most (\S+)$`,
		"er {1}; skal være minst {2} (standardverdien; en institusjon kan bare heve den) og høyst {3}",
		"er {1}; skal vere minst {2} (standardverdien; ein institusjon kan berre auke han) og høgst {3}"},
	{`^is (\S+); want 1 or more$`,
		"er {1}; skal være 1 eller mer", "er {1}; skal vere 1 eller meir"},
	{`^is not one of "prefer" or "require"$`,
		`er verken "prefer" eller "require"`, `er verken "prefer" eller "require"`},
	{`^is not a duration such as "72h"$`,
		`er ikke en varighet som "72h"`, `er ikkje ei tidslengd som "72h"`},
	{`^is (\S+); want 10m to 720h$`,
		"er {1}; skal være 10m til 720h", "er {1}; skal vere 10m til 720h"},
	{`^allows nothing; list classes or extra characters$`,
		"tillater ingen tegn; velg tegnklasser eller ekstra tegn", "tillèt ingen teikn; vel teiknklassar eller ekstra teikn"},
	{`^is not one of upper, lower, digit, special$`,
		"er ingen av upper, lower, digit, special", "er ingen av upper, lower, digit, special"},
	{`^is not valid UTF-8 of at most 256 characters$`,
		"er ikke gyldig UTF-8 på høyst 256 tegn", "er ikkje gyldig UTF-8 på høgst 256 teikn"},
	{`^has a key that is not one of upper, lower, digit, special$`,
		"har en nøkkel som ikke er upper, lower, digit eller special", "har ein nøkkel som ikkje er upper, lower, digit eller special"},
	{`^asks for a character allowedCharacters does not allow; no password could pass$`,
		"krever et tegn som tillatte tegn ikke gir rom for; ingen passord kan godtas", "krev eit teikn som tillatne teikn ikkje gjev rom for; ingen passord kan godtakast"},
	{`^asks for (\S+) characters in all, more than maxLength (\S+)$`,
		"krever {1} tegn i alt, mer enn største lengde ({2})", "krev {1} teikn i alt, meir enn største lengd ({2})"},
	{`^has (\S+) tiers; want 1 to (\S+)$`,
		"har {1} trinn; skal ha 1 til {2}", "har {1} steg; skal ha 1 til {2}"},
	{`^is (\S+); the first tier must start at 1$`,
		"er {1}; første trinn må begynne på 1", "er {1}; første steget må byrje på 1"},
	{`^is (\S+); want more than the tier before \((\S+)\)$`,
		"er {1}; skal være mer enn trinnet før ({2})", "er {1}; skal vere meir enn steget før ({2})"},
	{`^is out of range; want 0 to (\S+)$`,
		"er utenfor det tillatte; skal være 0 til {1}", "er utanfor det tillatne; skal vere 0 til {1}"},
	{`^is (\S+); want 0 \(no limit\) to (\S+)$`,
		"er {1}; skal være 0 (ingen grense) til {2}", "er {1}; skal vere 0 (inga grense) til {2}"},
	{`^is not one of "unicode" or "ascii"$`,
		`er verken "unicode" eller "ascii"`, `er verken "unicode" eller "ascii"`},
	{`^has (\S+) rules; want at most (\S+)$`,
		"har {1} regler; skal ha høyst {2}", "har {1} reglar; skal ha høgst {2}"},
	{`^is (\S+); want at most (\S+)$`,
		"er {1}; skal være høyst {2}", "er {1}; skal vere høgst {2}"},
	{`^is (\S+); want (\S+) to (\S+) \(Active Directory's limit\)$`,
		"er {1}; skal være {2} til {3} (grensen i Active Directory)", "er {1}; skal vere {2} til {3} (grensa i Active Directory)"},
	{`^is (\S+); want (\S+) to (\S+)$`,
		"er {1}; skal være {2} til {3}", "er {1}; skal vere {2} til {3}"},
}

// DesProblemWords is problemWords for the page's language as JSON, a list
// of [pattern, wording] pairs; in English, none (the engine's own words).
func (t Text) DesProblemWords() string {
	if t.lang == "en" {
		return "[]"
	}
	pairs := make([][2]string, len(problemWords))
	for i, w := range problemWords {
		pairs[i] = [2]string{w[0], t.pick(w[1], w[2], w[0])}
	}
	b, err := json.Marshal(pairs)
	if err != nil {
		panic(err) // strings only
	}
	return string(b)
}
