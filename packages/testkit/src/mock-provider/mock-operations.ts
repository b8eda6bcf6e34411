import type {
  ChatRequest,
  ChatResponse,
  EmbedRequest,
  EmbedResponse,
  ProviderStreamResult,
} from '@loom/core';
import { hashEmbedding } from '../internal/hash-embedding.js';
import { sleep, waitForAbort } from '../internal/sleep.js';
import { countWords } from '../internal/words.js';
import { assembleResponse } from './assemble-response.js';
import { MockPartIterator } from './mock-part-iterator.js';
import { type MockReplyStep, type MockStep, resolveError } from './mock-steps.js';
import { inputTokensOf, mockUsage, outputTokensOf } from './mock-usage.js';
import { planStream } from './stream-plan.js';

/** Facts an operation needs besides its step and request. */
export interface OperationScope {
  providerId: string;
  /** Response id to use when the step gives none. */
  responseId: string;
  signal: AbortSignal;
}

/** Waits out the step's delay, then fails for error steps and hangs for hang steps. */
async function prelude(step: MockStep, signal: AbortSignal): Promise<void> {
  if (step.type === 'hang') await waitForAbort(signal);
  await sleep('delayMs' in step ? (step.delayMs ?? 0) : 0, signal);
  if (step.type === 'error') throw resolveError(step.error);
}

function replyResponse(step: MockReplyStep, request: ChatRequest, id: string): ChatResponse {
  const text = step.text ?? '';
  const toolCalls = step.toolCalls ?? [];
  return {
    id: step.id ?? id,
    model: step.model ?? request.model,
    message: {
      role: 'assistant',
      content: text === '' && toolCalls.length > 0 ? null : text,
      ...(toolCalls.length > 0 ? { toolCalls } : {}),
    },
    finishReason: step.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    usage: mockUsage(inputTokensOf(request), outputTokensOf(text, toolCalls), step.usage),
  };
}

/** Plays `step` as a chat completion; stream steps are consumed and assembled. */
export async function playChat(
  step: MockStep,
  request: ChatRequest,
  scope: OperationScope,
): Promise<ChatResponse> {
  await prelude(step, scope.signal);
  if (step.type === 'reply') return replyResponse(step, request, scope.responseId);
  if (step.type !== 'stream') throw new Error(`unexpected mock step '${step.type}'`);
  const iterator = new MockPartIterator(planStream(step, request), scope.signal, () => {});
  const parts = [];
  for await (const part of iterator) parts.push(part);
  const model = step.model ?? request.model;
  return assembleResponse(parts, { providerId: scope.providerId, model, id: scope.responseId });
}

/** Plays `step` as a stream; `onEnd` runs when the stream finishes, fails or is released. */
export async function playStream(
  step: MockStep,
  request: ChatRequest,
  scope: OperationScope,
  onEnd: () => void,
): Promise<ProviderStreamResult> {
  await prelude(step, scope.signal);
  if (step.type !== 'reply' && step.type !== 'stream') {
    throw new Error(`unexpected mock step '${step.type}'`);
  }
  return { stream: new MockPartIterator(planStream(step, request), scope.signal, onEnd) };
}

/** Plays `step` as embeddings: one deterministic unit vector per input. */
export async function playEmbed(
  step: MockStep,
  request: EmbedRequest,
  scope: OperationScope,
): Promise<EmbedResponse> {
  await prelude(step, scope.signal);
  const override = step.type === 'reply' || step.type === 'stream' ? step.usage : undefined;
  const inputTokens = request.input.reduce((sum, text) => sum + countWords(text), 0);
  return {
    model:
      (step.type === 'reply' || step.type === 'stream' ? step.model : undefined) ?? request.model,
    embeddings: request.input.map((text) => hashEmbedding(text, request.dimensions ?? 8)),
    usage: mockUsage(inputTokens, 0, override),
  };
}
