import { api } from '../api.js';
import { h, field, form } from '../dom.js';

export async function render(view, params, query, ctx) {
  document.title = 'Log in · Tern console';
  const name = h('input', { name: 'name', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const titleId = 'login-title';
  const f = form({ class: 'login-form', 'aria-labelledby': titleId }, [
    h('h1', { id: titleId, tabindex: '-1' }, 'Log in to Tern'),
    h('p', { class: 'muted' }, 'Use an admin account (bin/tern admin add NAME).'),
    field('Name', name),
    field('Password', password),
    h('button', { type: 'submit', class: 'primary' }, 'Log in'),
  ], async () => {
    try {
      const session = await api('POST', '/api/session', { name: name.value, password: password.value }, { login: true });
      password.value = '';
      ctx.loggedIn(session);
    } catch (err) {
      password.value = '';
      password.focus();
      throw err;
    }
  });
  view.appendChild(h('div', { class: 'login' }, f));
  name.focus();
}
