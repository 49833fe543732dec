// Helpers shared by the activation, reset and change pages: loaded as a
// module before each page's own script (module scripts run in document
// order), on globalThis.styrkeForm. Nothing here logs a password or a token.

const lang = document.documentElement.lang || 'nb';

// api asks the server's JSON API: a POST of body as JSON, or a GET when body
// is undefined. It returns { status, data, retryAfter }, data being the
// parsed JSON answer or null (204, or an answer that is not JSON), and
// retryAfter the seconds its Retry-After says (0: none).
async function api(path, body) {
  const init = {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'Accept': 'application/json', 'Accept-Language': lang },
    cache: 'no-store',
    credentials: 'same-origin',
    referrerPolicy: 'no-referrer',
  };
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  let data = null;
  if (res.status !== 204 && res.headers.get('Content-Type')?.includes('json')) {
    try { data = await res.json(); } catch { data = null; }
  }
  return { status: res.status, data, retryAfter: seconds(res.headers.get('Retry-After')) };
}

// seconds is the wait a Retry-After value says, in whole seconds: a number
// of seconds or an HTTP date; 0 when there is none.
function seconds(value) {
  const v = (value ?? '').trim();
  if (/^\d+$/.test(v)) return Number(v);
  const at = Date.parse(v);
  return Number.isNaN(at) ? 0 : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}

// waited puts into text, for {wait}, how long the answer res (api's, a
// 429) asks to wait by its Retry-After, in root's words for it
// (data-msg-wait-*: "noen sekunder", "omtrent 15 minutter"; the site's
// Text.WaitFor chooses as this does). Every 429 said "wait a little", or
// on the change page "a quarter of an hour" for a network's few seconds.
function waited(root, text, res) {
  const s = res?.retryAfter ?? 0;
  const d = root.dataset;
  const words = s <= 0 ? d.msgWaitUnknown
    : s <= 10 ? d.msgWaitSeconds
      : s <= 90 ? d.msgWaitMinute
        : s <= 300 ? d.msgWaitFewminutes
          : d.msgWaitMinutes.replace('{n}', String(Math.floor((s + 30) / 60)));
  return text.replace('{wait}', words);
}

// post sends body to path as api does, for a submit that sets a password,
// and returns the answer; null when none came to a request that may have
// gone out (fetch rejected: the connection dropped or timed out on the way
// back, and the server may have set the password); undefined when the
// browser was offline before it, and nothing went out.
async function post(path, body) {
  if (navigator.onLine === false) return undefined;
  try {
    return await api(path, body);
  } catch {
    return null;
  }
}

// held names the state of root that a submit's answer res (post's) leaves
// the password in, when it is not settled: 'unconfirmed' (it may be set:
// no answer came, 503 directory_unconfirmed, or once unsure, the
// directory's outage or a browser offline) or 'directorydown' (503
// directory_unavailable: nothing was set); '' for an answer the page shows
// itself. The state's status line says the answer to a "Try again" (again):
// its time, or that the browser is offline.
function held(root, res, unsure, again) {
  const code = res?.status === 503 ? res.data?.error?.code : '';
  const state = res === null || code === 'directory_unconfirmed' || (unsure && (res === undefined || code === 'directory_unavailable'))
    ? 'unconfirmed' : code === 'directory_unavailable' ? 'directorydown' : '';
  if (!state) return '';
  const line = root.querySelector(`[data-state=${state}] [role=status]`);
  if (res === undefined) line.textContent = root.dataset.msgError;
  else saidAt(line, again);
  return state;
}

// setList writes items as a list into box (emptied first), after a
// paragraph with heading when there is one; no items leave box empty.
function setList(box, items, heading) {
  box.replaceChildren();
  if (!items.length) return;
  if (heading) {
    const p = document.createElement('p');
    p.textContent = heading;
    box.append(p);
  }
  const ul = document.createElement('ul');
  for (const text of items) {
    const li = document.createElement('li');
    li.textContent = text;
    ul.append(li);
  }
  box.append(ul);
}

