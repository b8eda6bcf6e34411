import {
  type EmbedRequest,
  type EmbedResponse,
  type JSONValue,
  MalformedResponseError,
} from '@loom/core';
import { OLLAMA_EMBED_FIELDS, splitProviderOptions } from '../chat/ollama-options.js';
import { count } from '../chat/ollama-wire.js';
import { embedUsage } from '../usage/ollama-usage.js';

/** The body of `POST /api/embed`. */
export interface OllamaEmbedRequest {
  model: string;
  input: string[];
  dimensions?: number;
  truncate?: JSONValue;
  keep_alive?: JSONValue;
  options?: Record<string, JSONValue>;
}

/** Builds the body of `POST /api/embed`; `input` is always a list, so answers keep its order. */
export function toOllamaEmbedRequest(
  request: EmbedRequest,
  keepAlive: string | number | undefined,
): OllamaEmbedRequest {
  const split = splitProviderOptions(request.providerOptions?.ollama, OLLAMA_EMBED_FIELDS);
  const keep = split.fields.keep_alive ?? keepAlive;
  return {
    model: request.model,
    input: request.input,
    ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
    ...(split.fields.truncate === undefined ? {} : { truncate: split.fields.truncate }),
    ...(keep === undefined ? {} : { keep_alive: keep }),
    ...(Object.keys(split.options).length ? { options: split.options } : {}),
  };
}

function isVector(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'number');
}

/** The answer of `POST /api/embed` as an `EmbedResponse`, one vector per input. */
export async function fromOllamaEmbedResponse(
  body: unknown,
  request: EmbedRequest,
  provider: string,
): Promise<EmbedResponse> {
  const answer = body as {
    model?: unknown;
    embeddings?: unknown;
    prompt_eval_count?: unknown;
  } | null;
  const embeddings = answer?.embeddings;
  if (!Array.isArray(embeddings) || !embeddings.every(isVector)) {
    throw new MalformedResponseError({
      provider,
      message: '/api/embed answered without an "embeddings" list of number lists',
    });
  }
  if (embeddings.length !== request.input.length) {
    throw new MalformedResponseError({
      provider,
      message: `/api/embed returned ${embeddings.length} vectors for ${request.input.length} inputs`,
    });
  }
  return {
    model: typeof answer?.model === 'string' && answer.model ? answer.model : request.model,
    embeddings,
    usage: await embedUsage(request.input, count(answer?.prompt_eval_count)),
  };
}
