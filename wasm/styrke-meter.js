// styrke-meter.js: the <styrke-meter> web component and the loader of the
// Styrke WebAssembly module (the Go policy package). Dependency-free ES
// module; no inline script or style, so it runs under
//   default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'
// The JS API (globalThis.styrke) is documented in styrke.d.ts and in the Go
// package doc of wasm/. No character of a password ever goes into the DOM,
// an attribute, an event or a log while the field is masked.

// Asset names, relative to this module. The site build rewrites these two
// literals to fingerprinted names: keep them plain and in this one place.
const WASM_URL = new URL("styrke.wasm", import.meta.url);
const EXEC_URL = new URL("wasm_exec.js", import.meta.url);
// Their Subresource Integrity (SHA-384), written here by the site build, so
// that the integrity a page gives this script pins all three files. Empty in
// the source: not pinned.
const WASM_INTEGRITY = "";
const EXEC_INTEGRITY = "";

const te = new TextEncoder();
const td = new TextDecoder();

function err(code, message) {
  return { error: { code, message } };
}

function makeAPI(ex) {
  // call writes one request (see the Go package doc) and parses the answer.
  function call(fn, fields, kind, breach, raw) {
    // Encode straight into the module's input buffer (3 bytes per UTF-16
    // unit at most), then pass the length actually written.
    let max = 5;
    for (const f of fields) max += 4 + 3 * f.length;
    const p = ex.inbuf(max) >>> 0;
    const u8 = new Uint8Array(ex.mem.buffer, p, max);
    const dv = new DataView(ex.mem.buffer, p, max);
    let o = 0;
    for (const f of fields) {
      const w = te.encodeInto(f, u8.subarray(o + 4)).written;
      dv.setUint32(o, w, true);
      o += 4 + w;
    }
    u8[o] = kind;
    dv.setInt32(o + 1, breach, true);
    const n = o + 5;
    const m = ex[fn](n) >>> 0;
    const q = ex.outbuf() >>> 0;
    if (raw) return raw(ex.mem.buffer, q, m);
    return JSON.parse(td.decode(new Uint8Array(ex.mem.buffer, q, m)));
  }
  // cells is evaluate for the element's own rendering (inputs are always
  // strings): per-character points and notes arrive as typed arrays, not as
  // one object per character (see evaluatecells in main_js.go).
  let pts = new Float64Array(128), notes = new Uint8Array(128), pats = new Uint8Array(128);
  function readCells(buf, q, m) {
    const dv = new DataView(buf, q, m);
    const n = dv.getUint32(0, true), jl = dv.getUint32(4, true);
    if (pts.length < n) (pts = new Float64Array(n)), (notes = new Uint8Array(n)), (pats = new Uint8Array(n));
    for (let i = 0; i < n; i++) pts[i] = dv.getFloat64(8 + 8 * i, true);
    notes.set(new Uint8Array(buf, q + 8 + 9 * n, n));
    pats.set(new Uint8Array(buf, q + 8 + 10 * n, n));
    const r = JSON.parse(td.decode(new Uint8Array(buf, q + 8 + 11 * n, jl)));
    r.n = n;
    r.pts = pts;
    r.notes = notes;
    r.pats = pats;
    return r;
  }
  function cells(password, username, name, policy, lang, breach, birthDate, phone) {
    return call("evaluatecells", [password, username, name, policy || "", lang, birthDate || "", phone || ""], policy ? 1 : 0, breach, readCells);
  }
  function policyArg(policy) {
    if (policy === undefined || policy === null) return [0, ""];
    if (typeof policy === "string") return [1, policy];
    if (typeof policy === "object" && !Array.isArray(policy)) return [2, JSON.stringify(policy)];
    return null;
  }
  const optStr = (v) => v === undefined || v === null || typeof v === "string";
  // request checks evaluate's and verdict's input: [fields, policy kind,
  // breach count] or an error result.
  function request(args, name) {
    const input = args[0];
    if (args.length !== 1 || typeof input !== "object" || input === null)
      return err("bad_input", name + " takes one object: {password, username?, name?, birthDate?, phone?, policy?, breachCount?, lang?}");
    if (typeof input.password !== "string") return err("bad_input", "password must be a string");
    for (const k of ["username", "name", "lang", "birthDate", "phone"])
      if (!optStr(input[k])) return err("bad_input", k + " must be a string");
    const b = input.breachCount;
    if (!(b === undefined || b === null || (Number.isInteger(b) && b >= 0 && b <= 0x7fffffff)))
      return err("bad_input", "breachCount must be a non-negative integer or null");
    const pol = policyArg(input.policy);
    if (!pol) return err("bad_input", "policy must be an institution id or a policy object");
    return [[input.password, input.username || "", input.name || "", pol[1], input.lang || "", input.birthDate || "", input.phone || ""], pol[0], b === undefined || b === null ? -1 : b];
  }
  function evaluate(input) {
    try {
      const r = request(arguments, "evaluate");
      return r.error ? r : call("evaluate", ...r);
    } catch (e) {
      return err("internal", String(e && e.message));
    }
  }
  // readVerdict takes evaluatecells' answer without the per-character part.
  function readVerdict(buf, q, m) {
    const dv = new DataView(buf, q, m);
    const n = dv.getUint32(0, true), jl = dv.getUint32(4, true);
    const r = JSON.parse(td.decode(new Uint8Array(buf, q + 8 + 11 * n, jl)));
    delete r.chars;
    return r;
  }
  // verdict is evaluate without chars: for checking many passwords (the
  // designer's batch), where one object per character is most of the cost.
  function verdict(input) {
    try {
      const r = request(arguments, "verdict");
      return r.error ? r : call("evaluatecells", ...r, readVerdict);
    } catch (e) {
      return err("internal", String(e && e.message));
    }
  }
  function policyProblems(policy) {
    try {
      if (arguments.length !== 1) return err("bad_input", "policyProblems takes one policy");
      let text;
      if (typeof policy === "string") text = policy;
      else if (typeof policy === "object" && policy !== null && !Array.isArray(policy)) text = JSON.stringify(policy);
      else return err("bad_input", "policy must be an object or JSON text");
      return call("problems", ["", "", "", text, "", "", ""], 2, -1);
    } catch (e) {
      return err("internal", String(e && e.message));
    }
  }
  internal = { cells };
  return Object.freeze({ evaluate, verdict, policyProblems });
}

// internal holds what the element uses but the public API does not offer.
let internal = null;
// policy.Note values in evaluatecells' answer.
const NOTE_REPEAT = 1, NOTE_OCCURRENCE_LIMIT = 2;
const GROUP = 4; // cells per layout group (see _build); 4 fills a phone's width

// cspBlocked tells a page's Content-Security-Policy refusing WebAssembly
// apart from other failures (the module not loading, for one).
const cspBlocked = (e) => e instanceof EvalError || /Content Security|unsafe-eval|CSP/i.test(String(e && e.message));
// refused is the directive of the page's Content-Security-Policy that
// refused a request to the module's origin: such a fetch fails as a network
// error does (TypeError), and only the page's event names the policy.
let refused = "";
globalThis.document?.addEventListener("securitypolicyviolation", (e) => {
  if (e.blockedURI.startsWith(WASM_URL.origin)) refused ||= e.effectiveDirective;
});

