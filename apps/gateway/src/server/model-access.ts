import { GatewayError } from '../errors/gateway-error.js';
import type { GatewayKeyIdentity } from './api-keys.js';

/**
 * A test for the models a key may use: each pattern an alias or `provider/model` as requests name
 * them, where `*` stands for any run of characters (`chat-*`, `local/*`).
 */
export function modelMatcher(patterns: readonly string[]): (model: string) => boolean {
  const exact = new Set(patterns.filter((pattern) => !pattern.includes('*')));
  const globs = patterns
    .filter((pattern) => pattern.includes('*'))
    .map(
      (pattern) =>
        new RegExp(`^${pattern.split('*').map(escapeRegExp).join('.*')}$`, 'u') as RegExp,
    );
  return (model) => exact.has(model) || globs.some((glob) => glob.test(model));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Refuses a model the caller's key may not use with a 403 naming the key and the model. */
export function assertModelAllowed(caller: GatewayKeyIdentity | undefined, model: string): void {
  if (!caller?.allowsModel || caller.allowsModel(model)) return;
  throw new GatewayError({
    status: 403,
    type: 'permission_error',
    code: 'model_not_allowed',
    param: 'model',
    message: `The gateway key '${caller.name}' may not use the model '${model}'.`,
  });
}
