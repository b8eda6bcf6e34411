import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { request } from 'undici';
import { largest, quantile, round2 } from './percentiles.js';

const run = promisify(execFile);

/** `/api/costs?groupBy=model` timed from the client, one call at a time on an idle gateway. */
export interface ApiCostsFigures {
  calls: number;
  p50Ms: number;
  p95Ms: number;
  maxMs: number;
  /** Records the report counted (the ledger's rows, the gateway's own included). */
  records: number;
}

/** GETs `path` and returns its JSON; throws on a non-2xx answer. */
export async function getJson(base: string, path: string): Promise<unknown> {
  const response = await request(`${base}${path}`, { headers: { accept: 'application/json' } });
  const text = await response.body.text();
  if (response.statusCode >= 300) throw new Error(`${path}: HTTP ${response.statusCode} ${text}`);
  return JSON.parse(text);
}

/** One untimed call (first query plans, page cache), then `calls` timed ones in a row. */
export async function measureApiCosts(base: string, calls = 30): Promise<ApiCostsFigures> {
  const path = '/api/costs?groupBy=model';
  await getJson(base, path);
  const times: number[] = [];
  let records = 0;
  for (let call = 0; call < calls; call += 1) {
    const started = performance.now();
    const body = (await getJson(base, path)) as { enabled?: boolean; records?: number };
    times.push(performance.now() - started);
    if (body.enabled !== true) throw new Error(`${path}: costs are off in the gateway`);
    records = body.records ?? 0;
  }
  return {
    calls,
    p50Ms: quantile(times, 0.5),
    p95Ms: quantile(times, 0.95),
    maxMs: largest(times),
    records,
  };
}

/** Wall time of `loom costs` processes, ms. */
export interface CliFigures {
  medianMs: number;
  runsMs: number[];
}

async function timedRuns(args: string[], runs: number, check: (out: string) => void) {
  const runsMs: number[] = [];
  for (let index = 0; index < runs; index += 1) {
    const started = performance.now();
    const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
    runsMs.push(Math.round(performance.now() - started));
    check(stdout);
  }
  return { medianMs: quantile(runsMs, 0.5), runsMs };
}

/**
 * `loom costs --group-by day --from <30 days ago>` on the config the gateway runs with, so it
 * opens the same ledger (beside the running gateway), `runs` times.
 */
export function measureCostsCli(
  gatewayCli: string,
  configFile: string,
  runs = 3,
): Promise<CliFigures> {
  const from = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const args = [gatewayCli, 'costs', '--config', configFile, '--group-by', 'day', '--from', from];
  return timedRuns(args, runs, (stdout) => {
    if (!stdout.includes('TOTAL')) throw new Error(`loom costs printed no report:\n${stdout}`);
  });
}

/**
 * `loom costs --help`: the same process loading the same CLI and touching no ledger, so the
 * report's own share of the wall time is the difference.
 */
export function measureCliStartup(gatewayCli: string, runs = 3): Promise<CliFigures> {
  return timedRuns([gatewayCli, 'costs', '--help'], runs, () => {});
}

/** Milliseconds as text: `12.3 ms`, or `1.24 s` past a second. */
export const formatMs = (ms: number) =>
  ms >= 1000 ? `${round2(ms / 1000)} s` : `${Math.round(ms * 10) / 10} ms`;