// compile fetches and compiles the module (streaming: compiling while it
// downloads).
async function compile() {
  // With integrity the browser refuses an answer whose hash differs (a
  // TypeError). A preload of the module must carry the same integrity, or
  // the browser downloads it again.
  const opts = WASM_INTEGRITY ? { integrity: WASM_INTEGRITY } : {};
  try {
    return await WebAssembly.compileStreaming(fetch(WASM_URL, opts));
  } catch (e) {
    if (e instanceof WebAssembly.CompileError || cspBlocked(e) || refused) throw e;
    return WebAssembly.compile(await (await fetch(WASM_URL, opts)).arrayBuffer()); // wrong MIME type
  }
}

// loadExec runs wasm_exec.js (it defines globalThis.Go). import() cannot
// carry integrity, so in a page a modulepreload link with the pinned hash
// fetches and checks it first, and the import takes that checked module from
// the page's module map (the link is removed again). In a worker (the
// designer's batch, on the site itself) it is imported as is.
async function loadExec() {
  if (EXEC_INTEGRITY && globalThis.document) {
    await new Promise((resolve, reject) => {
      const l = document.createElement("link");
      l.rel = "modulepreload";
      l.href = EXEC_URL.href;
      l.integrity = EXEC_INTEGRITY;
      l.crossOrigin = "anonymous";
      l.onload = () => { l.remove(); resolve(); };
      l.onerror = () => { l.remove(); reject(new Error("wasm_exec.js could not be loaded or failed its integrity check")); };
      document.head.append(l);
    });
  }
  await import(EXEC_URL.href);
}

// numImports are the module's "styrke" imports. number parses a number of
// the policy's JSON (n bytes at p in the module's memory): the Go side parses
// through JavaScript to leave strconv's parser and its tables out of the
// module (policy/internal/floatconv). wasm/nodeexec runs the module's tests
// with this same function, read from this file.
function numImports(mem) {
  return { number: (p, n) => Number(td.decode(new Uint8Array(mem().buffer, p, n))) };
}

async function start() {
  // The module downloads and compiles while wasm_exec.js loads: one round
  // trip instead of two before the first score.
  const compiled = compile();
  compiled.catch(() => {}); // awaited below; not unhandled if the import fails first
  await loadExec(); // defines globalThis.Go
  const go = new globalThis.Go();
  // A keystroke allocates 16 bytes in Go (wasm/alloc_js_test.go); a larger
  // GOGC also keeps start-up's allocations from costing a collection (about
  // a millisecond each).
  go.env = { GOGC: "400" };
  let inst;
  go.importObject.styrke = numImports(() => inst.exports.mem);
  inst = await WebAssembly.instantiate(await compiled, go.importObject);
  go.run(inst); // main blocks forever; the exports stay callable
  const api = makeAPI(inst.exports);
  globalThis.styrke = api;
  // The common-password set is built on first need, tens of ms in code V8
  // has not optimised yet: build it once the page is idle after the first
  // score (empty fields need no list), before the eighth character.
  const idle = globalThis.requestIdleCallback || ((f) => setTimeout(f, 50));
  idle(() => inst.exports.prepare(), { timeout: 1000 });
  return api;
}

/** ready resolves to globalThis.styrke once the module has started. */
export const ready = start();
ready.catch(() => {}); // the elements report the failure