// The page's title as loaded (the form's).
const baseTitle = document.title;

// show shows root's [data-state] element for state and hides the others,
// titles the page by its heading ("Lenken er allerede brukt – Aktiver …":
// the title said the form's whatever the state), then moves the focus to
// the heading unless focus is false.
function show(root, state, focus = true) {
  for (const el of root.querySelectorAll('[data-state]')) {
    el.hidden = el.dataset.state !== state;
  }
  // The state's own heading, not one of a box inside it (the reset form's
  // rules: "Passordet må oppfylle dette – Glemt passord").
  const heading = root.querySelector(`[data-state="${state}"] > h2`);
  document.title = heading ? `${heading.textContent} – ${baseTitle}` : baseTitle;
  if (!focus) return;
  if (heading) heading.focus();
}

// invalid marks input as the field at fault: aria-invalid, text under the
// field (where the focus goes: on a phone the error list below the form may
// be a screen away) linked by aria-describedby, and the focus. The next
// input in it clears all three.
function invalid(input, text) {
  const id = input.id + '-error';
  let p = document.getElementById(id);
  if (!p) {
    p = document.createElement('p');
    p.id = id;
    p.className = 'field-error';
    p.dataset.testid = 'field-error';
    input.closest('.field').append(p);
  }
  p.textContent = text;
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((s) => s && s !== id);
  input.setAttribute('aria-describedby', [id, ...ids].join(' '));
  input.setAttribute('aria-invalid', 'true');
  input.addEventListener('input', () => valid(input), { once: true });
  input.focus();
}

// valid undoes invalid; the same words in the error list above the button
// go too (they stayed there until the next submit).
function valid(input) {
  const id = input.id + '-error';
  const p = document.getElementById(id);
  if (p) {
    for (const li of document.querySelectorAll('[data-errors] li')) if (li.textContent === p.textContent) li.remove();
    for (const box of document.querySelectorAll('[data-errors]')) if (!box.querySelector('li')) box.replaceChildren();
    p.remove();
  }
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((s) => s && s !== id);
  if (ids.length) input.setAttribute('aria-describedby', ids.join(' '));
  else input.removeAttribute('aria-describedby');
  input.removeAttribute('aria-invalid');
}

// loginLink shows box's [data-login] link to data.loginURL (http or https
// only), the institution's login page the server names after a password is
// set, or hides it.
function loginLink(box, data) {
  const login = box.querySelector('[data-login]');
  if (!login) return;
  let url = null;
  try {
    url = data?.loginURL ? new URL(String(data.loginURL)) : null;
  } catch {
    url = null;
  }
  login.hidden = !(url && (url.protocol === 'https:' || url.protocol === 'http:'));
  if (!login.hidden) login.querySelector('a').href = url.href;
}

// DONE is the address of a page's done state. The done pages' fields
// (showDone's) are kept for this tab; the username, the token and the
// password are not, nor anything else the server answered. setAt is the
// activation page's own: when a link opened again set the password in
// this browser.
const DONE = '#/done';
const DONE_FIELDS = ['directory', 'accountDisabled', 'breachChecked', 'loginURL', 'setAt'];

// clock is a time of day as the page's language writes it ("13:05").
function clock(at) {
  return at.toLocaleTimeString(document.documentElement.lang === 'en' ? 'en-GB' : 'nb-NO', { hour: '2-digit', minute: '2-digit' });
}

// saidAt puts line's data-text, its {time} now, into it when say is true,
// and empties it otherwise (a "Try again" that met the directory still
// down says so with its time).
function saidAt(line, say) {
  line.textContent = say ? line.dataset.text.replace('{time}', clock(new Date())) : '';
}

