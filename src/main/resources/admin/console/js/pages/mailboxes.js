// An account's mailboxes and who else may use them (docs/sharing.md): counts of each mailbox, and
// for the one chosen its access list, with a form that shares it with an account or with anyone
// of the owner's domain.

import { get, put, del, seg, query } from '../api.js';
import { h, clear, table, field, form, num, bytes, actionButton, confirmDialog, notify } from '../dom.js';

/** The usual sets of rights (RFC 4314), as a user would name them. */
const PRESETS = [
  { rights: 'lrs', label: 'Read (lrs): read, and mark read' },
  { rights: 'lrswi', label: 'Read and file (lrswi): also flag and add messages' },
  { rights: 'lrswipkxte', label: 'Everything but sharing (lrswipkxte): also delete, expunge, make folders' },
  { rights: 'lrswipkxtea', label: 'Everything (lrswipkxtea): also share it further' },
];

/** What the letters allow, in words, for the list. */
function describe(rights) {
  const words = [];
  if (rights.includes('r')) {
    words.push('read');
  } else if (rights.includes('l')) {
    words.push('see');
  }
  if (rights.includes('i')) {
    words.push('add');
  }
  if (rights.includes('w')) {
    words.push('flag');
  }
  if (rights.includes('t') || rights.includes('e')) {
    words.push('delete');
  }
  if (rights.includes('k') || rights.includes('x')) {
    words.push('manage folders');
  }
  if (rights.includes('a')) {
    words.push('share');
  }
  return words.join(', ');
}

export async function render(view, [address], q, ctx) {
  const base = `/api/accounts/${seg(address)}`;
  ctx.heading(`Mailboxes of ${address}`, h('a', { href: '#/accounts', class: 'back' }, 'Accounts'));
  view.appendChild(h('p', {}, 'Another account sees a mailbox shared with it as Shared/' + address + '/NAME in its '
    + 'mail program, and may do there what its rights allow. “anyone” is every account of the same domain.'));
  const list = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
  const sharing = h('section', { 'aria-labelledby': 'sharing-title', id: 'sharing' });
  view.append(h('section', { 'aria-labelledby': 'mailboxes-title' },
    h('h2', { id: 'mailboxes-title' }, 'Mailboxes'), list), sharing);

  const showSharing = async (mailbox) => {
    clear(sharing);
    sharing.appendChild(h('h2', { id: 'sharing-title', tabindex: '-1' }, `Sharing of ${mailbox}`));
    const entries = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
    const who = h('input', { name: 'grantee', required: true, autocomplete: 'off', autocapitalize: 'none',
      spellcheck: 'false', placeholder: 'bob@' + address.split('@')[1] });
    const rights = h('select', { name: 'rights' }, PRESETS.map((p) => h('option', { value: p.rights }, p.label)));
    const share = form({ class: 'stack-form', id: 'share-form', 'aria-labelledby': 'share-title' }, [
      h('h3', { id: 'share-title' }, 'Share'),
      field('With', who, 'An account’s address, or anyone (every account of the domain).'),
      field('Rights', rights),
      h('button', { type: 'submit', class: 'primary' }, 'Share'),
    ], async () => {
      const grantee = who.value.trim();
      const given = await put(`${base}/acl/${seg(grantee)}${query({ mailbox })}`, { rights: rights.value });
      notify(`${given.identifier} may now ${describe(given.rights)} in ${mailbox}.`);
      who.value = '';
      await load();
    });
    const load = async () => {
      const acl = await get(`${base}/acl${query({ mailbox })}`);
      clear(entries).appendChild(table(`Who may use ${mailbox}`, [
        { label: 'Who', cell: (e) => e.identifier + (e.owner ? ' (owner)' : '') },
        { label: 'Rights', cell: (e) => [h('code', {}, e.rights), ' ', describe(e.rights)] },
        { label: 'Actions', cell: (e) => (e.owner ? '' : actionButton('Stop sharing', async () => {
          if (await confirmDialog(`Stop sharing ${mailbox} with ${e.identifier}?`, 'Stop sharing')) {
            await del(`${base}/acl/${seg(e.identifier)}${query({ mailbox })}`);
            notify(`${e.identifier} no longer has ${mailbox}.`);
            await load();
            who.focus();
          }
        }, { class: 'small danger', 'aria-label': `Stop sharing ${mailbox} with ${e.identifier}` })) },
      ], acl.entries, { id: 'acl-list', hideCaption: true }));
    };
    sharing.append(entries, share);
    await load();
    sharing.querySelector('h2').focus();
  };

  const { mailboxes } = await get(`${base}/mailboxes`);
  clear(list).appendChild(table(`Mailboxes of ${address}`, [
    { label: 'Name', cell: (m) => m.name },
    { label: 'Use', cell: (m) => m.special_use || '' },
    { label: 'Messages', cell: (m) => num(m.messages) },
    { label: 'Unseen', cell: (m) => num(m.unseen) },
    { label: 'Size', cell: (m) => bytes(m.size_bytes) },
    { label: 'Actions', cell: (m) => actionButton('Sharing', () => showSharing(m.name),
      { class: 'small secondary', 'aria-label': `Sharing of ${m.name}` }) },
  ], mailboxes, { id: 'mailbox-list', hideCaption: true }));
  if (q && q.get('mailbox')) {
    await showSharing(q.get('mailbox'));
  }
}
