import { get, post, patch, del, seg, query } from '../api.js';
import { h, clear, table, field, form, badge, bytes, actionButton, confirmDialog, notify, secretPanel, splitList, showError } from '../dom.js';

export async function render(view, params, q, ctx) {
  let domain = q.get('domain') || '';
  ctx.heading('Accounts and aliases');
  const secrets = h('div', { class: 'secrets' });

  const filter = h('select', { name: 'domain' }, h('option', { value: '' }, 'All domains'));
  // The lists follow the filter in place (the focus stays on it); the address remembers it.
  filter.addEventListener('change', async () => {
    domain = filter.value;
    history.replaceState(null, '', '#/accounts' + query({ domain }));
    try {
      await Promise.all([loadAccounts(), loadAliases()]);
    } catch (err) {
      showError(err);
    }
  });
  view.append(h('div', { class: 'filters' }, field('Show the domain', filter)), secrets);

  // Accounts
  const accountList = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
  const address = h('input', { name: 'address', inputmode: 'email', autocomplete: 'off', required: true, autocapitalize: 'none', spellcheck: 'false',
    placeholder: 'alice@example.org' });
  const addAccount = form({ class: 'inline-form', 'aria-labelledby': 'add-account-title' }, [
    h('h3', { id: 'add-account-title' }, 'Add an account'),
    h('div', { class: 'row' },
      field('Address', address, 'Its domain must exist. Tern generates the password and shows it once.'),
      h('button', { type: 'submit', class: 'primary' }, 'Add account')),
  ], async () => {
    const a = await post('/api/accounts', { address: address.value.trim() });
    address.value = '';
    showSecret(secrets, `Account ${a.address} added`, [['Address', a.address], ['Password', a.password, true]]);
    await loadAccounts();
  });
  view.appendChild(h('section', { 'aria-labelledby': 'accounts-title' },
    h('h2', { id: 'accounts-title' }, 'Accounts'), addAccount, accountList));

  // Aliases
  const aliasList = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
  const aliasAddress = h('input', { name: 'alias', inputmode: 'email', autocomplete: 'off', required: true, autocapitalize: 'none', spellcheck: 'false',
    placeholder: 'team@example.org' });
  const targets = h('input', { name: 'targets', required: true, autocapitalize: 'none', spellcheck: 'false',
    placeholder: 'alice@example.org, bob@example.org' });
  const addAlias = form({ class: 'inline-form', 'aria-labelledby': 'add-alias-title' }, [
    h('h3', { id: 'add-alias-title' }, 'Add an alias'),
    h('div', { class: 'row' },
      field('Alias address', aliasAddress),
      field('Delivered to', targets, 'Addresses, separated by commas: local ones are delivered to, others forwarded to. An existing alias gets them added.'),
      h('button', { type: 'submit', class: 'primary' }, 'Add alias')),
  ], async () => {
    const a = await post('/api/aliases', { address: aliasAddress.value.trim(), targets: splitList(targets.value) });
    aliasAddress.value = '';
    targets.value = '';
    notify(`Alias ${a.address} delivers to ${a.targets.join(', ')}.`);
    await loadAliases();
  });
  view.appendChild(h('section', { 'aria-labelledby': 'aliases-title' },
    h('h2', { id: 'aliases-title' }, 'Aliases'), addAlias, aliasList));

  const loadAccounts = async () => {
    const { accounts } = await get('/api/accounts' + query({ domain }));
    clear(accountList).appendChild(table('Accounts', [
      { label: 'Address', cell: (a) => a.address },
      { label: 'State', cell: (a) => [badge(a.enabled ? 'enabled' : 'disabled'),
        a.sieve_active ? [' ', badge('filtered')] : null] },
      { label: 'Storage', cell: (a) => bytes(a.used_bytes || 0)
        + (a.quota_bytes === null || a.quota_bytes === undefined ? '' : ` of ${bytes(a.quota_bytes)}`) },
      { label: 'Actions', cell: (a) => h('div', { class: 'buttons' },
        h('a', { href: `#/accounts/${seg(a.address)}/filters`, class: 'button small secondary',
          'aria-label': `Filters of ${a.address}` }, 'Filters'),
        h('a', { href: `#/accounts/${seg(a.address)}/mailboxes`, class: 'button small secondary',
          'aria-label': `Mailboxes of ${a.address}` }, 'Mailboxes'),
        actionButton('Quota', async () => {
          const current = a.quota_bytes === null || a.quota_bytes === undefined ? '' : String(Math.round(a.quota_bytes / 1048576));
          const answer = window.prompt(`Quota of ${a.address} in MB (empty for none):`, current);
          if (answer === null) {
            return;
          }
          const text = answer.trim();
          const mb = text === '' ? null : Number(text);
          if (mb !== null && !(Number.isFinite(mb) && mb >= 0)) {
            throw new Error('The quota is a number of megabytes, or empty for none.');
          }
          await patch(`/api/accounts/${seg(a.address)}`, { quota_bytes: mb === null ? null : Math.round(mb * 1048576) });
          notify(mb === null ? `${a.address} has no quota.` : `The quota of ${a.address} is ${mb} MB.`);
          await loadAccounts();
        }, { class: 'small secondary', 'aria-label': `Set the quota of ${a.address}` }),
        actionButton(a.enabled ? 'Disable' : 'Enable', async () => {
          await patch(`/api/accounts/${seg(a.address)}`, { enabled: !a.enabled });
          notify(`${a.address} is ${a.enabled ? 'disabled' : 'enabled'}.`);
          await loadAccounts();
        }, { class: 'small', 'aria-label': `${a.enabled ? 'Disable' : 'Enable'} ${a.address}` }),
        actionButton('New password', async () => {
          if (await confirmDialog(`Replace the password of ${a.address}? Its mail clients will need the new one.`, 'Replace password')) {
            const changed = await patch(`/api/accounts/${seg(a.address)}`, { generate_password: true });
            showSecret(secrets, `New password for ${a.address}`, [['Address', a.address], ['Password', changed.password, true]]);
          }
        }, { class: 'small secondary', 'aria-label': `New password for ${a.address}` }),
        actionButton('Delete', async () => {
          if (await confirmDialog(`Delete ${a.address} and all its mail? This cannot be undone.`)) {
            await del(`/api/accounts/${seg(a.address)}`);
            notify(`Deleted ${a.address}.`);
            await loadAccounts();
          }
        }, { class: 'small danger', 'aria-label': `Delete ${a.address}` })) },
    ], accounts, { id: 'account-list', empty: 'No accounts.', hideCaption: true }));
  };
  const loadAliases = async () => {
    const { aliases } = await get('/api/aliases' + query({ domain }));
    clear(aliasList).appendChild(table('Aliases', [
      { label: 'Alias', cell: (a) => a.address },
      { label: 'Delivered to', cell: (a) => a.targets.join(', ') },
      { label: 'Actions', cell: (a) => actionButton('Delete', async () => {
        if (await confirmDialog(`Delete the alias ${a.address}?`)) {
          await del(`/api/aliases/${seg(a.address)}`);
          notify(`Deleted the alias ${a.address}.`);
          await loadAliases();
        }
      }, { class: 'small danger', 'aria-label': `Delete the alias ${a.address}` }) },
    ], aliases, { id: 'alias-list', empty: 'No aliases.', hideCaption: true }));
  };
  const [domains] = await Promise.all([get('/api/domains'), loadAccounts(), loadAliases()]);
  for (const d of domains.domains) {
    filter.appendChild(h('option', { value: d.name, selected: d.name === domain }, d.name));
  }
}

function showSecret(container, title, rows) {
  clear(container);
  const panel = secretPanel(title, rows, 'The password is shown only now: give it to its owner. It cannot be shown again.');
  container.appendChild(panel);
  panel.focus();
}
