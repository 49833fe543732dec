package site

import (
	"strconv"

	"github.com/styrke-iam/styrke/policy"
)

// Text is every word of the site's chrome and pages in one language.
// Sentences that state a policy value are methods taking the PolicyView, so
// the value always comes from the policy.
type Text struct {
	lang string

	LangName, LangLabel, SkipLink, NavLabel, Tagline    string
	NavHome, NavActivate, NavEmbed, NavDesigner         string
	FooterVersion, FooterSource                         string
	NoScript                                            string
	HomeTitle, HomeLead, HomeWhat, HomeHow, HomeDefault string
	HomeActivate, HomeEmbed, HomeDesigner               string

	ActTitle, ActLoading, ActMissingTitle, ActMissing string
	ActUnknownTitle, ActUnknown                       string
	ActExpiredTitle, ActExpired                       string
	ActReplacedTitle, ActReplaced                     string
	ActRevokedTitle, ActRevoked                       string
	ActUsedTitle, ActUsed                             string
	ActErrorTitle, ActError, ActRetry                 string
	ActMismatchTitle, ActMismatch                     string
	ActDoneTitle                                      string
	ActLead, ActAccount, ActUsername, ActName         string
	ActInstitution                                    string
	ActNew, ActConfirm, ActShow, ActHide, ActSubmit   string
	ActRulesTitle, ActPaste, ActRulesMore             string
	ActNoMatch, ActRejected, ActBusy, ActTooMany      string
	ActBreachDown                                     string
	ActOverloaded                                     string
	ActEmpty                                          string
	// ActDirectoryError: it cannot be used until the service desk acts;
	// ActInProgress: another submit of the same link is running;
	// ActDisabled: the institution disabled the account (nothing set).
	ActDirectoryError, ActInProgress, ActDisabled string
	ActNoMeter                                    string

	EmbedTitle, EmbedLead, EmbedSnippetTitle, EmbedSnippet string
	EmbedPreload                                           string
	EmbedAttrTitle, EmbedAttrName, EmbedAttrWhat           string
	EmbedAttrs                                             [][2]string
	EmbedEventTitle, EmbedEvent                            string
	EmbedEventFields                                       [][2]string
	EmbedCSPTitle, EmbedCSP, EmbedCSPMerge, EmbedCORS      string
	EmbedScheme                                            string
	EmbedDemoTitle, EmbedDemoLabel, EmbedDemoHint          string
	EmbedPinTitle, EmbedPin, EmbedPinIntegrity             string
	EmbedServerTitle, EmbedServer                          string

	DesTitle, DesLead, DesStart, DesStartPaste, DesLoad, DesPasteLabel, DesApplyJSON string
	DesFields, DesProblems, DesNoProblems                                            string
	DesTry, DesTryLabel, DesCurrent, DesEdited, DesPasses, DesFails                  string
	DesBatch, DesBatchLabel, DesBatchFile, DesBatchRun, DesBatchCancel               string
	DesBatchLimit, DesPassRate, DesChanged, DesHistogram, DesTopRules                string
	DesExport, DesDownload, DesCopy, DesShare, DesCopied, DesNothingUploaded         string
	DesTierFrom, DesTierPoints, DesTierFloor, DesAddTier, DesRemove                  string
	DesPasted, DesHistLabel                                                          string
	DesBonusPoints, DesBonusCategories, DesBonusMinEach, DesAddBonus                 string
	DesLoading, DesUnavailable                                                       string
}

// Texts returns the words of lang ("nb" for any unknown language).
func Texts(lang string) Text {
	t := texts[langIndex(lang)]
	t.lang = Languages[langIndex(lang)]
	return t
}

// Num writes a policy number as the language writes it (decimal comma in nb
// and nn).
func (t Text) Num(v float64) string { return policy.FormatNumber(v, t.lang) }

// Int writes an integer.
func (t Text) Int(v int) string { return strconv.Itoa(v) }

func (t Text) pick(nb, nn, en string) string {
	switch t.lang {
	case "nn":
		return nn
	case "en":
		return en
	}
	return nb
}

// RuleLength states the policy's length limits.
func (t Text) RuleLength(p PolicyView) string {
	lo, hi := t.Int(p.MinLength), t.Int(p.MaxLength)
	if p.AllowedClasses != nil || p.AllowedExtra != "" {
		// A whitelist: the characters are stated by RuleAllowed.
		return t.pick("Minst "+lo+" og høyst "+hi+" tegn. Alle tegn teller.",
			"Minst "+lo+" og høgst "+hi+" teikn. Alle teikn tel.",
			"At least "+lo+" and at most "+hi+" characters. Every character counts.")
	}
	return t.pick("Minst "+lo+" og høyst "+hi+" tegn. Mellomrom og alle tegn teller.",
		"Minst "+lo+" og høgst "+hi+" teikn. Mellomrom og alle teikn tel.",
		"At least "+lo+" and at most "+hi+" characters. Spaces and every character count.")
}

// RuleScore states the policy's threshold.
func (t Text) RuleScore(p PolicyView) string {
	s := t.Num(p.Threshold)
	return t.pick("Minst "+s+" poeng på styrkemåleren: nye, ulike tegn gir poeng, gjentakelser gir ikke.",
		"Minst "+s+" poeng på styrkemålaren: nye, ulike teikn gir poeng, gjentakingar gir ikkje.",
		"At least "+s+" points on the strength meter: new, different characters earn points, repeats do not.")
}

// RuleContext states the context rules.
func (t Text) RuleContext(p PolicyView) string {
	return t.pick("Ikke brukernavnet ditt, navnet ditt, fødselsdatoen eller telefonnummeret ditt eller ord knyttet til "+p.Name+".",
		"Ikkje brukarnamnet ditt, namnet ditt, fødselsdatoen eller telefonnummeret ditt eller ord knytte til "+p.Name+".",
		"Not your username, your name, your date of birth or phone number, or words tied to "+p.Name+".")
}

