// The policy designer. Everything runs in the browser: the rule engine is
// the WebAssembly module that <styrke-meter> starts (globalThis.styrke), so
// the designer evaluates with exactly the code the meter and the server run;
// the batch runs the same module in workers (batch.js). No password leaves
// the browser, and none is logged.

const root = document.querySelector('[data-designer]');
const msg = root.dataset;
const lang = document.documentElement.lang || 'nb';
const form = root.querySelector('[data-policy-form]');
const $ = (sel) => root.querySelector(sel);
const MAX_LINES = 100000;
const SLICE_MS = 30;

const ruleLabels = {};
{
  const dts = root.querySelectorAll('[data-rule-labels] dt');
  for (const dt of dts) ruleLabels[dt.textContent] = dt.nextElementSibling.textContent;
}

let engine = null;
let current = null; // the policy we started from
let builtinId = null; // its id when it is a built-in policy as published
let defaults = null; // the default policy, filling omitted fields

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === true) e.setAttribute(k, '');
    else if (v !== false && v != null) e.setAttribute(k, String(v));
  }
  if (text != null) e.textContent = text;
  return e;
}

async function fetchPolicy(id) {
  const res = await fetch(`/policies/${encodeURIComponent(id)}.json`, { cache: 'no-cache' });
  if (!res.ok) throw new Error(`policy ${id}: HTTP ${res.status}`);
  return res.json();
}

// withDefaults fills omitted fields the way policy.Parse does: the default
// policy's values but for what is Felles IAM's own (its id, name and
// context words: a pasted policy without context words has none, as
// styrke policy show says; it took "fellesiam", "sikt" and "feide").
function withDefaults(p) {
  const base = structuredClone(defaults);
  base.contextWords = [];
  const out = { ...base, ...p };
  out.score = { ...structuredClone(defaults.score), ...(p.score || {}) };
  return out;
}

// --- the form -----------------------------------------------------------

function getPath(obj, path) {
  return path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
}

function setPath(obj, path, value) {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] ??= {};
  o[keys.at(-1)] = value;
}

let rowSeq = 0;

function numberCell(label, value, attrs) {
  const id = `row-${++rowSeq}`;
  const wrap = el('div', { class: 'field' });
  wrap.append(el('label', { for: id }, label));
  wrap.append(el('input', { id, type: 'number', value, ...attrs }));
  return wrap;
}

function removeButton(row) {
  const b = el('button', { type: 'button', class: 'button' }, msg.msgRemove);
  b.addEventListener('click', () => {
    // The focus goes to the row after, else the one before, else the
    // section's Add button (it fell to the page's top with the row).
    const next = row.nextElementSibling ?? row.previousElementSibling;
    const add = $(row.matches('[data-tier]') ? '[data-add-tier]' : '[data-add-bonus]');
    row.remove();
    changed();
    (next?.querySelector('input') ?? add)?.focus();
  });
  return b;
}

function tierRow(t) {
  const row = el('div', { class: 'row', 'data-tier': true });
  row.append(numberCell(msg.msgTierFrom, t.from, { min: 1, 'data-k': 'from' }));
  row.append(numberCell(msg.msgTierPoints, t.points, { min: 0, step: 0.5, 'data-k': 'points' }));
  const id = `row-${++rowSeq}`;
  const check = el('div', { class: 'check' });
  check.append(el('input', { id, type: 'checkbox', 'data-k': 'floor', checked: !!t.floor }), el('label', { for: id }, msg.msgTierFloor));
  row.append(check, removeButton(row));
  return row;
}

function bonusRow(b) {
  const row = el('div', { class: 'row', 'data-bonus-rule': true });
  row.append(numberCell(msg.msgBonusPoints, b.points, { min: 0, step: 0.5, 'data-k': 'points' }));
  row.append(numberCell(msg.msgBonusCategories, b.categories, { min: 1, max: 4, 'data-k': 'categories' }));
  row.append(numberCell(msg.msgBonusMineach, b.minEach, { min: 1, 'data-k': 'minEach' }));
  row.append(removeButton(row));
  return row;
}

function fillForm(p) {
  for (const input of form.querySelectorAll('[data-field]')) {
    const v = getPath(p, input.dataset.field);
    switch (input.dataset.kind) {
      case 'bool': input.checked = !!v; break;
      case 'lines': input.value = (v || []).join('\n'); break;
      default: input.value = v ?? '';
    }
  }
  $('[data-tiers]').replaceChildren(...(p.score.tiers || []).map(tierRow));
  $('[data-bonus]').replaceChildren(...(p.score.bonus || []).map(bonusRow));
  for (const input of form.querySelectorAll('[data-required]')) {
    input.value = p.requiredClasses?.[input.dataset.required] ?? 0;
  }
  const allowed = p.allowedCharacters;
  $('[data-allowed-on]').checked = !!allowed;
  for (const input of form.querySelectorAll('[data-allowed-class]')) {
    input.checked = !!allowed?.classes?.includes(input.dataset.allowedClass);
  }
  $('[data-allowed-extra]').value = allowed?.extra ?? '';
  syncAllowed();
}

