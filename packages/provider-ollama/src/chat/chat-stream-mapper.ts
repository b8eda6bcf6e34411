import {
  type ChatRequest,
  type ChatStreamPart,
  type FinishPart,
  MalformedResponseError,
} from '@loom/core';
import type { NdjsonMapper, TokenCounter } from '@loom/provider-utils';
import { chatUsage } from '../usage/ollama-usage.js';
import { toFinishReason } from './finish-reason.js';
import { providerMetadata, reportedCounts } from './from-ollama-response.js';
import { inBandError } from './in-band-error.js';
import { chatChunkProblem, type OllamaChatChunk } from './ollama-wire.js';
import { toToolCall } from './tool-calls.js';

/** What a chat stream is mapped with. */
export interface ChatStreamOptions {
  request: ChatRequest;
  provider: string;
  /** Credentials to keep out of error messages. */
  secrets: readonly string[];
  /** Counts tokens for the usage estimate when the final line lacks Ollama's counts. */
  count: TokenCounter;
  /** Called once the final line arrived. */
  onDone?: () => void;
}

/**
 * Turns `/api/chat` NDJSON lines (parsed by `readNdjsonStream`) into stream parts: text and
 * thinking deltas, each whole tool call as one tool-call delta (with a generated id), and at the
 * `"done": true` line, a finish part with usage and `providerMetadata.ollama`.
 */
export class ChatStreamMapper implements NdjsonMapper {
  private started = false;
  private done = false;
  private toolCalls = 0;
  private generated = '';
  private thinking = '';

  constructor(private readonly options: ChatStreamOptions) {}

  /** Maps one line; true at the final line. Throws for an in-band error or a line that is no chunk. */
  accept(line: unknown, out: ChatStreamPart[]): boolean {
    if (this.done) return true;
    const { provider } = this.options;
    const problem = chatChunkProblem(line);
    if (problem) throw new MalformedResponseError({ provider, message: `/api/chat: ${problem}` });
    const data = line as OllamaChatChunk;
    if (data.error !== undefined) throw inBandError(provider, data.error, this.options.secrets);
    if (!this.started) {
      this.started = true;
      if (typeof data.model === 'string' && data.model) {
        out.push({ type: 'response-metadata', model: data.model });
      }
    }
    this.messageParts(data, out);
    if (data.done !== true) return false;
    this.done = true;
    out.push(this.finish(data));
    this.options.onDone?.();
    return true;
  }

  private messageParts(data: OllamaChatChunk, out: ChatStreamPart[]): void {
    const message = data.message;
    if (!message) return;
    if (message.thinking) {
      this.thinking += message.thinking;
      out.push({ type: 'reasoning-delta', delta: message.thinking });
    }
    if (message.content) {
      this.generated += message.content;
      out.push({ type: 'text-delta', delta: message.content });
    }
    for (const raw of message.tool_calls ?? []) {
      const call = toToolCall(raw);
      if (!call) continue;
      this.generated += `${call.name}${call.arguments}`;
      out.push({
        type: 'tool-call-delta',
        index: this.toolCalls++,
        id: call.id,
        name: call.name,
        argumentsDelta: call.arguments,
      });
    }
  }

  private finish(final: OllamaChatChunk): FinishPart {
    const { request, count } = this.options;
    const generated = this.thinking + this.generated;
    return {
      type: 'finish',
      finishReason: toFinishReason(final.done_reason, this.toolCalls > 0),
      usage: chatUsage(request, generated, reportedCounts(final), count),
      // The thinking text already went out as reasoning deltas.
      providerMetadata: providerMetadata(final, ''),
    };
  }
}
