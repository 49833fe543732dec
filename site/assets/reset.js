// The forgotten-password page. The server's callback sends the browser here
// with #/pw (a reset session is in an HttpOnly cookie this script never
// sees) or #/error/CODE. Nothing here logs or stores the password; the
// identity number never reaches this page.

const root = document.querySelector('[data-reset]');
const lang = document.documentElement.lang || 'nb';
const msg = root.dataset;
const form = document.getElementById('activate-form');
const password = document.getElementById('new-password');
const confirmInput = document.getElementById('confirm-password');
const usernameInput = document.getElementById('username');
const meter = root.querySelector('styrke-meter');
const errors = root.querySelector('[data-errors]');
// show shows one state; the session's time (and the note of accounts that
// need a higher level) is shown with the form and the choice only, and its
// timers stop elsewhere.
const show = (state, focus = true) => {
  styrkeForm.show(root, state, focus);
  // The directory's outage too, and a submit whose answer was lost: the
  // sign-in holds while they last.
  const live = state === 'form' || state === 'choose' || state === 'directorydown' || state === 'unconfirmed';
  root.querySelector('[data-session-time]').hidden = !live;
  if (!live) {
    clearTimeout(deadlineTimer);
    clearTimeout(endTimer);
  }
};
const { api } = styrkeForm;
const setList = (items, heading) => styrkeForm.setList(errors, items, heading);
const submit = form.querySelector('button:not([type=button])');
const start = root.querySelector('[data-start]');
const institution = document.getElementById('institution');

const ERRORS = new Set(['off', 'cancelled', 'failed', 'expired', 'level', 'levelhigh', 'nomatch', 'nonumber', 'unavailable', 'store']);

let config = { idporten: false, serviceDesk: '', institutions: [] };

// A welcome from the service desk names the person's institution
// (?institution=ID): the sign-in then looks among its accounts only, as
// when the person picks it in the list.
const named = (() => {
  const id = new URLSearchParams(location.search).get('institution') ?? '';
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : '';
})();

function applyConfig(c) {
  config = c;
  styrkeForm.showContact(root, c.serviceDesk || '');
  const ids = Array.isArray(c.institutions) ? c.institutions : [];
  const field = root.querySelector('[data-institution-field]');
  if (ids.length > 1) {
    for (const opt of [...institution.options]) {
      if (!ids.includes(opt.value)) opt.remove();
    }
    if (named && ids.includes(named)) institution.value = named;
    field.hidden = false;
  }
  updateStart();
}

function updateStart() {
  const q = new URLSearchParams({ lang });
  const field = root.querySelector('[data-institution-field]');
  if (!field.hidden && institution.value) q.set('institution', institution.value);
  else if (named) q.set('institution', named);
  start.href = `/auth/idporten/start?${q}`;
}

let account = null;
// asked is the account chosen whose session answered that the directory
// does not answer: "Try again" asks for it again.
let asked = null;
// Every account the sign-in found, when it found several: the person
// chooses (and may go back to choose another).
let accounts = [];
const other = root.querySelector('[data-other]');

// The session's time limit, said on the form, and a minute before it ends
// said again in a status line (WCAG 2.2.1: the ten minutes ran out
// unannounced, and the typed password with them).
let deadlineTimer = 0;
// endTimer ends the page's session when the server's does: the form stayed
// live, and offered more time it could not give.
let endTimer = 0;
// extendable is false once the server said the session cannot be
// extended again (two hours after the sign-in).
let extendable = true;
let expires = '';
const extendRow = root.querySelector('[data-extend-row]');
const soon = root.querySelector('[data-deadline-soon]');
const clock = (at) => styrkeForm.clock(at);
// skew is how far this browser's clock is ahead of the server's, by the
// server's last answer: the session's end is the server's time, and a
// phone whose clock was minutes fast ended the session at once.
let skew = 0;
function heard(data) {
  const now = Date.parse(data?.now);
  if (!Number.isNaN(now)) skew = Date.now() - now;
}
// showDeadline says the session's end (the server's expiresAt) by this
// browser's clock, times the warning and the end by it, and returns it.
function showDeadline(expiresAt) {
  const at = new Date(Date.parse(expiresAt) + skew);
  const line = root.querySelector('[data-deadline]');
  clearTimeout(deadlineTimer);
  clearTimeout(endTimer);
  soon.textContent = '';
  extendRow.hidden = true;
  if (Number.isNaN(at.getTime())) {
    line.hidden = true;
    return at;
  }
  expires = expiresAt;
  endTimer = setTimeout(ended, Math.max(0, at - Date.now()));
  line.textContent = line.dataset.text.replace('{time}', clock(at));
  line.hidden = false;
  // A minute before the end: said, with a button for more time (WCAG
  // 2.2.1: a simple action, at least 20 seconds before).
  deadlineTimer = setTimeout(() => {
    soon.textContent = soon.dataset.text;
    extendRow.hidden = !extendable;
  }, Math.max(0, at - Date.now() - 60000));
  return at;
}