function num(input) {
  return input.value.trim() === '' ? NaN : Number(input.value);
}

// readForm returns the edited policy, every field present.
function readForm() {
  const p = {};
  for (const input of form.querySelectorAll('[data-field]')) {
    let v;
    switch (input.dataset.kind) {
      case 'bool': v = input.checked; break;
      case 'lines': v = input.value.split('\n').map((s) => s.trim()).filter(Boolean); break;
      case 'int': case 'float': v = num(input); break;
      default: v = input.value;
    }
    setPath(p, input.dataset.field, v);
  }
  p.score.tiers = [...form.querySelectorAll('[data-tier]')].map((row) => ({
    from: num(row.querySelector('[data-k=from]')),
    points: num(row.querySelector('[data-k=points]')),
    floor: row.querySelector('[data-k=floor]').checked,
  }));
  p.score.bonus = [...form.querySelectorAll('[data-bonus-rule]')].map((row) => ({
    points: num(row.querySelector('[data-k=points]')),
    categories: num(row.querySelector('[data-k=categories]')),
    minEach: num(row.querySelector('[data-k=minEach]')),
  }));
  const req = {};
  for (const input of form.querySelectorAll('[data-required]')) {
    // Any number but 0, so the engine names -1 (it was dropped, as 0).
    const n = num(input);
    if (!Number.isNaN(n) && n !== 0) req[input.dataset.required] = n;
  }
  if (Object.keys(req).length) p.requiredClasses = req;
  if ($('[data-allowed-on]').checked) {
    p.allowedCharacters = {
      classes: [...form.querySelectorAll('[data-allowed-class]')].filter((i) => i.checked).map((i) => i.dataset.allowedClass),
      extra: $('[data-allowed-extra]').value,
    };
  }
  // Keep the order of the canonical JSON for export.
  const order = ['id', 'name', 'contextWords', 'minLength', 'maxLength', 'threshold', 'minGuessesLog10', 'historySize',
    'breachThreshold', 'breachCheck', 'activationTTL', 'score', 'allowedCharacters', 'requiredClasses'];
  const out = {};
  for (const k of order) if (k in p) out[k] = p[k];
  out.score = {
    tiers: p.score.tiers, occurrenceLimit: p.score.occurrenceLimit, repeatScores: p.score.repeatScores,
    categories: p.score.categories, bonus: p.score.bonus,
  };
  return out;
}

function syncAllowed() {
  const on = $('[data-allowed-on]').checked;
  for (const input of root.querySelectorAll('[data-allowed-fields] input')) input.disabled = !on;
}

// --- evaluation ------------------------------------------------------------

function problemsOf(p) {
  if (!engine) return [];
  const r = engine.policyProblems(p);
  if (Array.isArray(r)) return r;
  if (r && Array.isArray(r.problems)) return r.problems;
  if (r && r.error) return [{ field: '', message: r.error.message }];
  return [];
}

function evaluate(p, password) {
  return engine.evaluate({ password, policy: p, lang });
}

// verdict is evaluate without the per-character results, which the batch
// does not show (about half the cost of a call).
function verdict(p, password) {
  return engine.verdict({ password, policy: p, lang });
}

let edited = null;
let editedValid = false;

// fieldInput is the form's input of a policy field ("minLength"), if any.
function fieldInput(field) {
  if (!field) return null;
  // One item of a list ("contextWords[1]"): the list's field.
  const base = field.replace(/\[\d+\]$/, '');
  return form.querySelector(`[data-field="${CSS.escape(base)}"]`);
}

// bare is a field's label without its parenthesis ("Context words (one
// per line)" as "Context words").
const bare = (label) => label.replace(/\s*\(.*\)$/, '');

// tidy writes what the engine's text names in the form's words: a field's
// JSON name as its label ("below minLength 100"). (A duration the engine
// says as it was typed.)
function tidy(text) {
  let out = text;
  for (const input of form.querySelectorAll('[data-field]')) {
    const label = root.querySelector(`label[for="${CSS.escape(input.id)}"]`);
    if (!label) continue;
    const name = bare(label.textContent);
    out = out.replace(new RegExp(`\\b${input.dataset.field.replace(/[.[\]]/g, '\\$&')}\\b`, 'g'), `«${name.charAt(0).toLowerCase()}${name.slice(1)}»`);
  }
  return out;
}

// problemWords are the engine's problem messages (English) as patterns,
// each with the page's wording ({1}… its groups); none in English.
const problemWords = JSON.parse(msg.msgProblemWords || '[]').map(([re, to]) => [new RegExp(re), to]);

// problemText is an engine problem in the page's language.
function problemText(m) {
  for (const [re, to] of problemWords) {
    const g = re.exec(m);
    if (g) return to.replace(/\{(\d)\}/g, (_, i) => g[i]);
  }
  return m;
}

