import {
  type ChatRequest,
  type ChatResponse,
  type JSONObject,
  MalformedResponseError,
  type ToolCall,
} from '@loom/core';
import { ollamaMetadata } from '../usage/durations.js';
import { loadChatUsage } from '../usage/ollama-usage.js';
import { toFinishReason } from './finish-reason.js';
import { inBandError } from './in-band-error.js';
import { chatChunkProblem, count, type OllamaChatChunk } from './ollama-wire.js';
import { toToolCall } from './tool-calls.js';

/** Counts of a final line, for usage. */
export function reportedCounts(final: OllamaChatChunk) {
  const promptEvalCount = count(final.prompt_eval_count);
  const evalCount = count(final.eval_count);
  return {
    ...(promptEvalCount === undefined ? {} : { promptEvalCount }),
    ...(evalCount === undefined ? {} : { evalCount }),
  };
}

/** `providerMetadata` of a finished chat, with the model's thinking text when it sent one. */
export function providerMetadata(
  final: OllamaChatChunk,
  thinking: string,
): Record<string, JSONObject> {
  const metadata = ollamaMetadata(final);
  if (thinking) metadata.thinking = thinking;
  return { ollama: metadata };
}

/**
 * The answer of a non-streamed `/api/chat` as a `ChatResponse`. A body that is not a chat answer
 * is a `MalformedResponseError`; an `{"error": ...}` body is an in-band error.
 */
export async function fromOllamaResponse(
  body: unknown,
  request: ChatRequest,
  context: { provider: string; secrets: readonly string[] },
): Promise<ChatResponse> {
  const problem = chatChunkProblem(body);
  if (problem) {
    throw new MalformedResponseError({
      provider: context.provider,
      message: `/api/chat: ${problem}`,
    });
  }
  const answer = body as OllamaChatChunk;
  if (answer.error !== undefined)
    throw inBandError(context.provider, answer.error, context.secrets);
  const text = answer.message?.content ?? '';
  const thinking = answer.message?.thinking ?? '';
  const toolCalls = (answer.message?.tool_calls ?? [])
    .map(toToolCall)
    .filter((call): call is ToolCall => call !== undefined);
  const generated = [
    thinking,
    text,
    ...toolCalls.map((call) => `${call.name}${call.arguments}`),
  ].join('');
  return {
    model: typeof answer.model === 'string' && answer.model ? answer.model : request.model,
    message: {
      role: 'assistant',
      content: text === '' && toolCalls.length ? null : text,
      ...(toolCalls.length ? { toolCalls } : {}),
    },
    finishReason: toFinishReason(answer.done_reason, toolCalls.length > 0),
    usage: await loadChatUsage(request, generated, reportedCounts(answer)),
    providerMetadata: providerMetadata(answer, thinking),
  };
}
