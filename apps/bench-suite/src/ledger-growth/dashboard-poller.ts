import { Pool } from 'undici';
import { largest, quantile } from './percentiles.js';

/** What the poller saw while it ran. */
export interface PollerFigures {
  /** Completed polls (each one all of the page's GETs at once). */
  polls: number;
  failed: number;
  /** Time of one whole poll (its slowest GET), ms. */
  pollP50Ms: number;
  pollMaxMs: number;
  /** `/api/costs?groupBy=model` alone within the polls, ms. */
  costsP50Ms: number;
  costsMaxMs: number;
}

// What apps/gateway/src/dashboard/dashboard-page/dashboard.js `poll()` asks for, with the page's
// default `window` and `step`; the page loads `/v1/models` once, after its first poll.
const POLL_PATHS = [
  '/api/providers',
  '/api/stats?window=3m&step=3s',
  '/api/costs?groupBy=provider',
  '/api/costs?groupBy=model',
  '/api/alerts?limit=20',
] as const;
const COSTS_PATH = '/api/costs?groupBy=model';
// The page waits this long after a poll completes before the next (its `setTimeout`).
const POLL_MS = 1500;

/**
 * An open dashboard tab: every 1.5 s after the previous poll finished, the page's GETs at once,
 * on connections of its own (a browser does not share the API clients' sockets).
 */
export function startDashboardPoller(base: string): { stop(): Promise<PollerFigures> } {
  const pool = new Pool(base, { connections: POLL_PATHS.length });
  const pollsMs: number[] = [];
  const costsMs: number[] = [];
  let failed = 0;
  let stopped = false;
  let wake: (() => void) | undefined;

  const get = async (path: string) => {
    const started = performance.now();
    const response = await pool.request({
      method: 'GET',
      path,
      headers: { accept: 'application/json' },
    });
    await response.body.text();
    if (response.statusCode !== 200) throw new Error(`${path}: HTTP ${response.statusCode}`);
    if (path === COSTS_PATH) costsMs.push(performance.now() - started);
  };

  const loop = async () => {
    let modelsLoaded = false;
    while (!stopped) {
      const started = performance.now();
      try {
        await Promise.all(POLL_PATHS.map(get));
        pollsMs.push(performance.now() - started);
        if (!modelsLoaded) {
          await get('/v1/models');
          modelsLoaded = true;
        }
      } catch {
        failed += 1;
      }
      if (stopped) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
        setTimeout(resolve, POLL_MS);
      });
    }
  };
  const running = loop();

  return {
    async stop() {
      stopped = true;
      wake?.();
      await running;
      await pool.close();
      return {
        polls: pollsMs.length,
        failed,
        pollP50Ms: quantile(pollsMs, 0.5),
        pollMaxMs: largest(pollsMs),
        costsP50Ms: quantile(costsMs, 0.5),
        costsMaxMs: largest(costsMs),
      };
    },
  };
}