// showProblems lists probs under the names the form gives their fields
// ("Minimum length", not "minLength") and marks those fields invalid.
function showProblems(probs) {
  const box = $('[data-problems]');
  for (const input of form.querySelectorAll('[data-field][aria-invalid]')) input.removeAttribute('aria-invalid');
  if (!probs.length) {
    box.replaceChildren(el('p', { class: 'ok' }, msg.msgValid));
    return;
  }
  const ul = el('ul', { class: 'problems' });
  for (const pr of probs) {
    const input = fieldInput(pr.field);
    const label = input && root.querySelector(`label[for="${CSS.escape(input.id)}"]`);
    if (input) input.setAttribute('aria-invalid', 'true');
    const item = /\[(\d+)\]$/.exec(pr.field ?? '');
    let name = label ? label.textContent : pr.field;
    if (label && item) name = `${bare(name)} ${Number(item[1]) + 1}`;
    const text = tidy(problemText(pr.message));
    ul.append(el('li', {}, name ? `${name}: ${text}` : text));
  }
  box.replaceChildren(ul);
}

// emptyNumbers are the problems of number fields left empty or not a
// number: their JSON says null, which the engine reads as the default, and
// the designer said "valid".
// ZERO_IS_DEFAULT are the fields whose 0 the policy reads as its default.
const ZERO_IS_DEFAULT = new Set(['minLength', 'maxLength', 'threshold', 'minGuessesLog10', 'breachThreshold']);

function emptyNumbers() {
  const out = [];
  for (const input of form.querySelectorAll('[data-field][data-kind=int], [data-field][data-kind=float]')) {
    if (input.disabled) continue;
    const n = num(input);
    if (Number.isNaN(n)) out.push({ field: input.dataset.field, message: msg.msgNumber });
    else if (input.dataset.kind === 'int' && !Number.isInteger(n)) out.push({ field: input.dataset.field, message: msg.msgWhole });
    else if (n === 0 && ZERO_IS_DEFAULT.has(input.dataset.field)) out.push({ field: input.dataset.field, message: msg.msgZero });
  }
  return out;
}

function renderVerdict(box, res) {
  if (!res) { box.replaceChildren(el('p', { class: 'bad' }, msg.msgInvalid)); return; }
  if (res.error) { box.replaceChildren(el('p', { class: 'bad' }, res.error.message)); return; }
  const verdict = el('p', { class: res.ok ? 'ok' : 'bad', 'data-verdict': res.ok ? 'pass' : 'fail' },
    `${res.ok ? '✓ ' + msg.msgPasses : '✗ ' + msg.msgFails} · ${fmt(res.score)} / ${fmt(res.threshold)}`);
  const ul = el('ul');
  for (const v of res.violations || []) ul.append(el('li', {}, v.message));
  box.replaceChildren(verdict, ul);
}

const fmtNum = new Intl.NumberFormat(lang === 'en' ? 'en' : 'nb', { maximumFractionDigits: 2 });
const fmt = (n) => fmtNum.format(n);
const pct = (n, d) => (d ? new Intl.NumberFormat(lang === 'en' ? 'en' : 'nb', { style: 'percent', maximumFractionDigits: 1 }).format(n / d) : '–');

let tryStatusTimer = 0;

function tryPassword() {
  if (!engine || !current) return;
  const pw = $('#try-password').value;
  renderVerdict($('[data-try=current]'), evaluate(current, pw));
  renderVerdict($('[data-try=edited]'), editedValid ? evaluate(edited, pw) : null);
  // A screen reader hears the two verdicts once typing pauses, not both
  // panels (some 300 characters) at every keystroke.
  clearTimeout(tryStatusTimer);
  tryStatusTimer = setTimeout(() => {
    $('[data-try-status]').textContent = [...root.querySelectorAll('[data-testid=try-current], [data-testid=try-edited]')]
      .map((box) => `${box.querySelector('h3').textContent}: ${box.querySelector('[data-try] p')?.textContent ?? ''}`).join('. ');
  }, 700);
}

// nameRemoves names each Remove button by the row it removes ("Remove:
// From character 9"): six buttons named "Remove" alone told a screen
// reader nothing.
function nameRemoves() {
  const name = (row, k, label) => {
    const b = row.querySelector('button');
    if (b) b.setAttribute('aria-label', `${msg.msgRemove}: ${label} ${row.querySelector(`[data-k=${k}]`).value}`);
  };
  for (const row of form.querySelectorAll('[data-tier]')) name(row, 'from', msg.msgTierFrom);
  for (const row of form.querySelectorAll('[data-bonus-rule]')) name(row, 'points', msg.msgBonusPoints);
}

function changed() {
  if (!current) return;
  nameRemoves();
  edited = readForm();
  // The form's own problems first: with a number field empty or not whole,
  // the engine cannot read the policy at all, and its one message (in
  // English) would stand for the form's named ones.
  const own = emptyNumbers();
  const probs = [...own, ...problemsOf(edited).filter((p) => !(own.length && p.field === ''))];
  editedValid = engine != null && probs.length === 0;
  if (engine) showProblems(probs);
  $('[data-export-json]').value = JSON.stringify(edited, null, 2) + '\n';
  tryPassword();
}

