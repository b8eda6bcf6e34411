import { nowMs } from '../clock.js';

/** Sends one request that counts from `startedAt`; never rejects (failures are recorded). */
export type SendOne = (startedAt: number) => Promise<void>;

/** When a run ends: after a number of requests, after a duration, or whichever comes first. */
export interface StopRule {
  requests?: number;
  durationMs?: number;
}

/**
 * Closed loop: `concurrency` workers, each sending its next request as soon as the last one ended.
 * Latency counts from each actual send. Returns the run's wall time, ms.
 */
export async function closedLoop(send: SendOne, concurrency: number, stop: StopRule) {
  const startedAt = nowMs();
  const deadline = stop.durationMs === undefined ? Infinity : startedAt + stop.durationMs;
  const limit = stop.requests ?? Infinity;
  let issued = 0;
  const worker = async () => {
    while (issued < limit && nowMs() < deadline) {
      issued += 1;
      await send(nowMs());
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return nowMs() - startedAt;
}

/**
 * Open loop: requests are scheduled at a constant rate whatever the target does, and each one's
 * latency counts from its scheduled time, so a slow target cannot hide its queueing (no
 * coordinated omission). Sends that would pass `maxInFlight` are skipped and counted.
 */
export async function openLoop(
  send: SendOne,
  ratePerSecond: number,
  stop: StopRule,
  options: { maxInFlight: number; onSkip: () => void },
) {
  const byDuration =
    stop.durationMs === undefined ? Infinity : (ratePerSecond * stop.durationMs) / 1000;
  const total = Math.floor(Math.min(stop.requests ?? Infinity, byDuration));
  if (!Number.isFinite(total))
    throw new Error('an open-loop run needs a request count or a duration');
  const interval = 1000 / ratePerSecond;
  const startedAt = nowMs();
  const pending = new Set<Promise<void>>();
  let index = 0;
  while (index < total) {
    const now = nowMs();
    while (index < total && startedAt + index * interval <= now) {
      const scheduled = startedAt + index * interval;
      index += 1;
      if (pending.size >= options.maxInFlight) {
        options.onSkip();
        continue;
      }
      const request = send(scheduled).finally(() => pending.delete(request));
      pending.add(request);
    }
    if (index < total) await waitUntil(startedAt + index * interval);
  }
  await Promise.all(pending);
  return nowMs() - startedAt;
}

function waitUntil(at: number): Promise<void> {
  const delay = at - nowMs();
  // Timers are millisecond-grained; for shorter waits yield to I/O and check again.
  return new Promise((resolve) => {
    if (delay >= 1) setTimeout(resolve, Math.floor(delay));
    else setImmediate(resolve);
  });
}
