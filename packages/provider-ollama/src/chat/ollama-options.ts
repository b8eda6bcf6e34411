import type { JSONObject, JSONValue } from '@loom/core';

/**
 * Model options Ollama reads from `options` (its Modelfile parameters, docs/api.md). Only these
 * pass through from `providerOptions.ollama`; anything else is dropped, so a request cannot
 * smuggle unknown fields to the server.
 */
export const OLLAMA_MODEL_OPTIONS: ReadonlySet<string> = new Set([
  'numa',
  'num_ctx',
  'num_batch',
  'num_gpu',
  'main_gpu',
  'low_vram',
  'f16_kv',
  'logits_all',
  'vocab_only',
  'use_mmap',
  'use_mlock',
  'embedding_only',
  'num_thread',
  'num_keep',
  'seed',
  'num_predict',
  'top_k',
  'top_p',
  'min_p',
  'tfs_z',
  'typical_p',
  'repeat_last_n',
  'temperature',
  'repeat_penalty',
  'presence_penalty',
  'frequency_penalty',
  'mirostat',
  'mirostat_tau',
  'mirostat_eta',
  'penalize_newline',
  'stop',
]);

/** Request fields (outside `options`) that `providerOptions.ollama` may set. */
export const OLLAMA_CHAT_FIELDS: ReadonlySet<string> = new Set(['keep_alive', 'think']);
export const OLLAMA_EMBED_FIELDS: ReadonlySet<string> = new Set(['keep_alive', 'truncate']);

/** `providerOptions.ollama` split into model options and top-level request fields. */
export interface SplitOptions {
  options: Record<string, JSONValue>;
  fields: Record<string, JSONValue>;
}

/** Picks the known keys out of `providerOptions.ollama` (a nested `options` object counts too). */
export function splitProviderOptions(
  raw: JSONObject | undefined,
  fieldNames: ReadonlySet<string>,
): SplitOptions {
  const options: Record<string, JSONValue> = {};
  const fields: Record<string, JSONValue> = {};
  if (!raw) return { options, fields };
  const nested = raw.options;
  const sources =
    nested && typeof nested === 'object' && !Array.isArray(nested) ? [nested, raw] : [raw];
  for (const source of sources) {
    for (const [key, value] of Object.entries(source)) {
      if (value === undefined) continue;
      if (OLLAMA_MODEL_OPTIONS.has(key)) options[key] = value;
      else if (fieldNames.has(key)) fields[key] = value;
    }
  }
  return { options, fields };
}
