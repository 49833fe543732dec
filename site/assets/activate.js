// The activation page. The token comes from the URL fragment (#/pw/TOKEN),
// so it never reaches a server log or a Referer header; it is only ever sent
// in the body of a POST to the API. Nothing here logs the token or the
// password.

const root = document.querySelector('[data-activation]');
const lang = document.documentElement.lang || 'nb';
const msg = root.dataset;
const form = document.getElementById('activate-form');
const password = document.getElementById('new-password');
const confirmInput = document.getElementById('confirm-password');
const usernameInput = document.getElementById('username');
const meter = root.querySelector('styrke-meter');
const errors = root.querySelector('[data-errors]');
const submit = form.querySelector('button:not([type=button])');

const TOKEN = /^#\/pw\/([A-Za-z0-9_-]{8,512})$/;

function token() {
  const m = TOKEN.exec(location.hash);
  return m ? m[1] : null;
}

function show(state, focus = true) {
  for (const el of root.querySelectorAll('[data-state]')) {
    el.hidden = el.dataset.state !== state;
  }
  if (!focus) return;
  const heading = root.querySelector(`[data-state="${state}"] h2`);
  if (heading) heading.focus();
}

async function api(path, body) {
  const res = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Accept': 'application/json', 'Accept-Language': lang },
    body: JSON.stringify(body),
    cache: 'no-store',
    credentials: 'same-origin',
    referrerPolicy: 'no-referrer',
  });
  let data = null;
  if (res.status !== 204) {
    try { data = await res.json(); } catch { data = null; }
  }
  return { status: res.status, data };
}

// goneState tells a used link from an expired one by the error code.
function goneState(data) {
  const code = String(data?.error?.code ?? '');
  return /used|consumed/i.test(code) ? 'used' : 'expired';
}

function showError(text) {
  root.querySelector('[data-error-text]').textContent = text || msg.msgError;
  show('error');
}

function setList(items, heading) {
  errors.replaceChildren();
  if (!items.length) return;
  if (heading) {
    const p = document.createElement('p');
    p.textContent = heading;
    errors.append(p);
  }
  const ul = document.createElement('ul');
  for (const text of items) {
    const li = document.createElement('li');
    li.textContent = text;
    ul.append(li);
  }
  errors.append(ul);
}

let account = null;

function applyAccount(data) {
  const section = root.querySelector(`[data-policy-id="${CSS.escape(String(data.institution))}"]`);
  if (!section || section.dataset.policyVersion !== data.policyVersion) {
    show('mismatch');
    return;
  }
  section.hidden = false;
  account = data;
  usernameInput.value = data.username ?? '';
  root.querySelector('[data-field="name"]').textContent = data.name ?? '';
  root.querySelector('[data-field="institution"]').textContent = data.policy?.name || section.dataset.policyName;
  password.setAttribute('passwordrules', section.dataset.passwordrules);
  password.minLength = Number(section.dataset.minlength);
  password.maxLength = Number(section.dataset.maxlength);
  if (meter) {
    meter.setAttribute('policy', data.institution);
    if (data.name) meter.setAttribute('name', data.name);
  }
  show('form', false);
  password.focus();
}

async function lookup() {
  const t = token();
  if (!t) {
    show(location.hash ? 'unknown' : 'missing');
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
  switch (res.status) {
    case 200:
      applyAccount(res.data);
      return;
    case 404:
      show('unknown');
      return;
    case 410:
      show(goneState(res.data));
      return;
    case 429:
      showError(msg.msgToomany);
      return;
    default:
      showError(res.data?.error?.message);
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!account) return;
  if (password.value !== confirmInput.value) {
    setList([msg.msgNomatch]);
    confirmInput.setAttribute('aria-invalid', 'true');
    confirmInput.focus();
    return;
  }
  confirmInput.removeAttribute('aria-invalid');
  setList([]);
  submit.disabled = true;
  submit.textContent = msg.msgBusy;
  let res;
  try {
    res = await api('/api/activation/complete', { token: token(), password: password.value });
  } catch {
    res = null;
  }
  submit.disabled = false;
  submit.textContent = msg.msgSubmit;
  if (!res) {
    setList([msg.msgError]);
    return;
  }
  switch (res.status) {
    case 204:
    case 200:
      password.value = '';
      confirmInput.value = '';
      account = null;
      // The token is spent: drop it from the address bar and history.
      history.replaceState(null, '', location.pathname);
      show('done');
      return;
    case 422: {
      const violations = res.data?.violations;
      const texts = Array.isArray(violations) ? violations.map((v) => v.message) : [res.data?.error?.message ?? msg.msgError];
      setList(texts, msg.msgRejected);
      password.setAttribute('aria-invalid', 'true');
      password.focus();
      return;
    }
    case 404:
      show('unknown');
      return;
    case 410:
      show(goneState(res.data));
      return;
    case 429:
      setList([msg.msgToomany]);
      return;
    case 409:
      setList([msg.msgInprogress]);
      return;
    case 503: {
      // Nothing was set and the link still works: say why, in the page's words.
      const byCode = {
        breach_unavailable: msg.msgBreachdown,
        directory_unavailable: msg.msgDirectorydown,
        directory_error: msg.msgDirectoryerror,
      };
      setList([byCode[res.data?.error?.code] ?? msg.msgError]);
      return;
    }
    default:
      // The API's own messages are for developers; the person gets words
      // in the page's language.
      setList([msg.msgError]);
  }
});

password.addEventListener('input', () => password.removeAttribute('aria-invalid'));
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