// RuleBreach states the breach rule, and what happens when the breach
// service cannot be reached (the policy's breachCheck).
func (t Text) RuleBreach(p PolicyView) string {
	if p.BreachCheck == policy.BreachRequire {
		return t.pick("Ikke et vanlig passord, og ikke et som finnes i lekkede passordlister. Svarer ikke tjenesten for lekkede passord, må du prøve igjen senere.",
			"Ikkje eit vanleg passord, og ikkje eitt som finst i lekne passordlister. Svarar ikkje tenesta for lekne passord, må du prøve igjen seinare.",
			"Not a common password, and not one found in breached password lists. If the breached-password service does not answer, you are asked to try again later.")
	}
	return t.pick("Ikke et vanlig passord, og ikke et som finnes i lekkede passordlister. Svarer ikke tjenesten for lekkede passord, godtas passordet uten den sjekken, og siden sier fra.",
		"Ikkje eit vanleg passord, og ikkje eitt som finst i lekne passordlister. Svarar ikkje tenesta for lekne passord, blir passordet godteke utan den sjekken, og sida seier frå.",
		"Not a common password, and not one found in breached password lists. If the breached-password service does not answer, the password is accepted without that check, and the page tells you.")
}

// RuleHistory states the history rule; "" when the policy keeps none.
func (t Text) RuleHistory(p PolicyView) string {
	if p.HistorySize == 0 {
		return ""
	}
	n := t.Int(p.HistorySize)
	return t.pick("Ikke ett av de siste "+n+" passordene du har brukt.",
		"Ikkje eitt av dei siste "+n+" passorda du har brukt.",
		"Not one of the last "+n+" passwords you have used.")
}

// PolicyLabel names a policy with its version.
func (t Text) PolicyLabel(p PolicyView) string {
	return t.pick("Passordregler for "+p.Name+" (versjon "+p.Version+")",
		"Passordreglar for "+p.Name+" (versjon "+p.Version+")",
		"Password rules for "+p.Name+" (version "+p.Version+")")
}

