export { createOllama, type OllamaProvider } from './create-ollama.js';
export type {
  OllamaModelOverride,
  OllamaSettings,
  ResolvedOllamaSettings,
} from './settings/ollama-settings.js';
