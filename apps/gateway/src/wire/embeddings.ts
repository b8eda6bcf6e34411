import type { EmbedResponse } from '@loom/core';
import { z } from 'zod';
import { GatewayError } from '../errors/gateway-error.js';
import { assertNoRoutingOverride } from './forbidden-keys.js';
import { zodToGatewayError } from './zod-to-gateway-error.js';

const embeddingsRequestSchema = z.strictObject({
  model: z.string().min(1),
  input: z.union([z.string().min(1), z.array(z.string().min(1)).min(1).max(2048)]),
  dimensions: z.number().int().positive().optional(),
  encoding_format: z.enum(['float', 'base64']).optional(),
  user: z.string().optional(),
});

/** A parsed embeddings request. */
export interface ParsedEmbeddingsRequest {
  model: string;
  input: string | string[];
  dimensions?: number;
  user?: string;
  encoding: 'float' | 'base64';
}

/** Reads an OpenAI embeddings body; 400 naming the field when it is wrong. */
export function parseEmbeddingsRequest(body: unknown): ParsedEmbeddingsRequest {
  assertNoRoutingOverride(body);
  const parsed = embeddingsRequestSchema.safeParse(body);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    if (first?.path[0] === 'input') {
      throw new GatewayError({
        status: 400,
        type: 'invalid_request_error',
        param: 'input',
        message:
          "'input' must be a string or an array of strings (token arrays are not supported).",
      });
    }
    throw zodToGatewayError(parsed.error);
  }
  const { encoding_format: encoding = 'float', ...rest } = parsed.data;
  return { ...rest, encoding };
}

/** A float vector as OpenAI's base64: the little-endian float32 bytes. */
function toBase64(vector: readonly number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** Loom's embeddings as OpenAI's `list` of `embedding` objects, `model` as asked. */
export function formatEmbeddings(
  response: EmbedResponse,
  options: { model: string; encoding: 'float' | 'base64' },
) {
  return {
    object: 'list' as const,
    data: response.embeddings.map((vector, index) => ({
      object: 'embedding' as const,
      index,
      embedding: options.encoding === 'base64' ? toBase64(vector) : vector,
    })),
    model: options.model,
    usage: {
      prompt_tokens: response.usage.inputTokens,
      total_tokens: response.usage.inputTokens,
    },
  };
}
