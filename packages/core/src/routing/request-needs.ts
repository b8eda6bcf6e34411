import type { ChatRequest } from '../spec/chat/chat-request.js';
import type { EmbedRequest } from '../spec/embed/embed-request.js';
import type { Operation } from '../spec/plugin/v1/kernel-events.js';
import type { ModelCapabilities } from '../spec/provider/v1/model-info.js';
import type { Deployment } from '../spec/routing/deployment.js';

/** What a request needs from a deployment. */
export interface RequestNeeds {
  capabilities: Array<keyof ModelCapabilities>;
  /** Estimated prompt tokens plus the output allowance, when it can be estimated. */
  tokens: number;
}

// Core has no tokenizer: four characters a token is the usual English average, so the estimate is
// used only to keep clearly oversized prompts away from small context windows.
const CHARS_PER_TOKEN = 4;

function promptCharacters(request: ChatRequest): number {
  let characters = 0;
  for (const message of request.messages) {
    const content = message.content;
    if (typeof content === 'string') characters += content.length;
    else if (content)
      for (const part of content) if (part.type === 'text') characters += part.text.length;
  }
  return characters;
}

/** Reads the capabilities and size a request needs. */
export function requestNeeds(
  operation: Operation,
  request: ChatRequest | EmbedRequest,
): RequestNeeds {
  if (operation === 'embed') {
    const input = (request as EmbedRequest).input;
    const characters = input.reduce((sum, text) => sum + text.length, 0);
    return { capabilities: ['embeddings'], tokens: Math.ceil(characters / CHARS_PER_TOKEN) };
  }
  const chat = request as ChatRequest;
  const capabilities: RequestNeeds['capabilities'] = [];
  if (operation === 'stream') capabilities.push('streaming');
  if (chat.tools?.length && chat.toolChoice !== 'none') capabilities.push('tools');
  if (chat.responseFormat?.type === 'json_schema') capabilities.push('jsonSchema');
  const hasImage = chat.messages.some(
    (m) =>
      m.role === 'user' &&
      typeof m.content !== 'string' &&
      m.content.some((p) => p.type === 'image'),
  );
  if (hasImage) capabilities.push('vision');
  const tokens = Math.ceil(promptCharacters(chat) / CHARS_PER_TOKEN) + (chat.maxTokens ?? 0);
  return { capabilities, tokens };
}

/**
 * Why `deployment` cannot serve a request with these needs, or undefined when it can. A
 * capability explicitly set to false excludes; an unknown one does not (most configs omit them).
 */
export function unfitReason(deployment: Deployment, needs: RequestNeeds): string | undefined {
  for (const capability of needs.capabilities) {
    if (deployment.capabilities?.[capability] === false) return `does not support ${capability}`;
  }
  const window = deployment.contextWindow;
  if (window !== undefined && needs.tokens > window) {
    return `needs about ${needs.tokens} tokens; context window is ${window}`;
  }
  return undefined;
}
