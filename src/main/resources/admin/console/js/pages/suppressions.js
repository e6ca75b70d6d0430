import { get, post, del, seg, query } from '../api.js';
import { h, clear, table, field, form, badge, time, actionButton, confirmDialog, notify } from '../dom.js';

const PAGE = 100;

// Why an address is listed: a hard bounce reads as the bounce it was; an operator's entry as held mail.
const reason = (s) => (s.reason === 'bounce' ? badge(`hard bounce ${s.status || ''}`.trim(), 'bounced') : badge('manual', 'held'));

export async function render(view, params, q, ctx) {
  ctx.heading('Suppression list');
  view.appendChild(h('p', {}, 'Addresses of other domains that Tern sends no mail to: their server refused them as '
    + 'nonexistent (a hard bounce), or you listed them. Mail for them bounces at once, without an attempt. '
    + 'Delete an address to send to it again.'));
  const domain = (q.get('domain') || '').trim();

  const address = h('input', { name: 'address', required: true, autocapitalize: 'none', spellcheck: 'false', placeholder: 'someone@example.com' });
  const note = h('input', { name: 'note', placeholder: 'asked to receive nothing' });
  const keepFor = h('input', { name: 'keep_for', autocapitalize: 'none', spellcheck: 'false', placeholder: '30d' });
  const add = form({ class: 'stack-form', 'aria-labelledby': 'add-suppression-title' }, [
    h('h2', { id: 'add-suppression-title' }, 'Suppress an address'),
    h('div', { class: 'grid-fields' },
      field('Address', address, 'An address of another domain.'),
      field('Note (optional)', note, 'Why, shown with the entry.'),
      field('For (optional)', keepFor, 'How long: 12h, 30d; empty for until it is deleted.')),
    h('button', { type: 'submit', class: 'primary' }, 'Suppress'),
  ], async () => {
    const body = { address: address.value.trim() };
    if (note.value.trim()) {
      body.note = note.value.trim();
    }
    if (keepFor.value.trim()) {
      body.keep_for = keepFor.value.trim();
    }
    const s = await post('/api/suppressions', body);
    address.value = '';
    note.value = '';
    keepFor.value = '';
    notify(`Suppressed ${s.address}: its mail bounces at once.`);
    await load();
  });

  const domainInput = h('input', { name: 'domain', value: domain, autocapitalize: 'none', spellcheck: 'false', placeholder: 'example.com' });
  const filter = form({ class: 'inline-form', role: 'search', 'aria-label': 'Show the addresses of one domain' }, [
    h('div', { class: 'row' },
      field('Domain', domainInput, 'Only the addresses of this domain; empty for all.'),
      h('button', { type: 'submit', class: 'secondary' }, 'Show'),
      domain ? actionButton(`Delete all of ${domain}`, async () => {
        if (await confirmDialog(`Delete every suppressed address of ${domain}? Tern sends mail to them again.`)) {
          const r = await del('/api/suppressions' + query({ domain }));
          notify(`Deleted ${r.deleted} suppressed address${r.deleted === 1 ? '' : 'es'} of ${r.domain}.`);
          await load();
        }
      }, { class: 'danger', id: 'delete-domain' }) : null),
  ], async () => {
    ctx.navigate('#/suppressions' + query({ domain: domainInput.value.trim() }));
  });

  const list = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
  const more = h('div', { class: 'more' });
  view.append(add, h('section', { 'aria-labelledby': 'suppressions-title' },
    h('h2', { id: 'suppressions-title' }, domain ? `Suppressed addresses of ${domain}` : 'Suppressed addresses'),
    filter, list, more));

  let found = [];
  const show = () => clear(list).appendChild(table('Suppressed addresses', [
    { label: 'Address', cell: (s) => s.address },
    { label: 'Reason', cell: reason },
    { label: 'Detail', cell: (s) => s.detail || h('span', { class: 'muted' }, '—') },
    { label: 'Since', cell: (s) => time(s.created_at) },
    { label: 'Until', cell: (s) => (s.expires_at ? time(s.expires_at) : h('span', { class: 'muted' }, 'deleted')) },
    { label: 'Actions', cell: (s) => actionButton('Delete', async () => {
      if (await confirmDialog(`Delete ${s.address} from the suppression list? Tern sends mail to it again.`)) {
        await del(`/api/suppressions/${seg(s.address)}`);
        notify(`Deleted ${s.address}: mail goes to it again.`);
        await load();
      }
    }, { class: 'small danger', 'aria-label': `Delete ${s.address}` }) },
  ], found, { id: 'suppression-list', empty: domain ? `No suppressed addresses of ${domain}.` : 'No suppressed addresses.', hideCaption: true }));

  // A page after the other, from the cursor; load() starts again from the first.
  const page = async (cursor) => {
    const p = await get('/api/suppressions' + query({ domain, limit: PAGE, cursor }));
    found = cursor ? found.concat(p.suppressions) : p.suppressions;
    show();
    clear(more);
    if (p.next_cursor) {
      more.appendChild(actionButton('Show more', () => page(p.next_cursor), { class: 'secondary' }));
    }
  };
  const load = () => page(null);
  await load();
}