root.querySelector('[data-extend]').addEventListener('click', async () => {
  let res;
  try {
    res = await api('/api/reset/extend', {});
  } catch {
    res = null;
  }
  if (res?.status === 200 && res.data?.expiresAt) {
    extendable = res.data.extendable === true;
    heard(res.data);
    const at = showDeadline(res.data.expiresAt);
    // The button is gone: the focus goes back to the password (or the
    // first account to choose, or "Try again" while the directory is
    // down), and the status line says the new time.
    const down = !root.querySelector('[data-state=directorydown]').hidden;
    const lost = !root.querySelector('[data-state=unconfirmed]').hidden;
    (down ? directoryRetry : lost ? unconfirmedRetry : account ? password : root.querySelector('[data-testid=choice]') ?? password).focus();
    soon.textContent = soon.dataset.extended.replace('{time}', clock(at));
    return;
  }
  if (res?.status === 410 || res?.status === 401) {
    ended();
    return;
  }
  // Said in the status line above the button, which stays for another
  // try: the form's error list was hidden in the choice of accounts and
  // the directory's outage (the button seemed to do nothing), and a
  // screen below the button in the form.
  soon.textContent = res?.status === 429 ? styrkeForm.waited(root, msg.msgToomany, res) : res ? msg.msgServererror : msg.msgError;
});

// forget empties what was typed, and what was said of it.
function forget() {
  password.value = '';
  confirmInput.value = '';
  setList([]);
}

// unsure is true once a submit's answer was lost (503
// directory_unconfirmed, or no answer at all): the password sent may be
// set, and nothing this page says may claim that nothing was changed,
// until an answer settles it.
let unsure = false;

// ended shows that the session is over, and forgets what was typed; after
// a submit whose answer was lost it says that password may be set.
function ended() {
  remember(null);
  account = null;
  asked = null;
  forget();
  root.querySelector('[data-ended-unsure]').hidden = !unsure;
  unsure = false;
  show('ended');
}

// unconfirmed shows that a submit's answer was lost: the password may be
// set; "Try again" sends what was typed (kept in the hidden form) again.
// again: the answer to "Try again", said with its time in the status line
// while the focus stays on the button.
const unconfirmedRetry = root.querySelector('[data-unconfirmed-retry]');
const unconfirmedChecked = root.querySelector('[data-unconfirmed-checked]');
function unconfirmed(again = false) {
  unsure = true;
  setList([]);
  styrkeForm.saidAt(unconfirmedChecked, again);
  show('unconfirmed', !again);
}

// sessionTime reads what the server says of the session (expiry, whether it
// may be extended, the server's clock) from an answer.
function sessionTime(data) {
  if (typeof data?.extendable === 'boolean') extendable = data.extendable;
  heard(data);
  if (data?.expiresAt) showDeadline(data.expiresAt);
}