// keepDone keeps the done answer data (null for a 204) of page
// ("activation", "reset", "change") for this tab, in sessionStorage, and
// makes the address #/done in place of the one the tab had (the link's
// token leaves it): a reload, Back or Forward to it, another language, or
// a phone that reloads the tab it put in the background shows the done
// page again. A reload said the link was missing, offered the sign-in
// again or showed the empty form, to a person whose password was set.
// Storage is per tab: another tab, or the next person at a shared
// computer once the tab is closed, has none of it.
function keepDone(page, data) {
  const kept = {};
  for (const k of DONE_FIELDS) if (data?.[k] !== undefined) kept[k] = data[k];
  try {
    sessionStorage.setItem(`styrke-done-${page}`, JSON.stringify(kept));
  } catch {
    // Storage refused (a private mode): a reload shows what it did before.
  }
  history.replaceState(null, '', location.pathname + location.search + DONE);
}

// keptDone returns the done answer keepDone kept for page in this tab when
// the address is #/done; null otherwise (another tab, the address typed or
// copied: it was not this tab's, and says nothing was done).
function keptDone(page) {
  if (location.hash !== DONE) return null;
  try {
    const kept = JSON.parse(sessionStorage.getItem(`styrke-done-${page}`) ?? 'null');
    return kept !== null && typeof kept === 'object' && !Array.isArray(kept) ? kept : null;
  } catch {
    return null;
  }
}

// busyStatus says a button's busy text to a screen reader: a polite live
// region there from the page's start (one added later is not always
// heard), out of sight.
const busyStatus = document.createElement('p');
busyStatus.className = 'visually-hidden';
busyStatus.setAttribute('role', 'status');
busyStatus.dataset.testid = 'busy-status';
(document.querySelector('main') ?? document.body).append(busyStatus);

// busy marks button busy with text ("Saving …") while a request runs, and
// returns the function that ends it. aria-disabled, not disabled: a
// disabled button dropped the keyboard's focus to the page, and a screen
// reader heard nothing until the answer came. The handler checks isBusy,
// since a click or Enter still reaches it.
function busy(button, text) {
  const before = button.textContent;
  button.setAttribute('aria-disabled', 'true');
  button.textContent = text;
  busyStatus.textContent = text;
  return () => {
    button.removeAttribute('aria-disabled');
    button.textContent = before;
    busyStatus.textContent = '';
  };
}

// isBusy reports whether button is marked busy.
function isBusy(button) {
  return button.getAttribute('aria-disabled') === 'true';
}

// describeRules makes the new password's description its policy's length
// rule (section's, the account's policy) and a pointer to the rest, in
// place of the whole rules box, which a screen reader read out (about 600
// characters) at every focus; the ids the field had besides (the meter's,
// an error's, "not-allowed") stay.
function describeRules(input, section) {
  const rule = section?.querySelector('[data-rule=length]');
  if (rule) rule.id ||= `rule-length-${section.dataset.policyId}`;
  const ours = (id) => id === 'rules-box' || id === 'rules-more' || id.startsWith('rule-length-');
  const rest = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((s) => s && !ours(s));
  input.setAttribute('aria-describedby', [rule ? rule.id : 'rules-box', 'rules-more', ...rest].join(' '));
}

// refused says the server's refusal (data, its 422 answer; texts, its
// reasons) of the new password at input: the meter shows the server's no
// too (it said "meets the requirements" beside the refusal), and where it
// lists the reasons right below (which the field's description reads), the
// field's own error only points to them (pointer): each was read twice.
// Without a meter, the reasons themselves (the list may be a screen below
// at 375 px).
function refused(input, meter, data, texts, pointer) {
  const took = meter && typeof meter.serverRefusal === 'function' && Array.isArray(data?.violations);
  if (took) meter.serverRefusal(data);
  invalid(input, took ? pointer : texts.join(' '));
}

// DESK_LINK finds what a service desk can be reached by in its contact: a
// web address (https), an e-mail address, or a phone number of 8 digits
// (+47 or 0047 before it, a space or a point between digits).
const DESK_LINK = /(https:\/\/[^\s<>"]*[^\s<>".,;:!?)])|([A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})|((?:(?:\+|00)47[\s.]?)?\d(?:[\s.]?\d){7})(?!\d)/g;