var texts = [3]Text{
	{ // nb
		LangName: "Bokmål", LangLabel: "Språk", SkipLink: "Hopp til innholdet", NavLabel: "Hovedmeny",
		Tagline: "Passordmåler og passordregler for Felles IAM",
		NavHome: "Styrke", NavActivate: "Aktiver konto", NavEmbed: "Bygg inn måleren", NavDesigner: "Regeldesigner",
		FooterVersion: "Standardreglene for Felles IAM, versjon", FooterSource: "Reglene følger Sikts passordpolicy for Felles IAM.",
		NoScript:     "Denne siden trenger JavaScript. Slå det på, eller kontakt IT-brukerstøtten ved institusjonen din.",
		HomeTitle:    "Styrke: sterke passord uten tvangsregler",
		HomeLead:     "Styrke hjelper deg å velge et passord som er langt, uvanlig og bare ditt, og viser mens du skriver hvor mange poeng hvert tegn gir.",
		HomeWhat:     "Styrke er Sikts passordpolicy for Felles IAM i én kodebase: den samme regelkoden kjører i nettleseren som WebAssembly og på serveren, som alltid sjekker passordet på nytt.",
		HomeHow:      "Ingen krav om bestemte tegntyper, ingen passordhint, innliming er lov. Passord som finnes i lekkede lister, avvises når tjenesten for lekkede passord svarer; svarer den ikke, bestemmer institusjonen om passordet venter eller godtas uten den sjekken, og siden sier hva som skjedde. Bare de fem første tegnene av passordets SHA-1-sum forlater nettleseren, og bare til denne tjenesten, som spør Have I Been Pwned for deg: adressen din når den ikke.",
		HomeDefault:  "Standardreglene:",
		HomeActivate: "Har du fått en aktiveringslenke? Åpne lenken direkte, så kommer du til aktiveringssiden.",
		HomeEmbed:    "For IT ved institusjonene: bygg inn måleren på egne sider.",
		HomeDesigner: "For regeleiere: prøv en endring i passordreglene før den tas i bruk.",

		ActTitle: "Aktiver kontoen din", ActLoading: "Sjekker lenken …",
		ActMissingTitle: "Lenken mangler", ActMissing: "Denne siden åpnes fra lenken du fikk på SMS eller e-post. Åpne hele lenken på nytt; hvis det ikke virker, kontakt IT-brukerstøtten ved institusjonen din.",
		ActUnknownTitle: "Ukjent lenke", ActUnknown: "Vi kjenner ikke igjen denne lenken. Sjekk at du har med hele lenken, eller be IT-brukerstøtten ved institusjonen din om en ny.",
		ActExpiredTitle: "Lenken er utløpt", ActExpired: "Aktiveringslenker virker bare en kort stund. Be IT-brukerstøtten ved institusjonen din om en ny lenke.",
		ActReplacedTitle: "Lenken er byttet ut", ActReplaced: "Denne lenken er byttet ut med en nyere. Bruk lenken i den nyeste meldingen du har fått på SMS eller e-post. Finner du den ikke, kontakt IT-brukerstøtten ved institusjonen din.",
		ActRevokedTitle: "Lenken er trukket tilbake", ActRevoked: "Denne lenken virker ikke lenger, fordi den er trukket tilbake. Kontakt IT-brukerstøtten ved institusjonen din.",
		ActUsedTitle: "Lenken er brukt", ActUsed: "Denne lenken er allerede brukt til å sette et passord. Var det ikke deg, eller trenger du et nytt, be IT-brukerstøtten ved institusjonen din om en ny lenke.",
		ActErrorTitle: "Noe gikk galt", ActError: "Vi fikk ikke kontakt med tjenesten. Sjekk nettforbindelsen og prøv igjen.", ActRetry: "Prøv igjen",
		ActMismatchTitle: "Siden er utdatert", ActMismatch: "Denne siden ble laget for en annen versjon av passordreglene enn tjenesten bruker. Last inn siden på nytt; hjelper ikke det, kontakt IT-brukerstøtten.",
		ActDoneTitle: "Passordet er satt",
		ActLead:      "Velg et passord for kontoen din. Lim gjerne inn et fra en passordbehandler.",
		ActAccount:   "Kontoen", ActUsername: "Brukernavn", ActName: "Navn", ActInstitution: "Institusjon",
		ActNew: "Nytt passord", ActConfirm: "Gjenta passordet", ActShow: "Vis passord", ActHide: "Skjul passord", ActSubmit: "Sett passord",
		ActRulesTitle: "Passordet må oppfylle dette", ActPaste: "Innliming er lov.", ActRulesMore: "Alle reglene står under skjemaet.",
		ActNoMatch: "Passordene er ikke like.", ActRejected: "Passordet ble ikke godtatt:", ActBusy: "Lagrer …",
		ActTooMany:        "Tjenesten har fått for mange forespørsler på kort tid, fra deg eller andre på samme nett. Vent {wait} og prøv igjen.",
		ActEmpty:          "Skriv inn et nytt passord.",
		ActOverloaded:     "Tjenesten har mye å gjøre akkurat nå. Ingenting er endret. Prøv igjen om et øyeblikk.",
		ActBreachDown:     "Vi fikk ikke sjekket passordet mot lekkede passordlister akkurat nå, og institusjonen din krever den sjekken. Prøv igjen om litt.",
		ActDirectoryError: "Vi fikk ikke satt passordet på grunn av en feil i oppsettet hos institusjonen din. Lenken virker fortsatt; kontakt brukerstøtte.",
		ActDisabled:       "Kontoen er deaktivert, så vi satte ikke noe passord. Kontakt brukerstøtte.",
		ActInProgress:     "Passordet blir satt i en annen fane eller et annet vindu akkurat nå. Vent litt og prøv igjen.",
		ActNoMeter:        "Styrkemåleren kunne ikke starte her. Du kan likevel sette passordet; tjenesten sjekker det.",

		EmbedTitle: "Bygg inn styrkemåleren", EmbedLead: "To linjer HTML gir en passordside den samme måleren og de samme reglene som Felles IAM bruker. Måleren kobler seg til et eksisterende passordfelt og erstatter det aldri, så passordbehandlere og innliming virker som før.",
		EmbedSnippetTitle: "De to linjene", EmbedSnippet: "Legg skriptet i siden og elementet etter passordfeltet. Adressen endres aldri og gir alltid gjeldende versjon, så siden følger med når Styrke eller reglene oppdateres. async lar siden din starte uten å vente på måleren. Elementet spør Styrke-serveren om lekkede passord (base), så nettleseren spør ingen tredjepart: sett sidens opprinnelse i serverens --origins.",
		EmbedPreload:   "Valgfritt, sammen med de låste linjene, for raskere første poengsum på trege nett: legg også disse to linjene i sidens <head>. Da hentes modulen mens siden lastes, ikke først når skriptet kjører. Chromium skriver i konsollen at integrity ignoreres på preload: modulen sjekkes likevel når måleren henter den.",
		EmbedAttrTitle: "Attributter", EmbedAttrName: "Attributt", EmbedAttrWhat: "Hva det gjør",
		EmbedAttrs: [][2]string{
			{"for", "id-en til passordfeltet (<input type=\"password\">) som måles. Påkrevd."},
			{"policy", "Institusjonens regelsett; standard er Felles IAMs standardregler."},
			{"lang", "Språket: nb, nn eller en. Standard er sidens lang-attributt."},
			{"username", "Brukernavnet, så et passord som inneholder det avvises."},
			{"name", "Personens navn, av samme grunn: hver del på fire tegn eller mer."},
			{"birthdate", "Personens fødselsdato, skrevet ÅÅÅÅ-MM-DD, så et passord som inneholder den (24071985, 24.07.85, 24juli) avvises."},
			{"phone", "Personens telefonnummer, så et passord som inneholder de siste åtte sifrene avvises."},
			{"username-input", "id-en til et felt som holder brukernavnet, i stedet for username."},
			{"name-input", "id-en til et felt som holder navnet, i stedet for name."},
			{"base", "Adressen til lekkasjetjenesten (range-API). Standard er https://api.pwnedpasswords.com. Styrke-serveren svarer det samme på /api/breach (for eksempel https://passord.example.no/api/breach, med sidens opprinnelse i --origins): da spør nettleseren ingen tredjepart. Serveren svarer hver klientadresse ti oppslag med en gang og så ett hvert andre sekund (se README om NAT)."},
		},
		EmbedEventTitle: "Hendelse", EmbedEvent: "Måleren sender styrke-change hver gang resultatet endres (ved inntasting og når lekkasjesjekken svarer). detail har disse feltene (aldri passordet):",
		EmbedEventFields: [][2]string{
			{"ok", "true når passordet oppfyller alle reglene."},
			{"score", "Poengsummen."},
			{"threshold", "Poenggrensen i regelsettet."},
			{"rules", "Reglene som brytes: en liste av {rule, params, message}, der rule er en kode (too_short, weak, common, breached …) og message setningen på sidens språk. Se etter en regel med detail.rules.some((r) => r.rule === 'breached')."},
		},
		EmbedCSPTitle: "Content-Security-Policy", EmbedCSP: "Siden som bygger inn måleren, må tillate WebAssembly og oppslag mot Styrke-serveren. Legg disse kildene til i direktivene script-src og connect-src i sidens egen policy (uten base også https://api.pwnedpasswords.com i connect-src):",
		EmbedCSPMerge:  "Ikke legg til et script-src eller connect-src nummer to: nettleseren ignorerer et direktiv som kommer to ganger, og beholder det første, sidens eget; da lastes måleren aldri, og siden viser bare reserveteksten. En policy uten noen av de to direktivene kan ta denne linjen som den er:",
		EmbedCORS:      "Filene under /assets/ sendes med Access-Control-Allow-Origin: *, så de kan lastes fra en annen opprinnelse. Måleren er bare råd: serveren din må sjekke passordet på nytt (POST /api/validate).",
		EmbedScheme:    "Måleren følger sidens fargeskjema: den blir mørk bare når siden sier at den har mørk modus (color-scheme: light dark i CSS) og personen bruker mørk modus. En side uten mørk modus får alltid de lyse fargene på målerens egen lyse bakgrunn, så kontrasten holder også på en mørk side.",
		EmbedDemoTitle: "Prøv den", EmbedDemoLabel: "Prøvepassord (sendes ingen steder)", EmbedDemoHint: "Skriv i feltet: måleren viser poengene per tegn, grensen og reglene.",
		EmbedPinTitle: "Låse en versjon", EmbedPin: "Adressen over stoler på det Styrke-serveren sender. Vil du låse denne versjonen med integrity (SRI), bruk disse linjene i stedet. Filnavnene inneholder en hash av innholdet. Hver ny versjon av Styrke eller av en institusjons regler gir nye navn, og de gamle fjernes når den nye versjonen legges ut: da må linjene byttes, ellers viser siden bare reserveteksten.",
		EmbedPinIntegrity: "Integritet",
		EmbedServerTitle:  "Sjekk på serveren", EmbedServer: "Send passordet til din egen backend og la den kalle POST /api/validate med {policy, password, username, name, birthDate, phone} (de fire siste valgfrie; språket i svaret etter Accept-Language: nb, nn eller en). Svaret er det samme resultatet som måleren viser, og breachChecked sier om lekkasjetjenesten ble spurt (false når den var nede og regelsettet bare foretrekker sjekken). Backenden din er én klient: den får 20 kall i sekundet og 0,5 oppslag i sekundet mot lekkasjetjenesten (10 i slengen); svaret 429 sier i Retry-After når den kan prøve igjen.",

		DesTitle: "Regeldesigner", DesLead: "Endre et regelsett og se virkningen før det tas i bruk. Alt skjer i nettleseren; ingen passord lastes opp.",
		DesStart: "Start fra", DesStartPaste: "Eller lim inn JSON", DesLoad: "Hent", DesPasteLabel: "Regelsett som JSON", DesApplyJSON: "Bruk JSON",
		DesFields: "Regelsettet", DesProblems: "Problemer", DesNoProblems: "Regelsettet er gyldig.",
		DesTry: "Prøv et passord", DesTryLabel: "Prøvepassord", DesCurrent: "Nåværende", DesEdited: "Endret", DesPasses: "godtas", DesFails: "avvises",
		DesBatch: "Mange passord", DesBatchLabel: "Passord, ett per linje (høyst 100 000)", DesBatchFile: "Eller velg en fil", DesBatchRun: "Kjør", DesBatchCancel: "Avbryt",
		DesBatchLimit: "Bare de første 100 000 linjene brukes.", DesPassRate: "Andel godtatt", DesChanged: "Endret utfall", DesHistogram: "Poengfordeling", DesTopRules: "Regler som oftest brytes",
		DesExport: "Eksporter", DesDownload: "Last ned JSON", DesCopy: "Kopier JSON", DesShare: "Kopier delbar lenke", DesCopied: "Kopiert.", DesNothingUploaded: "Ingenting lastes opp: passordene blir i denne fanen.",
		DesTierFrom: "Fra posisjon", DesTierPoints: "Poeng", DesTierFloor: "Rund ned", DesAddTier: "Legg til trinn", DesRemove: "Fjern",
		DesHistLabel:   "Poengfordeling for {n} passord. Median: {cur} poeng med nåværende regler, {edit} med endrede. Grense: {tcur} og {tedit} poeng.",
		DesPasted:      "{n} linjer limt inn. De vises ikke i feltet, slik at siden holder seg rask, og de erstatter det som sto der.",
		DesBonusPoints: "Bonuspoeng", DesBonusCategories: "Kategorier", DesBonusMinEach: "Minst av hver", DesAddBonus: "Legg til bonus",
		DesLoading: "Laster regelmotoren …", DesUnavailable: "Regelmotoren (WebAssembly) kunne ikke starte i denne nettleseren, så designeren virker ikke her.",
	},
	{ // nn
		LangName: "Nynorsk", LangLabel: "Språk", SkipLink: "Hopp til innhaldet", NavLabel: "Hovudmeny",
		Tagline: "Passordmålar og passordreglar for Felles IAM",
		NavHome: "Styrke", NavActivate: "Aktiver konto", NavEmbed: "Byggj inn målaren", NavDesigner: "Regeldesignar",
		FooterVersion: "Standardreglane for Felles IAM, versjon", FooterSource: "Reglane følgjer Sikt sin passordpolicy for Felles IAM.",
		NoScript:     "Denne sida treng JavaScript. Slå det på, eller kontakt IT-brukarstøtta ved institusjonen din.",
		HomeTitle:    "Styrke: sterke passord utan tvangsreglar",
		HomeLead:     "Styrke hjelper deg å velje eit passord som er langt, uvanleg og berre ditt, og viser medan du skriv kor mange poeng kvart teikn gir.",
		HomeWhat:     "Styrke er Sikt sin passordpolicy for Felles IAM i éin kodebase: den same regelkoden køyrer i nettlesaren som WebAssembly og på tenaren, som alltid sjekkar passordet på nytt.",
		HomeHow:      "Ingen krav om bestemte teikntypar, ingen passordhint, innliming er lov. Passord som finst i lekne lister, blir avviste når tenesta for lekne passord svarar; svarar ho ikkje, avgjer institusjonen om passordet ventar eller blir godteke utan den sjekken, og sida seier kva som skjedde. Berre dei fem første teikna av SHA-1-summen til passordet forlèt nettlesaren, og berre til denne tenesta, som spør Have I Been Pwned for deg: adressa di når ho ikkje.",
		HomeDefault:  "Standardreglane:",
		HomeActivate: "Har du fått ei aktiveringslenkje? Opne lenkja direkte, så kjem du til aktiveringssida.",
		HomeEmbed:    "For IT ved institusjonane: byggj inn målaren på eigne sider.",
		HomeDesigner: "For regeleigarar: prøv ei endring i passordreglane før ho blir teken i bruk.",

		ActTitle: "Aktiver kontoen din", ActLoading: "Sjekkar lenkja …",
		ActMissingTitle: "Lenkja manglar", ActMissing: "Denne sida blir opna frå lenkja du fekk på SMS eller e-post. Opne heile lenkja på nytt; om det ikkje verkar, kontakt IT-brukarstøtta ved institusjonen din.",
		ActUnknownTitle: "Ukjend lenkje", ActUnknown: "Vi kjenner ikkje att denne lenkja. Sjekk at du har med heile lenkja, eller be IT-brukarstøtta ved institusjonen din om ei ny.",
		ActExpiredTitle: "Lenkja er gått ut", ActExpired: "Aktiveringslenkjer verkar berre ei kort stund. Be IT-brukarstøtta ved institusjonen din om ei ny lenkje.",
		ActReplacedTitle: "Lenkja er bytt ut", ActReplaced: "Denne lenkja er bytt ut med ei nyare. Bruk lenkja i den nyaste meldinga du har fått på SMS eller e-post. Finn du ho ikkje, kontakt IT-brukarstøtta ved institusjonen din.",
		ActRevokedTitle: "Lenkja er trekt tilbake", ActRevoked: "Denne lenkja verkar ikkje lenger, fordi ho er trekt tilbake. Kontakt IT-brukarstøtta ved institusjonen din.",
		ActUsedTitle: "Lenkja er brukt", ActUsed: "Denne lenkja er allereie brukt til å setje eit passord. Var det ikkje deg, eller treng du eit nytt, be IT-brukarstøtta ved institusjonen din om ei ny lenkje.",
		ActErrorTitle: "Noko gjekk gale", ActError: "Vi fekk ikkje kontakt med tenesta. Sjekk nettsambandet og prøv igjen.", ActRetry: "Prøv igjen",
		ActMismatchTitle: "Sida er utdatert", ActMismatch: "Denne sida vart laga for ein annan versjon av passordreglane enn tenesta brukar. Last inn sida på nytt; hjelper ikkje det, kontakt IT-brukarstøtta.",
		ActDoneTitle: "Passordet er sett",
		ActLead:      "Vel eit passord for kontoen din. Lim gjerne inn eitt frå ein passordhandsamar.",
		ActAccount:   "Kontoen", ActUsername: "Brukarnamn", ActName: "Namn", ActInstitution: "Institusjon",
		ActNew: "Nytt passord", ActConfirm: "Gjenta passordet", ActShow: "Vis passord", ActHide: "Skjul passord", ActSubmit: "Set passord",
		ActRulesTitle: "Passordet må oppfylle dette", ActPaste: "Innliming er lov.", ActRulesMore: "Alle reglane står under skjemaet.",
		ActNoMatch: "Passorda er ikkje like.", ActRejected: "Passordet vart ikkje godteke:", ActBusy: "Lagrar …",
		ActTooMany:        "Tenesta har fått for mange førespurnader på kort tid, frå deg eller andre på same nett. Vent {wait} og prøv igjen.",
		ActEmpty:          "Skriv inn eit nytt passord.",
		ActOverloaded:     "Tenesta har mykje å gjere akkurat no. Ingenting er endra. Prøv igjen om eit augneblink.",
		ActBreachDown:     "Vi fekk ikkje sjekka passordet mot lekne passordlister akkurat no, og institusjonen din krev den sjekken. Prøv igjen om litt.",
		ActDirectoryError: "Vi fekk ikkje sett passordet på grunn av ein feil i oppsettet hos institusjonen din. Lenkja verkar framleis; kontakt brukarstøtta.",
		ActDisabled:       "Kontoen er deaktivert, så vi sette ikkje noko passord. Kontakt brukarstøtta.",
		ActInProgress:     "Passordet blir sett i ei anna fane eller eit anna vindauge akkurat no. Vent litt og prøv igjen.",
		ActNoMeter:        "Styrkemålaren kunne ikkje starte her. Du kan likevel setje passordet; tenesta sjekkar det.",

		EmbedTitle: "Byggj inn styrkemålaren", EmbedLead: "To liner HTML gir ei passordside den same målaren og dei same reglane som Felles IAM brukar. Målaren koplar seg til eit eksisterande passordfelt og erstattar det aldri, så passordhandsamarar og innliming verkar som før.",
		EmbedSnippetTitle: "Dei to linene", EmbedSnippet: "Legg skriptet i sida og elementet etter passordfeltet. Adressa endrar seg aldri og gir alltid gjeldande versjon, så sida følgjer med når Styrke eller reglane blir oppdaterte. async lèt sida di starte utan å vente på målaren. Elementet spør Styrke-serveren om lekne passord (base), så nettlesaren spør ingen tredjepart: set opphavet til sida i --origins på serveren.",
		EmbedPreload:   "Valfritt, saman med dei låste linene, for raskare første poengsum på trege nett: legg òg desse to linene i <head> på sida. Då blir modulen henta medan sida lastar, ikkje først når skriptet køyrer. Chromium skriv i konsollen at integrity blir ignorert på preload: modulen blir likevel sjekka når målaren hentar han.",
		EmbedAttrTitle: "Attributt", EmbedAttrName: "Attributt", EmbedAttrWhat: "Kva det gjer",
		EmbedAttrs: [][2]string{
			{"for", "id-en til passordfeltet (<input type=\"password\">) som blir målt. Påkravd."},
			{"policy", "Regelsettet til institusjonen; standard er standardreglane til Felles IAM."},
			{"lang", "Språket: nb, nn eller en. Standard er lang-attributtet til sida."},
			{"username", "Brukarnamnet, så eit passord som inneheld det blir avvist."},
			{"name", "Namnet til personen, av same grunn: kvar del på fire teikn eller meir."},
			{"birthdate", "Fødselsdatoen til personen, skriven ÅÅÅÅ-MM-DD, så eit passord som inneheld han (24071985, 24.07.85, 24juli) blir avvist."},
			{"phone", "Telefonnummeret til personen, så eit passord som inneheld dei siste åtte sifra blir avvist."},
			{"username-input", "id-en til eit felt som held brukarnamnet, i staden for username."},
			{"name-input", "id-en til eit felt som held namnet, i staden for name."},
			{"base", "Adressa til lekkasjetenesta (range-API). Standard er https://api.pwnedpasswords.com. Styrke-tenaren svarar det same på /api/breach (til dømes https://passord.example.no/api/breach, med opphavet til sida i --origins): då spør nettlesaren ingen tredjepart. Tenaren svarar kvar klientadresse ti oppslag med ein gong og så eitt kvart andre sekund (sjå README om NAT)."},
		},
		EmbedEventTitle: "Hending", EmbedEvent: "Målaren sender styrke-change kvar gong resultatet endrar seg (ved inntasting og når lekkasjesjekken svarar). detail har desse felta (aldri passordet):",
		EmbedEventFields: [][2]string{
			{"ok", "true når passordet oppfyller alle reglane."},
			{"score", "Poengsummen."},
			{"threshold", "Poenggrensa i regelsettet."},
			{"rules", "Reglane som blir brotne: ei liste av {rule, params, message}, der rule er ein kode (too_short, weak, common, breached …) og message setninga på språket til sida. Sjå etter ein regel med detail.rules.some((r) => r.rule === 'breached')."},
		},
		EmbedCSPTitle: "Content-Security-Policy", EmbedCSP: "Sida som byggjer inn målaren, må tillate WebAssembly og oppslag mot Styrke-serveren. Legg desse kjeldene til i direktiva script-src og connect-src i policyen til sida (utan base òg https://api.pwnedpasswords.com i connect-src):",
		EmbedCSPMerge:  "Ikkje legg til eit script-src eller connect-src nummer to: nettlesaren ser bort frå eit direktiv som kjem to gonger, og held på det første, det sida har sjølv; då blir målaren aldri lasta, og sida viser berre reserveteksten. Ein policy utan nokon av dei to direktiva kan ta denne lina som ho er:",
		EmbedCORS:      "Filene under /assets/ blir sende med Access-Control-Allow-Origin: *, så dei kan lastast frå ein annan opphavsstad. Målaren er berre råd: tenaren din må sjekke passordet på nytt (POST /api/validate).",
		EmbedScheme:    "Målaren følgjer fargeskjemaet til sida: han blir mørk berre når sida seier at ho har mørk modus (color-scheme: light dark i CSS) og personen brukar mørk modus. Ei side utan mørk modus får alltid dei lyse fargane på den lyse bakgrunnen til målaren, så kontrasten held òg på ei mørk side.",
		EmbedDemoTitle: "Prøv han", EmbedDemoLabel: "Prøvepassord (blir ikkje sendt nokon stad)", EmbedDemoHint: "Skriv i feltet: målaren viser poenga per teikn, grensa og reglane.",
		EmbedPinTitle: "Låse ein versjon", EmbedPin: "Adressa over stolar på det Styrke-tenaren sender. Vil du låse denne versjonen med integrity (SRI), bruk desse linene i staden. Filnamna inneheld ein hash av innhaldet. Kvar ny versjon av Styrke eller av reglane til ein institusjon gir nye namn, og dei gamle blir fjerna når den nye versjonen blir lagd ut: då må linene bytast, elles viser sida berre reserveteksten.",
		EmbedPinIntegrity: "Integritet",
		EmbedServerTitle:  "Sjekk på tenaren", EmbedServer: "Send passordet til din eigen backend og la han kalle POST /api/validate med {policy, password, username, name, birthDate, phone} (dei fire siste valfrie; språket i svaret etter Accept-Language: nb, nn eller en). Svaret er det same resultatet som målaren viser, og breachChecked seier om lekkasjetenesta vart spurd (false når ho var nede og regelsettet berre føretrekkjer sjekken). Backenden din er éin klient: han får 20 kall i sekundet og 0,5 oppslag i sekundet mot lekkasjetenesta (10 i slengen); svaret 429 seier i Retry-After når han kan prøve igjen.",

		DesTitle: "Regeldesignar", DesLead: "Endre eit regelsett og sjå verknaden før det blir teke i bruk. Alt skjer i nettlesaren; ingen passord blir lasta opp.",
		DesStart: "Start frå", DesStartPaste: "Eller lim inn JSON", DesLoad: "Hent", DesPasteLabel: "Regelsett som JSON", DesApplyJSON: "Bruk JSON",
		DesFields: "Regelsettet", DesProblems: "Problem", DesNoProblems: "Regelsettet er gyldig.",
		DesTry: "Prøv eit passord", DesTryLabel: "Prøvepassord", DesCurrent: "Noverande", DesEdited: "Endra", DesPasses: "blir godteke", DesFails: "blir avvist",
		DesBatch: "Mange passord", DesBatchLabel: "Passord, eitt per line (høgst 100 000)", DesBatchFile: "Eller vel ei fil", DesBatchRun: "Køyr", DesBatchCancel: "Avbryt",
		DesBatchLimit: "Berre dei første 100 000 linene blir brukte.", DesPassRate: "Del godteke", DesChanged: "Endra utfall", DesHistogram: "Poengfordeling", DesTopRules: "Reglar som oftast blir brotne",
		DesExport: "Eksporter", DesDownload: "Last ned JSON", DesCopy: "Kopier JSON", DesShare: "Kopier delbar lenkje", DesCopied: "Kopiert.", DesNothingUploaded: "Ingenting blir lasta opp: passorda blir verande i denne fana.",
		DesTierFrom: "Frå posisjon", DesTierPoints: "Poeng", DesTierFloor: "Rund ned", DesAddTier: "Legg til trinn", DesRemove: "Fjern",
		DesHistLabel:   "Poengfordeling for {n} passord. Median: {cur} poeng med noverande reglar, {edit} med endra. Grense: {tcur} og {tedit} poeng.",
		DesPasted:      "{n} liner limte inn. Dei blir ikkje viste i feltet, slik at sida held seg rask, og dei erstattar det som stod der.",
		DesBonusPoints: "Bonuspoeng", DesBonusCategories: "Kategoriar", DesBonusMinEach: "Minst av kvar", DesAddBonus: "Legg til bonus",
		DesLoading: "Lastar regelmotoren …", DesUnavailable: "Regelmotoren (WebAssembly) kunne ikkje starte i denne nettlesaren, så designaren verkar ikkje her.",
	},
	{ // en
		LangName: "English", LangLabel: "Language", SkipLink: "Skip to content", NavLabel: "Main menu",
		Tagline: "Password meter and password rules for Felles IAM",
		NavHome: "Styrke", NavActivate: "Activate account", NavEmbed: "Embed the meter", NavDesigner: "Policy designer",
		FooterVersion: "Felles IAM's default rules, version", FooterSource: "The rules follow Sikt's password policy for Felles IAM.",
		NoScript:     "This page needs JavaScript. Turn it on, or contact your institution's IT help desk.",
		HomeTitle:    "Styrke: strong passwords without composition rules",
		HomeLead:     "Styrke helps you choose a password that is long, uncommon and yours alone, and shows as you type how many points each character earns.",
		HomeWhat:     "Styrke is Sikt's password policy for Felles IAM in one codebase: the same rule code runs in the browser as WebAssembly and on the server, which always checks the password again.",
		HomeHow:      "No required character types, no password hints, pasting allowed. Passwords found in breached lists are rejected when the breached-password service answers; when it does not, the institution decides whether the password waits or is accepted without that check, and the page says which happened. Only the first five characters of the password's SHA-1 sum leave the browser, and only to this service, which asks Have I Been Pwned for you: your address does not reach it.",
		HomeDefault:  "The default rules:",
		HomeActivate: "Got an activation link? Open the link itself and it takes you to the activation page.",
		HomeEmbed:    "For institution IT: embed the meter in your own pages.",
		HomeDesigner: "For policy owners: try a change to the password rules before it goes live.",

		ActTitle: "Activate your account", ActLoading: "Checking your link …",
		ActMissingTitle: "The link is missing", ActMissing: "This page opens from the link you received by text message or e-mail. Open the whole link again; if that does not work, contact your institution's IT help desk.",
		ActUnknownTitle: "Unknown link", ActUnknown: "We do not recognise this link. Check that you have the whole link, or ask your institution's IT help desk for a new one.",
		ActExpiredTitle: "The link has expired", ActExpired: "Activation links only work for a short while. Ask your institution's IT help desk for a new link.",
		ActReplacedTitle: "The link has been replaced", ActReplaced: "This link was replaced by a newer one. Use the link in the newest message you received by text message or e-mail. If you cannot find it, contact your institution's IT help desk.",
		ActRevokedTitle: "The link has been withdrawn", ActRevoked: "This link no longer works, because it was withdrawn. Contact your institution's IT help desk.",
		ActUsedTitle: "The link has been used", ActUsed: "This link has already been used to set a password. If that was not you, or you need a new one, ask your institution's IT help desk for a new link.",
		ActErrorTitle: "Something went wrong", ActError: "We could not reach the service. Check your connection and try again.", ActRetry: "Try again",
		ActMismatchTitle: "This page is out of date", ActMismatch: "This page was built for another version of the password rules than the service uses. Reload the page; if that does not help, contact the IT help desk.",
		ActDoneTitle: "Your password is set",
		ActLead:      "Choose a password for your account. Pasting one from a password manager is fine.",
		ActAccount:   "The account", ActUsername: "Username", ActName: "Name", ActInstitution: "Institution",
		ActNew: "New password", ActConfirm: "Repeat the password", ActShow: "Show password", ActHide: "Hide password", ActSubmit: "Set password",
		ActRulesTitle: "The password must meet these rules", ActPaste: "Pasting is allowed.", ActRulesMore: "Every rule is listed below the form.",
		ActNoMatch: "The passwords are not the same.", ActRejected: "The password was not accepted:", ActBusy: "Saving …",
		ActTooMany:        "The service has had too many requests in a short time, from you or others on the same network. Wait {wait} and try again.",
		ActEmpty:          "Type a new password.",
		ActOverloaded:     "The service is busy right now. Nothing was changed. Try again in a moment.",
		ActBreachDown:     "We could not check the password against breached password lists just now, and your institution requires that check. Try again in a little while.",
		ActDirectoryError: "We could not set the password because of a configuration problem at your institution. Your link still works; contact the service desk.",
		ActDisabled:       "The account is disabled, so we set no password. Contact the service desk.",
		ActInProgress:     "The password is being set in another tab or window right now. Wait a moment and try again.",
		ActNoMeter:        "The strength meter could not start here. You can still set your password; the service checks it.",

		EmbedTitle: "Embed the strength meter", EmbedLead: "Two lines of HTML give a password page the same meter and the same rules that Felles IAM uses. The meter attaches to an existing password field and never replaces it, so password managers and pasting keep working.",
		EmbedSnippetTitle: "The two lines", EmbedSnippet: "Put the script in the page and the element after the password field. The address never changes and always gives the current version, so your page keeps up when Styrke or the rules are updated. async lets your page start without waiting for the meter. The element asks Styrke's server about breached passwords (base), so the browser asks no third party: put your page's origin in the server's --origins.",
		EmbedPreload:   "Optional, with the pinned lines, for a faster first score on slow networks: put these two lines in the page's <head> as well. The module is then fetched while the page loads, not only once the script runs. Chromium notes in the console that integrity is ignored on a preload: the module is checked all the same when the meter fetches it.",
		EmbedAttrTitle: "Attributes", EmbedAttrName: "Attribute", EmbedAttrWhat: "What it does",
		EmbedAttrs: [][2]string{
			{"for", "The id of the password field (<input type=\"password\">) to measure. Required."},
			{"policy", "The institution's policy; the default is Felles IAM's default rules."},
			{"lang", "The language: nb, nn or en. The default is the page's lang attribute."},
			{"username", "The username, so that a password containing it is rejected."},
			{"name", "The person's name, for the same reason: each part of four characters or more."},
			{"birthdate", "The person's date of birth, written YYYY-MM-DD, so that a password holding it (24071985, 24.07.85, 24july) is refused."},
			{"phone", "The person's phone number, so that a password holding its last eight digits is refused."},
			{"username-input", "The id of a field holding the username, instead of username."},
			{"name-input", "The id of a field holding the name, instead of name."},
			{"base", "The base URL of the breach range API. The default is https://api.pwnedpasswords.com. The Styrke server answers the same at /api/breach (for example https://passord.example.no/api/breach, with the page's origin in --origins): then the browser asks no third party. The server answers each client address ten lookups at once and then one every two seconds (see the README on NAT)."},
		},
		EmbedEventTitle: "Event", EmbedEvent: "The meter dispatches styrke-change whenever the result changes (on input, and when the breach check answers). Its detail has these fields (never the password):",
		EmbedEventFields: [][2]string{
			{"ok", "true when the password meets every rule."},
			{"score", "The score."},
			{"threshold", "The policy's passing score."},
			{"rules", "The rules broken: a list of {rule, params, message}, where rule is a code (too_short, weak, common, breached …) and message the sentence in the page's language. Look for one with detail.rules.some((r) => r.rule === 'breached')."},
		},
		EmbedCSPTitle: "Content-Security-Policy", EmbedCSP: "The page that embeds the meter must allow WebAssembly and requests to Styrke's server. Add these sources to the script-src and connect-src directives of the page's own policy (without base, also https://api.pwnedpasswords.com in connect-src):",
		EmbedCSPMerge:  "Do not add a second script-src or connect-src: the browser ignores a directive that comes twice and keeps the first, the page's own; the meter then never loads, and the page shows only the fallback text. A policy with neither directive can take this line as it is:",
		EmbedCORS:      "Files under /assets/ are sent with Access-Control-Allow-Origin: *, so they load from another origin. The meter is only advice: your server must check the password again (POST /api/validate).",
		EmbedScheme:    "The meter follows the page's colour scheme: it turns dark only when the page says it has a dark mode (color-scheme: light dark in CSS) and the person uses dark mode. A page without a dark mode always gets the light colours on the meter's own light background, so the contrast holds on a dark page too.",
		EmbedDemoTitle: "Try it", EmbedDemoLabel: "Trial password (sent nowhere)", EmbedDemoHint: "Type in the field: the meter shows the points per character, the threshold and the rules.",
		EmbedPinTitle: "Pinning a version", EmbedPin: "The address above trusts what Styrke's server sends. To pin this version with integrity (SRI), use these lines instead. The file names hold a hash of the content. Every new version of Styrke or of an institution's rules gives new names, and the old files are removed when the new version is deployed: the lines must then be replaced, or the page shows only the fallback text.",
		EmbedPinIntegrity: "Integrity",
		EmbedServerTitle:  "Checking on the server", EmbedServer: "Send the password to your own backend and have it call POST /api/validate with {policy, password, username, name, birthDate, phone} (the last four optional; the answer's language from Accept-Language: nb, nn or en). The answer is the same result the meter shows, and breachChecked says whether the breach service was asked (false when it was down and the policy only prefers the check). Your backend is one client: it gets 20 calls a second and 0.5 breach lookups a second (a burst of 10); a 429 says in Retry-After when to try again.",

		DesTitle: "Policy designer", DesLead: "Change a policy and see its effect before it goes live. Everything happens in the browser; no password is uploaded.",
		DesStart: "Start from", DesStartPaste: "Or paste JSON", DesLoad: "Load", DesPasteLabel: "Policy as JSON", DesApplyJSON: "Use JSON",
		DesFields: "The policy", DesProblems: "Problems", DesNoProblems: "The policy is valid.",
		DesTry: "Try a password", DesTryLabel: "Trial password", DesCurrent: "Current", DesEdited: "Edited", DesPasses: "accepted", DesFails: "rejected",
		DesBatch: "Many passwords", DesBatchLabel: "Passwords, one per line (at most 100,000)", DesBatchFile: "Or choose a file", DesBatchRun: "Run", DesBatchCancel: "Cancel",
		DesBatchLimit: "Only the first 100,000 lines are used.", DesPassRate: "Pass rate", DesChanged: "Changed verdicts", DesHistogram: "Score histogram", DesTopRules: "Rules failed most",
		DesExport: "Export", DesDownload: "Download JSON", DesCopy: "Copy JSON", DesShare: "Copy shareable link", DesCopied: "Copied.", DesNothingUploaded: "Nothing is uploaded: the passwords stay in this tab.",
		DesTierFrom: "From position", DesTierPoints: "Points", DesTierFloor: "Round down", DesAddTier: "Add tier", DesRemove: "Remove",
		DesHistLabel:   "Score distribution of {n} passwords. Median: {cur} points under the current policy, {edit} under the edited one. Threshold: {tcur} and {tedit} points.",
		DesPasted:      "{n} lines pasted. They are not shown in the box, so that the page stays fast, and they replace what it held.",
		DesBonusPoints: "Bonus points", DesBonusCategories: "Categories", DesBonusMinEach: "At least of each", DesAddBonus: "Add bonus",
		DesLoading: "Loading the rule engine …", DesUnavailable: "The rule engine (WebAssembly) could not start in this browser, so the designer does not work here.",
	},
}

