export { createOpenAI, lmStudio, type OpenAIProvider } from './create-openai.js';
export { loomPlugin, openAIConfigSchema } from './openai-plugin-module.js';
export {
  type OpenAISettings,
  openAISettingsSchema,
  type ResolvedOpenAISettings,
} from './openai-settings.js';