function applyAccount(data) {
  for (const el of root.querySelectorAll('[data-policy-id]')) el.hidden = true;
  // The sign-in's accounts, or none to choose among (a single account's
  // answer kept the list of another sign-in's).
  accounts = Array.isArray(data.accounts) ? data.accounts : [];
  other.hidden = accounts.length < 2;
  const section = root.querySelector(`[data-policy-id="${CSS.escape(String(data.institution))}"]`);
  if (!section || section.dataset.policyVersion !== data.policyVersion) {
    show('mismatch');
    return;
  }
  section.hidden = false;
  styrkeForm.describeRules(password, section);
  account = data;
  styrkeForm.directoryRules(root, data.institution, password, meter, data.directoryRules);
  usernameInput.value = data.username ?? '';
  // No name known (none given with the link, none in the directory): no
  // empty "Name" row.
  const nameField = root.querySelector('[data-field="name"]');
  nameField.textContent = data.name ?? '';
  nameField.parentElement.hidden = !data.name;
  root.querySelector('[data-field="institution"]').textContent = data.policy?.name || section.dataset.policyName;
  password.setAttribute('passwordrules', section.dataset.passwordrules);
  password.minLength = Number(section.dataset.minlength);
  password.maxLength = Number(section.dataset.maxlength);
  if (meter) {
    meter.setAttribute('policy', data.institution);
    if (data.name) meter.setAttribute('name', data.name);
    if (data.phone) meter.setAttribute('phone', data.phone);
    if (data.birthDate) meter.setAttribute('birthdate', data.birthDate);
  }
  sessionTime(data);
  show('form', false);
  password.focus();
}

// showChoices lists the accounts a sign-in found (data.accounts), a button
// each; note says that another tab's sign-in replaced this one.
function showChoices(data, note = false) {
  const list = data.accounts;
  accounts = list;
  account = null;
  root.querySelector('[data-choose-note]').hidden = !note;
  const items = list.map((a) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'button';
    b.dataset.testid = 'choice';
    const user = document.createElement('strong');
    user.textContent = a.username ?? '';
    b.append(user, ` – ${a.institutionName || a.institution || ''}`);
    b.addEventListener('click', () => choose(a));
    li.append(b);
    return li;
  });
  root.querySelector('[data-choices]').replaceChildren(...items);
  sessionTime(data);
  show('choose');
}

// changedElsewhere shows the session another tab's sign-in left in the
// cookie, and says so: its account's form, or its choice of accounts.
async function changedElsewhere() {
  password.value = '';
  confirmInput.value = '';
  let now = null;
  try {
    now = await api('/api/reset/session', {});
  } catch {
    now = null;
  }
  if (now?.status !== 200) {
    ended();
    return;
  }
  if (!now.data?.username && Array.isArray(now.data?.accounts)) {
    showChoices(now.data, true);
    return;
  }
  applyAccount(now.data);
  setList([msg.msgSessionchanged]);
}

// directoryDown shows that the account's directory does not answer (503
// directory_unavailable, from the session or the submit): the sign-in
// holds, what was typed stays in the hidden form, and "Try again" asks
// again. data: the answer, which says until when the sign-in holds (the
// session's; the submit's does not). again: the answer to "Try again",
// said with its time in the status line while the focus stays on the
// button.
const directoryRetry = root.querySelector('[data-directory-retry]');
const directoryChecked = root.querySelector('[data-directory-checked]');
function directoryDown(data, again = false) {
  sessionTime(data);
  setList([]);
  styrkeForm.saidAt(directoryChecked, again);
  show('directorydown', !again);
}

const isDirectoryDown = (res) => res?.status === 503 && res.data?.error?.code === 'directory_unavailable';

// noAccount shows that the directory cannot set this account's password
// (503 account_missing: it has no such account; directory_error: the
// institution's configuration), before a password is typed: it was found
// at the submit. The sign-in's other accounts may be chosen instead.
const isNoAccount = (res) => res?.status === 503 && ['account_missing', 'directory_error'].includes(res.data?.error?.code);
function noAccount(data) {
  sessionTime(data);
  if (Array.isArray(data?.accounts)) accounts = data.accounts;
  account = null;
  forget();
  const p = root.querySelector('[data-noaccount-text]');
  const text = data?.error?.code === 'account_missing' ? p.dataset.missing : p.dataset.config;
  p.textContent = text.replace('{username}', String(data?.username ?? '')).replace('{institution}', String(data?.institutionName || data?.institution || ''));
  // Whom to ask: the account's institution's desk (it named the server's).
  styrkeForm.showContact(root.querySelector('[data-state=noaccount]'), styrkeForm.deskOf(config, data?.institution));
  root.querySelector('[data-noaccount-other]').hidden = accounts.length < 2;
  show('noaccount');
}
root.querySelector('[data-noaccount-other] button').addEventListener('click', () => {
  remember(null);
  showChoices({ accounts, expiresAt: expires, extendable });
});

