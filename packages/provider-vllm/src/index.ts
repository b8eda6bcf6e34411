export { createVllm, type ResolvedVllmSettings, type VllmProvider } from './create-vllm.js';
export { parseVllmMetrics } from './parse-vllm-metrics.js';
export { parseVllmErrorBody } from './vllm-error-body.js';
export { loomPlugin, vllmConfigSchema } from './vllm-plugin-module.js';
export {
  VLLM_PROVIDER_OPTION_KEYS,
  type VllmSettings,
  vllmSettingsSchema,
} from './vllm-settings.js';
