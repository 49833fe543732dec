package site

import (
	"strconv"
	"strings"

	"github.com/styrke-iam/styrke/policy"
)

// The activation page's words for what happened: a locked link, attempts
// left, whether the breach check ran, whether the password reached a
// directory. Each says only what the server's answer established.

// ActLockedTitle heads the state of a link locked after too many refusals.
func (t Text) ActLockedTitle() string {
	return t.pick("Lenken er låst", "Lenkja er låst", "The link is locked")
}

// ActLocked says why the link is locked and what to do.
func (t Text) ActLocked() string {
	return t.pick("Lenken ble låst etter for mange passord eller koder som ikke ble godtatt, for å beskytte kontoen din. Be IT-brukerstøtten ved institusjonen din om en ny lenke; ingen passord er satt med denne.",
		"Lenkja vart låst etter for mange passord eller kodar som ikkje vart godtekne, for å verne kontoen din. Be IT-brukarstøtta ved institusjonen din om ei ny lenkje; ingen passord er sett med denne.",
		"The link was locked after too many passwords or codes that were not accepted, to protect your account. Ask your institution's IT help desk for a new link; no password was set with this one.")
}

// ActAttemptsLeft is the warning shown when few attempts remain; {n} is
// replaced by the page's script.
func (t Text) ActAttemptsLeft() string {
	return t.pick("Du har {n} forsøk igjen før lenken låses.",
		"Du har {n} forsøk att før lenkja blir låst.",
		"You have {n} attempts left before the link is locked.")
}

// ActAttemptLeft is ActAttemptsLeft for exactly one attempt.
func (t Text) ActAttemptLeft() string {
	return t.pick("Du har ett forsøk igjen før lenken låses.",
		"Du har eitt forsøk att før lenkja blir låst.",
		"You have one attempt left before the link is locked.")
}

// ActDoneDirectory is the done page when the password reached the
// institution's directory.
func (t Text) ActDoneDirectory() string {
	return t.pick("Kontoen din er aktivert. Du kan nå logge inn med brukernavnet ditt og det nye passordet.",
		"Kontoen din er aktivert. Du kan no logge inn med brukarnamnet ditt og det nye passordet.",
		"Your account is activated. You can now log in with your username and the new password.")
}

// ActSetBefore is said on the done page of an activation link opened again
// in the browser where it set the password ({date}, the day, and {time},
// the time of day, it did): the link is used, by this browser. Nothing
// says so in another one, which the server cannot tell from whoever used
// the link.
func (t Text) ActSetBefore() string {
	return t.pick("Lenken er allerede brukt: passordet ble satt med den i denne nettleseren {date} kl. {time}.",
		"Lenkja er allereie brukt: passordet vart sett med henne i denne nettlesaren {date} kl. {time}.",
		"The link has already been used: the password was set with it in this browser on {date} at {time}.")
}

// ActDoneNoDirectory is the done page when the institution has connected
// no directory: the password is kept by Styrke only.
func (t Text) ActDoneNoDirectory() string {
	return t.pick("Styrke har lagret passordet ditt. Institusjonen din har ikke koblet Styrke til brukerkatalogen sin, så du kan ikke logge inn andre steder med det ennå. Kontakt IT-brukerstøtten ved institusjonen din hvis du trenger tilgang nå.",
		"Styrke har lagra passordet ditt. Institusjonen din har ikkje kopla Styrke til brukarkatalogen sin, så du kan ikkje logge inn andre stader med det enno. Kontakt IT-brukarstøtta ved institusjonen din om du treng tilgang no.",
		"Styrke has saved your password. Your institution has not connected Styrke to its user directory, so you cannot log in elsewhere with it yet. Contact your institution's IT help desk if you need access now.")
}

// ActLogin is the link to the institution's login page.
func (t Text) ActLogin() string {
	return t.pick("Gå til innloggingen", "Gå til innlogginga", "Go to the login page")
}

// ActBreachChecked says the breach check ran and found nothing.
func (t Text) ActBreachChecked() string {
	return t.pick("Passordet ble sjekket mot lekkede passordlister og ble ikke funnet der.",
		"Passordet vart sjekka mot lekne passordlister og vart ikkje funne der.",
		"The password was checked against breached password lists and was not found in them.")
}

// ActBreachUnchecked says the breach check could not run and the
// institution accepts passwords then.
func (t Text) ActBreachUnchecked() string {
	return t.pick("Passordet kunne ikke sjekkes mot lekkede passordlister, fordi den tjenesten ikke svarte. Institusjonen din godtar passord da; de andre reglene er sjekket. Har du brukt passordet andre steder, bør du bytte det.",
		"Passordet kunne ikkje sjekkast mot lekne passordlister, fordi den tenesta ikkje svarte. Institusjonen din godtek passord då; dei andre reglane er sjekka. Har du brukt passordet andre stader, bør du byte det.",
		"The password could not be checked against breached password lists, because that service did not answer. Your institution accepts passwords then; the other rules were checked. If you have used the password elsewhere, change it.")
}

// ActNotAllowed introduces the characters of the typed password that the
// policy does not allow (shown in the page only).
func (t Text) ActNotAllowed() string {
	return t.pick("Ikke tillatt her:", "Ikkje tillate her:", "Not allowed here:")
}

// ActSpace names the space character in that list.
func (t Text) ActSpace() string {
	return t.pick("mellomrom", "mellomrom", "space")
}

// RuleAllowed states a policy's character whitelist; "" when it has none.
func (t Text) RuleAllowed(p PolicyView) string {
	if p.AllowedClasses == nil && p.AllowedExtra == "" {
		return ""
	}
	var parts []string
	for _, c := range []string{policy.Upper, policy.Lower, policy.Digit, policy.Special} {
		for _, a := range p.AllowedClasses {
			if a == c {
				parts = append(parts, t.charClass(c, 2))
			}
		}
	}
	if p.AllowedExtra != "" {
		parts = append(parts, t.pick("disse tegnene: ", "desse teikna: ", "these characters: ")+spaced(p.AllowedExtra))
	}
	s := t.pick("Bare disse tegnene er tillatt: ", "Berre desse teikna er tillatne: ", "Only these characters are allowed: ") + t.list(parts) + "."
	if !strings.Contains(p.AllowedExtra, " ") && !contains(p.AllowedClasses, policy.Special) {
		s += t.pick(" Mellomrom er ikke tillatt.", " Mellomrom er ikkje tillate.", " Spaces are not allowed.")
	}
	return s
}

