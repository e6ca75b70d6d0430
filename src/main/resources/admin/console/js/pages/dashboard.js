import { get, query } from '../api.js';
import { h, clear, fill, num, bytes, time, duration, badge, uid, showError } from '../dom.js';
import { lineChart } from '../chart.js';

const REFRESH_MS = 30000;
const SAMPLES_KEY = 'tern.console.queueSamples';
const SERIES = [
  { key: 'received', label: 'Received' },
  { key: 'delivered', label: 'Delivered' },
  { key: 'deferred', label: 'Deferred' },
  { key: 'bounced', label: 'Bounced' },
  { key: 'expired', label: 'Expired' },
];

/**
 * The queue's size as this browser saw it at each refresh (the statistics give its size now, not
 * its history): kept for the browser session, the last 7 days at most.
 */
function queueSamples(stats) {
  let samples = [];
  try {
    samples = JSON.parse(sessionStorage.getItem(SAMPLES_KEY) || '[]');
  } catch (e) {
    samples = [];
  }
  const now = Date.now();
  samples = samples.filter((x) => now - x.t < 7 * 86400000);
  if (stats && stats.queue) {
    samples.push({ t: now, messages: stats.queue.messages || 0, recipients: stats.queue.recipients || 0 });
  }
  samples = samples.slice(-2000);
  try {
    sessionStorage.setItem(SAMPLES_KEY, JSON.stringify(samples));
  } catch (e) {
    // storage full or off: the chart shows what this page saw
  }
  return samples;
}

