// The change-password page: username, current password, new password. The
// server verifies the current password (directory bind, or Styrke's own
// hash) and answers the same for an unknown username as for a wrong
// password. Nothing here logs or stores a password.

const root = document.querySelector('[data-change]');
const msg = root.dataset;
const form = document.getElementById('change-form');
const username = document.getElementById('username');
const current = document.getElementById('current-password');
const password = document.getElementById('new-password');
const confirmInput = document.getElementById('confirm-password');
const institution = document.getElementById('institution');
const meter = root.querySelector('styrke-meter');
const errors = root.querySelector('[data-errors]');
const setList = (items, heading) => styrkeForm.setList(errors, items, heading);
// sayDesk says text, whose words say to contact the service desk, with the
// chosen institution's desk named below it (it named none).
const sayDesk = (text) => {
  setList([text]);
  styrkeForm.addContact(errors, msg.msgContact, styrkeForm.deskOf(config, institution.value));
};
const submit = form.querySelector('button:not([type=button])');
// The form is hidden in the HTML: without JavaScript it was there to fill
// in, and its POST sent the passwords to the page's own address, which
// answered JSON in English. At #/done, the done page this tab showed (a
// reload, Back, another language: the empty form came back, and a person
// who tried again with the old current password was refused and counted).
const kept = styrkeForm.keptDone('change');
if (kept) showDone(kept);
else root.querySelector('[data-state=form]').hidden = false;

// Whether the reset with ID-porten is on here: where it is off, the
// texts that send people to "Forgot password" are the ones that do not,
// and the link to it goes.
let resetOn = true;
// The server's configuration, for the service desk of the institution
// chosen: the words that say to contact it name it.
let config = null;
styrkeForm.api('/api/reset/config').then((res) => {
  if (res.status !== 200) return;
  config = res.data;
  if (res.data?.idporten === false) {
    resetOn = false;
    for (const el of root.querySelectorAll('[data-forgot-link]')) el.hidden = true;
  }
  // The institutions this installation serves: the others leave the list
  // (the server refuses them), and with one there is nothing to choose.
  const served = Array.isArray(res.data?.served) ? res.data.served : [];
  if (served.length > 0) {
    for (const opt of [...institution.options]) {
      if (!served.includes(opt.value)) opt.remove();
    }
    if (institution.selectedIndex < 0 && institution.options.length > 0) institution.selectedIndex = 0;
    institution.closest('.field').hidden = institution.options.length <= 1;
    applyInstitution();
  } else {
    askRules();
  }
}).catch(() => {});
const text = (key) => (!resetOn && msg[`${key}Noreset`]) || msg[key];

// askRules asks for the directory's rules of the institution chosen, once
// the server's configuration says which it serves (one it does not serve
// was asked for, and refused).
function askRules() {
  if (config) styrkeForm.directoryRules(root, institution.value, password, meter);
}

function applyInstitution() {
  for (const el of root.querySelectorAll('[data-policy-id]')) el.hidden = el.dataset.policyId !== institution.value;
  const section = root.querySelector(`[data-policy-id="${CSS.escape(institution.value)}"]`);
  styrkeForm.describeRules(password, section);
  askRules();
  if (section) {
    password.setAttribute('passwordrules', section.dataset.passwordrules);
    password.minLength = Number(section.dataset.minlength);
    password.maxLength = Number(section.dataset.maxlength);
  }
  if (meter) meter.setAttribute('policy', institution.value);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (styrkeForm.isBusy(submit)) return;
  // Each empty field said under it, the first one focused (they went to
  // the server, whose 400 read as "could not reach the service").
  const empty = [[username, msg.msgNousername], [current, msg.msgNocurrent]].filter(([input]) => input.value.trim() === '');
  if (empty.length) {
    setList(empty.map(([, text]) => text));
    for (const [input, text] of empty.reverse()) styrkeForm.invalid(input, text);
    return;
  }
  if (!styrkeForm.newPasswordHolds(root, password, confirmInput, meter, errors, msg)) return;
  await send(submit);
});

