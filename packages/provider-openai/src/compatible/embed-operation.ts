import {
  type CallContext,
  type EmbedRequest,
  type EmbedResponse,
  MalformedResponseError,
} from '@loom/core';
import { callCancel, isRecord, roughTokenCount, sendJson } from '@loom/provider-utils';
import type { CompatibleRuntime } from './compatible-runtime.js';
import { mapUsage } from './map-usage.js';
import { applyProviderOptions } from './provider-options.js';

function vectorsOf(body: unknown, count: number, provider: string): number[][] {
  const data = isRecord(body) ? body.data : undefined;
  if (!Array.isArray(data) || data.length !== count) {
    throw new MalformedResponseError({
      provider,
      message: `the embeddings answer holds ${Array.isArray(data) ? data.length : 'no'} vectors for ${count} inputs.`,
    });
  }
  const vectors: number[][] = new Array(count);
  data.forEach((item: unknown, position) => {
    const index = isRecord(item) && typeof item.index === 'number' ? item.index : position;
    const vector = isRecord(item) ? item.embedding : undefined;
    if (!Array.isArray(vector) || index < 0 || index >= count || vectors[index]) {
      throw new MalformedResponseError({
        provider,
        message: `embedding #${position} is not a float vector with a unique index (Loom asks for encoding_format "float").`,
      });
    }
    vectors[index] = vector as number[];
  });
  return vectors;
}

/** `doEmbed`: `POST /embeddings`, vectors returned in input order. */
export async function embed(
  runtime: CompatibleRuntime,
  request: EmbedRequest,
  context: CallContext,
): Promise<EmbedResponse> {
  const cancel = callCancel(context);
  if (cancel.aborted) throw cancel.reason;
  const auth = await runtime.auth();
  const body: Record<string, unknown> = {
    model: request.model,
    input: request.input,
    encoding_format: 'float',
  };
  if (request.dimensions !== undefined) body.dimensions = request.dimensions;
  applyProviderOptions(
    body,
    request.providerOptions?.[runtime.type],
    runtime.mapping.allowedOptions,
    {
      providerType: runtime.type,
      providerId: runtime.id,
    },
  );
  const json = await sendJson(runtime.client, {
    method: 'POST',
    path: runtime.paths.embeddings,
    body: JSON.stringify(body),
    auth,
    signal: cancel,
    model: request.model,
  });
  const embeddings = vectorsOf(json, request.input.length, runtime.id);
  const reported = isRecord(json) ? mapUsage(json.usage) : undefined;
  const inputTokens =
    reported?.inputTokens ?? request.input.reduce((sum, text) => sum + roughTokenCount(text), 0);
  return {
    model: isRecord(json) && typeof json.model === 'string' ? json.model : request.model,
    embeddings,
    usage: {
      inputTokens,
      outputTokens: 0,
      totalTokens: inputTokens,
      estimated: reported === undefined,
    },
  };
}
