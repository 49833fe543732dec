// The activation page. The token comes from the URL fragment (#/pw/TOKEN),
// so it never reaches a server log or a Referer header; it is only ever sent
// in the body of a POST to the API. Nothing here logs the token or the
// password.

const root = document.querySelector('[data-activation]');
const msg = root.dataset;
const form = document.getElementById('activate-form');
const password = document.getElementById('new-password');
const confirmInput = document.getElementById('confirm-password');
const usernameInput = document.getElementById('username');
const meter = root.querySelector('styrke-meter');
const errors = root.querySelector('[data-errors]');
const show = (state, focus = true) => styrkeForm.show(root, state, focus);
const { api } = styrkeForm;
const setList = (items, heading) => styrkeForm.setList(errors, items, heading);
const submit = form.querySelector('button:not([type=button])');
const attempts = root.querySelector('[data-attempts]');
const notAllowed = root.querySelector('[data-not-allowed]');
const codeForm = document.getElementById('code-form');
const codeInput = document.getElementById('code');
const codeErrors = root.querySelector('[data-code-errors]');
const codeAttempts = root.querySelector('[data-code-attempts]');
// code is the link's one-time code once the server took it (sent again
// with the password); '' for a link that needs none. Never logged.
let code = '';
// Warn when this many failed attempts or fewer are left before the lock.
const WARN_ATTEMPTS = 3;

// The token, and what a link copied with the sentence around it may carry
// after it (its closing parenthesis, full stop, quote; the address bar
// writes some as %-escapes): the token's own characters are none of them.
const TOKEN = /^#\/pw\/([A-Za-z0-9_-]{8,512})(?:[.,;:!?)\]}'*]|%22|%3E|%C2%BB|%E2%80%9D)*$/;

function token() {
  const m = TOKEN.exec(location.hash);
  return m ? m[1] : null;
}

// goneState tells a used, locked, replaced, withdrawn or expired link apart
// by the error code (a replaced or withdrawn one read as expired); a link
// of an institution the service no longer serves
// (token_institution_unknown) is one it does not know, whose words say to
// ask for a new one.
function goneState(data) {
  const code = String(data?.error?.code ?? '');
  if (code === 'token_replaced') return 'replaced';
  if (code === 'token_revoked') return 'revoked';
  if (/locked/i.test(code)) return 'locked';
  if (/institution/i.test(code)) return 'unknown';
  return /used|consumed/i.test(code) ? 'used' : 'expired';
}

// linkGone shows the state of an unknown (404), used, locked, replaced,
// withdrawn or expired (410) link and reports whether the answer was one of those.
function linkGone(res) {
  let state;
  // The API's own 404 (a proxy's or a static host's says nothing of the
  // link, whose token must then stay for a try later).
  if (res.status === 404 && res.data?.error?.code === 'token_unknown') state = 'unknown';
  else if (res.status === 410) state = goneState(res.data);
  else return false;
  // The token is spent: it leaves the address bar and the history (it
  // stayed there, on a shared computer too), and the address says what
  // happened instead, for a reload or another language.
  history.replaceState(null, '', location.pathname + '#/gone/' + state);
  showGone(state, res.data?.error?.serviceDesk);
  return true;
}

// GONE are the states of a link that no longer works.
const GONE = new Set(['unknown', 'used', 'expired', 'replaced', 'revoked', 'locked']);

function showGone(state, desk) {
  show(state);
  goneHelp(state, desk);
}

// goneHelp fills in the service desk's contact, which the words of a link
// that no longer works send the person to (they named none), and keeps the
// expired link's way out, choosing a password after ID-porten, only where
// this server has ID-porten on: elsewhere it led to a page saying so.
// linkDesk is the desk of the link's institution, when the server named
// it (the server's own one was shown for every institution).
async function goneHelp(state, linkDesk) {
  if (typeof linkDesk === 'string' && linkDesk) styrkeForm.showContact(root, linkDesk);
  let c;
  try {
    const res = await api('/api/reset/config');
    if (res.status !== 200) return;
    c = res.data;
  } catch {
    // Unknown: the link stays; its page says what it can.
    return;
  }
  if (!(typeof linkDesk === 'string' && linkDesk)) styrkeForm.showContact(root, typeof c?.serviceDesk === 'string' ? c.serviceDesk : '');
  if (state === 'expired') root.querySelector('[data-testid=expired-reset]').closest('p').hidden = c?.idporten !== true;
}