// The directory's outage at the submit (503 directory_unavailable): its
// own state, what was typed kept in the hidden form (the current password
// in its field, as typed, and nowhere else), and "Try again" to send it
// once more. Beside the form, the new password's description said it
// "meets the requirements", as if it could be set.
const directoryRetry = root.querySelector('[data-directory-retry]');

// A submit whose answer was lost (none came, or 503 directory_unconfirmed:
// the directory's): the new password may be the account's. Its own state
// says so, and "Try again" sends the same fields, which finishes the
// change; until an answer settles it (unsure), a directory still down is
// said there, never as the outage's "your password was not changed".
const unconfirmedRetry = root.querySelector('[data-unconfirmed-retry]');
let unsure = false;

// send sends what was typed, button showing that it is busy, and shows the
// answer. From "Try again" (button directoryRetry or unconfirmedRetry), a
// directory still down is said with its time in the status line, the focus
// left on the button; any other answer but the done page's shows the form
// again, the focus on its button, right below the answer's words, unless
// the answer moves it to a field.
async function send(button) {
  const again = button === directoryRetry || button === unconfirmedRetry;
  const done = styrkeForm.busy(button, msg.msgBusy);
  const res = await styrkeForm.post('/api/change', { username: username.value, institution: institution.value, current: current.value, password: password.value });
  done();
  // No answer to a request that went out is the directory's lost answer
  // again: the new password may be set (it said "could not reach the
  // service", and the same fields again met "the current password is
  // wrong").
  const state = styrkeForm.held(root, res, unsure, again);
  if (state) {
    unsure ||= state === 'unconfirmed';
    setList([]);
    styrkeForm.show(root, state, !again);
    return;
  }
  if (again && res?.status !== 200 && res?.status !== 204) {
    styrkeForm.show(root, 'form', false);
    submit.focus();
  }
  if (!res) {
    setList([msg.msgError]);
    return;
  }
  switch (res.status) {
    case 200:
    case 204:
      unsure = false;
      current.value = '';
      password.value = '';
      confirmInput.value = '';
      styrkeForm.keepDone('change', res.data);
      showDone(res.data);
      return;
    case 422: {
      const violations = res.data?.violations;
      const texts = Array.isArray(violations) ? violations.map((v) => v.message) : [msg.msgServererror];
      // The directory refused the change itself (its minimum password
      // age: any password would be refused until the time the text
      // says), not this password: the meter keeps its verdict of the
      // password, which said "does not meet the requirements" above the
      // refusal, and the field is not marked wrong.
      if (Array.isArray(violations) && violations.length > 0 && violations.every((v) => v?.rule === 'directory_too_young')) {
        setList(texts, msg.msgNotnow);
        return;
      }
      setList(texts, msg.msgRejected);
      styrkeForm.refused(password, meter, res.data, texts, msg.msgRejectedbelow);
      return;
    }
    case 401:
      // A wrong password, an unknown username, or an account the
      // directory has locked: one answer, whose text says all three.
      // Without the reset, its way out of a lock is the service desk:
      // named below it.
      if (resetOn) setList([text('msgWrong')]);
      else sayDesk(text('msgWrong'));
      styrkeForm.invalid(current, text('msgWrong'));
      return;
    case 400:
      // The request's own fault, found by the server: of what the page
      // sends, only a new password equal to the current one gets here.
      if (res.data?.error?.fields?.includes('password')) {
        // The server says so only of a password its rules pass: the meter
        // said "The password meets the requirements" right under the
        // refusal. It takes it as the server's no, on its "not used
        // before" row, as it takes a 422's.
        setList([msg.msgSame]);
        styrkeForm.refused(password, meter, { violations: [{ rule: 'reused', params: {}, message: msg.msgSame }] }, [msg.msgSame], msg.msgRejectedbelow);
      } else if (res.data?.error?.fields?.includes('username')) {
        setList([msg.msgNousername]);
        styrkeForm.invalid(username, msg.msgNousername);
      } else if (res.data?.error?.fields?.includes('current')) {
        setList([msg.msgNocurrent]);
        styrkeForm.invalid(current, msg.msgNocurrent);
      } else {
        sayDesk(msg.msgServererror);
      }
      return;
    case 409: {
      // The account belongs to another institution of the list, whose
      // rules judge its password: choose it, and let the meter show them.
      const own = res.data?.error?.institution;
      const option = [...institution.options].find((o) => o.value === own);
      if (!option) {
        setList([msg.msgError]);
        return;
      }
      institution.value = own;
      applyInstitution();
      setList([msg.msgWronginstitution.replace('{name}', option.textContent)]);
      institution.focus();
      return;
    }
    case 403:
      if (res.data?.error?.code === 'account_disabled') sayDesk(msg.msgDisabled);
      else setList([msg.msgError]);
      return;
    case 429: {
      // Which limit (the server's "limit"), each with its wait: too many
      // wrong current passwords for the account, or from the network's
      // address (a quarter of an hour), or the network's requests
      // (seconds). All said "Wait a quarter of an hour".
      const limit = res.data?.error?.limit;
      const said = limit === 'account' ? text('msgToomany') : limit === 'address' ? text('msgToomanyaddress') : msg.msgToomanyrequests;
      setList([styrkeForm.waited(root, said, res)]);
      return;
    }
    case 503: {
      const code = res.data?.error?.code;
      // The directory's outage has its state (above); the service's own
      // (its database, "unavailable") is not said as the directory's.
      // The directory's set-up and the service's own failure send the
      // person to the service desk.
      const byCode = {
        breach_unavailable: msg.msgBreachdown,
        overloaded: msg.msgOverloaded,
      };
      if (byCode[code]) setList([byCode[code]]);
      else sayDesk(code === 'directory_error' ? msg.msgDirectoryerror : msg.msgServererror);
      return;
    }
    default:
      // An answer the page does not know (a 500): the service's fault,
      // not the connection's.
      sayDesk(msg.msgServererror);
  }
}