export async function render(view, params, q, ctx) {
  let hours = q.get('hours') === '168' ? 168 : 24;
  const updated = h('p', { class: 'muted updated', 'aria-live': 'off' });
  const refresh = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
  ctx.heading('Dashboard', h('div', { class: 'head-actions' }, updated, refresh));

  const rangeName = uid('range');
  const range = h('fieldset', { class: 'range' },
    h('legend', {}, 'Period'),
    [[24, 'Last 24 hours'], [168, 'Last 7 days']].map(([v, label]) => {
      const id = uid('r');
      const input = h('input', { type: 'radio', name: rangeName, id, value: String(v), checked: v === hours });
      input.addEventListener('change', () => {
        // The page stays (and the focus on the radio button); the address remembers the period.
        hours = v;
        history.replaceState(null, '', v === 24 ? '#/' : '#/?hours=168');
        load();
      });
      return h('span', { class: 'radio' }, input, h('label', { for: id }, label));
    }));

  const health = h('section', { class: 'health', 'aria-labelledby': 'health-title' },
    h('h2', { id: 'health-title' }, 'Health'), h('p', { class: 'loading' }, 'Loading…'));
  const traffic = h('section', { class: 'traffic', 'aria-labelledby': 'traffic-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'traffic-title' }, 'Mail'), range),
    h('p', { class: 'loading' }, 'Loading…'));
  const queueSection = h('section', { class: 'queue-stats', 'aria-labelledby': 'queue-title' },
    h('h2', { id: 'queue-title' }, 'Queue'), h('p', { class: 'loading' }, 'Loading…'));
  view.append(traffic, queueSection, health);

  let loads = 0;
  const load = async () => {
    loads += 1;
    const mine = loads;
    const [statsResult, healthResult] = await Promise.allSettled([
      get('/api/stats' + query({ hours })), get('/api/health')]);
    if (mine !== loads || !view.isConnected) {
      return;                    // a later refresh (or another page) took over
    }
    renderHealth(health, healthResult);
    renderTraffic(traffic, statsResult, hours);
    renderQueue(queueSection, statsResult);
    const failed = [statsResult, healthResult].find((r) => r.status === 'rejected');
    if (failed) {
      showError(failed.reason);
    }
    fill(updated, 'Updated ', time(new Date().toISOString()));
  };
  refresh.addEventListener('click', load);
  const timer = setInterval(() => { if (!document.hidden) load(); }, REFRESH_MS);
  ctx.onLeave(() => clearInterval(timer));
  await load();
}

function unavailable(section, result, what) {
  section.appendChild(h('p', { class: 'unavailable' }, `${what} not available: ${result.reason.message}`));
}

function card(title, ...body) {
  const id = uid('card');
  return h('article', { class: 'card', 'aria-labelledby': id }, h('h3', { id }, title), body);
}

function renderHealth(section, result) {
  const title = section.querySelector('h2');
  clear(section).appendChild(title);
  if (result.status === 'rejected') {
    unavailable(section, result, 'Health is');
    return;
  }
  const hl = result.value;
  const listeners = hl.listeners || [];
  const up = listeners.filter((l) => l.up).length;
  const cards = h('div', { class: 'cards' });

  cards.appendChild(card('Listeners',
    h('p', { class: 'big' }, `${up} of ${listeners.length} up`),
    h('ul', { class: 'plain listeners' }, listeners.map((l) => h('li', { 'data-listener': l.name },
      badge(l.up ? 'up' : 'down'), ' ', h('strong', {}, l.name), ' ',
      h('span', { class: 'muted' }, (l.addresses || []).join(', ')))))));

  const cert = hl.certificate;
  if (cert) {
    const days = cert.days_left;
    const level = days < 0 ? 'expired' : days <= 7 ? 'danger' : days <= 30 ? 'warning' : 'ok';
    cards.appendChild(card('TLS certificate',
      h('p', { class: 'big' }, badge(days < 0 ? 'expired' : `${num(days)} days left`, level)),
      h('dl', { class: 'compact' },
        h('dt', {}, 'Expires'), h('dd', {}, time(cert.not_after)),
        h('dt', {}, 'Subject'), h('dd', {}, cert.subject || '—'),
        h('dt', {}, 'Issuer'), h('dd', {}, cert.issuer || '—')),
      cert.self_signed ? h('p', { class: 'warning' }, 'Self-signed: clients will not trust it. Configure a certificate in [tls].') : null));
  } else {
    cards.appendChild(card('TLS certificate', h('p', { class: 'big' }, badge('none', 'warning')),
      h('p', {}, 'No certificate: STARTTLS and implicit TLS are off.')));
  }

  const disk = hl.disk;
  if (disk) {
    const freeShare = disk.total_bytes > 0 ? disk.free_bytes / disk.total_bytes : 0;
    const meterId = uid('disk');
    cards.appendChild(card('Disk',
      h('p', { class: 'big' }, `${bytes(disk.free_bytes)} free`),
      h('label', { for: meterId, class: 'muted' }, `${Math.round(freeShare * 100)}% of ${bytes(disk.total_bytes)} free`),
      h('meter', { id: meterId, min: '0', max: String(disk.total_bytes || 1), value: String(disk.free_bytes || 0),
        low: String((disk.total_bytes || 1) * 0.1), high: String((disk.total_bytes || 1) * 0.25),
        optimum: String(disk.total_bytes || 1) }),
      h('p', { class: 'muted' }, 'Data directory: ', h('code', {}, disk.path || '—'))));
  }
  if (hl.version) {
    cards.appendChild(card('Version', h('p', { class: 'big' }, hl.version)));
  }
  section.appendChild(cards);
}

function renderTraffic(section, result, hours) {
  const head = section.querySelector('.section-head');
  clear(section).appendChild(head);
  if (result.status === 'rejected') {
    unavailable(section, result, 'Statistics are');
    return;
  }
  const buckets = result.value.buckets || [];
  const times = buckets.map((b) => new Date(b.start));
  const series = SERIES.map((se) => ({ ...se, values: buckets.map((b) => b[se.key] || 0) }));
  const tiles = h('div', { class: 'tiles' }, series.map((se) => {
    const total = se.values.reduce((a, b) => a + b, 0);
    return h('div', { class: `tile tile-${se.key}`, 'data-stat': se.key },
      h('span', { class: 'tile-label' }, se.label),
      h('span', { class: 'tile-value' }, num(total)));
  }));
  const period = hours === 168 ? 'the last 7 days' : 'the last 24 hours';
  section.append(
    h('p', { class: 'muted' }, `Messages over ${period}, per hour.`),
    tiles,
    lineChart({
      title: `Messages per hour, ${period}`,
      times,
      series: series.filter((se) => se.key !== 'expired' || se.values.some((v) => v > 0)),
    }));
}

function renderQueue(section, result) {
  const title = section.querySelector('h2');
  clear(section).appendChild(title);
  if (result.status === 'rejected') {
    unavailable(section, result, 'Queue statistics are');
    return;
  }
  const qs = result.value.queue || {};
  const oldest = qs.oldest_received_at ? (Date.now() - new Date(qs.oldest_received_at).getTime()) / 1000 : null;
  section.appendChild(h('div', { class: 'tiles' },
    h('div', { class: 'tile', 'data-stat': 'queue-messages' }, h('span', { class: 'tile-label' }, 'Messages in the queue'),
      h('span', { class: 'tile-value' }, num(qs.messages || 0))),
    h('div', { class: 'tile', 'data-stat': 'queue-recipients' }, h('span', { class: 'tile-label' }, 'Recipients waiting'),
      h('span', { class: 'tile-value' }, num(qs.recipients || 0))),
    h('div', { class: 'tile', 'data-stat': 'queue-oldest' }, h('span', { class: 'tile-label' }, 'Oldest message'),
      h('span', { class: 'tile-value' }, oldest === null ? '—' : duration(oldest)))));
  // The server samples the queue every 5 minutes; a tenant's token gets no history (the samples
  // count every domain's mail), and then the chart shows what this page saw at each refresh.
  const history = result.value.queue_history || [];
  const fromServer = history.length > 0;
  const samples = fromServer
    ? history.map((x) => ({ t: new Date(x.at).getTime(), messages: x.messages, recipients: x.recipients }))
    : queueSamples(result.value);
  section.appendChild(lineChart({
    title: fromServer ? 'Queue size over time' : 'Queue size, as seen by this page',
    times: samples.map((x) => new Date(x.t)),
    timeLabel: 'Time',
    showTotals: false,
    steps: true,
    summary: `Queue size: ${num(qs.messages || 0)} messages and ${num(qs.recipients || 0)} recipients waiting now.`,
    series: [
      { key: 'queue', label: 'Messages', values: samples.map((x) => x.messages) },
      { key: 'waiting', label: 'Recipients waiting', values: samples.map((x) => x.recipients) },
    ],
  }));
  section.appendChild(h('p', { class: 'muted' },
    fromServer ? 'Sampled by the server every 5 minutes. ' : 'Sampled at each refresh (every 30 seconds while this page is open). ',
    h('a', { href: '#/queue' }, 'Open the queue')));
}
