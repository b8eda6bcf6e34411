import { capEcho } from '../errors/cap-echo.js';
import { GatewayError } from '../errors/gateway-error.js';
import { isContainer, type JsonStep, JsonWalk, spellPath } from './json-walk.js';

// Spellings of "send this request somewhere else / with this key". Compared after lowercasing
// and dropping `_` and `-`, so `api_base`, `apiBase` and `API-BASE` are one name.
const FORBIDDEN = new Set(['apibase', 'baseurl', 'apikey', 'apiurl', 'endpointurl']);

function normalize(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

// Bodies repeat the same few keys (model, messages, role, content, ...): their verdicts are kept,
// so a request normalizes (two new strings per key) only keys not seen before.
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

/**
 * What part of a body a value is. `data` is the caller's own data, which no provider reads as a
 * setting: tool and response JSON schemas, message content, metadata. A schema may well have a
 * property `api_key`, so these are not searched. Everything else (the top level, `extra_body`,
 * provider options, any member the gateway does not know) is `other` and searched to the end.
 */
type Place =
  | 'body'
  | 'messages'
  | 'message'
  | 'tools'
  | 'tool'
  | 'function'
  | 'format'
  | 'formatSchema'
  | 'other'
  | 'data';

const MEMBERS = new Map<Place, ReadonlyMap<string, Place>>([
  [
    'body',
    new Map<string, Place>([
      ['messages', 'messages'],
      ['tools', 'tools'],
      ['response_format', 'format'],
      ['metadata', 'data'],
    ]),
  ],
  ['message', new Map<string, Place>([['content', 'data']])],
  ['tool', new Map<string, Place>([['function', 'function']])],
  ['function', new Map<string, Place>([['parameters', 'data']])],
  ['format', new Map<string, Place>([['json_schema', 'formatSchema']])],
  ['formatSchema', new Map<string, Place>([['schema', 'data']])],
]);
const ELEMENTS = new Map<Place, Place>([
  ['messages', 'message'],
  ['tools', 'tool'],
]);

/** A forbidden key outside user data (with its path when `trace`), or undefined. */
function search(body: object, trace: boolean): JsonStep | undefined {
  const walk = new JsonWalk<Place>(body, 'body', trace);
  while (walk.next()) {
    const { value, tag } = walk;
    if (Array.isArray(value)) {
      const place = ELEMENTS.get(tag) ?? 'other';
      for (let index = 0; index < value.length; index++) {
        const item: unknown = value[index];
        if (isContainer(item)) walk.push(item, index, place);
      }
      continue;
    }
    const members = MEMBERS.get(tag);
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (isForbidden(key)) return walk.stepTo(key);
      const item = value[key];
      const place = members?.get(key) ?? 'other';
      if (place !== 'data' && isContainer(item)) walk.push(item, key, place);
    }
  }
  return undefined;
}

/**
 * The dotted path of a key that names an upstream URL or key where a provider could
 * take it as a setting, or undefined. User data (tool schemas, message content, metadata) may
 * name such fields freely. The walk loops instead of recursing, so no nesting overflows it.
 */
export function findForbiddenKey(body: unknown): string | undefined {
  if (!isContainer(body) || search(body, false) === undefined) return undefined;
  const step = search(body, true);
  return step ? spellPath(step) : undefined;
}

/**
 * Refuses a body that tries to choose the upstream or its credentials: base URLs and keys come
 * only from the operator's config, so a caller cannot point the gateway (and its provider keys)
 * at a host of its choosing.
 */
export function assertNoRoutingOverride(body: unknown): void {
  const found = findForbiddenKey(body);
  if (found === undefined) return;
  const path = capEcho(found);
  throw new GatewayError({
    status: 400,
    type: 'invalid_request_error',
    param: path,
    code: 'forbidden_parameter',
    message: `'${path}' is not allowed: upstream URLs and keys come only from the gateway's configuration.`,
  });
}
