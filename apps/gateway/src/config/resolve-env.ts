import type { ConfigIssue } from './config-error.js';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

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
): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (_match, name: string, fallback: string | undefined) => {
      const found = environment[name];
      if (found !== undefined && found !== '') return found;
      if (fallback !== undefined) return fallback;
      issues.push({ path, message: `environment variable ${name} is not set` });
      return '';
    });
  }
  if (Array.isArray(value)) {
    return value.map((item, index) => resolveEnv(item, environment, issues, join(path, index)));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        resolveEnv(item, environment, issues, join(path, key)),
      ]),
    );
  }
  return value;
}

function join(path: string, key: string | number): string {
  return path ? `${path}.${key}` : String(key);
}