// RuleRequired states the classes a policy requires; "" when none.
func (t Text) RuleRequired(p PolicyView) string {
	var parts []string
	for _, c := range []string{policy.Upper, policy.Lower, policy.Digit, policy.Special} {
		if n := p.RequiredClasses[c]; n > 0 {
			parts = append(parts, t.Int(n)+" "+t.charClass(c, n))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return t.pick("Minst ", "Minst ", "At least ") + t.list(parts) + "."
}

// charClass names a character class, in the singular for n == 1 (n == 2
// for any plural).
func (t Text) charClass(class string, n int) string {
	names := map[string][2][3]string{
		policy.Upper:   {{"stor bokstav", "stor bokstav", "uppercase letter"}, {"store bokstaver", "store bokstavar", "uppercase letters (any alphabet)"}},
		policy.Lower:   {{"liten bokstav", "liten bokstav", "lowercase letter"}, {"små bokstaver", "små bokstavar", "lowercase letters (any alphabet)"}},
		policy.Digit:   {{"siffer", "siffer", "digit"}, {"sifre", "siffer", "digits"}},
		policy.Special: {{"spesialtegn", "spesialteikn", "special character"}, {"spesialtegn og mellomrom", "spesialteikn og mellomrom", "special characters and spaces"}},
	}
	w := names[class]
	if n == 1 {
		return w[0][langIndex(t.lang)]
	}
	s := w[1][langIndex(t.lang)]
	if t.lang != "en" && (class == policy.Upper || class == policy.Lower) {
		s += t.pick(" (alle alfabeter)", " (alle alfabet)", "")
	}
	return s
}

// list joins parts as a sentence does: "a, b og c".
func (t Text) list(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + t.pick(" og ", " og ", " and ") + parts[len(parts)-1]
}

func spaced(chars string) string {
	var b strings.Builder
	for i, r := range chars {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// EmbedFallback is the text inside the embedded element, in view until its
// script runs, and for good when it cannot load: it says both (it said
// "could not load" while a slow phone was loading it).
func (t Text) EmbedFallback() string {
	return t.pick("Styrkemåleren lastes … Om den ikke kommer, blir passordet likevel sjekket når du sender skjemaet.",
		"Styrkemålaren lastar … Om han ikkje kjem, blir passordet likevel sjekka når du sender skjemaet.",
		"The strength meter is loading … If it does not come, the password is still checked when you submit the form.")
}

// EmbedField says what the embed guide's password field carries: the
// fallback text's id in its aria-describedby, and why.
func (t Text) EmbedField() string {
	return t.pick("Passordfeltet ditt har id-en som for nevner, og reservetekstens id i aria-describedby (ved siden av id-er som står der fra før). Da leser en skjermleser reserveteksten ved feltet når måleren ikke kan kjøre (et blokkert skript, ingen WebAssembly), og målerens vurdering i stedet når den kjører:",
		"Passordfeltet ditt har id-en som for nemner, og id-en til reserveteksten i aria-describedby (ved sida av id-ar som står der frå før). Då les ein skjermlesar reserveteksten ved feltet når målaren ikkje kan køyre (eit blokkert skript, ingen WebAssembly), og vurderinga til målaren i staden når han køyrer:",
		"Your password field has the id that for names, and the fallback text's id in its aria-describedby (beside any ids already there). A screen reader then reads the fallback text at the field when the meter cannot run (a blocked script, no WebAssembly), and the meter's verdict in its place once it runs:")
}

// DesNotSimulated says what the designer does not check: it asks no breach
// service and knows no one's earlier passwords.
func (t Text) DesNotSimulated() string {
	return t.pick("Lekkede passordlister og tidligere passord sjekkes ikke her (ingenting sendes noe sted); tjenesten sjekker dem når et passord settes. Alle de andre reglene gjelder som i tjenesten.",
		"Lekne passordlister og tidlegare passord blir ikkje sjekka her (ingenting blir sendt nokon stad); tenesta sjekkar dei når eit passord blir sett. Alle dei andre reglane gjeld som i tenesta.",
		"Breached password lists and earlier passwords are not checked here (nothing is sent anywhere); the service checks them when a password is set. Every other rule applies as in the service.")
}

// The one-time code a link may need (sent by SMS apart from the link).

// ActCodeTitle heads the step that asks for the code.
func (t Text) ActCodeTitle() string {
	return t.pick("Skriv inn engangskoden", "Skriv inn eingongskoden", "Enter the one-time code")
}

// ActCodeLead says where the code is; {ending} is replaced by the page's
// script with the last two digits of the number it went to.
func (t Text) ActCodeLead() string {
	return t.pick("Denne lenken virker bare sammen med en engangskode, som kommer på SMS til mobilnummeret som slutter på {ending}. "+t.actCodeNotGot(),
		"Denne lenkja verkar berre saman med ein eingongskode, som kjem på SMS til mobilnummeret som sluttar på {ending}. "+t.actCodeNotGot(),
		"This link works only with a one-time code, which comes by SMS to the mobile number ending in {ending}. "+t.actCodeNotGot())
}

// ActCodeLeadNoNumber is ActCodeLead when the number is not known to the
// page.
func (t Text) ActCodeLeadNoNumber() string {
	return t.pick("Denne lenken virker bare sammen med en engangskode, som kommer på SMS til mobilnummeret ditt. "+t.actCodeNotGot(),
		"Denne lenkja verkar berre saman med ein eingongskode, som kjem på SMS til mobilnummeret ditt. "+t.actCodeNotGot(),
		"This link works only with a one-time code, which comes by SMS to your mobile number. "+t.actCodeNotGot())
}

// actCodeNotGot ends the code's lead: how to get a code that did not come.
// The lead said "we have sent the code" also when its SMS had failed (the
// e-mail said so, and to press the button this names).
func (t Text) actCodeNotGot() string {
	return t.pick("Har du ikke fått koden, velg «"+t.ActCodeResend()+"» nedenfor.",
		"Har du ikkje fått koden, vel «"+t.ActCodeResend()+"» nedanfor.",
		"If you have not received the code, choose “"+t.ActCodeResend()+"” below.")
}

// ActCodeLabel labels the code's field.
func (t Text) ActCodeLabel() string {
	return t.pick("Engangskode (8 sifre)", "Eingongskode (8 siffer)", "One-time code (8 digits)")
}

// ActCodeSubmit is the code step's button.
func (t Text) ActCodeSubmit() string { return t.pick("Fortsett", "Hald fram", "Continue") }

// ActCodeChecking is the code step's button (and a screen reader's status)
// while the code is being checked.
func (t Text) ActCodeChecking() string {
	return t.pick("Sjekker koden …", "Sjekkar koden …", "Checking the code …")
}

// ActCodeWrong: the code is not the link's.
func (t Text) ActCodeWrong() string {
	return t.pick("Koden stemmer ikke. Sjekk SMS-en og prøv igjen.",
		"Koden stemmer ikkje. Sjekk SMS-en og prøv igjen.",
		"The code is not right. Check the SMS and try again.")
}

// ActCodeForm: what was typed is not 8 digits.
func (t Text) ActCodeForm() string {
	return t.pick("Koden er 8 sifre.", "Koden er 8 siffer.", "The code is 8 digits.")
}

// ActCodeNone: what to do without the SMS.
func (t Text) ActCodeNone() string {
	return t.pick("Har du byttet mobilnummer, eller kommer det ingen SMS? Kontakt IT-brukerstøtten ved institusjonen din; de kan sende en ny lenke og kode.",
		"Har du bytt mobilnummer, eller kjem det ingen SMS? Kontakt IT-brukarstøtta ved institusjonen din; dei kan sende ei ny lenkje og ein ny kode.",
		"A new mobile number, or still no SMS? Contact your institution's IT help desk; they can send a new link and code.")
}

// ActCodeResend is the button that sends the code again.
func (t Text) ActCodeResend() string {
	return t.pick("Send en ny kode", "Send ein ny kode", "Send a new code")
}

// ActCodeResent: a new code went out; {ending} is the number's last two
// digits.
func (t Text) ActCodeResent() string {
	return t.pick("En ny kode er på vei til mobilnummeret som slutter på {ending}. Koden du fikk før, virker ikke lenger.",
		"Ein ny kode er på veg til mobilnummeret som sluttar på {ending}. Koden du fekk før, verkar ikkje lenger.",
		"A new code is on its way to the mobile number ending in {ending}. The code you had before no longer works.")
}

// ActCodeWait: a new code was asked for too soon after the last (429
// limit "code"); {wait} is how long, in WaitFor's words.
func (t Text) ActCodeWait() string {
	return t.pick("Vent {wait} før du ber om en ny kode.", "Vent {wait} før du bed om ein ny kode.",
		"Wait {wait} before asking for another code.")
}

// ActCodeLimit: no more codes for this link.
func (t Text) ActCodeLimit() string {
	return t.pick("Det kan ikke sendes flere koder for denne lenken. Be IT-brukerstøtten ved institusjonen din om en ny lenke.",
		"Det kan ikkje sendast fleire kodar for denne lenkja. Be IT-brukarstøtta ved institusjonen din om ei ny lenkje.",
		"No more codes can be sent for this link. Ask your institution's IT help desk for a new link.")
}

// ActCodeSendFailed: the SMS could not be sent.
func (t Text) ActCodeSendFailed() string {
	return t.pick("Vi fikk ikke sendt SMS-en akkurat nå. Prøv igjen om et minutt.",
		"Vi fekk ikkje sendt SMS-en akkurat no. Prøv igjen om eitt minutt.",
		"We could not send the SMS just now. Try again in a minute.")
}

// DoneDisabled is the done page (activation and reset) when the directory
// took the password but has the account disabled.
func (t Text) DoneDisabled() string {
	return t.pick("Passordet er satt, men kontoen din er ikke slått på i katalogen, så du kan ikke logge inn med det før institusjonen din slår den på. Kontakt IT-brukerstøtten ved institusjonen din hvis du trenger tilgang nå.",
		"Passordet er sett, men kontoen din er ikkje slått på i katalogen, så du kan ikkje logge inn med det før institusjonen din slår han på. Kontakt IT-brukarstøtta ved institusjonen din om du treng tilgang no.",
		"The password is set, but your account is not enabled in the directory, so you cannot log in with it until your institution enables it. Contact your institution's IT help desk if you need access now.")
}

// ActServerError says the service answered with an error of its own (a
// 500, an answer the page does not know): not the network's fault, which
// ActError says.
func (t Text) ActServerError() string {
	return t.pick("Noe gikk galt hos tjenesten. Prøv igjen om litt; hjelper ikke det, kontakt brukerstøtten.",
		"Noko gjekk gale hos tenesta. Prøv igjen om litt; hjelper ikkje det, kontakt brukarstøtta.",
		"Something went wrong on the service's side. Try again shortly; if that does not help, contact the service desk.")
}

// ChangeNoUsername asks for the username the change form was sent without.
func (t Text) ChangeNoUsername() string {
	return t.pick("Skriv inn brukernavnet ditt.", "Skriv inn brukarnamnet ditt.", "Type your username.")
}

// ChangeNoCurrent asks for the current password the change form was sent
// without.
func (t Text) ChangeNoCurrent() string {
	return t.pick("Skriv inn passordet du har nå.", "Skriv inn passordet du har no.", "Type your current password.")
}

// ChangeNotNow heads the change page's list when the directory refused
// the change itself, not the password (directory_too_young: any password
// would be refused until the time the list says).
func (t Text) ChangeNotNow() string {
	return t.pick("Passordet kan ikke endres ennå:", "Passordet kan ikkje endrast enno:", "The password cannot be changed yet:")
}

// ResetSessionChanged says the reset's sign-in was replaced in another tab
// of the browser: the form now shows the account that sign-in is for.
func (t Text) ResetSessionChanged() string {
	return t.pick("Innloggingen ble byttet i en annen fane. Skjemaet viser nå kontoen den innloggingen gjelder, og ingenting er endret. Se over kontoen før du prøver igjen.",
		"Innlogginga vart bytt i ei anna fane. Skjemaet viser no kontoen den innlogginga gjeld, og ingenting er endra. Sjå over kontoen før du prøver igjen.",
		"The sign-in was replaced in another tab. The form now shows the account that sign-in is for, and nothing was changed. Check the account before you try again.")
}

// ResetLevelHigh says the sign-in was below the level high that the
// institution requires, and which eIDs reach it.
func (t Text) ResetLevelHigh() string {
	return t.pick("Institusjonen din krever innlogging på sikkerhetsnivå høyt. Bruk BankID, Buypass eller Commfides; MinID er ikke nok.",
		"Institusjonen din krev innlogging på tryggleiksnivå høgt. Bruk BankID, Buypass eller Commfides; MinID er ikkje nok.",
		"Your institution requires sign-in at level high. Use BankID, Buypass or Commfides; MinID is not enough.")
}

// ResetDeadline says until when the reset's session lasts; {time} is the
// time of day.
func (t Text) ResetDeadline() string {
	return t.pick("Du har til kl. {time} på å velge passord. Etter det må du logge inn med ID-porten på nytt.",
		"Du har til kl. {time} på å velje passord. Etter det må du logge inn med ID-porten på nytt.",
		"You have until {time} to choose a password. After that you must sign in with ID-porten again.")
}

// ChangeWrongNoReset is ResetText.ChangeWrong where the reset with
// ID-porten is off: the lock's way out is waiting or the service desk.
func (t Text) ChangeWrongNoReset() string {
	return t.pick("Brukernavnet eller det nåværende passordet er feil. Etter for mange feil passord, her eller andre steder, kan kontoen være låst en stund; vent til låsen går ut, eller kontakt brukerstøtten.",
		"Brukarnamnet eller det noverande passordet er feil. Etter for mange feil passord, her eller andre stader, kan kontoen vere låst ei stund; vent til låsen går ut, eller kontakt brukarstøtta.",
		"The username or the current password is wrong. After too many wrong passwords, here or elsewhere, the account may be locked for a while; wait until the lock runs out, or contact the service desk.")
}

// ChangeTooManyNoReset is ResetText.ChangeTooMany (too many wrong current
// passwords for the username: 429 limit "account"; {wait} is how long, in
// WaitFor's words) where the reset with ID-porten is off.
func (t Text) ChangeTooManyNoReset() string {
	return t.pick("For mange feil passord for dette brukernavnet. Vent {wait} og prøv igjen.",
		"For mange feil passord for dette brukarnamnet. Vent {wait} og prøv igjen.",
		"Too many wrong passwords for this username. Wait {wait} and try again.")
}

// ChangeTooManyAddress says that the change refused a try as one too many
// wrong current passwords from the person's network, whichever usernames
// (429 rate_limited, limit "address": everyone behind one address counts);
// {wait} is how long, in WaitFor's words.
func (t Text) ChangeTooManyAddress() string {
	return t.pick("For mange feil passord fra nettverket ditt (alle på samme nett teller med). Vent {wait}, eller bruk «Glemt passord».",
		"For mange feil passord frå nettverket ditt (alle på same nett tel med). Vent {wait}, eller bruk «Gløymt passord».",
		"Too many wrong passwords from your network (everyone on the same network counts). Wait {wait}, or use “Forgot password”.")
}

// ChangeTooManyAddressNoReset is ChangeTooManyAddress where the reset with
// ID-porten is off.
func (t Text) ChangeTooManyAddressNoReset() string {
	return t.pick("For mange feil passord fra nettverket ditt (alle på samme nett teller med). Vent {wait} og prøv igjen.",
		"For mange feil passord frå nettverket ditt (alle på same nett tel med). Vent {wait} og prøv igjen.",
		"Too many wrong passwords from your network (everyone on the same network counts). Wait {wait} and try again.")
}

// The words for how long to wait, by a 429's Retry-After: the pages'
// script (styrkeForm.waitWords) picks one as WaitFor does, and puts it for
// {wait} in the answer's text ("Vent {wait} og prøv igjen").

// WaitUnknown is the wait when the answer did not say (no Retry-After).
func (t Text) WaitUnknown() string { return t.pick("litt", "litt", "a little while") }

// WaitSeconds is a wait of at most 10 seconds.
func (t Text) WaitSeconds() string { return t.pick("noen sekunder", "nokre sekund", "a few seconds") }

// WaitMinute is a wait of at most a minute and a half.
func (t Text) WaitMinute() string { return t.pick("et minutt", "eit minutt", "a minute") }

// WaitFewMinutes is a wait of at most 5 minutes.
func (t Text) WaitFewMinutes() string {
	return t.pick("et par minutter", "eit par minutt", "a couple of minutes")
}

// WaitMinutes is a longer wait; {n} is the minutes, rounded.
func (t Text) WaitMinutes() string {
	return t.pick("omtrent {n} minutter", "omtrent {n} minutt", "about {n} minutes")
}

// WaitFor is the words for a wait of seconds (a Retry-After; 0 or less:
// unknown), as the pages' script says it.
func (t Text) WaitFor(seconds int) string {
	switch {
	case seconds <= 0:
		return t.WaitUnknown()
	case seconds <= 10:
		return t.WaitSeconds()
	case seconds <= 90:
		return t.WaitMinute()
	case seconds <= 300:
		return t.WaitFewMinutes()
	}
	return strings.ReplaceAll(t.WaitMinutes(), "{n}", strconv.Itoa((seconds+30)/60))
}

// ResetOthersNeedHigh says that the sign-in found accounts at an
// institution that requires level high, which it did not reach.
func (t Text) ResetOthersNeedHigh() string {
	return t.pick("Du har også en konto som krever innlogging på sikkerhetsnivå høyt. For å velge passord til den: avbryt og logg inn på nytt med BankID, Buypass eller Commfides.",
		"Du har også ein konto som krev innlogging på tryggleiksnivå høgt. For å velje passord til han: avbryt og logg inn på nytt med BankID, Buypass eller Commfides.",
		"You also have an account that requires sign-in at level high. To choose its password: cancel and sign in again with BankID, Buypass or Commfides.")
}

// ResetSessionChangedChoose says that a sign-in in another tab replaced
// this one, whose accounts are now listed.
func (t Text) ResetSessionChangedChoose() string {
	return t.pick("Innloggingen ble byttet i en annen fane, og ingenting er endret. Her er kontoene den innloggingen fant.",
		"Innlogginga vart bytt i ei anna fane, og ingenting er endra. Her er kontoane den innlogginga fann.",
		"The sign-in was replaced in another tab, and nothing was changed. Here are the accounts that sign-in found.")
}

// ResetChooseTitle heads the choice of account after a sign-in that found
// several.
func (t Text) ResetChooseTitle() string {
	return t.pick("Velg konto", "Vel konto", "Choose an account")
}

// ResetChooseLead asks which of several accounts gets the new password.
func (t Text) ResetChooseLead() string {
	return t.pick("Du har mer enn én konto. Hvilken vil du velge nytt passord til?",
		"Du har meir enn éin konto. Kva for ein vil du velje nytt passord til?",
		"You have more than one account. Which one do you want a new password for?")
}

// ResetChooseOther goes back from the form to the choice of account.
func (t Text) ResetChooseOther() string {
	return t.pick("Velg en annen konto", "Vel ein annan konto", "Choose another account")
}

// ResetExtend asks for more time before the reset's session ends.
func (t Text) ResetExtend() string {
	return t.pick("Gi meg mer tid", "Gi meg meir tid", "Give me more time")
}

// ResetExtended says the session now lasts until {time}.
func (t Text) ResetExtended() string {
	return t.pick("Du har fått mer tid: til kl. {time}.", "Du har fått meir tid: til kl. {time}.", "You have more time: until {time}.")
}

// ResetDeadlineSoon says the reset's session ends in a minute, and names
// the button that gives more time (ResetExtend), which appears beside it
// without taking the focus: a screen reader in the password field heard
// only "choose the password now".
func (t Text) ResetDeadlineSoon() string {
	return t.pick("Om ett minutt må du logge inn med ID-porten på nytt. Velg passordet nå, eller trykk «Gi meg mer tid».",
		"Om eitt minutt må du logge inn med ID-porten på nytt. Vel passordet no, eller trykk «Gi meg meir tid».",
		"In one minute you must sign in with ID-porten again. Choose the password now, or press “Give me more time”.")
}

// ResetLogoutLead says why to log out of ID-porten after a reset: its
// sign-in lasts beyond this page, in the person's other services.
func (t Text) ResetLogoutLead() string {
	return t.pick("Er du på en delt datamaskin? Logg ut av ID-porten, så kommer ingen andre inn i tjenester du er logget inn på der.",
		"Er du på ei delt datamaskin? Logg ut av ID-porten, så kjem ingen andre inn i tenester du er logga inn på der.",
		"On a shared computer? Log out of ID-porten, so that no one else gets into services you are signed in to there.")
}

// ResetLogout is the button that logs out of ID-porten.
func (t Text) ResetLogout() string {
	return t.pick("Logg ut av ID-porten", "Logg ut av ID-porten", "Log out of ID-porten")
}

// ResetDirectoryDownTitle heads the reset page's state for a directory
// that does not answer (503 directory_unavailable, when the person comes
// back from ID-porten or at the submit).
func (t Text) ResetDirectoryDownTitle() string {
	return t.pick("Brukerkatalogen svarer ikke", "Brukarkatalogen svarar ikkje", "The user directory does not answer")
}

// ResetDirectoryDownText says that the sign-in holds, nothing was changed,
// and to try again: the page's "Try again" asks without a new sign-in.
func (t Text) ResetDirectoryDownText() string {
	return t.pick("Du er logget inn, men brukerkatalogen der passordet ditt settes, svarer ikke akkurat nå, så du kan ikke få nytt passord ennå. Ingenting er endret. Prøv igjen om noen minutter; du trenger ikke logge inn på nytt.",
		"Du er logga inn, men brukarkatalogen der passordet ditt blir sett, svarar ikkje akkurat no, så du kan ikkje få nytt passord enno. Ingenting er endra. Prøv igjen om nokre minutt; du treng ikkje logge inn på nytt.",
		"You are signed in, but the user directory where your password is set does not answer right now, so you cannot get a new password yet. Nothing was changed. Try again in a few minutes; you need not sign in again.")
}

// ResetDirectoryStillDown says that "Try again" asked at {time} (the time
// of day) and the directory still did not answer.
func (t Text) ResetDirectoryStillDown() string {
	return t.pick("Spurt på nytt kl. {time}: brukerkatalogen svarer fortsatt ikke.",
		"Spurt på nytt kl. {time}: brukarkatalogen svarar framleis ikkje.",
		"Asked again at {time}: the user directory still does not answer.")
}

// ResetUnconfirmedTitle heads the reset page's state for a submit whose
// answer was lost (503 directory_unconfirmed: the directory did not answer
// the write; or no answer reached the page): the password may be set.
func (t Text) ResetUnconfirmedTitle() string {
	return t.pick("Vi vet ikke om passordet ble endret", "Vi veit ikkje om passordet vart endra", "We do not know whether your password was changed")
}

// ResetUnconfirmedText says that the new password was sent but no answer
// came back, so that it may be set (never "nothing was changed"), to try
// it, and that "Try again" sends it again, which finishes the reset.
func (t Text) ResetUnconfirmedText() string {
	return t.pick("Vi sendte det nye passordet, men svaret kom ikke fram, så det kan være satt. Prøv å logge inn med det nye passordet. Virker det ikke, trykk «Prøv igjen»: da sender vi det samme passordet på nytt, og du er ferdig når brukerkatalogen har tatt imot det. Du trenger ikke logge inn med ID-porten på nytt.",
		"Vi sende det nye passordet, men svaret kom ikkje fram, så det kan vere sett. Prøv å logge inn med det nye passordet. Verkar det ikkje, trykk «Prøv igjen»: då sender vi det same passordet på nytt, og du er ferdig når brukarkatalogen har teke imot det. Du treng ikkje logge inn med ID-porten på nytt.",
		"We sent your new password, but the answer did not come back, so it may have been set. Try logging in with the new password. If that does not work, press “Try again”: we send the same password again, and you are done once the user directory has taken it. You need not sign in with ID-porten again.")
}

// ResetUnconfirmedStill says that "Try again" sent the password again at
// {time} (the time of day) and again no answer came.
func (t Text) ResetUnconfirmedStill() string {
	return t.pick("Sendt på nytt kl. {time}: fortsatt ikke noe svar. Passordet kan være satt.",
		"Sendt på nytt kl. {time}: framleis ikkje noko svar. Passordet kan vere sett.",
		"Sent again at {time}: still no answer. The password may have been set.")
}

// ResetEndedUnsure is said when the session ends after a submit whose
// answer was lost: that password may be the account's now.
func (t Text) ResetEndedUnsure() string {
	return t.pick("Det nye passordet du sendte, kan være satt, selv om vi ikke fikk svar: prøv å logge inn med det før du logger inn her på nytt.",
		"Det nye passordet du sende, kan vere sett, sjølv om vi ikkje fekk svar: prøv å logge inn med det før du loggar inn her på nytt.",
		"The new password you sent may have been set, though we got no answer: try logging in with it before you sign in here again.")
}

// ResetSessionStoreDown says, where the account's form would be, that the
// service's own database did not answer (the session's 503 unavailable):
// nothing was changed, and "Try again" asks again without a new sign-in
// while the sign-in lasts.
func (t Text) ResetSessionStoreDown() string {
	return t.pick("Tjenesten får ikke kontakt med databasen sin akkurat nå, så vi kan ikke vise kontoen din ennå. Ingenting er endret. Vent noen minutter og trykk «Prøv igjen»; har innloggingen gått ut innen da, blir du bedt om å logge inn på nytt.",
		"Tenesta får ikkje kontakt med databasen sin akkurat no, så vi kan ikkje vise kontoen din enno. Ingenting er endra. Vent nokre minutt og trykk «Prøv igjen»; har innlogginga gått ut innan då, blir du beden om å logge inn på nytt.",
		"The service cannot reach its database right now, so we cannot show your account yet. Nothing was changed. Wait a few minutes and press “Try again”; if your sign-in has run out by then, you will be asked to sign in again.")
}

// ResetSessionTooMany says, where the account's form would be, that the
// service refused the request as one too many from the person's network
// (the session's 429: many people may share one address); {wait} is how
// long, in WaitFor's words.
func (t Text) ResetSessionTooMany() string {
	return t.pick("Tjenesten får for mange forespørsler fra nettverket ditt akkurat nå. Ingenting er endret. Vent {wait} og trykk «Prøv igjen»; du trenger ikke logge inn på nytt.",
		"Tenesta får for mange førespurnader frå nettverket ditt akkurat no. Ingenting er endra. Vent {wait} og trykk «Prøv igjen»; du treng ikkje logge inn på nytt.",
		"The service is getting too many requests from your network right now. Nothing was changed. Wait {wait} and press “Try again”; you need not sign in again.")
}

// ResetNoAccountTitle heads the reset page's state for an account whose
// password the directory cannot set (the session's 503 account_missing or
// directory_error), said before a password is typed.
func (t Text) ResetNoAccountTitle() string {
	return t.pick("Vi kan ikke sette passord for denne kontoen", "Vi kan ikkje setje passord for denne kontoen", "We cannot set a password for this account")
}

// ResetNoAccount says that the account {username} at {institution} is not
// in the directory where its password is set (account_missing), that
// nothing was changed, and that the institution must put it right.
func (t Text) ResetNoAccount() string {
	return t.pick("Du er logget inn, men kontoen {username} ved {institution} finnes ikke i brukerkatalogen der passordet settes, så du kan ikke velge passord til den her. Ingenting er endret. Dette må institusjonen din rette opp: kontakt brukerstøtten.",
		"Du er logga inn, men kontoen {username} ved {institution} finst ikkje i brukarkatalogen der passordet blir sett, så du kan ikkje velje passord til han her. Ingenting er endra. Dette må institusjonen din rette opp: kontakt brukarstøtta.",
		"You are signed in, but the account {username} at {institution} is not in the user directory where its password is set, so you cannot choose a password for it here. Nothing was changed. This is for your institution to put right: contact the service desk.")
}

// ResetNoAccountConfig says that a configuration problem at the
// institution keeps the password of {username} from being set
// (directory_error at the session), and that nothing was changed.
func (t Text) ResetNoAccountConfig() string {
	return t.pick("Du er logget inn, men på grunn av et oppsettsproblem hos institusjonen din kan ikke passordet til {username} settes i brukerkatalogen akkurat nå, så du kan ikke velge et her ennå. Ingenting er endret. Kontakt brukerstøtten.",
		"Du er logga inn, men på grunn av eit oppsettsproblem hos institusjonen din kan ikkje passordet til {username} setjast i brukarkatalogen akkurat no, så du kan ikkje velje eit her enno. Ingenting er endra. Kontakt brukarstøtta.",
		"You are signed in, but because of a configuration problem at your institution the password of {username} cannot be set in its user directory right now, so you cannot choose one here yet. Nothing was changed. Contact the service desk.")
}

// ResetStoreTitle heads the reset page's state for a sign-in whose own
// store failed (#/error/store): the service's fault, not ID-porten's.
func (t Text) ResetStoreTitle() string {
	return t.pick("Tjenesten får ikke kontakt med databasen sin", "Tenesta får ikkje kontakt med databasen sin", "The service cannot reach its database")
}

// ResetStore says that the sign-in (at its start, or on its way back
// from ID-porten) could not be completed because the service's database
// did not answer, that nothing was changed, and to try again.
func (t Text) ResetStore() string {
	return t.pick("Innloggingen kunne ikke fullføres fordi tjenesten ikke får kontakt med databasen sin akkurat nå. Ingenting er endret. Prøv igjen om noen minutter.",
		"Innlogginga kunne ikkje fullførast fordi tenesta ikkje får kontakt med databasen sin akkurat no. Ingenting er endra. Prøv igjen om nokre minutt.",
		"Your sign-in could not be completed because the service cannot reach its database right now. Nothing was changed. Try again in a few minutes.")
}

// ResetSignedOutTitle heads the page ID-porten's logout comes back to.
func (t Text) ResetSignedOutTitle() string {
	return t.pick("Du er logget ut av ID-porten", "Du er logga ut av ID-porten", "You are logged out of ID-porten")
}

// ResetSignedOut says what ID-porten's logout did.
func (t Text) ResetSignedOut() string {
	return t.pick("Innloggingen i ID-porten er avsluttet, også i andre tjenester du var logget inn på i denne nettleseren.",
		"Innlogginga i ID-porten er avslutta, også i andre tenester du var logga inn på i denne nettlesaren.",
		"Your ID-porten sign-in has ended, also in other services you were signed in to in this browser.")
}

// FooterPrivacy is the footer's link to the institution's privacy
// statement.
func (t Text) FooterPrivacy() string {
	return t.pick("Personvernerklæring", "Personvernerklæring", "Privacy statement")
}

// ActRejectedBelow is the error under the new password's field after the
// server refused it, where the meter right below lists the reasons (and
// the field's description reads them): each reason was read twice.
func (t Text) ActRejectedBelow() string {
	return t.pick("Passordet ble ikke godtatt. Se hva som mangler nedenfor.",
		"Passordet vart ikkje godteke. Sjå kva som manglar nedanfor.",
		"The password was not accepted. See what is missing below.")
}

// ActDirectoryDownTitle heads the activation page's state for a directory
// that does not answer at the submit (503 directory_unavailable).
func (t Text) ActDirectoryDownTitle() string {
	return t.pick("Brukerkatalogen svarer ikke", "Brukarkatalogen svarar ikkje", "The user directory does not answer")
}

// ActDirectoryDownText says that the password could not be set, that the
// link still works and nothing was changed, and that "Try again" sends
// what was typed once more.
func (t Text) ActDirectoryDownText() string {
	return t.pick("Brukerkatalogen der passordet ditt settes, svarer ikke akkurat nå, så passordet er ikke satt. Ingenting er endret, og lenken virker fortsatt. Prøv igjen om noen minutter; det du skrev, er tatt vare på.",
		"Brukarkatalogen der passordet ditt blir sett, svarar ikkje akkurat no, så passordet er ikkje sett. Ingenting er endra, og lenkja verkar framleis. Prøv igjen om nokre minutt; det du skreiv, er teke vare på.",
		"The user directory where your password is set does not answer right now, so the password was not set. Nothing was changed, and your link still works. Try again in a few minutes; what you typed is kept.")
}

// ActDirectoryStillDown says that "Try again" asked at {time} (the time of
// day) and the directory still did not answer.
func (t Text) ActDirectoryStillDown() string {
	return t.pick("Prøvd på nytt kl. {time}: brukerkatalogen svarer fortsatt ikke.",
		"Prøvd på nytt kl. {time}: brukarkatalogen svarar framleis ikkje.",
		"Tried again at {time}: the user directory still does not answer.")
}

// ActUnconfirmedTitle heads the activation and change pages' state for a
// submit whose answer was lost (none reached the page, or 503
// directory_unconfirmed: the directory's): the password may be set.
func (t Text) ActUnconfirmedTitle() string {
	return t.pick("Vi vet ikke om passordet ble satt", "Vi veit ikkje om passordet vart sett", "We do not know whether your password was set")
}

// ActUnconfirmedText says, on the activation page, that the password was
// sent but no answer came back (the server's or the directory's: the page
// cannot tell which, and names neither), so that it may be set (never
// "nothing was changed"), to try it, and that "Try again" sends the same
// password again, which finishes the activation.
func (t Text) ActUnconfirmedText() string {
	return t.pick("Vi sendte passordet, men svaret kom ikke fram, så det kan være satt. Prøv å logge inn med det. Virker det ikke, trykk «Prøv igjen»: da sender vi det samme passordet på nytt, og du er ferdig når brukerkatalogen har tatt imot det. Lenken virker fortsatt for dette passordet.",
		"Vi sende passordet, men svaret kom ikkje fram, så det kan vere sett. Prøv å logge inn med det. Verkar det ikkje, trykk «Prøv igjen»: då sender vi det same passordet på nytt, og du er ferdig når brukarkatalogen har teke imot det. Lenkja verkar framleis for dette passordet.",
		"We sent your password, but the answer did not come back, so it may have been set. Try logging in with it. If that does not work, press “Try again”: we send the same password again, and you are done once the user directory has taken it. Your link still works for this password.")
}

// ChangeUnconfirmedText says, on the change page, that the new password
// was sent but no answer came back (the server's or the directory's), so
// that it may be the password now (never "it is still the one you have"),
// to try it, and that "Try again" sends the same fields again, which
// finishes the change.
func (t Text) ChangeUnconfirmedText() string {
	return t.pick("Vi sendte det nye passordet, men svaret kom ikke fram, så det kan være satt. Prøv å logge inn med det nye passordet; virker det ikke, kan det gamle fortsatt gjelde. Trykk «Prøv igjen» for å sende det samme på nytt: du er ferdig når brukerkatalogen har tatt imot det. Det du skrev, er tatt vare på i denne siden.",
		"Vi sende det nye passordet, men svaret kom ikkje fram, så det kan vere sett. Prøv å logge inn med det nye passordet; verkar det ikkje, kan det gamle framleis gjelde. Trykk «Prøv igjen» for å sende det same på nytt: du er ferdig når brukarkatalogen har teke imot det. Det du skreiv, er teke vare på i denne sida.",
		"We sent your new password, but the answer did not come back, so it may have been set. Try logging in with the new password; if that does not work, the old one may still hold. Press “Try again” to send the same again: you are done once the user directory has taken it. What you typed is kept on this page.")
}

// ActUnconfirmedStill says that "Try again" from the unconfirmed state
// sent the password again at {time} (the time of day) and again no answer
// came: it may still be set. The reset page's words: whose answer did not
// come, the server's or the directory's, the page cannot tell.
func (t Text) ActUnconfirmedStill() string {
	return t.ResetUnconfirmedStill()
}

// ChangeDirectoryDownText says, on the change page's state for a directory
// that does not answer at the submit (503 directory_unavailable), that the
// password was not changed (the current one is still the password), and
// that "Try again" sends what was typed, kept in the page only.
func (t Text) ChangeDirectoryDownText() string {
	return t.pick("Brukerkatalogen der passordet ditt endres, svarer ikke akkurat nå, så passordet ditt er ikke endret: det er fortsatt det du har nå. Prøv igjen om noen minutter; det du skrev, er tatt vare på i denne siden.",
		"Brukarkatalogen der passordet ditt blir endra, svarar ikkje akkurat no, så passordet ditt er ikkje endra: det er framleis det du har no. Prøv igjen om nokre minutt; det du skreiv, er teke vare på i denne sida.",
		"The user directory where your password is changed does not answer right now, so your password was not changed: it is still the one you have now. Try again in a few minutes; what you typed is kept on this page.")
}

// DirRulesLead heads the directory's own rules in the rules box (GET
// /api/directory/rules), which the pages list when the directory enforces
// more than the policy: AD's complexity rule met people only in its
// refusal.
func (t Text) DirRulesLead() string {
	return t.pick("Katalogen du logger inn med, krever også dette:",
		"Katalogen du loggar inn med, krev òg dette:",
		"The directory you log in with also requires this:")
}

// DirKinds is AD's complexity rule as the page checks it
// (directory.ADKinds): a space is no kind of character.
func (t Text) DirKinds() string {
	return t.pick("Tegn av minst tre av disse fire slagene: store bokstaver, små bokstaver, sifre (0–9) og spesialtegn som ! ? . - _ # (mellomrom og tegn som € og § teller ikke).",
		"Teikn av minst tre av desse fire slaga: store bokstavar, små bokstavar, siffer (0–9) og spesialteikn som ! ? . - _ # (mellomrom og teikn som € og § tel ikkje).",
		"Characters of at least three of these four kinds: uppercase letters, lowercase letters, digits (0–9) and special characters such as ! ? . - _ # (a space, and signs such as € and §, do not count).")
}

// DirHistory is the directory's history, where it remembers more
// passwords ({n}) than the policy: listed in place of the policy's line.
func (t Text) DirHistory() string {
	return t.pick("Ikke ett av de siste {n} passordene du har brukt.",
		"Ikkje eitt av dei siste {n} passorda du har brukt.",
		"Not one of the last {n} passwords you have used.")
}

// DirOwnUnread says that the account has a password policy of its own in
// the directory (AD's fine-grained policy) whose rules Styrke may not read
// (on AD by default only administrators may): the directory may refuse a
// password that meets every rule the page lists. Said in place of
// DirRulesLead, with no rule under it.
func (t Text) DirOwnUnread() string {
	return t.pick("Kontoen din har egne passordregler der, som denne siden ikke får se: katalogen kan avvise et passord som oppfyller reglene her.",
		"Kontoen din har eigne passordreglar der, som denne sida ikkje får sjå: katalogen kan avvise eit passord som oppfyller reglane her.",
		"Your account has password rules of its own there, which this page cannot see: the directory may refuse a password that meets the rules here.")
}

// DirMinLength is the directory's least length, {n} its number.
func (t Text) DirMinLength() string {
	return t.pick("Minst {n} tegn.", "Minst {n} teikn.", "At least {n} characters.")
}

// DirKindsMissing says, under the field and at a submit, that the
// password lacks AD's kinds, and which to add ({missing}: DirKind's words
// joined by DirOr, after DirNeed's "two of these:" when two are missing).
func (t Text) DirKindsMissing() string {
	return t.pick("Katalogen du logger inn med, krever tegn av minst tre slag. Legg til {missing}.",
		"Katalogen du loggar inn med, krev teikn av minst tre slag. Legg til {missing}.",
		"The directory you log in with requires characters of at least three kinds. Add {missing}.")
}

// DirShort says, at a submit, that the password is shorter than the
// directory's least length {n}.
func (t Text) DirShort() string {
	return t.pick("Katalogen du logger inn med, krever minst {n} tegn.",
		"Katalogen du loggar inn med, krev minst {n} teikn.",
		"The directory you log in with requires at least {n} characters.")
}

// DirKind names one character of a kind AD's rule counts, for
// DirKindsMissing: upper, lower, digit, special.
func (t Text) DirKind(kind string) string {
	words := map[string][3]string{
		"upper":   {"en stor bokstav", "ein stor bokstav", "an uppercase letter"},
		"lower":   {"en liten bokstav", "ein liten bokstav", "a lowercase letter"},
		"digit":   {"et siffer", "eit siffer", "a digit"},
		"special": {"et spesialtegn", "eit spesialteikn", "a special character"},
	}[kind]
	return t.pick(words[0], words[1], words[2])
}

// DirOr joins the last of DirKind's words to the others.
func (t Text) DirOr() string { return t.pick(" eller ", " eller ", " or ") }

// DirNeed leads the kinds to add when n (2 or 3) are missing.
func (t Text) DirNeed(n int) string {
	if n == 3 {
		return t.pick("tre av disse:", "tre av desse:", "three of these:")
	}
	return t.pick("to av disse:", "to av desse:", "two of these:")
}
