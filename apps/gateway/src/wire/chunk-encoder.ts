import type { ChatStreamPart, Usage } from '@loom/core';
import type { OpenAIErrorBody } from '../errors/to-openai-error.js';
import { type OpenAIFinishReason, toOpenAIFinishReason } from './finish-reason.js';
import { toOpenAIUsage } from './usage.js';

interface Delta {
  role?: 'assistant';
  content?: string;
  tool_calls?: Array<{
    index: number;
    id?: string;
    type?: 'function';
    function: { name?: string; arguments?: string };
  }>;
}

/**
 * Turns Loom stream parts into OpenAI `chat.completion.chunk` SSE frames. One encoder per
 * response: it remembers whether the role was sent, the last usage and the finish reason.
 */
export class ChunkEncoder {
  private roleSent = false;
  private usage?: Usage;
  // Every frame of a stream opens with the same members (id, object, created, model), serialized
  // once here: a frame then serializes only its choice.
  private head?: string;
  // A text delta's frame around its content, built once: most frames of a stream are text
  // deltas, and serializing the whole chunk object for each was a visible share of stream CPU.
  private textPrefix?: string;
  private textSuffix?: string;

  constructor(
    private readonly meta: { id: string; model: string; created: number; includeUsage: boolean },
  ) {}

  /** The frames for one part (often one, none for metadata and usage). */
  encode(part: ChatStreamPart): string {
    switch (part.type) {
      case 'text-delta':
        return this.roleSent ? this.textFrame(part.delta) : this.delta({ content: part.delta });
      case 'tool-call-delta':
        return this.delta({ tool_calls: [toolCallDelta(part)] });
      case 'usage':
        this.usage = part.usage;
        return '';
      case 'finish':
        if (part.usage) this.usage = part.usage;
        return this.finish(toOpenAIFinishReason(part.finishReason));
      default:
        // Reasoning deltas and response metadata have no place in OpenAI's chunk shape.
        return '';
    }
  }

  /** The closing frames: the usage chunk when asked for, then `[DONE]`. */
  end(): string {
    // The same frame as `{ ...base, choices: [], usage }`, by concatenation.
    const usage =
      this.meta.includeUsage && this.usage
        ? `${this.frameHead()}],"usage":${JSON.stringify(toOpenAIUsage(this.usage))}}\n\n`
        : '';
    return `${usage}data: [DONE]\n\n`;
  }

  /** An in-band error frame; the stream then ends without `[DONE]`. */
  error(body: OpenAIErrorBody): string {
    return frame(body);
  }

  /** The same frame as `chunk({ content }, null)`, by concatenation. */
  private textFrame(content: string): string {
    if (this.textPrefix === undefined || this.textSuffix === undefined) {
      // The content is the last string of the choice: split at the last place the marker shows.
      const marker = JSON.stringify('\u0000');
      const whole = JSON.stringify(choice({ content: '\u0000' }, null));
      const at = whole.lastIndexOf(marker);
      this.textPrefix = this.frameHead() + whole.slice(0, at);
      this.textSuffix = whole.slice(at + marker.length) + this.frameTail();
    }
    return this.textPrefix + JSON.stringify(content) + this.textSuffix;
  }

  private delta(delta: Delta): string {
    if (!this.roleSent) {
      this.roleSent = true;
      delta = { role: 'assistant', ...delta };
    }
    return this.chunk(delta, null);
  }

  private finish(reason: OpenAIFinishReason): string {
    // A stream that finishes with nothing said still owes the client its role.
    const opening = this.roleSent ? '' : this.delta({ content: '' });
    return opening + this.chunk({}, reason);
  }

  /**
   * The frame of `{ ...base, choices: [choice], usage: null (when asked) }`, built from the
   * stream's cached head, the choice and the fixed tail.
   */
  private chunk(delta: Delta, finishReason: OpenAIFinishReason | null): string {
    return this.frameHead() + JSON.stringify(choice(delta, finishReason)) + this.frameTail();
  }

  /** `data: {"id":…,"object":…,"created":…,"model":…,"choices":[`, the same in every frame. */
  private frameHead(): string {
    if (this.head === undefined) {
      const { id, created, model } = this.meta;
      const base = JSON.stringify({ id, object: 'chat.completion.chunk', created, model });
      this.head = `data: ${base.slice(0, -1)},"choices":[`;
    }
    return this.head;
  }

  /** What closes a frame with one choice: `usage: null` comes after the choices when asked. */
  private frameTail(): string {
    return this.meta.includeUsage ? '],"usage":null}\n\n' : ']}\n\n';
  }
}

function choice(delta: Delta, finishReason: OpenAIFinishReason | null) {
  return { index: 0, delta, logprobs: null, finish_reason: finishReason };
}

function toolCallDelta(part: Extract<ChatStreamPart, { type: 'tool-call-delta' }>) {
  const start = part.id !== undefined;
  return {
    index: part.index,
    ...(start ? { id: part.id, type: 'function' as const } : {}),
    function: {
      ...(part.name === undefined ? {} : { name: part.name }),
      arguments: part.argumentsDelta ?? '',
    },
  };
}

function frame(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}
