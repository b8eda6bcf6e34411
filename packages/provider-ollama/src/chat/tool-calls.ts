import { randomBytes } from 'node:crypto';
import type { ToolCall } from '@loom/core';

/** A fresh call id: Ollama's docs show none, and Loom's tool messages answer calls by id. */
export function newToolCallId(): string {
  return `call_${randomBytes(12).toString('hex')}`;
}

/**
 * One of Ollama's whole tool calls as Loom's, or undefined when it has no name. An id the server
 * sends (newer versions do) is kept; otherwise one is made.
 */
export function toToolCall(raw: unknown): ToolCall | undefined {
  const wire = raw as { id?: unknown; function?: { name?: unknown; arguments?: unknown } } | null;
  const call = wire?.function;
  if (typeof call?.name !== 'string' || call.name === '') return undefined;
  const values = call.arguments;
  // Ollama sends an object; a server that sends JSON text already has Loom's shape.
  const text = typeof values === 'string' ? values : JSON.stringify(values ?? {});
  const id = typeof wire?.id === 'string' && wire.id !== '' ? wire.id : newToolCallId();
  return { id, name: call.name, arguments: text };
}
