import type { JSONObject, JSONValue } from '@loom/core';
import { isRecord } from '@loom/provider-utils';

/** A tool call as Ollama sends and takes it: whole, with arguments as an object. */
export interface OllamaToolCall {
  function: { name: string; arguments: JSONObject; index?: number };
}

/** One message of `POST /api/chat`. */
export interface OllamaMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /** Base64 image bytes, no data: prefix. */
  images?: string[];
  tool_calls?: OllamaToolCall[];
  /** For `tool` messages: which tool produced the content. */
  tool_name?: string;
}

/** A function the model may call, in Ollama's (OpenAI-like) shape. */
export interface OllamaTool {
  type: 'function';
  function: { name: string; description?: string; parameters: JSONObject };
}

/** The body of `POST /api/chat`. */
export interface OllamaChatRequest {
  model: string;
  messages: OllamaMessage[];
  tools?: OllamaTool[];
  format?: 'json' | JSONObject;
  options?: Record<string, JSONValue>;
  stream: boolean;
  keep_alive?: JSONValue;
  think?: JSONValue;
}

/** One NDJSON line of `/api/chat` (or the whole non-streamed answer). */
export interface OllamaChatChunk {
  model?: string;
  created_at?: string;
  message?: {
    role?: string;
    content?: string;
    thinking?: string;
    tool_calls?: Array<{ id?: unknown; function?: { name?: unknown; arguments?: unknown } }>;
  };
  done?: boolean;
  done_reason?: string;
  total_duration?: number;
  load_duration?: number;
  prompt_eval_count?: number;
  prompt_eval_duration?: number;
  eval_count?: number;
  eval_duration?: number;
  /** An in-band failure. */
  error?: unknown;
}

/**
 * Checks the fields Loom reads, without copying (this runs once per streamed line). Returns a
 * reason when the value cannot be an `/api/chat` answer.
 */
export function chatChunkProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'a line is not a JSON object';
  if ('error' in value) return undefined;
  const message = value.message;
  if (message !== undefined && message !== null) {
    if (!isRecord(message)) return '"message" is not an object';
    if (message.content !== undefined && typeof message.content !== 'string') {
      return '"message.content" is not a string';
    }
    if (message.tool_calls != null && !Array.isArray(message.tool_calls)) {
      return '"message.tool_calls" is not an array';
    }
  }
  if (value.done !== undefined && typeof value.done !== 'boolean') return '"done" is not a boolean';
  return undefined;
}

/** A non-negative number from the wire, or undefined. */
export function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}
