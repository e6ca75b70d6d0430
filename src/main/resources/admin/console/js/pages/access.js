import { get, post, del, query } from '../api.js';
import { h, clear, table, field, form, badge, time, actionButton, confirmDialog, notify } from '../dom.js';

// What a rule does, in the colours of the other pages: a refusal as a failure, an exception as success.
const action = (r) => (r.action === 'reject' ? badge('reject', 'danger') : badge('allow', 'ok'));
const KINDS = { client: 'client network', sender: 'sender', recipient: 'recipient' };

export async function render(view, params, q, ctx) {
  ctx.heading('Access rules');
  view.appendChild(h('p', {}, 'Your own rules for mail from other servers. Reject a client network (at connection), '
    + 'a sender address or domain (at MAIL) or a recipient (at its RCPT); allow a client network to skip the block '
    + 'lists, greylisting and rate limits, a sender to skip greylisting, or a recipient (postmaster, abuse) to skip '
    + 'the block lists and greylisting. The most specific rule '
    + 'decides. Changes apply within a second.'));

  const pattern = h('input', { name: 'pattern', required: true, autocapitalize: 'none', spellcheck: 'false', placeholder: '203.0.113.0/24' });
  const choice = h('select', { name: 'action' },
    h('option', { value: 'reject' }, 'Reject'),
    h('option', { value: 'allow' }, 'Allow'));
  const note = h('input', { name: 'note', placeholder: 'spam run, ticket 4711' });
  const keepFor = h('input', { name: 'keep_for', autocapitalize: 'none', spellcheck: 'false', placeholder: '24h' });
  const add = form({ class: 'stack-form', 'aria-labelledby': 'add-rule-title' }, [
    h('h2', { id: 'add-rule-title' }, 'Add a rule'),
    h('div', { class: 'grid-fields' },
      field('Pattern', pattern, 'A client network (203.0.113.7, 203.0.113.0/24, 2001:db8::/48), a sender address '
        + '(user@example.org) or a sender domain with its subdomains (example.org), or after to: a recipient '
        + 'address or domain (to:noreply@example.org).'),
      field('Action', choice, 'A rule for a pattern that has one replaces it.'),
      field('Note (optional)', note, 'Why, shown with the rule.'),
      field('For (optional)', keepFor, 'How long: 24h, 7d; empty for until it is deleted.')),
    h('button', { type: 'submit', class: 'primary' }, 'Add rule'),
  ], async () => {
    const body = { pattern: pattern.value.trim(), action: choice.value };
    if (note.value.trim()) {
      body.note = note.value.trim();
    }
    if (keepFor.value.trim()) {
      body.keep_for = keepFor.value.trim();
    }
    const r = await post('/api/access', body);
    pattern.value = '';
    note.value = '';
    keepFor.value = '';
    notify(`${r.action === 'reject' ? 'Rejecting' : 'Allowing'} ${r.pattern}.`);
    await load();
  });

  const list = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
  view.append(add, h('section', { 'aria-labelledby': 'rules-title' }, h('h2', { id: 'rules-title' }, 'Rules'), list));

  const load = async () => {
    const { rules } = await get('/api/access');
    clear(list).appendChild(table('Access rules', [
      { label: 'Pattern', cell: (r) => r.pattern },
      { label: 'Kind', cell: (r) => KINDS[r.kind] || r.kind },
      { label: 'Action', cell: action },
      { label: 'Note', cell: (r) => r.note || h('span', { class: 'muted' }, '—') },
      { label: 'Since', cell: (r) => time(r.created_at) },
      { label: 'Until', cell: (r) => (r.expires_at ? time(r.expires_at) : h('span', { class: 'muted' }, 'deleted')) },
      { label: 'Actions', cell: (r) => actionButton('Delete', async () => {
        if (await confirmDialog(`Delete the rule for ${r.pattern}?`)) {
          await del('/api/access' + query({ pattern: r.pattern }));
          notify(`Deleted the rule for ${r.pattern}.`);
          await load();
        }
      }, { class: 'small danger', 'aria-label': `Delete the rule for ${r.pattern}` }) },
    ], rules, { id: 'access-list', empty: 'No access rules.', hideCaption: true }));
  };
  await load();
}
