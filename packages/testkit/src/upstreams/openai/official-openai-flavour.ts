import { randomId } from '../answer/ids.js';
import { invalidApiKey, openAIStatusDetail } from './openai-errors.js';
import type { AnswerUsage, OpenAIFlavour } from './openai-flavour.js';

/** OpenAI's usage object, details included. */
const openAIUsage = (usage: AnswerUsage) => ({
  prompt_tokens: usage.promptTokens,
  completion_tokens: usage.completionTokens,
  total_tokens: usage.promptTokens + usage.completionTokens,
  prompt_tokens_details: { cached_tokens: usage.cachedTokens, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: usage.reasoningTokens,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
});

/** Stable per server, as a deployment's fingerprint is. */
const fingerprint = () => `fp_${randomId(10).toLowerCase()}`;

/** OpenAI itself: `{"error":{...}}` bodies, rate-limit headers, usage details. */
export function officialOpenAIFlavour(embeddingDimensions: number): OpenAIFlavour {
  const systemFingerprint = fingerprint();
  const errorBody = (_status: number, detail: unknown) => ({ error: detail });
  return {
    errorBody,
    statusDetail: openAIStatusDetail,
    refuseKey: (exchange, provided, headers) => {
      const { status, detail } = invalidApiKey(provided);
      exchange.sendJson(status, errorBody(status, detail), headers);
    },
    notFound: (exchange, headers) => {
      const method = exchange.request.method ?? 'GET';
      const detail = {
        message: `Invalid URL (${method} ${exchange.path})`,
        type: 'invalid_request_error',
        param: null,
        code: null,
      };
      exchange.sendJson(404, errorBody(404, detail), headers);
    },
    commonHeaders: () => ({ 'x-request-id': `req_${randomId(32).toLowerCase()}` }),
    successHeaders: () => ({
      'openai-version': '2020-10-01',
      'openai-processing-ms': 1,
      'x-ratelimit-limit-requests': 10_000,
      'x-ratelimit-limit-tokens': 200_000,
      'x-ratelimit-remaining-requests': 9_999,
      'x-ratelimit-remaining-tokens': 199_990,
      'x-ratelimit-reset-requests': '6ms',
      'x-ratelimit-reset-tokens': '3ms',
    }),
    usage: openAIUsage,
    streamUsage: openAIUsage,
    completionExtras: () => ({ service_tier: 'default', system_fingerprint: systemFingerprint }),
    chunkExtras: () => ({ service_tier: 'default', system_fingerprint: systemFingerprint }),
    messageExtras: { refusal: null, annotations: [] },
    choiceExtras: {},
    roleDeltaExtras: { refusal: null },
    finishDelta: {},
    finishChoiceExtras: {},
    usageNullOnChunks: true,
    doneAfterError: false,
    modelEntry: (id) => ({ id, object: 'model', created: 1_721_172_741, owned_by: 'system' }),
    embeddingExtras: () => ({}),
    embeddingDimensions,
  };
}
