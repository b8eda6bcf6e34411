import { definePluginModule } from '@loom/core';
import { openAISettingsSchema } from '@loom/provider-openai';
import { z } from 'zod';
import { createVllm } from './create-vllm.js';

/** Settings a config file can hold: `VllmSettings` as plain data (a key, no dispatcher). */
export const vllmConfigSchema = openAISettingsSchema
  .omit({
    organization: true,
    project: true,
    maxTokensField: true,
    apiKey: true,
    dispatcher: true,
  })
  .extend({
    apiKey: z.string().min(1, 'must be a non-empty string').optional(),
    loadCacheMs: z.number().int().nonnegative('must be 0 or a positive integer').optional(),
  });

/**
 * The vLLM provider as a plugin module (`type: vllm`). Without `apiKey` no key is sent:
 * VLLM_API_KEY is not read behind the config's back (write `apiKey: "${VLLM_API_KEY}"`).
 */
export const loomPlugin = definePluginModule({
  kind: 'provider',
  type: 'vllm',
  description: 'vLLM: OpenAI-compatible API, /health, and /metrics as a live load signal',
  settings: vllmConfigSchema,
  secrets: ['apiKey'],
  create: (settings) => createVllm({ ...settings, apiKey: settings.apiKey ?? (() => undefined) }),
});
