import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ChatObserver, ChatTracker } from '../openai/openai-flavour.js';

/** A load reading the vLLM simulator reports, as `setLoad` takes it. */
export interface VllmLoad {
  /** Requests being generated besides the simulator's own in-flight ones. */
  running?: number;
  /** Requests queued. */
  waiting?: number;
  /** KV-cache usage, 0 to 1. */
  kvCacheUsage?: number;
}

// vLLM's own bucket boundaries, so dashboards built on the real metrics read these the same way.
const TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
  160, 640, 2560,
];
const E2E_BUCKETS = [
  0.3, 0.5, 0.8, 1, 1.5, 2, 2.5, 5, 10, 15, 20, 30, 40, 50, 60, 120, 240, 480, 960, 1920, 7680,
];
const ITL_BUCKETS = [
  0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40, 80,
];

/**
 * vLLM's Prometheus metrics for one served model, in a registry of its own (never prom-client's
 * global one, so two simulators in a process never mix). In-flight chat requests count in
 * `vllm:num_requests_running` on top of the `running` load a test sets.
 */
export function createVllmMetrics(model: string, initial: VllmLoad = {}) {
  const registry = new Registry();
  // vLLM's V1 engine labels every series with the model and the engine index.
  const labels = { model_name: model, engine: '0' };
  const load: Required<VllmLoad> = { running: 0, waiting: 0, kvCacheUsage: 0, ...initial };
  let inFlight = 0;
  const registers = [registry];
  const labelNames = ['model_name', 'engine'] as const;
  const gauge = (name: string, help: string, read: () => number) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers,
      collect() {
        this.set(labels, read());
      },
    });
  gauge(
    'vllm:num_requests_running',
    'Number of requests in model execution batches.',
    () => load.running + inFlight,
  );
  gauge(
    'vllm:num_requests_waiting',
    'Number of requests waiting to be processed.',
    () => load.waiting,
  );
  gauge(
    'vllm:kv_cache_usage_perc',
    'KV-cache usage. 1 means 100 percent usage.',
    () => load.kvCacheUsage,
  );
  const counter = (name: string, help: string, names: readonly string[] = labelNames) =>
    new Counter({ name, help, labelNames: names, registers });
  const promptTokens = counter('vllm:prompt_tokens_total', 'Number of prefill tokens processed.');
  const generationTokens = counter(
    'vllm:generation_tokens_total',
    'Number of generation tokens processed.',
  );
  const success = counter(
    'vllm:request_success_total',
    'Count of successfully processed requests.',
    [...labelNames, 'finished_reason'],
  );
  const histogram = (name: string, help: string, buckets: number[]) =>
    new Histogram({ name, help, labelNames, buckets, registers });
  const ttft = histogram(
    'vllm:time_to_first_token_seconds',
    'Histogram of time to first token in seconds.',
    TTFT_BUCKETS,
  );
  const e2e = histogram(
    'vllm:e2e_request_latency_seconds',
    'Histogram of e2e request latency in seconds.',
    E2E_BUCKETS,
  );
  const itl = histogram(
    'vllm:inter_token_latency_seconds',
    'Histogram of inter-token latency in seconds.',
    ITL_BUCKETS,
  );

  const observer: ChatObserver = {
    start(): ChatTracker {
      inFlight += 1;
      const started = performance.now();
      let last: number | undefined;
      let ended = false;
      return {
        token() {
          const now = performance.now();
          if (last === undefined) ttft.observe(labels, (now - started) / 1_000);
          else itl.observe(labels, (now - last) / 1_000);
          last = now;
        },
        end({ completed, usage, finishReason }) {
          if (ended) return;
          ended = true;
          inFlight -= 1;
          if (!completed) return;
          promptTokens.inc(labels, usage.promptTokens);
          generationTokens.inc(labels, usage.completionTokens);
          success.inc({
            ...labels,
            finished_reason: finishReason === 'length' ? 'length' : 'stop',
          });
          e2e.observe(labels, (performance.now() - started) / 1_000);
        },
      };
    },
  };

  return {
    registry,
    observer,
    setLoad(next: VllmLoad) {
      Object.assign(
        load,
        Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)),
      );
    },
  };
}
