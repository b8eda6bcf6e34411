/** The wires a simulated upstream speaks. */
export type UpstreamWire = 'openai' | 'ollama' | 'vllm';

/** Error bodies the simulators have no default for, in each wire's real shape. */
export type SpecialError = 'context-length' | 'insufficient-quota' | 'unauthorized';

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

/**
 * The body a real upstream of `wire` sends for `kind` (the same shapes as the fixtures in
 * `__fixtures__`). `undefined` when the wire has no such error (Ollama has no quota).
 */
export function wireErrorBody(wire: UpstreamWire, kind: SpecialError): unknown {
  switch (kind) {
    case 'context-length':
      if (wire === 'openai') {
        return openAI(
          CONTEXT_OPENAI,
          'invalid_request_error',
          'context_length_exceeded',
          'messages',
        );
      }
      if (wire === 'vllm') return vllm(400, CONTEXT_VLLM, 'BadRequestError');
      return { error: 'the input length exceeds the context length' };
    case 'insufficient-quota':
      if (wire === 'ollama') return undefined;
      return wire === 'openai'
        ? openAI(QUOTA, 'insufficient_quota', 'insufficient_quota')
        : vllm(429, QUOTA, 'insufficient_quota');
    case 'unauthorized':
      // vLLM's --api-key middleware answers with a bare string, not its usual error object.
      if (wire === 'vllm') return { error: 'Unauthorized' };
      if (wire === 'ollama') return { error: 'unauthorized' };
      return openAI(
        'Incorrect API key provided: sk-***********************Ab1x. You can find your API key at https://platform.openai.com/account/api-keys.',
        'invalid_request_error',
        'invalid_api_key',
      );
  }
}
