import { officialOpenAIFlavour } from './openai/official-openai-flavour.js';
import { createOpenAIWire } from './openai/openai-wire.js';
import { startUpstream } from './server/start-upstream.js';
import { pacingOf } from './server/stream-writer.js';
import type { SimulatedBehaviour, SimulatedUpstream } from './simulated-upstream.js';

/** Options of `startOpenAIServer`. */
export interface OpenAIServerOptions extends SimulatedBehaviour {
  /** Reported as `usage.prompt_tokens_details.cached_tokens` (capped at the prompt); default 0. */
  cachedTokens?: number;
  /**
   * Hidden reasoning tokens per answer: added to `completion_tokens` and reported as
   * `usage.completion_tokens_details.reasoning_tokens`; default 0.
   */
  reasoningTokens?: number;
  /** Vector length when a request has no `dimensions`; default 1536 (text-embedding-3-small). */
  embeddingDimensions?: number;
}

/** Models the OpenAI simulator serves by default. */
export const OPENAI_DEFAULT_MODELS = ['gpt-4o-mini', 'text-embedding-3-small'] as const;

/**
 * Starts a simulated OpenAI API on 127.0.0.1 (`baseURL` is `${url}/v1`): chat completions (JSON
 * and SSE, tools, JSON formats, `stream_options.include_usage`), embeddings and the model list,
 * with OpenAI's headers and error bodies, fault injection and pacing.
 */
export function startOpenAIServer(options: OpenAIServerOptions = {}): Promise<SimulatedUpstream> {
  const pacing = pacingOf(options);
  const wire = createOpenAIWire({
    flavour: officialOpenAIFlavour(options.embeddingDimensions ?? 1536),
    models: options.models ?? [...OPENAI_DEFAULT_MODELS],
    pacing,
    apiKey: options.apiKey,
    reply: options.reply,
    cachedTokens: options.cachedTokens,
    reasoningTokens: options.reasoningTokens,
  });
  return startUpstream({ wire, latencyMs: pacing.latencyMs, baseURL: (origin) => `${origin}/v1` });
}