// showAttempts warns when few attempts are left (none when left is not a
// number, or more than WARN_ATTEMPTS).
function showAttempts(left, box = attempts) {
  const warn = Number.isInteger(left) && left > 0 && left <= WARN_ATTEMPTS;
  box.hidden = !warn;
  box.textContent = warn ? (left === 1 ? msg.msgAttemptleft : msg.msgAttemptsleft.replace('{n}', String(left))) : '';
}

// askCode shows the step that asks for the one-time code sent by SMS,
// naming the last two digits of the number it went to when the server gave
// them.
function askCode(data) {
  const lead = root.querySelector('[data-code-lead]');
  const ending = /^[0-9]{2}$/.test(String(data?.phoneEnding ?? '')) ? data.phoneEnding : '';
  lead.textContent = ending ? lead.dataset.ending.replace('{ending}', ending) : lead.dataset.noEnding;
  code = '';
  codeInput.value = '';
  styrkeForm.setList(codeErrors, []);
  showAttempts(null, codeAttempts);
  root.querySelector('[data-code-status]').textContent = '';
  show('code', false);
  codeInput.focus();
}

codeForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const button = codeForm.querySelector('button');
  if (styrkeForm.isBusy(button)) return;
  const typed = codeInput.value.replace(/[\s-]/g, '');
  if (!/^[0-9]{8}$/.test(typed)) {
    // Said under the field too, and linked to it: the alert was heard
    // once, and the field's description was only the lead.
    styrkeForm.setList(codeErrors, [msg.msgCodeform]);
    styrkeForm.invalid(codeInput, msg.msgCodeform);
    return;
  }
  const done = styrkeForm.busy(button, msg.msgChecking);
  let res;
  try {
    res = await api('/api/activation/lookup', { token: token(), code: typed });
  } catch {
    res = null;
  }
  done();
  if (!res) {
    styrkeForm.setList(codeErrors, [msg.msgError]);
    return;
  }
  if (linkGone(res)) return;
  switch (res.status) {
    case 200:
      if (res.data?.codeRequired) break;
      code = typed;
      styrkeForm.valid(codeInput);
      applyAccount(res.data);
      return;
    case 400:
    case 401:
      styrkeForm.setList(codeErrors, [res.status === 400 ? msg.msgCodeform : msg.msgCodewrong]);
      showAttempts(res.data?.attemptsLeft, codeAttempts);
      styrkeForm.invalid(codeInput, res.status === 400 ? msg.msgCodeform : msg.msgCodewrong);
      codeInput.select();
      return;
    case 429:
      styrkeForm.setList(codeErrors, [styrkeForm.waited(root, msg.msgToomany, res)]);
      return;
  }
  styrkeForm.setList(codeErrors, [failedWords(res)]);
});

// The person may ask for the code again (a new one, to the number on file;
// the server limits how often): the answer is told in the status line.
const resend = root.querySelector('[data-code-resend]');
const codeStatus = root.querySelector('[data-code-status]');
resend.addEventListener('click', async () => {
  // Busy, but not disabled: a disabled button drops the keyboard's focus
  // to the page (Enter on it left the person at the top).
  if (resend.getAttribute('aria-disabled') === 'true') return;
  resend.setAttribute('aria-disabled', 'true');
  codeStatus.textContent = '';
  styrkeForm.setList(codeErrors, []);
  let res;
  try {
    res = await api('/api/activation/code', { token: token() });
  } catch {
    res = null;
  }
  resend.removeAttribute('aria-disabled');
  if (res && linkGone(res)) return;
  const ending = /^[0-9]{2}$/.test(String(res?.data?.phoneEnding ?? '')) ? res.data.phoneEnding : '';
  // A 429 is the code's own gap (limit "code", a minute) or the request
  // rate; each said with its wait.
  const byStatus = {
    200: resend.dataset.sent.replace('{ending}', ending),
    429: styrkeForm.waited(root, res?.data?.error?.limit === 'code' ? resend.dataset.wait : msg.msgToomany, res),
    409: resend.dataset.limit,
  };
  codeStatus.textContent = byStatus[res?.status] ?? resend.dataset.failed;
  if (res?.status === 200) {
    codeInput.value = '';
    styrkeForm.setList(codeErrors, []);
    codeInput.focus();
  }
});

