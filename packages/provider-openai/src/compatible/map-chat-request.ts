import type {
  ChatMessage,
  ChatRequest,
  ChatTool,
  ContentPart,
  ResponseFormat,
  ToolChoice,
} from '@loom/core';
import type { MaxTokensField } from './openai-compatible-config.js';
import { applyProviderOptions } from './provider-options.js';
import type { WireContentPart, WireMessage, WireToolCall } from './wire-types.js';

/** How one provider maps requests; built once per provider. */
export interface ChatRequestMapping {
  /** Provider id, for errors. */
  providerId: string;
  /** Provider type: `providerOptions[providerType]` is read. */
  providerType: string;
  /** Body field for `maxTokens`. */
  maxTokensField: MaxTokensField;
  /** `providerOptions` keys sent through. */
  allowedOptions: ReadonlySet<string>;
}

function mapContentPart(part: ContentPart): WireContentPart {
  if (part.type === 'text') return { type: 'text', text: part.text };
  const image: { url: string; detail?: 'auto' | 'low' | 'high' } = { url: part.url };
  if (part.detail !== undefined) image.detail = part.detail;
  return { type: 'image_url', image_url: image };
}

function mapMessage(message: ChatMessage): WireMessage {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user': {
      const content =
        typeof message.content === 'string' ? message.content : message.content.map(mapContentPart);
      return message.name === undefined
        ? { role: 'user', content }
        : { role: 'user', content, name: message.name };
    }
    case 'assistant': {
      if (!message.toolCalls?.length) return { role: 'assistant', content: message.content };
      const calls: WireToolCall[] = message.toolCalls.map((call) => ({
        id: call.id,
        type: 'function',
        function: { name: call.name, arguments: call.arguments },
      }));
      return { role: 'assistant', content: message.content, tool_calls: calls };
    }
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

function mapTool(tool: ChatTool) {
  const definition: Record<string, unknown> = { name: tool.name };
  if (tool.description !== undefined) definition.description = tool.description;
  definition.parameters = tool.parameters;
  if (tool.strict !== undefined) definition.strict = tool.strict;
  return { type: 'function', function: definition };
}

function mapToolChoice(choice: ToolChoice) {
  return typeof choice === 'string'
    ? choice
    : { type: 'function', function: { name: choice.name } };
}

function mapResponseFormat(format: ResponseFormat) {
  if (format.type !== 'json_schema') return { type: format.type };
  const schema: Record<string, unknown> = { name: format.name };
  if (format.description !== undefined) schema.description = format.description;
  schema.schema = format.schema;
  if (format.strict !== undefined) schema.strict = format.strict;
  return { type: 'json_schema', json_schema: schema };
}

/**
 * Loom's `ChatRequest` as an OpenAI Chat Completions body. Only fields the request sets are
 * written, so the body is exactly what the caller asked for. Streams ask for a final usage
 * chunk (`stream_options.include_usage`), which OpenAI, vLLM and llama.cpp all honour.
 */
export function mapChatRequest(
  request: ChatRequest,
  mapping: ChatRequestMapping,
  stream: boolean,
): Record<string, unknown> {
  const messages: WireMessage[] = new Array(request.messages.length);
  for (let index = 0; index < messages.length; index++) {
    messages[index] = mapMessage(request.messages[index]!);
  }
  const body: Record<string, unknown> = { model: request.model, messages };
  if (request.tools?.length) body.tools = request.tools.map(mapTool);
  if (request.toolChoice !== undefined) body.tool_choice = mapToolChoice(request.toolChoice);
  if (request.responseFormat !== undefined) {
    body.response_format = mapResponseFormat(request.responseFormat);
  }
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.topP !== undefined) body.top_p = request.topP;
  if (request.maxTokens !== undefined) body[mapping.maxTokensField] = request.maxTokens;
  if (request.stop?.length) body.stop = request.stop;
  if (request.seed !== undefined) body.seed = request.seed;
  if (stream) {
    body.stream = true;
    body.stream_options = { include_usage: true };
  }
  const options = request.providerOptions?.[mapping.providerType];
  if (options !== undefined) {
    applyProviderOptions(body, options, mapping.allowedOptions, {
      providerType: mapping.providerType,
      providerId: mapping.providerId,
    });
  }
  return body;
}
