import type { OpenAISettings } from '@loom/provider-openai';
import { openAISettingsSchema } from '@loom/provider-openai';
import { z } from 'zod';

/** Settings of `createVllm`. Every field is optional. */
export interface VllmSettings
  extends Omit<OpenAISettings, 'organization' | 'project' | 'maxTokensField' | 'baseURL'> {
  /** Provider id, used in `id/model` targets; default `vllm`. */
  id?: string;
  /**
   * The server's origin, e.g. `http://gpu-1:8000`; default env `VLLM_BASE_URL`, else
   * `http://127.0.0.1:8000`. A trailing `/v1` is accepted and stripped: the API lives under
   * `/v1`, `/health` and `/metrics` at the origin.
   */
  baseURL?: string;
  /** Key for servers started with `--api-key`; when omitted, `VLLM_API_KEY` is read per call. */
  apiKey?: OpenAISettings['apiKey'];
  /** How long a `/metrics` reading is reused by `doLoad`, milliseconds; default 1000. */
  loadCacheMs?: number;
}

/** The zod schema of `VllmSettings`. */
export const vllmSettingsSchema: z.ZodType<VllmSettings> = openAISettingsSchema
  .omit({ organization: true, project: true, maxTokensField: true })
  .extend({
    loadCacheMs: z.number().int().nonnegative('must be 0 or a positive integer').optional(),
  });

/**
 * vLLM's own sampling and decoding parameters, accepted in `providerOptions.vllm` besides the
 * shared OpenAI ones.
 */
export const VLLM_PROVIDER_OPTION_KEYS: readonly string[] = [
  'top_k',
  'min_p',
  'repetition_penalty',
  'length_penalty',
  'min_tokens',
  'ignore_eos',
  'skip_special_tokens',
  'spaces_between_special_tokens',
  'include_stop_str_in_output',
  'stop_token_ids',
  'truncate_prompt_tokens',
  'guided_json',
  'guided_regex',
  'guided_choice',
  'guided_grammar',
  'structured_outputs',
  'chat_template_kwargs',
  'add_generation_prompt',
  'continue_final_message',
  'priority',
];