// SET_HERE keeps in this browser (localStorage, for SET_DAYS) the links
// that set a password here: for each, a hash of its token (spent: it sets
// nothing again), never the token, with the done page's fields and when
// (setAt). Opened again (a new tab, the mail's link the next day), such a
// link shows the done page and when it set the password here, where it
// said "the link is used; if that was not you, ask for a new one". In any
// other browser it is used, as before: the server cannot tell whoever
// used the link from whoever opens it, and must not tell them the
// password is set.
const SET_HERE = 'styrke-activated';
const SET_DAYS = 30;

async function linkHash(t) {
  const d = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${SET_HERE}:${t}`));
  return [...new Uint8Array(d)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// setHere returns the links kept, those older than SET_DAYS left out.
function setHere() {
  const since = Date.now() - SET_DAYS * 864e5;
  try {
    const all = JSON.parse(localStorage.getItem(SET_HERE) ?? '{}');
    return Object.fromEntries(Object.entries(all ?? {}).filter(([, v]) => Date.parse(v?.setAt) > since));
  } catch {
    return {};
  }
}

// keepSetHere keeps that link t set the password in this browser now, with
// the done answer data's fields.
async function keepSetHere(t, data) {
  try {
    const all = setHere();
    const { directory, accountDisabled, breachChecked, loginURL } = data ?? {};
    all[await linkHash(t)] = { directory, accountDisabled, breachChecked, loginURL, setAt: new Date().toISOString() };
    localStorage.setItem(SET_HERE, JSON.stringify(all));
  } catch {
    // No storage, or no crypto.subtle (not a secure context): a link
    // opened again says it is used, as before.
  }
}

// keptSetHere returns what keepSetHere kept of link t, or null.
async function keptSetHere(t) {
  try {
    return setHere()[await linkHash(t)] ?? null;
  } catch {
    return null;
  }
}

// showDone tells the person what happened, and only that: whether the
// password reached the institution's directory (so that they can log in
// with it), whether the breach check ran, and where to log in; for a link
// opened again where it set the password (data.setAt), when it did.
function showDone(data) {
  const before = root.querySelector('[data-set-before]');
  const at = new Date(Date.parse(data?.setAt));
  before.hidden = Number.isNaN(at.getTime());
  before.textContent = before.hidden ? '' : before.dataset.text
    .replace('{date}', at.toLocaleDateString(document.documentElement.lang === 'en' ? 'en-GB' : 'nb-NO', { day: 'numeric', month: 'long' }).replace(' ', '\u00a0'))
    .replace('{time}', styrkeForm.clock(at));
  const directory = data?.directory === true;
  const done = !directory ? 'none' : data?.accountDisabled === true ? 'disabled' : 'directory';
  for (const el of root.querySelectorAll('[data-done]')) el.hidden = el.dataset.done !== done;
  const checked = data?.breachChecked;
  for (const el of root.querySelectorAll('[data-breach-outcome]')) {
    el.hidden = typeof checked !== 'boolean' || el.dataset.breachOutcome !== (checked ? 'checked' : 'unchecked');
  }
  styrkeForm.loginLink(root.querySelector('[data-state=done]'), done === 'directory' ? data : null);
  show('done');
}

// Character classes as the policy package defines them (policy/score.go's
// categorize, Unicode mode): ASCII letters and digits, any other ASCII is
// special; beyond ASCII, Lu, Ll and Nd, anything else special.
function charClass(ch) {
  if (/^[A-Z]$/.test(ch)) return 'upper';
  if (/^[a-z]$/.test(ch)) return 'lower';
  if (/^[0-9]$/.test(ch)) return 'digit';
  if (ch.codePointAt(0) < 0x80) return 'special';
  if (/^\p{Lu}$/u.test(ch)) return 'upper';
  if (/^\p{Ll}$/u.test(ch)) return 'lower';
  if (/^\p{Nd}$/u.test(ch)) return 'digit';
  return 'special';
}

// showNotAllowed names, in the page only (never sent or logged), the
// characters of the password that the institution's whitelist refuses:
// "contains 3 characters that are not allowed" is no help without which.
function showNotAllowed() {
  const section = account && root.querySelector(`[data-policy-id="${CSS.escape(String(account.institution))}"]`);
  if (!section || !section.hasAttribute('data-allowed')) {
    notAllowed.hidden = true;
    return;
  }
  const classes = section.dataset.allowedClasses.split(' ').filter(Boolean);
  const extra = section.dataset.allowedExtra;
  const bad = [];
  for (const ch of password.value) {
    if (extra.includes(ch) || classes.includes(charClass(ch))) continue;
    const shown = ch === ' ' ? notAllowed.dataset.space : ch;
    if (!bad.includes(shown)) bad.push(shown);
  }
  notAllowed.hidden = bad.length === 0;
  notAllowed.textContent = bad.length ? notAllowed.dataset.label + ' ' + bad.map((c) => '«' + c + '»').join(' ') : '';
}

// failedWords are the page's words for an answer res of the lookup that
// it has no state for: the service busy (503 overloaded), or failing
// itself (its database down: 503 unavailable; a 500), as the change and
// reset pages say it (it said "check your connection", which was fine);
// anything else, that the service could not be reached.
function failedWords(res) {
  if (res.data?.error?.code === 'overloaded') return msg.msgOverloaded;
  return res.status >= 500 ? msg.msgServererror : msg.msgError;
}

function showError(text) {
  root.querySelector('[data-error-text]').textContent = text || msg.msgError;
  show('error');
}

let account = null;

function applyAccount(data) {
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
  // The default rules belong to no institution: no "Institution: Felles IAM".
  root.querySelector('[data-institution-row]').hidden = data.institution === 'default';
  // The footer names the rules this page applies, not the default ones.
  const foot = document.querySelector('[data-footer-policy]');
  if (foot) foot.textContent = section.dataset.policyLabel;
  password.setAttribute('passwordrules', section.dataset.passwordrules);
  password.minLength = Number(section.dataset.minlength);
  password.maxLength = Number(section.dataset.maxlength);
  if (meter) {
    meter.setAttribute('policy', data.institution);
    if (data.name) meter.setAttribute('name', data.name);
    if (data.phone) meter.setAttribute('phone', data.phone);
    if (data.birthDate) meter.setAttribute('birthdate', data.birthDate);
  }
  show('form', false);
  password.focus();
}

async function lookup() {
  code = '';
  // Another link opened in this tab: nothing of the last one's answers
  // stays (its refusals showed on the next link's fresh form).
  account = null;
  setList([]);
  styrkeForm.setList(codeErrors, []);
  showAttempts(null);
  showAttempts(null, codeAttempts);
  password.value = '';
  confirmInput.value = '';
  styrkeForm.valid(password);
  styrkeForm.valid(confirmInput);
  const gone = /^#\/gone\/([a-z]+)$/.exec(location.hash);
  if (gone && GONE.has(gone[1])) {
    showGone(gone[1]);
    return;
  }
  // The done page again (a reload, Back, another language), from what this
  // tab kept of its answer; without it, as an address with no link.
  if (location.hash === '#/done') {
    const kept = styrkeForm.keptDone('activation');
    if (kept) showDone(kept);
    else show('missing');
    return;
  }
  const t = token();
  if (!t) {
    // Its words send the person to the service desk, whom they name.
    showGone(location.hash ? 'unknown' : 'missing');
    return;
  }
  show('loading', false);
  let res;
  try {
    res = await api('/api/activation/lookup', { token: t });
  } catch {
    showError();
    return;
  }
  // A link used up where it set the password: the done page again.
  const here = res.status === 410 && goneState(res.data) === 'used' ? await keptSetHere(t) : null;
  if (here) {
    styrkeForm.keepDone('activation', here);
    showDone(here);
    return;
  }
  if (linkGone(res)) return;
  switch (res.status) {
    case 200:
      if (res.data?.codeRequired) askCode(res.data);
      else applyAccount(res.data);
      return;
    case 429:
      showError(styrkeForm.waited(root, msg.msgToomany, res));
      return;
    default:
      // The API's own messages are in English, for developers: the person
      // gets the page's words (until 2026-12-04 an unexpected answer showed
      // the API's message on the Bokmål and Nynorsk pages too).
      showError(failedWords(res));
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!account || styrkeForm.isBusy(submit)) return;
  if (!styrkeForm.newPasswordHolds(root, password, confirmInput, meter, errors, msg)) return;
  await send(submit);
});

// The directory's outage at the submit (503 directory_unavailable): its
// own state, what was typed kept in the hidden form, and "Try again" to
// send it once more (beside the form, the field's description said the
// password "meets the requirements", as if it could be set).
const directoryRetry = root.querySelector('[data-directory-retry]');

// A submit whose answer was lost (none came, or 503 directory_unconfirmed:
// the directory's): the password may be set. Its own state says so, and
// "Try again" sends the same password, which finishes the activation;
// until an answer settles it (unsure), a directory still down is said
// there, never as the outage's "nothing was changed".
const unconfirmedRetry = root.querySelector('[data-unconfirmed-retry]');
let unsure = false;

// send sends the password typed, button showing that it is busy, and shows
// the answer. From "Try again" (button directoryRetry or unconfirmedRetry),
// a directory still down is said with its time in the status line, the
// focus left on the button; any other answer but the done page's shows the
// form again.
async function send(button) {
  const again = button === directoryRetry || button === unconfirmedRetry;
  const done = styrkeForm.busy(button, msg.msgBusy);
  const body = { token: token(), password: password.value };
  if (code) body.code = code;
  const res = await styrkeForm.post('/api/activation/complete', body);
  done();
  // No answer to a request that went out is the directory's lost answer
  // again: the password may be set (it said "could not reach the service",
  // and the same password again met "the link is used").
  const state = styrkeForm.held(root, res, unsure, again);
  if (state) {
    unsure ||= state === 'unconfirmed';
    setList([]);
    show(state, !again);
    return;
  }
  // Any other answer is the form's: shown again after "Try again", the
  // focus on the password unless the answer moves it.
  if (again && res?.status !== 204 && res?.status !== 200) {
    show('form', false);
    password.focus();
  }
  if (!res) {
    setList([msg.msgError]);
    return;
  }
  if (linkGone(res)) return;
  switch (res.status) {
    case 204:
    case 200:
      unsure = false;
      password.value = '';
      confirmInput.value = '';
      account = null;
      code = '';
      showAttempts(null);
      notAllowed.hidden = true;
      // The token is spent: it leaves the address bar and the history,
      // and the address says the page is done, for a reload.
      await keepSetHere(body.token, res.data);
      styrkeForm.keepDone('activation', res.data);
      showDone(res.data);
      return;
    case 422: {
      const violations = res.data?.violations;
      const left = res.data?.attemptsLeft;
      if (left === 0) {
        show('locked');
        return;
      }
      const texts = Array.isArray(violations) ? violations.map((v) => v.message) : [res.data?.error?.message ?? msg.msgError];
      setList(texts, msg.msgRejected);
      showAttempts(left);
      styrkeForm.refused(password, meter, res.data, texts, msg.msgRejectedbelow);
      return;
    }
    case 401:
      // The code the server took at the lookup no longer holds (a new
      // link and code were sent meanwhile): ask for it again.
      askCode(null);
      return;
    case 429:
      setList([styrkeForm.waited(root, msg.msgToomany, res)]);
      return;
    case 409:
      setList([msg.msgInprogress]);
      return;
    case 403:
      // account_disabled: the institution disabled the account, and the
      // password was not set (it would have enabled it).
      setList([res.data?.error?.code === 'account_disabled' ? msg.msgDisabled : msg.msgServererror]);
      return;
    case 503: {
      // Nothing was set and the link still works: say why, in the page's words.
      const byCode = {
        breach_unavailable: msg.msgBreachdown,
        directory_error: msg.msgDirectoryerror,
        overloaded: msg.msgOverloaded,
      };
      // Any other (its database down: unavailable) is the service's
      // failure, not the connection's.
      setList([byCode[res.data?.error?.code] ?? msg.msgServererror]);
      return;
    }
    default:
      // The API's own messages are for developers; the person gets words
      // in the page's language: the service's fault, not the connection's
      // (a 500 said "check your connection").
      setList([msg.msgServererror]);
  }
}

directoryRetry.addEventListener('click', () => {
  if (!account || styrkeForm.isBusy(directoryRetry)) return;
  send(directoryRetry);
});
unconfirmedRetry.addEventListener('click', () => {
  if (!account || styrkeForm.isBusy(unconfirmedRetry)) return;
  send(unconfirmedRetry);
});

password.addEventListener('input', () => {
  password.removeAttribute('aria-invalid');
  showNotAllowed();
  styrkeForm.directoryHint(root, password, meter);
});
root.querySelector('[data-retry]').addEventListener('click', lookup);
window.addEventListener('hashchange', lookup);

// The meter is advice only: when it cannot start (no WebAssembly, a CSP
// that forbids it, an old browser) the form still works and says so.
if (meter) {
  setTimeout(() => {
    if (!customElements.get('styrke-meter')) root.querySelector('[data-no-meter]').hidden = false;
  }, 5000);
}

lookup();
