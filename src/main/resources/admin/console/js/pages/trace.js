import { get, seg, query } from '../api.js';
import { h, clear, fill, summary, table, field, form, badge, time, bytes, uid, actionButton } from '../dom.js';

const STATUSES = ['queued', 'deferred', 'delivered', 'bounced', 'expired', 'deleted'];
const PRESETS = [['', 'Any time'], ['1h', 'Last hour'], ['1d', 'Last 24 hours'], ['7d', 'Last 7 days'], ['30d', 'Last 30 days'],
  ['custom', 'Between two times…']];
const FIELDS = ['message_id', 'queue_id', 'from', 'to', 'status', 'since', 'until'];
const WAITING = new Set(['queued', 'deferred', 'inflight']);

/** ISO instant ↔ the value of a datetime-local control (local time, to the minute). */
function toLocalInput(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return '';
  }
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function fromLocalInput(value) {
  if (!value) {
    return '';
  }
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const sender = (s) => (s ? s : '<>');

// Set by a search from the form: the results take the focus once shown, rather than the heading.
let focusResults = false;

function recipientList(recipients) {
  return h('ul', { class: 'plain' }, (recipients || []).map((r) => h('li', {}, r.address, ' ', badge(r.status))));
}

export async function renderSearch(view, params, q, ctx) {
  ctx.heading('Message trace');
  view.appendChild(h('p', {}, 'Find a message by its IDs, sender, recipients, status or reception time, '
    + 'and follow each of its recipients from reception to delivery.'));
  const input = (name, placeholder) => h('input', { name, value: q.get(name) || '', autocapitalize: 'none', spellcheck: 'false', placeholder });
  const messageId = input('message_id', 'abc@example.org');
  const queueId = input('queue_id', '1M8K3SS18737Q');
  const from = input('from', 'a@example.org or @example.org');
  const to = input('to', 'b@example.net or @example.net');
  const status = h('select', { name: 'status' }, h('option', { value: '' }, 'Any status'),
    STATUSES.map((st) => h('option', { value: st, selected: q.get('status') === st }, st)));
  const since = q.get('since') || '';
  const preset = PRESETS.some(([v]) => v === since && v !== 'custom') && !q.get('until') ? since : 'custom';
  const received = h('select', { name: 'received' }, PRESETS.map(([v, label]) => h('option', { value: v, selected: v === preset }, label)));
  const sinceInput = h('input', { type: 'datetime-local', name: 'since', value: preset === 'custom' && since ? toLocalInput(since) : '' });
  const untilInput = h('input', { type: 'datetime-local', name: 'until', value: q.get('until') ? toLocalInput(q.get('until')) : '' });
  const custom = h('div', { class: 'grid-fields custom-range', hidden: received.value !== 'custom' },
    field('Received after', sinceInput), field('Received before', untilInput));
  received.addEventListener('change', () => { custom.hidden = received.value !== 'custom'; });

  const search = form({ class: 'stack-form search-form', role: 'search', 'aria-label': 'Search messages' }, [
    h('div', { class: 'grid-fields' },
      field('Message-ID', messageId), field('Queue ID', queueId), field('From', from), field('To', to),
      field('Status', status, 'The latest state of a recipient (of the one in To, when given).'), field('Received', received)),
    custom,
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary' }, 'Search'),
      h('a', { href: '#/trace', class: 'button secondary' }, 'Clear')),
  ], async () => {
    const p = {
      message_id: messageId.value.trim(), queue_id: queueId.value.trim(), from: from.value.trim(), to: to.value.trim(),
      status: status.value,
    };
    if (received.value === 'custom') {
      p.since = fromLocalInput(sinceInput.value);
      p.until = fromLocalInput(untilInput.value);
    } else {
      p.since = received.value;
    }
    focusResults = true;
    ctx.navigate('#/trace' + query(p));
  });
  const results = h('section', { 'aria-labelledby': 'results-title' },
    h('h2', { id: 'results-title' }, 'Messages'), h('p', { class: 'loading' }, 'Searching…'));
  view.append(search, results);

  const filters = {};
  FIELDS.forEach((f) => { if (q.get(f)) filters[f] = q.get(f); });
  const found = [];
  const body = h('div', { id: 'trace-results' });
  const more = h('div', { class: 'more' });
  const load = async (cursor) => {
    const page = await get('/api/trace' + query({ ...filters, limit: 50, cursor }));
    const first = found.length;
    found.push(...(page.messages || []));
    clear(body).appendChild(table(Object.keys(filters).length ? 'Messages that match, newest first' : 'Recent messages, newest first', [
      { label: 'Queue ID', cell: (m) => h('a', { href: `#/trace/${seg(m.queue_id)}` }, m.queue_id) },
      { label: 'Received', cell: (m) => time(m.received_at) },
      { label: 'From', cell: (m) => sender(m.sender) },
      { label: 'Recipients', cell: (m) => recipientList(m.recipients) },
      { label: 'Message-ID', cell: (m) => (m.message_id ? h('code', { class: 'wrap' }, m.message_id) : '—') },
      { label: 'Size', class: 'num', cell: (m) => bytes(m.size) },
    ], found, { empty: 'No message matches.' }));
    clear(more);
    if (page.next_cursor) {
      more.appendChild(actionButton('Show more', () => load(page.next_cursor), { class: 'secondary' }));
    }
    if (cursor) {
      const links = body.querySelectorAll('tbody tr th a');
      if (links[first]) {
        links[first].focus();
      }
    }
  };
  const resultsTitle = h('h2', { id: 'results-title', tabindex: '-1' }, 'Messages');
  fill(results, resultsTitle, body, more);
  await load();
  if (focusResults) {
    focusResults = false;
    resultsTitle.focus();
  }
}

