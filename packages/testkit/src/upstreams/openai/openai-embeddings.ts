import { hashEmbedding } from '../../internal/hash-embedding.js';
import { countSimulatedTokens } from '../answer/simulated-tokens.js';
import { invalidJson, invalidParameter, modelNotFound, type WireError } from './openai-errors.js';
import type { OpenAIFlavour } from './openai-flavour.js';

/** Float32 little-endian bytes in base64: what `encoding_format: "base64"` asks for. */
function toBase64(vector: readonly number[]): string {
  return Buffer.from(new Float32Array(vector).buffer).toString('base64');
}

/** The texts of an `input` (token-id arrays become their ids as text, so they stay stable). */
function inputTexts(input: unknown): string[] | undefined {
  if (typeof input === 'string') return [input];
  if (!Array.isArray(input) || input.length === 0) return undefined;
  if (input.every((item) => typeof item === 'string')) return input as string[];
  if (input.every((item) => typeof item === 'number')) return [input.join(' ')];
  if (input.every(Array.isArray)) return input.map((ids) => (ids as unknown[]).join(' '));
  return undefined;
}

/**
 * The `/v1/embeddings` answer: one deterministic unit vector per input (equal texts, equal
 * vectors), `dimensions` honoured, float arrays or base64 as asked. Usage counts every input.
 */
export function embeddingsAnswer(
  body: unknown,
  models: readonly string[],
  flavour: OpenAIFlavour,
): { body: Record<string, unknown>; inputTokens: number } | WireError {
  if (typeof body !== 'object' || body === null) return invalidJson();
  const request = body as Record<string, unknown>;
  if (typeof request.model !== 'string') {
    return invalidParameter('model', 'you must provide a model parameter');
  }
  const texts = inputTexts(request.input);
  if (!texts) {
    return invalidParameter('input', "'input' must be a non-empty string or array of strings.");
  }
  if (!models.includes(request.model)) return modelNotFound(request.model);
  const dimensions =
    typeof request.dimensions === 'number' ? request.dimensions : flavour.embeddingDimensions;
  const base64 = request.encoding_format === 'base64';
  const data = texts.map((text, index) => {
    const vector = hashEmbedding(text, dimensions);
    return { object: 'embedding', index, embedding: base64 ? toBase64(vector) : vector };
  });
  const inputTokens = texts.reduce((sum, text) => sum + countSimulatedTokens(text), 0);
  return {
    inputTokens,
    body: {
      object: 'list',
      data,
      model: request.model,
      usage: { prompt_tokens: inputTokens, total_tokens: inputTokens },
      ...flavour.embeddingExtras(inputTokens),
    },
  };
}
