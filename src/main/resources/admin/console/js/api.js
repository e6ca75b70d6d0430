// The admin API as the console uses it: JSON in and out, the session cookie sent by the browser,
// and the session's CSRF token in X-CSRF-Token on every request that changes something.

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let csrfToken = null;
let onUnauthenticated = () => {};

/** The CSRF token from the login answer or GET /api/session; the tern_csrf cookie otherwise. */
export function setCsrfToken(token) {
  csrfToken = token || null;
}

function csrf() {
  if (csrfToken) {
    return csrfToken;
  }
  const cookie = document.cookie.split(';').map((c) => c.trim()).find((c) => c.startsWith('tern_csrf='));
  return cookie ? decodeURIComponent(cookie.substring('tern_csrf='.length)) : null;
}

/** Called when the server answers 401 to a request other than the login: the session is over. */
export function whenUnauthenticated(handler) {
  onUnauthenticated = handler;
}

/**
 * Sends a request and answers the parsed JSON body (null for 204). Throws an ApiError with the
 * server's code and message for an error answer, and one with code "network" when no answer came.
 */
export async function api(method, path, body, options = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD') {
    const token = csrf();
    if (token) {
      headers['X-CSRF-Token'] = token;
    }
  }
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'network', 'The server could not be reached. Check that Tern is running, then try again.');
  }
  let data = null;
  const type = response.headers.get('Content-Type') || '';
  if (response.status !== 204 && type.startsWith('application/json')) {
    try {
      data = await response.json();
    } catch (e) {
      data = null;
    }
  }
  if (!response.ok) {
    const error = data && data.error ? data.error : {};
    const err = new ApiError(response.status, error.code || 'http_' + response.status,
      error.message || `The server answered ${response.status} ${response.statusText}`.trim());
    if (response.status === 401 && !options.login) {
      onUnauthenticated(err);
    }
    throw err;
  }
  return data;
}

export const get = (path) => api('GET', path);
export const post = (path, body) => api('POST', path, body);
export const put = (path, body) => api('PUT', path, body);
export const patch = (path, body) => api('PATCH', path, body);
export const del = (path) => api('DELETE', path);

/** A path segment, escaped (addresses and domains go into paths). */
export const seg = (s) => encodeURIComponent(s);

/** A query string from the non-empty values of an object, with its leading "?" (or ""). */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') {
      q.set(k, v);
    }
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
