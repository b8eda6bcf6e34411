import {
  type ChatMessage,
  type ContentPart,
  InvalidRequestError,
  type JSONObject,
} from '@loom/core';
import type { OllamaMessage, OllamaToolCall } from './ollama-wire.js';

const DATA_URL = /^data:([^,]*?)(;base64)?,(.*)$/s;

function invalid(path: string, message: string): never {
  throw new InvalidRequestError({ issues: [{ path, message }] });
}

/** The base64 bytes of a `data:` URL, as Ollama's `images` wants them. */
export function imageBase64(url: string, path: string): string {
  const match = DATA_URL.exec(url);
  if (!match) {
    // Fetching a caller-given URL from the provider would let requests reach any host.
    invalid(
      path,
      'Ollama takes images only as data: URLs (base64); fetch the image and send its bytes as a data: URL',
    );
  }
  const payload = match[3] ?? '';
  if (match[2]) return payload.replace(/\s+/g, '');
  return Buffer.from(decodeURIComponent(payload), 'utf8').toString('base64');
}

function userContent(content: string | ContentPart[], path: string) {
  if (typeof content === 'string') return { content };
  const texts: string[] = [];
  const images: string[] = [];
  content.forEach((part, index) => {
    if (part.type === 'text') texts.push(part.text);
    else images.push(imageBase64(part.url, `${path}.content.${index}.url`));
  });
  return { content: texts.join('\n'), ...(images.length ? { images } : {}) };
}

function toolArguments(text: string, path: string): JSONObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    invalid(path, 'must be JSON text: Ollama takes tool call arguments as an object');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    invalid(path, 'must be a JSON object: Ollama takes tool call arguments as an object');
  }
  return parsed as JSONObject;
}

/**
 * Loom messages to `/api/chat` messages: user parts become `content` plus base64 `images`,
 * assistant tool calls carry object arguments, and tool results name their tool (`tool_name`),
 * since Ollama matches results by name rather than by call id.
 */
export function toOllamaMessages(messages: readonly ChatMessage[]): OllamaMessage[] {
  const toolNames = new Map<string, string>();
  return messages.map((message, index): OllamaMessage => {
    const path = `messages.${index}`;
    if (message.role === 'system') return { role: 'system', content: message.content };
    if (message.role === 'user') return { role: 'user', ...userContent(message.content, path) };
    if (message.role === 'tool') {
      const name = toolNames.get(message.toolCallId);
      return { role: 'tool', content: message.content, ...(name ? { tool_name: name } : {}) };
    }
    const toolCalls = (message.toolCalls ?? []).map((call, callIndex): OllamaToolCall => {
      toolNames.set(call.id, call.name);
      const at = `${path}.toolCalls.${callIndex}.arguments`;
      return { function: { name: call.name, arguments: toolArguments(call.arguments, at) } };
    });
    return {
      role: 'assistant',
      content: message.content ?? '',
      ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
    };
  });
}
