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
const submit = form.querySelector('button:not([type=button])');

function applyInstitution() {
  for (const el of root.querySelectorAll('[data-policy-id]')) el.hidden = el.dataset.policyId !== institution.value;
  const section = root.querySelector(`[data-policy-id="${CSS.escape(institution.value)}"]`);
  if (section) {
    password.setAttribute('passwordrules', section.dataset.passwordrules);
    password.minLength = Number(section.dataset.minlength);
    password.maxLength = Number(section.dataset.maxlength);
  }
  if (meter) meter.setAttribute('policy', institution.value);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (password.value === '') {
    // Nothing typed (Enter in an empty form): no attempt to send.
    setList([msg.msgEmpty]);
    styrkeForm.invalid(password, msg.msgEmpty);
    return;
  }
  if (password.value !== confirmInput.value) {
    setList([msg.msgNomatch]);
    styrkeForm.invalid(confirmInput, msg.msgNomatch);
    return;
  }
  styrkeForm.valid(confirmInput);
  setList([]);
  submit.disabled = true;
  submit.textContent = msg.msgBusy;
  let res = null;
  try {
    res = await styrkeForm.api('/api/change', { username: username.value, institution: institution.value, current: current.value, password: password.value });
  } catch {
    res = null;
  }
  submit.disabled = false;
  // The button had the focus, and lost it to the page while disabled.
  if (document.activeElement === document.body) submit.focus();
  submit.textContent = msg.msgSubmit;
  if (!res) {
    setList([msg.msgError]);
    return;
  }
  switch (res.status) {
    case 204:
      current.value = '';
      password.value = '';
      confirmInput.value = '';
      styrkeForm.show(root, 'done');
      return;
    case 422: {
      const violations = res.data?.violations;
      const texts = Array.isArray(violations) ? violations.map((v) => v.message) : [msg.msgError];
      setList(texts, msg.msgRejected);
      password.setAttribute('aria-invalid', 'true');
      password.focus();
      return;
    }
    case 401:
      setList([msg.msgWrong]);
      styrkeForm.invalid(current, msg.msgWrong);
      return;
    case 400:
      // The request's own fault, found by the server: of what the page
      // sends, only a new password equal to the current one gets here.
      if (res.data?.error?.fields?.includes('password')) {
        setList([msg.msgSame]);
        styrkeForm.invalid(password, msg.msgSame);
      } else {
        setList([msg.msgError]);
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
    case 423:
      setList([msg.msgLocked]);
      return;
    case 403:
      setList([res.data?.error?.code === 'account_disabled' ? msg.msgDisabled : msg.msgError]);
      return;
    case 429:
      setList([msg.msgToomany]);
      return;
    case 503: {
      const code = res.data?.error?.code;
      const byCode = {
        breach_unavailable: msg.msgBreachdown,
        directory_error: msg.msgDirectoryerror,
        overloaded: msg.msgOverloaded,
      };
      setList([byCode[code] ?? msg.msgDirectorydown]);
      return;
    }
    default:
      setList([msg.msgError]);
  }
});

current.addEventListener('input', () => current.removeAttribute('aria-invalid'));
password.addEventListener('input', () => password.removeAttribute('aria-invalid'));
// A reminder that the password expires names the person's institution
// (?institution=ID): the form starts with it chosen, when the list has it.
{
  const id = new URLSearchParams(location.search).get('institution') ?? '';
  if (/^[A-Za-z0-9_-]{1,64}$/.test(id) && [...institution.options].some((o) => o.value === id)) institution.value = id;
}
institution.addEventListener('change', applyInstitution);
applyInstitution();

if (meter) {
  setTimeout(() => {
    if (!customElements.get('styrke-meter')) root.querySelector('[data-no-meter]').hidden = false;
  }, 5000);
}
