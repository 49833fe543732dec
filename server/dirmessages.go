package server

import (
	"github.com/styrke-iam/styrke/policy"
	"github.com/styrke-iam/styrke/server/directory"
)

// directoryMessages says, in nb, nn and en, what each of the directory's
// refusals means and what to do. The directory's own diagnostic goes to
// the log only.
var directoryMessages = map[string][3]string{
	directory.RuleComplexity: {
		"Katalogen du logger inn med avviste passordet: det må ha tegn av minst tre slag (store bokstaver, små bokstaver, sifre, andre tegn) og kan ikke inneholde brukernavnet ditt. Legg til et tegn av et slag som mangler.",
		"Katalogen du loggar inn med avviste passordet: det må ha teikn av minst tre slag (store bokstavar, små bokstavar, siffer, andre teikn) og kan ikkje innehalde brukarnamnet ditt. Legg til eit teikn av eit slag som manglar.",
		"The directory you log in with refused the password: it requires characters of at least three kinds (upper case, lower case, digits, other characters) and not your username. Add a character of a missing kind.",
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

// directoryViolation is the directory's refusal as a violation, in lang
// (nb, nn or en; anything else nb).
func directoryViolation(rule, lang string) policy.Violation {
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
	return policy.Violation{Rule: rule, Message: m[i]}
}
