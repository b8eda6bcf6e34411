import { definePluginModule } from '@loom/core';
import { z } from 'zod';
import { createOpenAI } from './create-openai.js';
import { openAISettingsSchema } from './openai-settings.js';

/** Settings a config file can hold: `OpenAISettings` as plain data (a key, no dispatcher). */
export const openAIConfigSchema = openAISettingsSchema
  .omit({ apiKey: true, dispatcher: true })
  .extend({ apiKey: z.string().min(1, 'must be a non-empty string').optional() });

/**
 * The OpenAI provider as a plugin module (`type: openai` in the gateway's config). A config
 * entry without `apiKey` sends no key: the host's OPENAI_API_KEY is never read behind the config's
 * back, since this entry may point at another host (write `apiKey: "${OPENAI_API_KEY}"`).
 */
export const loomPlugin = definePluginModule({
  kind: 'provider',
  type: 'openai',
  description: 'OpenAI and every OpenAI-compatible server (LM Studio, llama.cpp, Groq, ...)',
  settings: openAIConfigSchema,
  secrets: ['apiKey'],
  create: (settings) => createOpenAI({ ...settings, apiKey: settings.apiKey ?? (() => undefined) }),
});
