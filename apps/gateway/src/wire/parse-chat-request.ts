import type {
  ChatMessage,
  ChatRequest,
  ChatTool,
  ContentPart,
  JSONObject,
  ResponseFormat,
  ToolChoice,
} from '@loom/core';
import { assertNoRoutingOverride } from './forbidden-keys.js';
import {
  type OpenAIChatMessage,
  type OpenAIChatRequest,
  openAIChatRequestSchema,
} from './openai-chat-schema.js';
import { isPlainChatBody } from './plain-chat-body.js';
import { zodToGatewayError } from './zod-to-gateway-error.js';

/** A translated chat request plus the wire options that only concern the HTTP answer. */
export interface ParsedChatRequest {
  request: ChatRequest;
  stream: boolean;
  includeUsage: boolean;
}

type TextContent = string | Array<{ text: string }>;

function joinText(content: TextContent): string {
  return typeof content === 'string' ? content : content.map((part) => part.text).join('');
}

function toMessage(message: OpenAIChatMessage): ChatMessage {
  switch (message.role) {
    case 'system':
    case 'developer':
      return { role: 'system', content: joinText(message.content) };
    case 'user': {
      const content: string | ContentPart[] =
        typeof message.content === 'string'
          ? message.content
          : message.content.map((part) =>
              part.type === 'text'
                ? { type: 'text', text: part.text }
                : { type: 'image', url: part.image_url.url, detail: part.image_url.detail },
            );
      return { role: 'user', content, ...(message.name ? { name: message.name } : {}) };
    }
    case 'assistant': {
      const toolCalls = message.tool_calls?.map((call) => ({
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      }));
      const content = message.content == null ? null : joinText(message.content);
      return { role: 'assistant', content, ...(toolCalls?.length ? { toolCalls } : {}) };
    }
    case 'tool':
      return { role: 'tool', toolCallId: message.tool_call_id, content: joinText(message.content) };
  }
}

function toTools(tools: NonNullable<OpenAIChatRequest['tools']>): ChatTool[] {
  return tools.map(({ function: fn }) => ({
    type: 'function',
    name: fn.name,
    parameters: (fn.parameters ?? { type: 'object', properties: {} }) as JSONObject,
    ...(fn.description === undefined ? {} : { description: fn.description }),
    ...(fn.strict == null ? {} : { strict: fn.strict }),
  }));
}

function toToolChoice(choice: NonNullable<OpenAIChatRequest['tool_choice']>): ToolChoice {
  return typeof choice === 'string' ? choice : { type: 'tool', name: choice.function.name };
}

function toResponseFormat(
  format: NonNullable<OpenAIChatRequest['response_format']>,
): ResponseFormat {
  if (format.type !== 'json_schema') return { type: format.type };
  const spec = format.json_schema;
  return {
    type: 'json_schema',
    name: spec.name,
    schema: (spec.schema ?? {}) as JSONObject,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    ...(spec.strict == null ? {} : { strict: spec.strict }),
  };
}

function toMetadata(body: OpenAIChatRequest): ChatRequest['metadata'] {
  if (body.user === undefined && !body.metadata) return undefined;
  return {
    ...(body.user === undefined ? {} : { user: body.user }),
    ...(body.metadata ? { tags: body.metadata } : {}),
  };
}

/** Copies the entries whose value is neither null nor undefined. */
function defined<T extends object>(value: T): { [K in keyof T]?: NonNullable<T[K]> } {
  // A plain loop: entries + filter + fromEntries built ~10 arrays per request.
  const copy: Partial<Record<keyof T, unknown>> = {};
  for (const key of Object.keys(value) as Array<keyof T>) {
    if (value[key] != null) copy[key] = value[key];
  }
  return copy as { [K in keyof T]?: NonNullable<T[K]> };
}

function parseWithSchema(body: unknown): OpenAIChatRequest {
  const parsed = openAIChatRequestSchema.safeParse(body);
  if (!parsed.success) throw zodToGatewayError(parsed.error);
  return parsed.data;
}

/**
 * Translates an OpenAI chat completion body into Loom's `ChatRequest`. Throws a 400
 * `GatewayError` naming the field for anything unknown or malformed, and for any attempt to set
 * an upstream URL or key.
 */
export function parseChatRequest(body: unknown): ParsedChatRequest {
  assertNoRoutingOverride(body);
  const wire = isPlainChatBody(body) ? body : parseWithSchema(body);
  const stop = typeof wire.stop === 'string' ? [wire.stop] : wire.stop;
  const request: ChatRequest = {
    model: wire.model,
    messages: wire.messages.map(toMessage),
    ...defined({
      tools: wire.tools?.length ? toTools(wire.tools) : undefined,
      toolChoice: wire.tool_choice ? toToolChoice(wire.tool_choice) : undefined,
      responseFormat: wire.response_format ? toResponseFormat(wire.response_format) : undefined,
      temperature: wire.temperature,
      topP: wire.top_p,
      maxTokens: wire.max_completion_tokens ?? wire.max_tokens,
      stop: stop?.length ? stop : undefined,
      seed: wire.seed,
      metadata: toMetadata(wire),
    }),
  };
  return {
    request,
    stream: wire.stream === true,
    includeUsage: wire.stream_options?.include_usage === true,
  };
}
