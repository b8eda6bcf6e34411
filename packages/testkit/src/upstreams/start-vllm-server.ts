import { createOpenAIWire } from './openai/openai-wire.js';
import { startUpstream } from './server/start-upstream.js';
import { pacingOf } from './server/stream-writer.js';
import type { WireDefinition } from './server/wire.js';
import type { SimulatedBehaviour, SimulatedUpstream } from './simulated-upstream.js';
import { vllmFlavour } from './vllm/vllm-flavour.js';
import { createVllmMetrics, type VllmLoad } from './vllm/vllm-metrics.js';

export type { VllmLoad } from './vllm/vllm-metrics.js';

/** Options of `startVllmServer`. */
export interface VllmServerOptions extends SimulatedBehaviour {
  /** Whether `/health` answers 200 (true, default) or 503 (a dead engine). */
  healthy?: boolean;
  /** Load reported by `/metrics` at start. */
  load?: VllmLoad;
  /** Answer errors in vLLM's older top-level form `{"object":"error","message",...}`. */
  legacyErrors?: boolean;
  /** `max_model_len` in `/v1/models`; default 8192. */
  maxModelLen?: number;
  /** Vector length when a request has no `dimensions`; default 384 (BAAI/bge-small-en). */
  embeddingDimensions?: number;
  /** `GET /version`'s answer; default `0.11.0`. */
  version?: string;
}

/** A running vLLM simulator. */
export interface VllmUpstream extends SimulatedUpstream {
  /** Makes `/health` answer 200 (true) or 503 (false). Chat routes are unaffected. */
  setHealthy(healthy: boolean): void;
  /** Sets the load `/metrics` reports; fields left out keep their value. */
  setLoad(load: VllmLoad): void;
}

/** Models the vLLM simulator serves by default. */
export const VLLM_DEFAULT_MODELS = [
  'meta-llama/Llama-3.1-8B-Instruct',
  'BAAI/bge-small-en',
] as const;

/**
 * Starts a simulated vLLM OpenAI-compatible server on 127.0.0.1 (`baseURL` is `${url}/v1`): the
 * OpenAI routes with vLLM's differences, plus `/health`, `/version` and Prometheus `/metrics`
 * (label `model_name`, for the first served model) at the origin.
 */
export async function startVllmServer(options: VllmServerOptions = {}): Promise<VllmUpstream> {
  const pacing = pacingOf(options);
  const models = options.models ?? [...VLLM_DEFAULT_MODELS];
  const metrics = createVllmMetrics(models[0] ?? 'unknown', options.load);
  let healthy = options.healthy ?? true;
  const base = createOpenAIWire({
    flavour: vllmFlavour({
      legacyErrors: options.legacyErrors ?? false,
      maxModelLen: options.maxModelLen ?? 8192,
      embeddingDimensions: options.embeddingDimensions ?? 384,
      observer: metrics.observer,
    }),
    models,
    pacing,
    apiKey: options.apiKey,
    reply: options.reply,
  });
  const version = options.version ?? '0.11.0';
  const wire: WireDefinition = {
    ...base,
    route(method, path) {
      if (method === 'GET' && path === '/health') {
        return (exchange) => exchange.send(healthy ? 200 : 503, '');
      }
      if (method === 'GET' && path === '/metrics') {
        return async (exchange) => {
          const text = await metrics.registry.metrics();
          exchange.send(200, text, { 'content-type': metrics.registry.contentType });
        };
      }
      if (method === 'GET' && path === '/version') {
        return (exchange) => exchange.sendJson(200, { version });
      }
      return base.route(method, path);
    },
    // vLLM's /health answers its failures with an empty body.
    statusFault: (exchange, status, headers) =>
      exchange.path === '/health'
        ? exchange.send(status, '', headers)
        : base.statusFault(exchange, status, headers),
  };
  const upstream = await startUpstream({
    wire,
    latencyMs: pacing.latencyMs,
    baseURL: (origin) => `${origin}/v1`,
  });
  return {
    ...upstream,
    setHealthy: (value) => {
      healthy = value;
    },
    setLoad: (load) => metrics.setLoad(load),
  };
}
