import { createHash } from 'node:crypto';
import type { ChatRequest } from '../spec/chat/chat-request.js';

// Metadata (session, user, tags) and routing hints do not change the answer, so they are left out
// of the key: two users asking the same question share one cached answer.
const IGNORED = new Set(['metadata', 'priority']);

/** Text written as is between the values being serialized. */
class Raw {
  constructor(readonly text: string) {}
}

// Serialized with a stack of its own, so a caller's deeply nested providerOptions cannot overflow
// the call stack: the key is computed for any request the kernel accepts.
function canonical(root: unknown): string {
  const out: string[] = [];
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (value instanceof Raw) {
      out.push(value.text);
    } else if (value === null || typeof value !== 'object') {
      out.push(JSON.stringify(value) ?? 'null');
    } else if (Array.isArray(value)) {
      pending.push(new Raw(']'));
      for (let index = value.length - 1; index >= 0; index--) {
        pending.push(value[index]);
        if (index > 0) pending.push(new Raw(','));
      }
      pending.push(new Raw('['));
    } else {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      pending.push(new Raw('}'));
      for (let index = keys.length - 1; index >= 0; index--) {
        const key = keys[index] as string;
        pending.push(record[key], new Raw(`${index > 0 ? ',' : ''}${JSON.stringify(key)}:`));
      }
      pending.push(new Raw('{'));
    }
  }
  return out.join('');
}

/** A stable key for "the same request": sorted keys, no metadata, hashed to a short string. */
export function canonicalRequestKey(request: ChatRequest): string {
  const relevant: Record<string, unknown> = {};
  for (const key of Object.keys(request)) {
    if (!IGNORED.has(key)) relevant[key] = (request as unknown as Record<string, unknown>)[key];
  }
  return createHash('sha256').update(canonical(relevant)).digest('base64url');
}
