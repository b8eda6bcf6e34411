import type { ChatResponse } from '@loom/core';
import { type OpenAIFinishReason, toOpenAIFinishReason } from './finish-reason.js';
import { type OpenAIUsage, toOpenAIUsage } from './usage.js';

/** An OpenAI tool call. */
export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** OpenAI's `chat.completion` object. */
export interface OpenAIChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: Array<{
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: null;
      tool_calls?: OpenAIToolCall[];
    };
    logprobs: null;
    finish_reason: OpenAIFinishReason;
  }>;
  usage: OpenAIUsage;
}

/**
 * Loom's chat response as an OpenAI `chat.completion`. `model` is what the caller asked for (the
 * alias), so a client never learns which deployment served unless it reads the `x-loom-*` headers.
 */
export function formatChatCompletion(
  response: ChatResponse,
  options: { id: string; model: string; created: number },
): OpenAIChatCompletion {
  const toolCalls = response.message.toolCalls?.map((call) => ({
    id: call.id,
    type: 'function' as const,
    function: { name: call.name, arguments: call.arguments },
  }));
  return {
    id: options.id,
    object: 'chat.completion',
    created: options.created,
    model: options.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: response.message.content,
          refusal: null,
          ...(toolCalls?.length ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: toOpenAIFinishReason(response.finishReason),
      },
    ],
    usage: toOpenAIUsage(response.usage),
  };
}