// deskParts splits a service desk's contact into text and links ({text}
// or {text, href}): tel:+47 and the number's digits, mailto: and the
// address, or the web address. Digits of a longer or a foreign number
// ("+46 8 123 456 78") stay text.
function deskParts(text) {
  const parts = [];
  let at = 0;
  for (const m of text.matchAll(DESK_LINK)) {
    if (m[3] && /[\d+][\s.]?$/.test(text.slice(0, m.index))) continue;
    if (m.index > at) parts.push({ text: text.slice(at, m.index) });
    const href = m[1] ? m[1] : m[2] ? `mailto:${m[2]}` : `tel:+47${m[3].replace(/\D/g, '').slice(-8)}`;
    parts.push({ text: m[0], href });
    at = m.index + m[0].length;
  }
  if (at < text.length) parts.push({ text: text.slice(at) });
  return parts;
}

// deskNodes is a service desk's contact as text and links (deskParts').
function deskNodes(text) {
  return deskParts(text).map((p) => {
    if (!p.href) return document.createTextNode(p.text);
    const a = document.createElement('a');
    a.href = p.href;
    a.textContent = p.text;
    return a;
  });
}

// showContact writes a service desk's contact into root's places for it
// ([data-service-desk]), its phone number, e-mail and web address as links
// a phone calls or opens (the number was text to copy by hand), and hides
// the lines that name it ([data-contact]) when there is none.
function showContact(root, text) {
  for (const el of root.querySelectorAll('[data-service-desk]')) el.replaceChildren(...deskNodes(text));
  for (const el of root.querySelectorAll('[data-contact]')) el.hidden = !text;
}

// addContact adds to box (an error list, setList's, whose words say to
// contact the service desk: they named none) a line naming it: label
// ("Brukerstøtte:") and desk, its contact, as showContact writes it. No
// desk, no line; the next setList empties it with the list.
function addContact(box, label, desk) {
  if (!desk) return;
  const p = document.createElement('p');
  p.className = 'contact';
  p.dataset.testid = 'errors-contact';
  const span = document.createElement('span');
  span.append(...deskNodes(desk));
  p.append(`${label} `, span);
  box.append(p);
}

// deskOf is the service desk of institution by the server's configuration
// (/api/reset/config's answer c): its own, else the server's; '' when
// neither is known.
function deskOf(c, institution) {
  const own = c?.serviceDesks?.[institution];
  if (typeof own === 'string' && own) return own;
  return typeof c?.serviceDesk === 'string' ? c.serviceDesk : '';
}

