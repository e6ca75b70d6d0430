// Small helpers that build the DOM. Text from the server is only ever set as text, never parsed as
// HTML, so no address, host name or error message can inject markup.

const SVG_NS = 'http://www.w3.org/2000/svg';
let idCounter = 0;

/** A fresh id for label/field pairs and ARIA references. */
export function uid(prefix = 'id') {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) {
      continue;
    }
    if (Array.isArray(c)) {
      append(el, c);
    } else if (c instanceof Node) {
      el.appendChild(c);
    } else {
      el.appendChild(document.createTextNode(String(c)));
    }
  }
}

function setAttributes(el, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) {
      continue;
    }
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.substring(2).toLowerCase(), v);
    } else if (k === 'class') {
      el.setAttribute('class', Array.isArray(v) ? v.filter(Boolean).join(' ') : v);
    } else if (k === 'text') {
      el.textContent = v;
    } else if (k === 'value' && 'value' in el) {
      el.value = v;
    } else if (k === 'checked' || k === 'selected') {
      el.setAttribute(k, '');
      el[k] = true;
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
}

/** An HTML element: h('a', {href: '#/x', class: 'c'}, 'text', child, [more]). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs && (typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs))) {
    children.unshift(attrs);
  } else {
    setAttributes(el, attrs);
  }
  append(el, children);
  return el;
}

/** An SVG element. */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== null && v !== undefined) {
      el.setAttribute(k, String(v));
    }
  }
  append(el, children);
  return el;
}

export function clear(el) {
  while (el.firstChild) {
    el.removeChild(el.firstChild);
  }
  return el;
}

/** Replaces an element's content (null and false children are left out). */
export function fill(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

/**
 * A description list of label/value pairs, laid out as a grid of small cards: [[label, value,
 * attrs of the value's dd], …]; pairs without a value are left out.
 */
export function summary(pairs, attrs = {}) {
  return h('dl', { class: 'summary', ...attrs }, pairs.filter((p) => p && p[1] !== undefined).map(([label, value, ddAttrs]) =>
    h('div', {}, h('dt', {}, label), h('dd', ddAttrs || {}, value === null || value === '' ? '—' : value))));
}

// ---- Formatting -------------------------------------------------------------------------------

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const numbers = new Intl.NumberFormat();

/** A <time> element in the reader's time zone, with the exact instant in its title. */
export function time(iso, { date = false } = {}) {
  if (!iso) {
    return h('span', { class: 'muted' }, '—');
  }
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return h('span', {}, iso);
  }
  return h('time', { datetime: d.toISOString(), title: d.toISOString() }, (date ? dateOnly : dateTime).format(d));
}

export function num(n) {
  return n === null || n === undefined ? '—' : numbers.format(n);
}

export function bytes(n) {
  if (n === null || n === undefined) {
    return '—';
  }
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return i === 0 ? `${numbers.format(v)} bytes` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** "3 minutes", "2 hours", "5 days" for a number of seconds. */
export function duration(seconds) {
  const s = Math.max(0, Math.round(seconds));
  if (s < 90) {
    return `${s} second${s === 1 ? '' : 's'}`;
  }
  if (s < 5400) {
    return `${Math.round(s / 60)} minutes`;
  }
  if (s < 172800) {
    return `${Math.round(s / 3600)} hours`;
  }
  return `${Math.round(s / 86400)} days`;
}

/** A state shown as a word in a coloured badge (the word carries the meaning; the colour helps). */
export function badge(state, kind) {
  const k = kind || state;
  return h('span', { class: `badge badge-${String(k).replace(/[^a-z0-9_-]/gi, '')}` }, state);
}

// ---- Messages to the reader -------------------------------------------------------------------

/** Shows an error in the page's alert region (role="alert": read out at once). */
export function showError(err) {
  const region = document.getElementById('alerts');
  clear(region);
  const message = err && err.message ? err.message : String(err);
  region.appendChild(h('div', { class: 'alert alert-error' },
    h('strong', {}, 'Error: '), h('span', { class: 'alert-message' }, message),
    h('button', { type: 'button', class: 'link alert-close', 'aria-label': 'Dismiss the error',
      onclick: () => clear(region) }, '×')));
}

export function clearAlerts() {
  clear(document.getElementById('alerts'));
}

/** A short note in the status region (role="status": read out when the reader is idle). */
export function notify(message) {
  const region = document.getElementById('status');
  clear(region);
  region.appendChild(h('div', { class: 'notice' }, message));
  clearTimeout(notify.timer);
  notify.timer = setTimeout(() => clear(region), 6000);
}

// ---- Controls -----------------------------------------------------------------------------------

/** A labelled form field: the label's for= points at the control, a hint is its description. */
export function field(label, control, hint) {
  if (!control.id) {
    control.id = uid('f');
  }
  let hintEl = null;
  if (hint) {
    hintEl = h('p', { class: 'hint', id: uid('hint') }, hint);
    control.setAttribute('aria-describedby', hintEl.id);
  }
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

/**
 * A form whose submit handler runs once at a time: its submit buttons are marked unavailable
 * (aria-disabled, so that a button pressed from the keyboard keeps the focus) and the form busy
 * while the handler's promise is pending; a rejection is shown as an alert. The handler is given
 * the form and the submit button that sent it (null when none did), for forms with several.
 */
export function form(attrs, children, onSubmit) {
  const f = h('form', attrs, children);
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (f.getAttribute('aria-busy') === 'true') {
      return;
    }
    const buttons = [...f.querySelectorAll('button[type=submit]')];
    f.setAttribute('aria-busy', 'true');
    buttons.forEach((b) => b.setAttribute('aria-disabled', 'true'));
    try {
      clearAlerts();
      await onSubmit(f, e.submitter || null);
    } catch (err) {
      showError(err);
    } finally {
      f.removeAttribute('aria-busy');
      buttons.forEach((b) => b.removeAttribute('aria-disabled'));
    }
  });
  return f;
}

