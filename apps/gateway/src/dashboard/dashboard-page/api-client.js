// Reads the gateway's JSON API. A gateway API key, when the operator turned keys on, comes from
// the URL fragment (`#key=...`, never sent to the server in the URL) or the key form, and is kept
// for this tab only.

const STORAGE_KEY = 'loom-dashboard-key';

/** Thrown when the gateway wants a (different) API key. */
export class NeedsKeyError extends Error {
  constructor(path) {
    super(`${path} needs a gateway API key`);
    this.name = 'NeedsKeyError';
  }
}

function keyFromFragment() {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const key = fragment.get('key');
  if (!key) return null;
  // Drop the key from the address bar and history once it is stored.
  history.replaceState(null, '', window.location.pathname + window.location.search);
  return key;
}

/** The key in use, if any. */
let apiKey = keyFromFragment() ?? sessionStorage.getItem(STORAGE_KEY);
if (apiKey) sessionStorage.setItem(STORAGE_KEY, apiKey);

/** Sets the key the next requests send. */
export function useKey(key) {
  apiKey = key;
  sessionStorage.setItem(STORAGE_KEY, key);
}

/** A non-2xx answer other than 401: its status and the API's own message (`error.message`). */
export class ApiError extends Error {
  constructor(path, status, detail) {
    super(`${path}: HTTP ${status}${detail ? ` (${detail})` : ''}`);
    this.name = 'ApiError';
    this.status = status;
    this.detail = detail;
  }
}

/** GETs `path` asking for `accept`; throws `NeedsKeyError` on 401, `ApiError` on other failures. */
async function get(path, accept) {
  const headers = { accept };
  if (apiKey) headers.authorization = `Bearer ${apiKey}`;
  const response = await fetch(path, { headers, cache: 'no-store' });
  if (response.status === 401) throw new NeedsKeyError(path);
  if (!response.ok) {
    let detail = '';
    try {
      detail = (await response.json())?.error?.message ?? '';
    } catch {
      // Not JSON: the status alone says enough.
    }
    throw new ApiError(path, response.status, detail);
  }
  return response;
}

/** GETs `path` and parses its JSON. */
export async function getJson(path) {
  return (await get(path, 'application/json')).json();
}

/** GETs `path` as text of the type `accept` (the report's Markdown). */
export async function getText(path, accept) {
  return (await get(path, accept)).text();
}

/** Like `getJson`, but a 404 (an API the gateway does not mount) resolves to null. */
export async function getOptionalJson(path) {
  try {
    return await getJson(path);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return null;
    throw error;
  }
}