// RuleLabel names a rule code briefly, for the designer's tables.
func (t Text) RuleLabel(rule string) string {
	l, ok := ruleLabels[rule]
	if !ok {
		return rule
	}
	return l[langIndex(t.lang)]
}

var ruleLabels = map[string][3]string{
	policy.RuleTooShort:            {"For kort", "For kort", "Too short"},
	policy.RuleTooLong:             {"For langt", "For langt", "Too long"},
	policy.RuleDisallowedCharacter: {"Ulovlig tegn", "Ulovleg teikn", "Disallowed character"},
	policy.RuleControlCharacter:    {"Kontrolltegn", "Kontrollteikn", "Control character"},
	policy.RuleMissingClass:        {"Mangler tegntype", "Manglar teikntype", "Missing character type"},
	policy.RuleUsername:            {"Inneholder brukernavnet", "Inneheld brukarnamnet", "Contains the username"},
	policy.RuleName:                {"Inneholder navnet", "Inneheld namnet", "Contains the name"},
	policy.RuleBirthDate:           {"Inneholder fødselsdatoen", "Inneheld fødselsdatoen", "Contains the date of birth"},
	policy.RulePhone:               {"Inneholder telefonnummeret", "Inneheld telefonnummeret", "Contains the phone number"},
	policy.RuleContext:             {"Ord knyttet til institusjonen", "Ord knytte til institusjonen", "Words tied to the institution"},
	policy.RuleCommon:              {"Vanlig passord", "Vanleg passord", "Common password"},
	policy.RuleWeak:                {"For få poeng", "For få poeng", "Too few points"},
	policy.RuleBreached:            {"Funnet i lekkasjer", "Funne i lekkasjar", "Found in breaches"},
	policy.RuleReused:              {"Brukt før", "Brukt før", "Used before"},
}
