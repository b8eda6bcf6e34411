import type { Deployment, Usage } from '@loom/core';
import type { AccessRecord } from '../logging/access-record.js';

/** Notes where a request was served, for the access line. */
export function recordServed(
  record: AccessRecord,
  served: { deployment?: Deployment; attempts?: number; cached?: boolean },
): void {
  if (served.deployment) {
    record.provider = served.deployment.providerId;
    record.model = served.deployment.model;
  }
  if (served.attempts !== undefined) record.attempts = served.attempts;
  if (served.cached !== undefined) record.cache = served.cached ? 'hit' : 'miss';
}

/** Notes the tokens used; they are also what the caller's tokens-per-minute limit is charged. */
export function recordUsage(record: AccessRecord, usage: Usage): void {
  record.tokens = {
    input: usage.inputTokens,
    output: usage.outputTokens,
    total: usage.totalTokens || usage.inputTokens + usage.outputTokens,
  };
}
