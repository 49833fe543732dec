package site

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

// DesNumber is the problem of a number field left empty or not a number
// (the JSON would say null, which the engine reads as the default).
func (t Text) DesNumber() string {
	return t.pick("skriv et tall", "skriv eit tal", "type a number")
}
