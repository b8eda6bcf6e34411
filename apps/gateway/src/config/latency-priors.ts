import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { latencyPriorsFromResults, readResults } from '@loom/bench';
import { ConfigFileError } from './config-error.js';
import type { LoomConfig } from './config-schema.js';

/**
 * Reads `routing.latencyPriorsFrom` (benchmark results written by `loom bench --json`) into
 * `routing.latencyPriors`, so the latency and balanced strategies start from measured numbers
 * instead of trying every deployment first. Entries written in the config win.
 */
export async function withLatencyPriors(config: LoomConfig, file: string): Promise<LoomConfig> {
  const from = config.routing?.latencyPriorsFrom;
  if (from === undefined) return config;
  const files = (typeof from === 'string' ? [from] : from).map((entry) =>
    isAbsolute(entry) ? entry : resolve(dirname(file), entry),
  );
  let results: Awaited<ReturnType<typeof readResults>>[];
  try {
    results = await Promise.all(files.map((path) => readResults(path)));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new ConfigFileError(basename(file), [{ path: 'routing.latencyPriorsFrom', message }]);
  }
  const measured = latencyPriorsFromResults(...results);
  const priors: Record<string, { latencyMs: number; timeToFirstChunkMs?: number }> = {};
  for (const [id, prior] of Object.entries(measured)) {
    priors[id] = {
      latencyMs: prior.p50Ms,
      ...(prior.ttftP50Ms === undefined ? {} : { timeToFirstChunkMs: prior.ttftP50Ms }),
    };
  }
  return {
    ...config,
    routing: { ...config.routing, latencyPriors: { ...priors, ...config.routing?.latencyPriors } },
  };
}
