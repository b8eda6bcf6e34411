import type { AnswerRequest } from '../answer/plan-answer.js';
import { invalidJson, invalidParameter, modelNotFound, type WireError } from './openai-errors.js';

/** A validated `/v1/chat/completions` request. */
export interface OpenAIChatRequest {
  model: string;
  stream: boolean;
  includeUsage: boolean;
  answer: AnswerRequest;
}

type Body = Record<string, unknown>;

const isObject = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The text of a message's `content`: a string, text parts joined by spaces, or nothing. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : ''))
    .filter(Boolean)
    .join(' ');
}

function tools(body: Body): AnswerRequest['tools'] {
  if (!Array.isArray(body.tools)) return [];
  return body.tools.filter(isObject).map((tool) => {
    const fn = isObject(tool.function) ? tool.function : {};
    return { name: String(fn.name ?? ''), parameters: fn.parameters };
  });
}

/** `required` forces the first tool, `{type:'function', function:{name}}` that tool. */
function forcedTool(body: Body, offered: AnswerRequest['tools']): string | undefined {
  const choice = body.tool_choice;
  if (choice === 'required') return offered[0]?.name;
  if (isObject(choice) && isObject(choice.function)) return String(choice.function.name);
  return undefined;
}

function format(body: Body): AnswerRequest['format'] {
  const responseFormat = isObject(body.response_format) ? body.response_format : {};
  if (responseFormat.type === 'json_object') return { kind: 'json' };
  if (responseFormat.type === 'json_schema') {
    const spec = isObject(responseFormat.json_schema) ? responseFormat.json_schema : {};
    return { kind: 'schema', schema: spec.schema };
  }
  return undefined;
}

function maxTokens(body: Body): number | undefined {
  const value = body.max_completion_tokens ?? body.max_tokens;
  return typeof value === 'number' ? value : undefined;
}

/** Validates a chat body the way OpenAI does, or says which error to answer with. */
export function parseChatRequest(
  body: unknown,
  models: readonly string[],
): OpenAIChatRequest | WireError {
  if (!isObject(body)) return invalidJson();
  if (typeof body.model !== 'string' || body.model === '') {
    return invalidParameter('model', 'you must provide a model parameter');
  }
  if (!Array.isArray(body.messages)) {
    const message = "Missing required parameter: 'messages'.";
    return invalidParameter('messages', message, 'missing_required_parameter');
  }
  if (body.messages.length === 0) {
    return invalidParameter('messages', "[] is too short - 'messages'", 'empty_array');
  }
  if (!models.includes(body.model)) return modelNotFound(body.model);
  const offered = tools(body);
  const messages = body.messages.filter(isObject).map((message) => ({
    role: String(message.role ?? ''),
    text: contentText(message.content),
  }));
  const streamOptions = isObject(body.stream_options) ? body.stream_options : {};
  return {
    model: body.model,
    stream: body.stream === true,
    includeUsage: streamOptions.include_usage === true,
    answer: {
      messages,
      tools: offered,
      forcedTool: forcedTool(body, offered),
      format: format(body),
      maxTokens: maxTokens(body),
    },
  };
}

/** True when `value` is a refusal rather than a parsed request. */
export const isWireError = (value: object): value is WireError => 'detail' in value;
