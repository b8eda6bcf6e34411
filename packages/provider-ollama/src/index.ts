export { createOllama, type OllamaProvider } from './create-ollama.js';
export { loomPlugin, ollamaConfigSchema } from './ollama-plugin-module.js';
export type {
  OllamaModelOverride,
  OllamaSettings,
  ResolvedOllamaSettings,
} from './settings/ollama-settings.js';
