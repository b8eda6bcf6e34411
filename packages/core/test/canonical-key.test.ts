import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../src/index.js';
import { canonicalRequestKey } from '../src/index.js';

// The plain recursive form the key has always had: the iterative one must give the same text.
function reference(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  const record = value as Record<string, unknown>;
  const entries = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${reference(record[key])}`);
  return `{${entries.join(',')}}`;
}

const referenceKey = (request: ChatRequest) => {
  const { metadata: _metadata, priority: _priority, ...relevant } = request;
  return createHash('sha256').update(reference(relevant)).digest('base64url');
};

const request: ChatRequest = {
  model: 'chat',
  messages: [
    { role: 'system', content: 'be brief' },
    { role: 'user', content: [{ type: 'text', text: 'hi "there"' }] },
  ],
  temperature: 0,
  stop: ['\n', 'END'],
  tools: [
    {
      type: 'function',
      name: 'f',
      description: 'd',
      parameters: { type: 'object', properties: {} },
    },
  ],
  providerOptions: { openai: { logit_bias: { '50256': -100 }, empty: [], nested: [[1, null]] } },
  metadata: { user: 'u1' },
};

describe('canonicalRequestKey', () => {
  it('gives the key the recursive serialization gives', () => {
    expect(canonicalRequestKey(request)).toBe(referenceKey(request));
  });

  it('ignores key order, undefined fields and metadata; sees everything else', () => {
    const shuffled = { temperature: 0, ...request, metadata: { user: 'u2' }, seed: undefined };
    expect(canonicalRequestKey(shuffled)).toBe(canonicalRequestKey(request));
    expect(canonicalRequestKey({ ...request, temperature: 1 })).not.toBe(
      canonicalRequestKey(request),
    );
  });

  it('keys a request nested 20,000 levels deep without overflowing the stack', () => {
    let nested: Record<string, unknown> = { leaf: true };
    for (let level = 0; level < 20_000; level++) nested = { a: nested };
    const deep = { ...request, providerOptions: { openai: nested as never } };
    expect(canonicalRequestKey(deep)).toMatch(/^[\w-]{43}$/);
  });
});
