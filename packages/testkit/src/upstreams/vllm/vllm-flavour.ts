import { STATUS_CODES } from 'node:http';
import { randomId, unixSeconds } from '../answer/ids.js';
import type { ErrorDetail } from '../openai/openai-errors.js';
import type { AnswerUsage, ChatObserver, OpenAIFlavour } from '../openai/openai-flavour.js';

/** vLLM's error `type` for a status: `BadRequestError`, `NotFoundError`, `InternalServerError`. */
export function vllmErrorType(status: number): string {
  if (status === 400) return 'BadRequestError';
  if (status === 500) return 'InternalServerError';
  const words = (STATUS_CODES[status] ?? 'Unknown').replace(/[^A-Za-z ]/g, '').split(' ');
  return `${words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('')}Error`;
}

/** Settings of the vLLM flavour. */
export interface VllmFlavourOptions {
  /** Answer errors in the older top-level `{"object":"error",...}` form. */
  legacyErrors: boolean;
  maxModelLen: number;
  embeddingDimensions: number;
  observer: ChatObserver;
}

const streamUsage = (usage: AnswerUsage) => ({
  prompt_tokens: usage.promptTokens,
  total_tokens: usage.promptTokens + usage.completionTokens,
  completion_tokens: usage.completionTokens,
});

function statusDetail(status: number, model: string | undefined): ErrorDetail {
  const type = vllmErrorType(status);
  if (status === 404) {
    const message = `The model \`${model ?? 'unknown'}\` does not exist.`;
    return { message, type, param: null, code: status };
  }
  const message = STATUS_CODES[status] ?? `HTTP ${status}`;
  return { message, type, param: null, code: status };
}

/**
 * vLLM's OpenAI-compatible server: integer error `code`s (or the legacy top-level form), vLLM's
 * `{"error":"Unauthorized"}` for a wrong key, FastAPI's `{"detail":"Not Found"}`, usage without
 * details, `stop_reason`, `tool_calls: []`, no `usage: null` on chunks, and `[DONE]` after an
 * in-band error.
 */
export function vllmFlavour(options: VllmFlavourOptions): OpenAIFlavour {
  const errorBody = (status: number, detail: ErrorDetail) => {
    const fields = {
      message: detail.message,
      type: vllmErrorType(status),
      param: detail.param,
      code: status,
    };
    return options.legacyErrors ? { object: 'error', ...fields } : { error: fields };
  };
  return {
    errorBody,
    statusDetail,
    refuseKey: (exchange, _provided, headers) =>
      exchange.sendJson(401, { error: 'Unauthorized' }, headers),
    notFound: (exchange, headers) => exchange.sendJson(404, { detail: 'Not Found' }, headers),
    commonHeaders: () => ({}),
    successHeaders: () => ({}),
    usage: (usage) => ({ ...streamUsage(usage), prompt_tokens_details: null }),
    // Stream chunks are serialised without unset fields, so no prompt_tokens_details there.
    streamUsage,
    completionExtras: () => ({
      service_tier: null,
      system_fingerprint: null,
      prompt_logprobs: null,
      kv_transfer_params: null,
    }),
    chunkExtras: () => ({}),
    messageExtras: {
      refusal: null,
      annotations: null,
      audio: null,
      function_call: null,
      tool_calls: [],
      reasoning_content: null,
    },
    choiceExtras: { stop_reason: null },
    roleDeltaExtras: {},
    finishDelta: { content: '' },
    finishChoiceExtras: { stop_reason: null },
    usageNullOnChunks: false,
    doneAfterError: true,
    modelEntry: (id) => ({
      id,
      object: 'model',
      created: unixSeconds(),
      owned_by: 'vllm',
      root: id,
      parent: null,
      max_model_len: options.maxModelLen,
      permission: [
        {
          id: `modelperm-${randomId(32).toLowerCase()}`,
          object: 'model_permission',
          created: unixSeconds(),
          allow_create_engine: false,
          allow_sampling: true,
          allow_logprobs: true,
          allow_search_indices: false,
          allow_view: true,
          allow_fine_tuning: false,
          organization: '*',
          group: null,
          is_blocking: false,
        },
      ],
    }),
    embeddingExtras: (inputTokens) => ({
      id: `embd-${randomId(32).toLowerCase()}`,
      created: unixSeconds(),
      usage: {
        prompt_tokens: inputTokens,
        total_tokens: inputTokens,
        completion_tokens: 0,
        prompt_tokens_details: null,
      },
    }),
    embeddingDimensions: options.embeddingDimensions,
    observer: options.observer,
  };
}
