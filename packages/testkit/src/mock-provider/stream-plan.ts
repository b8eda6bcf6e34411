import type { ChatRequest, ChatStreamPart } from '@loom/core';
import { splitWords } from '../internal/words.js';
import type { MockErrorSource, MockReplyStep, MockStreamStep } from './mock-steps.js';
import { inputTokensOf, mockUsage, outputTokensOf } from './mock-usage.js';

/** What a scripted stream yields and when. */
export interface StreamPlan {
  parts: readonly ChatStreamPart[];
  firstChunkDelayMs: number;
  chunkDelayMs: number;
  failAfter?: { chunks: number; error: MockErrorSource };
  stallAfter?: number;
}

/** A reply streamed the way real upstreams do: word deltas, tool-call deltas, usage, finish. */
function replyParts(step: MockReplyStep, request: ChatRequest): ChatStreamPart[] {
  const text = step.text ?? '';
  const toolCalls = step.toolCalls ?? [];
  const parts: ChatStreamPart[] = splitWords(text).map((delta) => ({ type: 'text-delta', delta }));
  toolCalls.forEach((call, index) => {
    parts.push({
      type: 'tool-call-delta',
      index,
      id: call.id,
      name: call.name,
      argumentsDelta: call.arguments,
    });
  });
  const usage = mockUsage(inputTokensOf(request), outputTokensOf(text, toolCalls), step.usage);
  const finishReason = step.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop');
  parts.push({ type: 'usage', usage }, { type: 'finish', finishReason, usage });
  return parts;
}

/** A stream step's parts, with usage and finish appended unless it has or omits them. */
function scriptedParts(step: MockStreamStep, request: ChatRequest): ChatStreamPart[] {
  const parts = step.chunks.map(
    (chunk): ChatStreamPart =>
      typeof chunk === 'string' ? { type: 'text-delta', delta: chunk } : chunk,
  );
  if (step.omitFinish || parts.some((part) => part.type === 'finish')) return parts;
  let usage = parts.findLast((part) => part.type === 'usage')?.usage;
  if (!usage) {
    const text = parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
    const args = parts.map((part) => (part.type === 'tool-call-delta' ? part.argumentsDelta : ''));
    const output = outputTokensOf(`${text} ${args.join(' ')}`);
    usage = mockUsage(inputTokensOf(request), output, step.usage);
    parts.push({ type: 'usage', usage });
  }
  parts.push({ type: 'finish', finishReason: step.finishReason ?? 'stop', usage });
  return parts;
}

/** Turns a reply or stream step into the parts and timing a stream follows. */
export function planStream(step: MockReplyStep | MockStreamStep, request: ChatRequest): StreamPlan {
  if (step.type === 'reply') {
    return { parts: replyParts(step, request), firstChunkDelayMs: 0, chunkDelayMs: 0 };
  }
  return {
    parts: scriptedParts(step, request),
    firstChunkDelayMs: step.firstChunkDelayMs ?? 0,
    chunkDelayMs: step.chunkDelayMs ?? 0,
    ...(step.failAfter ? { failAfter: step.failAfter } : {}),
    ...(step.stallAfter === undefined ? {} : { stallAfter: step.stallAfter }),
  };
}
