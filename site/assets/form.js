// Helpers shared by the activation, reset and change pages: loaded as a
// module before each page's own script (module scripts run in document
// order), on globalThis.styrkeForm. Nothing here logs a password or a token.

const lang = document.documentElement.lang || 'nb';

// api asks the server's JSON API: a POST of body as JSON, or a GET when body
// is undefined. It returns { status, data }, data being the parsed JSON
// answer or null (204, or an answer that is not JSON).
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
  return { status: res.status, data };
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

// show shows root's [data-state] element for state and hides the others,
// then moves the focus to its heading unless focus is false.
function show(root, state, focus = true) {
  for (const el of root.querySelectorAll('[data-state]')) {
    el.hidden = el.dataset.state !== state;
  }
  if (!focus) return;
  const heading = root.querySelector(`[data-state="${state}"] h2`);
  if (heading) heading.focus();
}

globalThis.styrkeForm = Object.freeze({ api, setList, show });
