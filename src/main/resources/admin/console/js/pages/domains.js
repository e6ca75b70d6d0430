import { get, post, del, seg } from '../api.js';
import { h, clear, summary, longCode, table, field, form, time, badge, copyButton, actionButton, confirmDialog, notify, num, uid } from '../dom.js';

export async function renderList(view, params, q, ctx) {
  ctx.heading('Domains');
  const list = h('div', { class: 'list' }, h('p', { class: 'loading' }, 'Loading…'));
  const name = h('input', { name: 'name', required: true, autocapitalize: 'none', spellcheck: 'false', placeholder: 'example.org' });
  const add = form({ class: 'inline-form', 'aria-labelledby': 'add-domain-title' }, [
    h('h2', { id: 'add-domain-title' }, 'Add a domain'),
    h('div', { class: 'row' },
      field('Domain name', name, 'Tern makes its DKIM keys and lists the DNS records to publish.'),
      h('button', { type: 'submit', class: 'primary' }, 'Add domain')),
  ], async () => {
    const d = await post('/api/domains', { name: name.value.trim() });
    notify(`Added ${d.name}. Publish its DNS records, then verify them.`);
    ctx.navigate(`#/domains/${seg(d.name)}`);
  });
  view.append(add, h('section', { 'aria-labelledby': 'domains-title' }, h('h2', { id: 'domains-title' }, 'All domains'), list));

  const load = async () => {
    const { domains } = await get('/api/domains');
    clear(list).appendChild(table('Domains this server receives mail for', [
      { label: 'Domain', cell: (d) => h('a', { href: `#/domains/${seg(d.name)}` }, d.name) },
      { label: 'Added', cell: (d) => time(d.created_at) },
      { label: 'Catch-all', cell: (d) => d.catch_all || h('span', { class: 'muted' }, 'none') },
      { label: 'Actions', cell: (d) => actionButton('Delete', async () => {
        if (await confirmDialog(`Delete the domain ${d.name}? It must have no accounts or aliases left.`)) {
          await del(`/api/domains/${seg(d.name)}`);
          notify(`Deleted ${d.name}.`);
          await load();
        }
      }, { class: 'danger small', 'aria-label': `Delete ${d.name}` }) },
    ], domains, { empty: 'No domains yet: add the first one above.', id: 'domain-list', hideCaption: true }));
  };
  await load();
}

function ownershipText(verified, at) {
  if (verified === undefined || verified === null) {
    return h('span', { class: 'muted' }, 'not checked yet: press Verify');
  }
  return verified ? h('span', {}, badge('verified', 'found'), ' ', at ? ['on ', time(at)] : '')
    : h('span', {}, badge('not verified', 'missing'), ' publish the ownership record (_tern-verify), then verify');
}

export async function renderDomain(view, [domain], q, ctx) {
  ctx.heading(domain, h('a', { href: '#/domains', class: 'back' }, 'All domains'));
  const d = await get(`/api/domains/${seg(domain)}`);
  const records = d.dns_records || d.records || [];
  view.appendChild(h('section', { 'aria-labelledby': 'summary-title' },
    h('h2', { id: 'summary-title', class: 'visually-hidden' }, 'Summary'),
    summary([
      ['Ownership', ownershipText(d.ownership_verified, d.verified_at), { id: 'ownership' }],
      ['Accounts', h('a', { href: `#/accounts?domain=${seg(d.name)}` }, num(d.accounts))],
      ['Aliases', num(d.aliases)],
      ['DKIM keys', (d.dkim_keys || []).map((k) => `${k.selector} (${k.algorithm})`).join(', ')],
      ['Added', time(d.created_at)],
    ])));
  const ownership = view.querySelector('#ownership');

  const results = h('div', { id: 'verify-results' });
  const verifyButton = actionButton('Verify', async (b) => {
    b.textContent = 'Verifying…';
    b.setAttribute('aria-busy', 'true');
    try {
      const report = await post(`/api/domains/${seg(d.name)}/verify`);
      showReport(results, report);
      clear(ownership).appendChild(ownershipText(report.ownership_verified, report.verified_at));
    } finally {
      b.textContent = 'Verify';
      b.removeAttribute('aria-busy');
    }
  }, { class: 'primary', id: 'verify' });
  const zone = records.map((r) => r.zone_line).filter(Boolean).join('\n');

  view.appendChild(h('section', { 'aria-labelledby': 'records-title' },
    h('div', { class: 'section-head' }, h('h2', { id: 'records-title' }, 'DNS records to publish'),
      h('div', { class: 'buttons' }, verifyButton, zone ? copyButton(zone + '\n', 'all records as zone file lines', 'Copy all as zone file') : null)),
    h('p', {}, 'Publish each record in the domain’s DNS zone, then press Verify to check them in live DNS.'),
    table(`DNS records for ${d.name}`, [
      { label: 'Purpose', cell: (r) => r.purpose },
      { label: 'Type', cell: (r) => r.type },
      { label: 'Name', cell: (r) => h('code', { class: 'wrap' }, r.name || r.owner) },
      { label: 'Value', class: 'value', cell: (r) => longCode(r.data) },
      { label: 'Copy', cell: (r) => copyButton(r.data, `the value of the ${r.type} record at ${r.name || r.owner}`) },
    ], records, { id: 'dns-records', empty: 'No records.' }),
    zone ? h('details', {}, h('summary', {}, 'The same records as zone file lines'), h('pre', { class: 'zone' }, zone)) : null,
    results));
}

const STATUS_WORDS = { found: 'found', missing: 'missing', different: 'different', error: 'error' };

function showReport(container, report) {
  const recs = report.records || [];
  const counts = {};
  recs.forEach((r) => { counts[r.status] = (counts[r.status] || 0) + 1; });
  const summary = `${recs.length} records: ` + Object.keys(STATUS_WORDS).filter((k) => counts[k])
    .map((k) => `${counts[k]} ${k}`).join(', ') + '.';
  const id = uid('verify');
  clear(container).appendChild(h('section', { 'aria-labelledby': id },
    h('h2', { id, tabindex: '-1' }, 'Verification'),
    h('p', { role: 'status', class: 'verify-summary' }, summary,
      report.verified_at ? [' Ownership verified on ', time(report.verified_at), '.'] : ''),
    table('Each record as found in DNS', [
      { label: 'Status', cell: (r) => badge(r.status) },
      { label: 'Purpose', cell: (r) => r.purpose },
      { label: 'Type', cell: (r) => r.type },
      { label: 'Name', cell: (r) => h('code', { class: 'wrap' }, r.owner || r.name) },
      { label: 'Published', class: 'value', cell: (r) => (r.published && r.published.length
        ? h('ul', { class: 'plain' }, r.published.map((p) => h('li', {}, longCode(p))))
        : h('span', { class: 'muted' }, 'nothing')) },
      { label: 'Expected', class: 'value', cell: (r) => longCode(r.expected || '') },
      { label: 'Detail', cell: (r) => r.detail || '' },
    ], recs, { id: 'verify-table' })));
  container.querySelector('h2').focus();
}
