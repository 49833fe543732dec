// Show/hide toggles for password fields: a button with
// data-toggle-password="id1 id2" switches those inputs between type=password
// and type=text, and its label between data-show and data-hide. The label
// says what a press does; no aria-pressed beside it (a screen reader heard
// "Hide password, toggle button, pressed", which contradicts itself).
for (const button of document.querySelectorAll('button[data-toggle-password]')) {
  const ids = button.dataset.togglePassword.split(/\s+/).filter(Boolean);
  button.setAttribute('aria-controls', ids.join(' '));
  // Described by its field's label: the change page has two "Show
  // password" buttons, which a screen reader could not tell apart.
  const label = document.querySelector(`label[for="${CSS.escape(ids[0] ?? '')}"]`);
  if (label) {
    label.id ||= `${ids[0]}-label`;
    button.setAttribute('aria-describedby', label.id);
  }
  button.addEventListener('click', () => {
    const show = button.dataset.shown !== 'true';
    for (const id of ids) {
      const input = document.getElementById(id);
      if (input) input.type = show ? 'text' : 'password';
    }
    button.dataset.shown = String(show);
    button.textContent = show ? button.dataset.hide : button.dataset.show;
  });
}