form.addEventListener('input', changed);
form.addEventListener('change', () => { syncAllowed(); changed(); });
$('[data-add-tier]').addEventListener('click', () => {
  const tiers = form.querySelectorAll('[data-tier]');
  const last = tiers.length ? num(tiers[tiers.length - 1].querySelector('[data-k=from]')) : 0;
  const row = tierRow({ from: (last || 0) + 1, points: 1 });
  $('[data-tiers]').append(row);
  changed();
  row.querySelector('input').focus(); // the new row's first field
});
$('[data-add-bonus]').addEventListener('click', () => {
  const row = bonusRow({ points: 4, categories: 3, minEach: 1 });
  $('[data-bonus]').append(row);
  changed();
  row.querySelector('input').focus();
});
$('#try-password').addEventListener('input', tryPassword);

function start(base, edit, id = null) {
  builtinId = id;
  current = withDefaults(base);
  fillForm(withDefaults(edit || base));
  changed();
}

$('[data-load]').addEventListener('click', async () => {
  const id = $('#start-policy').value;
  try {
    start(await fetchPolicy(id), null, id);
    $('[data-json-error]').textContent = '';
  } catch (e) {
    $('[data-json-error]').textContent = String(e.message || e);
  }
});

// refusal is why the engine would not take the policy JSON text, in the
// page's words (its problems, each with its field), or '' when it takes
// it. The text is read as `styrke policy validate` and the server read a
// policy: a duplicated key, an unknown field or class, a value not one of
// its choices ("Require") are refused by name. Filled into the form
// first, such a policy kept only what the form could show ("Require"
// became an empty choice, exported as "", which reads as "prefer"; an
// unknown class "Upper" was dropped), and the page said it was valid.
function refusal(text) {
  return problemsOf(text).map((pr) => (pr.field ? `${pr.field}: ` : '') + problemText(pr.message)).join('; ');
}

$('[data-apply-json]').addEventListener('click', () => {
  const out = $('[data-json-error]');
  const text = $('#paste-json').value.replace(/^\uFEFF/, ''); // as the CLI reads a file
  try {
    // Before the engine is ready, JSON's own reading; its message is not
    // shown, since it quotes the text (a password pasted by mistake).
    const why = engine ? refusal(text) : '';
    if (why) throw new Error(why);
    let p;
    try {
      p = JSON.parse(text);
    } catch {
      throw new Error(msg.msgNotJson);
    }
    if (!p || typeof p !== 'object' || Array.isArray(p)) throw new Error('want an object, {…}');
    start(p);
    out.textContent = '';
  } catch (e) {
    out.textContent = `${msg.msgJsonRefused} ${e.message}`;
  }
});

// --- export and share --------------------------------------------------------

function status(text) { $('[data-export-status]').textContent = text; }

$('[data-download]').addEventListener('click', () => {
  const blob = new Blob([$('[data-export-json]').value], { type: 'application/json' });
  const a = el('a', { href: URL.createObjectURL(blob), download: `${edited?.id || 'policy'}.json` });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
});

async function copy(text) {
  try {
    await navigator.clipboard.writeText(text);
    status(msg.msgCopied);
  } catch {
    status(text);
  }
}

