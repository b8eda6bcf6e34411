import { GatewayError } from '../errors/gateway-error.js';

// Spellings of "send this request somewhere else / with this key". Compared after lowercasing
// and dropping `_` and `-`, so `api_base`, `apiBase` and `API-BASE` are one name.
const FORBIDDEN = new Set(['apibase', 'baseurl', 'apikey', 'apiurl', 'endpointurl']);

function normalize(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

/** The dotted path of the first forbidden key anywhere in `value`, or undefined. */
export function findForbiddenKey(value: unknown, path = ''): string | undefined {
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findForbiddenKey(item, path ? `${path}.${index}` : String(index));
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const here = path ? `${path}.${key}` : key;
    if (FORBIDDEN.has(normalize(key))) return here;
    const found = findForbiddenKey(item, here);
    if (found) return found;
  }
  return undefined;
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
