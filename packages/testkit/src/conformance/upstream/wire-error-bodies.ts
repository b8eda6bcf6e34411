/** The wires Loom ships a simulator for. */
export type UpstreamWire = 'openai' | 'ollama' | 'vllm';

/** Error bodies in a wire's own shape, for the checks whose outcome depends on the body. */
export interface WireErrorBodies {
  /** A 400 body saying the prompt exceeds the context window. */
  contextLength?: unknown;
  /** A 429 body saying the account's quota is spent (no retry hint may be read from it). */
  insufficientQuota?: unknown;
  /** A 401 body for a wrong API key; default: the server's generic error body. */
  unauthorized?: unknown;
  /** A 200 body with a JSON content type that is not valid JSON; default '{"'. */
  unparseable?: string;
}

const openAI = (
  message: string,
  type: string,
  code: string | null,
  param: string | null = null,
) => ({
  error: { message, type, param, code },
});

const vllm = (status: number, message: string, type: string) => ({
  error: { message, type, param: null, code: status },
});

const CONTEXT_OPENAI =
  "This model's maximum context length is 128000 tokens. However, your messages resulted in 130542 tokens. Please reduce the length of the messages.";
const CONTEXT_VLLM =
  "This model's maximum context length is 8192 tokens. However, you requested 9216 tokens (8192 in the messages, 1024 in the completion). Please reduce the length of the messages or completion.";
const QUOTA =
  'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.';
const UNAUTHORIZED_OPENAI =
  'Incorrect API key provided: sk-***********************Ab1x. You can find your API key at https://platform.openai.com/account/api-keys.';

// The same shapes as the fixtures in `__fixtures__`; each unparseable body is the start of the
// wire's real answer, cut off, as a proxy that dropped the connection would leave it.
const BUILT_IN: Record<UpstreamWire, WireErrorBodies> = {
  openai: {
    contextLength: openAI(
      CONTEXT_OPENAI,
      'invalid_request_error',
      'context_length_exceeded',
      'messages',
    ),
    insufficientQuota: openAI(QUOTA, 'insufficient_quota', 'insufficient_quota'),
    unauthorized: openAI(UNAUTHORIZED_OPENAI, 'invalid_request_error', 'invalid_api_key'),
    unparseable: '{"id":"chatcmpl-',
  },
  vllm: {
    contextLength: vllm(400, CONTEXT_VLLM, 'BadRequestError'),
    insufficientQuota: vllm(429, QUOTA, 'insufficient_quota'),
    // vLLM's --api-key middleware answers with a bare string, not its usual error object.
    unauthorized: { error: 'Unauthorized' },
    unparseable: '{"id":"chatcmpl-',
  },
  // Ollama has no quota.
  ollama: {
    contextLength: { error: 'the input length exceeds the context length' },
    unauthorized: { error: 'unauthorized' },
    unparseable: '{"model":"x","created_at":',
  },
};

/** The real error bodies of a built-in wire, for `UpstreamConformanceOptions.errorBodies`. */
export function wireErrorBodies(wire: UpstreamWire): WireErrorBodies {
  return { ...BUILT_IN[wire] };
}