function b64url(text) {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function unb64url(s) {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
}

function shareLink() {
  return `${location.origin}${location.pathname}#policy=${b64url(JSON.stringify(edited))}`;
}

// Switching language keeps the edited policy: langlinks.js asks for the
// fragment just before a language link is used.
document.addEventListener('styrke:fragment', () => {
  if (current && edited) history.replaceState(null, '', shareLink());
});

$('[data-copy]').addEventListener('click', () => copy($('[data-export-json]').value));
$('[data-share]').addEventListener('click', () => {
  const link = shareLink();
  history.replaceState(null, '', link);
  copy(link);
});

// --- batch -------------------------------------------------------------------

let cancelBatch = null;

// A pasted list of more than PASTE_SHOW_MAX_LINES lines is kept out of the
// textarea: laying out 100,000 lines there blocks the page for seconds
// (BENCHMARKS.md, designer). The batch reads a chosen file first, then
// such a pasted list, then the textarea.
const PASTE_SHOW_MAX_LINES = 2000;
let pastedText = null;

function countLines(text) {
  let n = 0;
  for (let i = -1; (i = text.indexOf('\n', i + 1)) !== -1;) n++;
  return text.endsWith('\n') || text === '' ? n : n + 1;
}

function setPasted(text) {
  pastedText = text;
  const box = $('[data-batch-pasted]');
  const clear = $('[data-batch-pasted-clear]');
  $('[data-batch-pasted-text]').textContent = text == null ? '' : box.dataset.msg.replace('{n}', countLines(text).toLocaleString(lang));
  clear.hidden = text == null;
}

{
  const input = $('#batch-input');
  input.addEventListener('paste', (e) => {
    const text = e.clipboardData && e.clipboardData.getData('text/plain');
    if (!text || countLines(text) <= PASTE_SHOW_MAX_LINES) return;
    e.preventDefault();
    input.value = '';
    setPasted(text);
  });
  // Typing in the box makes the box the list again.
  input.addEventListener('input', () => { if (pastedText != null && input.value !== '') setPasted(null); });
  $('[data-batch-pasted-clear]').addEventListener('click', () => { setPasted(null); input.focus(); });
}

// firstLines returns the first max lines of text and whether there were
// more (a final newline ends the last line, it does not start another).
function firstLines(text, max) {
  let end = -1; // where the max-th line ends, if it ends in a newline
  for (let n = 0; n < max; n++) {
    end = text.indexOf('\n', end + 1);
    if (end === -1) break;
  }
  if (end === -1) {
    const lines = text.split(/\r?\n/);
    if (lines.at(-1) === '') lines.pop();
    return { lines, truncated: false };
  }
  const head = text.slice(0, end > 0 && text[end - 1] === '\r' ? end - 1 : end);
  return { lines: head.split(/\r?\n/), truncated: end + 1 < text.length };
}

// fileLines reads the first max lines of a file as a stream and stops
// there: a real password list can be 130 MB and 14 million lines, which
// read whole took 7 s and 660 MB of memory before the batch began.
async function fileLines(file, max) {
  if (typeof TextDecoderStream !== 'function') return firstLines(await file.text(), max);
  const reader = file.stream().pipeThrough(new TextDecoderStream()).getReader();
  const lines = [];
  let rest = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      const parts = (rest + value).split(/\r?\n/);
      rest = parts.pop();
      for (const line of parts) {
        if (lines.length === max) return { lines, truncated: true };
        lines.push(line);
      }
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  if (rest !== '') {
    if (lines.length === max) return { lines, truncated: true };
    lines.push(rest);
  }
  return { lines, truncated: false };
}

async function readBatchLines() {
  const file = $('#batch-file').files[0];
  const read = file ? await fileLines(file, MAX_LINES) : firstLines(pastedText ?? $('#batch-input').value, MAX_LINES);
  // A blank line (or one of spaces only) separates, it is no password: 3
  // blank lines of 8 counted as "too short", 37.5% of the list.
  if (read.lines.some((l) => l.trim() === '')) read.lines = read.lines.filter((l) => l.trim() !== '');
  return read;
}

const yieldToPage = () => new Promise((r) => setTimeout(r, 0));

// Lists shorter than this run in the page: starting a worker (its own copy
// of the module) costs more than they do.
const WORKER_MIN_LINES = 1000;

// inWorkers runs the batch in module workers, one per core up to
// B.MAX_WORKERS, each on a contiguous share of the lines. It resolves to
// the merged stats (of the lines done, if stop was called), or rejects if
// a worker fails (to start or later): the page then runs the batch itself.
function inWorkers(B, lines, job, onProgress, setStop) {
  const k = Math.min(B.MAX_WORKERS, Math.max(1, navigator.hardwareConcurrency || 2), Math.ceil(lines.length / WORKER_MIN_LINES));
  const share = Math.ceil(lines.length / k);
  return new Promise((resolve, reject) => {
    const workers = [];
    const done = new Array(k).fill(0);
    const parts = new Array(k).fill(null);
    let left = k, failed = false;
    const stopAll = () => { for (const w of workers) w.terminate(); };
    const fail = (e) => {
      if (failed) return;
      failed = true;
      stopAll();
      reject(e);
    };
    setStop(() => { for (const w of workers) w.postMessage({ stop: true }); });
    for (let i = 0; i < k; i++) {
      let w;
      try {
        w = new Worker(root.dataset.batch, { type: 'module' });
      } catch (e) {
        fail(e);
        return;
      }
      workers.push(w);
      w.onerror = (ev) => { ev.preventDefault(); fail(new Error(ev.message || 'batch worker failed')); };
      w.onmessageerror = () => fail(new Error('batch worker message'));
      w.onmessage = (ev) => {
        const m = ev.data;
        if (m.error) { fail(new Error(m.error)); return; }
        if (m.progress !== undefined) {
          done[i] = m.progress;
          onProgress(done.reduce((x, y) => x + y, 0));
          return;
        }
        parts[i] = m.stats;
        w.terminate();
        if (--left === 0) resolve(parts.reduce((s, t) => B.merge(s, t), B.newStats()));
      };
      const from = i * share;
      w.postMessage({ meter: root.dataset.meter, job: { ...job, lines: lines.slice(from, from + share), first: from + 1 } });
    }
  });
}

// inPage runs the batch on the page's thread in slices of about SLICE_MS,
// yielding between them so the page keeps painting and answering input.
async function inPage(B, lines, job, onProgress, setStop) {
  let stopped = false;
  setStop(() => { stopped = true; });
  const s = B.newStats();
  const full = { ...job, lines, first: 1 };
  let j = 0;
  while (j < lines.length && !stopped) {
    j = B.tally(engine, full, s, j, lines.length, performance.now() + SLICE_MS);
    onProgress(j);
    await yieldToPage();
  }
  return s;
}

async function runBatch() {
  if (!engine || !current) return;
  const { lines, truncated } = await readBatchLines();
  const both = editedValid;
  const progress = $('#batch-progress');
  const statusEl = $('[data-batch-status]');
  // The count while it runs is no live region (a screen reader would read
  // it ten times a second); the status says the outcome, once.
  const countEl = $('[data-batch-count]');
  statusEl.textContent = '';
  const run = $('[data-batch-run]');
  const cancel = $('[data-batch-cancel]');
  const results = $('[data-batch-results]');
  let stop = () => {};
  let stopped = false;
  cancelBatch = () => { stopped = true; stop(); };
  const setStop = (f) => { stop = f; if (stopped) f(); };
  // A disabled button drops the keyboard's focus to the page: it goes to
  // Cancel while the batch runs, and back after.
  const focused = document.activeElement === run;
  run.disabled = true;
  cancel.disabled = false;
  if (focused) cancel.focus();
  progress.max = Math.max(lines.length, 1);
  progress.value = 0;
  let shown = 0;
  const onProgress = (j) => {
    progress.value = j;
    const now = performance.now();
    if (now - shown < 100 && j < lines.length) return;
    shown = now;
    countEl.textContent = `${j.toLocaleString(lang)} / ${lines.length.toLocaleString(lang)}`;
  };
  const cur = current;
  const ed = edited;
  // A built-in policy goes by its id, which the engine need not parse.
  const job = { cur: builtinId ?? cur, ed: both ? ed : null, lang };
  let stats = null, mode = 'page', failure = null;
  try {
    const B = await import(root.dataset.batch);
    if (lines.length >= WORKER_MIN_LINES && typeof Worker === 'function') {
      try {
        stats = await inWorkers(B, lines, job, onProgress, setStop);
        mode = 'workers';
      } catch (e) {
        // A worker that cannot start (no module workers, a blocked
        // script): the page does the work itself.
        if (!stopped) console.warn('designer: batch workers unavailable, running in the page:', e.message);
      }
    }
    if (!stats && !stopped) stats = await inPage(B, lines, job, onProgress, setStop);
  } catch (e) {
    failure = e;
  }
  const back = document.activeElement === cancel || document.activeElement === document.body;
  run.disabled = false;
  cancel.disabled = true;
  if (back) run.focus();
  cancelBatch = null;
  results.dataset.mode = mode;
  if (!stats) {
    countEl.textContent = '';
    statusEl.textContent = failure ? `${msg.msgUnavailable} (${failure.message})` : '';
    return;
  }
  countEl.textContent = '';
  statusEl.textContent = `${stats.n.toLocaleString(lang)} / ${lines.length.toLocaleString(lang)}` + (truncated ? ` · ${msg.msgLimit}` : '');
  showBatch(stats, both, cur, ed);
}

const collator = new Intl.Collator(lang === 'en' ? 'en' : 'nb');
const ruleLabel = (r) => ruleLabels[r] || r;

function showBatch(s, both, cur, ed) {
  $('[data-batch-results]').hidden = false;
  $('[data-rate=current]').textContent = `${pct(s.passCur, s.n)} (${s.passCur.toLocaleString(lang)})`;
  $('[data-rate=edited]').textContent = both ? `${pct(s.passEdit, s.n)} (${s.passEdit.toLocaleString(lang)})` : msg.msgInvalid;
  $('[data-changed-count]').textContent = both ? s.changedCount.toLocaleString(lang) : '–';
  root.querySelector('[data-batch-results]').dataset.counts = JSON.stringify({ n: s.n, current: s.passCur, edited: both ? s.passEdit : null, changed: both ? s.changedCount : null });
  showChanged(s, both);
  showTopRules(s, both);
  const box = $('[data-histogram]');
  box.replaceChildren(histogram(s, both, cur.threshold, ed.threshold));
  placeLabels(box.querySelector('svg'));
}

// showTopRules fills "Rules failed most": the eight rules failed by the
// most passwords under the edited policy (the current one when the edited
// one is not valid), ties by the other policy's count, then by label; the
// column it is sorted by says so (aria-sort).
function showTopRules(s, both) {
  const by = both ? s.rulesEdit : s.rulesCur;
  const then = both ? s.rulesCur : s.rulesEdit;
  const n = (m, r) => m.get(r) || 0;
  const rules = [...new Set([...s.rulesCur.keys(), ...s.rulesEdit.keys()])];
  rules.sort((x, y) => n(by, y) - n(by, x) || n(then, y) - n(then, x) || collator.compare(ruleLabel(x), ruleLabel(y)));
  $('[data-top-rules]').replaceChildren(...rules.slice(0, 8).map((r) => {
    const tr = el('tr', { 'data-rule': r, 'data-current': n(s.rulesCur, r), 'data-edited': both ? n(s.rulesEdit, r) : null });
    tr.append(el('th', { scope: 'row' }, ruleLabel(r)), el('td', {}, pct(n(s.rulesCur, r), s.n)), el('td', {}, both ? pct(n(s.rulesEdit, r), s.n) : '–'));
    return tr;
  }));
  for (const th of root.querySelectorAll('[data-top-col]')) {
    if (th.dataset.topCol === (both ? 'edited' : 'current')) th.setAttribute('aria-sort', 'descending');
    else th.removeAttribute('aria-sort');
  }
}

// The list of changed verdicts, with the passwords themselves: they are
// the designer's own lines, shown in the page only (set as text, never
// sent, never logged). It is sorted by line or by the rules that changed.
let changedRows = [];
let changedSort = { by: 'line', desc: false };

function showChanged(s, both) {
  changedRows = both ? s.changed.map(([line, a, b, password, rules]) => ({
    line, a, b, password, rules,
    key: rules.map(ruleLabel).sort(collator.compare).join(', '),
  })) : [];
  const note = $('[data-changed-note]');
  if (!both) note.textContent = msg.msgInvalid;
  else if (!s.changedCount) note.textContent = msg.msgChangedNone;
  else if (s.changedCount > changedRows.length) {
    note.textContent = msg.msgChangedShown.replace('{shown}', changedRows.length.toLocaleString(lang)).replace('{n}', s.changedCount.toLocaleString(lang));
  } else note.textContent = '';
  $('[data-changed-wrap]').hidden = changedRows.length === 0;
  $('[data-sort-status]').textContent = '';
  renderChanged();
}

function renderChanged() {
  const { by, desc } = changedSort;
  const rows = [...changedRows].sort((x, y) => (by === 'rule' ? collator.compare(x.key, y.key) : 0) || x.line - y.line);
  if (desc) rows.reverse();
  const verdict = (ok) => (ok ? msg.msgPasses : msg.msgFails);
  $('[data-changed-list]').replaceChildren(...rows.map((r) => {
    const tr = el('tr', { 'data-line': r.line, 'data-rules': r.rules.join(' ') });
    const pw = el('code', { dir: 'auto', class: 'pw' });
    pw.textContent = r.password;
    const pwCell = el('td');
    pwCell.append(pw);
    tr.append(el('th', { scope: 'row' }, r.line.toLocaleString(lang)), pwCell,
      el('td', {}, `${verdict(r.a)} → ${verdict(r.b)}`), el('td', {}, r.key));
    return tr;
  }));
  for (const th of root.querySelectorAll('[data-sort-col]')) {
    const on = th.dataset.sortCol === by;
    if (on) th.setAttribute('aria-sort', desc ? 'descending' : 'ascending');
    else th.removeAttribute('aria-sort');
    th.querySelector('.sort-mark').textContent = on ? (desc ? ' ▼' : ' ▲') : '';
  }
}

for (const b of root.querySelectorAll('[data-sort]')) {
  b.addEventListener('click', () => {
    const by = b.dataset.sort;
    changedSort = { by, desc: changedSort.by === by ? !changedSort.desc : false };
    renderChanged();
    $('[data-sort-status]').textContent = (by === 'rule' ? msg.msgSortedRule : msg.msgSortedLine) + (changedSort.desc ? ' ' + msg.msgSortedDesc : '');
  });
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text != null) e.textContent = text;
  return e;
}