// The directory's own rules beyond the policy's (GET /api/directory/rules:
// AD's complexity rule, a longer least length) are listed in the rules box
// and checked before a password is sent: a person who chose a passphrase
// of small letters that the page accepted met AD's rule only in its
// refusal. AD_SPECIAL are the characters AD's rule counts as special:
// ASCII's 32 that are neither letters, digits nor the space.
const AD_SPECIAL = /^[!-/:-@[-`{-~]$/;

// adKinds are the kinds of AD's complexity rule that value holds, as
// server/directory's ADKinds reads them: 'upper' and 'lower' (of any
// alphabet), 'digit' (0-9), 'special' (AD_SPECIAL), 'letter' (a letter of
// no case); a space, a currency sign or any other character is none.
function adKinds(value) {
  const kinds = new Set();
  for (const ch of value) {
    if (ch >= '0' && ch <= '9') kinds.add('digit');
    else if (AD_SPECIAL.test(ch)) kinds.add('special');
    else if (/^\p{Lu}$/u.test(ch)) kinds.add('upper');
    else if (/^\p{Ll}$/u.test(ch)) kinds.add('lower');
    else if (/^\p{L}$/u.test(ch)) kinds.add('letter');
  }
  return kinds;
}

// The answers of /api/directory/rules by institution (one that did not know
// them is asked again at the next call), and the rules each rules box lists.
const dirRules = new Map();
const rulesOf = new WeakMap();

// directoryRules asks for the rules of institution's directory and lists
// them in root's rules box ([data-directory-rules], hidden when there are
// none or the server could not say), for directoryUnmet to check, then
// says what input's value breaks (directoryHint). own, the account's
// directoryRules of the activation's lookup or the reset's session, are
// the rules of its own password policy there, listed in place of the
// institution's (an account under a policy asking 20 characters was shown
// the domain's 10); where the server cannot read them, the box says that
// the directory may ask more. A later call for another institution or
// account (the change page's choice, the reset's other account) wins.
async function directoryRules(root, institution, input, meter, own) {
  await listDirectoryRules(root, institution, own?.own === true ? own : null);
  directoryHint(root, input, meter);
}

async function listDirectoryRules(root, institution, own) {
  const box = root.querySelector('[data-directory-rules]');
  if (!box) return;
  const key = own ? institution + ' ' + JSON.stringify(own) : institution;
  // Shown for this institution already: kept (hidden and asked again, the
  // box flickered and a submit meanwhile went unchecked).
  if (box.dataset.for === key && rulesOf.has(box)) return;
  box.dataset.for = key;
  box.hidden = true;
  rulesOf.delete(box);
  if (!own && !dirRules.has(institution)) {
    dirRules.set(institution, api('/api/directory/rules?institution=' + encodeURIComponent(institution))
      .then((res) => (res.status === 200 ? res.data : null), () => null));
  }
  const asked = own ? Promise.resolve(own) : dirRules.get(institution);
  const rules = await asked;
  // Not known (the directory down, or no answer): asked again next time
  // (unless a later call asked again already).
  if (!own && rules?.known !== true && dirRules.get(institution) === asked) dirRules.delete(institution);
  if (box.dataset.for !== key) return;
  const count = (n) => (Number.isInteger(n) && n > 0 ? n : 0);
  const kinds = count(rules?.kinds), minLength = count(rules?.minLength), history = count(rules?.history);
  const unread = !!own && own.known !== true;
  // Rules of the account's own that Styrke cannot see: said in place of
  // the lead ("… also requires this:"), which no rule follows.
  box.querySelector('[data-directory-rule=own]').hidden = !unread;
  box.querySelector('[data-directory-lead]').hidden = unread;
  box.querySelector('[data-directory-rule=kinds]').hidden = !kinds;
  for (const [rule, n] of [['minLength', minLength], ['history', history]]) {
    const li = box.querySelector(`[data-directory-rule=${rule}]`);
    li.hidden = !n;
    li.textContent = n ? li.dataset.text.replace('{n}', String(n)) : '';
  }
  // The directory's longer history in place of the policy's line (both
  // said "not one of the last N", with two numbers).
  for (const li of root.querySelectorAll('[data-policy-id] [data-rule=history]')) li.hidden = !!history && li.closest('[data-policy-id]').dataset.policyId === institution;
  box.hidden = !kinds && !minLength && !history && !unread;
  if (!box.hidden) rulesOf.set(box, { kinds, minLength });
}

// directoryUnmet says which of the directory's rules that root lists the
// password value breaks, as violations ({rule, params, message}, message
// in root's words, rule the code the directory's refusal has); none for an
// empty value.
function directoryUnmet(root, value) {
  const box = root.querySelector('[data-directory-rules]');
  const rules = box && rulesOf.get(box);
  if (!rules || !value) return [];
  const d = box.dataset;
  const out = [];
  if (rules.minLength && value.length < rules.minLength) {
    out.push({ rule: 'directory_too_short', params: { min: rules.minLength }, message: d.msgShort.replace('{n}', String(rules.minLength)) });
  }
  const have = adKinds(value);
  const need = rules.kinds - have.size;
  if (need > 0) {
    const missing = ['upper', 'lower', 'digit', 'special'].filter((k) => !have.has(k)).map((k) => d[`kind${k[0].toUpperCase()}${k.slice(1)}`]);
    const list = missing.length > 1 ? missing.slice(0, -1).join(', ') + d.or + missing.at(-1) : missing.join('');
    out.push({ rule: 'directory_complexity', params: {}, message: d.msgKinds.replace('{missing}', need > 1 ? `${d[`need${Math.min(need, 3)}`]} ${list}` : list) });
  }
  return out;
}

// The meters directoryHint waits for (see there).
const awaitingMeter = new WeakSet();

// directoryHint says what of the directory's rules input's value breaks,
// once it is as long as the policy's least length (before, the meter says
// it is too short): in the meter's verdict, as the server's refusal would
// be (the meter said "meets the requirements" above a line saying the
// directory requires more), or without a meter in the line under the
// field. A meter whose module has not started yet gets it when it does
// (its first styrke-change): typed before, the rule stayed in the line,
// under a meter saying "meets the requirements", until the next keystroke.
function directoryHint(root, input, meter) {
  // The policy's least length counts code points; the field's value,
  // UTF-16 units (an emoji is two).
  const unmet = [...input.value].length >= input.minLength ? directoryUnmet(root, input.value) : [];
  // The meter's verdict only where its module runs (globalThis.styrke):
  // a meter whose WebAssembly did not load shows no verdict.
  const inMeter = !!globalThis.styrke && typeof meter?.serverRefusal === 'function';
  if (!inMeter && meter && !awaitingMeter.has(meter)) {
    awaitingMeter.add(meter);
    // After the event's other listeners: its refusal makes a
    // styrke-change of its own, which a listener on the document then
    // heard before the stale first.
    meter.addEventListener('styrke-change', () => queueMicrotask(() => directoryHint(root, input, meter)), { once: true });
  }
  if (inMeter && unmet.length) meter.serverRefusal({ violations: unmet });
  const hint = root.querySelector('[data-directory-hint]');
  if (!hint) return;
  hint.textContent = inMeter ? '' : unmet.map((v) => v.message).join(' ');
  hint.hidden = inMeter || unmet.length === 0;
}

// directoryRefuses is a submit's check of the directory's rules: when the
// password at input breaks one, it is said as the server's refusal is (in
// the error list box under heading, in the meter, the field pointing to
// them), after the policy's own reasons that the meter finds (the server
// said those: a password too short for both was told only what to add),
// and true: the password is not sent.
function directoryRefuses(root, input, meter, box, heading, pointer) {
  const unmet = directoryUnmet(root, input.value);
  if (!unmet.length) return false;
  const own = typeof meter?.evaluate === 'function' ? meter.evaluate() : null;
  const policy = own && Array.isArray(own.violations) ? own.violations.map((v) => v.message).filter((m) => typeof m === 'string' && m) : [];
  const texts = [...policy, ...unmet.map((v) => v.message)];
  setList(box, texts, heading);
  const hint = root.querySelector('[data-directory-hint]');
  if (hint) hint.hidden = true;
  refused(input, meter, { violations: unmet }, texts, pointer);
  return true;
}

// newPasswordHolds is a submit's checks of the new password at input before
// it is sent: something typed, the same typed again at confirm, and the
// directory's rules (directoryRefuses). What fails is said in the error
// list box and at its field, in the page's texts msg; true when the
// password may be sent (the list emptied).
function newPasswordHolds(root, input, confirm, meter, box, msg) {
  if (input.value === '') {
    // Nothing typed (Enter in an empty form): no attempt to send.
    setList(box, [msg.msgEmpty]);
    invalid(input, msg.msgEmpty);
    return false;
  }
  if (input.value !== confirm.value) {
    setList(box, [msg.msgNomatch]);
    invalid(confirm, msg.msgNomatch);
    return false;
  }
  valid(confirm);
  // The directory's own rules (AD's complexity): said here, not after a
  // round trip to the directory's refusal.
  if (directoryRefuses(root, input, meter, box, msg.msgRejected, msg.msgRejectedbelow)) return false;
  setList(box, []);
  return true;
}

globalThis.styrkeForm = Object.freeze({ api, post, waited, held, clock, saidAt, setList, show, invalid, valid, loginLink, keepDone, keptDone, busy, isBusy, describeRules, refused, deskParts, showContact, addContact, deskOf, adKinds, directoryRules, directoryUnmet, directoryHint, directoryRefuses, newPasswordHolds });