// showError shows the error state with text: by default that the service
// could not be reached (the request failed).
function showError(text = msg.msgError) {
  root.querySelector('[data-error-text]').textContent = text;
  show('error');
}

// sessionError says why /api/reset/session gave neither the form nor the
// choice (an answer sessionAnswer does not show otherwise), and what to
// do: the state's "Try again" asks again. It showed the start, with no
// word of what happened.
function sessionError(res) {
  const code = res.data?.error?.code;
  if (res.status === 429) showError(styrkeForm.waited(root, msg.msgSessiontoomany, res));
  else if (res.status === 503 && code === 'unavailable') showError(msg.msgSessionstoredown);
  else showError(msg.msgServererror);
}

// sessionAnswer shows what /api/reset/session answered: the account's
// form, the choice of several, or why there is neither.
function sessionAnswer(res, focus) {
  if (isDirectoryDown(res)) {
    directoryDown(res.data);
    return;
  }
  if (isNoAccount(res)) {
    noAccount(res.data);
    return;
  }
  switch (res.status) {
    case 200:
      if (!res.data?.username && Array.isArray(res.data?.accounts)) {
        const again = remembered(res.data.accounts);
        if (again) choose(again);
        else showChoices(res.data);
      } else applyAccount(res.data);
      return;
    case 410:
      ended();
      return;
    case 401:
      // No session (#/pw after it was used, or without a sign-in): the
      // start.
      show('start', focus);
      return;
    default:
      sessionError(res);
  }
}

// chosenAnswer shows what /api/reset/session answered for an account
// asked for by name (a choice among several, or "Try again" while the
// directory was down).
function chosenAnswer(res) {
  switch (res.status) {
    case 409:
      // The account chosen is not the sign-in's now (another tab signed
      // in again): said, with what the cookie now holds.
      changedElsewhere();
      return;
    case 401:
    case 410:
      // This page had a session: it ran out, or was ended.
      ended();
      return;
    default:
      sessionAnswer(res, true);
  }
}

// The account chosen is kept for this tab, so that a reload or a switch of
// language goes back to its form, not to the choice (no secret: the
// username and the institution).
const CHOICE = 'styrke-reset-choice';
const remember = (a) => {
  try {
    if (a) sessionStorage.setItem(CHOICE, JSON.stringify({ username: a.username, institution: a.institution }));
    else sessionStorage.removeItem(CHOICE);
  } catch {
    // Storage refused (a private mode): the choice is asked again.
  }
};
const remembered = (list) => {
  try {
    const c = JSON.parse(sessionStorage.getItem(CHOICE) ?? 'null');
    return list.find((a) => a.username === c?.username && a.institution === c?.institution) ?? null;
  } catch {
    return null;
  }
};

async function choose(a) {
  let res;
  try {
    res = await api('/api/reset/session', { username: a.username ?? '', institution: a.institution ?? '' });
  } catch {
    showError();
    return;
  }
  // Kept while the directory is down too, for "Try again".
  remember(res.status === 200 || isDirectoryDown(res) ? a : null);
  asked = isDirectoryDown(res) ? a : null;
  forget();
  chosenAnswer(res);
}