/** A button that runs an async action, once at a time; a rejection is shown as an alert. */
export function actionButton(label, action, attrs = {}) {
  const b = h('button', { type: 'button', ...attrs }, label);
  b.addEventListener('click', async () => {
    if (b.getAttribute('aria-disabled') === 'true') {
      return;
    }
    b.setAttribute('aria-disabled', 'true');
    try {
      clearAlerts();
      await action(b);
    } catch (err) {
      showError(err);
    } finally {
      b.removeAttribute('aria-disabled');
    }
  });
  return b;
}

/** Copies text: the Clipboard API where the page may use it, else a hidden text area and execCommand. */
export async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch (e) {
      // no permission or no focus: fall back below
    }
  }
  const area = h('textarea', { class: 'offscreen', readonly: true, 'aria-hidden': 'true', tabindex: '-1' });
  area.value = text;
  document.body.appendChild(area);
  const active = document.activeElement;
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch (e) {
    ok = false;
  }
  area.remove();
  if (active && active.focus) {
    active.focus();
  }
  return ok;
}

/** A "Copy" button for a value; says "Copied" (or how to copy by hand) once pressed. */
export function copyButton(text, what, label = 'Copy') {
  const b = h('button', { type: 'button', class: 'copy small', 'aria-label': label === 'Copy' ? `Copy ${what}` : null,
    'data-copy': text }, label);
  b.addEventListener('click', async () => {
    const ok = await copyText(text);
    b.textContent = ok ? 'Copied' : 'Select and copy by hand';
    b.classList.toggle('copied', ok);
    notify(ok ? `Copied ${what} to the clipboard.` : 'The browser did not allow copying: select the text and copy it.');
    clearTimeout(b.timer);
    b.timer = setTimeout(() => { b.textContent = label; b.classList.remove('copied'); }, 3000);
  });
  return b;
}

/** Asks for confirmation in a modal dialog; resolves true when confirmed. */
export function confirmDialog(message, confirmLabel = 'Delete') {
  return new Promise((resolve) => {
    const titleId = uid('dlg');
    const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': titleId },
      h('p', { id: titleId }, message),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'danger', value: 'yes' }, confirmLabel),
        h('button', { type: 'button', value: 'no' }, 'Cancel')));
    const previous = document.activeElement;
    let answer = false;
    dialog.addEventListener('click', (e) => {
      if (e.target instanceof HTMLButtonElement) {
        answer = e.target.value === 'yes';
        dialog.close();
      }
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (previous && previous.isConnected && previous.focus) {
        previous.focus();
      }
      resolve(answer);
    });
    document.body.appendChild(dialog);
    dialog.showModal();
    dialog.querySelector('button[value=no]').focus();
  });
}

/**
 * A panel for a secret shown once (a password, an SMTP credential's secret, a webhook's signing
 * secret), with copy buttons; it takes the focus so that it is read out.
 */
export function secretPanel(title, rows, note) {
  const titleId = uid('secret');
  const panel = h('section', { class: 'secret-panel', 'aria-labelledby': titleId, tabindex: '-1' },
    h('h2', { id: titleId }, title),
    h('p', { class: 'warning' }, note || 'This is shown only once: store it now. It cannot be shown again.'),
    h('dl', {}, rows.map(([label, value, secret]) => [
      h('dt', {}, label),
      h('dd', {}, h('code', { class: secret ? 'secret' : '' }, value), ' ', copyButton(value, label.toLowerCase())),
    ])),
    h('button', { type: 'button', onclick: () => panel.remove() }, 'Done, I have stored it'));
  return panel;
}

/**
 * A table with a caption, inside a scrolling region that keyboards can reach on narrow screens.
 * columns: [{label, cell: row => node|string, class}]
 */
export function table(caption, columns, rows, { empty = 'Nothing yet.', id, hideCaption = false } = {}) {
  if (!rows || rows.length === 0) {
    return h('p', { class: 'empty', id }, empty);
  }
  const captionId = uid('cap');
  return h('div', { class: 'table-wrap', role: 'region', 'aria-labelledby': captionId, tabindex: '0', id },
    h('table', {},
      h('caption', { id: captionId, class: hideCaption ? 'visually-hidden' : null }, caption),
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
      h('tbody', {}, rows.map((row) => h('tr', {}, columns.map((c, i) => {
        const content = c.cell(row);
        return i === 0 && c.header !== false ? h('th', { scope: 'row', class: c.class }, content)
          : h('td', { class: c.class }, content);
      }))))));
}

/** Text in code type; a long one (a DKIM key) folded to its start, the whole of it a click away. */
export function longCode(text, max = 90) {
  const t = String(text === null || text === undefined ? '' : text);
  if (t.length <= max) {
    return h('code', { class: 'wrap' }, t);
  }
  return h('details', { class: 'long' },
    h('summary', {}, h('code', {}, t.substring(0, 40) + '…'), h('span', { class: 'visually-hidden' }, ' (show all)')),
    h('code', { class: 'wrap' }, t));
}

/** A list given as text ("a, b" or one a line), trimmed, without empty items. */
export function splitList(text) {
  return String(text || '').split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean);
}
