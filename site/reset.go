package site

// ResetPage is the forgotten-password page: sign in with ID-porten, then
// choose a password with the meter.
type ResetPage struct {
	Page
	// Policies are every built-in policy (as on the activation page).
	Policies []PolicyView
}

// ChangePage is the change-password page.
type ChangePage struct {
	Page
	// Policies are every built-in policy: the person picks the
	// institution when there are several.
	Policies []PolicyView
}

// ResetText is every word of the reset and change pages in one language.
type ResetText struct {
	lang string

	ResetTitle, ChangeTitle, HomeReset, HomeChange, ExpiredLink string

	ResetLead, ResetStart, ResetInstitution, ResetLoading      string
	ResetOffTitle, ResetOff, ResetContact                      string
	ResetCancelledTitle, ResetCancelled                        string
	ResetFailedTitle, ResetFailed                              string
	ResetExpiredTitle, ResetExpired                            string
	ResetLevelTitle, ResetLevel                                string
	ResetNoMatchTitle, ResetNoMatch                            string
	ResetNoNumberTitle, ResetNoNumber                          string
	ResetUnavailableTitle, ResetUnavailable                    string
	ResetEndedTitle, ResetEnded, ResetAgain                    string
	ResetFormLead, ResetCancel, ResetDoneTitle, ResetDone      string
	ResetBusy                                                  string
	ResetDirectoryError                                        string
	ChangeLead, ChangeCurrent, ChangeDoneTitle, ChangeDone     string
	ChangeWrong, ChangeTooMany, ChangeSubmit, ChangeForgotLink string
	ChangeDisabled                                             string
	ChangeSame, ChangeWrongInstitution                         string
}

// ResetTexts returns the reset and change pages' words in lang.
func ResetTexts(lang string) ResetText {
	t := resetTexts[langIndex(lang)]
	t.lang = Languages[langIndex(lang)]
	return t
}

func (r ResetText) title(id PageID) string {
	if id == Change {
		return r.ChangeTitle
	}
	return r.ResetTitle
}

