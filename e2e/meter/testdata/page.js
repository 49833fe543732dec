// Host page of the e2e tests: the meter's two lines of HTML plus a
// show-password toggle and a submit handler that keeps the page.
import "./styrke-meter.js";

const pw = document.getElementById("pw");
const show = document.getElementById("show");
show.addEventListener("click", () => {
  const on = pw.type === "password";
  pw.type = on ? "text" : "password";
  show.setAttribute("aria-pressed", String(on));
});
window.changes = [];
document.addEventListener("styrke-change", (e) => window.changes.push(e.detail));
document.getElementById("f").addEventListener("submit", (e) => {
  e.preventDefault();
  window.submitted = (window.submitted || 0) + 1;
});
