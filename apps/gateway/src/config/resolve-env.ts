import type { ConfigIssue } from './config-error.js';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const WHOLE_REFERENCE = /^\$\{[A-Za-z_][A-Za-z0-9_]*(?::-[^}]*)?\}$/;
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * `port: ${PORT}` is a string to YAML. Where the schema wants a number or a boolean and the value
 * was one reference alone, the resolved text is read as one (a digits-only secret stays a string
 * where a string is expected). Returns the value changed at `path`, or undefined.
 */
export function coerceReference(
  resolved: unknown,
  path: readonly (string | number)[],
  expected: string,
): unknown {
  let parent: unknown = resolved;
  for (const key of path.slice(0, -1)) parent = (parent as Record<string, unknown>)?.[key];
  const last = path[path.length - 1];
  if (last === undefined || typeof parent !== 'object' || parent === null) return undefined;
  const text = (parent as Record<string | number, unknown>)[last];
  if (typeof text !== 'string') return undefined;
  let value: unknown;
  if (expected === 'number' && NUMBER.test(text)) value = Number(text);
  else if (expected === 'boolean' && (text === 'true' || text === 'false')) value = text === 'true';
  if (value !== undefined) (parent as Record<string | number, unknown>)[last] = value;
  return value;
}

/**
 * Replaces `${NAME}` (and `${NAME:-fallback}`) in every string of a parsed config with the
 * environment's value. A missing variable is an issue naming it and where it was used; values
 * are never put in messages, since they are usually secrets.
 */
export function resolveEnv(
  value: unknown,
  environment: NodeJS.ProcessEnv,
  issues: ConfigIssue[],
  path = '',
  whole?: Set<string>,
): unknown {
  if (typeof value === 'string') {
    if (whole && WHOLE_REFERENCE.test(value)) whole.add(path);
    return value.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
      const found = environment[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      issues.push({ path, message: `environment variable ${name} is not set` });
      return '';
    });
  }
  if (Array.isArray(value)) {
    return value.map((item, index) =>
      resolveEnv(item, environment, issues, join(path, index), whole),
    );
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        resolveEnv(item, environment, issues, join(path, key), whole),
      ]),
    );
  }
  return value;
}

function join(path: string, key: string | number): string {
  return path ? `${path}.${key}` : String(key);
}