// median is the lower median of n scores counted by whole point in hist.
function median(hist, n) {
  let seen = 0;
  for (const k of [...hist.keys()].sort((a, b) => a - b)) {
    seen += hist.get(k);
    if (2 * seen >= n) return k;
  }
  return 0;
}

// histogram draws the score distribution of both policies in one SVG, one
// bar pair per whole point, with both thresholds as dashed lines. Its axes
// and threshold lines carry visible labels (the thresholds' above the plot,
// one row each); its text alternative (aria-label) says the same.
function histogram(s, both, thrCur, thrEdit) {
  const scores = [...s.histCur.keys(), ...s.histEdit.keys(), thrCur, thrEdit];
  const max = Math.min(Math.max(10, ...scores.map((v) => Math.ceil(v))) + 2, 200);
  const top = Math.max(1, ...s.histCur.values(), ...s.histEdit.values());
  // Drawn at the width it is shown at, so that its labels are the size the
  // stylesheet says on a phone too (a fixed viewBox shrank them to 5 px).
  const shown = Math.round($('[data-histogram]').getBoundingClientRect().width);
  const same = !both || thrCur === thrEdit;
  const W = shown > 0 ? Math.max(280, shown) : 720;
  const ROW = 16; // one line of label text
  const T = 8 + ROW * (same ? 1 : 2) + 6, B = 2 * ROW + 12, L = 22 + Math.max(2, top.toLocaleString(lang).length) * 7, H = 190 + T + B;
  const bw = (W - L - 4) / (max + 1);
  const y = (n) => H - B - (n / top) * (H - B - T);
  const x = (v) => L + v * bw;
  const label = msg.msgHistLabel.replace('{n}', fmt(s.n)).replace('{cur}', fmt(median(s.histCur, s.n)))
    .replace('{edit}', both ? fmt(median(s.histEdit, s.n)) : '–').replace('{tcur}', fmt(thrCur)).replace('{tedit}', both ? fmt(thrEdit) : '–') +
    ' ' + msg.msgHistAxes;
  const g = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'histogram', role: 'img', 'aria-label': label, 'data-width': W });
  g.append(svg('line', { x1: L, y1: H - B, x2: W, y2: H - B, class: 'axis' }));
  g.append(svg('line', { x1: L, y1: T, x2: L, y2: H - B, class: 'axis' }));
  // The vertical axis: its count at the top and at zero, its title turned
  // along it.
  g.append(svg('text', { x: L - 4, y: T + 4, 'text-anchor': 'end', 'data-label': 'y-top' }, top.toLocaleString(lang)));
  g.append(svg('text', { x: L - 4, y: H - B + 4, 'text-anchor': 'end', 'data-label': 'y-zero' }, '0'));
  const mid = T + (H - B - T) / 2;
  g.append(svg('text', { x: -mid, y: 12, transform: 'rotate(-90)', 'text-anchor': 'middle', 'data-label': 'y-axis' }, msg.msgAxisCount));
  // The horizontal axis: points every step, its title below.
  const step = [10, 20, 50, 100].find((k) => k * bw >= 36) || 100;
  for (let v = 0; v <= max; v++) {
    const capped = (m) => (v === max ? [...m].filter(([k]) => k >= max).reduce((a, [, n]) => a + n, 0) : m.get(v) || 0);
    const a = capped(s.histCur);
    const b = both ? capped(s.histEdit) : 0;
    if (a) g.append(svg('rect', { x: x(v), y: y(a), width: both ? bw / 2 : bw * 0.9, height: H - B - y(a), class: 'cur' }));
    if (b) g.append(svg('rect', { x: x(v) + bw / 2, y: y(b), width: bw / 2, height: H - B - y(b), class: 'edit' }));
    if (v % step === 0) g.append(svg('text', { x: x(v), y: H - B + ROW, 'text-anchor': 'middle', 'data-label': 'x-tick' }, String(v)));
  }
  g.append(svg('text', { x: L + (W - L) / 2, y: H - 6, 'text-anchor': 'middle', 'data-label': 'x-axis' }, msg.msgAxisPoints));
  // The thresholds: a dashed line each, labelled above the plot (the
  // edited one a row lower), or one line and label when they are equal.
  const thr = (v, cls, text, row) => {
    g.append(svg('line', { x1: x(v), y1: T, x2: x(v), y2: H - B, class: cls }));
    g.append(svg('text', { x: x(v), y: 8 + ROW * row + 4, 'text-anchor': 'middle', 'data-label': cls, 'data-center': x(v) }, text));
  };
  if (same) {
    thr(thrCur, 'thr-cur', (both ? msg.msgThrBoth : msg.msgThrCurrent).replace('{n}', fmt(thrCur)), 0);
  } else {
    thr(thrCur, 'thr-cur', msg.msgThrCurrent.replace('{n}', fmt(thrCur)), 0);
    thr(thrEdit, 'thr-edit', msg.msgThrEdited.replace('{n}', fmt(thrEdit)), 1);
  }
  return g;
}

