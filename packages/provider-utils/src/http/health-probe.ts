import { type HealthReport, LoomError, ProviderCallError } from '@loom/core';
import { safeText } from '../errors/redact.js';

/** Statuses that say "this upstream has no such endpoint", not "this upstream is down". */
const UNSUPPORTED_PROBE = new Set([404, 405, 501]);

/**
 * A `doHealth` result from one probe call (a model list, a version endpoint): `up` when it
 * resolves, `down` with the reason when it fails (refused, reset, timed out, an error status),
 * and `degraded` with the reason when the endpoint does not exist (404 / 405 / 501): the
 * upstream answers, so its health is unknown and traffic decides. Rejects only with the
 * signal's reason, once it fired: that is the contract of `doHealth`.
 */
export async function probeHealth(
  probe: () => PromiseLike<unknown>,
  options: { signal: AbortSignal; what: string },
): Promise<HealthReport> {
  const { signal } = options;
  signal.throwIfAborted();
  const started = performance.now();
  const latencyMs = () => Math.round(performance.now() - started);
  try {
    await probe();
    return { status: 'up', checkedAt: Date.now(), latencyMs: latencyMs() };
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    if (ProviderCallError.isInstance(error) && UNSUPPORTED_PROBE.has(error.upstreamStatus ?? 0)) {
      const message = `${options.what} answered ${error.upstreamStatus}: this upstream has no such endpoint, so its health is unknown; requests decide.`;
      return { status: 'degraded', checkedAt: Date.now(), latencyMs: latencyMs(), message };
    }
    const message = LoomError.isInstance(error) ? error.message : safeText(String(error), []);
    return { status: 'down', checkedAt: Date.now(), latencyMs: latencyMs(), message };
  }
}
