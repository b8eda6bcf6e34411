import type { AnswerRequest } from '../answer/plan-answer.js';
import { contentText } from '../openai/openai-request.js';

type Body = Record<string, unknown>;

const isObject = (value: unknown): value is Body =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** A validated `/api/chat` request. */
export interface OllamaChatRequest {
  model: string;
  stream: boolean;
  /** True when `messages` is absent or empty: Ollama only loads the model. */
  loadOnly: boolean;
  keepAlive: unknown;
  answer: AnswerRequest;
}

function tools(body: Body): AnswerRequest['tools'] {
  if (!Array.isArray(body.tools)) return [];
  return body.tools.filter(isObject).map((tool) => {
    const fn = isObject(tool.function) ? tool.function : {};
    return { name: String(fn.name ?? ''), parameters: fn.parameters };
  });
}

/**
 * Ollama has no `tool_choice`: the simulated model calls a tool whenever tools are offered and
 * the conversation ends with a user turn (not a tool result) — the tool the user names, else the
 * first one.
 */
function chosenTool(messages: AnswerRequest['messages'], offered: AnswerRequest['tools']) {
  const last = messages.at(-1);
  if (offered.length === 0 || last?.role !== 'user') return undefined;
  return (offered.find((tool) => last.text.includes(tool.name)) ?? offered[0])?.name;
}

function format(body: Body): AnswerRequest['format'] {
  if (body.format === 'json') return { kind: 'json' };
  if (isObject(body.format)) return { kind: 'schema', schema: body.format };
  return undefined;
}

/** Parses a chat body; a string is the `error` text of a 400. */
export function parseOllamaChat(body: unknown): OllamaChatRequest | string {
  if (!isObject(body)) return 'invalid request body';
  if (typeof body.model !== 'string' || body.model === '') return 'model is required';
  const raw = Array.isArray(body.messages) ? body.messages.filter(isObject) : [];
  const messages = raw.map((message) => ({
    role: String(message.role ?? ''),
    text: contentText(message.content),
  }));
  const offered = tools(body);
  const options = isObject(body.options) ? body.options : {};
  return {
    model: body.model,
    stream: body.stream !== false,
    loadOnly: messages.length === 0,
    keepAlive: body.keep_alive,
    answer: {
      messages,
      tools: offered,
      forcedTool: chosenTool(messages, offered),
      format: format(body),
      maxTokens:
        typeof options.num_predict === 'number' && options.num_predict >= 0
          ? options.num_predict
          : undefined,
    },
  };
}
