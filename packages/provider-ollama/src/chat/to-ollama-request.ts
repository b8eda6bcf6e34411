import type { ChatRequest, ChatTool, JSONValue } from '@loom/core';
import { OLLAMA_CHAT_FIELDS, splitProviderOptions } from './ollama-options.js';
import type { OllamaChatRequest, OllamaTool } from './ollama-wire.js';
import { toOllamaMessages } from './to-ollama-messages.js';

/** Provider-level defaults a request is built with. */
export interface ChatRequestDefaults {
  /** `keep_alive` from the settings, unless the request sets its own. */
  keepAlive?: string | number;
}

function toOllamaTool(tool: ChatTool): OllamaTool {
  return {
    type: 'function',
    function: {
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters,
    },
  };
}

/**
 * Ollama has no `tool_choice`: `none` sends no tools, a named tool sends only that one (the
 * closest Ollama gets to forcing it), `auto` and `required` send them all.
 */
function selectTools(request: ChatRequest): OllamaTool[] | undefined {
  const tools = request.tools ?? [];
  const choice = request.toolChoice;
  if (tools.length === 0 || choice === 'none') return undefined;
  const chosen =
    typeof choice === 'object' ? tools.filter((tool) => tool.name === choice.name) : tools;
  return (chosen.length ? chosen : tools).map(toOllamaTool);
}

function format(request: ChatRequest): OllamaChatRequest['format'] {
  const responseFormat = request.responseFormat;
  if (responseFormat?.type === 'json_object') return 'json';
  if (responseFormat?.type === 'json_schema') return responseFormat.schema;
  return undefined;
}

/** Loom's sampling fields win over the same options given in `providerOptions.ollama`. */
function modelOptions(request: ChatRequest, fromProvider: Record<string, JSONValue>) {
  const options: Record<string, JSONValue> = { ...fromProvider };
  if (request.temperature !== undefined) options.temperature = request.temperature;
  if (request.topP !== undefined) options.top_p = request.topP;
  if (request.maxTokens !== undefined) options.num_predict = request.maxTokens;
  if (request.stop !== undefined) options.stop = request.stop;
  if (request.seed !== undefined) options.seed = request.seed;
  return Object.keys(options).length ? options : undefined;
}

/** Builds the body of `POST /api/chat` from a Loom request. */
export function toOllamaChatRequest(
  request: ChatRequest,
  stream: boolean,
  defaults: ChatRequestDefaults = {},
): OllamaChatRequest {
  const split = splitProviderOptions(request.providerOptions?.ollama, OLLAMA_CHAT_FIELDS);
  const tools = selectTools(request);
  const responseFormat = format(request);
  const options = modelOptions(request, split.options);
  const keepAlive = split.fields.keep_alive ?? defaults.keepAlive;
  return {
    model: request.model,
    messages: toOllamaMessages(request.messages),
    ...(tools ? { tools } : {}),
    ...(responseFormat === undefined ? {} : { format: responseFormat }),
    ...(options ? { options } : {}),
    stream,
    ...(keepAlive === undefined ? {} : { keep_alive: keepAlive }),
    ...(split.fields.think === undefined ? {} : { think: split.fields.think }),
  };
}
