import { type HealthReport, LoomError } from '@loom/core';
import type { OpenAICompatibleClient } from '@loom/provider-openai/compatible';

/**
 * vLLM's `GET /health` (at the origin, not under `/v1`): 200 with an empty body is up; 503 means
 * the engine died while the API stayed up; no answer is down with the reason. Rejects only with
 * the caller's abort reason.
 */
export async function checkVllmHealth(
  client: OpenAICompatibleClient,
  { signal }: { signal: AbortSignal },
): Promise<HealthReport> {
  signal.throwIfAborted();
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const { status } = await client.get('/health', { signal });
    if (status >= 200 && status < 300) {
      return { status: 'up', checkedAt: Date.now(), latencyMs: elapsed() };
    }
    if (status === 404 || status === 405 || status === 501) {
      // A proxy in front of vLLM may not pass /health on: that says nothing about the engine.
      const message = `GET /health answered ${status}: this upstream has no health endpoint, so its health is unknown; requests decide.`;
      return { status: 'degraded', checkedAt: Date.now(), latencyMs: elapsed(), message };
    }
    const message =
      status === 503
        ? 'vLLM answered /health with 503: its engine is not running. Check the server log and restart it.'
        : `vLLM answered /health with ${status}.`;
    return { status: 'down', checkedAt: Date.now(), latencyMs: elapsed(), message };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    const message = LoomError.isInstance(error) ? error.message : 'the health check failed.';
    return { status: 'down', checkedAt: Date.now(), latencyMs: elapsed(), message };
  }
}
