import type { Deployment } from '@loom/core';
import type { Headers } from './send.js';

/** The `x-loom-*` headers that say where a request was served. */
export function loomHeaders(options: {
  requestId: string;
  deployment?: Deployment;
  attempts?: number;
  cached?: boolean;
  /** What the request cost, micro-dollars; sent as `x-loom-cost-usd`. */
  costMicros?: number | undefined;
}): Headers {
  const headers: Headers = { 'x-loom-request-id': options.requestId };
  if (options.deployment) {
    headers['x-loom-provider'] = options.deployment.providerId;
    headers['x-loom-model'] = options.deployment.model;
  }
  if (options.attempts !== undefined) headers['x-loom-attempts'] = options.attempts;
  if (options.cached !== undefined) headers['x-loom-cache'] = options.cached ? 'hit' : 'miss';
  if (options.costMicros !== undefined)
    headers['x-loom-cost-usd'] = (options.costMicros / 1e6).toFixed(6);
  return headers;
}
