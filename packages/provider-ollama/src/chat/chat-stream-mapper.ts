import {
  type ChatRequest,
  type ChatStreamPart,
  type FinishPart,
  MalformedResponseError,
} from '@loom/core';
import type { Redact } from '../errors/redactor.js';
import { chatUsage } from '../usage/ollama-usage.js';
import { toFinishReason } from './finish-reason.js';
import { providerMetadata, reportedCounts } from './from-ollama-response.js';
import { inBandError } from './in-band-error.js';
import { chatChunkProblem, type OllamaChatChunk } from './ollama-wire.js';
import { toToolCall } from './tool-calls.js';

/**
 * Turns `/api/chat` NDJSON lines into stream parts, one line at a time: text and thinking
 * deltas, each whole tool call as one tool-call delta (with a generated id), and after the
 * `"done":true` line, a finish part with usage and `providerMetadata.ollama`.
 */
export class ChatStreamMapper {
  private started = false;
  private final: OllamaChatChunk | undefined;
  private toolCalls = 0;
  private generated = '';
  private thinking = '';

  constructor(
    private readonly request: ChatRequest,
    private readonly provider: string,
    private readonly redact: Redact,
  ) {}

  /** True once the final line was seen; later lines are ignored. */
  get done(): boolean {
    return this.final !== undefined;
  }

  /** The parts one line yields; throws for an in-band error or a line that is not a chunk. */
  push(line: string): ChatStreamPart[] {
    if (this.final) return [];
    let chunk: unknown;
    try {
      chunk = JSON.parse(line);
    } catch {
      throw this.malformed('a line of the NDJSON stream is not valid JSON');
    }
    const problem = chatChunkProblem(chunk);
    if (problem) throw this.malformed(problem);
    const data = chunk as OllamaChatChunk;
    if (data.error !== undefined) throw inBandError(this.provider, data.error, this.redact);
    const parts: ChatStreamPart[] = [];
    if (!this.started) {
      this.started = true;
      if (typeof data.model === 'string' && data.model) {
        parts.push({ type: 'response-metadata', model: data.model });
      }
    }
    this.messageParts(data, parts);
    if (data.done === true) this.final = data;
    return parts;
  }

  private messageParts(data: OllamaChatChunk, parts: ChatStreamPart[]): void {
    const message = data.message;
    if (!message) return;
    if (message.thinking) {
      this.thinking += message.thinking;
      parts.push({ type: 'reasoning-delta', delta: message.thinking });
    }
    if (message.content) {
      this.generated += message.content;
      parts.push({ type: 'text-delta', delta: message.content });
    }
    for (const raw of message.tool_calls ?? []) {
      const call = toToolCall(raw);
      if (!call) continue;
      this.generated += `${call.name}${call.arguments}`;
      parts.push({
        type: 'tool-call-delta',
        index: this.toolCalls++,
        id: call.id,
        name: call.name,
        argumentsDelta: call.arguments,
      });
    }
  }

  /** The finish part; only after the final line (a stream without one was cut). */
  async finish(): Promise<FinishPart> {
    const final = this.final;
    if (!final) {
      throw this.malformed('the stream ended before its final line ("done": true); it was cut');
    }
    const counts = reportedCounts(final);
    const generated = this.thinking + this.generated;
    return {
      type: 'finish',
      finishReason: toFinishReason(final.done_reason, this.toolCalls > 0),
      usage: await chatUsage(this.request, generated, counts),
      // The thinking text already went out as reasoning deltas.
      providerMetadata: providerMetadata(final, ''),
    };
  }

  private malformed(message: string): MalformedResponseError {
    return new MalformedResponseError({
      provider: this.provider,
      message: `/api/chat: ${message}`,
    });
  }
}
