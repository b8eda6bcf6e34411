import type { ChatMessage, ChatRequest, ChatResponse, FinishReason } from '@loom/core';
import {
  type ErrorScope,
  estimatedUsage,
  estimateInputTokens,
  isRecord,
  mapInBandError,
  type NdjsonMapper,
  parseJsonErrorBody,
  usageOf,
} from '@loom/provider-utils';

const textOf = (content: ChatMessage['content']) =>
  typeof content === 'string'
    ? content
    : (content ?? []).map((part) => (part.type === 'text' ? part.text : '')).join('');

/** The body of `POST /api/generate`. */
export function toPlainchatRequest(request: ChatRequest, stream: boolean) {
  return {
    model: request.model,
    messages: request.messages.map(({ role, content }) => ({ role, content: textOf(content) })),
    options: { max_tokens: request.maxTokens, temperature: request.temperature },
    stream,
  };
}

const finishReason = (reason: unknown): FinishReason => (reason === 'length' ? 'length' : 'stop');

/** The server's counts, or an estimate (flagged) when it sent none. */
function usageFrom(usage: unknown, request: ChatRequest, text: string) {
  if (isRecord(usage) && typeof usage.prompt_tokens === 'number') {
    return usageOf(usage.prompt_tokens, Number(usage.completion_tokens ?? 0));
  }
  return estimatedUsage(estimateInputTokens(request), text);
}

/** A whole answer: `{ model, message: { content }, done_reason, usage }`. */
export function fromPlainchatResponse(body: unknown, request: ChatRequest): ChatResponse {
  const answer = isRecord(body) ? body : {};
  const message = isRecord(answer.message) ? answer.message : {};
  const text = typeof message.content === 'string' ? message.content : '';
  return {
    model: typeof answer.model === 'string' ? answer.model : request.model,
    message: { role: 'assistant', content: text },
    finishReason: finishReason(answer.done_reason),
    usage: usageFrom(answer.usage, request, text),
  };
}

/** Stream lines: `{"delta"}` pieces, then `{"done": true, "done_reason", "usage"}`, or `{"error"}`. */
export function plainchatStreamMapper(request: ChatRequest, scope: ErrorScope): NdjsonMapper {
  let text = '';
  return {
    accept(line, out) {
      if (!isRecord(line)) return false;
      if (line.error !== undefined) throw mapInBandError(parseJsonErrorBody(line) ?? {}, scope);
      if (typeof line.delta === 'string' && line.delta !== '') {
        text += line.delta;
        out.push({ type: 'text-delta', delta: line.delta });
      }
      if (line.done !== true) return false;
      const usage = usageFrom(line.usage, request, text);
      out.push({ type: 'finish', finishReason: finishReason(line.done_reason), usage });
      return true;
    },
  };
}

/** `GET /api/models`: `{ models: [{ id, context_length }] }`. */
export function fromPlainchatModels(body: unknown) {
  const models = isRecord(body) && Array.isArray(body.models) ? body.models : [];
  return models.filter(isRecord).map((model) => ({
    id: String(model.id),
    capabilities: { chat: true, streaming: true },
    ...(typeof model.context_length === 'number' ? { contextWindow: model.context_length } : {}),
  }));
}