var resetTexts = [3]ResetText{
	{
		ResetTitle: "Glemt passord", ChangeTitle: "Endre passord",
		HomeReset:   "Vis hvem du er, med ID-porten der institusjonen din tilbyr det, og velg et nytt passord.",
		HomeChange:  "Du kan passordet ditt og vil velge et nytt.",
		ExpiredLink: "Har du et norsk fødselsnummer eller D-nummer? Logg inn med ID-porten og velg passord selv.",
		ResetLead:   "Logg inn med ID-porten (BankID, MinID, Buypass eller Commfides). Så velger du et nytt passord til kontoen din.",
		ResetStart:  "Logg inn med ID-porten", ResetInstitution: "Institusjon", ResetLoading: "Et øyeblikk …",
		ResetOffTitle: "Glemt passord med ID-porten er ikke tilgjengelig her", ResetOff: "Her kan du ikke velge nytt passord ved å logge inn med ID-porten. Kontakt brukerstøtten for å få nytt passord.",
		ResetContact:        "Brukerstøtte:",
		ResetCancelledTitle: "Innloggingen ble avbrutt", ResetCancelled: "Du avbrøt innloggingen i ID-porten. Ingenting er endret.",
		ResetFailedTitle: "Innloggingen kunne ikke fullføres", ResetFailed: "Noe i svaret fra ID-porten stemte ikke, så vi stoppet for sikkerhets skyld. Ingenting er endret. Prøv igjen.",
		ResetExpiredTitle: "Innloggingen tok for lang tid", ResetExpired: "Start på nytt; innloggingen må fullføres innen ti minutter. Ingenting er endret.",
		ResetLevelTitle: "For lavt sikkerhetsnivå", ResetLevel: "Innloggingen må være på sikkerhetsnivå betydelig eller høyt. Bruk BankID, MinID med kode, Buypass eller Commfides.",
		ResetNoMatchTitle: "Vi kunne ikke finne kontoen din", ResetNoMatch: "Vi fant ingen konto knyttet til deg, så vi kan ikke endre passordet automatisk. Kontakt brukerstøtte, så hjelper de deg.",
		ResetNoNumberTitle: "Vi fikk ikke fødselsnummeret ditt", ResetNoNumber: "Innloggingen ga ikke et norsk fødselsnummer eller D-nummer. Kontakt brukerstøtte.",
		ResetUnavailableTitle: "ID-porten svarer ikke", ResetUnavailable: "Vi får ikke kontakt med ID-porten akkurat nå. Ingenting er endret. Prøv igjen om litt.",
		ResetEndedTitle: "Økten er avsluttet", ResetEnded: "Tilbakestillingen er brukt, avbrutt eller utløpt. Logg inn på nytt for å velge passord.", ResetAgain: "Start på nytt",
		ResetFormLead: "Du er logget inn. Velg et nytt passord til kontoen under.", ResetCancel: "Avbryt",
		ResetDoneTitle: "Passordet er endret", ResetDone: "Du kan logge inn med det nye passordet nå. Du er logget ut her.",
		ResetBusy: "Passordet lagres allerede i en annen fane. Vent litt.", ResetDirectoryError: "Passordet kunne ikke settes på grunn av et oppsettsproblem hos institusjonen. Ingenting er endret. Kontakt brukerstøtten.",
		ChangeLead: "Skriv brukernavnet og passordet du har nå, og velg et nytt.", ChangeCurrent: "Nåværende passord",
		ChangeDoneTitle: "Passordet er endret", ChangeDone: "Bruk det nye passordet neste gang du logger inn.",
		ChangeWrong: "Brukernavnet eller det nåværende passordet er feil. Etter for mange feil passord, her eller andre steder, kan kontoen være låst en stund; da kan du velge nytt passord med «Glemt passord».", ChangeTooMany: "For mange feil passord for dette brukernavnet. Vent {wait}, eller bruk «Glemt passord».", ChangeDisabled: "Kontoen er deaktivert eller har gått ut. Kontakt brukerstøtten.",
		ChangeSame: "Det nye passordet må være et annet enn det nåværende.", ChangeWrongInstitution: "Kontoen hører til {name}. Den er nå valgt i lista øverst, og passordet må følge reglene der. Se over reglene og prøv igjen.",
		ChangeSubmit: "Endre passord", ChangeForgotLink: "Har du glemt passordet?",
	},
	{
		ResetTitle: "Gløymt passord", ChangeTitle: "Endre passord",
		HomeReset:   "Vis kven du er, med ID-porten der institusjonen din tilbyr det, og vel eit nytt passord.",
		HomeChange:  "Du kan passordet ditt og vil velje eit nytt.",
		ExpiredLink: "Har du eit norsk fødselsnummer eller D-nummer? Logg inn med ID-porten og vel passord sjølv.",
		ResetLead:   "Logg inn med ID-porten (BankID, MinID, Buypass eller Commfides). Så vel du eit nytt passord til kontoen din.",
		ResetStart:  "Logg inn med ID-porten", ResetInstitution: "Institusjon", ResetLoading: "Eit augneblink …",
		ResetOffTitle: "Gløymt passord med ID-porten er ikkje tilgjengeleg her", ResetOff: "Her kan du ikkje velje nytt passord ved å logge inn med ID-porten. Kontakt brukarstøtta for å få nytt passord.",
		ResetContact:        "Brukarstøtte:",
		ResetCancelledTitle: "Innlogginga vart avbroten", ResetCancelled: "Du avbraut innlogginga i ID-porten. Ingenting er endra.",
		ResetFailedTitle: "Innlogginga kunne ikkje fullførast", ResetFailed: "Noko i svaret frå ID-porten stemde ikkje, så vi stoppa for tryggleiks skuld. Ingenting er endra. Prøv igjen.",
		ResetExpiredTitle: "Innlogginga tok for lang tid", ResetExpired: "Start på nytt; innlogginga må fullførast innan ti minutt. Ingenting er endra.",
		ResetLevelTitle: "For lågt tryggleiksnivå", ResetLevel: "Innlogginga må vere på tryggleiksnivå betydeleg eller høgt. Bruk BankID, MinID med kode, Buypass eller Commfides.",
		ResetNoMatchTitle: "Vi kunne ikkje finne kontoen din", ResetNoMatch: "Vi fann ingen konto knytt til deg, så vi kan ikkje endre passordet automatisk. Kontakt brukarstøtta, så hjelper dei deg.",
		ResetNoNumberTitle: "Vi fekk ikkje fødselsnummeret ditt", ResetNoNumber: "Innlogginga gav ikkje eit norsk fødselsnummer eller D-nummer. Kontakt brukarstøtta.",
		ResetUnavailableTitle: "ID-porten svarar ikkje", ResetUnavailable: "Vi får ikkje kontakt med ID-porten akkurat no. Ingenting er endra. Prøv igjen om litt.",
		ResetEndedTitle: "Økta er avslutta", ResetEnded: "Tilbakestillinga er brukt, avbroten eller gått ut. Logg inn på nytt for å velje passord.", ResetAgain: "Start på nytt",
		ResetFormLead: "Du er logga inn. Vel eit nytt passord til kontoen under.", ResetCancel: "Avbryt",
		ResetDoneTitle: "Passordet er endra", ResetDone: "Du kan logge inn med det nye passordet no. Du er logga ut her.",
		ResetBusy: "Passordet blir allereie lagra i ei anna fane. Vent litt.", ResetDirectoryError: "Passordet kunne ikkje setjast på grunn av eit oppsettsproblem hos institusjonen. Ingenting er endra. Kontakt brukarstøtta.",
		ChangeLead: "Skriv brukarnamnet og passordet du har no, og vel eit nytt.", ChangeCurrent: "Noverande passord",
		ChangeDoneTitle: "Passordet er endra", ChangeDone: "Bruk det nye passordet neste gong du loggar inn.",
		ChangeWrong: "Brukarnamnet eller det noverande passordet er feil. Etter for mange feil passord, her eller andre stader, kan kontoen vere låst ei stund; då kan du velje nytt passord med «Gløymt passord».", ChangeTooMany: "For mange feil passord for dette brukarnamnet. Vent {wait}, eller bruk «Gløymt passord».", ChangeDisabled: "Kontoen er deaktivert eller har gått ut. Kontakt brukarstøtta.",
		ChangeSame: "Det nye passordet må vere eit anna enn det noverande.", ChangeWrongInstitution: "Kontoen høyrer til {name}. Han er no vald i lista øvst, og passordet må følgje reglane der. Sjå over reglane og prøv igjen.",
		ChangeSubmit: "Endre passord", ChangeForgotLink: "Har du gløymt passordet?",
	},
	{
		ResetTitle: "Forgot password", ChangeTitle: "Change password",
		HomeReset:   "Prove who you are, with ID-porten where your institution offers it, and choose a new password.",
		HomeChange:  "You know your password and want a new one.",
		ExpiredLink: "Do you have a Norwegian national identity number or D-number? Sign in with ID-porten and choose a password yourself.",
		ResetLead:   "Sign in with ID-porten (BankID, MinID, Buypass or Commfides). Then choose a new password for your account.",
		ResetStart:  "Sign in with ID-porten", ResetInstitution: "Institution", ResetLoading: "One moment …",
		ResetOffTitle: "Forgot password with ID-porten is not available here", ResetOff: "Here you cannot choose a new password by signing in with ID-porten. Contact the service desk for a new password.",
		ResetContact:        "Service desk:",
		ResetCancelledTitle: "Sign-in cancelled", ResetCancelled: "You cancelled the sign-in at ID-porten. Nothing was changed.",
		ResetFailedTitle: "The sign-in could not be completed", ResetFailed: "Something in ID-porten's answer did not add up, so we stopped to be safe. Nothing was changed. Try again.",
		ResetExpiredTitle: "The sign-in took too long", ResetExpired: "Start again; the sign-in must be completed within ten minutes. Nothing was changed.",
		ResetLevelTitle: "Security level too low", ResetLevel: "The sign-in must be at level substantial or high. Use BankID, MinID with a code, Buypass or Commfides.",
		ResetNoMatchTitle: "We could not find your account", ResetNoMatch: "We found no account linked to you, so we cannot change the password automatically. Contact the service desk and they will help you.",
		ResetNoNumberTitle: "We did not get your identity number", ResetNoNumber: "The sign-in gave no Norwegian national identity number or D-number. Contact the service desk.",
		ResetUnavailableTitle: "ID-porten does not answer", ResetUnavailable: "We cannot reach ID-porten right now. Nothing was changed. Try again shortly.",
		ResetEndedTitle: "The session has ended", ResetEnded: "The reset was used, cancelled or has expired. Sign in again to choose a password.", ResetAgain: "Start again",
		ResetFormLead: "You are signed in. Choose a new password for the account below.", ResetCancel: "Cancel",
		ResetDoneTitle: "Your password is changed", ResetDone: "You can log in with the new password now. You are signed out here.",
		ResetBusy: "The password is already being saved in another tab. Wait a moment.", ResetDirectoryError: "The password could not be set because of a configuration problem at your institution. Nothing was changed. Contact the service desk.",
		ChangeLead: "Enter your username and your current password, and choose a new one.", ChangeCurrent: "Current password",
		ChangeDoneTitle: "Your password is changed", ChangeDone: "Use the new password the next time you log in.",
		ChangeWrong: "The username or the current password is wrong. After too many wrong passwords, here or elsewhere, the account may be locked for a while; then you can choose a new password with “Forgot password”.", ChangeTooMany: "Too many wrong passwords for this username. Wait {wait}, or use “Forgot password”.", ChangeDisabled: "The account is disabled or has expired. Contact the service desk.",
		ChangeSame: "The new password must be different from the current one.", ChangeWrongInstitution: "The account belongs to {name}. It is now chosen in the list at the top, and the password must follow its rules. Check the rules and try again.",
		ChangeSubmit: "Change password", ChangeForgotLink: "Forgot your password?",
	},
}
