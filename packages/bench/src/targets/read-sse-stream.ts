import { nowMs } from '../clock.js';
import { StreamBrokenError } from './bench-errors.js';
import { SseParser } from './sse-parser.js';

interface StreamChunk {
  choices?: Array<{
    delta?: { content?: unknown; reasoning_content?: unknown; tool_calls?: unknown };
  }>;
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
  error?: { message?: unknown; code?: unknown };
}

/** What reading an OpenAI SSE stream observed. */
export interface SseStreamReport {
  firstTokenAt?: number;
  tokenGapsMs: number[];
  inputTokens: number;
  outputTokens: number;
}

/**
 * Reads an OpenAI chat-completions SSE body to its end, timing every chunk that carries content
 * (text, reasoning or a tool-call piece). Rejects on an in-band `error` object, a chunk that is
 * not JSON, or an end without `data: [DONE]`, so a cut stream never counts as a success.
 */
export async function readSseStream(
  body: AsyncIterable<Buffer | string>,
): Promise<SseStreamReport> {
  const report: SseStreamReport = { tokenGapsMs: [], inputTokens: 0, outputTokens: 0 };
  let contentChunks = 0;
  let lastTokenAt = 0;
  let done = false;
  let failure: Error | undefined;
  const parser = new SseParser((data) => {
    if (done || failure) return;
    if (data === '[DONE]') {
      done = true;
      return;
    }
    let chunk: StreamChunk;
    try {
      chunk = JSON.parse(data) as StreamChunk;
    } catch {
      failure = new StreamBrokenError('malformed_chunk', `chunk is not JSON: ${data.slice(0, 80)}`);
      return;
    }
    if (chunk.error) {
      const message = typeof chunk.error.message === 'string' ? chunk.error.message : 'error';
      failure = new StreamBrokenError('stream_error', `in-band stream error: ${message}`);
      return;
    }
    if (hasContent(chunk)) {
      const at = nowMs();
      if (report.firstTokenAt === undefined) report.firstTokenAt = at;
      else report.tokenGapsMs.push(at - lastTokenAt);
      lastTokenAt = at;
      contentChunks += 1;
    }
    if (chunk.usage) {
      report.inputTokens = numberOf(chunk.usage.prompt_tokens);
      report.outputTokens = numberOf(chunk.usage.completion_tokens);
    }
  });
  const decoder = new TextDecoder();
  try {
    for await (const piece of body) {
      parser.feed(typeof piece === 'string' ? piece : decoder.decode(piece, { stream: true }));
      if (failure) break;
    }
  } catch (error) {
    // The socket closed after the headers: the stream was cut, whatever the transport says.
    throw new StreamBrokenError('stream_cut', `stream cut: ${(error as Error).message}`);
  }
  parser.feed(decoder.decode());
  parser.end();
  if (failure) throw failure;
  if (!done) throw new StreamBrokenError('stream_cut', 'stream ended without data: [DONE]');
  // Without a usage chunk, one content chunk is about one token.
  if (report.outputTokens === 0) report.outputTokens = contentChunks;
  return report;
}

function hasContent(chunk: StreamChunk): boolean {
  const delta = chunk.choices?.[0]?.delta;
  if (!delta) return false;
  return (
    (typeof delta.content === 'string' && delta.content.length > 0) ||
    (typeof delta.reasoning_content === 'string' && delta.reasoning_content.length > 0) ||
    (Array.isArray(delta.tool_calls) && delta.tool_calls.length > 0)
  );
}

function numberOf(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
