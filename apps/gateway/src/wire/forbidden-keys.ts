import { GatewayError } from '../errors/gateway-error.js';

// Spellings of "send this request somewhere else / with this key". Compared after lowercasing
// and dropping `_` and `-`, so `api_base`, `apiBase` and `API-BASE` are one name.
const FORBIDDEN = new Set(['apibase', 'baseurl', 'apikey', 'apiurl', 'endpointurl']);

function normalize(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

// Bodies repeat the same few keys (model, messages, role, content, ...): their verdicts are kept,
// so a request normalizes (two new strings per key, ~1 KB a request) only keys not seen before.
// Bounded in count and key length, so odd bodies cannot grow it without limit.
const verdicts = new Map<string, boolean>();
const MAX_VERDICTS = 1024;
const MAX_REMEMBERED_KEY = 64;

function isForbidden(key: string): boolean {
  let verdict = verdicts.get(key);
  if (verdict === undefined) {
    verdict = FORBIDDEN.has(normalize(key));
    if (verdicts.size < MAX_VERDICTS && key.length <= MAX_REMEMBERED_KEY)
      verdicts.set(key, verdict);
  }
  return verdict;
}

/** The dotted path of the first forbidden key anywhere in `value`, or undefined. */
export function findForbiddenKey(value: unknown, path = ''): string | undefined {
  // The way down is kept as a list and spelled out only when a forbidden key is found: building
  // every key's dotted path (and `entries()` pairs) on the way cost ~1.5 KB per request.
  const trail: Array<string | number> = [];
  return search(value, trail) ? spell(path, trail) : undefined;
}

/** True when `value` holds a forbidden key; `trail` then leads to it. */
function search(value: unknown, trail: Array<string | number>): boolean {
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      trail.push(index);
      if (search(value[index], trail)) return true;
      trail.pop();
    }
    return false;
  }
  if (typeof value !== 'object' || value === null) return false;
  const object = value as Record<string, unknown>;
  for (const key in object) {
    if (!Object.hasOwn(object, key)) continue;
    trail.push(key);
    if (isForbidden(key) || search(object[key], trail)) return true;
    trail.pop();
  }
  return false;
}

/** `path` and the trail joined with dots, as `a.0.apiKey`; an empty start adds no dot. */
function spell(path: string, trail: ReadonlyArray<string | number>): string {
  let spelled = path;
  for (const step of trail) spelled = spelled ? `${spelled}.${step}` : String(step);
  return spelled;
}

/**
 * Refuses a body that tries to choose the upstream or its credentials: base URLs and keys come
 * only from the operator's config, so a caller cannot point the gateway (and its provider keys)
 * at a host of its choosing.
 */
export function assertNoRoutingOverride(body: unknown): void {
  const path = findForbiddenKey(body);
  if (path === undefined) return;
  throw new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    param: path,
    code: 'forbidden_parameter',
    message: `'${path}' is not allowed: upstream URLs and keys come only from the gateway's configuration.`,
  });
}
