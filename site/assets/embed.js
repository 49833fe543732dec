// The embed guide. When the site was built without its origin (no -origin,
// no $URL), the snippets carry a placeholder origin; this writes the origin
// the guide was opened from in its place, so that the lines work when
// pasted as printed. Text only: nothing here touches a password.
const here = location.origin;
for (const el of document.querySelectorAll('[data-origin-placeholder]')) {
  const placeholder = el.dataset.origin;
  if (!placeholder || placeholder === here) continue;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.data.includes(placeholder)) n.data = n.data.split(placeholder).join(here);
  }
  el.dataset.origin = here;
  el.removeAttribute('data-origin-placeholder');
}