// placeLabels moves the histogram's labels, once it is in the page and
// they can be measured, so that none sticks out of the drawing (a
// threshold near either end would have had half its label cut off).
function placeLabels(g) {
  const W = Number(g.dataset.width);
  for (const t of g.querySelectorAll('text[data-center]')) {
    const w = t.getComputedTextLength();
    const c = Math.min(Math.max(Number(t.dataset.center), w / 2 + 2), W - w / 2 - 2);
    t.setAttribute('x', c);
  }
}

$('[data-batch-run]').addEventListener('click', runBatch);
$('[data-batch-cancel]').addEventListener('click', () => cancelBatch?.());

// --- start ---------------------------------------------------------------------

// waitForEngine resolves to the module's API once the meter's script has
// started it, or null when it cannot start (no WebAssembly, the module
// not loading): the same promise the meter's elements wait on.
async function waitForEngine() {
  try {
    const { ready } = await import(root.dataset.meter);
    return await ready;
  } catch (e) {
    console.warn('designer: the rule engine did not start:', e && e.message);
    return null;
  }
}

async function init() {
  defaults = await fetchPolicy('default');
  let base = defaults;
  let edit = null;
  let id = 'default';
  const m = /^#policy=(.*)$/s.exec(location.hash);
  let shared = null;
  if (m) {
    try {
      shared = unb64url(m[1]);
      edit = JSON.parse(shared);
      const known = [...$('#start-policy').options].some((o) => o.value === edit.id);
      base = known ? await fetchPolicy(edit.id) : edit;
      id = known ? edit.id : null;
      if (known) $('#start-policy').value = edit.id;
    } catch {
      edit = null;
    }
  } else {
    $('#start-policy').value = 'default';
  }
  engine = await waitForEngine();
  // A shared link whose policy cannot be read (cut off when it was
  // copied) or that the engine refuses opened the default policy without
  // a word, or a policy the form had changed (see refusal).
  if (m) {
    const why = edit == null ? msg.msgNotJson : engine ? refusal(shared) : '';
    if (why) {
      edit = null;
      base = defaults;
      id = 'default';
      $('#start-policy').value = 'default';
      $('[data-json-error]').textContent = `${msg.msgShareRefused} ${why}`;
    }
  }
  const loading = $('[data-engine-loading]');
  loading.hidden = engine != null;
  // Run is disabled in the HTML until the engine can run it.
  $('[data-batch-run]').disabled = engine == null;
  if (!engine) loading.textContent = msg.msgUnavailable;
  start(base, edit, id);
}

init();
