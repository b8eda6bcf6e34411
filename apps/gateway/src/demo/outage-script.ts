import type { SimulatedUpstream } from '@loom/testkit';

/** When the scripted outage happens, relative to the demo's start. */
export interface OutageTimeline {
  startMs: number;
  durationMs: number;
}

/** The demo's default: the hosted API fails for 20 s, 15 s in. */
export const DEFAULT_OUTAGE: OutageTimeline = { startMs: 15_000, durationMs: 20_000 };

const CHAT_PATH = '/v1/chat/completions';

/** A scheduled outage; `cancel` clears its timers and any fault it injected. */
export interface ScheduledOutage {
  cancel(): void;
}

/**
 * Makes `upstream` answer chat requests with a 503 from `startMs` for `durationMs`, through the
 * simulator's fault rules, then lets it recover. Its model list (the active health check) keeps
 * answering, as in a partial outage: the breaker, fed by real traffic, has to notice.
 */
export function scheduleOutage(
  upstream: SimulatedUpstream,
  timeline: OutageTimeline,
  announce: (phase: 'start' | 'end') => void,
): ScheduledOutage {
  const timers: NodeJS.Timeout[] = [];
  timers.push(
    setTimeout(() => {
      upstream.inject({
        path: CHAT_PATH,
        fault: {
          type: 'status',
          status: 503,
          body: {
            error: {
              message: 'The server is overloaded or not ready yet.',
              type: 'server_error',
              code: null,
              param: null,
            },
          },
        },
      });
      announce('start');
    }, timeline.startMs),
    setTimeout(() => {
      upstream.clearFaults();
      announce('end');
    }, timeline.startMs + timeline.durationMs),
  );
  return {
    cancel() {
      for (const timer of timers) clearTimeout(timer);
      upstream.clearFaults();
    },
  };
}