// showDone shows the done page of the answer data (null for a 204).
function showDone(data) {
  // 200 {"breachChecked": false}: set without the breach check (the
  // service did not answer, and the institution accepts then).
  root.querySelector('[data-breach-unchecked]').hidden = data?.breachChecked !== false;
  // 200 {"directory": false}: Styrke kept it, and nothing logs in with it
  // yet (no directory configured); the page said to use it the next time.
  const done = data?.directory === false ? 'none' : 'directory';
  for (const el of root.querySelectorAll('[data-state=done] [data-done]')) el.hidden = el.dataset.done !== done;
  styrkeForm.loginLink(root.querySelector('[data-state=done]'), data);
  styrkeForm.show(root, 'done');
}

directoryRetry.addEventListener('click', () => {
  if (styrkeForm.isBusy(directoryRetry)) return;
  send(directoryRetry);
});
unconfirmedRetry.addEventListener('click', () => {
  if (styrkeForm.isBusy(unconfirmedRetry)) return;
  send(unconfirmedRetry);
});

username.addEventListener('input', () => username.removeAttribute('aria-invalid'));
current.addEventListener('input', () => current.removeAttribute('aria-invalid'));
password.addEventListener('input', () => {
  password.removeAttribute('aria-invalid');
  styrkeForm.directoryHint(root, password, meter);
});
// A reminder that the password expires names the person's institution
// (?institution=ID): the form starts with it chosen, when the list has it.
{
  const id = new URLSearchParams(location.search).get('institution') ?? '';
  if (/^[A-Za-z0-9_-]{1,64}$/.test(id) && [...institution.options].some((o) => o.value === id)) institution.value = id;
}
// Another institution chosen: the last answer was about the one before
// (its rules refused the password, its directory the current one), so its
// words leave the fields and the list; they stayed, and a screen reader
// read the old institution's refusal with the new one's rules.
institution.addEventListener('change', () => {
  for (const input of [username, current, password, confirmInput]) styrkeForm.valid(input);
  setList([]);
  applyInstitution();
});
applyInstitution();

if (meter) {
  setTimeout(() => {
    if (!customElements.get('styrke-meter')) root.querySelector('[data-no-meter]').hidden = false;
  }, 5000);
}
