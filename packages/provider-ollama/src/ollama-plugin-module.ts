import { definePluginModule } from '@loom/core';
import { createOllama } from './create-ollama.js';
import { ollamaSettingsSchema } from './settings/resolve-settings.js';

/** Settings a config file can hold: `OllamaSettings` as plain data (no dispatcher). */
export const ollamaConfigSchema = ollamaSettingsSchema.omit({ dispatcher: true });

/** The Ollama provider as a plugin module (`type: ollama` in the gateway's config). */
export const loomPlugin = definePluginModule({
  kind: 'provider',
  type: 'ollama',
  description: "Ollama's native API (/api/chat, /api/embed, /api/tags, /api/ps)",
  settings: ollamaConfigSchema,
  create: (settings) => createOllama(settings),
});