// route shows the state the address and the server say; focus moves the
// focus to the start's heading (a press of "Start again": it fell to the
// page's body, and the next Tab skipped the sign-in button).
async function route(focus = false) {
  show('loading', false);
  let known = false;
  // What to say when the server did not say whether ID-porten is on: too
  // many requests (a campus behind one address), the service failing (a
  // proxy's 502 while it is down, a 500), or no answer at all. Each said
  // "check your connection", which was fine for the first two.
  let unknown = msg.msgError;
  try {
    const res = await api('/api/reset/config');
    if (res.status === 200 && res.data) {
      applyConfig(res.data);
      known = true;
    } else if (res.status === 404) {
      known = true; // no API on this host (the static site alone): no reset here
    } else if (res.status === 429) {
      unknown = styrkeForm.waited(root, msg.msgToomany, res);
    } else if (res.status >= 500) {
      unknown = msg.msgServererror;
    }
  } catch {
    // Unknown: said below, unless the address names an error already.
  }
  const hash = location.hash;
  // Back from ID-porten's logout (GET /auth/idporten/logout).
  if (hash === '#/signedout') {
    show('signedout');
    return;
  }
  const err = /^#\/error\/([a-z]+)$/.exec(hash);
  if (err) {
    show(ERRORS.has(err[1]) ? err[1] : 'failed');
    return;
  }
  // The done page again (a reload, Forward, another language), from what
  // this tab kept of its answer; without it, the start.
  const kept = styrkeForm.keptDone('reset');
  if (kept) {
    showDone(kept);
    return;
  }
  if (!known) {
    // Not "ID-porten is off here": the server did not say (the network,
    // a busy server, too many requests from one campus address). A host
    // with no API at all (404) has no reset: "off", as before.
    showError(unknown);
    return;
  }
  if (!config.idporten) {
    show('off');
    return;
  }
  // #/pw/high: the sign-in found accounts at an institution that
  // requires level high, which it did not reach; the page says so beside
  // the ones it did.
  root.querySelector('[data-level-note]').hidden = hash !== '#/pw/high';
  if (hash !== '#/pw' && hash !== '#/pw/high') {
    show('start', focus);
    // The start has no heading: the sign-in button takes the focus.
    if (focus) root.querySelector('[data-start]').focus();
    return;
  }
  // Landed from the sign-in: the entry before this one is ID-porten's
  // login page, whose sign-in is spent (Back showed its error page). This
  // entry becomes the start and the form gets one of its own, so Back
  // comes to the start, and Forward back while the session lasts.
  if (!history.state?.signedIn) {
    const here = location.pathname + location.search;
    history.replaceState(null, '', here);
    history.pushState({ signedIn: true }, '', here + hash);
  }
  let res;
  try {
    res = await api('/api/reset/session', {});
  } catch {
    showError();
    return;
  }
  sessionAnswer(res, focus);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!account || styrkeForm.isBusy(submit)) return;
  if (!styrkeForm.newPasswordHolds(root, password, confirmInput, meter, errors, msg)) return;
  send(submit);
});

