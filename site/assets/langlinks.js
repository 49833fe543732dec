// Language links keep the page's fragment: the activation page's token and
// the designer's edited policy live there, and a person who switches
// language must lose neither. A page that keeps such state in memory
// writes it to the fragment when it hears "styrke:fragment" on document
// (the designer does), which is asked just before a link is used.
const links = document.querySelectorAll('nav.langs a[href]');

function sync() {
  document.dispatchEvent(new Event('styrke:fragment'));
  for (const a of links) {
    const u = new URL(a.getAttribute('href'), location.href);
    u.hash = location.hash;
    if (a.href !== u.href) a.href = u.href;
  }
}

for (const a of links) {
  for (const type of ['pointerdown', 'focus', 'click']) a.addEventListener(type, sync);
}
window.addEventListener('hashchange', sync);
sync();
