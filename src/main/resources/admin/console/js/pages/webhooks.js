import { get, post, patch, del, seg } from '../api.js';
import { h, clear, fill, table, field, form, badge, time, num, uid, actionButton, confirmDialog, notify, secretPanel, splitList, showError } from '../dom.js';

// The events a webhook can be told of (docs/webhooks.md).
const EVENTS = [
  ['delivered', 'Delivered'],
  ['deferred', 'Deferred'],
  ['bounced', 'Bounced'],
  ['expired', 'Expired'],
  ['received', 'Received from another server'],
];
const DEFAULT_EVENTS = new Set(['delivered', 'deferred', 'bounced', 'expired']);

export async function renderList(view, params, q, ctx) {
  ctx.heading('Webhooks');
  view.appendChild(h('p', {}, 'Tern posts delivery events to these URLs, signed with each webhook’s secret.'));
  const secrets = h('div', { class: 'secrets' });
  const list = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));

  const url = h('input', { name: 'url', type: 'url', required: true, placeholder: 'https://hooks.example.org/tern', spellcheck: 'false' });
  const domains = h('input', { name: 'domains', autocapitalize: 'none', spellcheck: 'false', placeholder: 'example.org' });
  const legendId = uid('events');
  const boxes = EVENTS.map(([value, label]) => {
    const id = uid('ev');
    const box = h('input', { type: 'checkbox', id, name: 'events', value, checked: DEFAULT_EVENTS.has(value) });
    return { box, el: h('span', { class: 'check' }, box, h('label', { for: id }, label, ' ', h('code', {}, value))) };
  });
  const add = form({ class: 'stack-form', 'aria-labelledby': 'add-webhook-title' }, [
    h('h2', { id: 'add-webhook-title' }, 'Add a webhook'),
    field('URL', url, 'Where Tern posts the events (HTTPS recommended).'),
    h('fieldset', { class: 'checks', 'aria-describedby': legendId },
      h('legend', {}, 'Events'), h('p', { class: 'hint', id: legendId }, 'Which delivery events to send.'),
      boxes.map((b) => b.el)),
    field('Domains (optional)', domains, 'Only the mail of these domains, separated by commas; empty for all.'),
    h('button', { type: 'submit', class: 'primary' }, 'Add webhook'),
  ], async () => {
    const events = boxes.filter((b) => b.box.checked).map((b) => b.box.value);
    if (events.length === 0) {
      boxes[0].box.focus();
      throw new Error('Choose at least one event.');
    }
    const body = { url: url.value.trim(), events };
    if (domains.value.trim()) {
      body.domains = splitList(domains.value);
    }
    const w = await post('/api/webhooks', body);
    url.value = '';
    domains.value = '';
    clear(secrets);
    const panel = secretPanel(`Webhook for ${w.url} added`, [['Signing secret', w.secret, true]],
      'The signing secret is shown only now: store it where the receiver checks signatures. It cannot be shown again.');
    secrets.appendChild(panel);
    panel.focus();
    await load();
  });
  view.append(secrets, add, h('section', { 'aria-labelledby': 'hooks-title' }, h('h2', { id: 'hooks-title' }, 'Webhooks'), list));

  const load = async () => {
    const { webhooks } = await get('/api/webhooks');
    clear(list).appendChild(table('Webhooks', [
      { label: 'URL', cell: (w) => h('a', { href: `#/webhooks/${seg(w.id)}`, 'aria-label': `${w.url}: deliveries` }, h('code', { class: 'wrap' }, w.url)) },
      { label: 'Events', cell: (w) => (w.events || []).join(', ') },
      { label: 'Domains', cell: (w) => (w.domains && w.domains.length ? w.domains.join(', ') : h('span', { class: 'muted' }, 'all')) },
      { label: 'State', cell: (w) => badge(w.enabled === false ? 'disabled' : 'enabled') },
      { label: 'Added', cell: (w) => time(w.created_at) },
      { label: 'Actions', cell: (w) => h('div', { class: 'buttons' },
        h('a', { href: `#/webhooks/${seg(w.id)}`, class: 'button small secondary' }, 'Deliveries'),
        actionButton(w.enabled === false ? 'Enable' : 'Disable', async () => {
          await patch(`/api/webhooks/${seg(w.id)}`, { enabled: w.enabled === false });
          notify(w.enabled === false ? `The webhook for ${w.url} is enabled: what waited goes out now.`
            : `The webhook for ${w.url} is disabled: events wait until it is enabled again.`);
          await load();
        }, { class: 'small', 'aria-label': `${w.enabled === false ? 'Enable' : 'Disable'} the webhook for ${w.url}` }),
        actionButton('Delete', async () => {
          if (await confirmDialog(`Delete the webhook for ${w.url}? Events are no longer sent to it.`)) {
            await del(`/api/webhooks/${seg(w.id)}`);
            notify(`Deleted the webhook for ${w.url}.`);
            await load();
          }
        }, { class: 'small danger', 'aria-label': `Delete the webhook for ${w.url}` })) },
    ], webhooks, { id: 'webhook-list', empty: 'No webhooks yet.', hideCaption: true }));
  };
  await load();
}

export async function renderDeliveries(view, [id], q, ctx) {
  const refresh = actionButton('Refresh', () => load(), { class: 'secondary' });
  const ping = actionButton('Send a test', async () => {
    await post(`/api/webhooks/${seg(id)}/test`);
    notify('A ping event is on its way: its outcome is listed here.');
    await load();
  }, { class: 'primary', id: 'ping' });
  ctx.heading('Webhook deliveries', h('div', { class: 'head-actions' }, h('a', { href: '#/webhooks', class: 'back' }, 'Webhooks'), ping, refresh));
  const about = h('p', { class: 'muted' });
  const list = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
  view.append(about, list);
  get('/api/webhooks').then(({ webhooks }) => {
    const w = webhooks.find((x) => String(x.id) === id);
    if (w) {
      fill(about, 'Events sent to ', h('code', {}, w.url), `: ${(w.events || []).join(', ')}.`);
    }
  }).catch(showError);
  const load = async () => {
    const { deliveries } = await get(`/api/webhooks/${seg(id)}/deliveries`);
    clear(list).appendChild(table('Deliveries, newest first', [
      { label: 'Event', cell: (d) => d.event_type },
      { label: 'State', cell: (d) => badge(d.state) },
      { label: 'Attempts', class: 'num', cell: (d) => num(d.attempts) },
      { label: 'Last answer', cell: (d) => [d.last_status ? `HTTP ${d.last_status}` : '', d.last_error ? ` ${d.last_error}` : ''].join('') || '—' },
      { label: 'Created', cell: (d) => time(d.created_at) },
      { label: 'Delivered', cell: (d) => time(d.delivered_at) },
      { label: 'Next attempt', cell: (d) => time(d.next_attempt_at) },
    ], deliveries, { id: 'delivery-list', empty: 'Nothing sent to this webhook yet.' }));
  };
  await load();
}
