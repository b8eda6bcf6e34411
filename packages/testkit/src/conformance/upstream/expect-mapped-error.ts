import {
  ConnectionError,
  LoomError,
  MalformedResponseError,
  ModelNotFoundError,
  ProviderCallError,
  TimeoutError,
  type TimeoutPhase,
} from '@loom/core';
import { fail } from '../check.js';

const CLASSES = {
  LoomError,
  ProviderCallError,
  ModelNotFoundError,
  ConnectionError,
  TimeoutError,
  MalformedResponseError,
} as const;

/** What a provider must throw for one upstream outcome (the error-mapping table of the brief). */
export interface ExpectedError {
  /** The LoomError class (checked with its `isInstance`, so duplicate core copies pass). */
  kind: keyof typeof CLASSES;
  /** The `code`, or any of these codes. */
  code?: string | readonly string[];
  isRetryable: boolean;
  statusCode?: number;
  /** An exact value, a range, or `absent` (no hint may be set). */
  retryAfterMs?: number | { min: number; max: number } | 'absent';
  phase?: TimeoutPhase;
  /** The error must name the provider (`provider` set). */
  provider?: boolean;
}

function describeExpected(expected: ExpectedError): string {
  const parts: string[] = [expected.kind];
  if (expected.code !== undefined) {
    const codes = typeof expected.code === 'string' ? [expected.code] : expected.code;
    parts.push(`code ${codes.join(' or ')}`);
  }
  parts.push(`isRetryable ${expected.isRetryable}`);
  if (expected.statusCode !== undefined) parts.push(`statusCode ${expected.statusCode}`);
  const hint = expected.retryAfterMs;
  if (typeof hint === 'number') parts.push(`retryAfterMs ${hint}`);
  else if (hint === 'absent') parts.push('no retryAfterMs');
  else if (hint) parts.push(`retryAfterMs between ${hint.min} and ${hint.max}`);
  if (expected.phase) parts.push(`phase ${expected.phase}`);
  if (expected.provider) parts.push('provider set');
  return parts.join(', ');
}

/** A thrown value, in the terms `describeExpected` uses; never its headers or cause. */
export function describeGot(reason: unknown): string {
  if (!LoomError.isInstance(reason)) {
    const text = reason instanceof Error ? `${reason.name}: ${reason.message}` : String(reason);
    return `${text.slice(0, 300)} (not a LoomError)`;
  }
  const phase = TimeoutError.isInstance(reason) ? `, phase ${reason.phase}` : '';
  return `${reason.name} code ${reason.code}, isRetryable ${reason.isRetryable}, statusCode ${reason.statusCode}, retryAfterMs ${reason.retryAfterMs}${phase}, provider ${reason.provider} (message: ${reason.message.slice(0, 200)})`;
}

function hintMatches(expected: ExpectedError['retryAfterMs'], actual: number | undefined) {
  if (expected === undefined) return true;
  if (expected === 'absent') return actual === undefined;
  if (typeof expected === 'number') return actual === expected;
  return actual !== undefined && actual >= expected.min && actual <= expected.max;
}

/** Why `reason` is not the error `expected` describes, or undefined when it is. */
function mismatchOf(reason: unknown, expected: ExpectedError): string | undefined {
  if (!CLASSES[expected.kind].isInstance(reason)) return `not a ${expected.kind}`;
  const error = reason as LoomError;
  const codes = typeof expected.code === 'string' ? [expected.code] : expected.code;
  if (codes && !codes.includes(error.code)) return 'another code';
  if (error.isRetryable !== expected.isRetryable) return 'another isRetryable';
  if (expected.statusCode !== undefined && error.statusCode !== expected.statusCode) {
    return 'another statusCode';
  }
  if (!hintMatches(expected.retryAfterMs, error.retryAfterMs)) return 'another retryAfterMs';
  if (expected.phase && (reason as TimeoutError).phase !== expected.phase) return 'another phase';
  if (expected.provider && !error.provider) return 'no provider';
  return undefined;
}

/** Fails with "expected ...; got ..." unless `reason` is the error `expected` describes. */
export function expectMappedError(reason: unknown, expected: ExpectedError, what: string): void {
  const mismatch = mismatchOf(reason, expected);
  if (mismatch === undefined) return;
  fail(
    `${what}: expected ${describeExpected(expected)}; got ${describeGot(reason)} [${mismatch}].`,
  );
}
