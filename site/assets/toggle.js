// Show/hide toggles for password fields: a button with
// data-toggle-password="id1 id2" switches those inputs between type=password
// and type=text, and its label between data-show and data-hide.
for (const button of document.querySelectorAll('button[data-toggle-password]')) {
  const ids = button.dataset.togglePassword.split(/\s+/).filter(Boolean);
  button.setAttribute('aria-controls', ids.join(' '));
  button.addEventListener('click', () => {
    const show = button.getAttribute('aria-pressed') !== 'true';
    for (const id of ids) {
      const input = document.getElementById(id);
      if (input) input.type = show ? 'text' : 'password';
    }
    button.setAttribute('aria-pressed', String(show));
    button.textContent = show ? button.dataset.hide : button.dataset.show;
  });
}
