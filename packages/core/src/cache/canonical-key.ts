import { createHash } from 'node:crypto';
import type { ChatRequest } from '../spec/chat/chat-request.js';

// Metadata (session, user, tags) and routing hints do not change the answer, so they are left out
// of the key: two users asking the same question share one cached answer.
const IGNORED = new Set(['metadata', 'priority']);

function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.keys(value)
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${canonical((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/** A stable key for "the same request": sorted keys, no metadata, hashed to a short string. */
export function canonicalRequestKey(request: ChatRequest): string {
  const relevant: Record<string, unknown> = {};
  for (const key of Object.keys(request)) {
    if (!IGNORED.has(key)) relevant[key] = (request as unknown as Record<string, unknown>)[key];
  }
  return createHash('sha256').update(canonical(relevant)).digest('base64url');
}
