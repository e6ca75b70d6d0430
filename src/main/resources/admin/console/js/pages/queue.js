import { get, post, del, seg } from '../api.js';
import { h, clear, fill, summary, table, badge, time, bytes, num, actionButton, confirmDialog, notify } from '../dom.js';

const sender = (s) => (s ? s : '<>');

export async function renderList(view, params, q, ctx) {
  const refresh = actionButton('Refresh', () => load(), { class: 'secondary' });
  ctx.heading('Queue', refresh);
  view.appendChild(h('p', {}, 'Messages with recipients still waiting for delivery, oldest first.'));
  const list = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
  view.appendChild(list);
  const load = async () => {
    const { messages } = await get('/api/queue?limit=500');
    clear(list).appendChild(table(`${num(messages.length)} message${messages.length === 1 ? '' : 's'} in the queue`, [
      { label: 'Queue ID', cell: (m) => h('a', { href: `#/queue/${seg(m.id)}` }, m.id) },
      { label: 'Received', cell: (m) => time(m.received_at) },
      { label: 'From', cell: (m) => sender(m.sender) },
      { label: 'Waiting recipients', cell: (m) => h('ul', { class: 'plain' }, m.recipients.map((r) =>
        h('li', {}, r.address, ' ', badge(r.state), r.attempts ? h('span', { class: 'muted' }, ` ${r.attempts} attempts`) : ''))) },
      { label: 'Size', class: 'num', cell: (m) => bytes(m.size) },
      { label: 'State', cell: (m) => (m.held ? badge('held') : badge('waiting')) },
    ], messages, { id: 'queue-list', empty: 'The queue is empty: every message has been delivered.' }));
  };
  await load();
}

export async function renderMessage(view, [id], q, ctx) {
  ctx.heading(`Queued message ${id}`, h('a', { href: '#/queue', class: 'back' }, 'The queue'));
  const body = h('div', {});
  view.appendChild(body);
  // After an action the buttons are drawn anew: the focus goes to the one that undoes it.
  const load = async (focusId) => {
    let m;
    try {
      m = await get(`/api/queue/${seg(id)}`);
    } catch (err) {
      if (err.status === 404) {
        clear(body).appendChild(h('p', { class: 'empty', id: 'not-in-queue' }, 'This message is not in the queue (any more): it was delivered, bounced or deleted. ',
          h('a', { href: `#/trace/${seg(id)}` }, 'See what happened to it in the message trace.')));
        return;
      }
      throw err;
    }
    const actions = h('div', { class: 'buttons', role: 'group', 'aria-label': 'Actions on this message' },
      actionButton('Retry now', async () => {
        const r = await post(`/api/queue/${seg(id)}/retry`);
        notify(r.held ? `${r.due_now} recipient(s) due now; the message is held: release it to deliver.`
          : `${r.due_now} recipient(s) will be tried at the next queue scan.`);
        await load('retry');
      }, { class: 'primary', id: 'retry' }),
      m.held
        ? actionButton('Release', async () => {
          await post(`/api/queue/${seg(id)}/release`);
          notify('Released: the message will be delivered at the next queue scan.');
          await load('hold');
        }, { id: 'release' })
        : actionButton('Hold', async () => {
          await post(`/api/queue/${seg(id)}/hold`);
          notify('Held: the message stays in the queue until it is released.');
          await load('release');
        }, { id: 'hold' }),
      actionButton('Delete', async () => {
        if (await confirmDialog(`Delete message ${id} from the queue without delivering it?`)) {
          await del(`/api/queue/${seg(id)}`);
          notify(`Deleted message ${id}.`);
          ctx.navigate('#/queue');
        }
      }, { class: 'danger', id: 'delete' }));
    fill(body, actions,
      summary([
        ['State', m.held ? badge('held') : badge('waiting'), { id: 'queue-state' }],
        ['From', sender(m.sender)],
        ['Received', time(m.received_at)],
        ['Size', bytes(m.size)],
        ['Received on', m.listener],
        ['Client', [m.client_address, m.client_helo ? `(HELO ${m.client_helo})` : ''].filter(Boolean).join(' ')],
        ['Authenticated as', m.auth_user],
      ], { id: 'queue-summary' }),
      table('Recipients', [
        { label: 'Recipient', cell: (r) => r.address },
        { label: 'State', cell: (r) => badge(r.state) },
        { label: 'Attempts', class: 'num', cell: (r) => num(r.attempts) },
        { label: 'Next attempt', cell: (r) => time(r.next_attempt_at) },
        { label: 'Last error', cell: (r) => r.last_error || '' },
      ], m.recipients, { id: 'queue-recipients' }),
      h('p', {}, h('a', { href: `#/trace/${seg(id)}` }, 'Its delivery events in the message trace')));
    const focus = focusId && document.getElementById(focusId);
    if (focus) {
      focus.focus();
    }
  };
  await load();
}
