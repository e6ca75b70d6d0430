// An account's Sieve filters (docs/sieve.md): its scripts and which one is active, an editor that
// stores a script once the server has checked it, and a form that writes a vacation reply script.

import { get, put, patch, del, seg } from '../api.js';
import { h, clear, fill, table, field, form, badge, time, actionButton, confirmDialog, notify } from '../dom.js';

/** A Sieve quoted string (RFC 5228 §2.4.2): one line, backslashes and double quotes escaped. */
function quoted(text) {
  return '"' + String(text).replace(/[\r\n]+/g, ' ').replace(/[\\"]/g, (c) => '\\' + c) + '"';
}

/**
 * A Sieve multi-line string (RFC 5228 §2.4.2): "text:", the lines, and a line holding only ".";
 * a line that starts with "." gets one more, so that none of the text can end the string.
 */
function multiLine(text) {
  const lines = String(text).replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
  return 'text:\n' + lines.map((l) => (l.startsWith('.') ? '.' + l : l)).join('\n') + '\n.\n';
}

/** A script that answers each sender once in so many days (RFC 5230). */
function vacationScript(subject, days, message) {
  return 'require "vacation";\n\n'
    + `vacation :days ${days}${subject ? ` :subject ${quoted(subject)}` : ''} ${multiLine(message)};\n`;
}

/** Puts the caret on a line of a text area (the one an error names), and the focus there. */
function selectLine(area, line) {
  const lines = area.value.split('\n');
  const n = Math.min(Math.max(line, 1), lines.length);
  const start = lines.slice(0, n - 1).reduce((sum, l) => sum + l.length + 1, 0);
  area.focus();
  area.setSelectionRange(start, start + lines[n - 1].length);
}

function focusButton(container, label) {
  const b = [...container.querySelectorAll('button')].find((x) => x.getAttribute('aria-label') === label);
  if (b) {
    b.focus();
  }
}

export async function render(view, [address], q, ctx) {
  const base = `/api/accounts/${seg(address)}/sieve`;
  ctx.heading(`Filters of ${address}`, h('a', { href: '#/accounts', class: 'back' }, 'Accounts'));
  view.appendChild(h('p', {}, 'Sieve scripts sort this account’s mail as it is delivered: into mailboxes, on to other '
    + 'addresses, or answered with a vacation reply. At most one script is active; without one, the mail goes to INBOX. '
    + 'A script is checked before it is stored.'));
  const state = h('p', { id: 'filter-state' });
  const list = h('div', {}, h('p', { class: 'loading' }, 'Loading…'));
  view.append(state, h('section', { 'aria-labelledby': 'scripts-title' },
    h('h2', { id: 'scripts-title' }, 'Scripts'), list));

  // The editor
  const name = h('input', { name: 'script-name', required: true, maxlength: '128', autocomplete: 'off',
    autocapitalize: 'none', spellcheck: 'false', placeholder: 'main' });
  const script = h('textarea', { name: 'script', class: 'code', rows: '16', required: true, wrap: 'off',
    autocapitalize: 'none', autocomplete: 'off', spellcheck: 'false' });
  const scriptField = field('Script', script, 'Sieve (RFC 5228) with the extensions listed in docs/sieve.md. '
    + 'A mistake is shown with its line.');
  scriptField.classList.add('wide');
  const editor = form({ class: 'stack-form', id: 'script-editor', 'aria-labelledby': 'editor-title' }, [
    h('h2', { id: 'editor-title' }, 'Editor'),
    field('Name', name, 'Saving under the name of a script replaces it; another name adds a script.'),
    scriptField,
    h('div', { class: 'buttons' },
      h('button', { type: 'submit', class: 'primary', value: 'save' }, 'Save'),
      h('button', { type: 'submit', value: 'activate' }, 'Save and activate'),
      h('button', { type: 'button', class: 'secondary', onclick: () => {
        name.value = '';
        script.value = '';
        script.removeAttribute('aria-invalid');
        name.focus();
      } }, 'New script')),
  ], async (f, submitter) => {
    const activate = submitter !== null && submitter.value === 'activate';
    const scriptName = name.value.trim();
    script.removeAttribute('aria-invalid');
    let saved;
    try {
      saved = await put(`${base}/${seg(scriptName)}`, { script: script.value, active: activate });
    } catch (err) {
      const line = err.status === 400 ? /^script: line (\d+)/.exec(err.message) : null;
      if (line) {
        script.setAttribute('aria-invalid', 'true');
        selectLine(script, Number(line[1]));
      }
      throw err;
    }
    name.value = saved.name;
    notify(saved.active ? `Saved ${saved.name}: it is the active script.`
      : `Saved ${saved.name}. It is not active: activate it to filter the mail with it.`);
    await load();
  });

  // The vacation reply: a ready script for the editor
  const subject = h('input', { name: 'vacation-subject', autocomplete: 'off', placeholder: 'Away until Monday' });
  const days = h('input', { name: 'vacation-days', type: 'number', min: '1', max: '90', step: '1', value: '7',
    required: true, inputmode: 'numeric' });
  const message = h('textarea', { name: 'vacation-message', rows: '5', required: true,
    placeholder: 'I am away until Monday and will answer then.' });
  const vacation = form({ class: 'stack-form', id: 'vacation-form', 'aria-labelledby': 'vacation-title' }, [
    h('h2', { id: 'vacation-title' }, 'Vacation reply'),
    h('p', { class: 'hint form-intro' }, 'Writes a script that answers each sender once in so many days, and puts it in the '
      + 'editor as “vacation”: save it there, and activate it.'),
    field('Subject (optional)', subject, 'Without one, the reply’s subject is “Auto:” and the original subject.'),
    field('Days', days, 'A sender gets one reply in this many days: 1 to 90.'),
    field('Message', message),
    h('button', { type: 'submit', class: 'primary' }, 'Put in the editor'),
  ], async () => {
    const n = Number(days.value);
    if (!Number.isInteger(n) || n < 1 || n > 90) {
      days.focus();
      throw new Error('The days are a whole number from 1 to 90.');
    }
    if (!message.value.trim()) {
      message.focus();
      throw new Error('Write the message of the reply.');
    }
    name.value = 'vacation';
    script.value = vacationScript(subject.value.trim(), n, message.value);
    script.removeAttribute('aria-invalid');
    script.focus();
    script.setSelectionRange(0, 0);
    notify('The vacation reply is in the editor: save it, or save and activate it.');
  });
  view.appendChild(h('div', { class: 'sieve-grid' }, editor, vacation));

  const load = async () => {
    const { scripts } = await get(base);
    const active = scripts.find((x) => x.active);
    fill(state, active ? ['Active: ', h('code', {}, active.name), '. It decides where the mail goes.']
      : 'No script is active: the mail goes to INBOX.');
    clear(list).appendChild(table(`Sieve scripts of ${address}`, [
      { label: 'Name', cell: (x) => x.name },
      { label: 'State', cell: (x) => badge(x.active ? 'active' : 'inactive') },
      { label: 'Updated', cell: (x) => time(x.updated_at) },
      { label: 'Actions', cell: (x) => h('div', { class: 'buttons' },
        actionButton('Edit', async () => {
          const s = await get(`${base}/${seg(x.name)}`);
          name.value = s.name;
          script.value = s.script;
          script.removeAttribute('aria-invalid');
          script.focus();
          script.setSelectionRange(0, 0);
          notify(`${s.name} is in the editor.`);
        }, { class: 'small secondary', 'aria-label': `Edit the script ${x.name}` }),
        actionButton(x.active ? 'Deactivate' : 'Activate', async () => {
          await patch(`${base}/${seg(x.name)}`, { active: !x.active });
          notify(x.active ? `${x.name} is no longer active: the mail of ${address} goes to INBOX.`
            : `${x.name} is active: it filters the mail of ${address}.`);
          await load();
          focusButton(list, `${x.active ? 'Activate' : 'Deactivate'} the script ${x.name}`);
        }, { class: 'small', 'aria-label': `${x.active ? 'Deactivate' : 'Activate'} the script ${x.name}` }),
        actionButton('Delete', async () => {
          const also = x.active ? ` It is the active one: the mail of ${address} will go to INBOX.` : '';
          if (await confirmDialog(`Delete the script ${x.name}?${also}`)) {
            await del(`${base}/${seg(x.name)}`);
            notify(`Deleted the script ${x.name}.`);
            await load();
          }
        }, { class: 'small danger', 'aria-label': `Delete the script ${x.name}` })) },
    ], scripts, { id: 'script-list', empty: 'No scripts yet: write one in the editor, or start from a vacation reply.',
      hideCaption: true }));
  };
  await load();
}
