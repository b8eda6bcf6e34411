import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as core from '../src/index.js';
import {
  AbortedError,
  ConnectionError,
  LoomError,
  MalformedResponseError,
  ModelNotFoundError,
  ProviderCallError,
  type ProviderErrorCode,
  TimeoutError,
  type TimeoutPhase,
} from '../src/index.js';

// The README's error table is what provider authors read and what @loom/provider-utils and
// @loom/testkit implement; these checks keep it from drifting away from core's own error types.

/** The literal members of `ProviderErrorCode`, without its open `string & {}` end. */
type KnownProviderErrorCode = ProviderErrorCode extends infer Code
  ? Code extends string
    ? string extends Code
      ? never
      : Code
    : never
  : never;

// The type checker fails here when ProviderErrorCode gains or loses a member.
const providerErrorCodes: Record<KnownProviderErrorCode, true> = {
  rate_limited: true,
  insufficient_quota: true,
  authentication_failed: true,
  permission_denied: true,
  context_length_exceeded: true,
  content_filter: true,
  provider_unavailable: true,
  bad_request: true,
  provider_error: true,
};

interface TableRow {
  failure: string;
  /** The error class cell as written (it may add a phase or a note). */
  classCell: string;
  classes: string[];
  codes: string[];
  isRetryable: string;
  statusCode: string;
  retryAfterMs: string;
}

const cellsOf = (line: string) =>
  line
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map((cell) => cell.trim());

const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? '');

/** The header and rows of the first table after the "The error table" heading. */
function readErrorTable(markdown: string): { header: string[]; rows: TableRow[] } {
  const lines = markdown.split('\n');
  const heading = lines.indexOf('### The error table');
  if (heading === -1) throw new Error('README.md has no "### The error table" heading');
  const first = lines.findIndex((line, index) => index > heading && line.startsWith('|'));
  const end = lines.findIndex((line, index) => index > first && !line.startsWith('|'));
  const [header = [], , ...body] = lines.slice(first, end).map(cellsOf);
  const rows = body.map((cells): TableRow => {
    const [failure = '', classCell = '', code = '', isRetryable = '', statusCode = ''] = cells;
    return {
      failure,
      classCell,
      classes: ticked(classCell).filter((name) => /^[A-Z]\w+$/.test(name)),
      codes: ticked(code),
      isRetryable,
      statusCode,
      retryAfterMs: cells[5] ?? '',
    };
  });
  return { header, rows };
}

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const { header, rows } = readErrorTable(readme);

/** The error a row's class stands for, as a provider raises it. */
function sampleOf(name: string, row: TableRow): LoomError | undefined {
  switch (name) {
    case 'ProviderCallError':
      return new ProviderCallError({ provider: 'p', message: 'm' });
    case 'ModelNotFoundError':
      // From a provider: the upstream does not serve the model.
      return new ModelNotFoundError({ model: 'm', provider: 'p' });
    case 'ConnectionError':
      return new ConnectionError({ provider: 'p' });
    case 'TimeoutError': {
      const phase = /phase: '([\w-]+)'/.exec(row.classCell)?.[1] as TimeoutPhase | undefined;
      return phase ? new TimeoutError({ phase, timeoutMs: 1, provider: 'p' }) : undefined;
    }
    case 'MalformedResponseError':
      return new MalformedResponseError({ provider: 'p', message: 'm' });
    case 'AbortedError':
      return new AbortedError();
    default:
      return undefined;
  }
}

const leadingBoolean = (cell: string) => /^(true|false)\b/.exec(cell)?.[1];

describe("the README's error table", () => {
  it('has the columns a provider author looks up', () => {
    expect(header).toEqual([
      'upstream failure',
      'error class',
      '`code`',
      '`isRetryable`',
      '`statusCode`',
      '`retryAfterMs`',
    ]);
    expect(rows.length).toBeGreaterThanOrEqual(15);
    for (const row of rows) {
      expect(row.classes, row.failure).not.toEqual([]);
      expect(row.codes, row.failure).not.toEqual([]);
      expect(leadingBoolean(row.isRetryable), row.failure).toBeDefined();
      expect(row.retryAfterMs, row.failure).not.toBe('');
    }
  });

  it('covers every upstream status and transport failure the mapping tells apart', () => {
    const failures = rows.map((row) => row.failure).join('\n');
    for (const status of [400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504]) {
      expect(failures).toContain(String(status));
    }
    for (const words of [
      'context length',
      'insufficient_quota',
      'retry-after-ms',
      'connection refused',
      'reset before headers',
      'non-stream',
      'stream call',
      'idle timeout',
      'end marker',
      'unparseable',
      'inside a stream',
      'aborting',
    ]) {
      expect(failures).toContain(words);
    }
  });

  it('names only error classes that @loom/core exports', () => {
    const exported = core as unknown as Record<string, unknown>;
    for (const name of new Set(rows.flatMap((row) => row.classes))) {
      const value = exported[name];
      expect(typeof value, `${name} is not exported by @loom/core`).toBe('function');
      expect((value as { prototype: unknown }).prototype, name).toBeInstanceOf(LoomError);
    }
  });

  it("names only codes of core's ProviderErrorCode or of the error classes it names", () => {
    const known = new Set<string>(Object.keys(providerErrorCodes));
    for (const row of rows) {
      for (const name of row.classes) {
        const sample = sampleOf(name, row);
        expect(sample, `no sample for ${name} in this test (${row.failure})`).toBeDefined();
        if (sample) known.add(sample.code);
      }
    }
    for (const row of rows) {
      for (const code of row.codes) expect(known, `${code} (${row.failure})`).toContain(code);
    }
  });

  it('states the code, retryability and status that each class other than ProviderCallError fixes', () => {
    for (const row of rows) {
      const fixed = row.classes.filter((name) => name !== 'ProviderCallError');
      for (const name of fixed) {
        const sample = sampleOf(name, row);
        if (!sample) throw new Error(`no sample for ${name}`);
        expect(row.codes, row.failure).toContain(sample.code);
        if (fixed.length !== row.classes.length) continue;
        expect(leadingBoolean(row.isRetryable), row.failure).toBe(String(sample.isRetryable));
        expect(row.statusCode, row.failure).toMatch(new RegExp(`^${sample.statusCode}\\b`));
        // These classes take no retry hint.
        expect(sample.retryAfterMs, name).toBeUndefined();
        expect(row.retryAfterMs, row.failure).toBe('—');
      }
    }
  });

  it("gives a ProviderCallError the upstream's status, or 502 when there was none", () => {
    for (const row of rows.filter((candidate) => candidate.classes.includes('ProviderCallError'))) {
      if (row.classes.length !== 1) continue;
      const statuses = [...row.statusCode.matchAll(/\b\d{3}\b/g)].map((match) => Number(match[0]));
      expect(statuses, row.failure).not.toEqual([]);
      // A bare 502 is the status of a failure without an HTTP answer (in-band, transport).
      if (/^502\b/.test(row.statusCode)) {
        expect(new ProviderCallError({ provider: 'p', message: 'm' }).statusCode).toBe(502);
        continue;
      }
      for (const status of statuses) {
        expect(
          new ProviderCallError({ provider: 'p', message: 'm', upstreamStatus: status }).statusCode,
        ).toBe(status);
      }
    }
  });
});
