import { get, post, del, seg } from '../api.js';
import { h, clear, table, field, form, badge, time, num, actionButton, confirmDialog, notify, secretPanel, splitList } from '../dom.js';

export async function render(view, params, q, ctx) {
  ctx.heading('SMTP credentials');
  view.appendChild(h('p', {}, 'A user name and secret for an application that sends mail (a shop, a monitoring system): '
    + 'it may only submit mail, on ports 587 and 465, as the senders of its scope.'));
  const secrets = h('div', { class: 'secrets' });
  const list = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));

  const domain = h('select', { name: 'domain', required: true });
  const name = h('input', { name: 'name', autocapitalize: 'none', spellcheck: 'false', placeholder: 'shop' });
  const senders = h('input', { name: 'senders', autocapitalize: 'none', spellcheck: 'false', placeholder: 'noreply@example.org, @shop.example.org' });
  const rate = h('input', { name: 'rate', autocapitalize: 'none', spellcheck: 'false', placeholder: '100/1h', pattern: '\\d+/\\d*[smhd]' });
  const create = form({ class: 'stack-form', 'aria-labelledby': 'create-title' }, [
    h('h2', { id: 'create-title' }, 'Create a credential'),
    h('div', { class: 'grid-fields' },
      field('Domain', domain),
      field('Name (optional)', name, 'A local part or an address; without it, app-<random>@domain.'),
      field('Senders (optional)', senders, 'Addresses and @domains it may send as, separated by commas; without them, the whole domain.'),
      field('Rate limit (optional)', rate, 'At most N messages per window: 100/1h, 10/1m, 1000/1d.')),
    h('button', { type: 'submit', class: 'primary' }, 'Create credential'),
  ], async () => {
    const body = { domain: domain.value };
    if (name.value.trim()) {
      body.name = name.value.trim();
    }
    if (senders.value.trim()) {
      body.senders = splitList(senders.value);
    }
    if (rate.value.trim()) {
      body.rate = rate.value.trim();
    }
    const c = await post('/api/credentials', body);
    name.value = '';
    senders.value = '';
    rate.value = '';
    clear(secrets);
    const panel = secretPanel(`Credential ${c.username} created`, [['User name', c.username], ['Secret', c.secret, true]],
      'The secret is shown only now: store it in the application’s settings. It cannot be shown again; '
      + 'if it is lost, create a new credential and revoke this one.');
    secrets.appendChild(panel);
    panel.focus();
    await load();
  });
  view.append(secrets, create, h('section', { 'aria-labelledby': 'list-title' },
    h('h2', { id: 'list-title' }, 'Credentials'), list));

  const load = async () => {
    const { credentials } = await get('/api/credentials');
    clear(list).appendChild(table('SMTP credentials', [
      { label: 'User name', cell: (c) => c.username },
      { label: 'State', cell: (c) => badge(c.revoked ? 'revoked' : 'active') },
      { label: 'May send as', cell: (c) => (c.senders && c.senders.length ? c.senders.join(', ') : `@${c.domain}`) },
      { label: 'Rate', cell: (c) => c.rate || h('span', { class: 'muted' }, 'no limit') },
      { label: 'Messages sent', class: 'num', cell: (c) => num(c.messages_sent || 0) },
      { label: 'Last used', cell: (c) => (c.last_used_at ? time(c.last_used_at) : h('span', { class: 'muted' }, 'never')) },
      { label: 'Created', cell: (c) => time(c.created_at) },
      { label: 'Actions', cell: (c) => (c.revoked ? '' : actionButton('Revoke', async () => {
        if (await confirmDialog(`Revoke ${c.username}? Applications using it can no longer send.`, 'Revoke')) {
          await del(`/api/credentials/${seg(c.username)}`);
          notify(`Revoked ${c.username}.`);
          await load();
        }
      }, { class: 'small danger', 'aria-label': `Revoke ${c.username}` })) },
    ], credentials, { id: 'credential-list', empty: 'No SMTP credentials yet.', hideCaption: true }));
  };
  const [domains] = await Promise.all([get('/api/domains'), load()]);
  for (const d of domains.domains) {
    domain.appendChild(h('option', { value: d.name }, d.name));
  }
  if (domains.domains.length === 0) {
    domain.appendChild(h('option', { value: '' }, 'Add a domain first'));
  }
}
