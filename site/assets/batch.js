// batch.js: the policy designer's batch (many passwords under two policies).
// The designer starts it as a module worker, one per core up to MAX_WORKERS,
// each on a contiguous share of the lines, so the page's thread stays free
// and the cores are all used. Where a worker cannot start (no module
// workers, a blocked script), the designer imports this same file and runs
// tally in the page in short slices. Either way the rule engine is the
// WebAssembly module that the meter's script starts, so the verdicts are
// the ones the meter and the server give. No password leaves the browser.

export const MAX_WORKERS = 4;
// CHANGED_KEPT: how many changed verdicts a batch keeps to list, the first
// ones in line order. Each is [line number, current ok, edited ok,
// password, rules]: rules are the rules failed under one policy and not
// the other (why the verdict changed). The password is the designer's own
// line, kept to show in the page; it goes nowhere else (a worker hands it
// to the page that started it, nothing more).
export const CHANGED_KEPT = 200;

export function newStats() {
  return {
    n: 0, passCur: 0, passEdit: 0, changed: [], changedCount: 0,
    histCur: new Map(), histEdit: new Map(), rulesCur: new Map(), rulesEdit: new Map(),
  };
}

const bump = (m, k, by = 1) => m.set(k, (m.get(k) || 0) + by);

// tally evaluates lines[from] up to lines[to] (or until the clock passes
// until) into s and returns the index it stopped at. cur is the current
// policy (a built-in id or an object), ed the edited one or null; first is
// the line number of lines[0].
export function tally(api, job, s, from, to, until = Infinity) {
  const { lines, cur, ed, lang, first } = job;
  let j = from;
  while (j < to) {
    const a = api.verdict({ password: lines[j], policy: cur, lang });
    const b = ed ? api.verdict({ password: lines[j], policy: ed, lang }) : null;
    if (a.error) throw new Error(a.error.message);
    if (b && b.error) throw new Error(b.error.message);
    s.n++;
    if (a.ok) s.passCur++;
    bump(s.histCur, Math.floor(a.score));
    for (const v of a.violations || []) bump(s.rulesCur, v.rule);
    if (b) {
      if (b.ok) s.passEdit++;
      bump(s.histEdit, Math.floor(b.score));
      for (const v of b.violations || []) bump(s.rulesEdit, v.rule);
      if (a.ok !== b.ok) {
        s.changedCount++;
        if (s.changed.length < CHANGED_KEPT) s.changed.push([first + j, a.ok, b.ok, lines[j], changedRules(a, b)]);
      }
    }
    j++;
    if ((j & 63) === 0 && performance.now() >= until) break;
  }
  return j;
}

// changedRules returns the rules that a or b fails and the other does not,
// each once, in the order the results name them.
function changedRules(a, b) {
  const ra = new Set((a.violations || []).map((v) => v.rule));
  const rb = new Set((b.violations || []).map((v) => v.rule));
  const out = [];
  for (const r of ra) if (!rb.has(r)) out.push(r);
  for (const r of rb) if (!ra.has(r)) out.push(r);
  return out;
}

// merge adds t (the stats of later lines) into s.
export function merge(s, t) {
  s.n += t.n;
  s.passCur += t.passCur;
  s.passEdit += t.passEdit;
  s.changedCount += t.changedCount;
  for (const c of t.changed) if (s.changed.length < CHANGED_KEPT) s.changed.push(c);
  for (const k of ['histCur', 'histEdit', 'rulesCur', 'rulesEdit'])
    for (const [key, n] of t[k]) bump(s[k], key, n);
  return s;
}

// In a worker: a message {meter, job} starts a share, {stop: true} ends it
// early; the answers are {progress: lines done} about every 100 ms, then
// {stats} (of the lines done) or {error}. The worker yields to its event
// loop between those slices, so that a stop is seen.
if (typeof document === 'undefined' && typeof self !== 'undefined' && typeof self.postMessage === 'function') {
  let stop = false;
  self.onmessage = async (e) => {
    if (e.data.stop) { stop = true; return; }
    try {
      const { meter, job } = e.data;
      const api = await (await import(meter)).ready;
      const s = newStats();
      let j = 0;
      while (j < job.lines.length && !stop) {
        j = tally(api, job, s, j, job.lines.length, performance.now() + 100);
        self.postMessage({ progress: j });
        await new Promise((r) => setTimeout(r, 0));
      }
      self.postMessage({ stats: s });
    } catch (err) {
      self.postMessage({ error: String((err && err.message) || err) });
    }
  };
}