// send sends what the form holds, the busy text on button (the form's
// submit, or "Try again" after a lost answer), and shows the answer.
async function send(button) {
  const again = button !== submit;
  const done = styrkeForm.busy(button, msg.msgBusy);
  // The account the form shows: a session that is another's (a second
  // sign-in in another tab) is refused, not set.
  const res = await styrkeForm.post('/api/reset/complete', {
    password: password.value,
    username: account.username ?? '',
    institution: account.institution ?? '',
  });
  done();
  // No answer to a request that went out: it may have reached the server,
  // which may have set the password (not "could not reach the service").
  // The directory's lost answer, or its outage (the form's words beside
  // it said the password "meets the requirements", as if it could be set),
  // each have their state, what was typed kept for "Try again".
  const state = styrkeForm.held(root, res, unsure, again);
  if (state) {
    if (state === 'unconfirmed') unsure = true;
    else sessionTime(res.data);
    setList([]);
    show(state, !again);
    return;
  }
  // An answer said beside the form: shown again when "Try again" sent it
  // from the state of a lost answer.
  const say = (items) => {
    if (again) {
      show('form', false);
      submit.focus();
    }
    setList(items);
  };
  // sayDesk says text, whose words say to contact the service desk, with
  // the desk of the account's institution named below it (it named none).
  const sayDesk = (text) => {
    say([text]);
    styrkeForm.addContact(errors, msg.msgContact, styrkeForm.deskOf(config, account?.institution));
  };
  if (!res) {
    // Offline before the submit: nothing went out.
    say([msg.msgError]);
    return;
  }
  switch (res.status) {
    case 200:
    case 204: {
      unsure = false;
      password.value = '';
      confirmInput.value = '';
      account = null;
      remember(null);
      styrkeForm.keepDone('reset', res.data);
      showDone(res.data);
      return;
    }
    case 422: {
      const violations = res.data?.violations;
      const texts = Array.isArray(violations) ? violations.map((v) => v.message) : [msg.msgServererror];
      if (again) show('form', false);
      setList(texts, msg.msgRejected);
      styrkeForm.refused(password, meter, res.data, texts, msg.msgRejectedbelow);
      return;
    }
    case 401:
    case 410:
      ended();
      return;
    case 409:
      if (res.data?.error?.code === 'session_changed') {
        // Show the session another tab left, and say why.
        changedElsewhere();
        return;
      }
      if (unsure) {
        // The request whose answer was lost may still be setting it.
        unconfirmed(again);
        return;
      }
      say([msg.msgInuse]);
      return;
    case 403:
      // 403 account_disabled: the institution disabled the account, and
      // nothing was set (an OpenLDAP account locked by the administrator,
      // which the reset had enabled again).
      sayDesk(res.data?.error?.code === 'account_disabled' ? msg.msgDisabled : msg.msgServererror);
      return;
    case 429:
      say([styrkeForm.waited(root, msg.msgToomany, res)]);
      return;
    case 503: {
      const code = res.data?.error?.code;
      // The service's own outage (its database, "unavailable") is not
      // told as the directory's.
      // The directory's set-up and the service's own failure send the
      // person to the service desk: the account's institution's is named.
      const byCode = {
        breach_unavailable: msg.msgBreachdown,
        overloaded: msg.msgOverloaded,
      };
      if (byCode[code]) say([byCode[code]]);
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
  // 200 {"accountDisabled": true}: the password is set, but the directory
  // has the account disabled; say so, not "log in now". 200 {"directory":
  // false}: Styrke kept it, and nothing logs in with it yet (no directory
  // configured).
  const done = data?.directory === false ? 'none' : data?.accountDisabled === true ? 'disabled' : 'enabled';
  for (const el of root.querySelectorAll('[data-state=done] [data-done]')) el.hidden = el.dataset.done !== done;
  // 200 {"breachChecked": false}: set without the breach check.
  root.querySelector('[data-breach-unchecked]').hidden = data?.breachChecked !== false;
  styrkeForm.loginLink(root.querySelector('[data-state=done]'), done === 'enabled' ? data : null);
  show('done');
}

other.addEventListener('click', () => {
  remember(null);
  forget();
  showChoices({ accounts, expiresAt: expires, extendable });
});

const cancel = async () => {
  try {
    await api('/api/reset/end', {});
  } catch {
    // The session runs out by itself.
  }
  history.replaceState(null, '', location.pathname);
  ended();
};
for (const b of root.querySelectorAll('[data-cancel]')) b.addEventListener('click', cancel);

for (const again of root.querySelectorAll('[data-again]')) {
  again.addEventListener('click', (event) => {
    event.preventDefault();
    history.replaceState(null, '', location.pathname);
    route(true);
  });
}
root.querySelector('[data-retry]').addEventListener('click', () => route(true));
// "Try again" while the directory is down asks for the session again (the
// account shown, or the one chosen): the form when the directory answers,
// what was typed still in it.
directoryRetry.addEventListener('click', async () => {
  if (styrkeForm.isBusy(directoryRetry)) return;
  const done = styrkeForm.busy(directoryRetry, msg.msgLoading);
  let res;
  try {
    const who = account ?? asked;
    res = await api('/api/reset/session', who ? { username: who.username ?? '', institution: who.institution ?? '' } : {});
  } catch {
    res = null;
  }
  done();
  if (isDirectoryDown(res)) {
    directoryDown(res.data, true);
    return;
  }
  if (!res) {
    showError();
    return;
  }
  chosenAnswer(res);
});
// "Try again" after a lost answer sends what was typed again: done once
// the directory holds it (the server finds it there).
unconfirmedRetry.addEventListener('click', () => {
  if (!account || styrkeForm.isBusy(unconfirmedRetry)) return;
  send(unconfirmedRetry);
});
institution.addEventListener('change', updateStart);
password.addEventListener('input', () => {
  password.removeAttribute('aria-invalid');
  styrkeForm.directoryHint(root, password, meter);
});
// popstate, not hashchange: Back from the form to the start's entry of
// the same address changes no fragment once the form's is gone. The state
// the person went Back or Forward to takes the focus, as "Start again"
// gives it (it was left on <body>: a screen reader heard nothing).
window.addEventListener('popstate', () => route(true));

if (meter) {
  setTimeout(() => {
    if (!customElements.get('styrke-meter')) root.querySelector('[data-no-meter]').hidden = false;
  }, 5000);
}

route();
