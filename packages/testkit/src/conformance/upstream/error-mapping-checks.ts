import type { ChatRequest, ProviderV1 } from '@loom/core';
import type { Fault } from '../../upstreams/simulated-upstream.js';
import { attempt, type ConformanceCheck, rejectWithin } from '../check.js';
import { callContext, readStream } from '../provider-harness.js';
import { type ExpectedError, expectMappedError } from './expect-mapped-error.js';
import {
  type UpstreamConformanceOptions,
  upstreamRequest,
  withUpstream,
} from './upstream-harness.js';
import type { WireErrorBodies } from './wire-error-bodies.js';

/** One row of the error-mapping table: an upstream answer and the error it must become. */
interface MappingRow {
  /** What the upstream does, for the check name. */
  outcome: string;
  /** Made when the check runs (an HTTP date must be fresh); absent for the unknown-model row. */
  fault?: () => Fault;
  /** A model the upstream does not serve, instead of a fault. */
  unknownModel?: boolean;
  expected: ExpectedError;
}

const status =
  (code: number, extra: Partial<Extract<Fault, { type: 'status' }>> = {}) =>
  () =>
    ({ type: 'status', status: code, ...extra }) as Fault;

const call = (code: string, isRetryable: boolean, statusCode: number): ExpectedError => ({
  kind: 'ProviderCallError',
  code,
  isRetryable,
  statusCode,
});

/** The row `make` builds from `body`, or no row when the wire gave no such body. */
const whenBody = (body: unknown, make: (body: unknown) => MappingRow): MappingRow[] =>
  body === undefined ? [] : [make(body)];

/**
 * The rows of the brief's error-mapping table that a status answer or a model produces; the
 * rows that depend on the wire's own words come only with the wire's body for them.
 */
function mappingRows(bodies: WireErrorBodies): MappingRow[] {
  const rateLimited = (retryAfterMs: ExpectedError['retryAfterMs']) => ({
    ...call('rate_limited', true, 429),
    retryAfterMs,
  });
  return [
    { outcome: '400', fault: status(400), expected: call('bad_request', false, 400) },
    { outcome: '413', fault: status(413), expected: call('bad_request', false, 413) },
    { outcome: '422', fault: status(422), expected: call('bad_request', false, 422) },
    ...whenBody(bodies.contextLength, (body) => ({
      outcome: '400 context length exceeded',
      fault: status(400, { body }),
      expected: call('context_length_exceeded', false, 400),
    })),
    {
      outcome: '401',
      fault: status(401, { body: bodies.unauthorized }),
      expected: call('authentication_failed', true, 401),
    },
    { outcome: '403', fault: status(403), expected: call('permission_denied', true, 403) },
    {
      outcome: '404 for an unknown model',
      unknownModel: true,
      expected: {
        kind: 'ModelNotFoundError',
        code: 'model_not_found',
        isRetryable: true,
        provider: true,
      },
    },
    { outcome: '408', fault: status(408), expected: call('provider_error', true, 408) },
    { outcome: '409', fault: status(409), expected: call('provider_error', true, 409) },
    {
      outcome: '429 with Retry-After: 2',
      fault: status(429, { headers: { 'retry-after': '2' } }),
      expected: rateLimited(2_000),
    },
    {
      outcome: '429 with Retry-After as an HTTP date 3 s ahead',
      fault: () =>
        status(429, { headers: { 'retry-after': new Date(Date.now() + 3_000).toUTCString() } })(),
      // HTTP dates have whole seconds: anything from just under 2 s to 3 s is right.
      expected: rateLimited({ min: 500, max: 4_000 }),
    },
    {
      outcome: '429 with retry-after-ms: 1500 and Retry-After: 5',
      fault: status(429, { headers: { 'retry-after-ms': '1500', 'retry-after': '5' } }),
      expected: rateLimited(1_500),
    },
    { outcome: '500', fault: status(500), expected: call('provider_error', true, 500) },
    { outcome: '502', fault: status(502), expected: call('provider_error', true, 502) },
    { outcome: '504', fault: status(504), expected: call('provider_error', true, 504) },
    {
      outcome: '503 with Retry-After: 3',
      fault: status(503, { headers: { 'retry-after': '3' } }),
      expected: { ...call('provider_unavailable', true, 503), retryAfterMs: 3_000 },
    },
    ...whenBody(bodies.insufficientQuota, (body) => ({
      outcome: '429 insufficient_quota',
      fault: status(429, { body }),
      expected: { ...call('insufficient_quota', true, 429), retryAfterMs: 'absent' as const },
    })),
  ];
}

/** Runs the chat and the stream against the same faulty upstream; both must map the same. */
async function expectBoth(provider: ProviderV1, request: ChatRequest, row: MappingRow) {
  for (const operation of ['doChat', 'doStream'] as const) {
    const signal = AbortSignal.timeout(10_000);
    const pending =
      operation === 'doChat'
        ? attempt(() => provider.doChat(request, callContext(signal)))
        : readStream(provider, request, signal);
    const what = `${operation}() against an upstream answering ${row.outcome}`;
    const reason = await rejectWithin(pending, 10_000, what);
    expectMappedError(reason, row.expected, what);
  }
}

/** One check per row of the error-mapping table, each on a fresh simulator. */
export function errorMappingChecks(upstream: UpstreamConformanceOptions): ConformanceCheck[] {
  return mappingRows(upstream.errorBodies ?? {}).map((row) => ({
    name: `maps an upstream ${row.outcome} to ${row.expected.kind}${row.expected.code ? ` ${row.expected.code}` : ''}`,
    run: () => {
      const rules = row.fault ? [{ fault: row.fault() }] : [];
      return withUpstream(upstream, { rules }, async (provider) => {
        const request = upstreamRequest(upstream);
        if (row.unknownModel) request.model = 'loom-conformance-unknown-model';
        await expectBoth(provider, request, row);
      });
    },
  }));
}
