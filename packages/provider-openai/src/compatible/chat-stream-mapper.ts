import {
  type ChatStreamPart,
  type FinishReason,
  type LoomError,
  MalformedResponseError,
  type ResponseMetadataPart,
  type ToolCallDeltaPart,
  type Usage,
} from '@loom/core';
import {
  type ErrorBodyParser,
  type ErrorScope,
  estimatedUsage,
  isRecord,
  mapInBandError,
  readErrorFields,
  safeText,
} from '@loom/provider-utils';
import { mapFinishReason } from './map-finish-reason.js';
import { mapUsage } from './map-usage.js';

/** What the stream mapper needs besides the events. */
export interface StreamMapperOptions {
  /** Where errors come from. */
  scope: ErrorScope;
  /** Reads error objects sent inside the stream. */
  parseErrorBody: ErrorBodyParser;
  /** Prompt size estimate, used only when the upstream reports no usage. */
  estimateInputTokens: () => number;
}

/** Turns SSE events of a streamed completion into Loom stream parts. */
export interface ChatStreamMapper {
  /**
   * Maps one event's data, appending parts to `out`. Returns true for `[DONE]`, after which the
   * usage and finish parts have been appended. Throws the `LoomError` an error event stands for.
   */
  accept(data: string, event: string | undefined, out: ChatStreamPart[]): boolean;
}

function inBandError(chunk: unknown, options: StreamMapperOptions): LoomError {
  const fields = options.parseErrorBody(chunk) ?? (isRecord(chunk) ? readErrorFields(chunk) : {});
  return mapInBandError(fields, options.scope);
}

function isErrorChunk(chunk: Record<string, unknown>, event: string | undefined): boolean {
  return event === 'error' || chunk.error != null || chunk.object === 'error';
}

/** Creates a mapper for one stream; it keeps the finish reason and usage until `[DONE]`. */
export function createChatStreamMapper(options: StreamMapperOptions): ChatStreamMapper {
  let metadataSent = false;
  let finishReason: FinishReason | undefined;
  let usage: Usage | undefined;
  let outputCharacters = 0;

  const mapDelta = (delta: Record<string, unknown>, out: ChatStreamPart[]) => {
    const content = delta.content;
    if (typeof content === 'string' && content !== '') {
      outputCharacters += content.length;
      out.push({ type: 'text-delta', delta: content });
    }
    const reasoning = delta.reasoning_content ?? delta.reasoning;
    if (typeof reasoning === 'string' && reasoning !== '') {
      out.push({ type: 'reasoning-delta', delta: reasoning });
    }
    if (Array.isArray(delta.tool_calls)) mapToolCallDeltas(delta.tool_calls, out);
  };

  const mapToolCallDeltas = (calls: unknown[], out: ChatStreamPart[]) => {
    calls.forEach((call, position) => {
      if (!isRecord(call)) return;
      const part: ToolCallDeltaPart = {
        type: 'tool-call-delta',
        index: typeof call.index === 'number' ? call.index : position,
      };
      if (typeof call.id === 'string' && call.id !== '') part.id = call.id;
      const target = isRecord(call.function) ? call.function : undefined;
      if (typeof target?.name === 'string' && target.name !== '') part.name = target.name;
      if (typeof target?.arguments === 'string' && target.arguments !== '') {
        part.argumentsDelta = target.arguments;
        outputCharacters += target.arguments.length;
      }
      if (part.id || part.name || part.argumentsDelta) out.push(part);
    });
  };

  const finish = (out: ChatStreamPart[]) => {
    out.push({
      type: 'finish',
      finishReason: finishReason ?? 'other',
      usage: usage ?? estimatedUsage(options.estimateInputTokens(), outputCharacters),
    });
  };

  return {
    accept(data, event, out) {
      if (data === '[DONE]') {
        finish(out);
        return true;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(data);
      } catch {
        const sample = safeText(data.slice(0, 200), options.scope.secrets);
        throw new MalformedResponseError({
          provider: options.scope.provider,
          message: `a stream event is not JSON: ${sample}`,
        });
      }
      if (!isRecord(chunk)) {
        throw new MalformedResponseError({
          provider: options.scope.provider,
          message: 'a stream event is not a JSON object.',
        });
      }
      if (isErrorChunk(chunk, event)) throw inBandError(chunk, options);
      if (!metadataSent) {
        metadataSent = true;
        const part: ResponseMetadataPart = { type: 'response-metadata' };
        if (typeof chunk.id === 'string') part.id = chunk.id;
        if (typeof chunk.model === 'string') part.model = chunk.model;
        out.push(part);
      }
      if (Array.isArray(chunk.choices)) {
        for (const choice of chunk.choices) {
          if (!isRecord(choice) || (choice.index ?? 0) !== 0) continue;
          if (isRecord(choice.delta)) mapDelta(choice.delta, out);
          if (choice.finish_reason != null) finishReason = mapFinishReason(choice.finish_reason);
        }
      }
      const reported = mapUsage(chunk.usage);
      if (reported) {
        usage = reported;
        out.push({ type: 'usage', usage: reported });
      }
      return false;
    },
  };
}