// ---------- UI chrome strings (messages come from the Go Result) ----------
const T = {
  nb: {
    comma: true,
    loading: "Laster styrkemåleren …",
    blocked: "Styrkemåleren kan ikke kjøre på denne siden (sidens sikkerhetsregler stopper WebAssembly). Passordet blir kontrollert når du sender skjemaet.",
    failed: "Styrkemåleren kunne ikke starte. Passordet blir kontrollert når du sender skjemaet.",
    nopolicy: "Styrkemåleren kjenner ikke regelsettet siden ber om. Passordet blir kontrollert når du sender skjemaet.",
    nofield: "Styrkemåleren finner ikke passordfeltet sitt",
    score: (s, th) => s + " poeng (" + th + " trengs)", bonus: (b) => "(herav " + b + " ekstrapoeng for variasjon)",
    met: "Oppfylt", unmet: "Ikke oppfylt", todo: "Ikke sjekket ennå",
    cell: (i, p, note, g) => "Tegn " + i + ": " + p + " poeng" + (note ? ", " + note : "") + (g ? ", del av et mønster" : ""),
    why: "Hvorfor gir senere tegn færre poeng?", whyText: "Hvert nytt tegn gir poeng, de første mest: jo lenger ut i passordet, jo færre poeng per tegn, så et langt passord når grensen, men hvert ekstra tegn teller litt mindre. Et tegn som gjentar tegnet før, eller som er brukt mange ganger, gir ingen poeng.",
    nowMet: "Nå oppfylt:",
    ok: "Passordet oppfyller kravene.", notok: "Passordet oppfyller ikke kravene ennå.", empty: "Skriv et passord.",
    repeat: "gjentatt", occ: (n) => n + ". forekomst", rs: "gj.", os: (n) => n + ".",
    chars: "Poeng per tegn",
    rules: { length: "Riktig lengde", weak: (th) => "Sterkt nok: minst " + th + " poeng", common: "Ikke et vanlig passord eller mønster", username: "Inneholder ikke brukernavnet", name: "Inneholder ikke navnet ditt", birthdate: "Inneholder ikke fødselsdatoen din", phone: "Inneholder ikke telefonnummeret ditt", context: "Inneholder ikke institusjonens navn", breached: "Ikke funnet i lekkede passordlister", missing_class: "Har tegnene som kreves", disallowed_character: "Bare tillatte tegn", reused: "Ikke brukt før", server: "Godtatt av tjenesten" },
    checking: "Sjekker lekkede passordlister …", clean: "Ikke funnet i lekkede passordlister.", found: (n) => "Funnet " + n + " ganger i lekkede passordlister.", unavailable: "Kunne ikke sjekke lekkede passordlister nå. Tjenesten prøver igjen når du sender skjemaet.",
    next: "Neste steg",
  },
  nn: {
    comma: true,
    loading: "Lastar styrkemålaren …",
    blocked: "Styrkemålaren kan ikkje køyre på denne sida (sida sine tryggingsreglar stoppar WebAssembly). Passordet blir kontrollert når du sender skjemaet.",
    failed: "Styrkemålaren kunne ikkje starte. Passordet blir kontrollert når du sender skjemaet.",
    nopolicy: "Styrkemålaren kjenner ikkje regelsettet sida ber om. Passordet blir kontrollert når du sender skjemaet.",
    nofield: "Styrkemålaren finn ikkje passordfeltet sitt",
    score: (s, th) => s + " poeng (" + th + " trengst)", bonus: (b) => "(av dette " + b + " ekstrapoeng for variasjon)",
    met: "Oppfylt", unmet: "Ikkje oppfylt", todo: "Ikkje sjekka enno",
    cell: (i, p, note, g) => "Teikn " + i + ": " + p + " poeng" + (note ? ", " + note : "") + (g ? ", del av eit mønster" : ""),
    why: "Kvifor gir seinare teikn færre poeng?", whyText: "Kvart nytt teikn gir poeng, dei første mest: di lenger ut i passordet, di færre poeng per teikn, så eit langt passord når grensa, men kvart ekstra teikn tel litt mindre. Eit teikn som gjentek teiknet før, eller som er brukt mange gonger, gir ingen poeng.",
    nowMet: "No oppfylt:",
    ok: "Passordet oppfyller krava.", notok: "Passordet oppfyller ikkje krava enno.", empty: "Skriv eit passord.",
    repeat: "gjenteke", occ: (n) => n + ". førekomst", rs: "gj.", os: (n) => n + ".",
    chars: "Poeng per teikn",
    rules: { length: "Rett lengd", weak: (th) => "Sterkt nok: minst " + th + " poeng", common: "Ikkje eit vanleg passord eller mønster", username: "Inneheld ikkje brukarnamnet", name: "Inneheld ikkje namnet ditt", birthdate: "Inneheld ikkje fødselsdatoen din", phone: "Inneheld ikkje telefonnummeret ditt", context: "Inneheld ikkje namnet på institusjonen", breached: "Ikkje funne i lekne passordlister", missing_class: "Har teikna som krevst", disallowed_character: "Berre tillatne teikn", reused: "Ikkje brukt før", server: "Godteke av tenesta" },
    checking: "Sjekkar lekne passordlister …", clean: "Ikkje funne i lekne passordlister.", found: (n) => "Funne " + n + " gonger i lekne passordlister.", unavailable: "Kunne ikkje sjekke lekne passordlister no. Tenesta prøver igjen når du sender skjemaet.",
    next: "Neste steg",
  },
  en: {
    loading: "Loading the strength meter …",
    blocked: "The strength meter cannot run on this page (its security policy blocks WebAssembly). The password will be checked when you submit the form.",
    failed: "The strength meter could not start. The password will be checked when you submit the form.",
    nopolicy: "The strength meter does not know the rules this page asks for. The password will be checked when you submit the form.",
    nofield: "The strength meter cannot find its password field",
    score: (s, th) => s + " points (" + th + " needed)", bonus: (b) => "(including " + b + " bonus points for variety)",
    met: "Met", unmet: "Not met", todo: "Not checked yet",
    cell: (i, p, note, g) => "Character " + i + ": " + p + (p === "1" ? " point" : " points") + (note ? ", " + note : "") + (g ? ", part of a pattern" : ""),
    why: "Why do later characters earn fewer points?", whyText: "Each new character earns points, the first ones the most: the further into the password, the fewer points per character, so a long password reaches the line, but each extra character counts a little less. A character that repeats the one before it, or that has been used many times, earns nothing.",
    nowMet: "Now met:",
    ok: "The password meets the requirements.", notok: "The password does not meet the requirements yet.", empty: "Type a password.",
    repeat: "repeat", rs: "rep.", os: (n) => "#" + n, occ: (n) => n + (n % 10 === 1 && n % 100 !== 11 ? "st" : n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th") + " occurrence",
    chars: "Points per character",
    rules: { length: "Right length", weak: (th) => "Strong enough: at least " + th + " points", common: "Not a common password or pattern", username: "Does not contain the username", name: "Does not contain your name", birthdate: "Does not contain your date of birth", phone: "Does not contain your phone number", context: "Does not contain the institution's name", breached: "Not found in breached password lists", missing_class: "Has the required characters", disallowed_character: "Only allowed characters", reused: "Not used before", server: "Accepted by the service" },
    checking: "Checking breached password lists …", clean: "Not found in breached password lists.", found: (n) => "Found " + n + " times in breached password lists.", unavailable: "Could not check breached password lists now. The service tries again when you submit the form.",
    next: "Next steps",
  },
};
// Rows of the checklist, in order; "always" rows show even when met. The
// "server" row holds any rule the rows do not name (a directory's own rule,
// from serverRefusal).
const ROWS = [
  ["length", ["too_short", "too_long"], true],
  ["weak", ["weak"], true],
  ["common", ["common"], true],
  ["username", ["username"], false],
  ["name", ["name"], false],
  ["birthdate", ["birthdate"], false],
  ["phone", ["phone"], false],
  ["context", ["context"], true],
  ["missing_class", ["missing_class"], false],
  ["disallowed_character", ["disallowed_character", "control_character"], false],
  ["breached", ["breached"], true],
  ["reused", ["reused"], false],
  ["server", [], false],
];
const KNOWN = new Set(ROWS.flatMap((r) => r[1]));
// rowOf names the checklist row of a rule code.
function rowOf(rule) {
  for (const [key, codes] of ROWS) if (codes.includes(rule)) return key;
  return "server";
}
// ruleLabel is a row's label in t's language; th is the threshold as shown.
function ruleLabel(t, key, th) {
  const l = t.rules[key];
  return typeof l === "function" ? l(th) : l;
}
const LIVE_DELAY = 700; // ms of no typing before the live region speaks

// ---------- styles: one constructed stylesheet (allowed by style-src 'self') ----------
let sheet;
// The cells: a cell is 3.9rem high, or more when a person's style sheet
// sets a taller line height (1.5, WCAG 2.2 SC 1.4.12): its three lines (the
// character at .85rem, the points at .75rem, the note at .65rem) are 3lh at
// the group's .75rem, 2.475rem of the 3.9rem at line-height 1.1, and the
// rest stays for the bar, not squeezed. The width is the widest text shown
// (see _fitCells), at least 1.25rem.
// The colours follow the page's color-scheme: a page that declares a dark
// mode gets the dark palette on its own background in dark mode; any
// other page the light palette on the light canvas (a dark page that does
// not declare it had black and #555 text on its dark background).
function styles() {
  if (sheet) return sheet;
  let css = `
:host{display:block;font:inherit;color:CanvasText;background:Canvas;--ok:#0a6b2c;--bad:#a3141c;--warn:#7a4b00;--mute:#555;--line:#1b1b1b;--track:#e4e4e4;--bar:#1f5fa8;max-width:100%;box-sizing:border-box}
@supports (color:light-dark(#000,#fff)){:host{--ok:light-dark(#0a6b2c,#7ad695);--bad:light-dark(#a3141c,#ff9b9b);--warn:light-dark(#7a4b00,#f2c46d);--mute:light-dark(#555,#bbb);--line:light-dark(#1b1b1b,#f0f0f0);--track:light-dark(#e4e4e4,#3a3a3a);--bar:light-dark(#1f5fa8,#8fbaf0);background:light-dark(Canvas,transparent)}}
*{box-sizing:border-box}
.wrap{display:flow-root;padding:.5rem 0;min-width:0}
.wrap>*+*{margin-top:.5rem}
.status{font-weight:600}
.cells{display:flex;flex-wrap:wrap;gap:4px 2px;align-items:flex-start;margin:0;padding:0;contain:layout style}
.grp{display:grid;grid-template-columns:repeat(${GROUP},minmax(1.25rem,1fr));gap:0 2px;font-size:.75rem;line-height:1.1;contain:layout style}
.grp::before,.grp::after{grid-area:2/1;height:0;overflow:hidden;visibility:hidden;white-space:pre}
.grp::before{font-variant-numeric:tabular-nums}
.grp::after{font-size:.65rem}
.cell{display:block;height:3.9rem;height:max(3.9rem,1.425rem + 3lh)}
.cin{display:flex;flex-direction:column;align-items:center;height:100%;contain:strict}
.bar{width:100%;height:2rem;display:flex;align-items:flex-end;background:var(--track)}
.fill{width:100%;height:100%;background:var(--bar);transform-origin:bottom}
.bar.zero .fill{background:transparent}
.bar.zero{outline:1px dashed var(--bad);outline-offset:-1px}
.bar.pat{box-shadow:0 2px 0 var(--bad)}
.ch{font-family:monospace;font-size:.85rem}
.pt{font-variant-numeric:tabular-nums}
.note{font-size:.65rem;color:var(--bad);text-align:center;white-space:nowrap}
.total{position:relative;height:1.25rem;background:var(--track);border:1px solid var(--line);overflow:hidden}
.total .fill{position:absolute;left:0;top:0;transform-origin:left}
.total.ok .fill{background:var(--ok)}
.total.bad .fill{background:var(--bad)}
.tline{position:absolute;top:0;bottom:0;left:0;width:100%}
.tline::before{content:"";position:absolute;top:0;bottom:0;left:-1px;width:3px;background:var(--line)}
.svb{display:inline-block;vertical-align:bottom}
.svb::before{display:block;height:0;overflow:hidden;visibility:hidden}
.sv{display:block;height:1.2em;height:1lh;text-align:end;contain:size layout style}
.nums{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem 1rem;font-variant-numeric:tabular-nums}
ul.rules{list-style:none;margin:0;padding:0;display:grid;gap:.2rem}
.rules li{display:grid;grid-template-columns:1.4rem 1fr;align-items:start}
.rules .mark{font-weight:700}
.rules li.met .mark{color:var(--ok)}
.rules li.unmet .mark{color:var(--bad)}
.rules li.todo .mark{color:var(--mute)}
.why{font-size:.9em}
.why summary{cursor:pointer;color:var(--mute)}
.why summary:focus-visible{outline:3px solid;outline-offset:2px}
.why p{margin:.25rem 0 0}
.rules .msg{display:block;color:var(--mute);font-size:.9em}
.next{margin:0;padding-left:1.2rem}
.breach.found{color:var(--bad);font-weight:600}
.breach.unavailable{color:var(--warn)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
[hidden]{display:none!important}

@media (forced-colors:active){.fill{background:Highlight!important}.tline::before{background:CanvasText}.bar.pat{border-bottom:3px solid CanvasText}}
`;
  // Heights, widths and positions as classes, so that nothing needs a style
  // attribute; as transforms, so that a changed bar is repainted without any
  // layout (a keystroke changes a few of them).
  for (let i = 0; i <= 20; i++) css += `.h${i}{transform:scaleY(${i / 20})}`;
  // The score's box: c{2 × digits + 1 if it has a decimal separator}, as
  // wide as that many zeros and a comma laid out in its own font and
  // letter spacing (a width in ch left out the letter spacing a person's
  // style sheet sets, WCAG 2.2 SC 1.4.12, and the number ran into the
  // words after it).
  for (let k = 2; k <= 19; k++) css += `.c${k}::before{content:"${"0".repeat(k >> 1) + (k & 1 ? "," : "")}"}`;
  for (let i = 0; i <= 100; i++) css += `.w${i}{transform:scaleX(${i / 100})}.l${i}{transform:translateX(${i}%)}`;
  sheet = new CSSStyleSheet();
  sheet.replaceSync(css);
  return sheet;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

// ---------- breach check ----------
const rangeCache = new Map(); // base + prefix -> Promise<Map suffix -> count>

async function sha1Hex(s) {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-1", te.encode(s)));
  let h = "";
  for (const b of d) h += b.toString(16).padStart(2, "0");
  return h.toUpperCase();
}

function fetchRange(base, prefix, signal) {
  const key = base + "|" + prefix;
  let p = rangeCache.get(key);
  if (p) return p;
  p = (async () => {
    const u = base.replace(/\/+$/, "") + "/range/" + prefix, o = { credentials: "omit", referrerPolicy: "no-referrer" };
    const s = () => AbortSignal.any([signal, AbortSignal.timeout(3000)]);
    let res;
    try {
      res = await fetch(u, { ...o, headers: { "Add-Padding": "true" }, signal: s() });
    } catch (e) {
      // CORS refuses as a lost connection does (a TypeError), and so does a
      // proxy's 502 for a server that is down, and the preflight's 429 of a
      // client over the rate limit. A Styrke server that sends its meter's
      // script (readable from any origin) is there; one that then refuses
      // a HEAD of the range (no preflight) does not allow this page's
      // origin (--origins), where its 429 is readable. Within the same time
      // limit: a server that does not answer is no refusal.
      const t = s(), h = (p) => fetch(new URL(p, u), { ...o, method: "HEAD", signal: t });
      if (e instanceof TypeError) e.cors = await h("/meter/styrke-meter.js").then((r) => r.ok && h(u).then(() => 0, () => 1), () => 0);
      throw e;
    }
    if (!res.ok) throw new Error("status " + res.status);
    const text = await res.text();
    const m = new Map();
    for (const line of text.split("\n")) {
      const t = line.trim();
      if (!t) continue;
      const mm = /^([0-9A-Fa-f]{35}):(\d+)$/.exec(t);
      if (!mm) throw new Error("malformed range body");
      const n = +mm[2];
      if (n > 0) m.set(mm[1].toUpperCase(), n);
    }
    return m;
  })();
  rangeCache.set(key, p);
  p.catch(() => rangeCache.delete(key));
  return p;
}

let uid = 0;
const ADB = "aria-describedby";

// In a worker there are no elements: the module only starts the engine there
// (the designer's batch imports it so).
class StyrkeMeter extends (globalThis.HTMLElement || Object) {
  static get observedAttributes() {
    return ["for", "policy", "lang", "username", "name", "birthdate", "phone", "username-input", "name-input", "base"];
  }

  constructor() {
    super();
    this._root = this.attachShadow({ mode: "open" });
    // The cells' width, from the points and note texts shown so far (see
    // _fitCells): this element's own sheet beside the shared one.
    this._fit = new CSSStyleSheet();
    this._fitCss = "";
    this._shown = [new Set(), new Set()];
    this._root.adoptedStyleSheets = [styles(), this._fit];
    this._id = "styrke-meter-" + ++uid;
    // Unset until they are known: _api (the module's), _failed (why it
    // could not start: "blocked" or "failed"), _abort (a breach check's).
    this._breach = { pw: "", state: "", count: null };
    this._cells = [];
    this._liveTimer = 0;
    // The live region speaks LIVE_DELAY after the last keystroke.
    this._liveTick = () => {
      const wait = this._liveDue - performance.now();
      if (wait > 1) {
        this._liveTimer = setTimeout(this._liveTick, wait);
        return;
      }
      this._liveTimer = 0;
      this._announce();
    };
    this._build();
  }

  _build() {
    const w = el("div", "wrap");
    this._live = el("div", "sr");
    this._live.setAttribute("aria-live", "polite");
    this._live.setAttribute("role", "status");
    this._status = el("p", "status");
    this._status.setAttribute("part", "status");
    this._total = el("div", "total");
    this._totalFill = el("div", "fill w0");
    this._tline = el("div", "tline l67");
    this._total.append(this._totalFill, this._tline);
    this._total.setAttribute("aria-hidden", "true");
    this._nums = el("p", "nums");
    this._score = el("span", "score");
    // The score's number changes on most keystrokes that change a cell. It
    // sits in a box with size and layout containment (.sv), which Chromium
    // lays out on its own instead of the whole page; no paint containment,
    // so nothing is ever clipped. The box is as wide as its frame (.svb),
    // whose hidden line of zeros (.svb::before, c{k}) gives the width in
    // the number's own font and spacing. The frame widens when a longer
    // number comes and keeps its width until the field is empty or the
    // person pauses (_announce), so that "43,5" → "44" → "44,5" does not
    // resize it on every other keystroke.
    this._svb = el("span", "svb c2");
    this._sv = el("span", "sv");
    this._svb.append(this._sv);
    this._svw = 2;
    this._sr = document.createTextNode("");
    this._score.append(this._svb, this._sr);
    this._bonus = el("span", "bonus");
    this._nums.append(this._score, this._bonus);
    this._cellsTitle = el("p", "sr");
    this._cellsTitle.id = "cells-title";
    // A list of cells in groups of GROUP (the groups have no role, so the
    // list's items are the cells). The groups keep layout cheap: a keystroke
    // that changes a cell and the total lays out the whole component, and
    // then the row has 32 groups to place instead of 127 cells (measured in
    // Chromium on the bench machine, when a group had a fixed width: 0.3 ms
    // instead of 0.8). Every group is
    // as wide as four of the widest cell, a last one of fewer cells too, so
    // that a group does not move to the row above as the password grows.
    this._cellList = el("div", "cells");
    this._cellList.setAttribute("role", "list");
    this._cellList.setAttribute("aria-labelledby", "cells-title");
    this._groups = [];
    // Why later characters earn fewer points, for whoever opens it.
    this._why = el("details", "why");
    this._whySum = el("summary");
    this._whyText = el("p");
    this._why.append(this._whySum, this._whyText);
    // The field's description: a light-DOM child (an IDREF cannot point into
    // a shadow root) slotted here, so that it is in the flat tree (an
    // unslotted child has no accessibility node and describes nothing),
    // visually hidden and hidden from reading order (it is read as the
    // field's description only).
    const descBox = el("div", "sr");
    descBox.setAttribute("aria-hidden", "true");
    const slot = document.createElement("slot");
    slot.name = "description";
    descBox.append(slot);
    this._rules = el("ul", "rules");
    this._breachEl = el("p", "breach");
    this._breachEl.setAttribute("aria-live", "polite");
    this._nextTitle = el("p", "sr");
    this._next = el("ul", "next");
    w.append(this._live, this._status, this._total, this._nums, this._cellsTitle, this._cellList, this._why, this._rules, this._breachEl, this._nextTitle, this._next, descBox);
    this._root.append(w);
  }

  get _t() {
    const l = (this.getAttribute("lang") || (this.closest("[lang]") || document.documentElement).getAttribute("lang") || "nb").toLowerCase().slice(0, 2);
    return T[l] ? [l, T[l]] : ["nb", T.nb]; // "no" too
  }

  connectedCallback() {
    this._attach();
    // A field the page adds after the meter (a framework's form), or
    // replaces with another of the same id: found then, not never.
    this._docObs?.disconnect();
    this._docObs = new MutationObserver(() => {
      if (this._byId("for") !== this._input) {
        this._attach();
        this.render();
      }
    });
    this._docObs.observe(this.getRootNode(), { childList: true, subtree: true });
    // The page's language may change while the person types (a page that
    // switches it in place): the meter follows at once, not at the next
    // keystroke.
    this._langObs?.disconnect();
    this._langObs = new MutationObserver(() => this.render());
    this._langObs.observe(this.closest("[lang]") || document.documentElement, { attributes: true, attributeFilter: ["lang"] });
    this.render(); // "loading"
    ready.then(
      (api) => {
        this._api = api;
        this.render();
      },
      (e) => {
        // Only a refusal by the page's rules is called one, here and in
        // the console.
        const csp = cspBlocked(e);
        this._failed = csp || refused ? "blocked" : "failed";
        this.render();
        this._warn((refused ? "the page's Content-Security-Policy refuses " + WASM_URL.origin + ": is it missing from its " + refused + "?" : csp ? "the page's Content-Security-Policy refuses WebAssembly: is 'wasm-unsafe-eval' missing from its script-src?" : "the module could not be fetched or started (" + e + ").") + " The form still submits and the server decides.");
      },
    );
  }

  disconnectedCallback() {
    this._detach();
    this._langObs?.disconnect();
    this._docObs?.disconnect();
  }

  attributeChangedCallback(name, old, value) {
    // The server's refusal was by the policy of then: another policy's
    // verdict is its own (a page's institution changed).
    if (name === "policy" && old !== value) this._server = null;
    if (!this.isConnected) return;
    this._attach();
    this.render();
  }

  // _warn says m in the console, once until another message.
  _warn(m) {
    if (this._warned !== m) console.warn("styrke-meter:", (this._warned = m));
  }

  // _state shows a state of the meter's own (loading, failed, no field) in
  // place of a verdict, in the field's description too: a screen reader's
  // user at the field hears that the meter failed.
  _state(s) {
    setText(this._status, s);
    setClass(this._status, "status");
    if (this._desc) setText(this._desc, s);
    this._hideDetails(true);
  }

  _hideDetails(h) {
    // Only on a change: a keystroke wrote all six every time, and unhid the
    // next steps that render hides again (two style changes for nothing).
    if (this._detailsHidden === h) return;
    this._detailsHidden = h;
    for (const e of [this._total, this._nums, this._cellList, this._why, this._rules, this._next]) e.hidden = h;
  }

  _attach() {
    const input = this._byId("for");
    if (input === this._input) return;
    this._detach();
    this._input = input;
    if (!input) return;
    clearTimeout(this._nf);
    this._nf = 0;
    // Every listener and value hook of this field goes with one abort.
    const ac = (this._ac = new AbortController()), o = { signal: ac.signal };
    const on = (e, type, f) => e.addEventListener(type, f, o);
    const sync = () => this._sync();
    const onInput = () => {
      if (this._abort) this._abort.abort();
      this.render();
    };
    // A value set by a script fires no event (a framework's v-model or
    // controlled input, a clear button): the field's own value property is
    // wrapped (over a framework's own wrapper, if any), and a set value is
    // scored in a microtask, once the setter's caller is done, and only if
    // it differs from the one scored (the input event that usually
    // follows has scored it). A script that goes round the property is
    // seen at the next change or focus.
    const hook = (e) => {
      try {
        const gd = Object.getOwnPropertyDescriptor, own = gd(e, "value"), d = own || gd(Object.getPrototypeOf(e), "value");
        const set = function (v) {
          d.set.call(this, v);
          queueMicrotask(sync);
        };
        if (!d.set) return; // not an accessor: left alone
        Object.defineProperty(e, "value", { configurable: true, get: d.get, set });
        // Put back what was there, unless another wrapper came over it.
        ac.signal.addEventListener("abort", () => gd(e, "value")?.set === set && (own ? Object.defineProperty(e, "value", own) : delete e.value));
      } catch {}
    };
    on(input, "input", onInput);
    on(input, "blur", () => this.checkBreach());
    on(input, "change", sync);
    on(input, "focus", sync);
    hook(input);
    const form = input.form;
    if (form) {
      on(form, "submit", () => this.checkBreach());
      // The fields change after the reset event.
      on(form, "reset", () => setTimeout(sync));
    }
    // Re-render when a show-password toggle flips the type; put the
    // description back when a framework rewrites aria-describedby (Vue's
    // :aria-describedby): only then is it written, so the write it causes
    // finds it there and writes nothing.
    this._mo = new MutationObserver(() => {
      this._describe();
      this.render();
    });
    this._mo.observe(input, { attributes: true, attributeFilter: ["type", ADB] });
    for (const a of ["username-input", "name-input"]) {
      const e = this._byId(a);
      if (e) {
        on(e, "input", onInput);
        on(e, "change", sync);
        hook(e);
      }
    }
    // A light-DOM description of the unmet rules for aria-describedby (IDREFs
    // cannot point into a shadow root): the page's fallback text where the
    // embed guide's lines gave one (a child with slot="description", which
    // the field's aria-describedby names for when the meter cannot run), so
    // that the meter's words take its place at the field rather than being
    // read after it; else one of its own. Kept for the next field.
    const d = (this._desc ||= this.querySelector("[slot=description]") || el("span"));
    d.id ||= this._id + "-unmet";
    d.slot = "description";
    this.append(d);
    this._describe();
  }

  // _describe adds the description's id to the field's aria-describedby
  // when it is not there.
  _describe() {
    const i = this._input, a = i.getAttribute(ADB) || "";
    if (!a.split(/\s+/).includes(this._desc.id)) i.setAttribute(ADB, (a + " " + this._desc.id).trim());
  }

  _detach() {
    const input = this._input;
    if (!input) return;
    this._ac.abort();
    // A breach check under way is for a field the meter no longer has (one
    // removed while focused: Chromium blurs it first): it asks nothing more.
    this._abort?.abort();
    this._mo.disconnect();
    const ids = (input.getAttribute(ADB) || "").split(/\s+/).filter((i) => i && i !== this._desc.id);
    if (ids.length) input.setAttribute(ADB, ids.join(" "));
    else input.removeAttribute(ADB);
    clearTimeout(this._liveTimer);
    this._liveTimer = 0;
    this._input = null;
  }

  // _vals are the field values a render scores: the password, the username
  // and the name.
  _vals() {
    return [this._input.value, this._field("username", "username-input"), this._field("name", "name-input")];
  }

  // _sync renders when a field's value is not the one last scored (a form
  // reset, a value set by script): a cheap check, for events that seldom
  // change anything (focus, change).
  _sync() {
    if (this._input && this._vals().join("\0") !== this._seen) this.render();
  }

  // _byId is the element whose id the attribute a names, in the meter's own
  // document or shadow root (a form inside another component's), else in
  // the page; no look-up without the attribute (a keystroke asks for the
  // username and name fields).
  _byId(a) {
    const id = this.getAttribute(a);
    return id ? this.getRootNode().getElementById?.(id) || document.getElementById(id) : null;
  }

  _field(attr, inputAttr) {
    const o = this._byId(inputAttr);
    return o ? o.value : this.getAttribute(attr) || "";
  }

  /** evaluate returns the Result for the field's current value, or null before the module is ready. */
  evaluate() {
    if (!this._api || !this._input) return null;
    const [pw, username, name] = this._vals(), a = (n) => this.getAttribute(n) || undefined;
    return this._api.evaluate({ password: pw, username, name, birthDate: a("birthdate"), phone: a("phone"), policy: a("policy"), breachCount: this._count(pw), lang: this._t[0] });
  }

  // _count is the breach count of pw when it was checked, else null.
  _count(pw) {
    const b = this._breach;
    return b.state === "done" && b.pw === pw ? b.count : null;
  }

  /**
   * render scores the field's current value and shows it. The element calls
   * it on the field's events, a form reset, a value set by script and any
   * change of its attributes; a page may call it after changing what the
   * meter cannot see.
   */
  render() {
    // Out of the page (a form re-rendered or unmounted), a meter has no
    // field to score, and a check or the module arriving late says nothing.
    if (!this.isConnected) return;
    const [lang, t] = this._t;
    // The meter's own state in place of a verdict: loading, failed, or a
    // for that names no field (a typo; said once in the console too).
    let st = this._failed || (!this._api ? "loading" : !this._input && "nofield");
    // A field that a framework renders after the meter (the document's
    // observer finds it): still loading for 2 s, then called missing.
    if (st === "nofield" && this._nf !== -1) {
      this._nf ||= setTimeout(() => {
        this._nf = -1;
        this.render();
      }, 2e3);
      st = "loading";
    }
    if (st) {
      const id = this.getAttribute("for") || "";
      if (st === "nofield") this._warn('for="' + id + '" names no element');
      this._state(t[st] + (st === "nofield" ? ' (for="' + id + '").' : ""));
      return;
    }
    const v = this._vals(), pw = v[0];
    this._seen = v.join("\0");
    const r = internal.cells(pw, v[1], v[2], this.getAttribute("policy") || "", lang, this._count(pw) ?? -1, this.getAttribute("birthdate"), this.getAttribute("phone"));
    if (r.error) {
      // The person gets the page's words; the page's developer the
      // module's, once, in the console (an unknown policy id showed
      // 'policy "nosuch": unknown institution' in English on the page).
      const code = r.error.code;
      this._warn(r.error.message);
      this._state(code === "unknown_policy" || code === "invalid_policy" ? t.nopolicy : t.failed);
      return;
    }
    this._hideDetails(false);
    // The server's refusal of this very password (serverRefusal) is part of
    // the verdict until the field changes: the page shows one verdict.
    if (this._server && this._server.pw !== pw) this._server = null;
    if (this._server) {
      const have = new Set(r.violations.map((v) => v.rule));
      for (const v of this._server.violations) if (!have.has(v.rule)) r.violations.push(v);
      // The module's next steps were written for a password it passed
      // ("The password meets the requirements"): not after a no.
      if (r.ok) r.feedback = [];
      r.ok = false;
    }
    const masked = this._input.type === "password";
    // The characters stay in JS memory (they are the input's value anyway);
    // only an unmasked field shows them in the cells.
    const n = r.n, pts = r.pts, notes = r.notes;
    let needCps = !masked;
    for (let i = 0; i < n && !needCps; i++) needCps = notes[i] === NOTE_OCCURRENCE_LIMIT;
    const cps = needCps ? Array.from(this._input.value) : null;
    // Per-character cells, reused between renders.
    let maxPts = 0;
    for (let i = 0; i < n; i++) if (pts[i] > maxPts) maxPts = pts[i];
    if (maxPts === 0) maxPts = 1;
    const occ = needCps ? new Map() : null;
    let wider = false;
    if (this._fitT !== t) {
      // What the default score and the first notes show, from the first
      // render on: typing then seldom changes the cells' width, which lays
      // out every cell (a few ms at 127).
      this._fitT = t;
      this._shown[0].add(fmt(1.5, t)).add("4");
      this._shown[1].add(t.rs).add(t.os(5));
      wider = true;
    }
    setText(this._cellsTitle, t.chars);
    for (let i = 0; i < n; i++) {
      let c = this._cells[i];
      if (!c) {
        const li = el("div", "cell");
        li.setAttribute("role", "listitem");
        const bar = el("span", "bar");
        const fill = el("span", "fill h0");
        bar.append(fill);
        const ch = el("span", "ch");
        const pt = el("span", "pt");
        const note = el("span", "note");
        const noteShort = el("span", "");
        const noteLong = el("span", "sr");
        note.append(noteShort, noteLong);
        // The content sits in an inner box: a flex item is never a layout
        // boundary in Chromium, but a contain:strict block inside it is, so
        // a changed cell lays out itself and not the 127-item row.
        // The item is named as a whole ("Character 3: 0 points, repeat"):
        // a list item takes no name from its content in Chromium, and the
        // bare numbers would read as "4", "2", "0 rep.".
        // Hidden as a whole (its bar, character and short note with it).
        const cin = el("span", "cin");
        cin.setAttribute("aria-hidden", "true");
        cin.append(bar, ch, pt, note);
        li.append(cin);
        c = this._cells[i] = { li, bar, fill, ch, pt, noteShort, noteLong, h: -1, p: -1, nt: "", c: "", t: null, g: -1 };
      }
      const points = pts[i];
      let noteText = "", noteShort = "";
      if (notes[i] === NOTE_REPEAT) (noteText = t.repeat), (noteShort = t.rs);
      else if (notes[i] === NOTE_OCCURRENCE_LIMIT) {
        const k = (occ.get(cps[i]) || 0) + 1;
        noteText = t.occ(k);
        noteShort = t.os(k);
      }
      if (occ) occ.set(cps[i], (occ.get(cps[i]) || 0) + 1);
      const h = Math.round((points / maxPts) * 20);
      const ch = masked ? "•" : cps[i];
      // Compare fields rather than build a key string: no garbage per cell.
      // A character of a guessable pattern (the common rule's) gets a mark
      // under its bar; the violation's message says what the pattern is.
      const g = r.pats[i];
      if (c.h !== h || c.p !== points || c.nt !== noteText || c.c !== ch || c.t !== t || c.g !== g) {
        const ps = fmt(points, t);
        if (!this._shown[0].has(ps) || (noteShort && !this._shown[1].has(noteShort))) {
          this._shown[0].add(ps);
          if (noteShort) this._shown[1].add(noteShort);
          wider = true;
        }
        c.g = g;
        c.h = h;
        c.p = points;
        c.nt = noteText;
        c.c = ch;
        c.t = t;
        setClass(c.fill, "fill h" + h);
        // The zero mark is on the bar, inside the cell's layout boundary
        // (.cin): the cell box itself never changes style.
        setClass(c.bar, (points === 0 ? "bar zero" : "bar") + (g ? " pat" : ""));
        setText(c.ch, ch);
        setText(c.pt, ps);
        setText(c.noteShort, noteShort);
        setText(c.noteLong, noteText);
        c.li.setAttribute("aria-label", t.cell(i + 1, ps, noteText, g));
      }
      if (!c.li.parentNode) {
        let g = this._groups[(i / GROUP) | 0];
        if (!g) {
          g = this._groups[(i / GROUP) | 0] = el("div", "grp");
          g.setAttribute("role", "none");
        }
        if (!g.parentNode) this._cellList.append(g);
        g.append(c.li);
      }
    }
    if (wider) this._fitCells();
    for (let i = n; i < this._cells.length && this._cells[i].li.parentNode; i++) this._cells[i].li.remove();
    for (let g = Math.ceil(n / GROUP); g < this._groups.length && this._groups[g].parentNode; g++) this._groups[g].remove();
    // Total against the threshold line.
    const scale = Math.max(r.threshold * 1.5, r.score, 1);
    setClass(this._totalFill, "fill w" + Math.min(100, Math.round((r.score / scale) * 100)));
    setClass(this._tline, "tline l" + Math.round((r.threshold / scale) * 100));
    // The bar's colour follows the verdict (a score over the line with a
    // rule broken is not green); empty: neither.
    setClass(this._total, "total" + (pw === "" ? "" : r.ok ? " ok" : " bad"));
    const sv = fmt(r.score, t);
    const sep = /[.,]/.test(sv) ? 1 : 0;
    const svw = Math.min(2 * (sv.length - sep), 18) + sep;
    if (svw > this._svw || (pw === "" && svw !== this._svw)) setClass(this._svb, "svb c" + (this._svw = svw));
    setText(this._sv, sv);
    const rest = t.score("", fmt(r.threshold, t));
    if (this._sr.data !== rest) this._sr.data = rest;
    setText(this._bonus, r.bonus > 0 ? t.bonus(fmt(r.bonus, t)) : "");
    if (this._bonus.hidden !== !(r.bonus > 0)) this._bonus.hidden = !(r.bonus > 0);
    setText(this._whySum, t.why);
    setText(this._whyText, t.whyText);
    // Checklist in words: rows are built only when their content changed
    // (the key is computed from the result, not from new elements).
    const unmet = [];
    const rows = [];
    let rkey = "";
    const breachKnown = (this._breach.state === "done" && this._breach.pw === this._input.value) || r.violations.some((v) => v.rule === "breached");
    const empty = pw === "";
    const th = fmt(r.threshold, t);
    for (const [key, codes, always] of ROWS) {
      const vs = key === "server" ? r.violations.filter((v) => !KNOWN.has(v.rule)) : r.violations.filter((v) => codes.includes(v.rule));
      if (!vs.length && !always) continue;
      if (key === "breached" && !vs.length && !breachKnown) continue;
      rows.push([key, vs]);
      rkey += key + (empty ? "?" : vs.length ? "!" : "+");
      for (const v of vs) {
        rkey += v.message + "\u0000";
        unmet.push(v.message);
      }
      rkey += "|";
    }
    rkey += t.met + th;
    if (rkey !== this._rkey) {
      this._rkey = rkey;
      // Before anything is typed a row is neither met nor unmet: no red
      // cross on an empty form.
      this._rules.replaceChildren(...rows.map(([key, vs]) => {
        const state = empty ? "todo" : vs.length ? "unmet" : "met";
        const li = el("li", state);
        li.dataset.rule = key;
        const mark = el("span", "mark", empty ? "•" : vs.length ? "✗" : "✓");
        mark.setAttribute("aria-hidden", "true");
        const body = el("span", "", "");
        body.append(el("span", "sr", (empty ? t.todo : vs.length ? t.unmet : t.met) + ": "), ruleLabel(t, key, th));
        if (!empty) for (const v of vs) body.append(el("span", "msg", v.message));
        li.append(mark, body);
        return li;
      }));
    }
    const fkey = r.feedback.slice(0, 2).join("|");
    if (fkey !== this._fkey) {
      this._fkey = fkey;
      this._next.replaceChildren(...r.feedback.slice(0, 2).map((f) => el("li", "", f)));
    }
    setText(this._nextTitle, t.next);
    // A met password needs no next step (its one line would repeat the
    // verdict above).
    const noNext = r.feedback.length === 0 || r.ok;
    if (this._next.hidden !== noNext) this._next.hidden = noNext;
    if (this._nextTitle.hidden !== noNext) this._nextTitle.hidden = noNext;
    // Verdict: the status line always; the field's description is the
    // verdict and every reason; the live region says what changed, once
    // the person pauses.
    const verdict = empty ? t.empty : r.ok ? t.ok : t.notok;
    setText(this._status, verdict);
    setClass(this._status, "status" + (empty ? "" : r.ok ? " ok" : " bad"));
    setText(this._desc, empty || r.ok ? verdict : verdict + " " + unmet.join(" "));
    this._pending = { empty, ok: r.ok, verdict, vs: r.violations, t, th, svw };
    // One timer, pushed back by each keystroke after it (clearing and
    // setting a timer every keystroke was about a tenth of its script).
    this._liveDue = performance.now() + LIVE_DELAY;
    if (!this._liveTimer) this._liveTimer = setTimeout(this._liveTick, LIVE_DELAY);
    this._renderBreach();
    // Each time the result changes, as the embed guide says: a render
    // that changes nothing of it (a breach check that could not run) sent
    // the same detail again.
    const detail = {
      ok: r.ok,
      score: r.score,
      threshold: r.threshold,
      rules: r.violations.map((v) => ({ rule: v.rule, params: v.params, message: v.message })),
    };
    // Compared only when the password is the one last sent (a breach
    // check's or an attribute's render): a keystroke changes it, and pays
    // for no comparison.
    if (pw === this._sentPw && JSON.stringify(detail) === JSON.stringify(this._sent)) return;
    this._sentPw = pw;
    this._sent = detail;
    this.dispatchEvent(new CustomEvent("styrke-change", { bubbles: true, composed: true, detail }));
  }

  // _fitCells sizes the cells to every points and note text shown (they
  // only widen). Each group lays out their shapes (digits as 0s) in hidden
  // lines of its own (.grp::before and ::after), and its four columns take
  // the widest: text laid out follows the font and the letter spacing a
  // person's style sheet sets (WCAG 2.2 SC 1.4.12), which a width in rem or
  // ch did not ("1,5" was cut off). The sheet changes only when a new shape
  // comes, so a keystroke still lays out only the cells it changes (.cin is
  // the layout boundary). The texts are this file's own (digits, letters,
  // ".", ",", "#"): nothing to escape.
  _fitCells() {
    const lines = (set) => '"' + [...new Set([...set].map((s) => s.replace(/\d/g, "0")))].join("\\A ") + '"';
    const css = ".grp::before{content:" + lines(this._shown[0]) + "}.grp::after{content:" + lines(this._shown[1]) + "}";
    if (css !== this._fitCss) this._fit.replaceSync((this._fitCss = css));
  }

  // _announce puts into the polite live region what changed since it last
  // spoke: the reasons that are new (not the whole list, and not a reason
  // whose numbers merely moved), the verdict when it flipped, or which
  // reasons are now met; and fits the score's box to the score.
  _announce() {
    const p = this._pending;
    if (!p) return;
    // The score's box, which only widens while the person types, fits the
    // score now that they paused ("9" sat after a gap of two digits).
    setClass(this._svb, "svb c" + (this._svw = p.svw));
    if (p.empty) {
      this._said = null;
      return;
    }
    const prev = this._said || { ok: null, rules: new Set() };
    const now = new Set(p.vs.map((v) => v.rule));
    let text = "";
    if (p.ok) {
      if (prev.ok !== true) text = p.verdict;
    } else {
      // A count the breach check found is said by its own region.
      const b = this._breach, heard = b.count > 0 && b.pw === this._input.value;
      const added = p.vs.filter((v) => !prev.rules.has(v.rule) && !(heard && v.rule === "breached")).map((v) => v.message);
      if (added.length) text = (prev.ok !== false ? p.verdict + " " : "") + added.join(" ");
      else if (prev.ok === true) text = p.verdict;
      else {
        const gone = new Set();
        for (const rule of prev.rules) if (!now.has(rule)) gone.add(rowOf(rule));
        if (gone.size) text = p.t.nowMet + " " + [...gone].map((k) => ruleLabel(p.t, k, p.th)).join(", ") + ".";
      }
    }
    this._said = { ok: p.ok, rules: now };
    if (text && this._live.textContent !== text) this._live.textContent = text;
  }

  /**
   * serverRefusal shows the server's refusal of the password now in the
   * field (the 422 body: a Result, or {violations}) as part of the meter's
   * verdict, until the field changes: after the server said no (breached,
   * reused, a directory's own rule), the meter does not say yes.
   */
  serverRefusal(result) {
    const vs = result && Array.isArray(result.violations) ? result.violations : [];
    if (!this._input) return;
    this._server = {
      pw: this._input.value,
      violations: vs.filter((v) => v && typeof v.rule === "string").map((v) => ({ rule: v.rule, params: v.params || {}, message: String(v.message || "") })),
    };
    this.render();
  }

  _renderBreach() {
    const [, t] = this._t;
    const b = this._breach;
    const current = this._input && b.pw === this._input.value;
    let text = "", cls = "breach";
    if (current && b.state === "checking") text = t.checking;
    else if (current && b.state === "done") {
      text = b.count > 0 ? t.found(b.count) : t.clean;
      // Clean: out of sight, still the live region that says it (the
      // checklist's met row shows it: the words were there twice).
      cls += b.count > 0 ? " found" : " clean sr";
    } else if (current && b.state === "unavailable" && !(this._server && this._server.violations.some((v) => v.rule === "breached"))) {
      // (Once the server found it breached, it was checked after all.)
      text = t.unavailable;
      cls += " unavailable";
    }
    setClass(this._breachEl, cls);
    const state = current ? (b.state === "done" ? (b.count > 0 ? "found" : "clean") : b.state) : "";
    if (this._breachEl.dataset.state !== state) this._breachEl.dataset.state = state;
    setText(this._breachEl, text);
  }

  /** checkBreach asks the range API about the current password (on blur and before submit only). */
  async checkBreach() {
    if (!this._input || this._failed) return;
    const pw = this._input.value;
    if (pw === "" || (this._breach.pw === pw && this._breach.state !== "unavailable")) return;
    if (this._abort) this._abort.abort();
    const ac = (this._abort = new AbortController());
    // A retry after "could not check" (another blur) keeps saying so while
    // it asks: the polite region said "checking …" and "could not check …"
    // again at every blur while the service stayed down.
    if (this._breach.pw !== pw) {
      this._breach = { pw, state: "checking", count: null };
      this._renderBreach();
    }
    const base = this.getAttribute("base") || "https://api.pwnedpasswords.com";
    try {
      const h = await sha1Hex(pw);
      const m = await fetchRange(base, h.slice(0, 5), ac.signal);
      if (this._breach.pw !== pw) return;
      this._breach = { pw, state: "done", count: m.get(h.slice(5)) || 0 };
    } catch (e) {
      if (e.cors) this._warn(base + " refuses this page (CORS): is " + location.origin + " missing from the Styrke server's --origins?");
      if (this._breach.pw !== pw || ac.signal.aborted) {
        if (this._breach.pw === pw) this._breach = { pw: "", state: "", count: null };
        return;
      }
      this._breach = { pw, state: "unavailable", count: null };
    }
    this.render();
  }
}

// setText changes an element's text in place: the Text node is reused
// rather than replaced, so a keystroke leaves no DOM garbage behind.
function setText(e, s) {
  const n = e.firstChild;
  if (n && n === e.lastChild && n.nodeType === 3) {
    if (n.data !== s) n.data = s;
  } else if (e.textContent !== s) e.textContent = s;
}

function setClass(e, c) {
  if (e.className !== c) e.className = c;
}

// fmt writes a number as the messages do: decimal comma in nb and nn.
function fmt(x, t) {
  const s = String(Math.round(x * 100) / 100);
  return t && t.comma ? s.replace(".", ",") : s;
}

if (globalThis.customElements && !customElements.get("styrke-meter")) customElements.define("styrke-meter", StyrkeMeter);
