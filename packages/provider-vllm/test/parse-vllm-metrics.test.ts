import { describe, expect, it } from 'vitest';
import { parseVllmMetrics } from '../src/index.js';

// The shape vLLM 0.11 exposes (trimmed): gauges per model_name, counters and histograms besides.
const metrics = `# HELP vllm:num_requests_running Number of requests in model execution batches.
# TYPE vllm:num_requests_running gauge
vllm:num_requests_running{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 4.0
vllm:num_requests_running{engine="0",model_name="Qwen/Qwen2.5-7B"} 2.0
# HELP vllm:num_requests_waiting Number of requests waiting to be processed.
# TYPE vllm:num_requests_waiting gauge
vllm:num_requests_waiting{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 11.0
vllm:num_requests_waiting{engine="0",model_name="Qwen/Qwen2.5-7B"} 1.0
# HELP vllm:kv_cache_usage_perc KV-cache usage. 1 means 100 percent usage.
# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.25
vllm:kv_cache_usage_perc{engine="0",model_name="Qwen/Qwen2.5-7B"} 0.125
# HELP vllm:prompt_tokens_total Number of prefill tokens processed.
# TYPE vllm:prompt_tokens_total counter
vllm:prompt_tokens_total{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 18342.0
# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.
# TYPE vllm:time_to_first_token_seconds histogram
vllm:time_to_first_token_seconds_bucket{engine="0",le="0.001",model_name="meta-llama/Llama-3.1-8B-Instruct"} 0.0
vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="meta-llama/Llama-3.1-8B-Instruct"} 12.0
vllm:time_to_first_token_seconds_count{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 12.0
vllm:time_to_first_token_seconds_sum{engine="0",model_name="meta-llama/Llama-3.1-8B-Instruct"} 1.5
`;

describe('parseVllmMetrics', () => {
  it('sums the load gauges over model_name series', () => {
    expect(parseVllmMetrics(metrics, 123)).toEqual({
      observedAt: 123,
      running: 6,
      waiting: 12,
      kvCacheUsage: 0.375,
    });
  });

  it('falls back to the pre-0.10 gpu_cache_usage_perc name', () => {
    const legacy = `# TYPE vllm:gpu_cache_usage_perc gauge
vllm:gpu_cache_usage_perc{model_name="m"} 0.5
`;
    expect(parseVllmMetrics(legacy, 1)).toEqual({ observedAt: 1, kvCacheUsage: 0.5 });
  });

  it('caps KV-cache usage at 1 and leaves out gauges the server lacks', () => {
    const over = `# TYPE vllm:kv_cache_usage_perc gauge
vllm:kv_cache_usage_perc{model_name="a"} 0.75
vllm:kv_cache_usage_perc{model_name="b"} 0.75
`;
    expect(parseVllmMetrics(over, 1)).toEqual({ observedAt: 1, kvCacheUsage: 1 });
    expect(parseVllmMetrics('', 1)).toEqual({ observedAt: 1 });
  });
});
