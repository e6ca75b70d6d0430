// The console: session, navigation (hash routes: #/domains, #/trace/1M8K…) and page layout.

import { api, get, setCsrfToken, whenUnauthenticated } from './api.js';
import { h, clear, clearAlerts, showError, notify } from './dom.js';
import * as login from './pages/login.js';
import * as dashboard from './pages/dashboard.js';
import * as domains from './pages/domains.js';
import * as accounts from './pages/accounts.js';
import * as filters from './pages/filters.js';
import * as mailboxes from './pages/mailboxes.js';
import * as credentials from './pages/credentials.js';
import * as queue from './pages/queue.js';
import * as trace from './pages/trace.js';
import * as suppressions from './pages/suppressions.js';
import * as access from './pages/access.js';
import * as webhooks from './pages/webhooks.js';

const routes = [
  { path: /^\/login$/, page: login.render, public: true },
  { path: /^\/$/, page: dashboard.render, nav: '#/' },
  { path: /^\/domains$/, page: domains.renderList, nav: '#/domains' },
  { path: /^\/domains\/([^/]+)$/, page: domains.renderDomain, nav: '#/domains' },
  { path: /^\/accounts$/, page: accounts.render, nav: '#/accounts' },
  { path: /^\/accounts\/([^/]+)\/filters$/, page: filters.render, nav: '#/accounts' },
  { path: /^\/accounts\/([^/]+)\/mailboxes$/, page: mailboxes.render, nav: '#/accounts' },
  { path: /^\/credentials$/, page: credentials.render, nav: '#/credentials' },
  { path: /^\/queue$/, page: queue.renderList, nav: '#/queue' },
  { path: /^\/queue\/([^/]+)$/, page: queue.renderMessage, nav: '#/queue' },
  { path: /^\/trace$/, page: trace.renderSearch, nav: '#/trace' },
  { path: /^\/trace\/([^/]+)$/, page: trace.renderMessage, nav: '#/trace' },
  { path: /^\/suppressions$/, page: suppressions.render, nav: '#/suppressions' },
  { path: /^\/access$/, page: access.render, nav: '#/access' },
  { path: /^\/webhooks$/, page: webhooks.renderList, nav: '#/webhooks' },
  { path: /^\/webhooks\/([^/]+)$/, page: webhooks.renderDeliveries, nav: '#/webhooks' },
];

const state = {
  session: null,      // GET /api/session's answer once logged in
  leaving: [],        // what the current page stops when another one is shown (timers)
  afterLogin: '#/',
  rendered: 0,
};

function parseHash() {
  const hash = location.hash.startsWith('#/') ? location.hash.substring(1) : '/';
  const q = hash.indexOf('?');
  const path = q < 0 ? hash : hash.substring(0, q);
  return { path: path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path,
    query: new URLSearchParams(q < 0 ? '' : hash.substring(q + 1)) };
}

export function navigate(hash) {
  if (location.hash === hash) {
    show();
  } else {
    location.hash = hash;
  }
}

function setSession(session) {
  state.session = session;
  document.body.classList.toggle('logged-out', !session);
  document.getElementById('nav').hidden = !session;
  document.getElementById('who').hidden = !session;
  document.getElementById('menu-toggle').hidden = !session;
  document.getElementById('who-name').textContent = session ? session.name : '';
  setCsrfToken(session ? session.csrf_token : null);
}

/** What pages are given: the session, navigation, a way to stop timers when the page is left. */
function context(view, focus) {
  return {
    session: state.session,
    navigate,
    onLeave: (fn) => state.leaving.push(fn),
    /** The page's heading (and the document's title); it takes the focus after a navigation. */
    heading(title, ...extra) {
      document.title = `${title} · Tern console`;
      const h1 = h('h1', { tabindex: '-1' }, title);
      view.appendChild(h('div', { class: 'page-head' }, h1, extra));
      if (focus) {
        h1.focus();
      }
      return h1;
    },
    loggedIn(session) {
      setSession(session);
      const next = state.afterLogin && state.afterLogin !== '#/login' ? state.afterLogin : '#/';
      state.afterLogin = '#/';
      navigate(next);
    },
  };
}

async function show() {
  state.leaving.forEach((fn) => { try { fn(); } catch (e) { /* nothing to do */ } });
  state.leaving = [];
  const { path, query } = parseHash();
  const route = routes.find((r) => r.path.test(path));
  const view = document.getElementById('view');
  clearAlerts();
  document.getElementById('nav').classList.remove('open');
  document.getElementById('menu-toggle').setAttribute('aria-expanded', 'false');
  if (!route) {
    clear(view);
    const ctx = context(view, true);
    ctx.heading('Not found');
    view.appendChild(h('p', {}, 'There is no such page in the console. ', h('a', { href: '#/' }, 'Go to the dashboard.')));
    return;
  }
  if (!route.public && !state.session) {
    state.afterLogin = location.hash || '#/';
    location.replace('#/login');
    return;
  }
  if (route.public && state.session && path === '/login') {
    location.replace('#/');
    return;
  }
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.getAttribute('href') === route.nav) {
      a.setAttribute('aria-current', 'page');
    } else {
      a.removeAttribute('aria-current');
    }
  }
  const focus = state.rendered > 0;
  state.rendered += 1;
  clear(view);
  const params = path.match(route.path).slice(1).map(decodeURIComponent);
  try {
    await route.page(view, params, query, context(view, focus));
  } catch (err) {
    showError(err);
  }
}

async function logout() {
  try {
    await api('DELETE', '/api/session');
  } catch (err) {
    if (err.status !== 401) {
      showError(err);
      return;
    }
  }
  setSession(null);
  state.afterLogin = '#/';
  navigate('#/login');
  notify('You are logged out.');
}

async function start() {
  whenUnauthenticated(() => {
    if (state.session) {
      setSession(null);
      state.afterLogin = location.hash || '#/';
      location.replace('#/login');
      setTimeout(() => showError(new Error('Your session has ended: log in again.')), 0);
    }
  });
  document.getElementById('logout').addEventListener('click', logout);
  document.getElementById('skip-link').addEventListener('click', (e) => {
    e.preventDefault();
    const target = document.querySelector('#view h1') || document.getElementById('view');
    target.focus();
  });
  const toggle = document.getElementById('menu-toggle');
  toggle.addEventListener('click', () => {
    const nav = document.getElementById('nav');
    const open = !nav.classList.contains('open');
    nav.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', String(open));
  });
  try {
    setSession(await get('/api/session'));
  } catch (err) {
    if (err.status !== 401) {
      showError(err);
    }
    setSession(null);
  }
  window.addEventListener('hashchange', show);
  await show();
  document.body.dataset.ready = 'true';
}

start();