export async function renderMessage(view, [id], q, ctx) {
  const refresh = actionButton('Refresh', () => load(), { class: 'secondary' });
  ctx.heading(`Message ${id}`, h('div', { class: 'head-actions' }, h('a', { href: '#/trace', class: 'back' }, 'Message trace'), refresh));
  const body = h('div', { id: 'trace-message' }, h('p', { class: 'loading' }, 'Loading…'));
  view.appendChild(body);
  let timer = null;
  ctx.onLeave(() => clearTimeout(timer));
  const load = async () => {
    clearTimeout(timer);
    const m = await get(`/api/trace/${seg(id)}`);
    const waiting = (m.recipients || []).some((r) => WAITING.has(r.status));
    const timelineId = uid('timeline');
    fill(body,
      summary([
        ['From', sender(m.sender)],
        ['Received', time(m.received_at)],
        ['Message-ID', m.message_id ? h('code', { class: 'wrap' }, m.message_id) : null],
        ['Size', bytes(m.size)],
        ['Received on', m.listener],
        ['Client', m.client_address],
        ['Authenticated as', m.auth_user],
      ]),
      table('Recipients and where each stands', [
        { label: 'Recipient', cell: (r) => r.address },
        { label: 'Status', cell: (r) => badge(r.status) },
      ], m.recipients, { id: 'trace-recipients' }),
      waiting ? h('p', {}, 'Some recipients are still waiting. ', h('a', { href: `#/queue/${seg(m.queue_id || id)}` }, 'Open the message in the queue'),
        ' to retry, hold or delete it. This page refreshes by itself meanwhile.') : null,
      h('section', { 'aria-labelledby': timelineId },
        h('h2', { id: timelineId }, 'Events'),
        h('ol', { class: 'timeline', id: 'timeline' }, (m.events || []).map((e) => h('li', { class: `event event-${e.type}`, 'data-type': e.type },
          h('div', { class: 'event-head' }, time(e.at), ' ', badge(e.type), e.recipient ? h('span', { class: 'event-rcpt' }, ` ${e.recipient}`) : ''),
          fieldList(e.fields)))),
        (m.events || []).length ? null : h('p', { class: 'empty' }, 'No events.')));
    if (waiting) {
      timer = setTimeout(() => { if (body.isConnected) load().catch(() => {}); }, 5000);
    }
  };
  await load();
}

function fieldList(fields) {
  const entries = Object.entries(fields || {});
  if (entries.length === 0) {
    return null;
  }
  return h('dl', { class: 'fields' }, entries.map(([k, v]) => h('div', {},
    h('dt', {}, k.replace(/_/g, ' ')), h('dd', {}, h('code', { class: 'wrap' }, String(v))))));
}
